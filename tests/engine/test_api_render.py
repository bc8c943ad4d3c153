"""Engine API: render submit / poll / cancel / download and the restart that keeps everything."""

from __future__ import annotations

import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_kit import SKILL_HEADERS, Engine, start_engine

from nemo_widgets import schema
from nemo_widgets.engine.media import probe


def _ready_session(engine: Engine, make_clip, tmp_path: Path, seconds: float = 2) -> dict:
    tok = engine.new_token()
    s = engine.new_session(tok["token"])
    clip = make_clip(tmp_path, seconds=seconds, size="320x180")
    with engine.client(tok["token"]) as c:
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{s['session_id']}",
            files=[("files", ("clip.mp4", clip.read_bytes()))],
        )
        assert r.status_code == 200, r.text
        state = c.get(f"/api/state/nemo_agent/me/{s['session_id']}/latest").json()["data"]
    return {**s, "token": tok["token"], "draft": state["state"]["draft"]}


def _submit(engine, sess, **extra: Any) -> httpx.Response:
    body = {
        "id": f"render_{uuid.uuid4().hex}",
        "sessionId": sess["session_id"],
        "draft": sess["draft"],
        "output": {"format": "mp4", "quality": "low"},
        **extra,
    }
    with engine.client(sess["token"]) as c:
        return c.post("/api/render/proxy/lambda", json=body)


def _poll(engine, sess, rid: str) -> dict[str, Any]:
    with engine.client(sess["token"]) as c:
        r = c.get(f"/api/render/proxy/lambda/{rid}")
    assert r.status_code == 200, r.text
    return r.json()


def _wait(engine, sess, rid: str, statuses=schema.RENDER_TERMINAL, timeout=120) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        view = _poll(engine, sess, rid)
        if view["status"] in statuses:
            return view
        time.sleep(0.2)
    raise AssertionError(f"render {rid} stuck at {view}")


@pytest.mark.slow
def test_render_end_to_end(engine, make_clip, tmp_path):
    sess = _ready_session(engine, make_clip, tmp_path)
    r = _submit(engine, sess)
    assert r.status_code == 200, r.text
    sub = r.json()
    rid = sub["data"]["id"]
    assert sub["success"] is True and sub["data"]["status"] in ("pending", "processing")
    view = _wait(engine, sess, rid)
    assert view["status"] == "completed", view
    # the superset of every documented poll shape
    data = view["data"]
    assert data["status"] == "completed" and data["progress"] == 100
    assert data["outputUrl"] == view["output"]["url"] == view["outputUrl"]
    assert data["outputUrl"].endswith(f"/media/renders/{rid}.mp4")
    assert data["completedAt"] >= data["createdAt"]
    assert view["output"]["size"] > 0

    mp4 = tmp_path / "out.mp4"
    with engine.client(sess["token"]) as c:
        got = c.get(f"/api/render/proxy/{rid}/download")
        assert got.status_code == 200 and got.headers["content-type"] == "video/mp4"
        mp4.write_bytes(got.content)
        meta = c.get(f"/api/render/proxy/{rid}/download", headers={"Accept": "application/json"})
        assert meta.json()["output"]["url"] == data["outputUrl"]
    assert httpx.get(data["outputUrl"]).content == got.content  # the CDN-style URL, no auth
    info = probe(mp4)
    assert info.file_type == "video" and info.has_audio
    assert info.duration_s == pytest.approx(2.0, abs=0.2)
    assert (info.width, info.height) == (320, 180)

    # the id is the client's and must be unique
    again = _submit(engine, sess, id=rid)
    assert again.status_code == 409 and again.json()["success"] is False
    assert "new id" in again.json()["error"]


