"""The agent runner in-process: saving state, undo history, credits, silent edits, failures."""

from __future__ import annotations

import re
from typing import Any

import pytest

from nemo_widgets import schema
from nemo_widgets.engine.agent import general
from nemo_widgets.engine.agent.base import AgentError, Intent, Turn
from nemo_widgets.engine.agent.runner import Runner, is_silent, message_text
from nemo_widgets.engine.store import Store


@pytest.fixture
def runner(tmp_path):
    store = Store(tmp_path / "db.sqlite3")
    tok = store.create_token("cid", "127.0.0.1", 3600, 100, 0.0)
    session = store.create_session(tok["user_id"], "t", "en")
    session = store.session(session["session_id"])
    yield Runner(store, tmp_path, rationing=True), session
    store.close()


async def add_title(turn: Turn, match: re.Match[str]) -> None:
    turn.checkpoint()
    async with turn.tool("edit_multitrack", {"op": "title"}) as result:
        turn.draft.setdefault("t", []).append(
            {"tt": 7, "n": "Title", "sg": [{"st": 0, "et": 3000, "txt": match.group(1)}]}
        )
        result["status"] = "success"
    await turn.say(f"Title added: {match.group(1)}")


async def refuse(turn: Turn, match: re.Match[str]) -> None:
    turn.checkpoint()
    turn.draft["t"] = ["half-done"]
    raise AgentError("There is no video to trim: upload one first.")


async def crash(turn: Turn, match: re.Match[str]) -> None:
    turn.draft["t"] = ["half-done"]
    raise RuntimeError("boom")


def _intent(handler, cost=10, pattern=r"title (\w+)") -> Intent:
    return Intent(handler.__name__, (re.compile(pattern),), handler, cost=cost)


async def _run(runner_session, message: str, it: Intent | None, **kw) -> tuple[Any, list]:
    runner, session = runner_session
    events: list[dict[str, Any]] = []

    async def emit(e: dict[str, Any]) -> None:
        events.append(e)

    routed = (it, it.match(message)) if it else None
    out = await runner.run(
        session=session, message=message, emit=emit, media=[], routed=routed, **kw
    )
    return out, events


def _texts(events) -> list[str]:
    return [
        p["text"] for e in events for p in (e.get("content") or {}).get("parts", []) if "text" in p
    ]


async def test_edit_is_saved_charged_and_undoable(runner):
    r, session = runner
    sid, uid = session["session_id"], session["user_id"]
    out, events = await _run(runner, "title Hello", _intent(add_title), silent_mode="never")
    assert out.ok and out.changed and out.charged == 10
    assert r.store.balance(uid) == 90
    assert _texts(events) == ["Title added: Hello"]
    assert [e["content"]["parts"][0].get("functionCall", {}).get("name") for e in events[:1]] == [
        "edit_multitrack"
    ]
    assert r.store.state(sid)["draft"]["t"][0]["sg"][0]["txt"] == "Hello"
    assert r.store.history(sid) == [{}]

    undo = next(i for i in general.REGISTRY.intents if i.name == "undo")
    out, events = await _run(runner, "undo", undo)
    assert out.ok and out.charged == 0
    assert r.store.state(sid)["draft"] == {}
    assert r.store.history(sid) == []
    assert "Undone" in _texts(events)[0]
    out, events = await _run(runner, "undo", undo)
    assert "nothing to undo" in _texts(events)[0]


async def test_silent_edit_sends_tools_but_no_text(runner):
    out, events = await _run(runner, "title Quiet", _intent(add_title), silent_mode="always")
    assert out.ok and out.silent
    assert _texts(events) == []
    assert any("functionCall" in e["content"]["parts"][0] for e in events)


def test_silent_choice_is_deterministic_and_about_a_third():
    it = _intent(add_title)
    free = _intent(add_title, cost=0)
    msgs = [f"add the title number {i}" for i in range(400)]
    share = sum(is_silent(m, it) for m in msgs) / len(msgs)
    assert 0.2 < share < 0.4
    assert [is_silent(m, it) for m in msgs] == [is_silent(m, it) for m in msgs]
    assert not any(is_silent(m, free) for m in msgs)  # only edits (paid turns) go quiet


