"""Shared fixtures: the real engine as a subprocess (``engine``) and test clips (``make_clip``).

``engine`` is started once per test session through the launcher, on a free port, with a
temporary data dir and a fresh client id / config dir, so no test touches the user's files.
Use ``engine.faults(...)`` (a context manager that resets on exit) to make it misbehave.
"""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

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


def start_engine(data_dir: Path, *extra_args: str, env: dict[str, str] | None = None) -> Engine:
    """Start a real engine subprocess on ``data_dir`` with test switches (faults enabled)."""
    from nemo_widgets.engine.launcher import ensure_engine

    args = [
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


@pytest.fixture(scope="session")
def engine_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A fresh client id, client config dir and engine dir for the whole test session."""
    root = tmp_path_factory.mktemp("nemo-env")
    env = {
        "NEMO_CLIENT_ID": f"pytest-{uuid.uuid4()}",
        "NEMO_CONFIG_DIR": str(root / "config"),
        "NEMO_WIDGETS_DATA_DIR": str(root / "client-data"),
        "NEMO_ENGINE_DIR": str(root / "engine"),
    }
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("NEMO_TOKEN", raising=False)
        mp.delenv("NEMO_API_URL", raising=False)
        yield env


@pytest.fixture(scope="session")
def engine(engine_env: dict[str, str]) -> Iterator[Engine]:
    """The real engine, started once per session via the launcher (faults enabled)."""
    eng = start_engine(Path(engine_env["NEMO_ENGINE_DIR"]))
    try:
        yield eng
    finally:
        eng.stop()


@pytest.fixture(scope="session")
def _clip_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("clips")


@pytest.fixture(scope="session")
def make_clip(_clip_cache: Path) -> Callable[..., Path]:
    """Generate a small test clip (ffmpeg ``testsrc2`` + ``sine``, H.264/AAC MP4).

    ``make_clip(tmp_path, seconds=3, size="640x360", audio=True, fps=25, name=None)`` returns
    a path inside ``tmp_path`` (a fresh copy, safe to modify); without a directory it returns
    the cached original. Identical clips are generated once per session.
    """
    from nemo_widgets.engine.media import make_test_clip

    def make(
        directory: Path | None = None,
        seconds: float = 3.0,
        size: str = "640x360",
        audio: bool = True,
        *,
        fps: int = 25,
        name: str | None = None,
    ) -> Path:
        w, h = (int(v) for v in size.lower().split("x"))
        key = f"clip-{seconds:g}s-{w}x{h}-{fps}fps-{'a' if audio else 'na'}.mp4"
        cached = _clip_cache / key
        if not cached.exists():
            tmp = cached.with_suffix(".tmp.mp4")
            make_test_clip(tmp, seconds=seconds, size=(w, h), fps=fps, audio=audio)
            tmp.rename(cached)
        if directory is None:
            return cached
        out = Path(directory) / (name or key)
        shutil.copyfile(cached, out)
        return out

    return make
