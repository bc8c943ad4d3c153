"""One chat turn on ``/run_sse``: collect the reply, recover silent edits and dropped streams.

Rules from the contract (§3.3): the end of a reply is the connection closing; a message is
never re-sent; a trailing "I encountered a temporary issue" after a normal reply is dropped;
when a stream carries no text (about 30 % of edits) the state is read and the change reported;
when the stream drops, the state is polled (30 s, then 60 s, up to 5 checks) instead.

This module knows nothing about drafts: the caller passes ``snapshot`` (read the state) and
``describe`` (what changed between two snapshots), so the protocol layer stays pure.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import aclosing
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import errors as E
from .intents import translate_gui
from .sse import ErrorEvent, Event, HeartbeatEvent, TextEvent, ToolCallEvent, ToolResultEvent

log = logging.getLogger("nemo_widgets.api")

T = TypeVar("T")
TEMPORARY_ISSUE = "I encountered a temporary issue"
RECOVERY_DELAYS_S: tuple[float, ...] = (30.0, 60.0, 60.0, 60.0, 60.0)
MAX_TURN_S = 15 * 60.0
HEARTBEAT_ONLY_S = 10 * 60.0


@dataclass
class Reply:
    """What the assistant answered to one message.

    Attributes
    ----------
    text : str
        The reply text, with GUI talk ("click Export") rewritten for a notebook.
    events : list
        Every typed stream event, in order.
    tool_calls, tool_results : list
        The tool events alone.
    changes : list of str
        What changed in the draft, when the reply had no text or the stream dropped.
    errors : list of str
        Errors the agent reported in the stream.
    actions : frozenset of str
        What the text pointed at: ``{"export", "state", "timeline"}``.
    dropped : bool
        True when the stream broke off and the result came from polling the state.
    route : str
        Where the message went: ``"chat"`` (the agent), or ``"export"``, ``"credits"``,
        ``"status"``, ``"upload"`` when it was answered directly (the seeds' routing table).
    render : RenderJob or None
        The export a routed "export" message started.
    """

    text: str = ""
    events: list[Event] = field(default_factory=list, repr=False)
    tool_calls: list[ToolCallEvent] = field(default_factory=list, repr=False)
    tool_results: list[ToolResultEvent] = field(default_factory=list, repr=False)
    changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    actions: frozenset[str] = frozenset()
    dropped: bool = False
    route: str = "chat"
    render: Any = field(default=None, repr=False)
    raw_text: str = field(default="", repr=False)
    _streamed: bool = field(default=False, repr=False, compare=False)

    def __str__(self) -> str:
        parts = [self.text] if self.text else []
        if self.changes:
            parts.append("\n".join(f"✅ {c}" for c in self.changes))
        if self.errors and not self.text:
            parts.append("\n".join(f"⚠️ {e}" for e in self.errors))
        return "\n".join(parts) or "(no reply and no change to the timeline)"

    def _repr_markdown_(self) -> str:
        return str(self)

    def _ipython_display_(self) -> None:
        # A sync ``s.chat`` in a notebook already streamed this reply into the cell: showing
        # it again as the cell's result would print it twice. Later displays show it.
        if self._streamed:
            self._streamed = False
            return
        from IPython.display import Markdown, display

        display(Markdown(str(self)))


async def _call(callback: Callable[[Any], Any] | None, value: Any) -> None:
    if callback is None:
        return
    result = callback(value)
    if inspect.isawaitable(result):
        await result


class _HoldBack:
    """Holds text that may be the trailing "temporary issue" notice until it is known."""

    def __init__(self) -> None:
        self.had_text = False
        self.held: list[TextEvent] = []

    def _could_be_notice(self, extra: str) -> bool:
        held = ("".join(e.text for e in self.held) + extra).lstrip()
        return TEMPORARY_ISSUE.startswith(held) or held.startswith(TEMPORARY_ISSUE)

    def offer(self, ev: TextEvent) -> list[TextEvent]:
        """Events to release now (possibly none while a notice may be forming)."""
        starts_notice = self.held or ev.text.lstrip()[:1] == TEMPORARY_ISSUE[0]
        # Only after a normal reply, and only while it still reads like the notice.
        if self.had_text and starts_notice and self._could_be_notice(ev.text):
            self.held.append(ev)
            return []
        out = [*self.held, ev]
        self.held.clear()
        self.had_text = self.had_text or bool(ev.text.strip())
        return out

    def flush(self) -> list[TextEvent]:
        out, self.held = self.held, []
        return out

    def end(self) -> list[TextEvent]:
        """At stream end: a held notice after a normal reply is dropped."""
        held = "".join(e.text for e in self.held).strip()
        if held.startswith(TEMPORARY_ISSUE) or TEMPORARY_ISSUE.startswith(held):
            if held:
                log.debug("nemo: dropped a trailing temporary-issue notice")
            self.held.clear()
            return []
        return self.flush()


async def run_turn(
    events: AsyncIterator[Event],
    *,
    on_event: Callable[[Event], Any] | None = None,
    snapshot: Callable[[], Awaitable[T]] | None = None,
    before: T | None = None,
    describe: Callable[[T, T], list[str]] | None = None,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    recovery_delays_s: Sequence[float] = RECOVERY_DELAYS_S,
    max_turn_s: float = MAX_TURN_S,
    heartbeat_only_s: float = HEARTBEAT_ONLY_S,
    clock: Callable[[], float] = time.monotonic,
    reachable: Callable[[], Awaitable[Any]] | None = None,
) -> Reply:
    """Consume one reply stream into a :class:`Reply` (see the module docstring for rules).

    ``events`` is the async iterator from :meth:`NemoClient.stream_chat`; it is closed when
    this coroutine is cancelled, so cancelling a turn closes the connection and re-sends
    nothing. ``reachable`` (e.g. :meth:`NemoClient.aping`) is awaited right after a drop:
    when the server is gone it raises :class:`ServerUnreachableError` at once, instead of
    minutes of checks that cannot succeed.
    """
    reply = Reply()
    texts: list[str] = []
    hold = _HoldBack()
    start = last_activity = clock()
    stopped_early = False

    async def emit(ev: Event) -> None:
        reply.events.append(ev)
        if isinstance(ev, TextEvent):
            texts.append(ev.text)
        elif isinstance(ev, ToolCallEvent):
            reply.tool_calls.append(ev)
        elif isinstance(ev, ToolResultEvent):
            reply.tool_results.append(ev)
        elif isinstance(ev, ErrorEvent):
            reply.errors.append(ev.message)
        await _call(on_event, ev)

    dropped: E.StreamDroppedError | None = None
    try:
        async with aclosing(events) as stream:  # type: ignore[type-var]
            async for ev in stream:
                now = clock()
                if isinstance(ev, TextEvent):
                    for out in hold.offer(ev):
                        await emit(out)
                else:
                    if not isinstance(ev, HeartbeatEvent):
                        for out in hold.flush():
                            await emit(out)
                    await emit(ev)
                if not isinstance(ev, HeartbeatEvent):
                    last_activity = now
                if now - start > max_turn_s or now - last_activity > heartbeat_only_s:
                    stopped_early = True
                    reply.errors.append(
                        "Stopped waiting for the reply after "
                        f"{(now - start) / 60:.0f} min; the work may still finish. "
                        "Check `s.state()` later (the message was not re-sent)."
                    )
                    break
    except E.StreamDroppedError as exc:
        dropped = exc
    for out in hold.end() if dropped is None else hold.flush():
        await emit(out)

    reply.raw_text = "".join(texts).strip()
    translated = translate_gui(reply.raw_text)
    reply.text, reply.actions = translated.text, translated.actions

    if snapshot is None or describe is None:
        if dropped is not None:
            raise dropped
        return reply
    if dropped is not None:
        reply.dropped = True
        if reachable is not None:
            await reachable()
        log.info("nemo: reply stream dropped; polling the state instead of re-sending")
        for delay in recovery_delays_s:
            await sleep(delay)
            try:
                after = await snapshot()
            except E.ServerUnreachableError:
                raise  # nothing listens: the next checks would be refused as well
            except E.NemoError as exc:
                if not (exc.status is None or exc.status in (408, 429) or exc.status >= 500):
                    raise
                continue
            changes = describe(before, after) if before is not None else []
            if changes:
                reply.changes = changes
                return reply
        raise E.StreamDroppedError(
            f"The connection to the assistant dropped and, after {len(recovery_delays_s)} "
            "checks, the timeline had not changed. The message was not re-sent (to avoid "
            "paying twice): check `s.state()` and send it again if nothing happened."
        ) from dropped
    if not reply.raw_text or stopped_early:
        after = await snapshot()
        reply.changes = describe(before, after) if before is not None else []
    return reply
