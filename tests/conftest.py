"""Shared fixtures: the real engine as a subprocess (``engine``) and test clips (``make_clip``).

``engine`` is started once per test session through the launcher, on a free port, with a
temporary data dir and a fresh client id / config dir, so no test touches the user's files.
Use ``engine.faults(...)`` (a context manager that resets on exit) to make it misbehave.
The engine helpers themselves live in ``engine_kit.py``.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engine_kit import SKILL_HEADERS, TEST_MAX_UPLOAD_BYTES, Engine, start_engine

# every test (and the engines it starts, which inherit the environment) checks that no shared
# state value is changed in place (engine/state_parts.py): set before the engine is imported
os.environ.setdefault("NEMO_ENGINE_CHECK_STATE", "1")

__all__ = ["SKILL_HEADERS", "TEST_MAX_UPLOAD_BYTES", "Engine", "start_engine"]


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


@pytest.fixture(autouse=True)
def _own_account(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Each engine test gets its own anonymous account (client id and token cache).

    Credits are per account, like in the cloud: sharing one across the whole suite would make
    a test fail or pass depending on how many paid turns ran before it.
    """
    if "engine_env" in request.fixturenames:
        monkeypatch.setenv("NEMO_CLIENT_ID", f"pytest-{uuid.uuid4()}")
        monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "nemo-config"))


@pytest.fixture(scope="session")
def engine(engine_env: dict[str, str]) -> Iterator[Engine]:
    """The real engine, started once per session via the launcher (faults enabled)."""
    eng = start_engine(Path(engine_env["NEMO_ENGINE_DIR"]), warm=True)  # captions tests use it
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
