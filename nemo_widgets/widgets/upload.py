"""Upload picker: files picked or dropped in the browser reach the kernel's disk, then the API.

Two routes from the browser to the kernel's disk. Where the page is served by a Jupyter server
with this package's server extension (``nemo_widgets/upload_server.py``: JupyterLab, Notebook 7,
JupyterHub), the kernel mints a one-time ticket for the file (``upload_tickets.py``), its view
streams the file to the server in one authenticated ``PUT`` and the server writes it where the
kernel asked: the bytes never pass through the kernel, at the speed of a plain HTTP upload. The
view tells the kernel when it is done (``end`` with ``via="server"``) and the kernel checks the
size on disk. Everywhere else (Colab, VS Code, a kernel on another machine, the extension
disabled) the view falls back on its own to the widget's comm, below; ``last_transport`` (not
synced, not saved) and the ``nemo_widgets.upload`` debug log say which route a file took.

Over the comm: Jupyter's websocket refuses messages above 10 MB and Colab's above about 1 MB,
so the browser never sends a whole file: it sends ``chunk`` messages carrying one ArrayBuffer
each (a binary message buffer, never base64 in JSON). Up to ``window`` chunks are in flight at
once and each is acknowledged by a ``chunk-response``; the browser reads the next slice only
when an acknowledgement frees a place in the window. That window is the back-pressure: the
browser holds at most ``window`` chunks and the kernel at most ``window`` chunks waiting to be
written, whatever the file size, while the round trip of one chunk no longer stalls the next.
Every byte still crosses the server's websocket, the kernel's ZMQ socket and ipykernel's
one-thread message loop, so this route is many times slower than the server's (measured in
``bench/bench_browser_upload.py``).

The kernel writes chunks in byte order into a file in a fresh temporary directory (one that
arrives ahead of its turn waits in memory, within the window; the browser's file name is
sanitised and only used as data), then hands the finished file to ``Session.aupload``,
which streams it to the API and refreshes the session's draft. Type and size are checked in
the browser before any byte moves and again here, because the browser is not to be trusted.

Messages (browser -> kernel, each ``{"id", "kind", ...}``, answered by ``<kind>-response``
with ``ok`` and either the result or ``error``):

========  =====================================================  ===========================
kind      body                                                   response
========  =====================================================  ===========================
begin     ``name, size, mime, direct``                           ``transfer`` (an id) and,
                                                                 with ``direct``, ``ticket``
chunk     ``transfer, offset`` + one binary buffer               ``received`` (bytes written)
progress  ``transfer, received`` (server route; no reply)        -
end       ``transfer, via`` ("server" or "comm"), ``why``        (upload to the API starts)
cancel    ``transfer``                                           (partial file deleted)
add       ``source`` (a kernel-side path or an http(s) URL)      (upload to the API starts)
dismiss   ``transfer``                                           (row removed)
========  =====================================================  ===========================
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

import anywidget
import traitlets as t

from .. import schema, upload_tickets
from .._environment import in_colab
from ._protocol import SessionLike
from ._static import STATIC, widget_css
from ._tasks import Replies, TaskGroup, error_text

#: Default chunk: 4 MiB, under Jupyter's 10 MB websocket message limit.
DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024
#: Colab's comm channel drops messages above about 1 MB, so stay under it there.
COLAB_CHUNK_BYTES = 960 * 1024
#: Chunks in flight at once (sent, not yet acknowledged). Four hide the round trip of a busy
#: kernel (+30 % over one at a time, measured); more only add memory (window x chunk bytes on
#: each side): 16 or 64 were no faster.
DEFAULT_WINDOW = 4
#: On Colab chunks are small, so more of them fly to hide the same round trip.
COLAB_WINDOW = 8

# Kernel-side progress updates are throttled: one trait sync per percent (or per 0.25 s)
# instead of one per 64 KiB the HTTP client reports.
_PROGRESS_STEP = 0.01
_PROGRESS_INTERVAL_S = 0.25

log = logging.getLogger("nemo_widgets.upload")


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def check_media(name: str, size: int | None) -> str | None:
    """The message explaining why ``name`` of ``size`` bytes cannot be uploaded, or None.

    The browser makes the same checks (``static/upload.js``) from the widget's ``accept``
    and ``max_bytes`` traits before sending anything.
    """
    if schema.media_type(name) is None:
        ext = PurePosixPath(name).suffix or "(no extension)"
        return (
            f"{name}: {ext} files are not supported. "
            f"Upload one of: {schema.SUPPORTED_FORMATS_TEXT}."
        )
    if size is not None and size > schema.MAX_UPLOAD_BYTES:
        return (
            f"{name} is {_mb(size)}; the maximum is {_mb(schema.MAX_UPLOAD_BYTES)}. "
            "Trim or compress it first (e.g. ffmpeg -crf 28), then upload again."
        )
    if size is not None and size <= 0:
        return f"{name} is empty; pick the file again once it has finished saving."
    return None


def safe_filename(name: str) -> str:
    """A file name that cannot leave its directory, keeping the extension the API checks."""
    base = PurePosixPath(name.replace("\\", "/")).name
    base = re.sub(r"[^\w.\- ]+", "_", base).strip(" .")[:120]
    if not base or base.startswith("."):
        ext = PurePosixPath(name).suffix.lower()
        base = f"upload{ext}"
    return base


def file_record(uploaded: Any) -> dict[str, Any]:
    """A JSON-safe row of the ``files`` trait from an ``UploadedFile`` (or a mapping)."""
    get = uploaded.get if isinstance(uploaded, dict) else lambda k, d=None: getattr(uploaded, k, d)
    duration = get("duration_s", None)
    if duration is None:
        duration = get("duration", None)
    return {
        "name": str(get("filename", "") or get("name", "") or ""),
        "file_type": str(get("file_type", "") or ""),
        "cdn_url": str(get("cdn_url", "") or ""),
        "duration_s": float(duration) if duration is not None else None,
        "width": int(get("width", 0) or 0) or None,
        "height": int(get("height", 0) or 0) or None,
        "fps": float(get("fps", 0) or 0) or None,
    }


@dataclass
class _Transfer:
    """One file on its way: browser -> temp file -> API."""

    id: str
    name: str
    size: int
    source: str = "browser"  # "browser" | "path" | "url"
    phase: str = "sending"  # sending | uploading | error | cancelled
    received: int = 0
    api_fraction: float = 0.0
    error: str = ""
    tmpdir: Path | None = None
    path: Path | None = None
    fh: IO[bytes] | None = None
    #: chunks that arrived ahead of their turn, by offset (at most ``window`` of them)
    early: dict[int, bytes] = field(default_factory=dict)
    task: asyncio.Task[Any] | None = None
    last_sync: float = field(default=0.0)
    #: the one-time ticket that lets the Jupyter server write ``path`` (server route)
    ticket_file: Path | None = None

    def row(self) -> dict[str, Any]:
        if self.phase == "sending":
            progress = self.received / self.size if self.size else 0.0
        elif self.phase == "uploading":
            progress = self.api_fraction
        else:
            progress = 0.0
        return {
            "id": self.id,
            "name": self.name,
            "size": self.size,
            "source": self.source,
            "phase": self.phase,
            "received": self.received,
            "progress": round(min(max(progress, 0.0), 1.0), 4),
            "error": self.error,
        }

    def discard_partial(self) -> None:
        """Close and delete the temporary copy (a partial one after a cancel or error)."""
        self.early.clear()
        if self.ticket_file is not None:
            upload_tickets.revoke(self.ticket_file)
            self.ticket_file = None
        if self.fh is not None:
            with contextlib.suppress(OSError):
                self.fh.close()
            self.fh = None
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None


class UploadPicker(Replies, anywidget.AnyWidget):
    """Pick or drop media in the browser (or give a kernel path / URL) and upload it.

    Parameters
    ----------
    session : Session
        The notebook session; files go to ``session.aupload``.
    chunk_bytes : int, optional
        Size of each browser -> kernel chunk (default 4 MiB; under 1 MB on Colab).
    window : int, optional
        Chunks in flight at once (default 4; 8 on Colab; clamped to 1-64).

    Examples
    --------
    >>> picker = nw.widgets.UploadPicker(s)   # or s.upload_picker()
    >>> picker                                # drop a file on it
    >>> await picker.add("clips/intro.mp4")   # a file the kernel can read, or a URL
    >>> picker.files                          # what was uploaded, saved with the notebook
    """

    _esm = STATIC / "upload.js"
    _css = widget_css()

    files = t.List(t.Dict()).tag(sync=True)
    """Uploaded media, one dict each: name, file_type, cdn_url, duration_s, width, height, fps.
    Durable: saved with the notebook, so a reopened notebook lists what was uploaded."""

    transfers = t.List(t.Dict()).tag(sync=True)
    """Files on their way: id, name, size, phase (sending / uploading / error), progress 0-1,
    error. Finished ones move to ``files``; failed ones stay until dismissed."""

    error = t.Unicode("").tag(sync=True)
    """The last error, shown under the widget (the client's actionable message)."""

    accept = t.List(t.Unicode(), default_value=sorted(schema.MEDIA_TYPES)).tag(sync=True)
    """Extensions the browser lets through (schema.MEDIA_TYPES)."""

    max_bytes = t.Int(schema.MAX_UPLOAD_BYTES).tag(sync=True)
    """Largest file the browser will start sending (schema.MAX_UPLOAD_BYTES)."""

    chunk_bytes = t.Int(DEFAULT_CHUNK_BYTES).tag(sync=True)
    """Bytes per browser -> kernel chunk."""

    window = t.Int(DEFAULT_WINDOW).tag(sync=True)
    """Chunks the browser may have in flight (sent, not yet acknowledged)."""

    last_transport = t.Unicode("")
    """How the last file from the browser reached the kernel: ``"server"`` (the Jupyter
    server extension's streaming PUT) or ``"comm"`` (chunks over the widget's comm). For
    debugging; not synced to the browser, not saved with the notebook."""

    def __init__(
        self,
        session: SessionLike,
        *,
        chunk_bytes: int | None = None,
        window: int | None = None,
        **kwargs: Any,
    ) -> None:
        colab = in_colab()
        if chunk_bytes is None:
            chunk_bytes = COLAB_CHUNK_BYTES if colab else DEFAULT_CHUNK_BYTES
        if window is None:
            window = COLAB_WINDOW if colab else DEFAULT_WINDOW
        # Clamped rather than refused: an ipywidget that raises in __init__ fails again in
        # its __del__ (close() on a half-built widget).
        window = max(1, min(64, int(window)))
        super().__init__(chunk_bytes=chunk_bytes, window=window, **kwargs)
        self._session = session
        self._tasks = TaskGroup(self._show_error)
        self._transfers: dict[str, _Transfer] = {}
        #: where tickets for the server route go (found on the first ``direct`` begin)
        self._ticket_folder: Path | None = None
        if "files" not in kwargs:
            # Uploads made before the picker existed (`s.upload(...)`) are listed too.
            self._merge_files([file_record(u) for u in session.uploads])
        self.on_msg(self._on_custom)
        self._unsubscribe: Callable[[], Any] | None = session.observe(self._on_session_event)

    # ------------------------------------------------------------------ public surface
    def add(self, source: str | os.PathLike[str]) -> asyncio.Task[list[dict[str, Any]]] | Any:
        """Upload a file the kernel can read, or an http(s) URL, with progress in the widget.

        In a notebook this returns at once with an :class:`asyncio.Task` (``await`` it to
        wait for the upload and get the new ``files`` rows); outside a running event loop it
        uploads before returning the rows.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return asyncio.run(self.aadd(source))
        return self._tasks.start(self.aadd(source))

    async def aadd(self, source: str | os.PathLike[str]) -> list[dict[str, Any]]:
        """Upload a kernel-side path or URL and return its rows of ``files``."""
        text = os.fspath(source).strip()
        if not text:
            raise ValueError("Give a file path the kernel can read, or an http(s) URL.")
        if re.match(r"^https?://", text, re.I):
            name = PurePosixPath(text.split("?", 1)[0]).name or text
            tr = self._new_transfer(name, 0, source="url")
            tr.phase = "uploading"
            self._sync_transfers()
            return await self._upload(tr, text)
        path = Path(text).expanduser()
        if not path.is_file():
            raise FileNotFoundError(
                f"No file at {text!r} (relative to the kernel's folder {os.getcwd()}); "
                "check the path, or drop the file on the picker instead."
            )
        problem = check_media(path.name, path.stat().st_size)
        if problem:
            raise ValueError(problem)
        tr = self._new_transfer(path.name, path.stat().st_size, source="path")
        tr.phase = "uploading"
        self._sync_transfers()
        return await self._upload(tr, path)

    @property
    def frame(self) -> Any:
        """``files`` as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame(self.files, columns=list(file_record({}).keys()))

    def close(self) -> None:
        """Stop transfers, delete temporary copies and stop listening to the session."""
        self._tasks.cancel_all()
        for tr in list(self._transfers.values()):
            tr.discard_partial()
        self._transfers.clear()
        if self._unsubscribe is not None:
            with contextlib.suppress(Exception):
                self._unsubscribe()
            self._unsubscribe = None
        super().close()

    # ------------------------------------------------------------------ messages
    def _on_custom(self, _widget: Any, content: Any, buffers: list[Any]) -> None:
        if not isinstance(content, dict) or "kind" not in content:
            return
        kind = str(content["kind"])
        handler = _HANDLERS.get(kind)
        if handler is None:
            return
        if kind == "chunk":
            # Appending one chunk to a local file takes about a millisecond: answer inline,
            # so the next chunk is requested without a task switch (the hot path of a
            # 200 MB upload).
            self._reply(content, lambda: self._chunk(content, buffers))
            return
        if kind == "progress":
            # The server route's progress, a few times a second; nothing to answer.
            self._progress(content)
            return
        if kind == "cancel":
            # Inline too: no chunk still in the window is written after the cancel.
            self._reply(content, lambda: self._cancel(content))
            return
        self._tasks.start(self._areply(content, handler(self, content)))

    async def _begin(self, content: dict[str, Any]) -> dict[str, Any]:
        name = str(content.get("name") or "")
        size = int(content.get("size") or 0)
        problem = check_media(name, size)
        if problem:
            raise ValueError(problem)
        tr = self._new_transfer(name, size, source="browser")
        tr.tmpdir = Path(tempfile.mkdtemp(prefix="nemo-upload-"))
        tr.path = tr.tmpdir / safe_filename(name)
        reply: dict[str, Any] = {"transfer": tr.id}
        if content.get("direct"):
            # The view found the server extension: a ticket lets the server write tr.path.
            # Without one (no runtime dir to share) the view sends chunks, as everywhere else.
            try:
                folder = self._ticket_folder or upload_tickets.kernel_folder()
                if folder is not None:
                    secret, tr.ticket_file = upload_tickets.mint(
                        folder, tr.path, size, transfer=tr.id
                    )
                    self._ticket_folder = folder
                    reply["ticket"] = secret
            except OSError as exc:
                log.debug("%s: no upload ticket (%s); the comm route it is", name, exc)
        self.error = ""
        self._sync_transfers()
        return reply

    def _progress(self, content: dict[str, Any]) -> None:
        tr = self._transfers.get(str(content.get("transfer")))
        if tr is None or tr.phase != "sending" or tr.fh is not None:
            return
        with contextlib.suppress(TypeError, ValueError):
            tr.received = max(tr.received, min(int(content.get("received", 0)), tr.size))
            self._sync_transfers()

    def _open_for_chunks(self, tr: _Transfer) -> None:
        """The comm route's first chunk: withdraw the server's ticket, open the file."""
        if tr.ticket_file is not None:
            if not upload_tickets.revoke(tr.ticket_file):
                # Claimed: the server is writing this file. Two writers would corrupt it.
                raise RuntimeError(
                    f"{tr.name} is already on its way through the Jupyter server; "
                    "wait for it, or cancel and pick the file again."
                )
            tr.ticket_file = None
        assert tr.path is not None
        tr.fh = open(tr.path, "wb")  # noqa: SIM115 - closed in _end / discard_partial

    def _chunk(self, content: dict[str, Any], buffers: list[Any]) -> dict[str, Any]:
        tr = self._get(content)
        if tr.phase == "sending" and tr.fh is None and tr.path is not None:
            self._open_for_chunks(tr)
        if tr.phase != "sending" or tr.fh is None:
            raise RuntimeError(f"{tr.name}: this upload is {tr.phase}; start it again.")
        if len(buffers) != 1:
            raise ValueError("a chunk message carries exactly one binary buffer")
        offset = int(content.get("offset", -1))
        data = memoryview(buffers[0]).cast("B")
        end = offset + data.nbytes
        if offset < tr.received or end > tr.size or offset in tr.early:
            message = f"{tr.name}: a chunk at byte {offset} does not fit; upload it again."
            if end > tr.size:
                message = f"{tr.name}: more bytes arrived than the file's size; upload again."
            self._fail(tr, message)
            raise ValueError(message)
        if offset > tr.received:
            # Ahead of its turn (a chunk before it is still on the way): hold it, within the
            # window the browser keeps, so the file is always written in byte order.
            if len(tr.early) >= self.window:
                self._fail(tr, f"{tr.name}: too many chunks out of order; upload it again.")
                raise ValueError(tr.error)
            tr.early[offset] = bytes(data)  # a copy: the message buffer is not ours to keep
            return {"received": tr.received}
        tr.fh.write(data)
        tr.received = end
        while tr.received in tr.early:  # the held chunks that now follow on
            block = tr.early.pop(tr.received)
            tr.fh.write(block)
            tr.received += len(block)
        now = time.monotonic()
        # The ack itself tells the sending view how far it is; the trait (seen by every view)
        # is synced a few times a second, not once per chunk.
        if now - tr.last_sync >= _PROGRESS_INTERVAL_S or tr.received == tr.size:
            tr.last_sync = now
            self._sync_transfers()
        return {"received": tr.received}

    async def _end(self, content: dict[str, Any]) -> dict[str, Any]:
        tr = self._get(content)
        via = "server" if content.get("via") == "server" else "comm"
        if tr.phase != "sending" or tr.path is None:
            raise RuntimeError(f"{tr.name}: this upload is {tr.phase}; start it again.")
        if via == "server":
            if tr.fh is not None:
                raise RuntimeError(f"{tr.name}: chunks came over the comm; upload it again.")
            # The server renamed the complete file into place; the ticket is spent.
            if tr.ticket_file is not None:
                upload_tickets.revoke(tr.ticket_file)
                tr.ticket_file = None
            tr.received = tr.path.stat().st_size if tr.path.is_file() else 0
        elif tr.fh is not None:
            tr.fh.close()
            tr.fh = None
        self.last_transport = via
        log.debug("%s: browser -> kernel via %s %s", tr.name, via, content.get("why") or "")
        if tr.received != tr.size:
            message = f"{tr.name}: received {tr.received} of {tr.size} bytes; upload it again."
            self._fail(tr, message)
            raise ValueError(message)
        tr.phase = "uploading"
        self._sync_transfers()
        # The API upload is its own task: the browser's `end` is answered now, progress and
        # the result reach it through the `transfers` and `files` traits.
        tr.task = self._tasks.start(self._upload(tr, tr.path))
        return {}

    def _cancel(self, content: dict[str, Any]) -> dict[str, Any]:
        tr = self._transfers.get(str(content.get("transfer")))
        if tr is None:
            return {}
        if tr.task is not None and not tr.task.done():
            tr.task.cancel()
        tr.discard_partial()
        self._transfers.pop(tr.id, None)
        self._sync_transfers()
        return {}

    async def _dismiss(self, content: dict[str, Any]) -> dict[str, Any]:
        tr = self._transfers.pop(str(content.get("transfer")), None)
        if tr is not None:
            tr.discard_partial()
        if not any(r.phase == "error" for r in self._transfers.values()):
            self.error = ""
        self._sync_transfers()
        return {}

    async def _add_msg(self, content: dict[str, Any]) -> dict[str, Any]:
        rows = await self.aadd(str(content.get("source") or ""))
        return {"files": rows}

    # ------------------------------------------------------------------ the API upload
    async def _upload(self, tr: _Transfer, source: Path | str) -> list[dict[str, Any]]:
        def on_progress(*args: Any) -> None:
            fraction = _fraction(args, tr.size)
            if fraction is None:
                return
            now = time.monotonic()
            if fraction < 1 and (
                fraction - tr.api_fraction < _PROGRESS_STEP
                and now - tr.last_sync < _PROGRESS_INTERVAL_S
            ):
                return
            tr.api_fraction, tr.last_sync = fraction, now
            self._sync_transfers()

        try:
            uploaded = await self._session.aupload(source, on_progress=on_progress)
        except asyncio.CancelledError:
            self._transfers.pop(tr.id, None)
            self._sync_transfers()
            raise
        except Exception as exc:
            self._fail(tr, error_text(exc))
            raise
        finally:
            tr.discard_partial()
        rows = [file_record(u) for u in uploaded or []]
        self._merge_files(rows)
        self._transfers.pop(tr.id, None)
        self._sync_transfers()
        return rows

    # ------------------------------------------------------------------ helpers
    def _new_transfer(self, name: str, size: int, *, source: str) -> _Transfer:
        tr = _Transfer(id=uuid.uuid4().hex[:12], name=name, size=size, source=source)
        self._transfers[tr.id] = tr
        return tr

    def _get(self, content: dict[str, Any]) -> _Transfer:
        tr = self._transfers.get(str(content.get("transfer")))
        if tr is None:
            raise KeyError(
                "This upload was cancelled or the kernel restarted; pick the file again."
            )
        return tr

    def _fail(self, tr: _Transfer, message: str) -> None:
        tr.phase, tr.error = "error", message
        tr.discard_partial()
        self.error = message
        self._sync_transfers()

    def _sync_transfers(self) -> None:
        self.transfers = [tr.row() for tr in self._transfers.values()]

    def _merge_files(self, rows: list[dict[str, Any]]) -> None:
        known = {(f.get("cdn_url") or f.get("name")) for f in self.files}
        new = [r for r in rows if (r.get("cdn_url") or r.get("name")) not in known]
        if new:
            self.files = [*self.files, *new]

    def _on_session_event(self, kind: str, payload: Any) -> None:
        # Uploads made from code (`s.upload(...)`) or by the chat appear in the list too.
        if kind != "uploads":
            return
        items = payload if isinstance(payload, list | tuple) else [payload]
        self._merge_files([file_record(u) for u in items if u is not None])

    def _show_error(self, exc: BaseException) -> None:
        self.error = error_text(exc)


def _fraction(args: tuple[Any, ...], size: int) -> float | None:
    """Progress callbacks may report ``(sent, total)``, ``(sent,)`` or a 0-1 fraction."""
    if not args:
        return None
    first = args[0]
    if hasattr(first, "fraction"):
        return float(first.fraction)
    if len(args) >= 2 and args[1]:
        return float(first) / float(args[1])
    if isinstance(first, float) and 0.0 <= first <= 1.0:
        return first
    return float(first) / size if size else None


_HANDLERS: dict[str, Callable[[UploadPicker, dict[str, Any]], Any]] = {
    "begin": UploadPicker._begin,
    "chunk": UploadPicker._chunk,  # answered inline, see _on_custom
    "end": UploadPicker._end,
    "progress": UploadPicker._progress,  # handled inline, never answered, see _on_custom
    "cancel": UploadPicker._cancel,  # answered inline, see _on_custom
    "dismiss": UploadPicker._dismiss,
    "add": UploadPicker._add_msg,
}
