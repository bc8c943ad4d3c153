"""A small stand-in for ``Session``: the widgets' ``SessionLike`` protocol, nothing more.

Used for pure widget-state tests (stream timing, cancellation); every widget also has a test
against the real engine, and ``test_protocol.py`` checks this double and ``Session`` against
the protocol.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from nemo_widgets.api.intents import translate_gui
from nemo_widgets.api.skills import load_skill


@dataclass
class FakeReply:
    """Like ``api.chat.Reply``: ``text`` with GUI talk already rewritten, and its actions."""

    text: str = ""
    changes: list[str] = field(default_factory=list)
    actions: frozenset[str] = frozenset()

    @classmethod
    def from_backend(cls, raw: str) -> FakeReply:
        translated = translate_gui(raw)
        return cls(translated.text, actions=translated.actions)


@dataclass
class FakeJob:
    id: str
    status: str = "pending"


@dataclass
class FakeCredits:
    available: int = 100


class FakeDraft:
    def __init__(self, text: str = "Timeline (1 track): 1. Video: clip (0-10s)") -> None:
        self._text = text

    def summary(self) -> str:
        return self._text


@dataclass
class FakeState:
    draft: FakeDraft


Script = Callable[[Callable[[Any], Awaitable[None]]], Awaitable[FakeReply]]


class FakeSession:
    """The widgets' :class:`~nemo_widgets.widgets._protocol.SessionLike`, scripted.

    ``achat`` plays a script: an async function that emits events and returns a reply.
    ``test_protocol.py`` checks this class and ``Session`` against the protocol.
    """

    backend = "engine"

    def __init__(self, script: Script | None = None) -> None:
        self.skill = load_skill("nemo-video")
        self.session_id = "1234567890123456789"
        self.script = script
        self.chats: list[str] = []
        self.exports: list[dict[str, Any]] = []
        self.cancelled = 0
        self.state_value: Any = FakeState(FakeDraft())
        self._uploads: list[Any] = []
        self._jobs: list[Any] = []
        self._observers: list[Callable[[str, Any], None]] = []

    @property
    def draft(self) -> Any:
        return getattr(self.state_value, "draft", self.state_value)

    @property
    def uploads(self) -> list[Any]:
        return list(self._uploads)

    @property
    def render_jobs(self) -> list[Any]:
        return list(self._jobs)

    async def achat(self, message: str, *, on_event: Any = None) -> FakeReply:
        self.chats.append(message)

        async def emit(event: Any) -> None:
            if on_event is not None:
                await on_event(event)

        try:
            return await self.script(emit) if self.script else FakeReply("ok")
        except asyncio.CancelledError:
            self.cancelled += 1
            raise

    async def aupload(self, *items: Any, on_progress: Any = None) -> list[Any]:
        raise NotImplementedError("this double does not upload; see test_upload.py")

    async def aexport(self, quality: str = "high", resolution: str | int | None = None) -> Any:
        self.exports.append({"quality": quality, "resolution": resolution})
        job = FakeJob(f"r{len(self.exports)}")
        self._jobs.append(job)
        self.emit("renders", job)
        return job

    async def acredits(self) -> FakeCredits:
        return FakeCredits(87)

    async def astate(self) -> Any:
        return self.state_value

    def state(self) -> Any:
        return self.state_value

    def observe(self, callback: Callable[[str, Any], None]) -> Callable[[], None]:
        self._observers.append(callback)
        return lambda: self._observers.remove(callback)

    def emit(self, kind: str, payload: Any) -> None:
        for cb in list(self._observers):
            cb(kind, payload)
