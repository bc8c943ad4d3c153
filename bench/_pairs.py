"""Interleaved A/B pairs: the one way every benchmark here compares work against its anchor.

Each pair runs the anchor and the measured work back to back, alternating which goes first
(a machine that slows down or warms up mid-run then biases neither side), and records wall
and CPU seconds of each. The verdict uses the median of the per-pair ratios, so one noisy
pair on a busy machine does not decide it. CPU seconds are this process's plus its waited-for
children's (ffmpeg, curl), which is what the user pays on a shared 2-core machine.

Usage::

    from _pairs import Goal, run_pairs, parser
    args = parser(__doc__).parse_args()
    result = run_pairs(anchor=lambda: ..., work=lambda: ..., pairs=args.pairs)
    result.report("first captions", Goal("<=", 1.15, "cpu"))
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


def cpu_seconds(pids: Iterable[int] = ()) -> float:
    """This process's CPU time plus that of children it has waited for.

    ``pids``: other live processes whose work counts too (an engine the bench talks to over
    HTTP), each with the children it has waited for (its ffmpeg runs).
    """
    t = os.times()  # children in clock ticks (10 ms); this process to the nanosecond
    total = time.process_time() + t.children_user + t.children_system
    if pids:
        import psutil

        for pid in pids:
            c = psutil.Process(pid).cpu_times()
            total += c.user + c.system + c.children_user + c.children_system
    return total


@dataclass
class Timing:
    wall: float
    cpu: float


def timed(
    fn: Callable[[], object],
    pids: Iterable[int] = (),
    cpu: Callable[[], float] | None = None,
) -> Timing:
    """Wall and CPU seconds of ``fn()``; a side that times itself returns its own ``Timing``
    (work in a fresh engine, set up untimed), which is then taken as it is. ``cpu`` replaces
    the CPU clock (work done in processes that are not this one's: a kernel, a browser)."""
    pids = list(pids)
    clock = cpu if cpu is not None else (lambda: cpu_seconds(pids))
    c0, w0 = clock(), time.perf_counter()
    out = fn()
    if isinstance(out, Timing):
        return out
    return Timing(time.perf_counter() - w0, clock() - c0)


@dataclass(frozen=True)
class Goal:
    """``work / anchor`` (or, with ``extra=True``, ``work - anchor`` in seconds) against a bound."""

    op: str  # "<=" or ">="
    bound: float
    on: str = "cpu"  # "cpu", "wall", or "throughput" (anchor / work, wall time)
    extra: bool = False  # seconds on top of the anchor instead of a ratio

    def met(self, value: float) -> bool:
        return value <= self.bound if self.op == "<=" else value >= self.bound

    def text(self) -> str:
        what = {"cpu": "CPU", "wall": "wall", "throughput": "throughput"}[self.on]
        if self.extra:
            return f"{what} {self.op} {self.bound:g} s more than the anchor"
        return f"{what} {self.op} {self.bound:g}x the anchor"

    def unit(self) -> str:
        return " s" if self.extra else "x"


@dataclass
class Pairs:
    anchor: list[Timing] = field(default_factory=list)
    work: list[Timing] = field(default_factory=list)

    def ratios(self, on: str) -> list[float]:
        if on == "throughput":  # same bytes moved: throughput ratio is anchor time / work time
            return [a.wall / w.wall for a, w in zip(self.anchor, self.work, strict=True)]
        get = (lambda t: t.cpu) if on == "cpu" else (lambda t: t.wall)
        return [get(w) / max(get(a), 1e-9) for a, w in zip(self.anchor, self.work, strict=True)]

    def ratio(self, on: str) -> float:
        return statistics.median(self.ratios(on))

    def extra(self, on: str) -> float:
        """Median of the per-pair differences ``work - anchor`` in seconds."""
        get = (lambda t: t.cpu) if on == "cpu" else (lambda t: t.wall)
        pairs = zip(self.anchor, self.work, strict=True)
        return statistics.median(get(w) - get(a) for a, w in pairs)

    def value(self, goal: Goal) -> float:
        return self.extra(goal.on) if goal.extra else self.ratio(goal.on)

    def report(
        self,
        what: str,
        goal: Goal | None = None,
        *,
        anchor_name: str = "anchor",
        work_name: str = "nemo-widgets",
    ) -> bool:
        """Print medians of both sides, the ratios, and the verdict; return whether it is met."""

        def med(ts: list[Timing], attr: str) -> float:
            return statistics.median(getattr(t, attr) for t in ts)

        n = len(self.work)
        print(f"{what}: median of {n} interleaved pairs")
        print(
            f"  {anchor_name:<28} wall {med(self.anchor, 'wall'):8.3f} s"
            f"   CPU {med(self.anchor, 'cpu'):8.3f} s"
        )
        print(
            f"  {work_name:<28} wall {med(self.work, 'wall'):8.3f} s"
            f"   CPU {med(self.work, 'cpu'):8.3f} s"
        )
        if med(self.anchor, "cpu") < 1e-4:
            print(f"  ratio: wall {self.ratio('wall'):.3f}x   (CPU: too little to compare)")
        else:
            print(f"  ratio: CPU {self.ratio('cpu'):.3f}x   wall {self.ratio('wall'):.3f}x")
        if goal is None:
            return True
        value = self.value(goal)
        ok = goal.met(value)
        verdict = "met" if ok else "NOT met"
        print(f"goal: {what}: {goal.text()} -> {value:.3f}{goal.unit()} {verdict}")
        return ok


def run_pairs(
    anchor: Callable[[], object],
    work: Callable[[], object],
    *,
    pairs: int = 5,
    warmup: bool = True,
    pids: Callable[[], Iterable[int]] = tuple,
    between: Callable[[], object] | None = None,
    anchor_cpu: Callable[[], float] | None = None,
    work_cpu: Callable[[], float] | None = None,
) -> Pairs:
    """Run ``pairs`` interleaved A/B pairs (after one untimed warm-up of each side).

    ``pids()``: other processes whose CPU counts (asked before each run); ``between()``: untimed
    clean-up after every run (deleting an upload, say); ``anchor_cpu`` / ``work_cpu``: one
    side's own CPU clock when the two sides run in different processes.
    """
    if warmup:
        for fn in (anchor, work):
            fn()
            if between is not None:
                between()
    out = Pairs()
    for i in range(pairs):
        first_anchor = i % 2 == 0
        for side in ("anchor", "work") if first_anchor else ("work", "anchor"):
            if side == "anchor":
                t = timed(anchor, pids(), anchor_cpu)
            else:
                t = timed(work, pids(), work_cpu)
            (out.anchor if side == "anchor" else out.work).append(t)
            if between is not None:
                between()
    return out


def parser(doc: str | None, *, default_pairs: int = 5) -> argparse.ArgumentParser:
    """The common flags: ``--pairs N`` (at least 5) and ``--quick`` (small inputs, 5 pairs)."""
    ap = argparse.ArgumentParser(description=(doc or "").strip().splitlines()[0])
    ap.add_argument("--pairs", type=int, default=default_pairs, help="A/B pairs (min 5)")
    ap.add_argument("--quick", action="store_true", help="small inputs, 5 pairs")
    return ap


def pairs_from(args: argparse.Namespace) -> int:
    return 5 if args.quick else max(5, args.pairs)


def exit_code(*met: bool) -> int:
    """0 when every goal is met, else 1 (what ``run_all.py`` and CI read)."""
    return 0 if all(met) else 1
