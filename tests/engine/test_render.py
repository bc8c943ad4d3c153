"""Draft -> MP4 with the bundled ffmpeg: timing, canvas, text burn-in, audio, cancel, paths."""

from __future__ import annotations

import re
import subprocess
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nemo_widgets.engine import render as render_mod
from nemo_widgets.engine import textburn
from nemo_widgets.engine.media import make_test_clip, probe, run_ffmpeg
from nemo_widgets.engine.render import (
    RenderCancelled,
    RenderError,
    build_command,
    canvas_size,
    render_draft,
)

pytestmark = pytest.mark.slow


# ----------------------------------------------------------------------------------- helpers
def _ff(*args: str) -> None:
    proc = run_ffmpeg(["-y", "-v", "error", *args])
    assert proc.returncode == 0, proc.stderr


def frame(path: Path, t: float) -> np.ndarray:
    """The decoded RGB frame at ``t`` seconds as an (h, w, 3) array."""
    info = probe(path, verify=False)
    raw = subprocess.run(
        [
            render_mod.ffmpeg_exe(),
            "-v",
            "error",
            "-ss",
            f"{t:.3f}",
            "-i",
            str(path),
            "-frames:v",
            "1",
            "-f",
            "rawvideo",
            "-pix_fmt",
            "rgb24",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    return np.frombuffer(raw, np.uint8).reshape(info.height, info.width, 3).astype(np.int16)


def mad(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


def mean_db(path: Path, start: float, dur: float) -> float:
    """Mean volume (dB) of ``dur`` seconds from ``start`` (ffmpeg volumedetect; -91 = silence)."""
    proc = run_ffmpeg(
        [
            "-ss",
            f"{start}",
            "-t",
            f"{dur}",
            "-i",
            str(path),
            "-af",
            "volumedetect",
            "-vn",
            "-f",
            "null",
            "-",
        ]
    )
    m = re.search(r"mean_volume:\s*(-?[\d.]+|-inf) dB", proc.stderr)
    assert m, proc.stderr[-500:]
    return -120.0 if m.group(1) == "-inf" else float(m.group(1))


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("media")
    out = {
        "clip": make_test_clip(d / "clip.mp4", 4, (640, 360), 25, tone_hz=440),
        "music": d / "music.mp3",
        "still": d / "still.png",
        "anim": d / "anim.gif",
        "silent": make_test_clip(d / "silent.mp4", 3, (640, 360), 25, audio=False),
    }
    _ff("-f", "lavfi", "-i", "sine=frequency=880:duration=8:sample_rate=48000", str(out["music"]))
    _ff("-f", "lavfi", "-i", "testsrc2=size=400x300", "-frames:v", "1", str(out["still"]))
    _ff("-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=1", str(out["anim"]))
    return out


def resolver(files: dict[str, Path]):
    return lambda src: files.get(src.removeprefix("cdn://"))


def video_track(*segs: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": "v", "tt": 0, "k": "video", "sg": list(segs), **extra}


def seg(src: str, st: int, et: int, **extra: Any) -> dict[str, Any]:
    return {"st": st, "et": et, "so": extra.pop("so", 0), "src": f"cdn://{src}", **extra}


def title(text: str, st: int, et: int, **sty: Any) -> dict[str, Any]:
    return {"id": "t", "tt": 7, "k": "title", "sg": [{"st": st, "et": et, "txt": text, "sty": sty}]}


CANVAS = {"width": 640, "height": 360, "fps": 25}


# ----------------------------------------------------------------------------------- tests
def test_trimmed_video_with_title_and_music(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {
        "d": 3000,
        "m": CANVAS,
        "t": [
            video_track(seg("clip", 0, 3000, so=1000)),
            {"id": "a", "tt": 1, "k": "music", "sg": [seg("music", 500, 3000, vol=0.3, fo=800)]},
            title("Urban Dreams", 0, 1500, pos="top-center", size=90, color="#FFD60A"),
        ],
    }
    progress: list[float] = []
    out = tmp_path / "out.mp4"
    result = render_draft(draft, resolver(media), out, on_progress=progress.append)
    info = probe(out)
    assert info.duration_s == pytest.approx(3.0, abs=0.08)
    assert (info.width, info.height) == (640, 360)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert result["width"] == 640 and result["height"] == 360
    assert result["size"] == out.stat().st_size
    assert result["duration_s"] == pytest.approx(3.0, abs=0.08)
    assert progress[-1] == 100.0 and progress == sorted(progress)
    assert not [p for p in tmp_path.iterdir() if p.name != "out.mp4"]  # no partial left

    # the same draft without the title is the reference for "is the title there?"
    plain = tmp_path / "plain.mp4"
    render_draft({**draft, "t": draft["t"][:2]}, resolver(media), plain)
    top = (slice(0, 70), slice(150, 490))
    assert mad(frame(out, 1.0)[top], frame(plain, 1.0)[top]) > 5  # visible while on
    assert mad(frame(out, 2.2)[top], frame(plain, 2.2)[top]) < 2  # gone after 1.5 s
    bottom = (slice(270, 360), slice(0, 640))
    assert mad(frame(out, 1.0)[bottom], frame(plain, 1.0)[bottom]) < 2  # only at the top


def test_source_offset_is_respected(tmp_path: Path, media: dict[str, Path]) -> None:
    # testsrc2 draws a moving pattern: the output at t=0 must equal the source at t=2
    draft = {"d": 1000, "m": CANVAS, "t": [video_track(seg("clip", 0, 1000, so=2000))]}
    out = tmp_path / "so.mp4"
    render_draft(draft, resolver(media), out)
    assert mad(frame(out, 0.2), frame(media["clip"], 2.2)) < 4
    assert mad(frame(out, 0.2), frame(media["clip"], 0.2)) > 10


def test_overlapping_segments_clip_the_later_one(tmp_path: Path, media: dict[str, Path]) -> None:
    # the second segment overlaps the first by 0.5 s: it starts where the first ends and
    # skips the overlapped half second of its source, keeping picture and timeline in step
    draft = {
        "d": 3000,
        "m": CANVAS,
        "t": [video_track(seg("clip", 0, 2000, so=2000), seg("clip", 1500, 3000, so=0))],
    }
    out = tmp_path / "overlap.mp4"
    render_draft(draft, resolver(media), out)
    assert probe(out).duration_s == pytest.approx(3.0, abs=0.08)
    assert mad(frame(out, 2.2), frame(media["clip"], 0.7)) < 4


@pytest.mark.parametrize(("resolution", "size"), [("720p", (720, 1280)), (None, (1080, 1920))])
def test_reframe_to_vertical(tmp_path: Path, media: dict[str, Path], resolution, size) -> None:
    draft = {
        "d": 1000,
        "m": {"width": 1080, "height": 1920, "ratio": "9:16", "fps": 25},
        "t": [video_track(seg("clip", 0, 1000, fit="cover"))],
    }
    out = tmp_path / "v.mp4"
    result = render_draft(draft, resolver(media), out, quality="low", resolution=resolution)
    info = probe(out)
    assert (info.width, info.height) == size == (result["width"], result["height"])
    img = frame(out, 0.5)
    # cover: the picture fills the frame, no black bars at the top or bottom
    assert img[:20].mean() > 30 and img[-20:].mean() > 30


def test_letterbox_keeps_whole_picture(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {
        "d": 1000,
        "m": {"width": 360, "height": 640, "fps": 25},
        "t": [video_track(seg("clip", 0, 1000))],
    }
    out = tmp_path / "lb.mp4"
    render_draft(draft, resolver(media), out, quality="low")
    img = frame(out, 0.5)
    assert img.shape[:2] == (640, 360)
    assert img[:100].mean() < 3 and img[-100:].mean() < 3  # black bars
    assert img[280:360].mean() > 30  # picture in the middle


def test_images_gif_and_gaps(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {
        "d": 4000,
        "m": CANVAS,
        "t": [
            video_track(
                seg("still", 0, 1000),
                # 1000-1500: gap -> black
                seg("anim", 1500, 3000),
                seg("silent", 3000, 4000),
            )
        ],
    }
    out = tmp_path / "img.mp4"
    render_draft(draft, resolver(media), out)
    info = probe(out)
    assert info.duration_s == pytest.approx(4.0, abs=0.08)
    assert frame(out, 0.5).mean() > 30  # the still image
    assert frame(out, 1.25).mean() < 3  # the gap is black
    # the gif is animated (it loops over its 1 s), so frames 0.3 s apart differ
    assert mad(frame(out, 1.7), frame(out, 2.0)) > 3
    # letterboxed 4:3 gif in a 16:9 frame: black pillars
    assert frame(out, 2.0)[:, :60].mean() < 3
    assert mean_db(out, 0.0, 4.0) < -80  # nothing audible: silence, but an audio stream
    assert info.audio_codec == "aac"


def test_many_short_cuts_do_not_drift(tmp_path: Path, media: dict[str, Path]) -> None:
    # 12 cuts of 330 ms (8.25 frames each at 25 fps) with 70 ms gaps: every piece must land
    # on its own slot, so the last cut still shows its own source at the right time
    segs = [seg("clip", i * 400, i * 400 + 330, so=(i * 250) % 3000) for i in range(12)]
    draft = {"d": 4800, "m": CANVAS, "t": [video_track(*segs)]}
    out = tmp_path / "cuts.mp4"
    render_draft(draft, resolver(media), out, quality="low")
    proc = run_ffmpeg(["-i", str(out), "-map", "0:v", "-c", "copy", "-f", "null", "-"])
    frames = int(re.findall(r"frame=\s*(\d+)", proc.stderr)[-1])
    assert frames == 120  # 4.8 s at 25 fps
    # the last cut (4.4-4.73 s on the timeline) shows its own source (2.75 s on) on time
    assert mad(frame(out, 4.5), frame(media["clip"], 2.85)) < 4


def test_video_fades_from_and_to_black(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {"d": 3000, "m": CANVAS, "t": [video_track(seg("clip", 0, 3000, fi=1000, fo=1000))]}
    out = tmp_path / "fade.mp4"
    render_draft(draft, resolver(media), out)
    assert frame(out, 0.0).mean() < 10  # starts black
    assert frame(out, 1.5).mean() > 60
    assert frame(out, 2.96).mean() < 15  # ends (nearly) black
    assert mean_db(out, 0.0, 0.3) < mean_db(out, 1.2, 0.6) - 6  # the sound fades in too


def test_overlay_track_and_speed(tmp_path: Path, media: dict[str, Path]) -> None:
    logo = tmp_path / "logo.png"
    _ff("-f", "lavfi", "-i", "color=c=white:s=200x200", "-frames:v", "1", str(logo))
    files = {**media, "logo": logo}
    draft = {
        "d": 3000,
        "m": CANVAS,
        "t": [
            video_track(seg("clip", 0, 3000)),
            {"id": "o", "tt": 0, "k": "overlay", "sg": [seg("logo", 1000, 2000)]},
        ],
    }
    out = tmp_path / "ov.mp4"
    render_draft(draft, resolver(files), out)
    centre = (slice(100, 260), slice(220, 420))
    assert frame(out, 1.5)[centre].mean() > 250  # the white square, centred, during 1-2 s
    assert frame(out, 0.5)[centre].mean() < 200 and frame(out, 2.5)[centre].mean() < 200

    fast = {"d": 2000, "m": CANVAS, "t": [video_track(seg("clip", 0, 2000, spd=2.0))]}
    out = tmp_path / "fast.mp4"
    render_draft(fast, resolver(files), out)
    assert probe(out).duration_s == pytest.approx(2.0, abs=0.08)
    # at 2x, one second into the output shows the source's second 2
    assert mad(frame(out, 1.0), frame(media["clip"], 2.0)) < 4
    assert mad(frame(out, 1.0), frame(media["clip"], 1.0)) > 8


def test_audio_volume_fades_and_silence(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {
        "d": 6000,
        "m": {"width": 320, "height": 180, "fps": 25},
        "t": [
            {
                "id": "a",
                "tt": 1,
                "k": "audio",
                "sg": [
                    seg("music", 0, 1500, vol=1.0),
                    seg("music", 2000, 3500, vol=0.25),
                    seg("music", 4000, 6000, vol=1.0, fi=1000),
                ],
            }
        ],
    }
    out = tmp_path / "mix.mp4"
    render_draft(draft, resolver(media), out)
    full = mean_db(out, 0.2, 1.1)
    quarter = mean_db(out, 2.2, 1.1)
    assert quarter - full == pytest.approx(20 * np.log10(0.25), abs=1.5)  # -12 dB
    assert mean_db(out, 1.6, 0.3) < -80  # the gap between segments is silent
    assert mean_db(out, 4.0, 0.25) < full - 10  # fading in
    assert mean_db(out, 5.2, 0.7) == pytest.approx(full, abs=1.5)  # faded in


def test_original_audio_kept_unless_muted(tmp_path: Path, media: dict[str, Path]) -> None:
    base = {"d": 2000, "m": CANVAS}
    on = tmp_path / "on.mp4"
    off = tmp_path / "off.mp4"
    render_draft({**base, "t": [video_track(seg("clip", 0, 2000))]}, resolver(media), on)
    muted = video_track(seg("clip", 0, 2000), mute=True)
    render_draft({**base, "t": [muted]}, resolver(media), off)
    assert mean_db(on, 0.2, 1.5) > -40
    assert mean_db(off, 0.2, 1.5) < -80


def test_music_loops_when_shorter_than_video(tmp_path: Path, media: dict[str, Path]) -> None:
    short = tmp_path / "short.wav"
    _ff("-f", "lavfi", "-i", "sine=frequency=660:duration=1", str(short))
    files = {**media, "short": short}
    draft = {
        "d": 3000,
        "m": {"width": 320, "height": 180, "fps": 25},
        "t": [{"id": "a", "tt": 1, "k": "music", "sg": [seg("short", 0, 3000)]}],
    }
    out = tmp_path / "loop.mp4"
    render_draft(draft, resolver(files), out)
    assert mean_db(out, 2.2, 0.6) > -40


def test_cancel_leaves_nothing(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {
        "d": 60_000,
        "m": {"width": 1280, "height": 720, "fps": 30},
        "t": [video_track(seg("still", 0, 60_000)), title("Long one", 0, 60_000)],
    }
    out = tmp_path / "cancel.mp4"
    cancel = threading.Event()
    seen: list[float] = []

    def on_progress(pct: float) -> None:
        seen.append(pct)
        cancel.set()

    with pytest.raises(RenderCancelled):
        render_draft(draft, resolver(media), out, on_progress=on_progress, cancel=cancel)
    assert seen and seen[-1] < 100
    assert list(tmp_path.iterdir()) == []

    # cancelled before it starts: same outcome
    with pytest.raises(RenderCancelled):
        render_draft(draft, resolver(media), out, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_odd_paths_and_title_text(tmp_path: Path, media: dict[str, Path]) -> None:
    odd_dir = tmp_path / "dïr with spaces 'q' \"dq\" a:b back\\slash"
    odd_dir.mkdir()
    clip = odd_dir / "clïp 'one' \"two\" 3:4 back\\slash 100%d.mp4"
    clip.write_bytes(media["clip"].read_bytes())
    song = odd_dir / "sông: 'a' \\ b.mp3"
    song.write_bytes(media["music"].read_bytes())
    still = odd_dir / "ïmg %d 'x':y.png"
    still.write_bytes(media["still"].read_bytes())
    files = {"c": clip, "s": song, "i": still}
    text = "Ünïcode: 'quotes' \"dq\" \\N back\\slash {braces} 50% 城市"
    draft = {
        "d": 2500,
        "m": CANVAS,
        "t": [
            video_track(seg("c", 0, 1500), seg("i", 1500, 2500)),
            {"id": "a", "tt": 1, "k": "music", "sg": [seg("s", 0, 2500, vol=0.5)]},
            title(text, 0, 2500, pos="center", size=40),
        ],
    }
    out = odd_dir / "out 'ünï':c\\d.mp4"
    with_paths = build_command(draft, resolver(files), out, tmp_path)
    graph = with_paths.argv[with_paths.argv.index("-filter_complex") + 1]
    assert "dïr" not in graph and "ünï" not in graph  # user paths stay out of the filter graph
    render_draft(draft, resolver(files), out)
    info = probe(out)
    assert info.duration_s == pytest.approx(2.5, abs=0.08)
    assert info.has_audio


def test_cjk_text_is_drawn_not_boxes(tmp_path: Path, media: dict[str, Path]) -> None:
    # DejaVu has no CJK: without the Noto CJK switch every character is the same empty box,
    # so two different texts would render identically
    frames = []
    for i, text in enumerate(["城市之梦", "你好世界"]):
        draft = {
            "d": 500,
            "m": {"width": 320, "height": 180, "fps": 25},
            "t": [title(text, 0, 500, pos="center", size=300)],
        }
        out = tmp_path / f"cjk{i}.mp4"
        render_draft(draft, resolver(media), out, quality="low")
        frames.append(frame(out, 0.2)[40:140, 20:300])
    assert frames[0].mean() > 3  # something is drawn
    assert mad(frames[0], frames[1]) > 5  # and it is the glyphs (boxes would give 0)
    doc = textburn.build_ass({"t": [title("東京へようこそ", 0, 1, pos="center")]}, 320, 180)
    assert doc.events[0].text.startswith(r"{\fnNoto Sans CJK JP}")
    assert any(f.suffix in (".ttc", ".otf") for f in textburn.font_files(doc))


def test_title_safe_zone_on_vertical_canvas(tmp_path: Path, media: dict[str, Path]) -> None:
    draft = {
        "d": 500,
        "m": {"width": 1080, "height": 1920, "fps": 25},
        "t": [title("Top title", 0, 500, pos="top-right", size=90, box="#FF0000FF")],
    }
    out = tmp_path / "safe.mp4"
    render_draft(draft, resolver(media), out, quality="low")
    img = frame(out, 0.2)
    red = (img[..., 0] > 150) & (img[..., 1] < 80) & (img[..., 2] < 80)
    rows, cols = np.nonzero(red)
    assert rows.size > 1000  # the boxed title is there
    assert rows.min() >= 250 - 4  # not in the top 250 px
    assert cols.max() <= 1080 - 180 + 4  # not in the right 180 px


def test_render_errors(tmp_path: Path, media: dict[str, Path], monkeypatch) -> None:
    out = tmp_path / "x.mp4"
    with pytest.raises(RenderError, match="empty"):
        render_draft({"t": []}, resolver(media), out)
    missing = {"d": 1000, "t": [video_track(seg("nope", 0, 1000))]}
    with pytest.raises(RenderError, match=r"not among this session's uploads"):
        render_draft(missing, resolver(media), out)
    bad = tmp_path / "bad.mp4"
    bad.write_text("not a video")
    with pytest.raises(RenderError, match=r"bad\.mp4 is not a readable video"):
        render_draft(
            {"d": 1000, "t": [video_track(seg("bad", 0, 1000))]}, resolver({"bad": bad}), out
        )
    ok = {"d": 1000, "m": CANVAS, "t": [video_track(seg("clip", 0, 1000))]}
    with pytest.raises(RenderError, match="Unknown resolution"):
        render_draft(ok, resolver(media), out, resolution="4k")
    # ffmpeg itself failing: the error carries its stderr
    monkeypatch.setattr(render_mod, "_fit_filter", lambda *a, **k: "scale=w=bogus_expr")
    with pytest.raises(RenderError, match=r"ffmpeg could not render[\s\S]*bogus_expr"):
        render_draft(ok, resolver(media), out)
    assert list(tmp_path.iterdir()) == [bad]


def test_canvas_size() -> None:
    assert canvas_size({"m": {"ratio": "9:16"}}) == (1080, 1920)
    assert canvas_size({"m": {"width": 3840, "height": 2160}}) == (1920, 1080)
    assert canvas_size({"m": {"width": 1920, "height": 1080}}, "480p") == (854, 480)
    assert canvas_size({"m": {"ratio": "4:5"}}, "720p") == (720, 900)
    assert canvas_size({}) == (1920, 1080)


# ----------------------------------------------------------------------------------- textburn
def test_ass_document_styles() -> None:
    draft = {
        "t": [
            title(
                "Hi {there}", 0, 2000, color="#FFD60A", size=72, pos="top-center", anim="fade-in"
            ),
            {
                "tt": 7,
                "k": "title",
                "hid": True,
                "sg": [{"st": 0, "et": 1000, "txt": "hidden"}],
            },
            {
                "tt": 7,
                "k": "storyboard",
                "sg": [{"st": 2000, "et": 4000, "txt": "Scene 1: a city at dawn"}],
            },
        ]
    }
    doc = textburn.build_ass(draft, 1280, 720)
    assert doc.info["PlayResX"] == "1280" and doc.info["PlayResY"] == "720"
    texts = [ev.text for ev in doc.events]
    assert texts[0] == r"{\fad(400,0)}Hi \{there\}"
    assert all("hidden" not in t for t in texts)
    head = doc.styles[doc.events[0].style]
    assert head.fontname == "DejaVu Sans" and head.bold
    assert (head.primarycolor.r, head.primarycolor.g, head.primarycolor.b) == (255, 214, 10)
    assert head.fontsize == pytest.approx(72 * 720 / 1080)
    assert int(head.alignment) == 8
    card = doc.styles[doc.events[1].style]
    assert card.borderstyle == 3 and int(card.alignment) == 5


def test_vertical_safe_margins_and_caption_tracks() -> None:
    draft = {
        "t": [
            title("Top", 0, 1000, pos="top-center"),
            {
                "tt": 7,
                "k": "caption",
                "lang": "en",
                "sg": [{"st": 0, "et": 1000, "txt": "hello world"}],
            },
            {
                "tt": 7,
                "k": "caption",
                "lang": "es",
                "hid": True,
                "sg": [{"st": 0, "et": 1000, "txt": "hola mundo"}],
            },
        ]
    }
    doc = textburn.build_ass(draft, 1080, 1920)
    top = doc.styles[doc.events[0].style]
    assert top.marginv == 250 and top.marginr == 180
    caption = [ev for ev in doc.events if "hello" in ev.text]
    assert len(caption) == 1 and not any("hola" in ev.text for ev in doc.events)
    style = doc.styles[caption[0].style]
    assert int(style.alignment) in (1, 2, 3)
    assert style.marginv >= 460


def test_escape_text_round_trip() -> None:
    assert textburn.escape_text("a{b}c\nd") == r"a\{b\}c\Nd"
    assert "\\\u2060N" in textburn.escape_text(r"C:\New")
    assert textburn.parse_color("#00000080").a == 255 - 0x80
    assert textburn.parse_color("yellow").r == 255
