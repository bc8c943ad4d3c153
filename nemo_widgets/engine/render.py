"""Render a draft to an H.264/AAC MP4 with one ffmpeg command (the engine's export).

The draft's main video track becomes a chain of normalised pieces (trimmed, scaled to the
canvas, letterboxed or cropped to fill) with black gaps between them, joined by ``concat``;
further video tracks are overlaid on top; text tracks are burned in through libass from an
ASS file built by :mod:`.textburn`; every audible segment is trimmed, faded, set to its volume,
delayed to its place and summed over a silent bed with ``amix``.

User paths never appear inside the filter graph: media are passed as ``-i file:/abs/path``
arguments, and ffmpeg runs in a private work directory where the ASS file and the font links
have fixed, harmless names. So quotes, colons, backslashes and non-ASCII characters in file
names or title text cannot break filter-graph parsing.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import schema
from .media import MediaError, MediaInfo, ffmpeg_exe, probe
from .textburn import build_ass, font_files, has_burnable_text

__all__ = [
    "MAX_RENDER_S",
    "RenderCancelled",
    "RenderError",
    "RenderPlan",
    "build_command",
    "canvas_size",
    "render_draft",
    "validate_draft",
]

log = logging.getLogger(__name__)

Resolver = Callable[[str], "Path | None"]

#: (crf, x264 preset, AAC bitrate) per quality. ``veryfast`` keeps a 1080p export near real
#: time on two cores; the crf carries the quality difference.
QUALITY = {
    "high": (20, "veryfast", "192k"),
    "medium": (23, "veryfast", "160k"),
    "low": (28, "veryfast", "128k"),
}
MAX_SIDE = 1920
#: Longest export the engine renders (4 h). A longer draft is refused before it is queued:
#: one render worker busy for days helps nobody, and a 4 h timeline is already beyond what
#: anyone edits in a notebook.
MAX_RENDER_S = 4 * 3600
#: Slack when a segment is checked against its media or the draft (rounding to ms, frames).
_SLACK_MS = 100
AUDIO_RATE = 48000
_STDERR_TAIL = 12  # lines of ffmpeg's stderr kept in a RenderError


class RenderError(Exception):
    """The draft could not be rendered; the message says why and what to do."""


class RenderCancelled(RenderError):
    """The render was cancelled; no output file was left behind."""


@dataclass
class RenderPlan:
    """The exact ffmpeg invocation :func:`render_draft` runs (also used by the benchmark).

    ``argv`` must be run with ``cwd=workdir``: the filter graph names the ASS file and the
    fonts folder relative to it.
    """

    argv: list[str]
    workdir: Path
    output: Path
    duration_s: float
    width: int
    height: int
    fps: float
    inputs: int = 0
    text_events: int = 0
    notes: list[str] = field(default_factory=list)


# ----------------------------------------------------------------------------------------------
# Canvas and draft reading
# ----------------------------------------------------------------------------------------------
def _even(x: float) -> int:
    return max(2, round(x / 2) * 2)


def canvas_size(draft: dict[str, Any], resolution: str | None = None) -> tuple[int, int]:
    """Output size for a draft: ``m.width``/``m.height``, else ``m.ratio``, else 1920x1080.

    ``resolution`` (``"1080p"``, ``"720p"``, ``"480p"``) sets the short side; the long side is
    never more than 1920 px.
    """
    meta = draft.get(schema.META) or {}
    w, h = meta.get("width"), meta.get("height")
    if not (isinstance(w, (int, float)) and isinstance(h, (int, float)) and w > 0 and h > 0):
        w, h = schema.ASPECT_RATIOS.get(str(meta.get("ratio") or ""), (1920, 1080))
    w, h = float(w), float(h)
    if resolution:
        if resolution not in schema.RESOLUTIONS:
            known = ", ".join(schema.RESOLUTIONS)
            raise RenderError(f"Unknown resolution {resolution!r}; use one of {known}.")
        factor = schema.RESOLUTIONS[resolution] / min(w, h)
        w, h = w * factor, h * factor
    if max(w, h) > MAX_SIDE:
        factor = MAX_SIDE / max(w, h)
        w, h = w * factor, h * factor
    return _even(w), _even(h)


def _ms(value: Any, default: int = 0) -> int:
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return default


def _span(seg: dict[str, Any]) -> tuple[int, int]:
    start = _ms(seg.get(schema.SEG_START))
    end = _ms(seg.get(schema.SEG_END), start)
    return start, end


def draft_duration_ms(draft: dict[str, Any]) -> int:
    """``d`` when set, else the end of the last segment."""
    d = _ms(draft.get(schema.DURATION))
    if d > 0:
        return d
    ends = [
        _span(seg)[1]
        for track in draft.get(schema.TRACKS) or []
        for seg in track.get(schema.SEGMENTS) or []
    ]
    return max(ends, default=0)


def _volume(seg: dict[str, Any]) -> float:
    raw = seg.get(schema.SEG_VOLUME, seg.get("volume"))
    if raw is None:
        return 1.0
    vol = float(raw)
    if vol > 1.0 + 1e-9 and vol <= 100:  # the client also writes percent
        vol /= 100.0
    return max(0.0, min(vol, 4.0))


def _speed(seg: dict[str, Any]) -> float:
    try:
        spd = float(seg.get(schema.SEG_SPEED) or 1.0)
    except (TypeError, ValueError):
        spd = 1.0
    return min(max(spd, 0.25), 4.0)


def _seconds(ms: float) -> str:
    s = ms / 1000
    if s >= 86400:
        return f"{s / 86400:,.1f} days"
    if s >= 3600:
        return f"{s / 3600:.1f} h"
    return f"{s:.1f} s"


def _segment_name(track: dict[str, Any], ti: int, seg: dict[str, Any], si: int) -> str:
    seg_id = seg.get(schema.SEG_ID)
    track_id = track.get(schema.TRACK_ID)
    what = f"segment {seg_id!r}" if isinstance(seg_id, str) and seg_id else f"segment {si + 1}"
    where = f"track {track_id!r}" if isinstance(track_id, str) and track_id else f"track {ti + 1}"
    return f"{what} of {where} ({schema.TrackType.name(track.get(schema.TRACK_TYPE))})"


def validate_draft(
    draft: dict[str, Any], resolve: Resolver, *, max_duration_s: float = MAX_RENDER_S
) -> None:
    """Check a draft against its sources before it is queued: a cheap, early refusal.

    Every media segment must use a source ``resolve`` knows (the caller scopes it to the
    submitting session) and read within that media's length (images and looped music
    excepted); every segment must lie within the draft; the whole must be at most
    ``max_duration_s`` long.

    Raises
    ------
    RenderError
        Naming the first segment that fails and why, with what to do.
    """
    tracks = [t for t in draft.get(schema.TRACKS) or [] if isinstance(t, dict)]
    total = draft_duration_ms(draft)
    cap_ms = max_duration_s * 1000
    for ti, track in enumerate(tracks):
        tt = track.get(schema.TRACK_TYPE)
        loops = tt == schema.TrackType.AUDIO and track.get(schema.TRACK_KIND) == "music"
        for si, seg in enumerate(track.get(schema.SEGMENTS) or []):
            name = _segment_name(track, ti, seg, si)
            start, end = _span(seg)
            if end < start:
                raise RenderError(
                    f"{name} ends ({_seconds(end)}) before it starts ({_seconds(start)}); "
                    "fix its times and export again."
                )
            if end > cap_ms:
                raise RenderError(
                    f"{name} ends at {_seconds(end)}; exports are limited to "
                    f"{_seconds(cap_ms)}. Shorten it and export again."
                )
            if end > start and (start >= total or end > total + _SLACK_MS):
                raise RenderError(
                    f"{name} runs {_seconds(start)}-{_seconds(end)}, outside the draft "
                    f"(0-{_seconds(total)}); move it inside or remove it, then export again."
                )
            src = seg.get(schema.SEG_SOURCE)
            if tt not in (schema.TrackType.VIDEO, schema.TrackType.AUDIO) and not src:
                continue  # text: nothing to read from disk
            if not src:
                raise RenderError(f"{name} has no source; remove it and export again.")
            path = resolve(str(src))
            if path is None or not Path(path).is_file():
                raise RenderError(
                    f"{name} uses {src}, which is not one of this session's uploads; upload "
                    "that file to this session (or remove the segment) and export again."
                )
            try:
                info = _info(Path(path).resolve())
            except MediaError as exc:
                raise RenderError(f"{name}: {exc}") from exc
            if info.file_type == "audio" and tt == schema.TrackType.VIDEO:
                raise RenderError(f"{name} is an audio file on a video track; move it.")
            if loops or info.file_type == "image" or not info.duration_s:
                continue
            needed_ms = _ms(seg.get(schema.SEG_SOURCE_OFFSET)) + (end - start) * _speed(seg)
            have_ms = info.duration_s * 1000
            if needed_ms > have_ms + max(_SLACK_MS, have_ms * 0.01):
                raise RenderError(
                    f"{name} reads its source up to {_seconds(needed_ms)}, but "
                    f"{Path(path).name} is only {_seconds(have_ms)} long; shorten the segment "
                    "(or its offset) and export again."
                )
    if total > cap_ms:  # a "d" longer than any segment
        raise RenderError(
            f"The draft is {_seconds(total)} long; exports are limited to "
            f"{_seconds(cap_ms)}. Set its length (d) within that and export again."
        )


@functools.lru_cache(maxsize=256)
def _probe_cached(path: str, size: int, mtime_ns: int) -> MediaInfo:
    return probe(path, verify=False)


def _info(path: Path) -> MediaInfo:
    st = path.stat()
    return _probe_cached(str(path), st.st_size, st.st_mtime_ns)


def _f(x: float) -> str:
    return f"{x:.3f}".rstrip("0").rstrip(".") if x else "0"


# ----------------------------------------------------------------------------------------------
# Building the command
# ----------------------------------------------------------------------------------------------
class _Graph:
    def __init__(self, width: int, height: int, fps: float) -> None:
        self.w, self.h, self.fps = width, height, fps
        self.inputs: list[list[str]] = []
        self.chains: list[str] = []
        self.audio: list[str] = []
        self._n = 0

    def label(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}{self._n}"

    def add_input(self, args: list[str]) -> int:
        self.inputs.append(args)
        return len(self.inputs) - 1

    def frame(self, ms: int) -> int:
        """Index of the output frame at ``ms`` (pieces are cut on the frame grid, so many
        segments add up to the right length instead of drifting by a frame each)."""
        return round(ms * self.fps / 1000)

    def black(self, frames: int) -> str:
        out = self.label("g")
        self.chains.append(
            f"color=c=black:s={self.w}x{self.h}:r={_f(self.fps)}:d={_f(frames / self.fps + 1)},"
            f"trim=end_frame={frames},format=yuv420p,setsar=1[{out}]"
        )
        return out


def _media_input(path: Path, info: MediaInfo, so_s: float, src_s: float, *, loop: bool) -> list:
    """Input options that read ``src_s`` seconds of ``path`` from ``so_s`` (``-i`` last)."""
    name = "file:" + str(path)  # "file:" so a colon in a name is never taken for a protocol
    if info.file_type == "image":
        if info.video_codec in ("gif", "webp_anim") or (info.duration_s or 0) > 0:
            extra = ["-ignore_loop", "0"] if info.video_codec == "gif" else []
            return [*extra, "-t", _f(src_s), "-i", name]
        # "-pattern_type none": a "%" in a file name is not an image-sequence pattern
        return ["-loop", "1", "-t", _f(src_s), "-f", "image2", "-pattern_type", "none", "-i", name]
    args = ["-stream_loop", "-1"] if loop else []
    if so_s > 0:
        args += ["-ss", _f(so_s)]
    return [*args, "-t", _f(src_s), "-i", name]


def _fit_filter(fit: str, w: int, h: int, *, pad: bool) -> str:
    if fit == "cover":
        return f"scale={w}:{h}:force_original_aspect_ratio=increase,crop={w}:{h}"
    scale = f"scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2"
    return f"{scale},pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:color=black" if pad else scale


def _visual_chain(
    g: _Graph,
    idx: int,
    seg: dict,
    track: dict,
    meta: dict,
    dur_s: float,
    *,
    overlay: bool,
    frames: int | None = None,
) -> str:
    fit = str(seg.get(schema.SEG_FIT) or track.get(schema.SEG_FIT) or meta.get("fit") or "")
    fit = "cover" if fit in ("cover", "fill", "crop") else "contain"
    spd = _speed(seg)
    pts = "PTS-STARTPTS" if spd == 1 else f"(PTS-STARTPTS)/{_f(spd)}"
    out = g.label("o" if overlay else "p")
    parts = [
        f"[{idx}:v]setpts={pts}",
        f"fps={_f(g.fps)}",
        _fit_filter(fit, g.w, g.h, pad=not overlay),
        "setsar=1",
        "format=yuva420p" if overlay else "format=yuv420p",
        # a source shorter than its slot holds its last frame rather than ending early
        f"tpad=stop_mode=clone:stop_duration={_f(dur_s)}",
        f"trim=end_frame={frames}" if frames else f"trim=duration={_f(dur_s)}",
    ]
    # fades to/from black (or, on overlays, to/from transparent); the audio fades alike
    parts += _fade_filters("fade", seg, dur_s, ":alpha=1" if overlay else "")
    start_s = _span(seg)[0] / 1000
    parts.append(f"setpts=PTS-STARTPTS+{_f(start_s)}/TB" if overlay else "setpts=PTS-STARTPTS")
    g.chains.append(",".join(parts) + f"[{out}]")
    return out


def _fade_filters(name: str, seg: dict, dur_s: float, options: str = "") -> list[str]:
    """``fade``/``afade`` filters for the segment's fade-in and fade-out, within its slot."""
    fi = min(_ms(seg.get(schema.SEG_FADE_IN)) / 1000, dur_s)
    fo = min(_ms(seg.get(schema.SEG_FADE_OUT)) / 1000, dur_s)
    filters = []
    if fi > 0:
        filters.append(f"{name}=t=in:st=0:d={_f(fi)}{options}")
    if fo > 0:
        filters.append(f"{name}=t=out:st={_f(dur_s - fo)}:d={_f(fo)}{options}")
    return filters


