"""The upload picker's Jupyter server extension, against a real ``jupyter server`` with a token.

The server is the one this environment installs (the extension is enabled by the config file
the package installs under ``etc/jupyter``, not by these tests). Tickets are minted the way the
kernel mints them (``upload_tickets.mint`` into the server's runtime directory).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from nemo_widgets import upload_tickets
from nemo_widgets.schema import MAX_UPLOAD_BYTES

TOKEN = "test-token-" + os.urandom(8).hex()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    url: str
    runtime: Path
    dest: Path  # a folder standing in for the kernel's temporary upload folder

    @property
    def tickets(self) -> Path:
        return upload_tickets.runtime_folder(self.runtime)

    @property
    def route(self) -> str:
        return f"{self.url}/{upload_tickets.ROUTE}"

    def mint(self, name: str, size: int, **kw: float) -> str:
        secret, _ = upload_tickets.mint(self.tickets, self.dest / name, size, **kw)
        return secret


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    base = tmp_path_factory.mktemp("jupyter-server")
    port = _free_port()
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(base / "config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "JUPYTER_DATA_DIR": str(base / "data"),
    }
    log = open(base / "server.log", "wb")  # noqa: SIM115 - closed below
    jupyter = Path(sys.executable).with_name("jupyter")
    proc = subprocess.Popen(
        [str(jupyter), "server", f"--port={port}", "--ip=127.0.0.1", "--no-browser",
         "--allow-root", f"--IdentityProvider.token={TOKEN}", "--ServerApp.port_retries=0",
         f"--ServerApp.root_dir={base}"],
        env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (base / "server.log").read_text()[-3000:]
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{url}/api/status", params={"token": TOKEN}).status_code == 200:
                    break
            assert time.monotonic() < deadline, "jupyter server did not start"
            time.sleep(0.2)
        dest = base / "kernel-upload"
        dest.mkdir()
        yield Server(url=url, runtime=base / "runtime", dest=dest)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


AUTH = {"Authorization": f"token {TOKEN}"}


def _put(server: Server, secret: str, body: bytes, **headers: str) -> httpx.Response:
    return httpx.put(
        server.route,
        content=body,
        headers={**AUTH, upload_tickets.HEADER: secret, **headers},
        timeout=30,
    )


def test_the_extension_is_enabled_by_the_installed_config() -> None:
    jupyter = Path(sys.executable).with_name("jupyter")
    out = subprocess.run(
        [str(jupyter), "server", "extension", "list"], capture_output=True, text=True, check=True
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.stdout + out.stderr)  # without the colours
    assert re.search(r"nemo_widgets\.upload_server\s+enabled", text), text
    assert re.search(r"nemo_widgets\.upload_server\s+OK", text), text


def test_a_ticketed_put_writes_the_file_once(server: Server) -> None:
    body = os.urandom(3 * 1024 * 1024 + 17)
    secret = server.mint("clip.mp4", len(body))
    assert httpx.get(server.route, headers={**AUTH, upload_tickets.HEADER: secret}).status_code == (
        200
    )
    r = _put(server, secret, body)
    assert r.status_code == 201, r.text
    assert r.json() == {"received": len(body)}
    assert (server.dest / "clip.mp4").read_bytes() == body
    assert not [p for p in server.dest.iterdir() if p.name.endswith(".part")]
    # One time only: the ticket is gone, the same secret writes nothing more.
    assert list(server.tickets.glob("*.json")) == []
    again = _put(server, secret, body)
    assert again.status_code == 404 and "pick the file again" in again.json()["message"]
    check = httpx.get(server.route, headers={**AUTH, upload_tickets.HEADER: secret})
    assert check.status_code == 404


def test_without_the_users_token_nothing_is_written(server: Server) -> None:
    body = b"x" * 1000
    secret = server.mint("anon.mp4", len(body))
    r = httpx.put(server.route, content=body, headers={upload_tickets.HEADER: secret})
    assert r.status_code == 403
    assert httpx.get(server.route).status_code == 403
    assert not (server.dest / "anon.mp4").exists()
    # The refused request did not use the ticket up: the user's own request still can.
    assert _put(server, secret, body).status_code == 201


def test_a_browser_session_needs_the_xsrf_token(server: Server) -> None:
    # Log in with the token like a browser does, then upload with the session cookie only.
    with httpx.Client(base_url=server.url, timeout=30) as browser:
        browser.get("/login")
        xsrf = browser.cookies["_xsrf"]
        login = browser.post("/login", data={"password": TOKEN, "_xsrf": xsrf})
        assert login.status_code in (200, 302), login.text
        body = os.urandom(5000)
        secret = server.mint("cookie.mp4", len(body))
        headers = {upload_tickets.HEADER: secret}
        refused = browser.put(f"/{upload_tickets.ROUTE}", content=body, headers=headers)
        assert refused.status_code == 403
        assert not (server.dest / "cookie.mp4").exists()
        ok = browser.put(
            f"/{upload_tickets.ROUTE}", content=body, headers={**headers, "X-XSRFToken": xsrf}
        )
        assert ok.status_code == 201, ok.text
        assert (server.dest / "cookie.mp4").read_bytes() == body


def test_a_size_other_than_the_tickets_is_refused(server: Server) -> None:
    secret = server.mint("short.mp4", 2000)
    r = _put(server, secret, b"y" * 1999)
    assert r.status_code == 400 and "kernel expects 2000" in r.json()["message"]
    assert list(server.dest.glob("*short*")) == []


def test_an_expired_ticket_is_refused(server: Server) -> None:
    secret = server.mint("late.mp4", 10, ttl_s=-1)
    r = _put(server, secret, b"z" * 10)
    assert r.status_code == 404
    assert not (server.dest / "late.mp4").exists()


def test_a_file_over_the_limit_is_refused_before_its_body(server: Server) -> None:
    size = MAX_UPLOAD_BYTES + 1
    secret = server.mint("huge.mp4", size)
    # Only the headers are sent: the server answers from them.
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(
            (
                f"PUT /{upload_tickets.ROUTE} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: token {TOKEN}\r\n{upload_tickets.HEADER}: {secret}\r\n"
                f"Content-Length: {size}\r\n\r\n"
            ).encode()
        )
        head = sock.recv(65536).decode(errors="replace")
    assert head.startswith("HTTP/1.1 413"), head
    assert "the maximum is 500 MB" in head
    assert not list(server.dest.glob("*huge*"))


def test_a_dropped_upload_leaves_no_partial_file(server: Server) -> None:
    size = 8 * 1024 * 1024
    secret = server.mint("dropped.mp4", size)
    with socket.create_connection(("127.0.0.1", int(server.url.rsplit(":", 1)[1]))) as sock:
        sock.sendall(
            (
                f"PUT /{upload_tickets.ROUTE} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Authorization: token {TOKEN}\r\n{upload_tickets.HEADER}: {secret}\r\n"
                f"Content-Length: {size}\r\n\r\n"
            ).encode()
        )
        sock.sendall(os.urandom(size // 2))
        # The server has started writing: the hidden partial file is there.
        deadline = time.monotonic() + 30
        while not list(server.dest.glob(".dropped.mp4.*.part")):
            assert time.monotonic() < deadline, "the server never started writing"
            time.sleep(0.05)
    # Closing the connection mid-body (a cancel) deletes it.
    deadline = time.monotonic() + 30
    while list(server.dest.glob("*dropped*")):
        assert time.monotonic() < deadline, list(server.dest.iterdir())
        time.sleep(0.05)
    assert _put(server, secret, b"0" * size).status_code == 404  # and the ticket is spent
