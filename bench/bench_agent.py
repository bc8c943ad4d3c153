"""Reading and applying chat messages: the phrase table, and 10,000-character messages.

Measured in process, as the engine's runner does it: ``reader.read`` of the message against
the session's state, then ``runner.answer`` (every command applied through the timeline
model, one undo step, the reply composed) on a fresh copy of the state. Not measured: HTTP,
SSE and SQLite (``bench_latency.py`` covers the round trip) and commands whose work is a
recognizer or a text builder (captions, metadata: ``bench_recognition.py``,
``bench_meta.py``); those phrases are timed for reading only.

Goals (absolute; no anchor does the same work): median and p95 of one phrase of the table
under 5 ms each, wall and CPU; a 10,000-character message under 50 ms. Each figure is the
median of ``--repeat`` runs (>= 5); CPU decides the exit code. Absolute goals, not
``_pairs.py`` ratios: nothing else reads these messages, so there is no anchor doing the same
work (``bench_turn.py`` measures a whole turn against an empty state).
Run: ``python bench/bench_agent.py [--quick]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import statistics
import sys
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / p) for p in ("tests", "tests/engine")]

from test_phrases import MEDIA, PHRASES, SKILLS, STATES  # noqa: E402

from nemo_widgets.engine import timeline as tl  # noqa: E402
from nemo_widgets.engine.agent import Turn, load_skills, read_message  # noqa: E402
from nemo_widgets.engine.agent.runner import answer  # noqa: E402

#: commands whose cost is a recognizer's or a text builder's, not the reader's
HEAVY = {"AddCaptions", "CaptionScript", "GenerateMetadata", "RefineMetadata"}
GOAL_PHRASE_MS = 5.0
GOAL_LONG_MS = 50.0


async def _emit(event: dict) -> None:
    return None


def once(message: str, state: dict, skill: str, apply: bool) -> tuple[float, float]:
    """(wall, cpu) seconds of reading ``message`` and, if ``apply``, applying it."""
    state = copy.deepcopy(state)
    w, c = time.perf_counter(), time.process_time()
    reading = read_message(message, state, MEDIA, skill=skill)
    if apply and reading.steps:
        turn = Turn("bench", message, _emit, state, MEDIA, skill=skill, history=tl.History())
        # a refusal is an answer too; its cost is what is measured
        with contextlib.suppress(Exception):
            asyncio.run(answer(turn, reading))
    return time.perf_counter() - w, time.process_time() - c


def median_of(
    message: str, state: dict, skill: str, apply: bool, repeat: int
) -> tuple[float, float]:
    runs = [once(message, state, skill, apply) for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


#: the CPU verdicts printed, for the exit code (wall time on a shared machine also waits for
#: a core, so it is printed but does not decide)
CPU_VERDICTS: list[bool] = []


def verdict(value_ms: float, goal_ms: float, *, cpu: bool = False) -> str:
    if cpu:
        CPU_VERDICTS.append(value_ms < goal_ms)
    return f"{'met' if value_ms < goal_ms else 'NOT met'} (goal < {goal_ms:g} ms)"


def verdicts(wall_ms: float, cpu_ms: float, goal_ms: float) -> str:
    """Both clocks: wall time includes waiting for a core on a shared machine."""
    return f"wall {verdict(wall_ms, goal_ms)}, cpu {verdict(cpu_ms, goal_ms, cpu=True)}"


LONG_MESSAGES = {
    # ~196 requests of two commands each: a title and a change of it
    "compound x196": "add a title 'Hi' for 2 seconds and make it yellow. " * 196,
    # one request at the end of a pasted paragraph without punctuation
    "paragraph + request": ("it was a lovely sunny day in lisbon and we walked a lot " * 176)
    + "add a title 'Lisbon' for 3 seconds",
    # the same words again and again, no break at all
    "no breaks": "add the title " * 714,
    # a script to align (read only: aligning is the recognizer's work)
    "script": "use this script: " + "and so my fellow americans ask not " * 285,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=7, help="runs per figure (median), >= 5")
    ap.add_argument("--quick", action="store_true", help="5 runs, every 3rd phrase")
    args = ap.parse_args()
    repeat = 5 if args.quick else max(5, args.repeat)
    load_skills()
    phrases = PHRASES[::3] if args.quick else PHRASES
    once("warm up the reader and its imports", STATES["video"](), "nemo-video", True)

    walls, cpus, read_walls = [], [], []
    for where, message, *_ in phrases:
        skill, _, state_name = where.rpartition(":")
        skill = SKILLS.get(skill, "nemo-video")
        state = STATES[state_name]()
        kinds = {
            type(s.command).__name__ for s in read_message(message, state, MEDIA, skill=skill).steps
        }
        apply = not (kinds & HEAVY)
        wall, cpu = median_of(message, state, skill, apply, repeat)
        (walls if apply else read_walls).append(wall)
        if apply:
            cpus.append(cpu)
    ms = 1000.0
    print(f"phrase table: {len(walls)} phrases read and applied, {len(read_walls)} read only "
          f"(recognition / metadata), median of {repeat} runs each")  # fmt: skip
    med, tail = statistics.median(walls) * ms, p95(walls) * ms
    print(f"  wall  median {med:6.2f} ms  {verdict(med, GOAL_PHRASE_MS)}")
    print(f"  wall  p95    {tail:6.2f} ms  {verdict(tail, GOAL_PHRASE_MS)}")
    cmed, ctail = statistics.median(cpus) * ms, p95(cpus) * ms
    print(f"  cpu   median {cmed:6.2f} ms  {verdict(cmed, GOAL_PHRASE_MS, cpu=True)}")
    print(f"  cpu   p95    {ctail:6.2f} ms  {verdict(ctail, GOAL_PHRASE_MS, cpu=True)}")
    if read_walls:
        print(f"  read only: median {statistics.median(read_walls) * ms:6.2f} ms, "
              f"p95 {p95(read_walls) * ms:6.2f} ms")  # fmt: skip
    print("10,000-character messages (read and applied; the script read only):")
    for name, message in LONG_MESSAGES.items():
        state = STATES["video"]()
        wall, cpu = median_of(message, state, "nemo-video", name != "script", repeat)
        n = len(read_message(message, state, MEDIA).steps)
        print(f"  {name:<20} {len(message):>6} chars {n:>4} commands  wall {wall * ms:7.2f} ms  "
              f"cpu {cpu * ms:7.2f} ms  {verdicts(wall * ms, cpu * ms, GOAL_LONG_MS)}")  # fmt: skip
    try:
        import os

        print(f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores while measuring)")
    except OSError:
        pass
    return 0 if all(CPU_VERDICTS) else 1


if __name__ == "__main__":
    raise SystemExit(main())
