"""Probing media with the bundled ffmpeg: generated clips, images, audio, and broken files."""

from __future__ import annotations

from pathlib import Path

import pytest

from nemo_widgets.engine.media import (
    MediaError,
    extract_frame,
    make_test_clip,
    probe,
    run_ffmpeg,
)


def _ff(*args: str) -> None:
    proc = run_ffmpeg(["-y", "-v", "error", *args])
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return make_test_clip(tmp_path_factory.mktemp("m") / "clip.mp4", 3, (640, 360), 25)


def test_probe_video(clip: Path) -> None:
    info = probe(clip)
    assert info.file_type == "video"
    assert info.duration_s == pytest.approx(3.0, abs=0.1)
    assert (info.width, info.height, info.fps) == (640, 360, 25.0)
    assert info.has_audio and info.video_codec == "h264" and info.audio_codec == "aac"


def test_probe_silent_vertical_video(tmp_path: Path) -> None:
    info = probe(make_test_clip(tmp_path / "v.mov", 2, (360, 640), 30, audio=False))
    assert (info.file_type, info.width, info.height, info.has_audio) == ("video", 360, 640, False)
    assert info.audio_codec is None


def test_probe_rotated_phone_video(tmp_path: Path, clip: Path) -> None:
    out = tmp_path / "rot.mp4"
    _ff("-display_rotation", "90", "-i", str(clip), "-c", "copy", str(out))
    info = probe(out)
    assert info.rotation in (90, 270)
    assert (info.width, info.height) == (360, 640)


@pytest.mark.parametrize("ext", ["png", "jpg", "webp"])
def test_probe_still_images(tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"still.{ext}"
    _ff("-f", "lavfi", "-i", "testsrc2=size=320x240", "-frames:v", "1", str(out))
    info = probe(out)
    assert (info.file_type, info.width, info.height) == ("image", 320, 240)
    assert info.duration_s is None and not info.animated


def test_probe_animated_gif(tmp_path: Path) -> None:
    out = tmp_path / "anim.gif"
    _ff("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1.5", str(out))
    info = probe(out)
    assert info.file_type == "image" and info.animated
    assert info.frames == 15
    assert info.duration_s == pytest.approx(1.5, abs=0.15)


@pytest.mark.parametrize("ext", ["mp3", "wav", "m4a", "aac"])
def test_probe_audio(tmp_path: Path, ext: str) -> None:
    out = tmp_path / f"tone.{ext}"
    _ff("-f", "lavfi", "-i", "sine=frequency=300:duration=2", str(out))
    info = probe(out)
    assert info.file_type == "audio" and info.has_audio
    assert info.width is None and info.fps is None
    assert info.duration_s == pytest.approx(2.0, abs=0.15)


def test_probe_truncated_mp4(tmp_path: Path, clip: Path) -> None:
    # moov at the end (the default): cutting the file loses the index entirely
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(clip.read_bytes()[:50_000])
    with pytest.raises(MediaError) as err:
        probe(bad)
    msg = str(err.value)
    assert msg.startswith("clip.mp4 is not a readable video")
    assert "truncated" in msg and "re-export it and upload again" in msg


def test_probe_truncated_faststart_mp4(tmp_path: Path, clip: Path) -> None:
    # moov first: ffmpeg -i opens it fine; only reading the packets shows data is missing
    fast = tmp_path / "fast.mp4"
    _ff("-i", str(clip), "-c", "copy", "-movflags", "+faststart", str(fast))
    probe(fast)
    bad = tmp_path / "cut.mp4"
    data = fast.read_bytes()
    bad.write_bytes(data[: len(data) // 3])
    with pytest.raises(MediaError, match="truncated"):
        probe(bad)


def test_probe_empty_file(tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_bytes(b"")
    with pytest.raises(MediaError, match=r"clip\.mp4 is not a readable video .*empty"):
        probe(bad)


def test_probe_text_renamed_mp4(tmp_path: Path) -> None:
    bad = tmp_path / "clip.mp4"
    bad.write_text("hello, I am a shopping list\n" * 20)
    with pytest.raises(MediaError) as err:
        probe(bad)
    assert str(err.value) == (
        "clip.mp4 is not a readable video (the file looks truncated or is not a video); "
        "re-export it and upload again."
    )


def test_probe_missing_file(tmp_path: Path) -> None:
    with pytest.raises(MediaError, match="not found"):
        probe(tmp_path / "nope.mp4")


def test_probe_odd_path(tmp_path: Path, clip: Path) -> None:
    odd = tmp_path / "ünï cödé 'q' \"dq\" a:b back\\slash.mp4"
    odd.write_bytes(clip.read_bytes())
    assert probe(odd).file_type == "video"


def test_extract_frame(tmp_path: Path, clip: Path) -> None:
    out = extract_frame(clip, 1.0, tmp_path / "f.png", width=320)
    info = probe(out)
    assert (info.file_type, info.width, info.height) == ("image", 320, 180)
    with pytest.raises(MediaError):
        extract_frame(tmp_path / "missing.mp4", 0, tmp_path / "g.png")
