"""One-time upload tickets: the kernel lets the Jupyter server write one browser file to one place.

The upload picker's kernel side mints a ticket for one transfer (a random secret, bound to one
destination path and one exact size, valid for a few minutes) and hands the secret to its own
view over the widget's comm (a custom message, never a trait saved with the notebook). The
browser sends the secret in a header with the file to the server extension
(``upload_server.py``), which claims the ticket, once, before writing a byte.

Both sides find the tickets in one folder under the Jupyter runtime directory (where the server
writes the kernels' connection files, so a kernel the server started sees the same folder). The
secret itself is never stored: a ticket's file is named by the secret's SHA-256 and written with
mode 0600 in a 0700 folder, so listing the folder gives nothing away. Stdlib only: the kernel
and the server both import this module, and neither should pay for the other's imports.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

#: Where the server extension listens, under the server's base URL.
ROUTE = "nemo-widgets/upload"
#: The request header that carries the ticket's secret (a header, so it is never in a URL or
#: an access log).
HEADER = "X-Nemo-Upload-Ticket"
#: From minting to the upload's first byte; the upload itself may take longer.
TTL_S = 600.0
#: The ticket folder's name under the runtime directory.
FOLDER_NAME = "nemo-upload-tickets"


@dataclass(frozen=True)
class Ticket:
    """What one ticket allows: writing exactly ``size`` bytes to ``path`` before ``expires``."""

    path: Path
    size: int
    expires: float  # time.time() seconds
    transfer: str = ""


def runtime_folder(runtime_dir: str | os.PathLike[str]) -> Path:
    """The ticket folder under a Jupyter runtime directory."""
    return Path(runtime_dir) / FOLDER_NAME


def kernel_folder() -> Path | None:
    """The ticket folder the Jupyter server that started this kernel reads, if there is one.

    The server writes each kernel's connection file into its runtime directory, so the
    connection file's folder is the server's, even when ``JUPYTER_RUNTIME_DIR`` differs.
    """
    with contextlib.suppress(Exception):
        from ipykernel.connect import get_connection_file

        connection = Path(get_connection_file())
        if connection.is_file():
            return runtime_folder(connection.resolve().parent)
    with contextlib.suppress(ImportError):
        from jupyter_core.paths import jupyter_runtime_dir

        return runtime_folder(jupyter_runtime_dir())
    return None


def _file(folder: Path, secret: str) -> Path:
    return folder / f"{hashlib.sha256(secret.encode()).hexdigest()}.json"


def mint(
    folder: Path, path: Path, size: int, *, transfer: str = "", ttl_s: float = TTL_S
) -> tuple[str, Path]:
    """A new ticket for writing ``size`` bytes to ``path``: ``(secret, ticket file)``.

    The file appears complete or not at all (written under a temporary name, then renamed).
    Expired tickets left by earlier kernels are removed on the way.
    """
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    _prune(folder)
    secret = secrets.token_urlsafe(32)
    target = _file(folder, secret)
    body = json.dumps(
        {
            "path": str(Path(path).resolve()),
            "size": int(size),
            "expires": time.time() + ttl_s,
            "transfer": transfer,
        }
    ).encode()
    temp = folder / f".{uuid.uuid4().hex}.tmp"
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return secret, target


def claim(folder: Path, secret: str) -> Ticket | None:
    """Take the ticket for ``secret``, once: None if unknown, already claimed or expired."""
    if not secret or len(secret) > 200:
        return None
    source = _file(folder, secret)
    taken = source.with_name(f".{source.stem}.{uuid.uuid4().hex}.claimed")
    try:
        # A rename is atomic: of two requests with the same secret, exactly one wins.
        os.rename(source, taken)
    except OSError:
        return None
    try:
        data = json.loads(taken.read_bytes())
        ticket = Ticket(
            path=Path(data["path"]),
            size=int(data["size"]),
            expires=float(data["expires"]),
            transfer=str(data.get("transfer", "")),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(taken)
    if ticket.expires < time.time():
        return None
    return ticket


def exists(folder: Path, secret: str) -> bool:
    """Whether an unclaimed, unexpired ticket exists for ``secret`` (the browser's check)."""
    if not secret or len(secret) > 200:
        return False
    try:
        data = json.loads(_file(folder, secret).read_bytes())
        return float(data["expires"]) >= time.time()
    except (OSError, ValueError, KeyError, TypeError):
        return False


def revoke(ticket_file: Path) -> bool:
    """Withdraw a ticket; True if it was still unclaimed (so no server is writing with it)."""
    try:
        os.unlink(ticket_file)
    except OSError:
        return False
    return True


def _prune(folder: Path) -> None:
    now = time.time()
    for entry in folder.glob("*.json"):
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            if float(json.loads(entry.read_bytes())["expires"]) < now:
                entry.unlink()
