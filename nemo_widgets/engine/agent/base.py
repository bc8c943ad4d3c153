"""The agent's plug-in surface: a chat turn's context and the registry skill modules add intents to.

Each skill module (editing, captions, metadata, prompts) imports :func:`intent` and registers
handlers at import time; ``nemo_widgets.engine.agent`` imports them all and routes a message to
the best match. A handler talks back only through :class:`Turn`, which turns its calls into
Google-ADK-style event dicts (the frames the cloud streams), so a handler can be unit-tested
with a list as its ``emit``.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import schema

Emit = Callable[[dict[str, Any]], Awaitable[None]]
Handler = Callable[["Turn", "re.Match[str]"], Awaitable[None]]

#: Seconds between heartbeats while a handler's blocking work runs (see :meth:`Turn.work`).
HEARTBEAT_S = 5.0


class AgentError(Exception):
    """A request the agent understood but cannot carry out; the message is shown to the user."""


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

    ``state`` is the session state (``draft``, ``video_infos``, ...) and may be changed in
    place; the engine saves it when the turn ends. Call :meth:`checkpoint` before an edit so
    "undo" can restore the draft as it was.
    """

    session_id: str
    message: str
    emit: Emit
    state: dict[str, Any]
    media: list[Media] = field(default_factory=list)
    data_dir: Path = Path(".")
    skill: str = "nemo-video"
    language: str = "en"
    history: list[dict[str, Any]] = field(default_factory=list)  # earlier drafts, newest last
    invocation_id: str = field(default_factory=lambda: f"e-{uuid.uuid4()}")
    said_text: bool = False
    _ids: Iterator[int] = field(default_factory=itertools.count)

    # -- state helpers ------------------------------------------------------------------------
    @property
    def draft(self) -> dict[str, Any]:
        return self.state.setdefault(schema.STATE_DRAFT, {})

    def checkpoint(self) -> None:
        """Remember the current draft so that "undo" can bring it back."""
        self.history.append(copy.deepcopy(self.draft))

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


@dataclass(frozen=True)
class Intent:
    """A thing the agent can do, recognised by any of its patterns (English and Chinese)."""

    name: str
    patterns: tuple[re.Pattern[str], ...]
    handler: Handler
    cost: int = 0  # credits charged when the turn succeeds ("editing ~50 per session")
    priority: int = 0  # higher wins when several intents match
    skills: tuple[str, ...] = ()  # skills for which this intent wins ties
    help: str = ""  # one line for the "help" answer

    def match(self, message: str) -> re.Match[str] | None:
        for pattern in self.patterns:
            found = pattern.search(message)
            if found:
                return found
        return None


class IntentRegistry:
    """Intents in registration order; :meth:`route` picks the best one for a message."""

    def __init__(self) -> None:
        self.intents: list[Intent] = []

    def add(self, intent: Intent) -> None:
        self.intents = [i for i in self.intents if i.name != intent.name] + [intent]

    def route(self, message: str, skill: str = "") -> tuple[Intent, re.Match[str]] | None:
        best: tuple[tuple[int, int, int], Intent, re.Match[str]] | None = None
        for order, it in enumerate(self.intents):
            found = it.match(message)
            if not found:
                continue
            rank = (it.priority, int(skill in it.skills), -order)
            if best is None or rank > best[0]:
                best = (rank, it, found)
        return (best[1], best[2]) if best else None


REGISTRY = IntentRegistry()


def intent(
    name: str,
    *patterns: str,
    cost: int = 0,
    priority: int = 0,
    skills: tuple[str, ...] = (),
    help: str = "",
) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of an intent (case-insensitive regexes)."""

    def register(handler: Handler) -> Handler:
        compiled = tuple(re.compile(p, re.IGNORECASE) for p in patterns)
        REGISTRY.add(Intent(name, compiled, handler, cost, priority, skills, help))
        return handler

    return register
