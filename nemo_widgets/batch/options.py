"""What a batch does to every file (:class:`BatchOptions`) and which files it covers (inputs).

Options are checked once, before any file is touched, so a typo in a format or a preset is
one clear error instead of a hundred error rows. Inputs are paths, ``file://`` or other
fsspec URLs, folders (their media files) and glob patterns; each becomes one row.
"""

from __future__ import annotations

import glob as _glob
import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .. import schema

#: Caption files a batch can write (the engine's exporters).
FORMATS = ("srt", "vtt", "ass", "json")
#: Longest file a batch captions by default (the engine's longest export, 4 h).
MAX_DURATION_S = 4 * 3600.0
_GLOB_CHARS = frozenset("*?[")


def _is_url(text: str) -> bool:
    return "://" in text


@dataclass(frozen=True)
class BatchOptions:
    """What to make from each file; every field but the output folder and limits is hashed.

    Attributes
    ----------
    language : str or None
        Code of the spoken language (``"en"``, ``"es"``), or None to detect it per file.
    preset : str
        Caption rules: ``netflix``, ``bbc``, ``vertical`` or ``subtitle-edit``.
    style : str
        Burn-in look (and the ASS file's styles): ``plain``, ``boxed``, ``karaoke``,
        ``vertical``.
    formats : tuple of str
        Caption files to write: any of ``srt``, ``vtt``, ``ass``, ``json`` (word level).
    burn : bool
        Also write ``<name>_captioned.mp4`` with the captions burned in (videos only).
    metadata : bool
        Also write ``<name>.metadata.json``: titles, description, tags, chapters.
    ratio : str or None
        Canvas of the burned-in MP4 (``"9:16"``, ``"1:1"``...), None to keep the video's.
    quality : str
        Export quality of the MP4: ``high``, ``medium``, ``low``.
    output : str
        Folder (path or fsspec URL) that receives every output and receipt.
    max_duration_s, max_bytes : float, int
        Longer or bigger inputs get an error row instead of hours of work.
    """

    language: str | None = None
    preset: str = "netflix"
    style: str = "plain"
    formats: tuple[str, ...] = ("srt",)
    burn: bool = False
    metadata: bool = False
    ratio: str | None = None
    quality: str = "high"
    output: str = "captions"
    max_duration_s: float = MAX_DURATION_S
    max_bytes: int = schema.MAX_UPLOAD_BYTES
    _checked: bool = field(default=False, repr=False, compare=False)

    def checked(self) -> BatchOptions:
        """These options, normalised; :class:`ValueError` saying what to use instead."""
        from ..engine.captions.burn import STYLE_DEFAULTS
        from ..engine.captions.cues import get_preset
        from ..engine.captions.recognize import UnsupportedLanguage, language_code, resolve_model
        from ..engine.render import QUALITY

        formats = tuple(dict.fromkeys(f.lower().lstrip(".").strip() for f in self.formats if f))
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise ValueError(
                f"Unknown caption format {', '.join(map(repr, unknown))}: use any of "
                f"{', '.join(FORMATS)}, e.g. srt,vtt."
            )
        if not formats and not self.burn and not self.metadata:
            raise ValueError(
                "Nothing to make: name at least one caption format, or burn=True, or metadata=True."
            )
        try:
            get_preset(self.preset)
        except (KeyError, ValueError) as exc:
            raise ValueError(
                f"Unknown caption preset {self.preset!r}: use netflix, bbc, vertical or "
                "subtitle-edit."
            ) from exc
        styles = [s for s in STYLE_DEFAULTS if s != "title"]
        if self.style not in styles:
            raise ValueError(f"Unknown caption style {self.style!r}: use {', '.join(styles)}.")
        if self.ratio is not None and self.ratio not in schema.ASPECT_RATIOS:
            raise ValueError(
                f"Unknown aspect ratio {self.ratio!r}: use {', '.join(schema.ASPECT_RATIOS)}."
            )
        if self.ratio is not None and not self.burn:
            raise ValueError("ratio= sets the burned-in MP4's canvas: add burn=True, or drop it.")
        if self.quality not in QUALITY:
            raise ValueError(f"Unknown quality {self.quality!r}: use {', '.join(QUALITY)}.")
        language = language_code(self.language)
        try:  # a language no installed model knows: refused before the first file
            resolve_model(language=language)
        except UnsupportedLanguage as exc:
            raise ValueError(str(exc)) from exc
        if not str(self.output).strip():
            raise ValueError("output= is empty: name a folder (or a URL) for the results.")
        return BatchOptions(
            language=language,
            preset=self.preset,
            style=self.style,
            formats=formats,
            burn=bool(self.burn),
            metadata=bool(self.metadata),
            ratio=self.ratio,
            quality=self.quality,
            # workers may run elsewhere (another cwd): a local folder is made absolute here
            output=str(self.output)
            if _is_url(str(self.output))
            else os.path.abspath(os.path.expanduser(str(self.output))),
            max_duration_s=float(self.max_duration_s),
            max_bytes=int(self.max_bytes),
            _checked=True,
        )

    def digest(self) -> str:
        """A short hash of what the outputs depend on (a receipt with another one is stale)."""
        from .. import __version__

        made = {
            k: v
            for k, v in asdict(self).items()
            if k not in {"output", "max_duration_s", "max_bytes", "_checked"}
        }
        made["version"] = __version__
        text = json.dumps(made, sort_keys=True, default=list)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Item:
    """One input of a batch: where it is (path or URL) and the name its outputs take."""

    source: str
    name: str
    problem: str | None = None  # known before any work (no match, duplicate name)


