"""Fixtures of the reliability suite: engines of their own (to kill), clips and raw helpers.

Most cases use the shared ``engine``; the ones that kill, stop or restart an engine start
their own on a temporary data dir with :func:`own_engine`, and every engine started here is
stopped at the end of its test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from engine_kit import Engine, start_engine


@pytest.fixture
def own_engine(engine_env: dict[str, str]) -> Iterator[Callable[..., Engine]]:
    """``own_engine(data_dir, *flags)``: a real engine of this test (stopped afterwards)."""
    started: list[Engine] = []

    def start(data_dir: Path, *flags: str, env: dict[str, str] | None = None) -> Engine:
        eng = start_engine(data_dir, *flags, env=env)
        started.append(eng)
        return eng

    yield start
    for eng in started:
        eng.stop()
