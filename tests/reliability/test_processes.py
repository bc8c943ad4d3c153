"""Issue 14, processes: ffmpeg dies with the engine, stops leave nothing half-done, a dead
engine is said at once and ``nw.connect()`` brings it back with the session."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import uuid
from pathlib import Path

import psutil
import pytest
from reliability_kit import session_with_clip, submit, wait_for

import nemo_widgets as nw
from nemo_widgets.api import errors as E
from nemo_widgets.engine.jobs import RESTARTED_REASON

pytestmark = pytest.mark.slow


def _ffmpeg_children(pid: int) -> list[psutil.Process]:
    try:
        kids = psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []
    return [k for k in kids if "ffmpeg" in k.name().lower()]


def _gone(proc: psutil.Process) -> bool:
    try:
        return not proc.is_running() or proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _partials(data: Path) -> list[Path]:
    renders = data / "media" / "renders"
    return [*renders.glob(".*.partial.mp4"), *(data / "tmp").glob("*")]


def _slow_render(eng, sess) -> str:
    """Submit a render that takes a while (a 20 s clip upscaled to 1080p) and wait for ffmpeg."""
    rid = f"render_{uuid.uuid4().hex}"
    body = {"id": rid, "sessionId": sess["sid"], "draft": sess["draft"],
            "output": {"quality": "high", "resolution": "1080p"}}  # fmt: skip
    assert submit(eng, sess["token"], body).status_code == 200
    pid = eng.handle.pid
    wait_for(lambda: _ffmpeg_children(pid), timeout_s=120, what="ffmpeg to start")
    return rid


def test_kill_9_mid_render_leaves_no_ffmpeg_and_the_job_is_resubmitted(
    own_engine, make_clip, tmp_path
):
    data = tmp_path / "engine"
    eng = own_engine(data)
    s = nw.connect(eng.url)
    s.upload(make_clip(tmp_path, seconds=20, size="640x360"))
    job = s.export(quality="high", resolution="1080p")
    pid = eng.handle.pid
    ffmpeg = wait_for(lambda: _ffmpeg_children(pid), timeout_s=120, what="ffmpeg")[0]
    wait_for(lambda: job.refresh().progress >= 10, timeout_s=120, what="render progress")
    os.kill(pid, signal.SIGKILL)
    eng.handle.process.wait(30)
    wait_for(lambda: _gone(ffmpeg), timeout_s=30, what="ffmpeg to die with the engine")
    s.close()

    eng = own_engine(data)  # restart: every partial file of the dead run is swept
    assert _partials(data) == []
    again = nw.connect(eng.url, resume=True)
    try:
        restored = {j.id: j for j in again.render_jobs}[job.id]
        assert restored.status == "failed" and restored.error == RESTARTED_REASON
        restored.wait(timeout=300)  # resubmitted once with a new id, and it completes
        assert restored.status == "completed" and len(restored.attempts) == 2
        assert restored.id != job.id
    finally:
        again.close()
    assert _partials(data) == []


def test_sigterm_mid_render_fails_the_job_and_removes_its_partial_file(
    own_engine, make_clip, tmp_path
):
    data = tmp_path / "engine"
    eng = own_engine(data)
    sess = session_with_clip(eng, make_clip(tmp_path, seconds=20, size="640x360"))
    rid = _slow_render(eng, sess)
    ffmpeg = _ffmpeg_children(eng.handle.pid)
    eng.stop()  # SIGTERM
    assert eng.handle.process.returncode is not None
    assert all(_gone(p) for p in ffmpeg)
    assert _partials(data) == []
    db = sqlite3.connect(data / "engine.sqlite3")
    status, error = db.execute(
        "SELECT status, error FROM renders WHERE render_id=?", (rid,)
    ).fetchone()
    db.close()
    assert (status, error) == ("failed", RESTARTED_REASON)


def test_start_up_sweeps_every_partial_file(own_engine, tmp_path):
    data = tmp_path / "engine"
    (data / "media" / "renders").mkdir(parents=True)
    (data / "tmp" / "render-abc").mkdir(parents=True)
    (data / "media" / "renders" / ".render_1.0a1b2c3d.partial.mp4").write_bytes(b"x" * 48)
    (data / "tmp" / "render-abc" / "burn.ass").write_text("x")
    (data / "tmp" / "up-123.mp4").write_bytes(b"x")
    kept = data / "media" / "renders" / "render_done.mp4"
    kept.write_bytes(b"finished")
    own_engine(data)
    assert _partials(data) == []
    assert kept.read_bytes() == b"finished"


def test_engine_gone_mid_chat_is_said_at_once_and_connect_brings_it_back(
    own_engine, make_clip, tmp_path
):
    data = tmp_path / "engine"
    eng = own_engine(data)  # recorded in engine.json: connect(data_dir=...) uses it
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    s = nw.connect(data_dir=data, sleep=sleep)
    assert s.base_url == eng.url
    s.upload(make_clip(tmp_path, seconds=1, size="160x90"))
    sid = s.session_id
    outcome: list[BaseException | object] = []

    def chat() -> None:
        try:
            outcome.append(s.chat("add a title 'Still here' at the top"))
        except BaseException as exc:
            outcome.append(exc)

    eng.faults(turn_delay_s=60)  # not reset afterwards: this engine is killed
    worker = threading.Thread(target=chat)
    worker.start()
    # the turn has started when its cost is reserved (frozen) on the engine
    wait_for(lambda: _frozen(eng, s) > 0, timeout_s=60, what="the turn to start")
    os.kill(eng.handle.pid, signal.SIGKILL)
    eng.handle.process.wait(30)
    worker.join(60)
    assert not worker.is_alive()
    err = outcome[0]
    assert isinstance(err, E.ServerUnreachableError), err
    assert f"the engine at {eng.url} is not running" in str(err)
    assert 30.0 not in slept  # no recovery schedule was waited out against a dead server
    s.close()

    back = nw.connect(data_dir=data, resume=True)  # starts a new engine on the same folder
    try:
        assert back.base_url != eng.url and back.session_id == sid
        assert back.state().video_infos  # the upload is still there
    finally:
        back.close()
        if back._engine is not None:
            back._engine.stop()


def _frozen(eng, s) -> int:
    with eng.client(s._client._token.reveal()) as c:
        return c.get("/api/credits/balance/simple").json()["data"]["frozen"]
