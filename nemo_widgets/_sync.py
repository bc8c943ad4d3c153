"""Run the async API from plain (sync) calls, in a script or inside a running notebook loop.

Outside a loop, coroutines run on one private loop per thread (kept, so httpx connection pools
stay usable between calls). Inside a running loop (a Jupyter cell), ``nest_asyncio2`` is applied
to that loop on first use and the coroutine runs on it; top-level ``await s.achat(...)`` needs
none of this and stays the primary path. Ctrl-C / "interrupt kernel" cancels the task cleanly
(closing a chat stream without re-sending anything) and re-raises KeyboardInterrupt.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")
_local = threading.local()
_patched: set[int] = set()


def _private_loop() -> asyncio.AbstractEventLoop:
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
    return loop


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run ``coro`` to completion from sync code and return its result."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is None:
        loop = _private_loop()
    elif id(loop) not in _patched:
        import nest_asyncio2

        nest_asyncio2.apply(loop)
        _patched.add(id(loop))
    task = loop.create_task(coro)
    try:
        return loop.run_until_complete(task)
    except KeyboardInterrupt:
        task.cancel()
        with contextlib.suppress(BaseException):
            loop.run_until_complete(task)
        raise
