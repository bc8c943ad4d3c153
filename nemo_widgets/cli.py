"""The ``nemo-widgets`` command: caption a clip, run the engine, suggest metadata or prompts.

The same jobs as the notebooks, without a notebook::

    nemo-widgets caption clip.mp4 --lang en --burn -o out.mp4    # captions burned into an MP4
    nemo-widgets caption clip.mp4 --format srt                   # subtitles file (clip.srt)
    nemo-widgets caption clip.mp4 --style karaoke --preset vertical --burn
    nemo-widgets batch "lectures/*.mp4" --format srt,vtt -o out/ # many files, on Dask
    nemo-widgets metadata clip.mp4                               # titles, description, tags
    nemo-widgets prompt "a lighthouse keeper's last night"       # text-to-video storyboard
    nemo-widgets engine                                          # the local engine, foreground
    nemo-widgets sample speech                                   # path of a bundled sample clip

Every command talks to the embedded engine (started on demand, offline) unless ``--cloud``
(the NemoVideo cloud; ``NEMO_TOKEN`` or a free anonymous token) or ``--base-url URL`` says
otherwise. Exit codes: 0 done, 1 the service reported an error, 2 bad input (with a message
saying what to do), 130 interrupted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__, schema

if TYPE_CHECKING:  # pragma: no cover
    from .session import Session

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

SUBTITLE_FORMATS = ("srt", "vtt", "ass")
CAPTION_PRESETS = ("netflix", "bbc", "vertical", "subtitle-edit")
CAPTION_STYLES = ("plain", "boxed", "karaoke", "vertical")

#: Language names the engine's agent understands in "add captions in <language>".
LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ru": "Russian",
    "ar": "Arabic",
    "hi": "Hindi",
}


class UsageError(Exception):
    """Bad input from the command line; the message says what to do instead (exit code 2)."""


class _ServiceError(Exception):
    """The engine or the cloud could not do what was asked (exit code 1)."""


# --------------------------------------------------------------------------------------------
# argument parsing
# --------------------------------------------------------------------------------------------
def _backend_options() -> argparse.ArgumentParser:
    """Options every talking command shares (accepted before or after the command name)."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("backend")
    g.add_argument(
        "--cloud",
        action="store_true",
        default=argparse.SUPPRESS,
        help="use the NemoVideo cloud instead of the local engine (NEMO_TOKEN, NEMO_API_URL)",
    )
    g.add_argument(
        "--base-url",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="talk to this NemoVideo-compatible server (e.g. an engine started elsewhere)",
    )
    g.add_argument(
        "--engine-dir",
        metavar="DIR",
        type=Path,
        default=argparse.SUPPRESS,
        help="where the local engine keeps its data (default $NEMO_ENGINE_DIR)",
    )
    g.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=argparse.SUPPRESS,
        help="print only results and errors (no streamed reply, no progress line)",
    )
    return p


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nemo-widgets`` (exposed for tests and docs)."""
    common = _backend_options()
    parser = argparse.ArgumentParser(
        prog="nemo-widgets",
        description="AI video captioning and editing: offline on the embedded engine, or on "
        "the NemoVideo cloud with --cloud.",
        parents=[common],
        epilog='Start with: nemo-widgets caption "$(nemo-widgets sample speech)" --burn -o out.mp4',
    )
    parser.add_argument("--version", action="version", version=f"nemo-widgets {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    cap = sub.add_parser(
        "caption",
        parents=[common],
        help="caption a clip: subtitles file (SRT/VTT/ASS) or an MP4 with burned-in captions",
        description="Upload a clip, ask for captions, then write a subtitles file or, with "
        "--burn, export an MP4 with the captions burned in.",
    )
    cap.add_argument("clip", type=Path, help="video or audio file (mp4, mov, webm, mkv, mp3, ...)")
    cap.add_argument(
        "--lang",
        default="auto",
        help="language spoken in the clip, as a code (es, zh, ar…); default: detected",
    )
    out = cap.add_mutually_exclusive_group()
    out.add_argument(
        "--burn", action="store_true", help="export an MP4 with the captions burned in"
    )
    out.add_argument(
        "--format",
        choices=SUBTITLE_FORMATS,
        help="write a subtitles file in this format (default srt, or from -o's extension)",
    )
    cap.add_argument(
        "-o",
        "--output",
        type=Path,
        help="output file (default: the clip's name in the current folder)",
    )
    cap.add_argument("--style", choices=CAPTION_STYLES, help="burn-in look (default plain)")
    cap.add_argument("--preset", choices=CAPTION_PRESETS, help="caption rules (default netflix)")
    cap.add_argument(
        "--quality", choices=schema.QUALITIES, default="high", help="export quality (with --burn)"
    )
    cap.add_argument(
        "--timeout", type=float, default=900.0, help="seconds to wait for the export (900)"
    )
    cap.set_defaults(func=cmd_caption)

    bat = sub.add_parser(
        "batch",
        parents=[common],
        help="caption many files at once on a Dask cluster (local, or --scheduler ADDRESS)",
        description="Caption every input (files, folders, quoted glob patterns, fsspec URLs) "
        "on a local Dask cluster sized to this machine, or on an existing one with "
        "--scheduler; with --cloud, as NemoVideo sessions. Files finished by an earlier run "
        "with the same options are skipped. Needs the batch extra: "
        'pip install "nemo-widgets[batch]".',
    )
    bat.add_argument("inputs", nargs="+", help='files, folders or patterns ("lectures/*.mp4")')
    bat.add_argument("--lang", default="auto", help="language spoken (es, zh…); default detected")
    bat.add_argument(
        "--format",
        default="srt",
        help="caption files to write, comma-separated: srt, vtt, ass, json (default srt)",
    )
    bat.add_argument("--burn", action="store_true", help="also write MP4s with captions burned in")
    bat.add_argument(
        "--metadata", action="store_true", help="also write titles, description and tags (JSON)"
    )
    bat.add_argument("--style", choices=CAPTION_STYLES, default="plain", help="burn-in look")
    bat.add_argument("--preset", choices=CAPTION_PRESETS, default="netflix", help="caption rules")
    bat.add_argument("--ratio", choices=tuple(schema.ASPECT_RATIOS), help="canvas of the MP4s")
    bat.add_argument(
        "--quality", choices=schema.QUALITIES, default="high", help="MP4 quality (with --burn)"
    )
    bat.add_argument(
        "-o", "--output", default="captions", help="output folder or URL (default ./captions)"
    )
    bat.add_argument(
        "--scheduler", metavar="ADDRESS", help="an existing Dask scheduler, e.g. tcp://host:8786"
    )
    bat.add_argument("--workers", type=int, help="worker processes of the local cluster")
    bat.add_argument(
        "--concurrency", type=int, default=4, help="sessions at a time with --cloud (4)"
    )
    bat.set_defaults(func=cmd_batch)

    meta = sub.add_parser(
        "metadata",
        parents=[common],
        help="suggest titles, a description, tags and chapters for a clip",
    )
    meta.add_argument("clip", type=Path, help="video or audio file")
    meta.add_argument("--platform", default="YouTube", help="platform the text is for")
    meta.add_argument("--lang", default="en", help="language spoken in the clip (default en)")
    meta.add_argument("--json", action="store_true", help="print the result as JSON")
    meta.set_defaults(func=cmd_metadata)

    prm = sub.add_parser(
        "prompt",
        parents=[common],
        help="turn an idea into text-to-video prompts (a storyboard)",
    )
    prm.add_argument("idea", help='what the video is about, e.g. "a lighthouse at dawn"')
    prm.add_argument("--json", action="store_true", help="print the result as JSON")
    prm.set_defaults(func=cmd_prompt)

    eng = sub.add_parser(
        "engine",
        help="run the local engine in the foreground (Ctrl-C stops it)",
        description="Run the embedded engine (python -m nemo_widgets.engine) in the foreground; "
        "point notebooks at it with nw.connect('http://127.0.0.1:PORT').",
    )
    eng.add_argument("--port", type=_port, default=None, help="port (0 picks a free one)")
    eng.add_argument("--data-dir", type=Path, default=None, help="where uploads and renders go")
    eng.set_defaults(func=cmd_engine)

    smp = sub.add_parser("sample", help="print the path of a bundled sample file")
    smp.add_argument("name", nargs="?", default="speech", help="speech, reading, music, ...")
    smp.set_defaults(func=cmd_sample)
    return parser


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------
def check_media(path: Path, *, kinds: Sequence[str] = ("video", "audio")) -> Path:
    """Validate a clip before anything is started; raise :class:`UsageError` saying what to do."""
    path = path.expanduser()
    if not path.exists():
        raise UsageError(
            f"{path}: no such file. Check the path (relative to {Path.cwd()}), or try the "
            'bundled sample: nemo-widgets caption "$(nemo-widgets sample speech)"'
        )
    if not path.is_file():
        raise UsageError(f"{path} is a directory; give the path of one video or audio file.")
    kind = schema.media_type(path.name)
    if kind is None or kind[0] not in kinds:
        accepted = ", ".join(ext for ext, (k, _) in schema.MEDIA_TYPES.items() if k in kinds)
        raise UsageError(
            f"{path.name}: unsupported file type. Accepted here: {accepted}. Convert it first, "
            f"e.g. ffmpeg -i {path.name} {path.stem}.mp4"
        )
    size = path.stat().st_size
    if size == 0:
        raise UsageError(f"{path} is empty (0 bytes); export or copy the clip again.")
    if size > schema.MAX_UPLOAD_BYTES:
        raise UsageError(
            f"{path.name} is {size / 2**20:.0f} MB, over the {schema.MAX_UPLOAD_BYTES // 2**20} MB "
            "limit: trim it to the part you need or compress it."
        )
    return path


def _port(text: str) -> int:
    """An argparse type: a TCP port, 0-65535 (checked here, not as a bind() traceback)."""
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a port: use 0-65535 (0 picks a free one)"
        )
    return port


def _output_path(args: argparse.Namespace) -> tuple[Path, str | None]:
    """``(output path, subtitle format or None for an MP4)`` from --burn/--format/-o."""
    out: Path | None = args.output
    if out is not None and out.is_dir():  # -o a folder: the default file name, inside it
        if args.burn:
            return out / f"{args.clip.stem}_captioned.mp4", None
        return out / f"{args.clip.stem}.{args.format or 'srt'}", args.format or "srt"
    if args.burn:
        if out is not None and out.suffix.lower() in {f".{f}" for f in SUBTITLE_FORMATS}:
            raise UsageError(
                f"--burn writes an MP4 but -o is {out.name}; use -o {out.stem}.mp4, "
                f"or drop --burn to write {out.suffix[1:].upper()} subtitles."
            )
        return out or Path.cwd() / f"{args.clip.stem}_captioned.mp4", None
    fmt = args.format
    if fmt is None and out is not None:
        suffix = out.suffix.lower().lstrip(".")
        if suffix in SUBTITLE_FORMATS:
            fmt = suffix
        elif suffix in {"mp4", "mov", "webm", "mkv"}:
            raise UsageError(
                f"-o {out.name} is a video: add --burn to export an MP4 with burned-in captions, "
                "or name a subtitles file (.srt, .vtt, .ass)."
            )
    fmt = fmt or "srt"
    # Defaults go to the current folder, never next to the clip: the clip may sit in a
    # read-only place (a package's samples inside site-packages, a mounted share).
    return out or Path.cwd() / f"{args.clip.stem}.{fmt}", fmt


def caption_requests(
    lang: str, *, style: str | None = None, preset: str | None = None
) -> list[str]:
    """The chat messages that ask for captions, then their rules and look, one per turn.

    One request per message, as a person would type them; the agent applies a preset or a
    style to captions that exist, so the captions come first. ``lang`` ``"auto"`` lets the
    service detect the spoken language; a code names it (a name where the CLI knows one).
    """
    code = (lang or "auto").strip()
    if code.lower() in {"", "auto"}:
        messages = ["add captions"]
    else:
        language = LANGUAGE_NAMES.get(code.split("-")[0].lower(), code)
        messages = [f"add captions in {language}; the speech is in {language}"]
    if preset:
        messages.append(f"use the {preset} preset for the captions")
    if style:
        messages.append(f"make the captions {style} style")
    return messages


class _Printer:
    """Streams the agent's text and shows one progress line on stderr (a terminal rewrites it)."""

    def __init__(self, quiet: bool, stream: TextIO | None = None) -> None:
        self.quiet = quiet
        self.stream = stream or sys.stderr
        self._tty = self.stream.isatty()
        self._last_line = ""
        self._bucket = -1
        self.streamed = False
        self._tool = ""
        self._tool_started = 0.0
        self._dangling = False  # a "working…" line without its newline yet

    def _end_line(self) -> None:
        if self._dangling:
            self.stream.write("\n")
            self._dangling = False

    def say(self, text: str) -> None:
        if not self.quiet:
            self._end_line()
            print(text, file=self.stream, flush=True)

    def on_event(self, event: Any) -> None:
        """Chat stream callback: print text deltas as they arrive."""
        name = type(event).__name__
        if name == "TextEvent" and getattr(event, "text", ""):
            self.streamed = True
            if not self.quiet:
                self._end_line()
                self.stream.write(event.text)
                self.stream.flush()
        elif name == "ToolCallEvent" and not self.quiet:
            self._end_line()
            self._tool = str(getattr(event, "name", "tool"))
            self._tool_started = time.monotonic()
            self.stream.write(f"  [{self._tool}]\n")
        elif name == "HeartbeatEvent" and self._tty and not self.quiet and self._tool:
            # Long tool calls (speech recognition) send only heartbeats: show that time passes.
            elapsed = time.monotonic() - self._tool_started
            self.stream.write(f"\r  [{self._tool}] working… {elapsed:.0f}s")
            self.stream.flush()
            self._dangling = True

    def progress(self, label: str, fraction: float | None) -> None:
        """One progress line: rewritten in place on a terminal, a line per quarter otherwise."""
        if self.quiet:
            return
        pct = "" if fraction is None else f"{max(0.0, min(1.0, fraction)) * 100:3.0f}%"
        filled = 0 if fraction is None else int(max(0.0, min(1.0, fraction)) * 20)
        bar = "" if fraction is None else "[" + "#" * filled + "-" * (20 - filled) + "]"
        line = f"{label} {bar} {pct}".rstrip()
        if self._tty:
            self.stream.write("\r" + line.ljust(len(self._last_line)))
            self.stream.flush()
        else:
            # Off a terminal (CI logs, pipes) one line per quarter is enough.
            bucket = -1 if fraction is None else int(max(0.0, min(1.0, fraction)) * 4)
            if bucket != self._bucket:
                self.stream.write(line + "\n")
            self._bucket = bucket
        self._last_line = line

    def done(self) -> None:
        if self._tty and self._last_line and not self.quiet:
            self.stream.write("\n")
        self._last_line = ""
        self._bucket = -1


