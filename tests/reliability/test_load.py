"""Issue 14: a bounded load (20 sessions x 3 chats + 5 exports) on a real engine, zero errors.

The driver is ``bench/bench_load.py`` (which also reports ``/health`` p50/p95 under the load);
here only the errors are asserted, never a time.
"""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

_BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_load.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_load", _BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_twenty_sessions_three_chats_five_exports_no_error(own_engine, make_clip, tmp_path):
    eng = own_engine(tmp_path / "engine")
    bench = _bench()
    result = asyncio.run(
        bench.run_load(
            eng.url,
            make_clip(tmp_path, seconds=1, size="160x90"),
            sessions=20,
            chats=3,
            exports=5,
            store_dir=tmp_path / "client",
            timeout_s=600,
        )
    )
    assert result["errors"] == []
    assert result["loaded_ms"]  # /health answered all along
