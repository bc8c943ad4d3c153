"""Render jobs (exports) and their on-disk memory, so a kernel restart does not lose them.

A :class:`RenderJob` polls with back-off (see :mod:`nemo_widgets.api.render`), retries once with
a new id when the render fails, and writes every status change to a small JSON file per
session (:class:`RenderStore`), from which ``connect(session_id=...)`` restores the jobs.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Awaitable, Callable, Generator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import _sync, schema
from .api import errors as E
from .api import render as R
from .api.config import read_json, write_json

if TYPE_CHECKING:  # pragma: no cover
    from .api.client import NemoClient

log = logging.getLogger("nemo_widgets")

_FIELDS = (
    "id",
    "session_id",
    "status",
    "progress",
    "url",
    "error",
    "created_at",
    "finished_at",
    "size_bytes",
    "duration_s",
    "output",
    "attempts",
    "path",
)


class RenderStore:
    """The render jobs of one session, as a JSON list in ``<dir>/<session_id>.json``."""

    def __init__(self, directory: Path, session_id: str) -> None:
        safe = re.sub(r"[^A-Za-z0-9_.-]", "_", session_id)
        self.path = Path(directory) / f"{safe}.json"

    def load(self) -> list[dict[str, Any]]:
        data = read_json(self.path, [])
        return (
            [r for r in data if isinstance(r, dict) and r.get("id")]
            if isinstance(data, list)
            else []
        )

    def upsert(self, record: dict[str, Any], *, replaces: str | None = None) -> None:
        records = [r for r in self.load() if r.get("id") not in (record["id"], replaces)]
        records.append(record)
        records.sort(key=lambda r: r.get("created_at") or 0)
        write_json(self.path, records)


class RenderJob:
    """One export of a session's timeline.

    Attributes
    ----------
    id : str
        The client-generated render id (changes if the job is retried after a failure).
    status : str
        ``pending``, ``processing``, ``completed``, ``failed`` or ``cancelled``.
    progress : float
        0-100.
    url : str or None
        Download URL once completed (a public link; it carries no token).

    Examples
    --------
    >>> job = s.export()                       # doctest: +SKIP
    >>> job.wait().download("out.mp4")         # doctest: +SKIP
    >>> await job                              # doctest: +SKIP  (in a notebook cell)
    """

    def __init__(
        self,
        id: str,
        *,
        client: NemoClient,
        session_id: str | None = None,
        status: str = schema.RENDER_PENDING,
        progress: float = 0.0,
        url: str | None = None,
        error: str | None = None,
        created_at: float | None = None,
        finished_at: float | None = None,
        size_bytes: int | None = None,
        duration_s: float | None = None,
        output: dict[str, Any] | None = None,
        attempts: list[str] | None = None,
        path: str | None = None,
        store: RenderStore | None = None,
        resubmit: Callable[[], Awaitable[str]] | None = None,
        on_change: Callable[[RenderJob], Any] | None = None,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        timeout_s: float = R.DEFAULT_TIMEOUT_S,
    ) -> None:
        self.id = id
        self.session_id = session_id
        self.status = status
        self.progress = float(progress or 0)
        self.url = url
        self.error = error
        self.created_at = created_at or time.time()
        self.finished_at = finished_at
        self.size_bytes = size_bytes
        self.duration_s = duration_s
        self.output = dict(output or {})
        self.attempts = list(attempts or [id])
        self.path = path
        self.timeout_s = timeout_s
        self._client = client
        self._store = store
        self._resubmit = resubmit
        self._on_change = on_change
        self._sleep = sleep or asyncio.sleep

    # -- state ------------------------------------------------------------------------------

    @property
    def done(self) -> bool:
        return self.status in schema.RENDER_TERMINAL

    def to_record(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in _FIELDS}

    @classmethod
    def from_record(cls, record: dict[str, Any], **kw: Any) -> RenderJob:
        fields = {k: record.get(k) for k in _FIELDS if k != "id" and record.get(k) is not None}
        return cls(str(record["id"]), **fields, **kw)

    def __repr__(self) -> str:
        pct = f" {self.progress:.0f}%" if self.status == schema.RENDER_PROCESSING else ""
        tail = f" url={self.url}" if self.url else f" error={self.error!r}" if self.error else ""
        return f"<RenderJob {self.id} {self.status}{pct}{tail}>"

    def _repr_html_(self) -> str:
        import html

        link = f' <a href="{html.escape(self.url)}" target="_blank">open</a>' if self.url else ""
        return (
            f"<span>🎬 render <code>{html.escape(self.id)}</code>: "
            f"{html.escape(self.status)} {self.progress:.0f}%{link}</span>"
        )

    def _apply(self, st: R.RenderStatus) -> None:
        before = (self.status, self.progress, self.url, self.error)
        self.status = st.status
        self.progress = st.progress
        self.url = st.url or self.url
        self.error = st.error if st.status == schema.RENDER_FAILED else None
        self.size_bytes = st.size_bytes or self.size_bytes
        self.duration_s = st.duration_s or self.duration_s
        if st.done and self.finished_at is None:
            self.finished_at = st.finished_at or time.time()
        if before != (self.status, self.progress, self.url, self.error):
            self._changed()

    def _changed(self, replaces: str | None = None) -> None:
        if self._store is not None:
            try:
                self._store.upsert(self.to_record(), replaces=replaces)
            except OSError as exc:  # memory is a convenience; never fail the render for it
                log.warning("nemo: could not remember render %s: %s", self.id, exc)
        if self._on_change is not None:
            try:
                self._on_change(self)
            except Exception:  # an observer's bug must not break polling
                log.exception("nemo: render observer failed")

    # -- async API ----------------------------------------------------------------------------

    @property
    def long_poll_s(self) -> float | None:
        """Seconds the server may hold a poll of this job (the engine: 30), else None."""
        value = getattr(self._client, "long_poll_max_s", None)
        return float(value) if value else None

    async def arefresh(self, wait_s: float | None = None) -> RenderJob:
        """Poll the server once and update this job.

        ``wait_s``: where the server holds polls (:attr:`long_poll_s`), answer as soon as the
        job changes, within that many seconds; elsewhere a plain poll.
        """
        body = await self._client.poll_render(self.id, wait_s=wait_s)
        self._apply(R.parse_status(body))
        return self

    async def await_(
        self,
        timeout: float | None = None,
        on_progress: Callable[[float, str], Any] | None = None,
    ) -> RenderJob:
        """Wait until the render is completed; retry once with a new id if it fails.

        Raises
        ------
        RenderFailedError
            When it failed twice, was cancelled, or did not finish within ``timeout`` seconds
            (default 5 minutes; the job may still finish: wait again).
        """
        retried = len(self.attempts) > 1
        while True:
            finished = self.status == schema.RENDER_COMPLETED and self.url
            if not finished and self.status not in (schema.RENDER_FAILED, schema.RENDER_CANCELLED):

                def _status(st: R.RenderStatus) -> None:
                    self._apply(st)
                    if on_progress is not None:
                        on_progress(st.progress, st.status)

                await R.poll_until_done(
                    lambda wait=None: self._client.poll_render(self.id, wait_s=wait),
                    sleep=self._sleep,
                    timeout_s=timeout or self.timeout_s,
                    on_status=_status,
                    held=lambda: self.long_poll_s,
                )
            if self.status == schema.RENDER_COMPLETED:
                return self
            if self.status == schema.RENDER_CANCELLED:
                raise E.RenderFailedError(
                    f"Render {self.id} was cancelled. Call `s.export()` to start a new one."
                )
            if retried or self._resubmit is None:
                raise E.RenderFailedError(
                    f"Render {self.id} failed: {self.error or 'no reason given'}. Check the "
                    "timeline with `s.state()` and call `s.export()` again."
                )
            retried = True
            old = self.id
            log.info("nemo: render %s failed (%s); retrying once with a new id", old, self.error)
            self.id = await self._resubmit()
            self.attempts.append(self.id)
            self.status, self.progress, self.error, self.url = (
                schema.RENDER_PENDING,
                0.0,
                None,
                None,
            )
            self.finished_at = None
            self._changed(replaces=old)

    def __await__(self) -> Generator[Any, None, RenderJob]:
        return self.await_().__await__()

    async def adownload(
        self, path: str | Path = ".", on_progress: Callable[[int, int], Any] | None = None
    ) -> Path:
        """Download the video (waiting if needed) into an existing folder; returns the path."""
        from .api.client import check_output_path

        dest = Path(path).expanduser()
        if dest.is_dir() or str(path).endswith(("/", "\\")):
            dest = dest / f"{self.id}.mp4"
        check_output_path(dest)  # before waiting for the render, not after
        if not (self.status == schema.RENDER_COMPLETED and self.url):
            await self.await_()
        out = await self._client.download(
            self.url, dest, render_id=self.id, on_progress=on_progress
        )
        self.path = str(out)
        self._changed()
        return out

    async def acancel(self) -> RenderJob:
        """Ask the server to cancel the render (pending jobs only, per the contract)."""
        if not self.done:
            st = R.parse_status(await self._client.cancel_render(self.id))
            if st.status in schema.RENDER_TERMINAL:
                self._apply(st)
            else:  # the cancel endpoint answered without a status: it accepted the request
                self.status = schema.RENDER_CANCELLED
                self.finished_at = time.time()
                self._changed()
        return self

    # -- sync API -----------------------------------------------------------------------------

    def refresh(self) -> RenderJob:
        """Poll once (sync)."""
        return _sync.run(self.arefresh())

    def wait(
        self, timeout: float | None = None, on_progress: Callable[[float, str], Any] | None = None
    ) -> RenderJob:
        """Block until completed (sync); shows a progress bar inside a notebook."""
        from ._display import Progress

        bar = Progress("Rendering")
        if on_progress is None and bar.enabled:

            def on_progress(pct: float, status: str) -> None:
                bar.update(pct, status)

        _sync.run(self.await_(timeout, on_progress))
        bar.close(self.status)
        return self

    def download(self, path: str | Path = ".") -> Path:
        """Download the video (sync); waits for the render first if needed."""
        from ._display import Progress

        bar = Progress("Downloading")
        out = _sync.run(self.adownload(path, bar.bytes if bar.enabled else None))
        bar.close(str(out))
        return out

    def cancel(self) -> RenderJob:
        """Cancel (sync)."""
        return _sync.run(self.acancel())


def jobs_frame(jobs: list[RenderJob]) -> Any:
    """A pandas DataFrame of render jobs, newest last."""
    import pandas as pd

    cols = ["id", "status", "progress", "url", "error", "created_at", "finished_at",
            "size_bytes", "duration_s", "path"]  # fmt: skip
    rows = [{k: getattr(j, k) for k in cols} for j in jobs]
    df = pd.DataFrame(rows, columns=cols)
    for c in ("created_at", "finished_at"):
        df[c] = pd.to_datetime(df[c], unit="s", utc=True)
    return df
