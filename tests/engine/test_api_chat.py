"""Engine API: ``/run_sse`` framing, heartbeats, routing, errors and the dropped-stream fault."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest


@pytest.fixture
def sess(engine):
    tok = engine.new_token()
    s = engine.new_session(tok["token"])
    return {**s, "token": tok["token"], "user_id": tok["user_id"]}


def body(sid: str, text: str) -> dict[str, Any]:
    return {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": text}]},
    }


def chat_raw(engine, sess, text: str, timeout: float = 60) -> list[str]:
    """The raw SSE lines of one turn (blank separators dropped)."""
    with (
        engine.client(sess["token"], headers={"Accept": "text/event-stream"}) as c,
        c.stream("POST", "/run_sse", json=body(sess["session_id"], text), timeout=timeout) as r,
    ):
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        return [line for line in r.iter_lines() if line]


def frames(lines: list[str]) -> list[dict[str, Any]]:
    return [json.loads(line[5:]) for line in lines if line.startswith("data:") and line[5:].strip()]


def texts(lines: list[str]) -> list[str]:
    return [
        p["text"]
        for f in frames(lines)
        for p in (f.get("content") or {}).get("parts", [])
        if "text" in p
    ]


def test_help_streams_adk_frames(engine, sess):
    lines = chat_raw(engine, sess, "help")
    (frame,) = frames(lines)
    assert frame["author"] == "nemo_agent"
    assert frame["content"]["role"] == "model"
    assert frame["invocationId"].startswith("e-")
    assert set(frame["actions"]) == {"stateDelta", "artifactDelta", "requestedAuthConfigs"}
    (text,) = texts(lines)
    assert '"status"' in text and '"undo"' in text and "Export" in text


def test_status_before_and_after_upload(engine, sess, make_clip, tmp_path):
    assert "timeline is empty" in texts(chat_raw(engine, sess, "show tracks"))[0]
    clip = make_clip(tmp_path, seconds=2, name="city timelapse.mp4")
    with engine.client(sess["token"]) as c:
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{sess['session_id']}",
            files=[("files", (clip.name, clip.read_bytes()))],
        )
        assert r.status_code == 200
    (text,) = texts(chat_raw(engine, sess, "status"))
    assert text == "Timeline (1 track): 1. Video: city timelapse (0-2s)"


def test_unknown_request_gets_a_clear_answer(engine, sess):
    (text,) = texts(chat_raw(engine, sess, "please fold my laundry"))
    assert "can't do that" in text and "help" in text


def test_undo_without_edits(engine, sess):
    (text,) = texts(chat_raw(engine, sess, "undo"))
    assert "nothing to undo" in text


@pytest.mark.parametrize(
    ("style", "expect"),
    [("comment", ": keep-alive"), ("empty", "data:"), ("json", 'data: {"type":"heartbeat"}')],
)
def test_heartbeat_styles(engine, sess, style, expect):
    with engine.faults(turn_delay_s=0.7, heartbeat_s=0.2, heartbeat_style=style):
        lines = chat_raw(engine, sess, "help")
    beats = [line.strip() for line in lines if line.strip() == expect]
    assert len(beats) >= 2, lines
    assert len(texts(lines)) == 1


def test_chat_errors(engine, sess):
    with engine.client(sess["token"]) as c:
        r = c.post("/run_sse", json=body("1000000000000000001", "help"))
        assert r.status_code == 404 and r.json()["code"] == 1002
        r = c.post("/run_sse", json={"new_message": {"parts": [{"text": "hi"}]}})
        assert r.status_code == 400 and "session_id" in r.json()["message"]
        r = c.post("/run_sse", json=body(sess["session_id"], "  "))
        assert r.status_code == 400 and "empty" in r.json()["message"]
        r = c.post("/run_sse", content=b"{not json", headers={"Content-Type": "application/json"})
        assert r.status_code == 400
        # a huge message is read in linear time and answered (it was refused over 10,000 chars)
        r = c.post("/run_sse", json=body(sess["session_id"], "add the title " * 8000), timeout=10)
        assert r.status_code == 200 and texts(r.text.splitlines())
    assert "undo" in " ".join(texts(chat_raw(engine, sess, "help")))  # the session still works
    with engine.client("nmv_usr_bogus") as c:
        r = c.post("/run_sse", json=body(sess["session_id"], "help"))
        assert r.status_code == 401 and r.json()["code"] == 1001


def test_camel_case_body_is_accepted(engine, sess):
    with engine.client(sess["token"]) as c:
        r = c.post(
            "/run_sse",
            json={"sessionId": sess["session_id"], "newMessage": {"parts": [{"text": "help"}]}},
        )
    assert r.status_code == 200 and "undo" in r.text


def test_dropped_stream_is_cut_without_reply(engine, sess):
    with engine.faults(drop_stream=1):
        got: list[str] = []
        with (
            pytest.raises(httpx.RemoteProtocolError),
            engine.client(sess["token"]) as c,
            c.stream("POST", "/run_sse", json=body(sess["session_id"], "help")) as r,
        ):
            got.extend(line for line in r.iter_lines() if line)
        assert texts(got) == []
    # only the next turn was dropped
    assert len(texts(chat_raw(engine, sess, "help"))) == 1


def test_injected_failure_on_run_sse(engine, sess):
    with (
        engine.faults(fail=[{"call": "run_sse", "status": 502, "times": 1}]),
        engine.client(sess["token"]) as c,
    ):
        assert c.post("/run_sse", json=body(sess["session_id"], "help")).status_code == 502
        assert c.post("/run_sse", json=body(sess["session_id"], "help")).status_code == 200