async def test_agent_error_says_why_and_saves_nothing(runner):
    r, session = runner
    out, events = await _run(runner, "title X", _intent(refuse), silent_mode="always")
    assert not out.ok and "upload one first" in out.error
    assert _texts(events) == ["There is no video to trim: upload one first."]
    assert r.store.state(session["session_id"])["draft"] == {}
    assert r.store.history(session["session_id"]) == []
    assert r.store.balance(session["user_id"]) == 100


async def test_unexpected_exception_becomes_an_error_frame(runner):
    r, session = runner
    out, events = await _run(runner, "title X", _intent(crash))
    assert not out.ok
    assert events[-1].keys() == {"error"} and "boom" in events[-1]["error"]
    assert r.store.state(session["session_id"])["draft"] == {}
    assert r.store.balance(session["user_id"]) == 100


async def test_unmatched_request_gets_help_not_a_fake_success(runner):
    out, events = await _run(runner, "make me a sandwich", None)
    assert out.ok and not out.changed
    (text,) = _texts(events)
    assert "can't do that" in text and '"help"' in text and '"undo"' in text


async def test_reserved_credits_are_released(runner):
    r, session = runner
    r.reserve(session["user_id"], 10)
    assert r.available(session["user_id"]) == 90
    await _run(runner, "title X", _intent(refuse), reserved=10)
    assert r.frozen(session["user_id"]) == 0


def test_summary_matches_the_cloud_form():
    draft = {
        "t": [
            {"tt": 0, "n": "Video", "sg": [{"st": 0, "et": 10000, "nm": "city timelapse"}]},
            {"tt": 1, "n": "BGM", "sg": [{"st": 0, "et": 10000, "nm": "Lo-fi", "vol": 0.35}]},
            {"tt": 7, "n": "Title", "sg": [{"st": 0, "et": 3000, "txt": "Urban Dreams"}]},
        ]
    }
    assert general.summarize(draft) == (
        "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
        '3. Title: "Urban Dreams" (0-3s)'
    )
    assert general.summarize({}) == "Timeline (0 tracks): empty."
    one = {"t": [{"tt": 9, "sg": [{"st": 1500, "et": 2500}, {"st": 3000, "et": 4000}]}]}
    assert general.summarize(one) == (
        "Timeline (1 track): 1. Track type 9: track type 9 +1 more (1.5-4s)"
    )


def test_message_text_reads_adk_bodies():
    body = {"new_message": {"parts": [{"text": "add "}, {"text": "music"}, {"inline": 1}]}}
    assert message_text(body) == "add \nmusic"
    assert message_text({"newMessage": {"parts": [{"text": "hi"}]}}) == "hi"
    assert message_text({"new_message": "nope"}) == ""
    assert schema.APP_NAME == "nemo_agent"


async def test_turns_on_one_session_do_not_overlap(runner):
    import asyncio

    log: list[str] = []

    async def slow(turn: Turn, match: re.Match[str]) -> None:
        log.append(f"start {turn.message}")
        await asyncio.sleep(0.05)
        turn.checkpoint()
        turn.draft["n"] = turn.draft.get("n", 0) + 1
        log.append(f"end {turn.message}")

    it = _intent(slow, cost=0, pattern=r"go")
    await asyncio.gather(_run(runner, "go 1", it), _run(runner, "go 2", it))
    assert log in (
        ["start go 1", "end go 1", "start go 2", "end go 2"],
        ["start go 2", "end go 2", "start go 1", "end go 1"],
    )
    r, session = runner
    assert r.store.state(session["session_id"])["draft"]["n"] == 2  # no lost update


async def test_metadata_only_changes_are_never_silent(runner):
    async def meta(turn: Turn, match: re.Match[str]) -> None:
        turn.state["metadata"] = {"titles": ["A"]}
        await turn.say("Here are titles: A")

    out, events = await _run(runner, "title X", _intent(meta), silent_mode="always")
    assert out.ok and out.changed and not out.silent
    assert _texts(events) == ["Here are titles: A"]
