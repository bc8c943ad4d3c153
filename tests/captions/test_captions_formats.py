"""SRT / VTT / ASS / JSON export (pysubs2 round trip) and burn-in through ffmpeg's filters."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pysubs2
import pytest

from nemo_widgets.engine.captions import Word
from nemo_widgets.engine.captions.burn import caption_events, filter_path
from nemo_widgets.engine.captions.cues import build_cues
from nemo_widgets.engine.captions.draft import caption_track
from nemo_widgets.engine.captions.formats import FormatError, export_captions
from nemo_widgets.engine.textburn import FONTS_DIR

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
TRICKY = 'Café naïve: "quoted" C:\\Nope\\path'


def entry(texts: list[str]) -> dict:
    words, t = [], 0.2
    for text in texts:
        for tok in text.split():
            words.append(Word(tok, t, t + 0.3))
            t += 0.35
        t += 1.5  # a pause: one cue per text
    cues = build_cues(words)
    return {
        "language": "en",
        "model": "tiny.en",
        "cues": [c.to_dict() for c in cues],
        "words": [w.to_dict() for w in words],
    }


@pytest.mark.parametrize("fmt", ["srt", "vtt", "ass"])
def test_round_trip_through_pysubs2(fmt: str) -> None:
    e = entry([TRICKY, "second cue 字幕 — “curly” quotes", "third: a:b:c"])
    body, media_type = export_captions(e, fmt)
    assert media_type.split(";")[0] in {"application/x-subrip", "text/vtt", "text/x-ssa"}
    back = pysubs2.SSAFile.from_string(body, format_=fmt)
    assert len(back) == len(e["cues"])
    for ev, cue in zip(back, e["cues"], strict=True):
        assert abs(ev.start - cue["st"] * 1000) <= 10 and abs(ev.end - cue["et"] * 1000) <= 10
        text = ev.plaintext.replace("\u2060", "")
        if fmt == "ass":
            text = text.replace("\\{", "{").replace("\\}", "}")
        assert text == cue["text"], (fmt, text, cue["text"])


def test_json_is_word_level_and_unknown_format_is_refused() -> None:
    e = entry(["hello world"])
    body, _ = export_captions(e, "json")
    data = json.loads(body)
    assert [w["w"] for w in data["words"]] == ["hello", "world"]
    assert data["cues"][0]["words"][0]["st"] == pytest.approx(0.2)
    with pytest.raises(FormatError, match="srt, vtt, ass, json"):
        export_captions(e, "docx")


@pytest.mark.parametrize("preset", ["plain", "boxed", "karaoke", "vertical"])
def test_burn_styles(preset: str) -> None:
    e = entry(["ask not what your country can do for you"])
    track = caption_track(e, style={"preset": preset})
    styles, events = caption_events(track, 1080, 1920)
    names = {n for n, _ in styles}
    assert events and all(ev.style in names for ev in events)
    style = styles[0][1]
    if preset == "boxed":
        assert style.borderstyle == 3 and 0 < style.backcolor.a < 255  # semi-opaque box
    if preset in {"karaoke", "vertical"}:
        # one event per word, the active word in the highlight colour, following the timings
        assert len(events) == len(e["words"])
        assert all("\\c&H0AD6FF&" in ev.text for ev in events)
        assert [ev.start for ev in events] == sorted(ev.start for ev in events)
        assert events[1].start == round(e["words"][1]["st"] * 1000)
    if preset == "vertical":
        # inside the 9:16 safe zone: off the bottom 460 px and the right 180 px
        assert style.marginv >= 460 and style.marginr >= 180 and style.fontsize >= 60


def test_karaoke_lights_each_word_when_spoken_and_waits_in_pauses() -> None:
    """Regression: "pity" lit 1.7 s before it was said, across a pause."""
    words = [Word("I", 0.5, 0.7), Word("am", 0.75, 1.0), Word("sorry,", 1.05, 1.5)]
    words += [Word("what", 2.3, 2.5), Word("a", 2.5, 2.6), Word("pity.", 2.6, 3.1)]
    cues = build_cues(words, "netflix")
    e = {"language": "en", "cues": [c.to_dict() for c in cues]}
    track = caption_track(e, style={"preset": "karaoke"})
    _, events = caption_events(track, 1920, 1080)
    lit = [ev for ev in events if "\\c&H" in ev.text]
    assert len(lit) == len(words)
    for ev, w in zip(lit, words, strict=True):
        assert ev.start >= round(w.start_s * 1000) - 1 or ev is lit[0], (ev, w)
        assert ev.start <= round(w.start_s * 1000) + 1 or ev is lit[0]
    pity = lit[-1]
    assert pity.start == 2600  # lit when it is said
    # in the 0.8 s pause after "sorry," the cue waits: nothing is lit
    waiting = [ev for ev in events if "\\c&H" not in ev.text and ev.start < 2300]
    assert waiting and waiting[0].start < 2000 and waiting[0].end == 2300
    assert all(a.end <= b.start for a, b in itertools.pairwise(lit))


def burn(tmp_path: Path, text: str, name: str) -> np.ndarray:
    """Render 2 s of black with ``text`` burned from 0.5 to 1.5 s; frames at 1.0 s and 1.8 s."""
    e = {"language": "en", "cues": [{"st": 0.5, "et": 1.5, "text": text, "words": []}]}
    body, _ = export_captions(e, "ass", width=320, height=240)
    ass = tmp_path / name
    ass.write_text(body, encoding="utf-8")
    out = tmp_path / "out.mp4"
    vf = f"subtitles=filename={filter_path(str(ass))}:fontsdir={filter_path(str(FONTS_DIR))}"
    cmd = [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", "color=c=black:s=320x240:d=2"]
    cmd += ["-vf", vf, "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(out)]
    subprocess.run(cmd, check=True, timeout=120, capture_output=True)
    frames = []
    for t in (1.0, 1.8):
        grab = [FFMPEG, "-loglevel", "error", "-ss", str(t), "-i", str(out), "-frames:v", "1"]
        grab += ["-f", "rawvideo", "-pix_fmt", "gray", "-"]
        raw = subprocess.run(grab, capture_output=True, check=True, timeout=60).stdout
        frames.append(np.frombuffer(raw, dtype=np.uint8).reshape(240, 320))
    return np.stack(frames)


def rows_with_text(frame: np.ndarray) -> np.ndarray:
    return np.flatnonzero((frame > 128).any(axis=1))


def test_burned_text_survives_the_subtitles_filter(tmp_path: Path) -> None:
    odd_name = "it's: [a], b; 100% \\ café 字幕.ass"
    frames = burn(tmp_path, TRICKY, odd_name)
    during, after = frames
    rows = rows_with_text(during)
    assert rows.size and rows.min() > 120  # visible, at the bottom, while the cue is on
    assert not rows_with_text(after).size  # gone after its end
    # "\N" in the user's text stays literal: one line, as tall as a plain one-line caption
    plain = rows_with_text(burn(tmp_path, "Cafe naive: quoted C-Nope-path", "plain.ass")[0])
    assert abs((rows.max() - rows.min()) - (plain.max() - plain.min())) <= 6
