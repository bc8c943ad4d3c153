"""The agent runner in-process: saving state, undo history, credits, silent edits, failures."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest

from nemo_widgets import schema
from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent import general
from nemo_widgets.engine.agent.base import AgentError, Turn
from nemo_widgets.engine.agent.reader import Command, Reading, Row, Step
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


@dataclass(frozen=True)
class Say(Command):
    text: str = ""
    cost = 10


@dataclass(frozen=True)
class Free(Command):
    text: str = ""


async def add_title(cmd: Say, turn: Turn) -> str:
    async with turn.tool("edit_multitrack", {"op": "title"}) as result:
        turn.draft.setdefault("t", []).append(
            {"tt": 7, "n": "Title", "sg": [{"st": 0, "et": 3000, "txt": cmd.text}]}
        )
        result["status"] = "success"
    return f"Title added: {cmd.text}"


async def refuse(cmd: Command, turn: Turn) -> str:
    turn.state["draft"] = {"t": ["half-done"]}
    raise AgentError("There is no video to trim: upload one first.")


async def crash(cmd: Command, turn: Turn) -> str:
    turn.draft["t"] = ["half-done"]
    raise RuntimeError("boom")


def row(apply, name: str = "fake", **kw) -> Row:
    return Row(name, lambda c, x: None, apply, **kw)


def reading(*steps: tuple[Row, Command]) -> Reading:
    return Reading([Step(r, c, f"clause {i}") for i, (r, c) in enumerate(steps)], [])


async def _run(runner_session, message: str, read: Reading | None, **kw) -> tuple[Any, list]:
    runner, session = runner_session
    events: list[dict[str, Any]] = []

    async def emit(e: dict[str, Any]) -> None:
        events.append(e)

    out = await runner.run(
        session=session, message=message, emit=emit, media=[], reading=read, **kw
    )
    return out, events


def _texts(events) -> list[str]:
    return [
        p["text"] for e in events for p in (e.get("content") or {}).get("parts", []) if "text" in p
    ]


async def test_edit_is_saved_charged_and_undoable(runner):
    r, session = runner
    sid, uid = session["session_id"], session["user_id"]
    out, events = await _run(
        runner, "title Hello", reading((row(add_title), Say("Hello"))), silent_mode="never"
    )
    assert out.ok and out.changed and out.charged == 10
    assert r.store.balance(uid) == 90
    assert _texts(events) == ["Title added: Hello"]
    assert [e["content"]["parts"][0].get("functionCall", {}).get("name") for e in events[:1]] == [
        "edit_multitrack"
    ]
    assert r.store.state(sid)["draft"]["t"][0]["sg"][0]["txt"] == "Hello"
    assert tl.History.from_list(r.store.history(sid)).undo[0]["keys"] == {"draft": {}}

    out, events = await _run(runner, "undo", None)  # read by the engine's own rows
    assert out.ok and out.charged == 0
    assert r.store.state(sid)["draft"] == {}
    assert "Undone" in _texts(events)[0]
    out, events = await _run(runner, "redo", None)
    assert r.store.state(sid)["draft"]["t"][0]["sg"][0]["txt"] == "Hello"
    assert "Redone" in _texts(events)[0] and out.charged == 0
    await _run(runner, "undo", None)
    out, events = await _run(runner, "undo", None)
    assert "nothing to undo" in _texts(events)[0] and not out.ok


async def test_silent_edit_sends_tools_but_no_text(runner):
    read = reading((row(add_title), Say("Quiet")))
    out, events = await _run(runner, "title Quiet", read, silent_mode="always")
    assert out.ok and out.silent
    assert _texts(events) == []
    assert any("functionCall" in e["content"]["parts"][0] for e in events)


def test_silent_choice_is_deterministic_and_about_a_third():
    paid = reading((row(add_title), Say("x")))
    free = reading((row(add_title), Free("x")))
    talks = reading((row(add_title, speaks=True), Say("x")))
    msgs = [f"add the title number {i}" for i in range(400)]
    share = sum(is_silent(m, paid) for m in msgs) / len(msgs)
    assert 0.2 < share < 0.4
    assert [is_silent(m, paid) for m in msgs] == [is_silent(m, paid) for m in msgs]
    assert not any(is_silent(m, free) for m in msgs)  # only edits (paid turns) go quiet
    assert not any(is_silent(m, talks) for m in msgs)  # nor rows whose text is the product


async def test_agent_error_says_why_and_saves_nothing(runner):
    r, session = runner
    out, events = await _run(
        runner, "title X", reading((row(refuse), Say("X"))), silent_mode="always"
    )
    assert not out.ok and "upload one first" in out.error
    assert _texts(events) == ["There is no video to trim: upload one first."]
    assert r.store.state(session["session_id"])["draft"] == {}
    assert r.store.history(session["session_id"]) == []
    assert r.store.balance(session["user_id"]) == 100


async def test_a_compound_request_does_what_it_can_and_says_what_it_did_not(runner):
    r, session = runner
    read = reading(
        (row(add_title, edits=True), Say("One")),
        (row(refuse), Say("two")),
        (row(add_title, edits=True), Say("Three")),
    )
    out, events = await _run(runner, "one, two and three", read, silent_mode="always")
    assert out.ok and not out.silent  # a partial result is never silent
    (text,) = _texts(events)
    assert "Done:\n- Title added: One\n- Title added: Three" in text
    assert "Not done:\n- clause 1: There is no video to trim" in text
    state = r.store.state(session["session_id"])
    assert [t["sg"][0]["txt"] for t in state["draft"]["t"]] == ["One", "Three"]  # no half-done
    assert out.charged == 20 and r.store.balance(session["user_id"]) == 80  # only what was done
    assert len(tl.History.from_list(r.store.history(session["session_id"])).undo) == 1


async def test_unexpected_exception_becomes_an_error_frame(runner):
    r, session = runner
    out, events = await _run(runner, "title X", reading((row(crash), Say("X"))))
    assert not out.ok
    assert events[-1].keys() == {"error"} and "boom" in events[-1]["error"]
    assert r.store.state(session["session_id"])["draft"] == {}
    assert r.store.balance(session["user_id"]) == 100


async def test_unmatched_request_gets_help_not_a_fake_success(runner):
    out, events = await _run(runner, "make me a sandwich", None)
    assert not out.ok and not out.changed and out.charged == 0
    (text,) = _texts(events)
    assert "can't do that" in text and '"help"' in text and '"undo"' in text


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("hi!", "Upload a video"),
        ("thanks a lot", "You're welcome"),
        ("hola", "Sube un video"),
        ("谢谢", "不客气"),
    ],
)
async def test_a_greeting_gets_a_greeting_not_an_apology(runner, message, expected):
    r, session = runner
    out, events = await _run(runner, message, None, silent_mode="always")
    assert out.ok and not out.changed and out.charged == 0  # answered, nothing edited or charged
    (text,) = _texts(events)
    assert expected in text and "can't" not in text
    assert r.store.history(session["session_id"]) == []


async def test_reserved_credits_are_released(runner):
    r, session = runner
    r.reserve(session["user_id"], 10)
    assert r.available(session["user_id"]) == 90
    await _run(runner, "title X", reading((row(refuse), Say("X"))), reserved=10)
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

    async def slow(cmd: Command, turn: Turn) -> str:
        log.append(f"start {turn.message}")
        await asyncio.sleep(0.05)
        turn.state["draft"] = {**turn.draft, "n": turn.draft.get("n", 0) + 1}
        log.append(f"end {turn.message}")
        return "ok"

    go = reading((row(slow), Free()))
    await asyncio.gather(_run(runner, "go 1", go), _run(runner, "go 2", go))
    assert log in (
        ["start go 1", "end go 1", "start go 2", "end go 2"],
        ["start go 2", "end go 2", "start go 1", "end go 1"],
    )
    r, session = runner
    assert r.store.state(session["session_id"])["draft"]["n"] == 2  # no lost update


async def test_metadata_only_changes_are_never_silent(runner):
    async def meta(cmd: Command, turn: Turn) -> str:
        turn.state["metadata"] = {"titles": ["A"]}
        return "Here are titles: A"

    out, events = await _run(runner, "title X", reading((row(meta), Say())), silent_mode="always")
    assert out.ok and out.changed and not out.silent
    assert _texts(events) == ["Here are titles: A"]


def test_rows_have_no_priorities():
    """Rows are read without any global ranking: a Row has no priority to tune."""
    assert not any(re.search("priority", f) for f in Row.__dataclass_fields__)