def _connect(args: argparse.Namespace, *, skill: str = "nemo-video") -> Session:
    """Open a session on the engine, the cloud or ``--base-url``."""
    from .session import connect  # the notebook facade; imported late to keep --help fast

    kwargs: dict[str, Any] = {"skill": skill, "language": getattr(args, "lang", "en")}
    if getattr(args, "base_url", None):
        kwargs["base_url"] = args.base_url
        kwargs["backend"] = "cloud" if getattr(args, "cloud", False) else "engine"
    elif getattr(args, "cloud", False):
        kwargs["backend"] = "cloud"
    else:
        kwargs["backend"] = "engine"
        if getattr(args, "engine_dir", None):
            kwargs["data_dir"] = args.engine_dir
    return connect(**kwargs)


def _upload(session: Session, clip: Path, printer: _Printer) -> None:
    printer.say(f"uploading {clip.name} ...")

    def on_progress(sent: int, total: int) -> None:
        printer.progress(f"uploading {clip.name}", sent / total if total else None)

    session.upload(clip, on_progress=on_progress)
    printer.done()


def _chat(session: Session, message: str, printer: _Printer) -> Any:
    printer.say(f"> {message}")
    printer.streamed = False
    reply = session.chat(message, on_event=printer.on_event)
    if printer.streamed:
        printer.say("")
    else:
        # No streamed text (the cloud often answers with tool calls only): say what changed.
        printer.say(str(reply))
    return reply


