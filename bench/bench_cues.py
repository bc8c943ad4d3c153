"""Benchmark: cue building for a 2-hour synthetic transcript (target: under 2 s of CPU).

The cue search is a dynamic program over the cut points between long pauses (linear in the
words, with a constant set by the longest cue), so 2 h of speech costs well under 1 % of
recognising it. Anchor in the same run: writing the same cues as SRT with pysubs2 (a plain,
well-known pass over the same data). Prints CPU seconds (robust on a shared machine), words/s
and the ratio to the anchor.

Run: ``.venv/bin/python bench/bench_cues.py``
"""

from __future__ import annotations

import random
import time

from nemo_widgets.engine.captions import Word
from nemo_widgets.engine.captions.cues import build_cues
from nemo_widgets.engine.captions.formats import subtitle_file

TEXT = " ".join(
    (
        "so my fellow Americans ask not what your country can do for you, ask what you "
        "can do for your country. The quick brown fox jumps over the lazy dog; we met Mr. "
        "John Smith and his sister at the station because the train was late. It costs 42 "
        "dollars! Never split an article from its noun, or a pronoun from its verb."
    ),
).split(" ")


def synthetic_words(hours: float = 2.0, seed: int = 7) -> list[Word]:
    """Speech-like words: ~2.7 words/s, short gaps, a pause now and then, 2 % untimed."""
    rng = random.Random(seed)
    words, t, i = [], 0.0, 0
    while t < hours * 3600:
        text = TEXT[i % len(TEXT)]
        i += 1
        dur = 0.06 * len(text) + 0.08
        if rng.random() < 0.02:
            words.append(Word(text, float("nan"), float("nan")))
        else:
            words.append(Word(text, t, t + dur))
        gap = 1.6 if rng.random() < 0.03 else rng.choice((0.02, 0.05, 0.1, 0.3))
        t += dur + gap
    return words


def best_of(n: int, fn) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(n):
        t0 = time.process_time()
        out = fn()
        best = min(best, time.process_time() - t0)
    return best, out


def main() -> None:
    words = synthetic_words()
    secs, cues = best_of(3, lambda: build_cues(words))
    for name in ("bbc", "vertical", "subtitle-edit"):
        s, c = best_of(1, lambda name=name: build_cues(words, name))
        print(f"  preset {name:14s} {s:.3f} s, {len(c)} cues")
    entry = {"cues": [c.to_dict() for c in cues]}
    anchor, _ = best_of(3, lambda: subtitle_file(entry).to_string("srt"))
    print(f"2 h synthetic transcript: {len(words)} words -> {len(cues)} cues (netflix)")
    verdict = "met" if secs < 2.0 else "NOT MET"
    print(
        f"build_cues: {secs:.3f} s CPU ({len(words) / secs:,.0f} words/s); target < 2 s: {verdict}"
    )
    print(f"anchor (pysubs2 SRT of the same cues): {anchor:.3f} s; ratio {secs / anchor:.2f}x")


if __name__ == "__main__":
    main()
