"""The agent through the real engine: saved, charged, undoable edits; 2001; silent; dropped."""

from __future__ import annotations

import json

import httpx
import pytest

from nemo_widgets import schema
from nemo_widgets.engine.agent.edit_words import EDIT_COST

TITLE = "add a title 'Urban Dreams' for 3 seconds at the top"


@pytest.fixture
def sess(engine, make_clip, tmp_path):
    health = httpx.get(f"{engine.url}/health").json()
    if "titles" not in health["intents"]:
        # the editing skill ships with the engine: not loading it is a bug, not a reason to skip
        pytest.fail(f"editing intents not loaded: {health['skill_errors'].get('editing')}")
    tok = engine.new_token()
    s = engine.new_session(tok["token"])
    clip = make_clip(tmp_path, seconds=4, name="city timelapse.mp4")
    with engine.client(tok["token"]) as c:
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{s['session_id']}",
            files=[("files", (clip.name, clip.read_bytes()))],
        )
        assert r.status_code == 200, r.text
    return {**s, "token": tok["token"], "user_id": tok["user_id"]}


def chat(engine, sess, text: str) -> tuple[httpx.Response, list[dict]]:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sess["session_id"],
        "new_message": {"parts": [{"text": text}]},
    }
    with engine.client(sess["token"]) as c:
        r = c.post("/run_sse", json=body)
    frames = [
        json.loads(line[5:])
        for line in r.text.splitlines()
        if line.startswith("data:") and line[5:].strip()
    ]
    return r, frames


def texts(frames: list[dict]) -> list[str]:
    return [
        p["text"] for f in frames for p in (f.get("content") or {}).get("parts", []) if "text" in p
    ]


def state(engine, sess) -> dict:
    with engine.client(sess["token"]) as c:
        return c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest").json()["data"]


def credits(engine, sess) -> dict:
    with engine.client(sess["token"]) as c:
        return c.get("/api/credits/balance/simple").json()["data"]


def title_tracks(st: dict) -> list[dict]:
    return [t for t in st["state"]["draft"]["t"] if t["tt"] == schema.TrackType.TEXT]


def test_edit_is_saved_charged_and_undone(engine, sess):
    with engine.faults(silent="never"):
        r, frames = chat(engine, sess, TITLE)
    assert r.status_code == 200
    assert any("functionCall" in f["content"]["parts"][0] for f in frames if "content" in f)
    assert "Urban Dreams" in texts(frames)[-1]
    (track,) = title_tracks(state(engine, sess))
    assert track["sg"][0]["txt"] == "Urban Dreams"
    assert credits(engine, sess)["available"] == 100 - EDIT_COST

    _, frames = chat(engine, sess, "show tracks")
    assert texts(frames)[0].startswith("Timeline (2 tracks): 1. Video: city timelapse")
    assert '"Urban Dreams" (0-3s)' in texts(frames)[0]

    _, frames = chat(engine, sess, "undo")
    assert "Undone" in texts(frames)[0]
    assert title_tracks(state(engine, sess)) == []
    assert credits(engine, sess)["available"] == 100 - EDIT_COST  # undo is free


def test_out_of_credits_gives_2001_before_starting(engine, sess):
    engine.faults(set_credits={"user_id": sess["user_id"], "amount": EDIT_COST - 1})
    before = state(engine, sess)
    r, _ = chat(engine, sess, TITLE)
    assert r.status_code == 402
    body = r.json()
    assert body["code"] == schema.ErrorCode.NO_CREDITS
    assert f"bind={sess['user_id']}" in body["message"]
    assert state(engine, sess) == before
    # free requests still work
    r, frames = chat(engine, sess, "help")
    assert r.status_code == 200 and texts(frames)


def test_refused_edit_explains_and_charges_nothing(engine, sess):
    r, frames = chat(engine, sess, "add a title")  # no text given
    assert r.status_code == 200
    assert "What should the title say" in texts(frames)[0]
    assert credits(engine, sess)["available"] == 100
    assert title_tracks(state(engine, sess)) == []


def test_silent_edit_changes_state_without_text(engine, sess):
    with engine.faults(silent="always"):
        _, frames = chat(engine, sess, TITLE)
    assert texts(frames) == []
    assert any("functionResponse" in f["content"]["parts"][0] for f in frames if "content" in f)
    assert title_tracks(state(engine, sess))


def test_dropped_stream_still_applies_the_edit(engine, sess):
    with engine.faults(drop_stream=1), pytest.raises(httpx.RemoteProtocolError):
        chat(engine, sess, TITLE)
    assert title_tracks(state(engine, sess))
    assert credits(engine, sess)["available"] == 100 - EDIT_COST


def test_a_users_engine_never_refuses_work_for_credits(engine_env, make_clip, tmp_path):
    """Without ``--ration-credits`` (how users start it) paid edits run at any balance."""
    from engine_kit import start_engine

    own = start_engine(tmp_path / "free-engine", ration=False)
    try:
        tok = own.new_token()
        s = own.new_session(tok["token"])
        sess = {**s, "token": tok["token"], "user_id": tok["user_id"]}
        clip = make_clip(tmp_path, seconds=2)
        with own.client(tok["token"]) as c:
            up = c.post(
                f"/api/upload-video/nemo_agent/me/{s['session_id']}",
                files=[("files", (clip.name, clip.read_bytes()))],
            )
            assert up.status_code == 200, up.text
        own.faults(set_credits={"user_id": sess["user_id"], "amount": 0})
        r, _ = chat(own, sess, TITLE)
        assert r.status_code == 200, r.text
        assert len(title_tracks(state(own, sess))) == 1
        # the credits API still answers like the cloud's, and nothing was taken
        assert credits(own, sess)["available"] == 0
    finally:
        own.stop()
