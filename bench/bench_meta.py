"""Metadata and prompt generation cost, as ratios to one key-phrase pass over the same transcript.

The anchor is :func:`nemo_widgets.engine.meta.keywords.keyphrases` on the whole transcript (the
unavoidable core of keyword-based metadata), timed in the same run, interleaved with the
measured call (anchor, subject, anchor, subject, ...), CPU and wall time, median of the pairs.
``build_metadata`` adds sentence scoring, titles in four styles, TextTiling chapters (one
key-phrase pass per chapter for its title) and the tag budget. Goal: <= 6x the anchor at every
length and language, and the ratio not growing with the transcript (no quadratic step).
``build_storyboard`` for a 30-second idea is printed against ``parse_idea`` of the same idea.

Run: ``python bench/bench_meta.py [--pairs 7] [--quick]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "meta"))

from meta_scripts import CHINESE_TALKS, SPANISH_TALKS, multi_topic_words, timed

from nemo_widgets.engine.meta.keywords import keyphrases
from nemo_widgets.engine.meta.prompts import build_storyboard, parse_idea
from nemo_widgets.engine.meta.titles import build_metadata
from nemo_widgets.engine.meta.words import words_text

GOAL = 6.0


def pairs(anchor: Callable[[], object], subject: Callable[[], object], n: int) -> dict:
    """Median wall and CPU seconds of ``n`` interleaved (anchor, subject) runs."""
    aw, ac, sw, sc = [], [], [], []
    for _ in range(n):
        for fn, wall, cpu in ((anchor, aw, ac), (subject, sw, sc)):
            w0, c0 = time.perf_counter(), time.process_time()
            fn()
            wall.append(time.perf_counter() - w0)
            cpu.append(time.process_time() - c0)
    med = statistics.median
    return {"anchor": med(aw), "subject": med(sw), "anchor_cpu": med(ac), "subject_cpu": med(sc)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=7, help="interleaved pairs per row (>= 5)")
    ap.add_argument("--quick", action="store_true", help="shorter talks, 5 pairs")
    args = ap.parse_args()
    n = 5 if args.quick else max(5, args.pairs)
    keyphrases("warm up the stemmer and the dictionaries")
    keyphrases("多肉植物需要阳光")

    talks: list[tuple[str, list, float]] = []
    for minutes in (2, 6) if args.quick else (4, 10, 20):
        words, _, duration = multi_topic_words(minutes * 15.0)
        talks.append((f"en {duration / 60:4.1f} min", words, duration))
    for name, text in (("es", SPANISH_TALKS["tortilla"]), ("zh", CHINESE_TALKS["咖啡"])):
        words = timed(text * (3 if args.quick else 10))
        talks.append((f"{name} {words[-1].end_s / 60:4.1f} min", words, words[-1].end_s + 0.5))

    print(f"goal: build_metadata <= {GOAL:g}x one keyphrases() pass; median of {n} pairs")
    print(f"{'talk':>12} {'words':>6} {'anchor':>9} {'metadata':>9} {'wall':>6} {'cpu':>6}  met")
    worst = 0.0
    for label, words, duration in talks:
        text = words_text(words)
        r = pairs(
            lambda text=text: keyphrases(text, top=40),
            lambda words=words, duration=duration: build_metadata(words, duration_s=duration),
            n,
        )
        wall, cpu = r["subject"] / r["anchor"], r["subject_cpu"] / max(r["anchor_cpu"], 1e-9)
        worst = max(worst, wall)
        print(
            f"{label:>12} {len(words):6d} {r['anchor'] * 1e3:7.1f}ms {r['subject'] * 1e3:7.1f}ms "
            f"{wall:5.1f}x {cpu:5.1f}x  {'yes' if wall <= GOAL else 'NO'}"
        )
    idea = "a 30-second product showcase for a ceramic mug with cinematic lighting"
    spec = parse_idea(idea)
    r = pairs(lambda: parse_idea(idea), lambda: build_storyboard(spec), max(n, 20))
    scenes = len(build_storyboard(spec)["scenes"])
    print(
        f"storyboard ({scenes} scenes): {r['subject'] * 1e3:.2f} ms, "
        f"{r['subject'] / r['anchor']:.1f}x parse_idea ({r['anchor'] * 1e3:.2f} ms)"
    )
    print(f"worst metadata ratio {worst:.1f}x: goal {'met' if worst <= GOAL else 'NOT met'}")


if __name__ == "__main__":
    main()
