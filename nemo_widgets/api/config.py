"""Where nemo-widgets keeps small files: the client id, cached tokens, session and render memory.

``NEMO_CONFIG_DIR`` (default ``~/.config/nemovideo``, the vendor's config path) and
``NEMO_WIDGETS_DATA_DIR`` (default ``~/.local/share/nemo-widgets``) move them, e.g. in tests.
Everything written here is the user's alone: files 0600, the folders made for them 0700 (on a
shared computer a readable client id or session list is an account someone else can use).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def config_dir() -> Path:
    """Directory of the client id and token cache (created on first write)."""
    env = os.environ.get("NEMO_CONFIG_DIR")
    return Path(env).expanduser() if env else Path.home() / ".config" / "nemovideo"


def data_dir() -> Path:
    """Directory of remembered sessions and render jobs (created on first write)."""
    env = os.environ.get("NEMO_WIDGETS_DATA_DIR")
    if env:
        return Path(env).expanduser()
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".local" / "share"
    return base / "nemo-widgets"


def read_json(path: Path, default: Any) -> Any:
    """Parsed JSON of ``path``, or ``default`` when it is missing or unreadable."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return default


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) with mode 0700; tighten it if it exists."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        if path.stat().st_mode & 0o077:
            os.chmod(path, 0o700)
    except OSError:
        pass  # not ours to change (a shared parent): the files inside stay 0600
    return path


def write_text(path: Path, text: str) -> None:
    """Write text atomically with mode 0600 in a 0700 folder."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, value: Any, *, private: bool = True) -> None:
    """Write JSON atomically (temp file + rename), so a crash never leaves half a file.

    The file gets mode 0600 (``mkstemp``'s) and its folder 0700, whatever ``private`` says
    (kept for callers of the earlier signature).
    """
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
