"""Renders table: one row per export with live progress, inline preview, cancel and download.

The rows live in the ``rows`` trait (plain dicts, so ``pandas.DataFrame(table.rows)`` works and
the notebook saves them). While any job is unfinished a background task polls it; new jobs
started from code or from the chat arrive through ``Session.observe`` "renders" events, and
jobs remembered on disk by the session layer (``session.render_jobs``) are shown again after a
kernel restart, with unfinished ones polled again.

Preview. A cloud render plays straight from its CDN URL. An engine render's URL points at the
kernel machine's loopback, which the browser may not reach (Colab, Binder, a remote
JupyterHub), so the kernel sends the MP4 itself: the browser asks for it slice by slice
(``open`` then ``read`` requests, each answered with one binary buffer of at most 4 MB) and
plays a Blob URL. VS Code's webview cannot play H.264, so there the table offers a download
link instead of a ``<video>``.

Messages (browser -> kernel, ``{"id", "kind", ...}`` answered by ``<kind>-response``):
``export`` (quality, resolution), ``cancel`` (job), ``open`` (job -> size, mime),
``read`` (job, offset, length -> one buffer), ``save`` (job -> path in the kernel's folder).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets as t

from .. import schema
from .._environment import environment
from ._protocol import SessionLike
from ._static import STATIC, widget_css
from ._tasks import Replies, TaskGroup, error_text

#: Largest slice of a render sent in one message (Jupyter refuses messages above 10 MB).
MAX_READ_BYTES = 4 * 1024 * 1024
_COLUMNS = (
    "id",
    "status",
    "progress",
    "created_at",
    "finished_at",
    "duration_s",
    "size_bytes",
    "url",
    "error",
    "saved_path",
)


def _iso(value: Any) -> str | None:
    """A timestamp (datetime, epoch seconds or milliseconds, ISO text) as ISO 8601 UTC text."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        stamp = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    elif isinstance(value, int | float):
        seconds = value / 1000 if value > 1e11 else value  # the API speaks epoch ms
        stamp = dt.datetime.fromtimestamp(seconds, tz=dt.timezone.utc)
    else:
        return str(value)
    return stamp.astimezone(dt.timezone.utc).isoformat(timespec="seconds")


def _percent(job: Any) -> float:
    """Progress in percent (0-100, the API's unit); a completed job is 100."""
    status = str(getattr(job, "status", "") or "")
    if status == schema.RENDER_COMPLETED:
        return 100.0
    value = getattr(job, "progress", None)
    try:
        return round(min(max(float(value or 0.0), 0.0), 100.0), 1)
    except (TypeError, ValueError):
        return 0.0


#: Schemes a backend's render URL may have to be shown as a link or a video source.
SAFE_URL_SCHEMES = ("http", "https", "blob")


def safe_url(value: Any) -> str | None:
    """``value`` when it is an http(s) or Blob URL, else None (never ``javascript:``, ``data:``).

    The URL comes from the backend and becomes ``<a href>`` / ``<video src>`` in the browser:
    a misbehaving server must not be able to put script there. The ESM checks again.
    """
    from urllib.parse import urlsplit

    text = str(value or "").strip()
    if not text or any(ord(c) < 0x21 for c in text):  # browsers drop controls: "java\nscript:"
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_URL_SCHEMES:
        return None
    if parts.scheme.lower() != "blob" and not parts.netloc:
        return None
    return text


def job_row(job: Any, saved_path: str | None = None) -> dict[str, Any]:
    """The ``rows`` entry of one RenderJob (JSON-safe; no token: render URLs carry none)."""
    size = getattr(job, "size_bytes", None)
    duration = getattr(job, "duration_s", None)
    return {
        "id": str(job.id),
        "status": str(getattr(job, "status", "") or schema.RENDER_PENDING),
        "progress": _percent(job),
        "created_at": _iso(getattr(job, "created_at", None)),
        "finished_at": _iso(getattr(job, "finished_at", None)),
        "duration_s": float(duration) if duration is not None else None,
        "size_bytes": int(size) if size is not None else None,
        "url": safe_url(getattr(job, "url", None)),
        "error": str(getattr(job, "error", "") or "") or None,
        "saved_path": saved_path,
    }


def _finished(job: Any) -> bool:
    return str(getattr(job, "status", "")) in schema.RENDER_TERMINAL


