"""Render (export) protocol: unique ids, every poll shape, back-off polling with transient retry.

Poll shapes (contract §6.2), all accepted: ``{"success", "data": {"status", "outputUrl"}}``,
top-level ``status`` + ``output.url``, the old ``{"taskId", "status", "output": {...}}`` and the
engine's superset. Polling starts at 2 s, grows ×1.5 up to 15 s (the pace of the vendor's
CLI), and gives up after a total time-out measured on the wall clock; network errors, 408,
429 and 5xx are retried on the same id (the job keeps running on the server), other errors
are not. A server that holds polls (the engine's ``X-Nemo-Long-Poll`` extension) is asked
to answer as soon as the job changes, so completion is noticed at once, with no sleeping.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from .. import schema
from . import errors as E

FIRST_DELAY_S = 2.0
BACKOFF = 1.5
MAX_DELAY_S = 15.0
DEFAULT_TIMEOUT_S = 5 * 60.0
MAX_TRANSIENT_ERRORS = 10


def new_render_id() -> str:
    """A unique client-side render id: ``render_<ms>_<random>``."""
    return f"render_{int(time.time() * 1000)}_{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class RenderStatus:
    """One poll answer, normalised."""

    id: str | None
    status: str
    progress: float
    url: str | None = None
    error: str | None = None
    created_at: float | None = None  # epoch seconds
    finished_at: float | None = None
    size_bytes: int | None = None
    duration_s: float | None = None
    #: the server sent an output URL that is not http(s) (e.g. ``javascript:``): it was dropped
    refused_url: bool = False

    @property
    def done(self) -> bool:
        return self.status in schema.RENDER_TERMINAL


def _first(*values: Any) -> Any:
    for v in values:
        if v not in (None, ""):
            return v
    return None


def _epoch(v: Any) -> float | None:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return v / 1000 if v > 1e11 else float(v)
    if isinstance(v, str):
        from .auth import parse_expiry

        return parse_expiry(v)
    return None


def safe_output_url(value: Any) -> str | None:
    """``value`` when it is an absolute http(s) URL, else None: a render URL becomes a link."""
    from urllib.parse import urlsplit

    text = str(value or "").strip()
    if not text or any(ord(c) < 0x21 for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def parse_status(body: Any) -> RenderStatus:
    """Normalise any documented poll (or submit) body."""
    top = body if isinstance(body, dict) else {}
    data = top.get("data") if isinstance(top.get("data"), dict) else {}
    out_top = top.get("output") if isinstance(top.get("output"), dict) else {}
    out_data = data.get("output") if isinstance(data.get("output"), dict) else {}
    status = str(_first(data.get("status"), top.get("status")) or schema.RENDER_PENDING).lower()
    if status in ("succeeded", "success", "done", "finished", "complete"):
        status = schema.RENDER_COMPLETED
    elif status in ("error", "failure"):
        status = schema.RENDER_FAILED
    elif status in ("canceled",):
        status = schema.RENDER_CANCELLED
    elif status in ("queued", "submitted", "waiting"):
        status = schema.RENDER_PENDING
    elif status in ("running", "rendering", "in_progress"):
        status = schema.RENDER_PROCESSING
    url = _first(
        data.get("outputUrl"),
        top.get("outputUrl"),
        out_data.get("url"),
        out_top.get("url"),
        data.get("url"),
    )
    safe = safe_output_url(url) if url is not None else None
    refused = url is not None and safe is None
    url = safe
    err = _first(data.get("error"), top.get("error") if top.get("success") is not True else None)
    if isinstance(err, dict):
        err = err.get("message") or str(err)
    progress = _first(data.get("progress"), top.get("progress"))
    try:
        prog = float(progress) if progress is not None else None
    except (TypeError, ValueError):
        prog = None
    if prog is None:
        prog = 100.0 if status == schema.RENDER_COMPLETED else 0.0
    return RenderStatus(
        id=_first(data.get("id"), top.get("id"), top.get("taskId"), top.get("render_id")),
        status=status,
        progress=max(0.0, min(100.0, prog)),
        url=url,
        error=str(err) if err else None,
        created_at=_epoch(_first(data.get("createdAt"), top.get("createdAt"))),
        finished_at=_epoch(_first(data.get("completedAt"), top.get("completedAt"))),
        size_bytes=_first(out_data.get("size"), out_top.get("size"), data.get("size")),
        duration_s=_first(out_data.get("duration"), out_top.get("duration")),
        refused_url=refused,
    )


def is_transient(exc: BaseException) -> bool:
    """Network trouble, 408, 429 or 5xx: worth polling the same id again."""
    if isinstance(exc, E.StreamDroppedError):
        return True
    if isinstance(exc, E.NemoError):
        status = exc.status
        if status is None:
            return exc.code is None  # a transport error wrapped by the client
        return status in (408, 429) or status >= 500
    return False


#: A held poll that came back this fast with nothing new is not held: pause before the next.
_HOT_LOOP_S = 0.05


async def poll_until_done(
    poll: Callable[..., Awaitable[Any]],
    *,
    sleep: Callable[[float], Awaitable[Any]],
    timeout_s: float = DEFAULT_TIMEOUT_S,
    on_status: Callable[[RenderStatus], Any] | None = None,
    clock: Callable[[], float] = time.monotonic,
    held: Callable[[], float | None] | None = None,
) -> RenderStatus:
    """Poll until a terminal status; completed without a URL keeps polling (per the CLI).

    ``held()`` tells how long the server may hold a poll (None or 0: it does not); while it
    does, ``poll(wait_s)`` is called back to back and no sleep is needed. The time-out is
    wall-clock time (``clock``): an injected fast ``sleep`` does not shorten it.

    Raises
    ------
    RenderFailedError
        When the total time-out passes (the job may still finish: call ``wait()`` again) or
        too many transient errors happen in a row.
    """
    delay = FIRST_DELAY_S
    start = clock()
    transient = 0
    last: RenderStatus | None = None
    while True:
        hold = held() if held is not None else None
        asked = clock()
        seen = (last.status, last.progress) if last else None
        try:
            if hold:
                wait = max(1.0, min(hold, timeout_s - (asked - start)))
                last = parse_status(await poll(wait))
            else:
                last = parse_status(await poll())
            transient = 0
        except E.NemoError as exc:
            if not is_transient(exc):
                raise
            transient += 1
            if transient > MAX_TRANSIENT_ERRORS:
                raise E.RenderFailedError(
                    f"The export status stayed unavailable ({exc}). The job may still finish: "
                    "call `job.wait()` again later."
                ) from exc
        else:
            if on_status is not None:
                on_status(last)
            if last.status == schema.RENDER_COMPLETED and (last.url or last.refused_url):
                return last  # without a usable URL, download() asks the API for the file
            if last.status in (schema.RENDER_FAILED, schema.RENDER_CANCELLED):
                return last
        elapsed = clock() - start
        quick = clock() - asked < _HOT_LOOP_S
        if hold and transient == 0 and not (quick and seen == (last.status, last.progress)):
            if elapsed >= timeout_s:
                _timed_out(timeout_s, last)
            continue  # the server held the poll until something changed: ask again now
        pause = min(delay, 1.0) if hold else delay
        if elapsed + pause > timeout_s:
            _timed_out(timeout_s, last)
        await sleep(pause)
        if not hold:
            delay = min(delay * BACKOFF, MAX_DELAY_S)


def _timed_out(timeout_s: float, last: RenderStatus | None) -> None:
    where = f" (last status: {last.status}, {last.progress:.0f}%)" if last else ""
    raise E.RenderFailedError(
        f"The export did not finish within {timeout_s:.0f} s{where}. It may still "
        "finish on the server: call `job.wait()` again, or `job.cancel()`."
    )
