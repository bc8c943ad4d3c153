"""End to end through the real engine and the public client: chat, draft, SRT, burned export."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pysubs2
import pytest
from test_captions_agent import jfk_clip

import nemo_widgets as nw
from nemo_widgets.captions import caption_languages, cues_frame

pytestmark = pytest.mark.slow
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def frame(video: Path, t: float, size: tuple[int, int]) -> np.ndarray:
    w, h = size
    cmd = [FFMPEG, "-loglevel", "error", "-ss", f"{t}", "-i", str(video), "-frames:v", "1"]
    cmd += ["-vf", f"scale={w}:{h}", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(h, w, 3).astype(np.int16)


def test_captions_end_to_end(engine, tmp_path: Path) -> None:
    clip = jfk_clip(tmp_path, 'kennedy: "ask not" 1961.mp4', size="640x360")
    tok = engine.new_token()
    sess = engine.new_session(tok["token"])
    s = nw.connect(
        base_url=engine.url,
        token=tok["token"],
        session_id=sess["session_id"],
        skill="ai-auto-caption",
    )
    with pytest.raises(Exception, match="No captions yet") as err:
        s.captions()
    assert ".." not in str(err.value), err.value  # regression: the message ended in ".."
    with engine.client(tok["token"]) as c:
        r = c.get(f"/api/captions/nemo_agent/me/{sess['session_id']}")
        assert r.status_code == 404 and r.json()["code"] == 4004
        r = c.get("/api/captions/nemo_agent/me/not-a-session")
        assert r.status_code == 404 and r.json()["code"] == 1002
    s.upload(clip)
    reply = s.chat("add captions in English and Spanish")
    assert "Added English captions" in reply.text, reply.text
    assert "Spanish captions are not available offline" in reply.text
    with engine.client(tok["token"]) as c:
        state = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest").json()["data"][
            "state"
        ]
        raw = c.get(f"/api/captions/nemo_agent/me/{sess['session_id']}", params={"format": "xyz"})
        assert raw.status_code == 400
    tracks = [t for t in state["draft"]["t"] if t.get("k") == "caption"]
    assert [t["lang"] for t in tracks] == ["en"] and tracks[0]["tt"] == 7
    assert state["captions"]["en"]["model"] == "tiny.en"

    with pytest.raises(Exception, match="No 'fr' captions") as err:
        s.captions(lang="fr")
    assert ".." not in str(err.value), err.value

    srt = s.captions(format="srt")
    subs = pysubs2.SSAFile.from_string(srt, format_="srt")
    text = " ".join(ev.plaintext for ev in subs).lower()
    assert "fellow americans" in text and "your country" in text
    assert subs[0].start < 1000 and subs[-1].end <= 11100
    cues = cues_frame(s.captions(format="json"))
    assert len(cues) == len(subs) and (cues["cps"] > 0).all()
    assert caption_languages(s.state()) == ["en"]
    assert len(cues_frame(s.state())) == len(cues)
    vtt = s.captions(format="vtt")
    assert vtt.startswith("WEBVTT")
    saved = s.download_captions(tmp_path / "out.ass")
    assert "Dialogue:" in saved.read_text()

    # burned in: a frame mid-speech differs from the source where the caption sits
    job = s.export()
    job.wait(timeout=240)
    assert job.status == "completed", job.error
    out = job.download(tmp_path / "burned.mp4")
    first = state["captions"]["en"]["cues"][0]
    t = (first["st"] + first["et"]) / 2
    a, b = frame(out, t, (640, 360)), frame(clip, t, (640, 360))
    changed = np.abs(a - b).max(axis=2) > 80  # text pixels, not codec noise
    bottom, top = changed[250:350].mean(), changed[10:110].mean()
    assert bottom > 0.01 and top < 0.001, (bottom, top)


def test_cli_and_session_give_identical_srt(engine, engine_env, tmp_path: Path) -> None:
    """Same file, same cues, byte for byte: through a Session on the shared engine (which
    has just captioned another file) and through the command line on an engine of its own."""
    import os
    import sys

    from captions_speech import LIBRIVOX

    clip = tmp_path / "speech.mp4"
    shutil.copyfile(nw.sample_path("speech"), clip)

    def session() -> nw.Session:
        tok = engine.new_token()
        sess = engine.new_session(tok["token"])
        return nw.connect(
            base_url=engine.url, token=tok["token"], session_id=sess["session_id"],
            skill="ai-auto-caption",
        )  # fmt: skip

    other = session()
    other.upload(LIBRIVOX[0])
    other.chat("add captions in English")
    s = session()
    s.upload(clip)
    reply = s.chat("add captions in English")
    last = reply.text.strip().splitlines()[-1]
    assert last.endswith("all within netflix"), reply.text
    via_session = s.captions(format="srt")
    report = s.caption_report()
    assert len(report) == via_session.count("-->") and report["ok"].all()
    assert list(report.columns[:6]) == ["start", "end", "duration", "cps", "lines", "chars"]

    out = tmp_path / "cli.srt"
    cli = Path(sys.executable).with_name("nemo-widgets")
    cmd = [str(cli)] if cli.exists() else [sys.executable, "-m", "nemo_widgets.cli"]
    proc = subprocess.run(
        [*cmd, "caption", str(clip), "--format", "srt", "-o", str(out), "-q",
         "--engine-dir", str(tmp_path / "own-engine")],
        capture_output=True, text=True, timeout=300, check=False, env=dict(os.environ),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes() == via_session.encode("utf-8")