def _audio_chain(g: _Graph, idx: int, seg: dict, dur_s: float) -> None:
    start_ms, _ = _span(seg)
    spd = _speed(seg)
    parts = [f"[{idx}:a]asetpts=PTS-STARTPTS"]
    if spd != 1:
        # one atempo goes down to 0.5x: chain them for slower speeds
        remaining = spd
        while remaining < 0.5:
            parts.append("atempo=0.5")
            remaining /= 0.5
        parts.append(f"atempo={_f(remaining)}")
    parts += [
        f"aresample={AUDIO_RATE}",
        "aformat=sample_fmts=fltp:channel_layouts=stereo",
        f"apad=whole_dur={_f(dur_s)}",
        f"atrim=duration={_f(dur_s)}",
    ]
    vol = _volume(seg)
    if abs(vol - 1.0) > 1e-6:
        parts.append(f"volume={vol:.4f}")
    parts += _fade_filters("afade", seg, dur_s)
    if start_ms > 0:
        parts.append(f"adelay=delays={start_ms}:all=1")
    out = g.label("a")
    g.chains.append(",".join(parts) + f"[{out}]")
    g.audio.append(out)


def _resolve(resolve: Resolver, src: Any) -> tuple[Path, MediaInfo]:
    if not src:
        raise RenderError("A media segment of the draft has no source; remove it and export again.")
    path = resolve(str(src))
    if path is None or not Path(path).is_file():
        raise RenderError(
            f"The draft uses {src}, which is not among this session's uploads; "
            "upload the file again (or remove that segment) and export again."
        )
    path = Path(path).resolve()
    try:
        return path, _info(path)
    except MediaError as exc:
        raise RenderError(str(exc)) from exc


