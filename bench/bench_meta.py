"""Metadata and prompt generation cost, as ratios to one YAKE pass over the same transcript.

The anchor is :func:`nemo_widgets.engine.meta.keywords.keyphrases` on the whole transcript
(one YAKE extraction: the unavoidable core of keyword-based metadata), timed in the same run.
``build_metadata`` adds sentence scoring, TextTiling chapters (one YAKE pass per chapter for
its title) and the tag budget; target: <= 6x the anchor at every length, and growing no
faster than the transcript (compare the ratios across lengths). ``build_storyboard`` for a
30-second idea is printed in absolute terms (it does no text analysis).

Run: ``python bench/bench_meta.py [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "meta"))

from meta_scripts import multi_topic_words

from nemo_widgets.engine.meta.chapters import chapters
from nemo_widgets.engine.meta.keywords import keyphrases
from nemo_widgets.engine.meta.prompts import build_storyboard, parse_idea
from nemo_widgets.engine.meta.titles import build_metadata
from nemo_widgets.engine.meta.words import words_text


def timed(fn, repeat: int, *args, **kwargs) -> float:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args, **kwargs)
        runs.append(time.perf_counter() - t)
    return statistics.median(runs)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    keyphrases("warm up the stop list and imports")
    print(f"{'talk':>8} {'words':>6} {'anchor':>9} {'metadata':>9} {'ratio':>6} {'chapters':>9}")
    for minutes in (4, 10, 20):
        words, _, duration = multi_topic_words(minutes * 15.0)
        text = words_text(words)
        anchor = timed(keyphrases, args.repeat, text, top=30)
        full = timed(build_metadata, args.repeat, words, duration_s=duration, filename="t.mp4")
        chap = timed(chapters, args.repeat, words, duration)
        print(
            f"{duration / 60:6.1f} m {len(words):6d} {anchor * 1e3:7.1f}ms {full * 1e3:7.1f}ms "
            f"{full / anchor:5.1f}x {chap * 1e3:7.1f}ms"
        )
    spec = parse_idea("a 30-second product showcase with cinematic lighting")
    sb = timed(build_storyboard, max(args.repeat, 20), spec)
    n = len(build_storyboard(spec)["scenes"])
    print(f"storyboard (30 s idea, {n} scenes): {sb * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
