"""Find or start the embedded engine process: the one engine module the client may import.

:func:`ensure_engine` reuses a live engine recorded in ``<data_dir>/engine.json`` (checked with
``GET /health``) or spawns ``python -m nemo_widgets.engine`` as a child process and waits until
it answers. A spawned engine stops when the interpreter exits unless ``keep=True``.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import schema
from .config import default_data_dir

#: Seconds to wait for a spawned engine to answer /health.
START_TIMEOUT_S = 60.0


class EngineStartError(RuntimeError):
    """The engine process could not be started; the message includes its stderr tail."""


@dataclass
class EngineHandle:
    """A running engine.

    Attributes
    ----------
    url : str
        ``"http://127.0.0.1:PORT"``.
    data_dir : Path
        The engine's database and media folder.
    owned : bool
        True when this process started the engine (False when an existing one was reused).
    """

    url: str
    data_dir: Path
    process: subprocess.Popen | None = field(default=None, repr=False)
    owned: bool = False
    _stopped: bool = field(default=False, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the engine if this process started it (a reused engine is left running)."""
        if self._stopped or self.process is None:
            return
        self._stopped = True
        proc = self.process
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        _close_log(proc)


def _close_log(proc: subprocess.Popen) -> None:
    log = getattr(proc, "_nemo_log", None)
    if log is not None:
        with contextlib.suppress(OSError):
            log.close()


def _healthy(url: str, timeout: float = 2.0, pid: int | None = None) -> bool:
    """The engine at ``url`` answers (and is process ``pid``, not another one on that port).

    A plain ``http.client`` request: the engine is plain HTTP on loopback, and each
    ``httpx.get`` builds a TLS context first (~25 ms of CPU), which the start-up wait, polling
    every 50 ms, paid on every poll (``bench/bench_connect.py``).
    """
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        return False
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        conn.request("GET", "/health")
        r = conn.getresponse()
        body = json.loads(r.read())
        return (
            r.status == 200
            and body.get("status") == "ok"
            and (pid is None or body.get("pid") == pid)
        )
    except (OSError, http.client.HTTPException, ValueError, AttributeError):
        return False
    finally:
        conn.close()


def _read_info(data_dir: Path) -> dict | None:
    try:
        info = json.loads((data_dir / "engine.json").read_text())
    except (OSError, ValueError):
        return None
    return info if isinstance(info, dict) and info.get("url") else None


def owner_proof(url: str, data_dir: Path | None = None) -> str | None:
    """The owner proof of the engine serving ``url`` (``schema.ENGINE_OWNER_FILE``), if this
    user can read it: from ``data_dir`` (default: the default data folder), only when the
    engine recorded there is the one at ``url``. None for any other server, so the proof
    never goes anywhere but to its own engine."""
    folder = Path(data_dir).expanduser() if data_dir else default_data_dir()
    info = _read_info(folder)
    if not info or str(info["url"]).rstrip("/") != url.rstrip("/"):
        return None
    try:
        key = (folder / schema.ENGINE_OWNER_FILE).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return key or None


def _tail(path: Path, chars: int = 2000) -> str:
    try:
        with open(path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            size = fh.tell()
            fh.seek(max(0, size - chars))
            return fh.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


_lock = threading.Lock()


def ensure_engine(
    data_dir: Path | None = None,
    *,
    keep: bool = False,
    port: int = 0,
    extra_args: list[str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = START_TIMEOUT_S,
) -> EngineHandle:
    """A running engine for ``data_dir``: the live one recorded there, or a new child process.

    Parameters
    ----------
    data_dir
        Database and media folder; default ``$NEMO_ENGINE_DIR`` or
        ``~/.local/share/nemo-widgets/engine``.
    keep
        Leave a spawned engine running when this interpreter exits.
    port
        Port on 127.0.0.1 for a spawned engine; 0 picks a free one.
    extra_args, env
        More command-line flags / environment for a spawned engine (tests use these).
    timeout
        Seconds to wait for a spawned engine to answer.

    Raises
    ------
    EngineStartError
        The engine exited or did not answer in time; the message includes its log tail.
    """
    data_dir = Path(data_dir).expanduser().resolve() if data_dir else default_data_dir()
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    # the file lock keeps two processes (two notebooks) from both starting an engine on the
    # same data dir; the thread lock does the same for threads of this process
    with _lock, _file_lock(data_dir / "engine.lock"):
        info = _read_info(data_dir)
        if info and _healthy(info["url"], pid=info.get("pid")):
            return EngineHandle(url=info["url"], data_dir=data_dir, owned=False)
        return _spawn(
            data_dir, keep=keep, port=port, extra_args=extra_args, env=env, timeout=timeout
        )


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: the thread lock is all we have
        yield
        return
    with os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _spawn(
    data_dir: Path,
    *,
    keep: bool,
    port: int,
    extra_args: list[str] | None,
    env: dict[str, str] | None,
    timeout: float,
) -> EngineHandle:
    log_path = data_dir / "engine.log"
    # owned by the handle, closed on stop; 0600: the log may name the user's files
    log = os.fdopen(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
    cmd = [
        sys.executable,
        "-m",
        "nemo_widgets.engine",
        "--port",
        str(port),
        "--data-dir",
        str(data_dir),
        *(extra_args or []),
    ]
    child_env = {**os.environ, **(env or {}), "PYTHONUNBUFFERED": "1"}
    start_offset = log.tell()
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        env=child_env,
        start_new_session=True,  # a Ctrl-C in the notebook must not kill the engine mid-write
    )
    proc._nemo_log = log  # type: ignore[attr-defined]
    handle = EngineHandle(url="", data_dir=data_dir, process=proc, owned=True)
    deadline = time.monotonic() + timeout
    while True:
        code = proc.poll()
        if code is not None:
            _close_log(proc)
            raise EngineStartError(
                f"The nemo-widgets engine exited with code {code} while starting "
                f"(data dir {data_dir}). Its log says:\n{_tail_from(log_path, start_offset)}"
            )
        info = _read_info(data_dir)
        if info and _healthy(info["url"], timeout=1.0, pid=proc.pid):
            handle.url = info["url"]
            break
        if time.monotonic() > deadline:
            handle.stop()
            raise EngineStartError(
                f"The nemo-widgets engine did not answer within {timeout:g} s "
                f"(data dir {data_dir}). Its log says:\n{_tail_from(log_path, start_offset)}"
            )
        time.sleep(0.05)
    if not keep:
        atexit.register(handle.stop)
    return handle


def _tail_from(path: Path, offset: int) -> str:
    text = _tail(path, 4000)
    try:
        size = path.stat().st_size
    except OSError:
        return text or "(no output)"
    # show only what this start wrote when the log holds earlier runs too
    new = size - offset
    return (text[-new:] if 0 < new < len(text) else text) or "(no output)"