def build_command(
    draft: dict[str, Any],
    resolve: Resolver,
    out_path: Path,
    workdir: Path,
    *,
    quality: str = "high",
    resolution: str | None = None,
) -> RenderPlan:
    """Plan the ffmpeg command that renders ``draft`` to ``out_path``.

    Writes the burn-in ASS file and a fonts folder into ``workdir`` (which must exist and
    outlive the command). Raises :class:`RenderError` for drafts that cannot be rendered.
    """
    if quality not in QUALITY:
        raise RenderError(f"Unknown quality {quality!r}; use one of {', '.join(QUALITY)}.")
    tracks = [t for t in draft.get(schema.TRACKS) or [] if t.get(schema.SEGMENTS)]
    if not tracks:
        raise RenderError("The draft is empty: add a video, image or text first, then export.")
    total_ms = draft_duration_ms(draft)
    if total_ms <= 0:
        raise RenderError("The draft has no length: its segments all end at 0 s.")
    total_s = total_ms / 1000
    meta = draft.get(schema.META) or {}
    width, height = canvas_size(draft, resolution)

    visual = [t for t in tracks if t.get(schema.TRACK_TYPE) == schema.TrackType.VIDEO]
    main = next(
        (t for t in visual if t.get(schema.TRACK_KIND) in (None, schema.TrackKind.VIDEO)),
        visual[0] if visual else None,
    )
    fps = float(meta.get("fps") or 0)
    if not fps and main is not None:
        for seg in main[schema.SEGMENTS]:
            path = resolve(str(seg.get(schema.SEG_SOURCE) or ""))
            if path is None or not Path(path).is_file():
                continue  # reported properly when the segment itself is added
            try:
                found = _info(Path(path).resolve())
            except MediaError:
                continue
            if found.file_type == "video" and found.fps:
                fps = found.fps
                break
    fps = min(max(fps or 30.0, 1.0), 60.0)
    g = _Graph(width, height, fps)

    def add_segment(
        seg: dict, track: dict, *, overlay: bool, clip_from_ms: int, frames: int | None = None
    ) -> str | None:
        original_start, end = _span(seg)
        start = max(original_start, clip_from_ms)
        end = min(end, total_ms)
        if end <= start:
            return None
        seg = {**seg, schema.SEG_START: start}
        path, info = _resolve(resolve, seg.get(schema.SEG_SOURCE))
        dur_s = (end - start) / 1000
        spd = _speed(seg)
        # a segment clipped at its start (it overlapped the one before) skips that much source
        skipped_ms = (start - original_start) * spd + _ms(seg.get(schema.SEG_SOURCE_OFFSET))
        so_s = max(0.0, skipped_ms / 1000)
        if info.file_type == "audio":
            raise RenderError(
                f"{path.name} is an audio file on a video track; move it to an audio track."
            )
        idx = g.add_input(_media_input(path, info, so_s, dur_s * spd, loop=False))
        label = _visual_chain(g, idx, seg, track, meta, dur_s, overlay=overlay, frames=frames)
        if info.has_audio and not track.get(schema.TRACK_MUTED) and info.file_type == "video":
            _audio_chain(g, idx, seg, dur_s)
        return label

    # 1. main track: pieces and black gaps, concatenated
    pieces: list[str] = []
    cursor = 0
    if main is not None:
        for seg in sorted(main[schema.SEGMENTS], key=lambda s: _span(s)[0]):
            start, end = _span(seg)
            end = min(end, total_ms)
            if start >= total_ms or end <= cursor:
                continue
            start = max(start, cursor)
            frames = g.frame(end) - g.frame(start)
            if frames <= 0:
                continue  # shorter than a frame: the gap (or next piece) covers it
            if g.frame(start) > g.frame(cursor):
                pieces.append(g.black(g.frame(start) - g.frame(cursor)))
            label = add_segment(seg, main, overlay=False, clip_from_ms=cursor, frames=frames)
            if label:
                pieces.append(label)
                cursor = end
    if g.frame(total_ms) > g.frame(cursor):
        pieces.append(g.black(g.frame(total_ms) - g.frame(cursor)))
    if not pieces:  # a draft shorter than one frame still gets a frame
        pieces.append(g.black(1))
    video = g.label("v")
    if len(pieces) == 1:
        g.chains.append(f"[{pieces[0]}]null[{video}]")
    else:
        joined = "".join(f"[{p}]" for p in pieces)
        g.chains.append(f"{joined}concat=n={len(pieces)}:v=1:a=0[{video}]")

    # 2. other video tracks (images, picture-in-picture) on top, in track order
    for track in visual:
        if track is main:
            continue
        for seg in track[schema.SEGMENTS]:
            label = add_segment(seg, track, overlay=True, clip_from_ms=0)
            if label is None:
                continue
            out = g.label("v")
            g.chains.append(
                f"[{video}][{label}]overlay=x=(W-w)/2:y=(H-h)/2:eof_action=pass:format=auto[{out}]"
            )
            video = out

    # 3. text burn-in (fixed relative names inside workdir; see the module docstring)
    text_events = 0
    if has_burnable_text(draft):
        doc = build_ass(draft, width, height)
        text_events = len(doc.events)
        if text_events:
            (workdir / "burn.ass").write_text(doc.to_string("ass"), encoding="utf-8")
            fonts = workdir / "fonts"
            fonts.mkdir(exist_ok=True)
            # only font files in the folder (libass tries to load every file there)
            for font in font_files(doc):
                link = fonts / font.name
                if not link.exists():
                    try:
                        link.symlink_to(font)
                    except OSError:
                        shutil.copyfile(font, link)
            out = g.label("v")
            g.chains.append(f"[{video}]ass=filename=burn.ass:fontsdir=fonts[{out}]")
            video = out
    out = g.label("v")
    g.chains.append(f"[{video}]format=yuv420p[{out}]")
    video = out

    # 4. audio tracks
    for track in tracks:
        if track.get(schema.TRACK_TYPE) != schema.TrackType.AUDIO or track.get(schema.TRACK_MUTED):
            continue
        loop = track.get(schema.TRACK_KIND) == schema.TrackKind.MUSIC
        for seg in track[schema.SEGMENTS]:
            start, end = _span(seg)
            end = min(end, total_ms)
            if end <= start:
                continue
            path, info = _resolve(resolve, seg.get(schema.SEG_SOURCE))
            if not info.has_audio:
                continue
            dur_s = (end - start) / 1000
            so_s = _ms(seg.get(schema.SEG_SOURCE_OFFSET)) / 1000
            idx = g.add_input(_media_input(path, info, so_s, dur_s * _speed(seg), loop=loop))
            _audio_chain(g, idx, seg, dur_s)

    # 5. mix over a silent bed that fixes the length (silence where nothing plays)
    bed = g.label("a")
    g.chains.append(f"anullsrc=r={AUDIO_RATE}:cl=stereo,atrim=duration={_f(total_s)}[{bed}]")
    audio = g.label("a")
    if g.audio:
        streams = "".join(f"[{a}]" for a in [bed, *g.audio])
        g.chains.append(
            f"{streams}amix=inputs={len(g.audio) + 1}:duration=first:"
            f"dropout_transition=0:normalize=0[{audio}]"
        )
    else:
        g.chains.append(f"[{bed}]anull[{audio}]")

    crf, preset, abr = QUALITY[quality]
    argv = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error"]
    for args in g.inputs:
        argv += args
    argv += [
        "-filter_complex",
        ";".join(g.chains),
        "-map",
        f"[{video}]",
        "-map",
        f"[{audio}]",
        "-c:v",
        "libx264",
        "-preset",
        preset,
        "-crf",
        str(crf),
        "-pix_fmt",
        "yuv420p",
        "-r",
        _f(fps),
        "-c:a",
        "aac",
        "-b:a",
        abr,
        "-ar",
        str(AUDIO_RATE),
        "-ac",
        "2",
        "-t",
        _f(total_s),
        "-movflags",
        "+faststart",
        "-progress",
        "pipe:1",
        "-nostats",
        "-f",
        "mp4",
        str(out_path),
    ]
    return RenderPlan(
        argv=argv,
        workdir=workdir,
        output=Path(out_path),
        duration_s=total_s,
        width=width,
        height=height,
        fps=fps,
        inputs=len(g.inputs),
        text_events=text_events,
    )


