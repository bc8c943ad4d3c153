"""Metadata and prompt generation cost, as ratios to one key-phrase pass over the same transcript.

The anchor is :func:`nemo_widgets.engine.meta.keywords.keyphrases` on the whole transcript (the
unavoidable core of keyword-based metadata), timed in the same run, interleaved with the
measured call in A/B pairs (the anchor first in every other pair), CPU and wall time, median of
the per-pair ratios.
``build_metadata`` adds sentence scoring, titles in four styles, TextTiling chapters (one
key-phrase pass per chapter for its title) and the tag budget. Goal: <= 6x the anchor at every
length and language (CPU), and the ratio not growing with the transcript (no quadratic step:
the longest English talk's ratio within 1.5x of the shortest's).
``build_storyboard`` for a 30-second idea is printed against ``parse_idea`` of the same idea.

Run: ``python bench/bench_meta.py [--pairs 7] [--quick]``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from _pairs import Goal, exit_code, pairs_from, parser, run_pairs

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "meta"))

from meta_scripts import CHINESE_TALKS, SPANISH_TALKS, multi_topic_words, timed

from nemo_widgets.engine.meta.keywords import keyphrases
from nemo_widgets.engine.meta.prompts import build_storyboard, parse_idea
from nemo_widgets.engine.meta.titles import build_metadata
from nemo_widgets.engine.meta.words import words_text

GOAL = 6.0


def main() -> int:
    args = parser(__doc__, default_pairs=7).parse_args()
    n = pairs_from(args)
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
    ok, ratios = [], []
    for label, words, duration in talks:
        text = words_text(words)
        r = run_pairs(
            lambda text=text: keyphrases(text, top=40),
            lambda words=words, duration=duration: build_metadata(words, duration_s=duration),
            pairs=n,
        )
        ratios.append(r.ratio("cpu"))
        ok.append(r.report(f"metadata, {label} ({len(words)} words)", Goal("<=", GOAL, "cpu"),
                           anchor_name="keyphrases()", work_name="build_metadata"))  # fmt: skip
    idea = "a 30-second product showcase for a ceramic mug with cinematic lighting"
    spec = parse_idea(idea)
    r = run_pairs(lambda: parse_idea(idea), lambda: build_storyboard(spec), pairs=max(n, 20))
    scenes = len(build_storyboard(spec)["scenes"])
    r.report(f"storyboard ({scenes} scenes, for scale)", anchor_name="parse_idea",
             work_name="build_storyboard")  # fmt: skip
    # the ratio must not grow with the transcript (no quadratic step): English talks in order
    english = ratios[: len(talks) - 2]
    grows = english[-1] > 1.5 * english[0]
    print(f"goal: the ratio does not grow with the transcript -> English {english[0]:.1f}x .. "
          f"{english[-1]:.1f}x {'NOT met' if grows else 'met'}")  # fmt: skip
    return exit_code(*ok, not grows)


if __name__ == "__main__":
    raise SystemExit(main())
