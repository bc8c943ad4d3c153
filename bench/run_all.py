"""Run every benchmark in ``bench/`` one after the other and list each goal, met or not.

Each ``bench_*.py`` runs as its own process (its output shown as it comes); the lines that
start with ``goal:`` are gathered into a summary at the end. The exit code is 0 only when every
benchmark exited 0 (all its goals met).

Run: ``.venv/bin/python bench/run_all.py [--quick] [--only upload,e2e] [--skip browser_upload]``
(or ``make bench`` / ``make bench-quick``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="pass --quick to every benchmark")
    ap.add_argument("--only", default="", help="comma-separated names (upload, e2e, ...)")
    ap.add_argument("--skip", default="", help="comma-separated names to leave out")
    args = ap.parse_args()
    only = {x.strip() for x in args.only.split(",") if x.strip()}
    skip = {x.strip() for x in args.skip.split(",") if x.strip()}
    benches = [
        p
        for p in sorted(HERE.glob("bench_*.py"))
        if (not only or p.stem.removeprefix("bench_") in only)
        and p.stem.removeprefix("bench_") not in skip
    ]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    summary: list[tuple[str, int, float, list[str]]] = []
    for bench in benches:
        print(f"\n=== {bench.name} {'--quick' if args.quick else ''}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(bench), *(["--quick"] if args.quick else [])],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        goals = []
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if line.startswith("goal:"):
                goals.append(line.strip())
        code = proc.wait()
        summary.append((bench.stem, code, time.perf_counter() - t0, goals))
    print("\n=== summary")
    for name, code, took, goals in summary:
        print(f"{name:<26} {'ok' if code == 0 else f'exit {code}':>7}  {took:6.0f} s")
        for g in goals:
            print(f"    {g}")
    return 0 if all(code == 0 for _, code, _, _ in summary) else 1


if __name__ == "__main__":
    raise SystemExit(main())
