"""What a skill's rows work with: the chat turn (:class:`Turn`), uploads (:class:`Media`).

A row's ``apply`` talks back only through :class:`Turn`, which turns its calls into
Google-ADK-style event dicts (the frames the cloud streams), so a row can be unit-tested with
a list as its ``emit``. Edits go through :mod:`..timeline` (:meth:`Turn.timeline`,
:meth:`Turn.commit`); a refusal is a :class:`AgentError`, the timeline's one error type.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import schema
from .. import timeline as tl

Emit = Callable[[dict[str, Any]], Awaitable[None]]

#: Seconds between heartbeats while a handler's blocking work runs (see :meth:`Turn.work`).
HEARTBEAT_S = 5.0


#: A request the agent understood but cannot carry out; the message is shown to the user.
AgentError = tl.TimelineError


@dataclass
class Media:
    """An uploaded file as the agent sees it (a row of ``state.video_infos`` plus its disk path)."""

    cdn_url: str
    path: Path
    filename: str
    file_type: str  # video | image | audio
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    has_audio: bool = False


@dataclass
class Turn:
    """One chat turn: the user's message, the session it acts on, and the stream back.

    ``state`` is the session state (``draft``, ``video_infos``, ...); the engine saves it
    when the turn ends. Change it by assigning new values to its keys: the values are shared
    with the stored state and its undo steps, so one is never edited in place (the dict of
    :attr:`draft` is the turn's own copy, for skills that edit the draft as a dict).
    """

    session_id: str
    message: str
    emit: Emit
    state: dict[str, Any]
    media: list[Media] = field(default_factory=list)
    data_dir: Path = Path(".")
    skill: str = "nemo-video"
    language: str = "en"
    history: tl.History = field(default_factory=tl.History)
    balance: int | None = None  # credits available when the turn started
    invocation_id: str = field(default_factory=lambda: f"e-{uuid.uuid4()}")
    said_text: bool = False
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _own_draft: Any = field(default=None, repr=False)

    # -- state helpers ------------------------------------------------------------------------
    @property
    def draft(self) -> dict[str, Any]:
        """The session's draft as a dict this turn may edit in place (its own deep copy, made
        once per turn: the stored draft is shared and never edited)."""
        self.settle()
        draft = self.state.get(schema.STATE_DRAFT)
        if draft is None or draft is not self._own_draft:
            draft = copy.deepcopy(draft) if isinstance(draft, dict) else {}
            self.state[schema.STATE_DRAFT] = self._own_draft = draft
        return draft

    def settle(self) -> None:
        """Write the draft model edits left in the state back as the draft dict.

        :meth:`commit` keeps the model itself in the state, so a message of many edits
        converts the draft to a dict once, not once per edit.
        """
        draft = self.state.get(schema.STATE_DRAFT)
        if isinstance(draft, tl.Draft):
            self.state[schema.STATE_DRAFT] = draft.to_dict()

    def checkpoint(self) -> None:
        """Kept for skills written before the runner recorded undo steps itself: a no-op.

        The runner records one undo step per turn, whatever the turn changed.
        """

    def timeline(self) -> tl.Draft:
        """The session's draft as the timeline model; built from the uploads when empty."""
        draft = tl.Draft.from_dict(self.state.get(schema.STATE_DRAFT))
        if not draft.has_footage and any(m.file_type in ("video", "image") for m in self.media):
            draft = tl.place_first_clip(draft, self.media)
        return draft

    async def commit(self, draft: tl.Draft, action: str, args: dict[str, Any]) -> None:
        """Announce the ``edit_multitrack`` tool call and put ``draft`` (and its canvas) in."""
        async with self.tool("edit_multitrack", {"action": action, **args}) as result:
            self.state[schema.STATE_DRAFT] = draft  # settled into a dict when the turn ends
            canvas = draft.canvas()
            if canvas:
                self.state[schema.STATE_CANVAS] = canvas
            result.update(
                {
                    "status": "success",
                    "action": action,
                    "duration_ms": draft.duration_ms,
                    "tracks": len(draft.tracks),
                }
            )

    def video(self) -> Media | None:
        """The main footage: the first uploaded video, if any."""
        return next((m for m in self.media if m.file_type == "video"), None)

    # -- the stream -----------------------------------------------------------------------------
    def _event(self, parts: list[dict[str, Any]], role: str = "model", **extra: Any) -> dict:
        return {
            "content": {"parts": parts, "role": role},
            "invocationId": self.invocation_id,
            "author": schema.APP_NAME,
            "actions": {"stateDelta": {}, "artifactDelta": {}, "requestedAuthConfigs": {}},
            "id": f"{self.invocation_id}-{next(self._ids)}",
            "timestamp": time.time(),
            **extra,
        }

    async def say(self, text: str, *, chunk_chars: int = 0) -> None:
        """Stream ``text`` to the user.

        With ``chunk_chars`` the text goes out as ADK ``partial`` frames followed by the final
        frame that repeats it whole (what an ADK server does); clients must not show it twice.
        """
        if not text:
            return
        self.said_text = True
        if chunk_chars > 0 and len(text) > chunk_chars:
            for i in range(0, len(text), chunk_chars):
                await self.emit(self._event([{"text": text[i : i + chunk_chars]}], partial=True))
        await self.emit(self._event([{"text": text}]))

    @asynccontextmanager
    async def tool(self, name: str, args: dict[str, Any] | None = None):
        """Announce a tool call; whatever is put in the yielded dict is sent as its result."""
        call_id = f"adk-{uuid.uuid4()}"
        await self.emit(
            self._event([{"functionCall": {"id": call_id, "name": name, "args": args or {}}}])
        )
        result: dict[str, Any] = {}
        try:
            yield result
        except Exception as exc:
            result = {"status": "error", "error": str(exc)}
            raise
        finally:
            await self.emit(
                self._event(
                    [{"functionResponse": {"id": call_id, "name": name, "response": result}}],
                    role="user",
                )
            )

    async def heartbeat(self) -> None:
        await self.emit({"type": "heartbeat"})

    async def work(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Run blocking ``fn`` in a thread, sending heartbeats until it returns.

        Recognition and ffmpeg take seconds to minutes; heartbeats keep the client's
        "Still working..." logic and proxies' idle timers happy meanwhile.
        """
        task = asyncio.ensure_future(asyncio.to_thread(fn, *args, **kwargs))
        while True:
            done, _ = await asyncio.wait({task}, timeout=HEARTBEAT_S)
            if done:
                return task.result()
            await self.heartbeat()