def _to_jsonable(obj: Any) -> Any:
    """Best-effort JSON form of a Metadata/Storyboard result (dataclass, pandas or plain)."""
    for name in ("to_dict", "as_dict", "model_dump"):
        fn = getattr(obj, name, None)
        if callable(fn):
            try:
                return _to_jsonable(fn())
            except TypeError:
                continue
    if hasattr(obj, "to_frame"):
        return obj.to_frame().to_dict(orient="records")
    if isinstance(obj, dict):
        return {str(k): _to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_to_jsonable(v) for v in obj]
    if hasattr(obj, "__dataclass_fields__"):
        import dataclasses

        return _to_jsonable(dataclasses.asdict(obj))
    return obj if isinstance(obj, (str, int, float, bool, type(None))) else str(obj)


# --------------------------------------------------------------------------------------------
# commands
# --------------------------------------------------------------------------------------------
def cmd_caption(args: argparse.Namespace) -> int:
    """``nemo-widgets caption``: upload, ask for captions, write subtitles or an MP4."""
    clip = check_media(args.clip)
    args.clip = clip
    out, fmt = _output_path(args)
    if out.resolve() == clip.resolve():
        raise UsageError(f"-o {out} is the input clip itself; choose another output name.")
    if not out.parent.exists():
        raise UsageError(f"{out.parent} does not exist; create the folder or pick another -o.")
    printer = _Printer(args.quiet)
    session = _connect(args, skill="ai-auto-caption")
    printer.say(f"connected to {session.backend} ({session.base_url})")
    _upload(session, clip, printer)
    for message in caption_requests(args.lang, style=args.style, preset=args.preset):
        reply = _chat(session, message, printer)
        if getattr(reply, "errors", None) and not getattr(reply, "changes", None):
            # The agent could not do it (no speech, unknown language...): stop here, say why.
            raise _ServiceError("; ".join(reply.errors))

    if fmt is not None:
        lang = None if args.lang.strip().lower() in {"", "auto"} else args.lang.split("-")[0]
        text = session.captions(lang=lang, format=fmt)
        tmp = out.with_name(f".{out.name}.part")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)  # never leave half a file under the real name
        print(out)
        return EXIT_OK

    job = session.export(quality=args.quality)
    started = time.monotonic()

    def on_progress(pct: float, status: str) -> None:
        # RenderJob reports 0-100 and the server's status word.
        elapsed = time.monotonic() - started
        printer.progress(f"{status or 'rendering':>10} {elapsed:4.0f}s", (pct or 0.0) / 100)

    job.wait(timeout=args.timeout, on_progress=on_progress)
    printer.done()
    job.download(out)
    print(out)
    return EXIT_OK


