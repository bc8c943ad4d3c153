"""The render queue: export jobs run one or two at a time in worker threads, tracked in SQLite.

Status goes pending -> processing (progress from the renderer) -> completed / failed /
cancelled. A job never stays stuck and never leaves a partial file: stopping the queue (the
engine's SIGTERM / shutdown) kills ffmpeg, removes its partial output and marks every
unfinished job failed; on start, jobs an earlier run left unfinished (a SIGKILL) are marked
failed and every partial file and work folder it left is swept. Each status change is told
to ``RenderQueue.listeners`` (the long-poll of ``GET .../render/...?wait=``).
"""

from __future__ import annotations

import queue
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .. import schema
from .config import EngineConfig

RESTARTED_REASON = "The engine restarted during this render; export again."
_SAFE_ID = re.compile(r"^[A-Za-z0-9_-]{1,100}$")


class RenderCancelled(Exception):
    """Raised inside a worker when the job was cancelled."""


def output_name(render_id: str) -> str:
    """``<id>.mp4`` for ordinary ids; a sanitised, collision-free name for odd ones."""
    if _SAFE_ID.match(render_id):
        return f"{render_id}.mp4"
    import hashlib

    safe = re.sub(r"[^A-Za-z0-9_-]", "_", render_id)[:60]
    return f"{safe}-{hashlib.sha1(render_id.encode()).hexdigest()[:10]}.mp4"


class Resolver:
    """Maps a draft's media references (the ``cdn_url`` of uploads and renders) to local files.

    With ``session_id`` (how the engine always uses it) only the files of that session
    resolve: its uploads and its own finished renders. Another session's media, even of the
    same user, is not a source of this one's export.
    """

    def __init__(self, config: EngineConfig, store: Any = None, session_id: str | None = None):
        self.config = config
        self.store = store
        self.session_id = session_id
        self._names: set[str] | None = None

    def _allowed(self) -> set[str] | None:
        if self.store is None or self.session_id is None:
            return None
        if self._names is None:
            names = {f["stored_name"] for f in self.store.files(self.session_id)}
            names |= {
                r["output_name"]
                for r in self.store.renders_for_session(self.session_id)
                if r["status"] == schema.RENDER_COMPLETED and r["output_name"]
            }
            self._names = names
        return self._names

    def __call__(self, src: str) -> Path | None:
        path = unquote(urlsplit(str(src)).path)
        allowed = self._allowed()
        for prefix, folder in (
            ("/media/uploads/", self.config.uploads_dir),
            ("/media/renders/", self.config.renders_dir),
        ):
            if prefix in path:
                name = path.rsplit(prefix, 1)[-1]
                candidate = folder / name
                if allowed is not None and name not in allowed:
                    return None
                if "/" not in name and candidate.is_file():
                    return candidate
        return None  # the renderer says which source is missing and what to do


def sweep_partials(config: EngineConfig) -> int:
    """Delete what interrupted work left: partial renders, upload and render temp files."""
    removed = 0
    if config.renders_dir.is_dir():
        for leftover in config.renders_dir.glob(".*.partial.mp4"):
            leftover.unlink(missing_ok=True)
            removed += 1
    if config.tmp_dir.is_dir():
        import shutil

        for leftover in config.tmp_dir.iterdir():
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)
            else:
                leftover.unlink(missing_ok=True)
            removed += 1
    return removed


