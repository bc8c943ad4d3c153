"""Jupyter server extension: the upload picker streams a browser file straight to the kernel's disk.

A widget's comm carries every byte through the Jupyter server's websocket, the kernel's ZMQ
socket and ipykernel's one-thread message loop (about 0.04x the speed of a plain HTTP POST of
the same file, measured in ``bench/bench_browser_upload.py``). With this extension the browser
sends the file in one ``PUT`` to the server that serves the notebook, and the server writes it
where the kernel asked, so the kernel never touches the bytes.

``PUT {base_url}nemo-widgets/upload`` with the ``X-Nemo-Upload-Ticket`` header (a one-time
ticket the kernel minted for this one file: ``upload_tickets.py``) and exactly the ticket's size
as ``Content-Length``. The body is written as it arrives to a hidden name beside the
destination and renamed once every byte is there; a short body, a dropped connection or a
cancel deletes it. ``GET`` with the same header answers whether the ticket is there (the
browser's check before it commits a file to this route; without the header: whether the
extension is installed).

Authentication is the Jupyter server's own: ``APIHandler`` (a ``JupyterHandler``) identifies
the user and checks XSRF and the origin in ``prepare``, before any byte of the body is read;
``@web.authenticated`` refuses an unknown user, and the server's authorizer must allow writing
``contents``. So only the notebook's own user can upload, and only where their kernel asked.

Enabled by ``jupyter-config/jupyter_server_config.d/nemo_widgets.json``, which the wheel
installs into ``etc/jupyter`` (``jupyter server extension list`` shows it). Where it is not
(Colab, VS Code, a remote kernel, the extension disabled) the picker uses its comm chunks.
"""

from __future__ import annotations

import contextlib
import json
import os
import uuid
from pathlib import Path
from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado import web

from . import upload_tickets
from .schema import MAX_UPLOAD_BYTES

#: Bumped when the browser <-> server protocol changes; the view checks it.
PROTOCOL_VERSION = 1


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


@web.stream_request_body
class UploadHandler(APIHandler):
    """``PUT``: write one ticketed file as it streams in; ``GET``: is the route or ticket here."""

    auth_resource = "contents"

    def initialize(self, tickets: Path) -> None:  # type: ignore[override]
        self._tickets = tickets
        self._ticket: upload_tickets.Ticket | None = None
        self._part: Path | None = None
        self._fh: Any = None
        self._received = 0
        self._done = False

    async def prepare(self) -> None:  # type: ignore[override]
        # Identity, XSRF and origin are checked here by the server's own base classes, before
        # tornado reads the body (a streamed body waits for prepare).
        await super().prepare()
        if self.request.method != "PUT":
            return
        if not self.current_user:  # what @web.authenticated checks, before the body
            raise web.HTTPError(403)
        allowed = self.authorizer.is_authorized(self, self.current_user, "write", "contents")
        if not isinstance(allowed, bool):
            allowed = await allowed
        if not allowed:
            raise web.HTTPError(403, "You are not allowed to write files on this server.")
        length = self.request.headers.get("Content-Length")
        if length is None or not length.isdigit():
            raise web.HTTPError(411, "Send the file with its Content-Length.")
        size = int(length)
        if size > MAX_UPLOAD_BYTES:
            raise web.HTTPError(
                413,
                f"The file is {_mb(size)}; the maximum is {_mb(MAX_UPLOAD_BYTES)}. "
                "Trim or compress it first, then upload again.",
            )
        ticket = upload_tickets.claim(
            self._tickets, self.request.headers.get(upload_tickets.HEADER, "")
        )
        if ticket is None:
            raise web.HTTPError(
                404, "This upload ticket is unknown, used or expired; pick the file again."
            )
        if size != ticket.size:
            raise web.HTTPError(
                400, f"The upload announced {size} bytes; the kernel expects {ticket.size}."
            )
        dest = ticket.path
        if not dest.is_absolute() or not dest.parent.is_dir() or dest.exists():
            raise web.HTTPError(
                409, "The kernel's folder for this upload is gone; pick the file again."
            )
        self.request.connection.set_max_body_size(MAX_UPLOAD_BYTES)
        self._ticket = ticket
        self._part = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")
        fd = os.open(self._part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        self._fh = os.fdopen(fd, "wb")

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        if self.request.method == "PUT" and not self._done:
            # Refused before its body was read: tornado drops the connection after this
            # answer, so say so, or a client would send its next request down a closed socket.
            self.set_header("Connection", "close")
        super().write_error(status_code, **kwargs)

    def data_received(self, chunk: bytes) -> None:
        if self._fh is None:  # a GET with a body, or a refused PUT
            return
        # Tornado reads no more than the Content-Length prepare checked against the ticket.
        self._received += len(chunk)
        self._fh.write(chunk)

    @web.authenticated
    def get(self) -> None:
        secret = self.request.headers.get(upload_tickets.HEADER)
        if secret is not None and not upload_tickets.exists(self._tickets, secret):
            raise web.HTTPError(404, "This upload ticket is unknown, used or expired.")
        self.finish(json.dumps({"version": PROTOCOL_VERSION, "max_bytes": MAX_UPLOAD_BYTES}))

    @web.authenticated
    def put(self) -> None:
        assert self._ticket is not None and self._fh is not None and self._part is not None
        self._fh.close()
        self._fh = None
        if self._received != self._ticket.size:
            self._discard()
            raise web.HTTPError(
                400, f"Received {self._received} of {self._ticket.size} bytes; upload again."
            )
        try:
            os.replace(self._part, self._ticket.path)
        except OSError as exc:
            self._discard()
            raise web.HTTPError(409, "The kernel's folder for this upload is gone.") from exc
        self._done = True
        self.set_status(201)
        self.finish(json.dumps({"received": self._received}))

    def on_connection_close(self) -> None:
        # The browser cancelled (or went away) mid-body: no partial file stays.
        self._discard()

    def on_finish(self) -> None:
        if not self._done:
            self._discard()

    def _discard(self) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                self._fh.close()
            self._fh = None
        if self._part is not None and not self._done:
            with contextlib.suppress(OSError):
                os.unlink(self._part)
            self._part = None


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "nemo_widgets.upload_server"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    web_app = serverapp.web_app
    route = url_path_join(web_app.settings["base_url"], upload_tickets.ROUTE)
    tickets = upload_tickets.runtime_folder(serverapp.runtime_dir)
    web_app.add_handlers(".*$", [(route, UploadHandler, {"tickets": tickets})])
    serverapp.log.debug("nemo-widgets: upload picker route at %s", route)
