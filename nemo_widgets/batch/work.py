"""One file of a batch, start to finish: probe, recognise, cues, caption files, burn-in, metadata.

:func:`caption_file` is what a Dask worker runs (and the one-process path, and the benchmark's
anchor): the engine's pure pipeline functions over files, no HTTP. It never raises for a bad
input; it returns the file's row with the reason. Every output is written under a temporary
name and renamed, and the receipt (``<name>.receipt.json``) is written last, so a receipt
means every output it lists is whole; a rerun with the same options skips such a file.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .options import BatchOptions

log = logging.getLogger(__name__)

#: ``on_step(step, source)``: called before each step (progress, tests' fault hooks).
StepHook = Callable[[str, str], None]
STEPS = ("fetch", "probe", "recognise", "cues", "write", "burn", "metadata")
RECEIPT_VERSION = 1


class InputError(Exception):
    """This file cannot be captioned as asked; the message says why and what to do."""


# ---------------------------------------------------------------------------------------------
# where outputs go (a folder path or an fsspec URL)
# ---------------------------------------------------------------------------------------------
class Folder:
    """The output folder: local paths written by rename, other filesystems by whole PUTs."""

    def __init__(self, where: str) -> None:
        import fsspec
        from fsspec.implementations.local import LocalFileSystem

        self.where = where
        self.fs, self.root = fsspec.core.url_to_fs(where)
        self.local = isinstance(self.fs, LocalFileSystem)
        if self.local:
            self.root = str(Path(self.root).expanduser())

    def path(self, name: str) -> str:
        return f"{self.root.rstrip('/')}/{name}"

    def ensure(self) -> None:
        self.fs.makedirs(self.root, exist_ok=True)

    def write(self, name: str, data: bytes) -> str:
        """Write a whole file: a temporary name then a rename (locally); one PUT elsewhere."""
        target = self.path(name)
        if not self.local:
            self.fs.pipe_file(target, data)  # an object store's PUT is all or nothing
            return target
        tmp = Path(self.root) / f".{name}.{uuid.uuid4().hex[:8]}.part"
        try:
            tmp.write_bytes(data)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def put(self, name: str, local_file: Path) -> str:
        """Move a finished local file (the MP4) into the folder under ``name``."""
        target = self.path(name)
        if self.local:
            os.replace(local_file, target)
        else:
            self.fs.put_file(str(local_file), target)
        return target

    def size(self, name: str) -> int | None:
        try:
            return int(self.fs.info(self.path(name))["size"])
        except (FileNotFoundError, OSError, KeyError):
            return None

    def mtime(self, name: str) -> float | None:
        try:
            info = self.fs.info(self.path(name))
        except (FileNotFoundError, OSError):
            return None
        return _mtime(info)

    def read(self, name: str) -> bytes | None:
        try:
            return self.fs.cat_file(self.path(name))
        except (FileNotFoundError, OSError):
            return None


def _mtime(info: dict[str, Any]) -> float | None:
    for key in ("mtime", "LastModified", "last_modified", "updated", "created"):
        value = info.get(key)
        if value is None:
            continue
        if hasattr(value, "timestamp"):
            return float(value.timestamp())
        try:
            return float(value)
        except (TypeError, ValueError):
            continue
    return None


def input_fingerprint(source: str) -> dict[str, Any] | None:
    """Size and modification time of an input (None when it cannot be read)."""
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(source)
        info = fs.info(path)
    except (FileNotFoundError, OSError, ValueError):
        return None
    return {"size": int(info.get("size") or 0), "mtime": _mtime(info)}


def receipt_name(name: str) -> str:
    return f"{name}.receipt.json"


def output_names(name: str, options: BatchOptions) -> list[str]:
    """The files a finished input has in the output folder (receipt excluded)."""
    names = [f"{name}.{fmt}" for fmt in options.formats]
    if options.burn:
        names.append(f"{name}_captioned.mp4")
    if options.metadata:
        names.append(f"{name}.metadata.json")
    return names


def finished_row(source: str, name: str, options: BatchOptions) -> dict[str, Any] | None:
    """The row of an earlier run when its outputs are complete, current and newer than the input.

    "Complete": the receipt exists (written last), has these options' hash, and every output
    it lists is there with the size it had. "Current": the input's size and time are those
    the receipt recorded, and no output is older than the input.
    """
    folder = Folder(options.output)
    raw = folder.read(receipt_name(name))
    if raw is None:
        return None
    try:
        receipt = json.loads(raw)
    except ValueError:
        return None
    if receipt.get("version") != RECEIPT_VERSION or receipt.get("options") != options.digest():
        return None
    now = input_fingerprint(source)
    if now is None or receipt.get("input_fingerprint") != now:
        return None
    sizes = receipt.get("outputs") or {}
    if sorted(sizes) != sorted(output_names(name, options)):
        return None
    for out, size in sizes.items():
        if folder.size(out) != size:
            return None
        made = folder.mtime(out)
        if now["mtime"] is not None and made is not None and made < now["mtime"]:
            return None
    row = dict(receipt.get("row") or {})
    row.update(status="skipped", error=None)
    return row


# ---------------------------------------------------------------------------------------------
# the steps
# ---------------------------------------------------------------------------------------------
class _Clock:
    def __init__(self, source: str, on_step: StepHook | None) -> None:
        self.source = source
        self.on_step = on_step
        self.seconds: dict[str, float] = {}
        self.step = ""

    @contextlib.contextmanager
    def __call__(self, step: str) -> Iterator[None]:
        self.step = step
        if self.on_step is not None:
            self.on_step(step, self.source)
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[step] = round(time.perf_counter() - t0, 4)


@contextlib.contextmanager
def _local_copy(source: str) -> Iterator[Path]:
    """The input as a local file: itself when local, else downloaded to a temporary file."""
    if "://" not in source or source.startswith("file://"):
        yield Path(source.removeprefix("file://")).expanduser()
        return
    import fsspec

    suffix = Path(source.split("://", 1)[1]).suffix
    with tempfile.TemporaryDirectory(prefix="nemo-batch-") as tmp:
        local = Path(tmp) / f"input{suffix}"
        try:
            with fsspec.open(source, "rb") as src, open(local, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
        except FileNotFoundError as exc:
            raise InputError(f"{source} was not found; check the URL.") from exc
        yield local


def _check_media(path: Path, source: str, options: BatchOptions) -> Any:
    from ..engine.media import MediaError, probe

    label = Path(source.split("://", 1)[-1]).name
    if not path.exists():
        raise InputError(f"{source}: no such file. Check the path (relative to {Path.cwd()}).")
    if path.is_dir():
        raise InputError(f"{source} is a folder; pass its files or a pattern like 'dir/*.mp4'.")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{label} is empty (0 bytes); copy or export the file again.")
    if size > options.max_bytes:
        raise InputError(
            f"{label} is {size / 2**20:.0f} MB, over the batch's {options.max_bytes / 2**20:.0f} "
            "MB limit: split or compress it, or raise max_bytes."
        )
    try:
        info = probe(path)
    except MediaError as exc:
        raise InputError(str(exc)) from exc
    if not info.has_audio:
        raise InputError(
            f"{label} has no audio stream, so there is no speech to caption; use the file "
            "with its sound track."
        )
    if info.duration_s and info.duration_s > options.max_duration_s:
        raise InputError(
            f"{label} is {info.duration_s / 60:.0f} min long, over the batch's "
            f"{options.max_duration_s / 60:.0f} min limit: trim it, or raise max_duration_s."
        )
    if options.burn and info.file_type != "video":
        raise InputError(
            f"{label} is {info.file_type} only: burn=True needs a video. Caption it without "
            "burn-in, or in a batch of videos."
        )
    return info


def _entry(transcript: Any, cues: list[Any], options: BatchOptions, source: str) -> dict:
    """The language entry the engine keeps in ``state["captions"]`` (what exporters read)."""
    from ..engine.captions.cues import get_preset
    from ..engine.captions.pipeline import cue_entries

    preset = get_preset(options.preset).to_dict()
    return {
        "language": transcript.language,
        "model": transcript.model,
        "engine": transcript.engine,
        "source": source,
        "duration_s": transcript.duration_s,
        "notes": list(transcript.notes),
        "preset": preset,
        "words": [w.to_dict() for w in transcript.words],
        "cues": cue_entries(cues, preset, transcript),
    }


def _draft(path: Path, info: Any, entry: dict[str, Any], options: BatchOptions) -> Any:
    """The timeline of the burn-in: the clip, then its caption track (and the canvas)."""
    from .. import schema
    from ..engine import timeline as tl
    from ..engine.captions import draft as capdraft

    clip = tl.Upload(
        cdn_url=str(path),
        filename=path.name,
        file_type=info.file_type,
        duration_s=info.duration_s,
        width=info.width,
        height=info.height,
        fps=info.fps,
    )
    draft = tl.place_first_clip(tl.Draft(), [clip])
    if (
        options.ratio
        and (draft.meta.width, draft.meta.height) != schema.ASPECT_RATIOS[options.ratio]
    ):
        draft = tl.set_ratio(draft, options.ratio)
    style = {schema.STYLE_PRESET: options.style}
    return tl.set_caption_track(draft, capdraft.track_of(entry, style=style))


def _worker_name() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except (ImportError, ValueError):
        return f"pid {os.getpid()}"


def new_row(source: str, name: str, worker: str) -> dict[str, Any]:
    """A result row before any work: an error until the file is done (one shape for every
    backend, so their tables concatenate)."""
    return {
        "input": source,
        "name": name,
        "status": "error",
        "duration_s": None,
        "language": None,
        "words": 0,
        "cues": 0,
        "outputs": [],
        "error": None,
        "worker": worker,
    }


def caption_file(
    source: str, name: str, options: BatchOptions, on_step: StepHook | None = None
) -> dict[str, Any]:
    """Caption one input; its row (``status`` ``done`` or ``error``, outputs, timings).

    Parameters
    ----------
    source
        A path or fsspec URL.
    name
        The outputs' base name (``talk`` -> ``talk.srt``, ``talk_captioned.mp4``).
    options
        Checked :class:`BatchOptions`.
    on_step
        Called with ``(step, source)`` before each step.
    """
    from ..engine.captions.formats import export_captions, track_from_entry
    from ..engine.captions.pipeline import cues_for, recognise

    clock = _Clock(source, on_step)
    row = new_row(source, name, _worker_name())
    folder = Folder(options.output)
    written: dict[str, int] = {}
    started = time.perf_counter()
    try:
        fingerprint = input_fingerprint(source)
        with contextlib.ExitStack() as stack:
            with clock("fetch"):
                path = stack.enter_context(_local_copy(source))
            with clock("probe"):
                info = _check_media(path, source, options)
            row["duration_s"] = info.duration_s
            with clock("recognise"):
                transcript = recognise(path, language=options.language)
            row["language"], row["words"] = transcript.language, len(transcript.words)
            if not transcript.words:
                raise InputError(
                    f"No speech was recognised in {path.name} ({info.duration_s or 0:.0f} s); "
                    "nothing was written. Check that it has spoken words, or name the "
                    "language (lang='es')."
                )
            with clock("cues"):
                cues = cues_for(transcript, options.preset)
                entry = _entry(transcript, cues, options, source)
                row["cues"] = len(cues)
            width, height = info.width or 1920, info.height or 1080
            with clock("write"):
                folder.ensure()
                track = track_from_entry(entry, style={"preset": options.style})
                for fmt in options.formats:
                    body, _ = export_captions(entry, fmt, track=track, width=width, height=height)
                    data = body.encode("utf-8")
                    out = f"{name}.{fmt}"
                    row["outputs"].append(folder.write(out, data))
                    written[out] = len(data)
            if options.burn:
                with clock("burn"):
                    row["outputs"].append(_burn(path, info, entry, options, folder, name, written))
            if options.metadata:
                with clock("metadata"):
                    row["outputs"].append(_metadata(path, info, transcript, folder, name, written))
        row["status"] = "done"
        receipt = {
            "version": RECEIPT_VERSION,
            "input": source,
            "input_fingerprint": fingerprint,
            "options": options.digest(),
            "outputs": written,
            "row": {k: v for k, v in row.items() if k not in {"status", "error"}},
            "finished_at": time.time(),
        }
        folder.write(receipt_name(name), json.dumps(receipt, indent=1).encode())
    except InputError as exc:
        row["error"] = str(exc)
    except Exception as exc:  # a bad file must never stop the batch: its row says why
        step = clock.step or "start"
        log.warning("batch: %s failed at %s", source, step, exc_info=True)
        row["error"] = f"{step}: {_message(exc)}"
    row.update({f"{step}_s": clock.seconds.get(step) for step in STEPS})
    row["total_s"] = round(time.perf_counter() - started, 4)
    return row


def _message(exc: BaseException) -> str:
    """An engine error's own words (they say what to do); other errors with their type."""
    from ..engine.captions.models import ModelError
    from ..engine.captions.recognize import RecognitionError
    from ..engine.media import MediaError
    from ..engine.render import RenderError
    from ..engine.timeline import TimelineError

    if isinstance(exc, (MediaError, RecognitionError, RenderError, ModelError, TimelineError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _burn(
    path: Path,
    info: Any,
    entry: dict[str, Any],
    options: BatchOptions,
    folder: Folder,
    name: str,
    written: dict[str, int],
) -> str:
    from ..engine.render import render_draft

    draft = _draft(path, info, entry, options).to_dict()
    out = f"{name}_captioned.mp4"

    def resolve(src: str) -> Path | None:
        return path if src == str(path) else None

    if folder.local:  # render_draft writes a temporary name and renames it
        result = render_draft(draft, resolve, Path(folder.path(out)), quality=options.quality)
        written[out] = int(result["size"])
        return folder.path(out)
    with tempfile.TemporaryDirectory(prefix="nemo-batch-") as tmp:
        local = Path(tmp) / out
        result = render_draft(draft, resolve, local, quality=options.quality)
        written[out] = int(result["size"])
        return folder.put(out, local)


def _metadata(
    path: Path, info: Any, transcript: Any, folder: Folder, name: str, written: dict[str, int]
) -> str:
    from ..engine.meta.titles import build_metadata
    from ..engine.meta.words import TimedWord

    words = [TimedWord(w.text, w.start_s, w.end_s) for w in transcript.words]
    meta = build_metadata(
        words,
        duration_s=float(info.duration_s or transcript.duration_s or 0),
        filename=path.name,
        width=info.width,
        height=info.height,
        language=transcript.language if transcript.language in {"en", "es", "zh"} else None,
    )
    data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
    out = f"{name}.metadata.json"
    target = folder.write(out, data)
    written[out] = len(data)
    return target
