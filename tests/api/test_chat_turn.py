"""One chat turn: trailing notice, silent edits, dropped streams (never re-sent), cancel."""

from __future__ import annotations

import asyncio

import pytest

from nemo_widgets.api import errors as E
from nemo_widgets.api.chat import Reply, run_turn
from nemo_widgets.api.sse import HeartbeatEvent, TextEvent, ToolCallEvent


async def stream(*events, drop: bool = False):
    for ev in events:
        yield ev
    if drop:
        raise E.StreamDroppedError("broke")


class States:
    """A fake state reader returning the scripted snapshots in turn (last one repeats)."""

    def __init__(self, *snaps):
        self.snaps = list(snaps)
        self.reads = 0

    async def __call__(self):
        self.reads += 1
        return self.snaps.pop(0) if len(self.snaps) > 1 else self.snaps[0]


def describe(a, b):
    return [f"{k} added" for k in b if k not in a]


async def test_trailing_temporary_issue_is_dropped():
    reply = await run_turn(
        stream(
            TextEvent("Title added."),
            TextEvent(" I encountered", partial=True),
            TextEvent(" a temporary issue. Please try again.", partial=True),
        )
    )
    assert reply.text == "Title added."


async def test_notice_alone_or_in_the_middle_is_kept():
    alone = await run_turn(stream(TextEvent("I encountered a temporary issue.")))
    assert alone.text == "I encountered a temporary issue."
    middle = await run_turn(
        stream(
            TextEvent("Working. "),
            TextEvent("I encountered a temporary issue"),
            ToolCallEvent("retry"),
            TextEvent(" then it worked."),
        )
    )
    assert middle.text == "Working. I encountered a temporary issue then it worked."
    normal = await run_turn(stream(TextEvent("Hi. "), TextEvent("I added a title.")))
    assert normal.text == "Hi. I added a title."


async def test_gui_talk_is_translated():
    reply = await run_turn(stream(TextEvent("Ready! Click Export to download.")))
    assert "s.export()" in reply.text and reply.actions == {"export"}
    assert reply.raw_text == "Ready! Click Export to download."


async def test_silent_edit_reports_state_change():
    states = States({"video"}, {"video", "title"})
    seen = []
    reply = await run_turn(
        stream(ToolCallEvent("edit_multitrack"), HeartbeatEvent()),
        on_event=seen.append,
        snapshot=states,
        before=await states(),
        describe=describe,
    )
    assert reply.text == "" and reply.changes == ["title added"]
    assert "✅ title added" in str(reply)
    assert [type(e) for e in seen] == [ToolCallEvent, HeartbeatEvent]


async def test_async_on_event_callback():
    got = []

    async def cb(ev):
        await asyncio.sleep(0)
        got.append(ev)

    await run_turn(stream(TextEvent("a")), on_event=cb)
    assert got == [TextEvent("a")]


async def test_dropped_stream_polls_state_30_then_60(sleeper):
    states = States(set(), set(), set(), {"title"})
    before = await states()
    reply = await run_turn(
        stream(TextEvent("Adding"), drop=True),
        snapshot=states,
        before=before,
        describe=describe,
        sleep=sleeper,
    )
    assert reply.dropped and reply.changes == ["title added"]
    assert sleeper.calls == [30.0, 60.0, 60.0]


async def test_dropped_stream_without_change_gives_up_after_5_checks(sleeper):
    states = States(set())
    with pytest.raises(E.StreamDroppedError, match="not re-sent"):
        await run_turn(
            stream(drop=True), snapshot=states, before=set(), describe=describe, sleep=sleeper
        )
    assert sleeper.calls == [30.0, 60.0, 60.0, 60.0, 60.0]
    assert states.reads == 5


async def test_turn_cap_stops_waiting_and_checks_state():
    t = iter([0.0, 0.0, 10.0, 2000.0, 2000.0])
    states = States({"x"})
    reply = await run_turn(
        stream(TextEvent("a"), HeartbeatEvent(), HeartbeatEvent(), TextEvent("never")),
        snapshot=states,
        before=set(),
        describe=describe,
        clock=lambda: next(t),
        max_turn_s=900,
    )
    assert "never" not in reply.text and "not re-sent" in reply.errors[0]
    assert reply.changes == ["x added"]


async def test_cancelling_a_turn_closes_the_stream():
    closed = asyncio.Event()
    started = asyncio.Event()

    async def slow():
        try:
            yield TextEvent("a")
            started.set()
            await asyncio.sleep(3600)
            yield TextEvent("b")
        finally:
            closed.set()

    task = asyncio.create_task(run_turn(slow()))
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert closed.is_set()


def test_reply_str_and_repr():
    assert "no reply" in str(Reply())
    r = Reply(text="", errors=["boom"])
    assert "boom" in str(r)
