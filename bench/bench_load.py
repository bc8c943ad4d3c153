"""A bounded load on a real engine: 20 sessions x 3 chats + 5 exports, and ``/health`` under it.

Every simulated user is its own anonymous account using the public async client
(``nw.aconnect``, ``aupload``, ``achat``, ``aexport`` + ``await_``); meanwhile ``/health`` is
sampled every 50 ms. The run stops by itself (every step bounded, the whole within
``--timeout``) and counts errors: exceptions and error frames in replies. The anchor of the
latency is ``/health`` on the same engine idle, sampled just before. Reported, not asserted:
idle and loaded p50 / p95 of ``/health`` and their ratio; the goal is zero errors.

``tests/reliability/test_load.py`` runs the same :func:`run_load` and asserts zero errors.

Run: ``python bench/bench_load.py [--sessions 20 --chats 3 --exports 5] [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

MESSAGES = ("add a title 'Load test' for 1 second at the top", "help", "undo")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _sample_health(url: str, stop: asyncio.Event, out: list[float]) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        while not stop.is_set():
            t = time.perf_counter()
            r = await c.get("/health")
            r.raise_for_status()
            out.append((time.perf_counter() - t) * 1000)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.05)


async def run_load(
    url: str,
    clip: Path,
    *,
    sessions: int = 20,
    chats: int = 3,
    exports: int = 5,
    store_dir: Path,
    timeout_s: float = 600.0,
) -> dict[str, Any]:
    """Run the load against the engine at ``url``; returns errors and latency samples."""
    import nemo_widgets as nw

    idle: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_health(url, stop, idle))
    await asyncio.sleep(1.0)
    stop.set()
    await sampler

    async with httpx.AsyncClient(base_url=url, timeout=30) as c:
        tokens = []
        for _ in range(sessions):
            r = await c.post(
                "/api/auth/anonymous-token", headers={"X-Client-Id": f"load-{uuid.uuid4()}"}
            )
            r.raise_for_status()
            tokens.append(r.json()["data"]["token"])

    errors: list[str] = []

    async def user(i: int) -> None:
        s = await nw.aconnect(url, token=tokens[i], store_dir=store_dir)
        try:
            await s.aupload(clip)
            for message in MESSAGES[:chats]:
                reply = await s.achat(message)
                errors.extend(f"session {i}: {e}" for e in reply.errors)
            if i < exports:
                job = await s.aexport(quality="low")
                await job.await_(timeout=timeout_s)
        finally:
            await s.aclose()

    loaded: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_health(url, stop, loaded))
    start = time.monotonic()
    try:
        results = await asyncio.wait_for(
            asyncio.gather(*(user(i) for i in range(sessions)), return_exceptions=True),
            timeout_s,
        )
    finally:
        stop.set()
        await sampler
    wall = time.monotonic() - start
    errors += [f"{type(r).__name__}: {r}" for r in results if isinstance(r, BaseException)]
    return {"errors": errors, "idle_ms": idle, "loaded_ms": loaded, "wall_s": wall}


def report(result: dict[str, Any], sessions: int, chats: int, exports: int) -> bool:
    idle, loaded = result["idle_ms"], result["loaded_ms"]
    print(f"load: {sessions} sessions x {chats} chats + {exports} exports in "
          f"{result['wall_s']:.1f} s, errors: {len(result['errors'])}")  # fmt: skip
    for e in result["errors"][:10]:
        print("  ", e)
    for name, values in (("idle", idle), ("under load", loaded)):
        print(f"  /health {name:>10}: p50 {_pct(values, 0.5):7.1f} ms   p95 "
              f"{_pct(values, 0.95):7.1f} ms   ({len(values)} samples)")  # fmt: skip
    if idle and loaded:
        ratio = statistics.median(loaded) / statistics.median(idle)
        print(f"  /health p50 under load / idle: {ratio:.1f}x (reported, not a goal)")
    ok = not result["errors"]
    print(f"goal: zero errors -> {'met' if ok else 'NOT met'}")
    return ok


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sessions", type=int, default=20)
    ap.add_argument("--chats", type=int, default=3)
    ap.add_argument("--exports", type=int, default=5)
    ap.add_argument("--timeout", type=float, default=600.0)
    ap.add_argument("--quick", action="store_true", help="5 sessions x 2 chats + 1 export")
    args = ap.parse_args()
    # only as a script: tests/reliability/test_load.py imports run_load from this file
    import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)

    if args.quick:
        args.sessions, args.chats, args.exports = 5, 2, 1
    from nemo_widgets.engine.launcher import ensure_engine
    from nemo_widgets.engine.media import make_test_clip

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        engine = ensure_engine(root / "engine", extra_args=["--ip-token-cap", "100000"])
        try:
            clip = make_test_clip(root / "clip.mp4", 1.0, (320, 180), 25)
            result = asyncio.run(
                run_load(
                    engine.url,
                    clip,
                    sessions=args.sessions,
                    chats=args.chats,
                    exports=args.exports,
                    store_dir=root / "client",
                    timeout_s=args.timeout,
                )
            )
        finally:
            engine.stop()
    return 0 if report(result, args.sessions, args.chats, args.exports) else 1


if __name__ == "__main__":
    raise SystemExit(main())