# ----------------------------------------------------------------------------------------------
# Running it
# ----------------------------------------------------------------------------------------------
def _progress_reader(
    stream, total_s: float, on_progress: Callable[[float], None] | None, last: list[float]
) -> None:
    for raw in stream:
        line = raw.strip()
        key, _, value = line.partition("=")
        if key in ("out_time_us", "out_time_ms") and value.lstrip("-").isdigit():
            pct = max(0.0, min(99.9, int(value) / 1e6 / total_s * 100)) if total_s else 0.0
            # values up to 1 are not reported: some callers read 0..1 as a fraction
            if pct > max(last[0], 1.0) and on_progress is not None:
                last[0] = pct
                try:
                    on_progress(round(pct, 1))
                except Exception:  # a broken progress callback must not stop the render
                    log.exception("render progress callback failed")


def _stderr_tail(path: Path) -> str:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(lines[-_STDERR_TAIL:])


#: ffmpeg processes running now (killed at interpreter exit if a render is still going).
_RUNNING: set[subprocess.Popen] = set()
_RUNNING_LOCK = threading.Lock()


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child die with this process (Linux ``PR_SET_PDEATHSIG``).

    Without it an engine killed with SIGKILL leaves ffmpeg running (reparented to PID 1),
    still writing its partial file. Elsewhere there is no such switch: the engine's exit
    paths kill the children they know (:func:`kill_running`).
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:  # runs in the child between fork and exec: syscalls only
        prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above took effect
            os._exit(1)

    return preexec


