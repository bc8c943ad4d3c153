"""The streaming chat cell: talk to the editing agent from a notebook, one turn at a time.

A turn is a task on the kernel's loop (comm handlers never block). Text arrives as
``TextEvent`` chunks; they are buffered and flushed to the browser as custom ``delta``
messages at most every ``flush_interval_s`` (one comm message per token would flood the
websocket), while the durable transcript trait is written only when something structural
happens (a tool call, the end of the turn). A saved notebook therefore shows the whole
conversation, and the streamed deltas are never saved.

Every message goes to the session once (``Session.achat``): the session answers the seeds'
direct actions itself (export / credits / status / upload, see
:func:`nemo_widgets.api.intents.route`) and says so in ``Reply.route``; everything else is
the agent's. Replies are rewritten by
:func:`nemo_widgets.api.intents.translate_gui`: the backend's "click Export" becomes an Export
button that starts a render.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import anywidget
import traitlets

from .. import schema
from ..api.intents import export_options, translate_gui
from ..api.sse import ErrorEvent, HeartbeatEvent, TextEvent, ToolCallEvent, ToolResultEvent
from ._protocol import SessionLike
from ._static import STATIC, widget_css
from ._tasks import Replies, TaskGroup, error_text

#: Longest args/result text kept on a tool chip (the transcript is saved in the notebook).
CHIP_CHARS = 1500

#: Labels of the buttons the GUI translation offers, by action.
ACTION_LABELS = {"export": "Export", "timeline": "Preview timeline", "state": "Show state"}


def _short_json(value: Any) -> str:
    """Compact JSON for a tool chip, cut to :data:`CHIP_CHARS`."""
    if value is None:
        return ""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= CHIP_CHARS else text[: CHIP_CHARS - 1] + "…"


def _new_id() -> str:
    return uuid.uuid4().hex[:12]


class ChatCell(Replies, anywidget.AnyWidget):
    """A streaming chat with the editing agent of a :class:`~nemo_widgets.Session`.

    Parameters
    ----------
    session : Session
        The session the turns go to (``session.achat``, ``aexport``, ``acredits``, ``astate``).
    flush_interval_s : float
        Longest time streamed text waits in the kernel before it is sent to the browser;
        chunks arriving meanwhile go out as one message.
    still_working_after_s : float
        Seconds without text or tool events (heartbeats only) after which the cell shows
        "⏳ Still working…" (the seeds say 2 minutes).

    Examples
    --------
    >>> chat = ChatCell(session)        # doctest: +SKIP
    >>> chat                            # type, press Enter; Shift+Enter for a new line
    """

    _esm = STATIC / "chat.js"
    _css = widget_css("chat.css")

    transcript = traitlets.List(traitlets.Dict()).tag(sync=True)
    """Messages: ``{"id", "role", "text", "status", "tools", "actions", "route"}`` (saved)."""

    busy = traitlets.Bool(False).tag(sync=True)
    """A turn is running: the send button is disabled and the stop button shown."""

    still_working = traitlets.Bool(False).tag(sync=True)
    """Only heartbeats for ``still_working_after_s``: the "Still working…" indicator is on."""

    suggestions = traitlets.List(traitlets.Unicode()).tag(sync=True)
    """The skill's "try saying" prompts, offered as one-click chips."""

    title = traitlets.Unicode("").tag(sync=True)
    """Heading of the cell (the skill's title)."""

    error = traitlets.Unicode("").tag(sync=True)
    """The last error, with the client's actionable message; shown under the widget."""

    def __init__(
        self,
        session: SessionLike,
        *,
        flush_interval_s: float = 0.075,
        still_working_after_s: float = 120.0,
        **kwargs: Any,
    ) -> None:
        skill = session.skill
        kwargs.setdefault("title", skill.title or "NemoVideo chat")  # "" hides the title bar
        kwargs.setdefault("suggestions", list(skill.try_saying or ()))
        super().__init__(**kwargs)
        self._session = session
        self._flush_interval_s = float(flush_interval_s)
        self._still_working_after_s = float(still_working_after_s)
        self._tasks = TaskGroup(self._show_error)
        self._turn: asyncio.Task[Any] | None = None
        # Streaming state of the running turn (only one turn runs at a time).
        self._live_id: str | None = None
        self._live_text = ""  # everything streamed so far in this turn
        self._sent_chars = 0  # how much of it the browser has been sent
        self._flush_handle: asyncio.TimerHandle | None = None
        self._last_flush = 0.0
        self._last_activity = 0.0
        self._action_listeners: list[Callable[[str, dict[str, Any]], Any]] = []
        self.on_msg(self._on_custom)

    # -- public surface --------------------------------------------------------------------
    def ask(self, message: str) -> asyncio.Task[Any]:
        """Start a turn, as if ``message`` was typed and sent; returns the turn's task.

        Raises
        ------
        RuntimeError
            When a turn is already running (press stop or await it first).
        """
        message = message.strip()
        if not message:
            raise ValueError("Type a message first, e.g. 'add captions in English'.")
        if self.busy:
            raise RuntimeError("A turn is still running: wait for it or press stop first.")
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            raise RuntimeError(
                "ChatCell.ask needs a running event loop (a notebook kernel); in a script "
                "use session.chat(...) instead."
            ) from None
        self.busy = True  # set before the task starts so a double Enter cannot send twice
        self._turn = self._tasks.start(self._run_turn(message))
        # A turn cancelled before it ever ran must not leave the cell disabled.
        self._turn.add_done_callback(lambda _task: setattr(self, "busy", False))
        return self._turn

    def stop(self) -> None:
        """Cancel the running turn; the stream is closed, the message is never re-sent."""
        if self._turn is not None and not self._turn.done():
            self._turn.cancel()

    def act(self, kind: str) -> asyncio.Task[Any]:
        """Run one of the translated GUI actions (``"export"``, ``"timeline"``, ``"state"``)."""
        if kind not in ACTION_LABELS:
            raise ValueError(f"Unknown action {kind!r}: use one of {', '.join(ACTION_LABELS)}.")
        return self._tasks.start(self._run_action(kind))

    def on_action(self, callback: Callable[[str, dict[str, Any]], Any]) -> None:
        """Call ``callback(kind, message)`` after an action or a direct route ran.

        The studio uses this to show the timeline or refresh the renders table.
        """
        self._action_listeners.append(callback)

    def clear(self) -> None:
        """Forget the transcript (the session and its draft are unchanged)."""
        self.transcript = []
        self.error = ""

    async def wait(self) -> None:
        """Await the running turn and actions (tests and scripts use this)."""
        await self._tasks.wait()

    # -- browser messages ------------------------------------------------------------------
    def _on_custom(self, _widget: Any, content: Any, _buffers: Any) -> None:
        # The widgets' one dialect: {"id", "kind", ...} answered by "<kind>-response".
        if not isinstance(content, dict) or "kind" not in content:
            return
        kind = str(content["kind"])
        handler = _HANDLERS.get(kind)
        if handler is None:
            return

        def run() -> dict[str, Any]:
            try:
                return handler(self, content)
            except (ValueError, RuntimeError) as exc:
                self._show_error(exc)  # shown under the chat too, not only in the reply
                raise

        self._reply(content, run)

    def _send_msg(self, content: dict[str, Any]) -> dict[str, Any]:
        self.ask(str(content.get("text", "")))
        return {}

    def _stop_msg(self, _content: dict[str, Any]) -> dict[str, Any]:
        self.stop()
        return {}

    def _action_msg(self, content: dict[str, Any]) -> dict[str, Any]:
        self.act(str(content.get("action", "")))
        return {}

    def _show_error(self, exc: BaseException) -> None:
        self.error = error_text(exc)

    # -- transcript helpers ----------------------------------------------------------------
    def _append(self, *messages: dict[str, Any]) -> None:
        self.transcript = [*self.transcript, *messages]

    def _update(self, message_id: str, **changes: Any) -> dict[str, Any]:
        # A new list (and a new dict) so that traitlets sees the change and syncs it.
        updated: dict[str, Any] = {}
        rows = []
        for row in self.transcript:
            if row.get("id") == message_id:
                row = {**row, **changes}
                updated = row
            rows.append(row)
        self.transcript = rows
        return updated

    def _message(self, message_id: str) -> dict[str, Any]:
        return next((m for m in self.transcript if m.get("id") == message_id), {})

    @staticmethod
    def _assistant(route_name: str, text: str = "", status: str = "streaming") -> dict[str, Any]:
        return {
            "id": _new_id(),
            "role": "assistant",
            "text": text,
            "status": status,
            "tools": [],
            "actions": [],
            "route": route_name,
        }

    # -- streaming -------------------------------------------------------------------------
    def _stream_text(self, text: str) -> None:
        """Buffer a chunk; flush now if the last flush is old enough, else schedule one."""
        if not text:
            return
        self._live_text += text
        if self._flush_handle is not None:
            return
        wait = self._last_flush + self._flush_interval_s - time.monotonic()
        if wait <= 0:
            self._flush()  # first chunk after a pause goes out at once (perceived latency)
        else:
            loop = asyncio.get_running_loop()
            self._flush_handle = loop.call_later(wait, self._flush)

    def _flush(self) -> None:
        if self._flush_handle is not None:
            self._flush_handle.cancel()
            self._flush_handle = None
        if self._live_id is None or self._sent_chars >= len(self._live_text):
            return
        chunk = self._live_text[self._sent_chars :]
        # ``offset`` lets the browser drop a repeat and keep whichever text is longer when
        # the transcript trait and the deltas cross.
        self.send(
            {"kind": "delta", "message": self._live_id, "offset": self._sent_chars, "text": chunk}
        )
        self._sent_chars = len(self._live_text)
        self._last_flush = time.monotonic()

    async def _watch_silence(self) -> None:
        """Raise ``still_working`` after ``still_working_after_s`` without content events."""
        step = min(1.0, max(0.01, self._still_working_after_s / 4))
        while True:
            await asyncio.sleep(step)
            silent = time.monotonic() - self._last_activity
            if silent >= self._still_working_after_s and not self.still_working:
                self.still_working = True

    async def _on_event(self, event: Any) -> None:
        if isinstance(event, HeartbeatEvent):
            return  # the server is alive, but nothing to show: silence keeps counting
        self._last_activity = time.monotonic()
        if self.still_working:
            self.still_working = False
        if isinstance(event, TextEvent):
            self._stream_text(event.text)
        elif isinstance(event, ToolCallEvent):
            self._tool_chip(
                {
                    "id": event.id or _new_id(),
                    "name": event.name or "tool",
                    "args": _short_json(event.args),
                    "result": "",
                    "status": "running",
                }
            )
        elif isinstance(event, ToolResultEvent):
            self._tool_result(event)
        elif isinstance(event, ErrorEvent):
            self.error = event.message

    def _commit_live(self, **changes: Any) -> dict[str, Any]:
        """Write the streamed text into the transcript (with ``changes``)."""
        self._flush()
        assert self._live_id is not None
        return self._update(self._live_id, text=self._live_text, **changes)

    def _tool_chip(self, chip: dict[str, Any]) -> None:
        msg = self._message(self._live_id or "")
        self._commit_live(tools=[*msg.get("tools", []), chip])

    def _tool_result(self, event: Any) -> None:
        msg = self._message(self._live_id or "")
        tools = [dict(t) for t in msg.get("tools", [])]
        # Match by call id; fall back to the last running call of that name (typed frames
        # carry no ids).
        match = next((t for t in tools if event.id and t["id"] == event.id), None)
        if match is None:
            match = next(
                (t for t in reversed(tools) if t["name"] == event.name and t["status"] != "done"),
                None,
            )
        if match is None:
            match = {"id": event.id or _new_id(), "name": event.name or "tool", "args": ""}
            tools.append(match)
        match["result"] = _short_json(event.result)
        match["status"] = "done"
        self._commit_live(tools=tools)

    # -- turns -----------------------------------------------------------------------------
    async def _run_turn(self, message: str) -> None:
        user = {"id": _new_id(), "role": "user", "text": message, "status": "done"}
        reply = self._assistant("chat")
        self._append(user, reply)
        self.error = ""
        self.busy = True
        self.still_working = False
        self._live_id, self._live_text, self._sent_chars = reply["id"], "", 0
        self._last_activity = time.monotonic()
        watchdog = asyncio.get_running_loop().create_task(self._watch_silence())
        try:
            result = await self._session.achat(message, on_event=self._on_event)
            where = str(getattr(result, "route", "chat") or "chat")
            if where == "chat":
                self._show_reply(result)
            else:
                text, actions = self._direct(where, result)
                self._update(reply["id"], route=where)
                self._stream_text(text)
                self._commit_live(status="done", actions=actions)
                self._notify(where, self._message(reply["id"]))
        except asyncio.CancelledError:
            # Stopped by the user: the session closed the stream; nothing is re-sent.
            note = "\n\n_(stopped)_" if self._live_text else "_(stopped before a reply)_"
            self._live_text += note
            self._commit_live(status="stopped")
        except Exception as exc:
            self.error = error_text(exc)
            if not self._live_text.strip():
                self._live_text = "⚠ This did not work: see the message under the chat."
            self._commit_live(status="error")
        finally:
            watchdog.cancel()
            self._flush()
            self._live_id = None
            self.still_working = False
            self.busy = False

    def _show_reply(self, result: Any) -> None:
        """The agent's reply in the transcript (GUI talk translated, or the draft's changes)."""
        final = getattr(result, "text", None) or ""
        if not final.strip():
            final = ""
        reply_actions = getattr(result, "actions", None)
        if final and reply_actions is not None:
            # The client already rewrote the GUI talk (translating twice would nest hints).
            text, kinds = final, set(reply_actions)
        elif final or self._live_text.strip():
            translated = translate_gui(final or self._live_text)
            text, kinds = translated.text, set(translated.actions)
        else:
            text, kinds = self._changes_text(result), set()
        actions = [
            {"kind": kind, "label": ACTION_LABELS[kind]}
            for kind in ("export", "timeline", "state")
            if kind in kinds
        ]
        self._flush()
        self._live_text = text
        self._commit_live(status="done", actions=actions)

    @staticmethod
    def _changes_text(result: Any) -> str:
        """The draft-diff summary shown when an edit came back without any text."""
        changes = getattr(result, "changes", None)
        if isinstance(changes, (list, tuple)):
            lines = [str(c) for c in changes if str(c).strip()]
        elif changes:
            lines = [str(changes)]
        else:
            lines = []
        if not lines:
            return "The agent finished without a reply and the timeline did not change."
        if len(lines) == 1:
            return f"✅ {lines[0]}"
        return "✅ Updated the timeline:\n" + "\n".join(f"- {line}" for line in lines)

    @staticmethod
    def _direct(where: str, reply: Any) -> tuple[str, list[dict[str, Any]]]:
        """Export / credits / status / upload: what the session answered without the agent."""
        kinds = set(getattr(reply, "actions", ()) or ())
        if where == "upload":
            text = (
                "Use the upload picker (the **Upload** panel of the studio, or "
                "`s.upload_picker()`), or run `s.upload('clip.mp4')` in a cell. "
                f"Accepted: {schema.SUPPORTED_FORMATS_TEXT}; up to 500 MB per file."
            )
        else:
            text = reply.text
        actions = [
            {"kind": kind, "label": ACTION_LABELS[kind]}
            for kind in ("export", "timeline", "state")
            if kind in kinds
        ]
        return text, actions

    async def _export(self, message: str = "") -> str:
        job = await self._session.aexport(**export_options(message))
        status = getattr(job, "status", "") or "pending"
        return (
            f"Export started: render `{job.id}` ({status}). Follow it in the renders table "
            "(`s.renders_table()`, part of the studio), with a preview once it is done."
        )

    @staticmethod
    def _summary(state: Any) -> str:
        draft = getattr(state, "draft", state)
        summary = draft.summary() if hasattr(draft, "summary") else str(draft)
        return summary or "The timeline is empty: upload a clip or ask for an edit."

    async def _run_action(self, kind: str) -> None:
        reply = self._assistant("action:" + kind)
        self._append(reply)
        try:
            if kind == "export":
                text = await self._export()
            else:
                text = self._summary(await self._session.astate())
            reply = self._update(reply["id"], text=text, status="done")
        except Exception as exc:
            self.error = error_text(exc)
            reply = self._update(
                reply["id"],
                text=f"⚠ {ACTION_LABELS[kind]} did not work: see the message under the chat.",
                status="error",
            )
        self._notify(kind, reply)

    def _notify(self, kind: str, message: dict[str, Any]) -> None:
        for callback in list(self._action_listeners):
            try:
                callback(kind, message)
            except Exception as exc:  # a listener must not break the chat
                self._show_error(exc)


_HANDLERS: dict[str, Callable[[ChatCell, dict[str, Any]], dict[str, Any]]] = {
    "send": ChatCell._send_msg,
    "stop": ChatCell._stop_msg,
    "action": ChatCell._action_msg,
}
