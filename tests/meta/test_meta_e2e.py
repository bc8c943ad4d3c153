"""End to end on the real engine: a prompt request through the public client, then an export
of the storyboard as title cards (right length, scene text visible in the frames)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nemo_widgets as nw
from nemo_widgets.engine.media import probe, run_ffmpeg

pytestmark = pytest.mark.slow

SEED_PROMPT = (
    "generate a detailed video prompt for a 30-second product showcase with cinematic lighting"
)


def gray_frame(video: Path, t_s: float, out: Path) -> np.ndarray:
    """The frame at ``t_s`` as a grey-level array (binary PGM through the bundled ffmpeg)."""
    proc = run_ffmpeg(
        [
            "-y",
            "-ss",
            f"{t_s:.3f}",
            "-i",
            str(video),
            "-frames:v",
            "1",
            "-pix_fmt",
            "gray",
            "-update",
            "1",
            str(out),
        ],
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr[-500:]
    data = out.read_bytes()
    # P5 header: "P5\n<w> <h>\n255\n"
    magic, dims, maxval, rest = data.split(b"\n", 3)
    assert magic == b"P5" and maxval == b"255"
    w, h = (int(x) for x in dims.split())
    return np.frombuffer(rest[: w * h], dtype=np.uint8).reshape(h, w)


def test_prompt_to_storyboard_to_rendered_title_cards(engine, tmp_path: Path) -> None:
    s = nw.connect(base_url=engine.url, skill="video-prompt-generation")
    reply = s.chat(SEED_PROMPT)
    assert "Storyboard" in reply.text

    board = s.prompts()
    scenes = board.scenes
    assert len(scenes) >= 5 and scenes["duration_s"].sum() == pytest.approx(30)
    assert (board.width, board.height) == (1920, 1080)

    draft = s.state().draft
    assert draft.duration_ms == 30_000
    assert any(t.get("k") == "storyboard" for t in draft.raw.get("t", []))

    job = s.export(quality="low", resolution="480p")
    job.wait(timeout=240)
    assert job.status == "completed", job.error
    out = job.download(tmp_path)
    info = probe(out)
    assert info.duration_s == pytest.approx(30, abs=0.25)
    assert (info.width, info.height) == (854, 480)

    # A frame in the middle of scene 1 and one of scene 2 against a blank (black) frame: the
    # card text is there, and it changes with the scene.
    mid1 = float(scenes["start_s"].iloc[0] + scenes["end_s"].iloc[0]) / 2
    mid2 = float(scenes["start_s"].iloc[1] + scenes["end_s"].iloc[1]) / 2
    f1 = gray_frame(out, mid1, tmp_path / "f1.pgm")
    f2 = gray_frame(out, mid2, tmp_path / "f2.pgm")
    blank = np.zeros_like(f1)
    h, w = f1.shape
    centre = (slice(h // 4, 3 * h // 4), slice(w // 10, 9 * w // 10))
    lit = (f1[centre] > 128).mean()
    assert lit > 0.005, f"no text visible in scene 1 (bright fraction {lit:.4f})"
    assert (np.abs(f1.astype(int) - blank)[centre] > 64).mean() > 0.005
    assert (np.abs(f1.astype(int) - f2.astype(int))[centre] > 64).mean() > 0.002

    # A follow-up refines the previous storyboard; the draft follows.
    s.chat("for a vertical video")
    vertical = s.prompts()
    assert (vertical.width, vertical.height) == (1080, 1920)
    assert vertical.refinements == ["for a vertical video"]


def test_metadata_for_an_uploaded_video(engine) -> None:
    s = nw.connect(base_url=engine.url, skill="video-meta-ai")
    s.upload(nw.sample_path("speech"))  # 11 s of President Kennedy's inaugural address
    reply = s.chat("generate titles, descriptions, and tags for my YouTube video")
    assert "Title ideas" in reply.text, reply
    meta = s.metadata()
    assert 1 <= len(meta.titles) <= 5 and (meta.titles["chars"] <= 70).all()
    assert "fellow americans" in meta.tag_list[:3]
    assert meta.chapters.empty  # 11 s is far too short for chapters
    assert 1 <= len(meta.hashtags) <= 3 and len(meta.hook) <= 150
    assert meta.raw["source"]["words_from"] in {"recognition", "captions"}

    reply = s.chat("shorter titles")
    assert reply.text.startswith("Updated: titles of at most 60 characters")
    assert (s.metadata().titles["chars"] <= 60).all()
