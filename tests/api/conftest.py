"""Fixtures for protocol tests: an isolated config/data dir and the fake server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from .fakes import FakeNemo
except ImportError:  # pragma: no cover - rootdir-style imports
    from fakes import FakeNemo


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Never touch the real ~/.config or ~/.local: every test gets its own dirs."""
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEMO_WIDGETS_DATA_DIR", str(tmp_path / "data"))
    for var in ("NEMO_TOKEN", "NEMO_CLIENT_ID", "SKILL_SOURCE", "NEMO_API_URL", "NEMO_WEB_URL"):
        monkeypatch.delenv(var, raising=False)
    yield tmp_path


@pytest.fixture
def fake() -> FakeNemo:
    return FakeNemo()


class Sleeper:
    """An injectable ``async sleep`` that records the delays instead of waiting.

    ``clock`` reads the time these sleeps would have taken: pass it where a time-out is
    tested without real waiting (time-outs are wall-clock time otherwise).
    """

    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    def clock(self) -> float:
        return sum(self.calls)


@pytest.fixture
def sleeper() -> Sleeper:
    return Sleeper()


@pytest.fixture
def client(fake: FakeNemo, sleeper: Sleeper):
    from nemo_widgets.api.client import NemoClient

    return NemoClient("http://api.test", transport=fake.transport, sleep=sleeper)
