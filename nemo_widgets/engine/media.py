"""Probe uploaded media with the bundled ffmpeg: what a file is, how long, how big, and is it whole.

There is no ffprobe in ``imageio-ffmpeg``, so :func:`probe` reads the stream summary ffmpeg
prints for ``ffmpeg -i FILE`` and then, for time-based media, runs a stream-copy pass
(``-map 0 -c copy -f null -``) that reads every packet without decoding. That pass is what
catches a truncated MP4 whose index (``moov``) survived but whose data did not: ffmpeg then
warns "partial file" and stops short of the advertised duration.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .. import schema

__all__ = [
    "MediaError",
    "MediaInfo",
    "extract_frame",
    "ffmpeg_exe",
    "make_test_clip",
    "probe",
    "run_ffmpeg",
]

#: Demuxers that mean "a still image" (``ffmpeg -i`` prints them as ``Input #0, png_pipe``).
_IMAGE_FORMATS = ("image2", "_pipe", "webp", "gif", "apng")
#: Seconds given to one probe pass; a 500 MB upload stream-copies in well under this.
_PROBE_TIMEOUT_S = 120


class MediaError(Exception):
    """A file that cannot be used as media; the message is meant for the user."""


@dataclass(frozen=True)
class MediaInfo:
    """What :func:`probe` learned about a media file.

    Attributes
    ----------
    file_type : str
        ``"video"``, ``"image"`` or ``"audio"``.
    duration_s : float or None
        Length in seconds; None for still images.
    width, height : int or None
        Display size of the picture (after the rotation a phone recorded), None for audio.
    fps : float or None
        Frame rate of the video stream.
    has_audio : bool
        Whether there is an audio stream.
    video_codec, audio_codec : str or None
        Codec names as ffmpeg calls them (``h264``, ``aac``, ``png``...).
    frames : int or None
        Number of frames of an animated image (gif/webp), 1 for a still image.
    rotation : int
        Degrees the player rotates the picture (0, 90, 180, 270).
    """

    file_type: str
    duration_s: float | None
    width: int | None
    height: int | None
    fps: float | None
    has_audio: bool
    video_codec: str | None = None
    audio_codec: str | None = None
    frames: int | None = None
    rotation: int = 0

    @property
    def animated(self) -> bool:
        """True for an image with more than one frame (an animated gif or webp)."""
        return self.file_type == "image" and (self.frames or 1) > 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@functools.lru_cache(maxsize=1)
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary shipped by ``imageio-ffmpeg`` (libx264, libass, aac)."""
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], *, timeout: float | None = None) -> subprocess.CompletedProcess:
    """Run ``ffmpeg -hide_banner -nostdin ARGS`` and return the finished process (text mode)."""
    return subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )


def _kind_word(name: str) -> str:
    found = schema.media_type(name)
    return found[0] if found else "media file"


def _unreadable(path: Path, detail: str = "") -> MediaError:
    kind = _kind_word(path.name)
    article = "an" if kind[0] in "aeiou" else "a"
    why = detail or f"the file looks truncated or is not {article} {kind}"
    return MediaError(
        f"{path.name} is not a readable {kind} ({why}); re-export it and upload again."
    )


def _hms(text: str) -> float:
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


_DURATION = re.compile(r"Duration:\s*(\d+:\d+:\d+(?:\.\d+)?)")
_INPUT = re.compile(r"Input #0, ([^,]+(?:,[^ ]+)*), from")
_STREAM = re.compile(r"Stream #0:\d+[^:]*: (Video|Audio|Subtitle|Data|Attachment): (.*)")
_SIZE = re.compile(r"(?:^|[ ,])(\d{2,5})x(\d{2,5})(?:[ ,\[]|$)")
_FPS = re.compile(r"([\d.]+)(k?) (fps|tbr)")
_ROTATION = re.compile(r"rotation of (-?[\d.]+) degrees")
_FRAME = re.compile(r"frame=\s*(\d+)")
_TIME = re.compile(r"time=\s*(-?\d+:\d+:\d+(?:\.\d+)?)")


def _parse_header(stderr: str) -> dict[str, Any]:
    info: dict[str, Any] = {
        "format": "",
        "duration_s": None,
        "video": None,
        "audio": None,
        "width": None,
        "height": None,
        "fps": None,
        "rotation": 0,
        "attached_pic": False,
    }
    if m := _INPUT.search(stderr):
        info["format"] = m.group(1)
    if m := _DURATION.search(stderr):
        info["duration_s"] = _hms(m.group(1))
    lines = stderr.splitlines()
    for i, line in enumerate(lines):
        m = _STREAM.search(line)
        if not m:
            continue
        kind, desc = m.groups()
        codec = desc.split(" ", 1)[0].rstrip(",")
        if kind == "Audio" and info["audio"] is None:
            info["audio"] = codec
        elif kind == "Video" and info["video"] is None:
            if "(attached pic)" in desc:  # cover art of an mp3/m4a: not a picture track
                info["attached_pic"] = True
                continue
            info["video"] = codec
            if sm := _SIZE.search(desc):
                info["width"], info["height"] = int(sm.group(1)), int(sm.group(2))
            if fm := _FPS.search(desc):
                value = float(fm.group(1)) * (1000 if fm.group(2) else 1)
                info["fps"] = round(value, 3)
            # side data (rotation) is printed on the lines right after the stream line
            for follow in lines[i + 1 : i + 12]:
                if _STREAM.search(follow):
                    break
                if rm := _ROTATION.search(follow):
                    info["rotation"] = round(-float(rm.group(1))) % 360
    return info