def cmd_batch(args: argparse.Namespace) -> int:
    """``nemo-widgets batch``: caption many files; a table of results; 1 if any failed."""
    try:
        from .batch import caption_batch
    except ImportError as exc:
        raise UsageError(str(exc)) from exc
    if args.scheduler and (args.cloud or getattr(args, "base_url", None)):
        raise UsageError("--scheduler is for a Dask cluster; drop it with --cloud or --base-url.")
    cloud = args.cloud or bool(getattr(args, "base_url", None))
    lang = None if args.lang.strip().lower() in {"", "auto"} else args.lang
    try:
        frame = caption_batch(
            args.inputs,
            lang=lang,
            preset=args.preset,
            style=args.style,
            formats=args.format,
            burn=args.burn,
            metadata=args.metadata,
            ratio=args.ratio,
            quality=args.quality,
            output=args.output,
            scheduler=args.scheduler,
            workers=args.workers,
            backend="cloud" if cloud else "local",
            base_url=getattr(args, "base_url", None),
            concurrency=args.concurrency,
            progress=None if args.quiet else "terminal",
        )
    except ValueError as exc:  # bad options: nothing was started
        raise UsageError(str(exc)) from exc
    except ConnectionError as exc:
        raise _ServiceError(str(exc)) from exc
    for row in frame.itertuples():
        if row.status == "error":
            named = Path(str(row.input)).name in str(row.error)
            print(f"error    {row.error}" if named else f"error    {row.input}: {row.error}")
        else:
            print(f"{row.status:<8} {row.input} -> {', '.join(row.outputs)}")
    failed = int((frame.status == "error").sum())
    print(
        f"{len(frame) - failed} of {len(frame)} captioned or already done"
        + (f", {failed} failed" if failed else "")
        + f" ({frame.attrs.get('wall_s', 0):.1f} s)",
        file=sys.stderr,
    )
    return EXIT_FAILED if failed else EXIT_OK