class RenderQueue:
    """Worker threads rendering drafts with ``engine.render.render_draft``."""

    def __init__(self, store: Any, config: EngineConfig, faults: Any) -> None:
        self.store = store
        self.config = config
        self.faults = faults
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._cancel: dict[str, threading.Event] = {}
        self._threads: list[threading.Thread] = []
        self._stopping = threading.Event()
        #: called with a render id after every change of its row (from worker threads)
        self.listeners: list[Callable[[str], None]] = []

    def resolver(self, session_id: str) -> Resolver:
        """The media a render of ``session_id`` may use."""
        return Resolver(self.config, self.store, session_id)

    def _update(self, render_id: str, **fields: Any) -> None:
        self.store.update_render(render_id, **fields)
        for listener in list(self.listeners):
            try:
                listener(render_id)
            except Exception:  # a listener's bug must not stop a render
                traceback.print_exc(file=sys.stderr)

    def start(self) -> int:
        """Fail what an earlier run left unfinished, sweep its partial files, start workers."""
        failed = self.store.fail_unfinished_renders(RESTARTED_REASON)
        self.config.renders_dir.mkdir(parents=True, exist_ok=True)
        sweep_partials(self.config)
        for i in range(max(1, self.config.render_workers)):
            t = threading.Thread(target=self._worker, name=f"render-{i}", daemon=True)
            t.start()
            self._threads.append(t)
        return failed

    def stop(self, timeout: float = 10.0) -> None:
        """Stop: kill running ffmpeg, remove partial files, mark unfinished jobs failed.

        Waits (up to ``timeout``) for the workers, so when this returns no job reads
        ``processing`` and no partial file is left: the engine may exit right after.
        """
        self._stopping.set()
        for event in list(self._cancel.values()):
            event.set()
        for _ in self._threads:
            self._queue.put(None)
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        from . import render

        render.kill_running()  # a worker stuck past the timeout must not leave ffmpeg behind
        self.store.fail_unfinished_renders(RESTARTED_REASON)
        for leftover in self.config.renders_dir.glob(".*.partial.mp4"):
            leftover.unlink(missing_ok=True)

    def submit(self, record: dict[str, Any]) -> bool:
        """Queue a job (``record`` is a renders row); False when its id is taken."""
        if not self.store.add_render(record):
            return False
        self._cancel[record["render_id"]] = threading.Event()
        self._queue.put(record["render_id"])
        return True

    def cancel(self, render_id: str) -> dict[str, Any] | None:
        """Cancel a pending or running job; returns the job row (None if unknown)."""
        job = self.store.render(render_id)
        if job is None:
            return None
        if job["status"] in schema.RENDER_TERMINAL:
            return job
        event = self._cancel.get(render_id)
        if event is not None:
            event.set()
        if job["status"] == schema.RENDER_PENDING:
            self._update(
                render_id,
                status=schema.RENDER_CANCELLED,
                error="Cancelled before it started.",
                finished_at=time.time(),
            )
        else:
            # the worker notices the event, kills ffmpeg and writes the final status; wait a
            # moment so the answer to "cancel" already says "cancelled" in the common case
            for _ in range(50):
                job = self.store.render(render_id)
                if job and job["status"] in schema.RENDER_TERMINAL:
                    break
                time.sleep(0.05)
        return self.store.render(render_id)

    # -- the worker -----------------------------------------------------------------------------
    def _worker(self) -> None:
        while True:
            render_id = self._queue.get()
            if render_id is None:
                return
            if self._stopping.is_set():
                continue  # marked failed by stop(); keep draining to the sentinel
            try:
                self._run(render_id)
            except Exception:  # a bug in one job must not kill the worker
                traceback.print_exc(file=sys.stderr)
            finally:
                self._cancel.pop(render_id, None)

    def _run(self, render_id: str) -> None:
        import json

        job = self.store.render(render_id)
        cancel = self._cancel.get(render_id) or threading.Event()
        if job is None or job["status"] != schema.RENDER_PENDING:
            return
        self._update(render_id, status=schema.RENDER_PROCESSING, started_at=time.time(), progress=5)
        out = self.config.renders_dir / job["output_name"]
        last = [0.0]

        def on_progress(value: float) -> None:
            # accept 0..1 or 0..100; write at most every 0.25 s and only forward
            pct = float(value) * 100 if float(value) <= 1.0 else float(value)
            now = time.monotonic()
            if now - last[0] >= 0.25:
                last[0] = now
                self._update(render_id, progress=round(min(99.0, max(5.0, pct)), 1))

        try:
            delay = float(self.faults.render_delay_s or 0)
            if delay > 0 and cancel.wait(delay):
                raise RenderCancelled()
            if cancel.is_set():
                raise RenderCancelled()
            from . import render

            draft = json.loads(job["draft"])
            result = render.render_draft(
                draft,
                self.resolver(job["session_id"]),
                out,
                quality=job["quality"],
                resolution=job["resolution"],
                on_progress=on_progress,
                cancel_event=cancel,
                work_root=self.config.tmp_dir,
            )
            if cancel.is_set():
                out.unlink(missing_ok=True)
                raise RenderCancelled()
            result = result if isinstance(result, dict) else {}
            self._update(
                render_id,
                status=schema.RENDER_COMPLETED,
                progress=100,
                size=result.get("size") or out.stat().st_size,
                duration=result.get("duration_s") or result.get("duration"),
                finished_at=time.time(),
            )
        except Exception as exc:
            if self._stopping.is_set():
                self._update(
                    render_id,
                    status=schema.RENDER_FAILED,
                    error=RESTARTED_REASON,
                    finished_at=time.time(),
                )
                return
            if cancel.is_set() or type(exc).__name__ == "RenderCancelled":
                self._update(
                    render_id,
                    status=schema.RENDER_CANCELLED,
                    error="Cancelled.",
                    finished_at=time.time(),
                )
                return
            if type(exc).__name__ != "RenderError":  # a user-facing failure needs no trace
                traceback.print_exc(file=sys.stderr)
            self._update(
                render_id,
                status=schema.RENDER_FAILED,
                error=f"{exc}" or type(exc).__name__,
                finished_at=time.time(),
            )


Progress = Callable[[float], None]