def _media_in(folder: Path) -> list[str]:
    media = [p for p in folder.iterdir() if p.is_file() and schema.media_type(p.name)]
    return sorted(str(p.absolute()) for p in media)


def _expand_one(spec: str) -> list[str] | str:
    """Paths or URLs for one input spec, or a message when a pattern matches nothing."""
    if _is_url(spec):
        if not any(ch in spec for ch in _GLOB_CHARS):
            return [spec]
        import fsspec

        fs, path = fsspec.core.url_to_fs(spec)
        found = sorted(fs.glob(path))
        protocol = spec.split("://", 1)[0]
        urls = [f"{protocol}://{p.lstrip('/')}" if protocol != "file" else f"file://{p}"
                for p in found]  # fmt: skip
        return urls or f"No files match {spec}; check the pattern and the bucket or folder."
    expanded = os.path.expanduser(spec)
    if any(ch in expanded for ch in _GLOB_CHARS):
        found = sorted(_glob.glob(expanded, recursive=True))
        files = [os.path.abspath(f) for f in found if Path(f).is_file()]
        return files or (
            f"No files match {spec} (looked from {Path.cwd()}); check the pattern, e.g. "
            "'lectures/*.mp4'."
        )
    path = Path(expanded)
    if path.is_dir():
        return _media_in(path) or f"{spec} is a folder with no video or audio files in it."
    return [os.path.abspath(path)]  # a missing file still gets its row, with the reason


def expand_inputs(inputs: Any) -> list[Item]:
    """Every input as an :class:`Item`, in the order given; each output name used once.

    Parameters
    ----------
    inputs : str, path, or a list of them
        Files, folders, glob patterns (``"lectures/*.mp4"``) and URLs (``file://``,
        ``s3://bucket/*.mp4`` with the matching fsspec backend installed).
    """
    if isinstance(inputs, (str, os.PathLike)):
        inputs = [inputs]
    items: list[Item] = []
    used: dict[str, str] = {}
    for spec in inputs:
        spec = os.fspath(spec)
        found = _expand_one(spec)
        if isinstance(found, str):
            items.append(Item(spec, Path(spec).stem or "input", found))
            continue
        for source in found:
            stem = Path(source.split("://", 1)[-1]).stem or "input"
            if stem in used and used[stem] != source:
                items.append(
                    Item(
                        source,
                        stem,
                        f"Another input, {used[stem]}, already writes the outputs named "
                        f"{stem!r} to the same folder; rename one of them or caption them "
                        "in two batches with different output folders.",
                    )
                )
                continue
            if stem in used:
                continue  # the same file named twice: captioned once
            used[stem] = source
            items.append(Item(source, stem))
    if not items:
        raise ValueError("No inputs: pass files, a folder, a glob such as 'lectures/*.mp4'.")
    return items