class RendersTable(Replies, anywidget.AnyWidget):
    """The session's exports as a live table with inline preview.

    Parameters
    ----------
    session : Session
        The notebook session: ``render_jobs``, ``aexport`` and ``observe`` are used.
    poll_interval_s : float, optional
        Seconds between polls of unfinished jobs (default 1).

    Examples
    --------
    >>> table = nw.widgets.RendersTable(s)    # or s.renders_table()
    >>> table                                 # Export, watch progress, preview, download
    >>> pd.DataFrame(table.rows)              # the same rows as pandas
    """

    _esm = STATIC / "renders.js"
    _css = widget_css()

    rows = t.List(t.Dict()).tag(sync=True)
    """One dict per export: id, status, progress (0-100), created_at, finished_at (ISO UTC),
    duration_s, size_bytes, url, error, saved_path. Durable: saved with the notebook."""

    preview_mode = t.Unicode("blob").tag(sync=True)
    """How finished renders are shown: ``blob`` (the kernel sends the MP4 bytes), ``url``
    (play the cloud's URL) or ``link`` (VS Code: a download link, it cannot play H.264)."""

    exporting = t.Bool(False).tag(sync=True)
    """True while an export request is being submitted."""

    error = t.Unicode("").tag(sync=True)
    """The last error, shown under the table (the client's actionable message)."""

    def __init__(
        self, session: SessionLike, *, poll_interval_s: float = 1.0, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self._session = session
        self._poll_interval_s = poll_interval_s
        self._tasks = TaskGroup(self._show_error)
        self._jobs: dict[str, Any] = {}
        self._saved: dict[str, str] = {}
        self._local: dict[str, Path] = {}
        self._cache_dir: Path | None = None
        self._poller: asyncio.Task[Any] | None = None
        self._watched: set[str] = set()
        self.preview_mode = self._preview_mode()
        for job in session.render_jobs:
            self._jobs[str(job.id)] = job
        self._sync_rows()
        self.on_msg(self._on_custom)
        self._unsubscribe: Callable[[], Any] | None = session.observe(self._on_session_event)
        self._ensure_polling()

    # ------------------------------------------------------------------ public surface
    @property
    def frame(self) -> Any:
        """``rows`` as a pandas DataFrame with parsed timestamps."""
        import pandas as pd

        df = pd.DataFrame(self.rows, columns=list(_COLUMNS))
        for col in ("created_at", "finished_at"):
            df[col] = pd.to_datetime(df[col], utc=True, errors="coerce")
        return df

    @property
    def jobs(self) -> list[Any]:
        """The RenderJob objects behind the rows, oldest first."""
        return list(self._jobs.values())

    def track(self, job: Any) -> None:
        """Show a RenderJob (e.g. one from ``s.export()``) and follow its progress."""
        self._jobs[str(job.id)] = job
        self._sync_rows()
        self._ensure_polling()

    def close(self) -> None:
        """Stop polling, delete cached previews and stop listening to the session."""
        self._tasks.cancel_all()
        if self._unsubscribe is not None:
            with contextlib.suppress(Exception):
                self._unsubscribe()
            self._unsubscribe = None
        if self._cache_dir is not None:
            shutil.rmtree(self._cache_dir, ignore_errors=True)
            self._cache_dir = None
        super().close()

    # ------------------------------------------------------------------ polling
    def _ensure_polling(self) -> None:
        if self._poller is not None and not self._poller.done():
            return
        if not any(not _finished(j) for j in self._jobs.values()):
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (plain script): the next message or track() starts it
        self._poller = self._tasks.start(self._poll())

    async def _poll(self) -> None:
        failures = 0
        while True:
            live = [j for j in self._jobs.values() if not _finished(j)]
            if not live:
                return
            for job in live:
                if getattr(job, "long_poll_s", None):
                    self._watch(job)  # the server tells of changes at once: no timed polls
                    continue
                try:
                    await job.arefresh()
                    failures = 0
                except asyncio.CancelledError:
                    raise
                except Exception as exc:  # transient network trouble: say so, keep polling
                    failures += 1
                    self.error = f"Render {job.id}: {error_text(exc)}"
            self._sync_rows()
            await asyncio.sleep(self._poll_interval_s * min(1 + failures, 10))

    def _watch(self, job: Any) -> None:
        """Follow one job with held polls (the engine's extension): rows change at once."""
        key = str(job.id)
        if key in self._watched:
            return
        self._watched.add(key)

        async def follow() -> None:
            failures = 0
            try:
                while not _finished(job):
                    try:
                        await job.arefresh(wait_s=job.long_poll_s)
                        failures = 0
                    except asyncio.CancelledError:
                        raise
                    except Exception as exc:
                        failures += 1
                        self.error = f"Render {job.id}: {error_text(exc)}"
                        await asyncio.sleep(self._poll_interval_s * min(1 + failures, 10))
                    self._sync_rows()
            finally:
                self._watched.discard(key)

        self._tasks.start(follow())

    # ------------------------------------------------------------------ messages
    def _on_custom(self, _widget: Any, content: Any, buffers: list[Any]) -> None:
        if not isinstance(content, dict) or "kind" not in content:
            return
        kind = str(content["kind"])
        if kind == "read":
            # A read is a seek + read of a local file: answered inline (no task switch).
            try:
                body, bufs = self._read(content)
            except Exception as exc:
                self._send_reply(content, ok=False, error=error_text(exc))
            else:
                self._send_reply(content, bufs, ok=True, **body)
            return
        handler = _HANDLERS.get(kind)
        if handler is not None:
            self._tasks.start(self._areply(content, handler(self, content)))

    async def _export(self, content: dict[str, Any]) -> dict[str, Any]:
        quality = str(content.get("quality") or "high")
        if quality not in schema.QUALITIES:
            raise ValueError(f"quality must be one of {', '.join(schema.QUALITIES)}")
        resolution = content.get("resolution") or None
        self.exporting = True
        try:
            job = await self._session.aexport(quality=quality, resolution=resolution)
        finally:
            self.exporting = False
        self.error = ""
        self.track(job)
        return {"job": str(job.id)}

    async def _cancel(self, content: dict[str, Any]) -> dict[str, Any]:
        job = self._job(content)
        if not _finished(job):
            await job.acancel()
        self._sync_rows()
        return {"status": str(job.status)}

    async def _open(self, content: dict[str, Any]) -> dict[str, Any]:
        job = self._job(content)
        path = await self._local_copy(job)
        return {"size": path.stat().st_size, "mime": "video/mp4"}

    def _read(self, content: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        job = self._job(content)
        path = self._local.get(str(job.id))
        if path is None or not path.is_file():
            raise RuntimeError(f"Render {job.id} is not loaded in the kernel; press Preview again.")
        offset = max(0, int(content.get("offset", 0)))
        length = min(MAX_READ_BYTES, max(1, int(content.get("length", MAX_READ_BYTES))))
        with open(path, "rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
        return {"offset": offset, "length": len(data)}, [data]

    async def _save(self, content: dict[str, Any]) -> dict[str, Any]:
        job = self._job(content)
        target = Path.cwd() / f"{_safe_id(job.id)}.mp4"
        cached = self._local.get(str(job.id))
        if cached is not None and cached.is_file():
            await asyncio.to_thread(shutil.copyfile, cached, target)
        else:
            await self._require_finished(job)
            await job.adownload(target)
            self._local[str(job.id)] = target
        self._saved[str(job.id)] = str(target)
        self._sync_rows()
        return {"path": str(target)}

    # ------------------------------------------------------------------ helpers
    async def _local_copy(self, job: Any) -> Path:
        known = self._local.get(str(job.id))
        if known is not None and known.is_file():
            return known
        await self._require_finished(job)
        if self._cache_dir is None:
            self._cache_dir = Path(tempfile.mkdtemp(prefix="nemo-renders-"))
        path = self._cache_dir / f"{_safe_id(job.id)}.mp4"
        await job.adownload(path)
        self._local[str(job.id)] = path
        return path

    async def _require_finished(self, job: Any) -> None:
        if str(job.status) != schema.RENDER_COMPLETED:
            await job.arefresh()
            self._sync_rows()
        if str(job.status) != schema.RENDER_COMPLETED:
            raise RuntimeError(
                f"Render {job.id} is {job.status}; preview and download work once it has completed."
            )

    def _job(self, content: dict[str, Any]) -> Any:
        job = self._jobs.get(str(content.get("job")))
        if job is None:
            raise KeyError(
                f"Render {content.get('job')!r} is not known to this kernel (was it restarted "
                "with another session?); run the cell that made the table again."
            )
        return job

    def _sync_rows(self) -> None:
        jobs = sorted(self._jobs.values(), key=lambda j: _iso(getattr(j, "created_at", None)) or "")
        self.rows = [job_row(j, self._saved.get(str(j.id))) for j in jobs]

    def _preview_mode(self) -> str:
        if environment() == "vscode":
            return "link"
        return "url" if self._session.backend == "cloud" else "blob"

    def _on_session_event(self, kind: str, payload: Any) -> None:
        # Jobs started from code (`s.export()`) or by the chat appear here too.
        if kind != "renders":
            return
        items = payload if isinstance(payload, list | tuple) else [payload]
        jobs = [p for p in items if hasattr(p, "id") and hasattr(p, "status")]
        if not jobs:
            jobs = self._session.render_jobs
        for job in jobs:
            self._jobs[str(job.id)] = job
        self._sync_rows()
        self._ensure_polling()

    def _show_error(self, exc: BaseException) -> None:
        self.error = error_text(exc)


def _safe_id(job_id: Any) -> str:
    return "".join(c if c.isalnum() or c in "-_" else "_" for c in str(job_id))[:100] or "render"


_HANDLERS: dict[str, Callable[[RendersTable, dict[str, Any]], Any]] = {
    "export": RendersTable._export,
    "cancel": RendersTable._cancel,
    "open": RendersTable._open,
    "save": RendersTable._save,
}
