"""Where nemo-widgets keeps small files: the client id, cached tokens, session and render memory.

``NEMO_CONFIG_DIR`` (default ``~/.config/nemovideo``, the vendor's config path) and
``NEMO_WIDGETS_DATA_DIR`` (default ``~/.local/share/nemo-widgets``) move them, e.g. in tests.
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


def write_json(path: Path, value: Any, *, private: bool = False) -> None:
    """Write JSON atomically (temp file + rename), so a crash never leaves half a file.

    ``private=True`` creates the file with mode 0600 (it holds a token).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        if private:
            os.chmod(tmp, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(value, fh, indent=1, sort_keys=True)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
