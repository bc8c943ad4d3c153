"""The store's state in parts, in process: what is written per save, undo steps by reference,
databases of earlier versions, and the in-place-edit check the test suite runs with."""

from __future__ import annotations

import json
import sqlite3

import pytest
from state_kit import captioned_state

from nemo_widgets.engine import state_parts as sp
from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.store import Store

BASE = "http://127.0.0.1:9"


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "engine.sqlite3")
    s.base_url = BASE
    yield s
    s.close()


def _session(store: Store) -> str:
    tok = store.create_token("cid", "127.0.0.1", 3600, 100, 0.0)
    return store.create_session(tok["user_id"], "t", "en")["session_id"]


def _bodies(store: Store, sid: str) -> list[tuple[str, int]]:
    rows = store._db.execute(
        "SELECT part, length(body) FROM state_parts WHERE session_id=? ORDER BY body_id", (sid,)
    )
    return [(r[0], r[1]) for r in rows]


def _add_title(state: dict, text: str) -> dict:
    draft = tl.add_title(tl.Draft.from_dict(state["draft"]), text, start_ms=0)
    return {**state, "draft": draft.to_dict()}


def test_a_title_writes_the_skeleton_and_its_track_only(store):
    sid = _session(store)
    store.save_state(sid, captioned_state(300, BASE))
    before = _bodies(store, sid)
    state = store.state(sid)
    history = tl.History()
    after = _add_title(state, "Hi")
    assert history.record(state, after, "title")
    store.save_state(sid, after, history.to_list())
    new = [b for b in _bodies(store, sid) if b not in before]
    assert sorted(name for name, _ in new) == ["draft", "draft/t/trk_t1"], new
    # the undo step refers to the stored caption track and captions, it does not copy them
    assert len([n for n, _ in _bodies(store, sid) if n.startswith("captions/")]) == 1
    text = store._db.execute("SELECT history FROM sessions WHERE session_id=?", (sid,)).fetchone()
    assert len(text[0]) < 2000


def test_undo_restores_from_referenced_parts_after_a_restart(store, tmp_path):
    sid = _session(store)
    start = captioned_state(300, BASE)
    store.save_state(sid, start)
    state = store.state(sid)
    history = tl.History()
    after = _add_title(state, "Hi")
    history.record(state, after, "title")
    store.save_state(sid, after, history.to_list())
    store.close()
    again = Store(tmp_path / "engine.sqlite3")
    again.base_url = BASE
    state = again.state(sid)
    history = tl.History.from_list(again.history(sid))
    assert history.step_back(state) == "title"
    again.save_state(sid, state, history.to_list())
    assert again.state(sid) == start
    history = tl.History.from_list(again.history(sid))
    state = again.state(sid)
    assert history.step_forward(state) == "title"
    assert state == after
    again.close()


def test_a_database_of_an_earlier_version_is_read_and_undone(tmp_path):
    path = tmp_path / "old.sqlite3"
    old_state = {"draft": {"t": [{"id": "a", "tt": 7, "sg": [{"st": 0, "et": 1, "txt": "x"}]}]}}
    with sqlite3.connect(path) as con:  # the sessions table as it was: whole state and history
        con.execute(
            "CREATE TABLE sessions (session_id TEXT PRIMARY KEY, task_id TEXT NOT NULL, "
            "task_name TEXT NOT NULL, user_id TEXT NOT NULL, language TEXT NOT NULL, "
            "created_at REAL NOT NULL, updated_at REAL NOT NULL, state TEXT NOT NULL, "
            "history TEXT NOT NULL DEFAULT '[]')"
        )
        con.execute(
            "INSERT INTO sessions VALUES ('1', 't', 'n', 'u', 'en', 0, 0, ?, ?)",
            (json.dumps(old_state), json.dumps([{}])),  # a bare draft: the oldest undo entry
        )
    store = Store(path)
    assert store.state("1") == old_state
    history = tl.History.from_list(store.history("1"))
    state = store.state("1")
    assert history.step_back(state) is not None and state["draft"] == {}
    store.save_state("1", state, history.to_list())
    assert store.state("1")["draft"] == {}
    store.close()


def test_a_value_changed_in_place_is_caught(store, monkeypatch):
    monkeypatch.setattr(sp, "CHECK", True)
    sid = _session(store)
    store.save_state(sid, {"draft": {}, "video_infos": [{"filename": "a.mp4"}]})
    state = store.state(sid)
    state["video_infos"].append({"filename": "b.mp4"})  # the mistake the check exists for
    with pytest.raises(AssertionError, match="changed in place"):
        store.save_state(sid, state)


def test_words_are_packed_once_and_unpacked_whole():
    entry = captioned_state(120, BASE)["captions"]["en"]
    text = sp.dump_body("captions/en", entry)
    assert text.count('"w":') == len(entry["words"])
    assert sp.load_body("captions/en", text) == entry
    # a cue whose words are not the next run keeps its own copy
    odd = {**entry, "cues": [{**entry["cues"][0], "words": [{"w": "other"}]}]}
    assert sp.load_body("captions/en", sp.dump_body("captions/en", odd)) == odd


def test_a_long_track_is_read_and_written_once_and_edits_in_place_are_caught(monkeypatch):
    from nemo_widgets.engine import track_memo

    draft = captioned_state(300, BASE)["draft"]
    d = next(t for t in draft["t"] if t.get("k") == "caption")
    track = tl.Track.from_dict(d)
    assert tl.Track.from_dict(d) is track and track.to_dict() is d
    titled = tl.add_title(tl.Draft.from_dict(draft), "Hi").to_dict()
    assert any(t is d for t in titled["t"])  # the caption track's dict, not a rebuilt copy
    short = {"id": "x", "tt": 7, "sg": [{"st": 0, "et": 1, "txt": "a"}]}
    assert tl.Track.from_dict(short) is not tl.Track.from_dict(short)
    monkeypatch.setattr(track_memo, "_CHECK", True)
    d["sg"] = d["sg"][:-1]  # the mistake the check exists for
    with pytest.raises(AssertionError, match="changed in place"):
        tl.Track.from_dict(d)
