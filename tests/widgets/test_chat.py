"""The streaming chat cell without a browser: coalescing, chips, silence, stop, routing, safety."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest

from nemo_widgets.api.sse import HeartbeatEvent, TextEvent, ToolCallEvent, ToolResultEvent
from nemo_widgets.widgets.chat import ChatCell

try:
    from .fakes import FakeReply, FakeSession
except ImportError:  # tests/widgets is not a package
    from fakes import FakeReply, FakeSession


def capture(w: ChatCell) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    w.send = lambda content, buffers=None: sent.append(content)  # type: ignore[method-assign]
    return sent


def from_browser(w: ChatCell, content: dict[str, Any]) -> None:
    """Deliver a custom message as if the front end had sent it."""
    w._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def assistant(w: ChatCell) -> dict[str, Any]:
    return [m for m in w.transcript if m["role"] == "assistant"][-1]


async def test_turn_streams_coalesced_deltas():
    words = [f"word{i} " for i in range(60)]

    async def script(emit):
        for word in words:
            await emit(TextEvent(word, partial=True))
            await asyncio.sleep(0.003)
        return FakeReply("".join(words))

    w = ChatCell(FakeSession(script), flush_interval_s=0.05)
    sent = capture(w)
    from_browser(w, {"id": "q1", "kind": "send", "text": "tell me a story"})
    assert w.busy
    await w.wait()

    deltas = [m for m in sent if m["kind"] == "delta"]
    # 60 chunks over ~0.2 s, flushed at most every 50 ms: a handful of messages, not 60.
    assert 2 <= len(deltas) <= 12
    assert "".join(d["text"] for d in deltas) == "".join(words)
    # offsets let the browser place each delta; they are contiguous
    pos = 0
    for d in deltas:
        assert d["offset"] == pos
        pos += len(d["text"])
    msg = assistant(w)
    assert msg["text"] == "".join(words) and msg["status"] == "done"
    assert [m["role"] for m in w.transcript] == ["user", "assistant"]
    assert not w.busy
    # deltas are custom messages only: the saved state has the final text, not the chunks
    state = w.get_state()
    assert state["transcript"][1]["text"] == "".join(words)
    assert not {k for k in state if not k.startswith("_")} - {
        "transcript",
        "busy",
        "still_working",
        "suggestions",
        "title",
        "error",
        "layout",
        "tabbable",
        "tooltip",
    }


async def test_tool_chips_are_recorded_in_the_transcript():
    async def script(emit):
        await emit(ToolCallEvent("edit_multitrack", {"op": "add_title", "text": "Hi"}, "c1"))
        await emit(ToolResultEvent("edit_multitrack", {"status": "ok"}, "c1"))
        await emit(TextEvent("Title added."))
        return FakeReply("Title added.")

    w = ChatCell(FakeSession(script))
    capture(w)
    w.ask("add a title 'Hi'")
    await w.wait()
    (chip,) = assistant(w)["tools"]
    assert chip["name"] == "edit_multitrack"
    assert '"add_title"' in chip["args"]
    assert chip["result"] == '{"status": "ok"}' and chip["status"] == "done"
    assert assistant(w)["text"] == "Title added."


async def test_heartbeat_only_silence_raises_still_working():
    async def script(emit):
        for _ in range(20):
            await emit(HeartbeatEvent())
            await asyncio.sleep(0.01)
        await emit(TextEvent("done"))
        return FakeReply("done")

    w = ChatCell(FakeSession(script), still_working_after_s=0.05)
    capture(w)
    seen: list[bool] = []
    w.observe(lambda change: seen.append(change["new"]), names="still_working")
    w.ask("generate a video of a city")
    await w.wait()
    assert True in seen, "heartbeats alone for longer than the threshold must raise the flag"
    assert w.still_working is False  # cleared once text arrived / the turn ended
    assert assistant(w)["text"] == "done"


async def test_text_keeps_still_working_off():
    async def script(emit):
        for i in range(10):
            await emit(TextEvent(f"{i} "))
            await asyncio.sleep(0.01)
        return FakeReply("")

    w = ChatCell(FakeSession(script), still_working_after_s=0.05)
    capture(w)
    seen: list[bool] = []
    w.observe(lambda change: seen.append(change["new"]), names="still_working")
    w.ask("count")
    await w.wait()
    assert True not in seen


async def test_stop_cancels_cleanly_and_the_session_stays_usable():
    started = asyncio.Event()

    async def slow(emit):
        await emit(TextEvent("Working on it"))
        started.set()
        while True:
            await emit(HeartbeatEvent())
            await asyncio.sleep(0.01)

    session = FakeSession(slow)
    w = ChatCell(session)
    capture(w)
    w.ask("generate a long video")
    await asyncio.wait_for(started.wait(), 2)
    assert w.busy
    from_browser(w, {"id": "q2", "kind": "stop"})
    await w.wait()
    msg = assistant(w)
    assert msg["status"] == "stopped"
    assert msg["text"].startswith("Working on it") and "stopped" in msg["text"]
    assert session.cancelled == 1  # the stream was closed inside achat
    assert not w.busy and w.error == ""

    async def quick(emit):
        await emit(TextEvent("Hello again"))
        return FakeReply("Hello again")

    session.script = quick
    w.ask("hi")
    await w.wait()
    assert assistant(w)["text"] == "Hello again"
    assert session.chats == ["generate a long video", "hi"]  # never re-sent


async def test_second_send_while_busy_is_refused_with_a_message():
    gate = asyncio.Event()

    async def script(emit):
        await gate.wait()
        return FakeReply("ok")

    session = FakeSession(script)
    w = ChatCell(session)
    sent = capture(w)
    w.ask("first")
    from_browser(w, {"id": "q3", "kind": "send", "text": "second"})
    assert "still running" in w.error
    # the browser's request is answered in the widgets' one dialect, with the reason
    answer = next(m for m in sent if m.get("id") == "q3")
    assert answer["kind"] == "send-response" and answer["ok"] is False
    assert "still running" in answer["error"]
    gate.set()
    await w.wait()
    assert session.chats == ["first"]


async def test_direct_routes_skip_the_agent_on_the_real_engine(engine, make_clip, tmp_path):
    """Export / credits / status / upload are answered by the session, not the agent."""
    from nemo_widgets.session import aconnect

    session = await aconnect(base_url=engine.url)
    try:
        await session.aupload(make_clip(tmp_path, seconds=2))
        before = (await session.acredits()).available
        w = ChatCell(session)
        capture(w)
        for message, expect in [
            ("how many credits do I have?", f"**{before}** available"),
            ("status", "Timeline (1 track)"),
            ("upload", "upload picker"),
            ("export 480p MP4", "Export started"),
        ]:
            w.ask(message)
            await w.wait()
            msg = assistant(w)
            assert expect in msg["text"] and msg["status"] == "done", (message, msg, w.error)
            assert msg["tools"] == []  # no agent turn, so no tool chips
        # nothing was charged: no agent turn ran
        assert (await session.acredits()).available == before
        job = session.render_jobs[-1]
        await job.await_(timeout=120)
        assert job.status == "completed" and job.output.get("resolution") == "480p"
    finally:
        await session.aclose()


async def test_gui_talk_becomes_a_working_export_button():
    async def script(emit):
        await emit(
            TextEvent(
                "Your video is ready! Click Export to download it. Preview it in the timeline."
            )
        )
        return FakeReply.from_backend(
            "Your video is ready! Click Export to download it. Preview it in the timeline."
        )

    session = FakeSession(script)
    w = ChatCell(session)
    capture(w)
    notified: list[str] = []
    w.on_action(lambda kind, msg: notified.append(kind))
    w.ask("make a city timelapse")
    await w.wait()
    msg = assistant(w)
    assert "click Export" not in msg["text"]
    kinds = [a["kind"] for a in msg["actions"]]
    assert kinds == ["export", "timeline"]

    from_browser(w, {"id": "q4", "kind": "action", "action": "export", "message": msg["id"]})
    await w.wait()
    assert session.exports == [{"quality": "high", "resolution": None}]
    assert "Export started" in assistant(w)["text"]
    from_browser(w, {"id": "q5", "kind": "action", "action": "timeline", "message": msg["id"]})
    await w.wait()
    assert assistant(w)["text"].startswith("Timeline (1 track)")
    assert notified == ["export", "timeline"]


async def test_edit_without_text_shows_the_draft_diff():
    async def script(emit):
        await emit(ToolCallEvent("edit_multitrack", {"op": "add_title"}))
        await emit(ToolResultEvent("edit_multitrack", {"ok": True}))
        return FakeReply("", changes=["Title added: 'Hello' (0-3s)"])

    w = ChatCell(FakeSession(script))
    capture(w)
    w.ask("add a title 'Hello' for 3 seconds")
    await w.wait()
    assert assistant(w)["text"] == "✅ Title added: 'Hello' (0-3s)"
    assert assistant(w)["tools"][0]["status"] == "done"


async def test_html_reply_is_stored_as_text_and_never_rendered_as_html():
    evil = "<img src=x onerror=alert(1)> **bold** [x](javascript:alert(1))"

    async def script(emit):
        await emit(TextEvent(evil))
        return FakeReply(evil)

    w = ChatCell(FakeSession(script))
    capture(w)
    w.ask("hi")
    await w.wait()
    assert assistant(w)["text"] == evil  # data, not markup: the front end uses textContent
    js = (Path(__file__).parents[2] / "nemo_widgets" / "static" / "chat.js").read_text()
    assert not re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", js)


async def test_errors_show_the_clients_message_and_the_cell_recovers():
    class Boom(Exception):
        pass

    async def script(emit):
        raise Boom("Out of credits: register or top up at nemovideo.com, then try again.")

    session = FakeSession(script)
    w = ChatCell(session)
    capture(w)
    w.ask("add captions")
    await w.wait()
    assert "Out of credits" in w.error
    assert assistant(w)["status"] == "error" and not w.busy
    session.script = None
    w.ask("hi")
    await w.wait()
    assert w.error == "" and assistant(w)["text"] == "ok"


def test_empty_message_is_refused():
    w = ChatCell(FakeSession())
    with pytest.raises(ValueError, match="Type a message"):
        w.ask("   ")


def test_suggestions_come_from_the_skill():
    w = ChatCell(FakeSession())
    assert "add captions in English" in w.suggestions
    assert w.title.startswith("NemoVideo")


# ------------------------------------------------------------------------ real engine
async def test_chat_turn_and_direct_status_on_the_real_engine(engine):
    from nemo_widgets.session import aconnect

    session = await aconnect(base_url=engine.url)
    try:
        w = ChatCell(session)
        sent = capture(w)
        from_browser(w, {"id": "q6", "kind": "send", "text": "add a title 'Hello' for 3 seconds"})
        await w.wait()
        msg = assistant(w)
        assert msg["status"] == "done", w.error
        assert "Hello" in msg["text"]
        assert [t["name"] for t in msg["tools"]] == ["edit_multitrack"]
        assert msg["tools"][0]["status"] == "done"
        assert any(d["kind"] == "delta" and "Hello" in d["text"] for d in sent)
        # the GUI talk of the engine became buttons
        assert {a["kind"] for a in msg["actions"]} & {"timeline", "export"}

        w.ask("status")
        await w.wait()
        status = assistant(w)
        assert status["route"] == "status" and '"Hello" (0-3s)' in status["text"]
    finally:
        await session.aclose()


def test_ask_outside_an_event_loop_says_what_to_use_instead():
    w = ChatCell(FakeSession())
    with pytest.raises(RuntimeError, match=r"session\.chat"):
        w.ask("hello")
    assert not w.busy