def probe(path: str | os.PathLike[str], *, verify: bool = True) -> MediaInfo:
    """Describe a media file, or raise :class:`MediaError` if it cannot be used.

    Parameters
    ----------
    path : path-like
        The file to inspect.
    verify : bool
        Also read every packet (stream copy, no decoding) to catch truncated files and count
        the frames of animated images. Uploads are verified; the renderer, which only needs
        the stream layout of files already accepted, skips it.

    Returns
    -------
    MediaInfo

    Raises
    ------
    MediaError
        The file is missing, empty, truncated, or not a video/image/audio file. The message
        names the file and says what to do next.
    """
    path = Path(path)
    if not path.is_file():
        raise MediaError(f"{path.name} was not found; upload it again.")
    if path.stat().st_size == 0:
        raise _unreadable(path, "the file is empty")
    try:
        head = run_ffmpeg(["-i", str(path)], timeout=_PROBE_TIMEOUT_S)
    except subprocess.TimeoutExpired as exc:
        raise _unreadable(path, "reading it took too long") from exc
    info = _parse_header(head.stderr)
    if info["video"] is None and info["audio"] is None:
        raise _unreadable(path)

    fmt = info["format"]
    is_image_format = any(tag in fmt for tag in _IMAGE_FORMATS) and info["audio"] is None
    duration = info["duration_s"]
    frames: int | None = None

    read_s: float | None = None
    if verify:
        # Stream-copy every packet: cheap (no decoding) and the only way to notice lost data.
        try:
            full = run_ffmpeg(
                ["-i", str(path), "-map", "0:v?", "-map", "0:a?", "-c", "copy", "-f", "null", "-"],
                timeout=_PROBE_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired as exc:
            raise _unreadable(path, "reading it took too long") from exc
        if full.returncode != 0 or "partial file" in full.stderr:
            raise _unreadable(path)
        frame_hits = _FRAME.findall(full.stderr)
        if frame_hits and info["video"] is not None:
            frames = int(frame_hits[-1])
        time_hits = _TIME.findall(full.stderr)
        read_s = _hms(time_hits[-1].lstrip("-")) if time_hits else None

    if info["video"] is not None and (is_image_format or (frames == 1 and not info["audio"])):
        file_type = "image"
        if (frames or 1) <= 1:
            duration = None
    elif info["video"] is not None:
        file_type = "video"
    else:
        file_type = "audio"

    if file_type != "image":
        if duration is None and read_s:
            duration = read_s
        if not duration or duration <= 0:
            raise _unreadable(path, "it has no playable length")
        # Stopped well short of its advertised length: the tail of the file is missing.
        if read_s is not None and read_s < duration * 0.9 - 0.5:
            raise _unreadable(path)

    width, height = info["width"], info["height"]
    if info["rotation"] in (90, 270) and width and height:
        width, height = height, width
    return MediaInfo(
        file_type=file_type,
        duration_s=round(duration, 3) if duration else None,
        width=width,
        height=height,
        fps=info["fps"] if file_type != "audio" else None,
        has_audio=info["audio"] is not None,
        video_codec=info["video"],
        audio_codec=info["audio"],
        frames=frames if file_type == "image" else None,
        rotation=info["rotation"],
    )


def extract_frame(
    path: str | os.PathLike[str],
    t_s: float,
    out_png: str | os.PathLike[str],
    *,
    width: int | None = None,
) -> Path:
    """Write the frame shown at ``t_s`` seconds of ``path`` as a PNG (thumbnails, tests).

    ``width`` scales the frame (keeping the aspect ratio). Raises :class:`MediaError` when no
    frame can be read there.
    """
    out = Path(out_png)
    args = ["-y", "-ss", f"{max(t_s, 0):.3f}", "-i", str(path), "-frames:v", "1"]
    if width:
        args += ["-vf", f"scale={int(width)}:-2"]
    proc = run_ffmpeg([*args, "-update", "1", str(out)], timeout=60)
    if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
        raise MediaError(
            f"Could not read a frame at {t_s:.2f} s of {Path(path).name}: "
            + (proc.stderr.strip().splitlines() or ["no frame there"])[-1]
        )
    return out


def make_test_clip(
    path: str | os.PathLike[str],
    seconds: float = 3.0,
    size: tuple[int, int] = (640, 360),
    fps: int = 25,
    audio: bool = True,
    *,
    tone_hz: int = 440,
) -> Path:
    """Generate an H.264/AAC test clip (ffmpeg's ``testsrc2`` pattern and a sine tone).

    Used by tests and benchmarks so no media has to be committed.
    """
    out = Path(path)
    w, h = size
    args = [
        "-y",
        "-f",
        "lavfi",
        "-i",
        f"testsrc2=size={w}x{h}:rate={fps}:duration={seconds}",
    ]
    if audio:
        tone = f"sine=frequency={tone_hz}:duration={seconds}:sample_rate=48000"
        args += ["-f", "lavfi", "-i", tone]
    args += ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"]
    if audio:
        args += ["-c:a", "aac", "-b:a", "128k", "-shortest"]
    proc = run_ffmpeg([*args, str(out)], timeout=300)
    if proc.returncode != 0:
        raise MediaError(f"Could not generate a test clip: {proc.stderr.strip()[-400:]}")
    return out