def kill_running() -> int:
    """Kill every ffmpeg this process started that still runs; returns how many."""
    with _RUNNING_LOCK:
        procs = list(_RUNNING)
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
    return len(procs)


def render_draft(
    draft: dict[str, Any],
    resolve: Resolver,
    out_path: Path,
    *,
    quality: str = "high",
    resolution: str | None = None,
    on_progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    cancel_event: threading.Event | None = None,
    work_root: Path | None = None,
) -> dict[str, Any]:
    """Render ``draft`` to an MP4 at ``out_path``.

    Parameters
    ----------
    draft : dict
        The session draft.
    resolve : callable
        Maps a segment's ``src`` (an upload's ``cdn_url``) to a local file, or None.
    out_path : Path
        Final file; written under a temporary name and renamed on success, so a failed or
        cancelled render never leaves a partial file there.
    quality : {"high", "medium", "low"}
    resolution : {"1080p", "720p", "480p"} or None
        Short side of the output; None keeps the draft's canvas (at most 1920 px long side).
    on_progress : callable, optional
        Called with percentages as ffmpeg advances (never 0..1, so a caller may tell the
        scale apart), and with 100 once the file is complete.
    cancel : threading.Event, optional
        Set it to stop ffmpeg; :class:`RenderCancelled` is raised. ``cancel_event`` is
        accepted as another name for it.
    work_root : Path, optional
        Folder for the private work directory (the engine passes its ``tmp`` folder, which
        it sweeps at start); default the system's temporary folder.

    Returns
    -------
    dict
        ``{"duration_s", "size", "width", "height"}`` of the written file.
    """
    cancel = cancel if cancel is not None else cancel_event
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    partial = out_path.with_name(f".{out_path.stem}.{uuid.uuid4().hex[:8]}.partial.mp4")
    if work_root is not None:
        Path(work_root).mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="render-", dir=work_root) as tmp:
        workdir = Path(tmp)
        plan = build_command(
            draft, resolve, partial, workdir, quality=quality, resolution=resolution
        )
        err_path = workdir / "ffmpeg.log"
        last = [0.0]
        try:
            with open(err_path, "w", encoding="utf-8") as err:
                proc = subprocess.Popen(
                    plan.argv,
                    cwd=workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=err,
                    text=True,
                    encoding="utf-8",
                    errors="replace",
                    preexec_fn=_die_with_parent(),
                )
                with _RUNNING_LOCK:
                    _RUNNING.add(proc)
                reader = threading.Thread(
                    target=_progress_reader,
                    args=(proc.stdout, plan.duration_s, on_progress, last),
                    daemon=True,
                )
                reader.start()
                cancelled = False
                while True:
                    try:
                        proc.wait(timeout=0.1)
                        break
                    except subprocess.TimeoutExpired:
                        if cancel is not None and cancel.is_set():
                            cancelled = True
                            proc.kill()
                reader.join(timeout=5)
            if cancelled or (cancel is not None and cancel.is_set()):
                raise RenderCancelled("The export was cancelled.")
            if proc.returncode != 0:
                tail = _stderr_tail(err_path) or f"ffmpeg exited with code {proc.returncode}"
                raise RenderError(f"ffmpeg could not render the draft:\n{tail}")
            if not partial.is_file() or partial.stat().st_size == 0:
                raise RenderError("ffmpeg finished but wrote no video; export again.")
            os.replace(partial, out_path)
        except BaseException:
            if "proc" in locals() and proc.poll() is None:
                proc.kill()
                proc.wait()
            _unlink_quietly(partial)
            raise
        finally:
            if "proc" in locals():
                with _RUNNING_LOCK:
                    _RUNNING.discard(proc)
    try:
        info = probe(out_path, verify=False)
        duration = info.duration_s or plan.duration_s
    except MediaError:
        duration = plan.duration_s
    if on_progress is not None:
        try:
            on_progress(100.0)
        except Exception:
            log.exception("render progress callback failed")
    return {
        "duration_s": round(float(duration), 3),
        "size": out_path.stat().st_size,
        "width": plan.width,
        "height": plan.height,
    }


def _unlink_quietly(path: Path) -> None:
    for _ in range(3):
        try:
            path.unlink(missing_ok=True)
            return
        except OSError:
            time.sleep(0.05)