def cmd_metadata(args: argparse.Namespace) -> int:
    """``nemo-widgets metadata``: titles, description, tags and chapters for a clip."""
    clip = check_media(args.clip)
    printer = _Printer(args.quiet or args.json)
    session = _connect(args, skill="video-meta-ai")
    _upload(session, clip, printer)
    _chat(
        session,
        f"generate titles, a description, tags and chapters for my {args.platform} video",
        printer,
    )
    meta = session.metadata()
    print(json.dumps(_to_jsonable(meta), indent=2, ensure_ascii=False) if args.json else meta)
    return EXIT_OK


def cmd_prompt(args: argparse.Namespace) -> int:
    """``nemo-widgets prompt``: an idea turned into a storyboard of text-to-video prompts."""
    idea = args.idea.strip()
    if not idea:
        raise UsageError('say what the video is about, e.g. nemo-widgets prompt "a fox in snow"')
    printer = _Printer(args.quiet or args.json)
    session = _connect(args, skill="video-prompt-generation")
    _chat(session, f"generate a detailed video prompt for: {idea}", printer)
    board = session.prompts()
    print(json.dumps(_to_jsonable(board), indent=2, ensure_ascii=False) if args.json else board)
    return EXIT_OK


def cmd_engine(args: argparse.Namespace) -> int:
    """``nemo-widgets engine``: run the engine server in the foreground until Ctrl-C."""
    argv = [sys.executable, "-m", "nemo_widgets.engine"]
    if args.port is not None:
        argv += ["--port", str(args.port)]
    data_dir = args.data_dir or getattr(args, "engine_dir", None)
    if data_dir is not None:
        argv += ["--data-dir", str(data_dir)]
    print(
        "nemo-widgets engine: starting (Ctrl-C stops it). It prints its URL; connect a notebook "
        'with nw.connect("http://127.0.0.1:PORT") or the CLI with --base-url.',
        file=sys.stderr,
    )
    if os.name == "posix":
        sys.stdout.flush()
        sys.stderr.flush()
        os.execv(sys.executable, argv)  # the engine takes over this process and its Ctrl-C
    return subprocess.call(argv)  # pragma: no cover - Windows


def cmd_sample(args: argparse.Namespace) -> int:
    """``nemo-widgets sample [name]``: print the path of a bundled sample file."""
    from .samples import SAMPLES, sample_path

    try:
        print(sample_path(args.name))
    except KeyError:
        raise UsageError(
            f"no sample called {args.name!r}; choose one of: {', '.join(SAMPLES)}"
        ) from None
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# entry point
# --------------------------------------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run ``nemo-widgets``; returns the exit code (the console script exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    for name in ("cloud", "quiet"):
        setattr(args, name, bool(getattr(args, name, False)))
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.cloud and getattr(args, "engine_dir", None):
        parser.error("--engine-dir is for the local engine; drop it when using --cloud")
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"nemo-widgets {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("\ninterrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        from .api.errors import NemoError, redact

        if isinstance(exc, _ServiceError | NemoError | TimeoutError | OSError):
            print(f"nemo-widgets {args.command}: {redact(str(exc))}", file=sys.stderr)
            return EXIT_FAILED
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
