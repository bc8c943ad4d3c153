"""Benchmark: cue building for a 2-hour transcript, against recognising the speech it comes from.

What: ``build_cues`` (netflix preset) plus ``cue_rules`` on a 2-hour synthetic transcript
(speech-like words at ~2.7 words/s, short gaps, a pause now and then, 2 % untimed words).
The cue search is a dynamic program over the cut points between long pauses, linear in the
words with a constant set by the longest cue.

Anchor: what the user already waits for before cues can be built, recognising the speech:
tiny.en (loaded before the clock, the engine's settings) on the bundled 11 s sample. Both are
compared per second of audio, in interleaved A/B pairs (CPU and wall, median of per-pair
ratios). Goal: cue building costs <= 1 % of recognition per audio second, i.e. captions are
never waiting on cues; and, absolute, the 2 h transcript in < 2 s of CPU.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_cues.py [--pairs 5] [--quick]``
(``--quick``: a 20-minute transcript).
"""

from __future__ import annotations

import os
import random
import time

from _pairs import Goal, Timing, cpu_seconds, exit_code, pairs_from, parser, run_pairs

from nemo_widgets.engine.captions import Word
from nemo_widgets.engine.captions.cues import build_cues, cue_rules, get_preset

os.environ.setdefault("HF_HUB_OFFLINE", "1")
GOAL_SHARE = 0.01
GOAL_2H_CPU_S = 2.0

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


def per_audio_second(fn, seconds: float):
    """``fn`` timed, as CPU and wall seconds per second of audio."""

    def run() -> Timing:
        c0, w0 = cpu_seconds(), time.perf_counter()
        fn()
        return Timing((time.perf_counter() - w0) / seconds, (cpu_seconds() - c0) / seconds)

    return run


def recognition_anchor():
    """tiny.en on the bundled sample, model loaded: (run, audio seconds)."""
    from faster_whisper.audio import decode_audio

    from nemo_widgets import sample_path
    from nemo_widgets.engine.captions import recognize

    choice = recognize.resolve_model(language="en")
    wm = recognize.whisper_model(choice)
    media = str(sample_path("speech"))
    seconds = len(decode_audio(media)) / 16000

    def run() -> None:
        segments, _ = wm.transcribe(
            decode_audio(media),
            language="en",
            beam_size=recognize.BEAM_SIZE.get(choice.name, recognize.DEFAULT_BEAM_SIZE),
            word_timestamps=True,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
        )
        list(segments)

    return run, seconds


def main() -> int:
    args = parser(__doc__).parse_args()
    hours = 1 / 3 if args.quick else 2.0
    words = synthetic_words(hours)
    preset = get_preset("netflix")
    cues: list = []

    def cue_building() -> None:
        cues[:] = build_cues(words, preset)
        cue_rules(cues, preset)

    recognise, sample_s = recognition_anchor()
    result = run_pairs(
        per_audio_second(recognise, sample_s),
        per_audio_second(cue_building, hours * 3600),
        pairs=pairs_from(args),
    )
    print(f"{hours * 60:.0f} min synthetic transcript: {len(words)} words -> {len(cues)} cues "
          f"(netflix); anchor: tiny.en on the {sample_s:.0f} s sample")  # fmt: skip
    ok_share = result.report(
        "cue building per audio second",
        Goal("<=", GOAL_SHARE, "cpu"),
        anchor_name="recognition (tiny.en)",
        work_name="build_cues + cue_rules",
    )
    per_s = sorted(t.cpu for t in result.work)[len(result.work) // 2]
    two_hours = per_s * 7200
    ok_abs = two_hours < GOAL_2H_CPU_S
    rate = len(words) / (per_s * hours * 3600)
    how = " (from 20 min)" if args.quick else ""
    print(f"goal: 2 h transcript in < {GOAL_2H_CPU_S:g} s CPU -> {two_hours:.3f} s{how} "
          f"({rate:,.0f} words/s) {'met' if ok_abs else 'NOT met'}")  # fmt: skip
    for name in ("bbc", "vertical", "subtitle-edit"):
        c0 = cpu_seconds()
        n = len(build_cues(words, name))
        print(f"  preset {name:14s} {cpu_seconds() - c0:.3f} s CPU, {n} cues")
    return exit_code(ok_share, ok_abs)


if __name__ == "__main__":
    raise SystemExit(main())
