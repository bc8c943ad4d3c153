"""The real engine as a subprocess for tests: ``start_engine``, ``Engine`` and request headers.

Kept out of ``conftest.py`` so test modules can import it by a name no other file shares
(several folders have a ``conftest.py``; ``from conftest import`` picks whichever loaded first).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

#: Attribution headers every well-behaved client sends (missing ones make export 402).
SKILL_HEADERS = {
    "X-Skill-Source": "nemo-video",
    "X-Skill-Version": "1.9",
    "X-Skill-Platform": "unknown",
}

#: Upload cap of the shared test engine (small, so "too large" tests stay fast).
TEST_MAX_UPLOAD_BYTES = 8 * 1024 * 1024


class _FaultsContext:
    def __init__(self, engine: Engine, reply: dict[str, Any]) -> None:
        self.engine = engine
        self.reply = reply

    def __enter__(self) -> dict[str, Any]:
        return self.reply

    def __exit__(self, *exc: object) -> None:
        self.engine.faults(reset=True)


@dataclass
class Engine:
    """A running engine for tests: ``url``, ``data_dir`` and helpers for raw HTTP calls."""

    url: str
    data_dir: Path
    handle: Any = field(repr=False, default=None)

    def faults(self, **settings: Any) -> _FaultsContext:
        """Set faults (see ``nemo_widgets/engine/faults.py``); ``with`` resets them after."""
        r = httpx.post(f"{self.url}/_faults", json=settings, timeout=10)
        r.raise_for_status()
        return _FaultsContext(self, r.json()["data"])

    def client(self, token: str | None = None, **kw: Any) -> httpx.Client:
        """An httpx client for the engine with attribution headers (and the token if given)."""
        headers = dict(SKILL_HEADERS)
        if token:
            headers["Authorization"] = f"Bearer {token}"
        headers.update(kw.pop("headers", {}))
        return httpx.Client(base_url=self.url, headers=headers, timeout=60, **kw)

    def new_token(self, client_id: str | None = None) -> dict[str, Any]:
        """``data`` of a fresh anonymous token (``token``, ``user_id``, ``credits``...)."""
        r = httpx.post(
            f"{self.url}/api/auth/anonymous-token",
            headers={"X-Client-Id": client_id or f"test-{uuid.uuid4()}"},
            timeout=10,
        )
        r.raise_for_status()
        return r.json()["data"]

    def new_session(self, token: str, language: str = "en") -> dict[str, Any]:
        with self.client(token) as c:
            r = c.post(
                "/api/tasks/me/with-session/nemo_agent",
                json={"task_name": "test", "language": language},
            )
        r.raise_for_status()
        return r.json()["data"]

    def stop(self) -> None:
        if self.handle is not None:
            self.handle.stop()


def start_engine(
    data_dir: Path,
    *extra_args: str,
    env: dict[str, str] | None = None,
    warm: bool = False,
    ration: bool = True,
) -> Engine:
    """Start a real engine subprocess on ``data_dir`` with test switches (faults enabled).

    ``warm`` lets it load the speech models in the background at start, as a user's engine
    does; the short-lived engines of single tests skip that (on two shared cores it costs
    every one of them seconds of CPU for captions they never make). ``ration`` (the default
    here) makes it keep credits like the cloud, which the tests of the 2001 paths and of
    charging need; users' engines never refuse work for credits.
    """
    from nemo_widgets.engine.launcher import ensure_engine

    env = {**({} if warm else {"NEMO_ENGINE_WARM": "0"}), **(env or {})}

    args = [
        *(["--ration-credits"] if ration else []),
        "--enable-faults",
        "--heartbeat-s",
        "1",
        "--max-upload-mb",
        str(TEST_MAX_UPLOAD_BYTES / (1024 * 1024)),
        "--ip-token-cap",
        "1000",
        *extra_args,
    ]
    handle = ensure_engine(data_dir, extra_args=args, env=env, timeout=60)
    return Engine(url=handle.url, data_dir=data_dir, handle=handle)
