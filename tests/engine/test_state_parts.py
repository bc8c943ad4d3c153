"""The state in parts, end to end against the real engine: since-version answers, what the
client merges from them, undo and redo across parts, concurrent turns, words stored once."""

from __future__ import annotations

import json
import sqlite3
import threading
from typing import Any

import pytest
from state_kit import captioned_state, put_state

import nemo_widgets as nw
from nemo_widgets import schema

#: A 10-minute talk: long enough for tracks of many segments, quick to build.
TALK_S = 600.0


def _get(engine, token: str, sid: str, since: int | None = None) -> tuple[dict[str, Any], Any]:
    with engine.client(token) as c:
        r = c.get(
            f"/api/state/nemo_agent/me/{sid}/latest",
            params=None if since is None else {"since": since},
        )
    assert r.status_code == 200, r.text
    return r.json()["data"], r.headers


def _whole(engine, s: nw.Session) -> dict[str, Any]:
    """The state as a client without the extension reads it (``GET`` without ``since``)."""
    data, _ = _get(engine, s._client._token.reveal(), s.session_id)
    return data["state"]


@pytest.fixture
def talk(engine) -> nw.Session:
    """A session whose state holds a captioned 10-minute talk (written into the database)."""
    s = nw.connect(base_url=engine.url)
    put_state(engine.data_dir, s.session_id, captioned_state(TALK_S, engine.url))
    s.state()
    return s


def test_whole_answer_carries_its_version(engine, talk):
    data, headers = _get(engine, talk._client._token.reveal(), talk.session_id)
    version = data[schema.STATE_VERSION]
    assert isinstance(version, int) and headers[schema.STATE_VERSION_HEADER] == str(version)
    assert set(data["state"]) >= {"draft", "video_infos", "captions"}
    assert schema.STATE_PARTS not in data


def test_since_answer_holds_only_what_the_turn_changed(engine, talk):
    token, sid = talk._client._token.reveal(), talk.session_id
    before, _ = _get(engine, token, sid)
    reply = talk.chat("add a title 'Hi' at the start")
    assert 'Added the title "Hi"' in reply.text or not reply.text, reply
    data, headers = _get(engine, token, sid, since=before[schema.STATE_VERSION])
    assert "state" not in data and data[schema.STATE_SINCE] == before[schema.STATE_VERSION]
    assert data[schema.STATE_VERSION] > before[schema.STATE_VERSION]
    assert headers[schema.STATE_VERSION_HEADER] == str(data[schema.STATE_VERSION])
    sent = data[schema.STATE_PARTS]
    # the draft's skeleton and the new title track; not the captions, footage or uploads
    assert "draft" in sent and any(s.startswith("draft/t/") for s in sent)
    assert not any(n.startswith("captions") for n in sent), sorted(sent)
    assert "video_infos" not in sent
    titles = [p for n, p in sent.items() if n.startswith("draft/t/")]
    assert [seg["txt"] for t in titles for seg in t["sg"]] == ["Hi"]
    # every part the state has is named, changed or not
    assert set(data[schema.STATE_INDEX]) == set(schema.state_parts(_whole(engine, talk)))
    # nothing changed since the newest version: nothing sent
    again, _ = _get(engine, token, sid, since=data[schema.STATE_VERSION])
    assert again[schema.STATE_PARTS] == {}


def test_client_state_after_turns_equals_the_whole_state(engine, talk):
    for message in ("add a title 'One' at the start", "make the captions yellow", "undo"):
        talk.chat(message)
        merged = talk.state()  # merged from a since-version answer
        assert merged.raw["state"] == _whole(engine, talk), message
        assert schema.STATE_PARTS not in merged.raw
    assert talk.state().draft.raw == _whole(engine, talk)["draft"]


def test_a_version_the_state_never_had_gets_the_whole_state(engine, talk):
    token, sid = talk._client._token.reveal(), talk.session_id
    for since in (0, 10**9):
        data, _ = _get(engine, token, sid, since=since)
        assert data["state"] == _whole(engine, talk)
    with engine.client(token) as c:
        r = c.get(f"/api/state/nemo_agent/me/{sid}/latest", params={"since": "yesterday"})
    assert r.status_code == 400 and "state_version" in r.json()["message"]


def _caption_style(state: dict[str, Any]) -> dict[str, Any]:
    track = next(t for t in state["draft"]["t"] if t.get("k") == "caption")
    return track.get("sty") or {}


def test_undo_and_redo_across_parts(engine, talk):
    """A caption restyle (the caption track) and a title (a new track, the skeleton): undo
    and redo step through both, the captions entry untouched, whole and merged alike."""
    start = _whole(engine, talk)
    talk.chat("make the captions yellow")
    yellow = _whole(engine, talk)
    assert _caption_style(yellow) != _caption_style(start)
    talk.chat("add a title 'Hi' at the start")
    titled = _whole(engine, talk)
    assert len(titled["draft"]["t"]) == len(start["draft"]["t"]) + 1

    for message, expect in (
        ("undo", yellow),
        ("undo", start),
        ("redo", yellow),
        ("redo", titled),
        ("undo", yellow),
    ):
        reply = talk.chat(message)
        assert not reply.errors, reply
        whole = _whole(engine, talk)
        assert whole["draft"] == expect["draft"], message
        assert whole["captions"] == start["captions"]
        assert talk.state().raw["state"] == whole


def test_concurrent_turns_lose_no_update(engine, talk):
    others = [nw.connect(base_url=engine.url, session_id=talk.session_id) for _ in range(3)]
    errors: list[BaseException] = []

    def say(s: nw.Session, text: str) -> None:
        try:
            s.chat(f"add a title '{text}' at the start")
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=say, args=(s, f"Title {i}")) for i, s in enumerate(others)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors
    whole = _whole(engine, talk)
    texts = {seg.get("txt") for t in whole["draft"]["t"] for seg in t["sg"] if t.get("tt") == 7}
    assert {"Title 0", "Title 1", "Title 2"} <= texts
    for s in (talk, *others):
        assert s.state().raw["state"] == whole


def test_caption_words_are_stored_once(engine, talk):
    state = _whole(engine, talk)
    entry = state["captions"]["en"]
    words = entry["words"]
    # what the client sees is unchanged: every cue has its words, in order, all of them
    assert [w for cue in entry["cues"] for w in cue["words"]] == words
    with sqlite3.connect(engine.data_dir / "engine.sqlite3") as con:
        (body,) = con.execute(
            "SELECT body FROM state_parts WHERE session_id=? AND part='captions/en' "
            "ORDER BY body_id DESC LIMIT 1",
            (talk.session_id,),
        ).fetchone()
    stored = json.loads(body)
    assert body.count('"w":') == len(words) > 1000
    assert all("words" not in cue for cue in stored["cues"])