def test_render_refusals(engine, make_clip, tmp_path):
    sess = _ready_session(engine, make_clip, tmp_path)
    body = {"id": "render_x", "sessionId": sess["session_id"], "draft": sess["draft"]}
    with engine.client(sess["token"], headers={k: "" for k in SKILL_HEADERS}) as c:
        r = c.post("/api/render/proxy/lambda", json=body)
    assert r.status_code == 402
    assert r.json()["success"] is False and "X-Skill-Source" in r.json()["error"]

    r = _submit(engine, sess, draft={})
    assert r.status_code == 400 and "no track with segments" in r.json()["error"]
    r = _submit(engine, sess, output={"quality": "ultra"})
    assert r.status_code == 400 and "quality" in r.json()["error"]
    r = _submit(engine, sess, output={"resolution": "8k"})
    assert r.status_code == 400
    r = _submit(engine, sess, sessionId="1000000000000000002")
    assert r.status_code == 404 and r.json()["code"] == 1002 and r.json()["success"] is False
    with engine.client("nmv_usr_nope") as c:
        r = c.post("/api/render/proxy/lambda", json=body)
    assert r.status_code == 401 and r.json()["code"] == 1001 and r.json()["success"] is False
    with engine.client(sess["token"]) as c:
        r = c.get("/api/render/proxy/lambda/render_unknown")
    assert r.status_code == 404 and r.json()["success"] is False


def test_render_of_missing_media_is_refused_with_a_reason(engine, make_clip, tmp_path):
    # issue 14: a draft is checked against its sources before it is queued (it used to be
    # accepted and fail later); the refusal names the segment and the source
    sess = _ready_session(engine, make_clip, tmp_path)
    draft = {
        **sess["draft"],
        "t": [{"tt": 0, "sg": [{"st": 0, "et": 1000, "src": "https://x.example/other.mp4"}]}],
    }
    r = _submit(engine, sess, draft=draft)
    assert r.status_code == 400 and r.json()["success"] is False
    assert "segment 1 of track 1" in r.json()["error"] and "other.mp4" in r.json()["error"]
    assert "upload" in r.json()["error"]


def test_cancel_a_running_render(engine, make_clip, tmp_path):
    sess = _ready_session(engine, make_clip, tmp_path)
    with engine.faults(render_delay_s=30):
        rid = _submit(engine, sess).json()["data"]["id"]
        _wait(engine, sess, rid, statuses={"processing"}, timeout=20)
        with engine.client(sess["token"]) as c:
            r = c.post(f"/api/render/proxy/lambda/{rid}/cancel")
        assert r.status_code == 200
        assert r.json()["status"] == "cancelled"
        with engine.client(sess["token"]) as c:
            r = c.get(f"/api/render/proxy/{rid}/download")
        assert r.status_code == 409 and "cancelled" in r.json()["error"]
        assert _poll(engine, sess, rid)["data"]["status"] == "cancelled"
        with engine.client(sess["token"]) as c:  # cancelling twice is harmless
            assert c.post(f"/api/render/proxy/lambda/{rid}/cancel").json()["status"] == "cancelled"


@pytest.mark.slow
def test_restart_keeps_sessions_uploads_and_renders(engine_env, make_clip, tmp_path):
    data_dir = tmp_path / "engine"
    eng = start_engine(data_dir)
    try:
        sess = _ready_session(eng, make_clip, tmp_path)
        done = _submit(eng, sess)
        rid = done.json()["data"]["id"]
        assert _wait(eng, sess, rid)["status"] == "completed"
        eng.faults(render_delay_s=60)
        stuck = _submit(eng, sess).json()["data"]["id"]
        _wait(eng, sess, stuck, statuses={"processing"}, timeout=20)
    finally:
        # a crash, not a clean stop: the next start must find the job and fail it
        eng.handle.process.kill()
        eng.stop()

    eng = start_engine(data_dir)
    try:
        with eng.client(sess["token"]) as c:
            state = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest").json()
            assert state["code"] == 0
            (info,) = state["data"]["state"]["video_infos"]
            assert info["cdn_url"].startswith(eng.url + "/media/uploads/")
            assert httpx.get(info["cdn_url"]).status_code == 200
            seg = state["data"]["state"]["draft"]["t"][0]["sg"][0]
            assert seg["src"] == info["cdn_url"]
            view = c.get(f"/api/render/proxy/lambda/{rid}").json()
            assert view["status"] == "completed"
            assert c.get(f"/api/render/proxy/{rid}/download").content[4:8] == b"ftyp"
            failed = c.get(f"/api/render/proxy/lambda/{stuck}").json()
            assert failed["status"] == "failed"
            reason = failed["data"]["error"]
            assert "restarted" in reason and "export again" in reason
            assert "error" not in failed  # a failed job is a status, not a failed call
    finally:
        eng.stop()
