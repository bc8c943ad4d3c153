"""Client id, tokens and the per-base-URL token cache (mode 0600) that survives kernel restarts.

Anonymous tokens are limited to one per client per 7 days, so a restarted kernel must reuse the
token it already has: it is cached under :func:`~nemo_widgets.api.config.config_dir` keyed by
base URL. The token itself is held in a :class:`Secret`, whose repr and str never show it.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from . import config
from .errors import register_secret

CLIENT_ID_MAX = 64
_CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9._:\-]{1,64}$")


class Secret:
    """A string that never shows itself in a repr, str, f-string or log line.

    Use :meth:`reveal` at the single place the value is sent (the Authorization header).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value
        register_secret(value)

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __reduce__(self):  # never pickled into a notebook or widget state
        raise TypeError("a Secret cannot be pickled")


def client_id() -> str:
    """The stable client id: ``NEMO_CLIENT_ID``, else ``<config>/client_id`` (created once)."""
    env = os.environ.get("NEMO_CLIENT_ID", "").strip()
    if env:
        return env[:CLIENT_ID_MAX]
    path = config.config_dir() / "client_id"
    try:
        value = path.read_text(encoding="utf-8").strip()[:CLIENT_ID_MAX]
        if _CLIENT_ID_RE.match(value):
            if path.stat().st_mode & 0o077:  # an older version wrote it 0644
                os.chmod(path, 0o600)
            return value
    except OSError:
        pass
    value = str(uuid.uuid4())
    config.write_text(path, value + "\n")  # 0600 in a 0700 folder: the id names an account
    return value


@dataclass
class CachedToken:
    """A token from the cache, with the anonymous user id needed for the ``?bind=`` link."""

    token: Secret
    user_id: str | None = None
    expires_at: float | None = None  # epoch seconds

    @property
    def expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= time.time() + 60


def _cache_path() -> Path:
    return config.config_dir() / "tokens.json"


def _key(base_url: str) -> str:
    return base_url.rstrip("/")


def load_token(base_url: str) -> CachedToken | None:
    """The cached, unexpired anonymous token for ``base_url``, if any."""
    entry = config.read_json(_cache_path(), {}).get(_key(base_url))
    if not isinstance(entry, dict) or not entry.get("token"):
        return None
    cached = CachedToken(Secret(entry["token"]), entry.get("user_id"), entry.get("expires_at"))
    return None if cached.expired else cached


def save_token(base_url: str, token: CachedToken) -> None:
    """Cache ``token`` for ``base_url`` in a 0600 file; expired entries are pruned."""
    path = _cache_path()
    cache = config.read_json(path, {})
    if not isinstance(cache, dict):
        cache = {}
    now = time.time()
    cache = {
        k: v
        for k, v in cache.items()
        if isinstance(v, dict) and (v.get("expires_at") or now + 1) > now
    }
    cache[_key(base_url)] = {
        "token": token.token.reveal(),
        "user_id": token.user_id,
        "expires_at": token.expires_at,
    }
    config.write_json(path, cache, private=True)


def forget_token(base_url: str) -> None:
    """Drop the cached token of ``base_url`` (after the server said it expired)."""
    path = _cache_path()
    cache = config.read_json(path, {})
    if isinstance(cache, dict) and cache.pop(_key(base_url), None) is not None:
        config.write_json(path, cache, private=True)


def parse_expiry(value: object) -> float | None:
    """Epoch seconds from an ISO-8601 string or a number (seconds or ms); None if unknown."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) / 1000 if value > 1e11 else float(value)
    if isinstance(value, str) and value:
        from datetime import datetime

        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None
