"""Background work for widgets: comm handlers start tasks, errors land under the widget.

Comm handlers must never block (the kernel does not read browser messages while a handler
runs), so each request becomes a task on the kernel's running loop. Tasks are kept in a set
until done (asyncio only keeps weak references), and an exception is shown in the widget's
error panel with the client's actionable message instead of vanishing in the kernel log.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any


class TaskGroup:
    """Tasks started on behalf of one widget, with errors reported to ``on_error``."""

    def __init__(self, on_error: Callable[[BaseException], None]) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._on_error = on_error

    def start(self, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._done)
        return task

    def _done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self._on_error(exc)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def wait(self) -> None:
        """Await every running task (tests use this instead of sleeping)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)


def error_text(exc: BaseException) -> str:
    """The message a user should read: the client's actionable text, never a token."""
    name = type(exc).__name__
    text = str(exc) or name
    return text if name in text or "Error" not in name else f"{name}: {text}"


class Replies:
    """Answers to the front end's ``{"id", "kind"}`` requests, as ``<kind>-response`` messages.

    Mixed into an anywidget with an ``error`` trait. A failed request is answered with
    ``ok=False`` and the message; a failed task also shows the message under the widget.
    """

    error: Any
    send: Callable[..., None]  # ipywidgets.Widget.send, later in the MRO

    def _send_reply(
        self, content: dict[str, Any], buffers: list[Any] | None = None, **body: Any
    ) -> None:
        reply = {"id": content.get("id"), "kind": f"{content['kind']}-response", **body}
        self.send(reply, buffers=buffers)

    def _reply(self, content: dict[str, Any], fn: Callable[[], dict[str, Any]]) -> None:
        """Answer inline with ``fn()`` (for quick local work, no task switch)."""
        try:
            result = fn()
        except Exception as exc:
            self._send_reply(content, ok=False, error=error_text(exc))
            return
        self._send_reply(content, ok=True, **result)

    async def _areply(self, content: dict[str, Any], coro: Any) -> None:
        """Answer with what ``coro`` returns (run it as a task: see :class:`TaskGroup`)."""
        try:
            result = await coro
        except asyncio.CancelledError:
            self._send_reply(content, ok=False, error="cancelled")
            raise
        except Exception as exc:
            message = error_text(exc)
            self.error = message
            self._send_reply(content, ok=False, error=message)
            return
        self._send_reply(content, ok=True, **(result or {}))
