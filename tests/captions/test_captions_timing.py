"""Word timings and cues on real speech against its reference timings, and reproducibility.

The five LibriVox clips are joined into one recording with silences of different lengths
between them (their reference timings shifted to match), so pauses are tested too. One
recognition per test session serves every test here.
"""

from __future__ import annotations

import difflib
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest
from captions_speech import LIBRIVOX, normalise, reference_words

from nemo_widgets.engine.captions import Word, transcribe
from nemo_widgets.engine.captions.cues import PRESETS, build_cues, cue_rules, cues_words
from nemo_widgets.engine.captions.pipeline import caption, recognise
from nemo_widgets.engine.captions.recognize import SAMPLE_RATE, decode_audio
from nemo_widgets.engine.captions.timing import MIN_WORD_S

pytestmark = pytest.mark.slow

#: Silence after each clip (s): a breath, sentence pauses, and pauses longer than 1 s.
GAPS_S = (1.5, 0.3, 2.0, 0.8, 1.0)


def _chapter(directory: Path) -> tuple[Path, list[dict]]:
    parts, refs, offset = [], [], 0.0
    for clip, gap in zip(LIBRIVOX, GAPS_S, strict=True):
        audio = decode_audio(clip)
        silence = np.zeros(int(gap * SAMPLE_RATE), dtype=np.float32)
        parts += [audio, silence]
        refs += [{**r, "b": r["b"] + offset, "e": r["e"] + offset} for r in reference_words(clip)]
        offset += (len(audio) + len(silence)) / SAMPLE_RATE
    path = directory / "chapter.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(np.concatenate(parts), -1, 1) * 32767).astype("<i2").tobytes())
    return path, refs


@pytest.fixture(scope="session")
def chapter(tmp_path_factory, recognizer):
    """The joined recording, its references, the pipeline's words and whisper's own."""
    path, refs = _chapter(tmp_path_factory.mktemp("chapter"))
    return path, refs, recognise(path), transcribe(path)


def matched(words: list[Word], refs: list[dict]) -> list[tuple[Word, float, float]]:
    """Each recognised word with the reference time of the words it matches (a hyphenated
    word spans its parts)."""
    hyp = [(i, key) for i, w in enumerate(words) for key in normalise(w.text)]
    sm = difflib.SequenceMatcher(a=[r["t"] for r in refs], b=[k for _, k in hyp], autojunk=False)
    spans: dict[int, list[dict]] = {}
    for block in sm.get_matching_blocks():
        for d in range(block.size):
            spans.setdefault(hyp[block.b + d][0], []).append(refs[block.a + d])
    return [(words[i], min(r["b"] for r in rs), max(r["e"] for r in rs)) for i, rs in spans.items()]


def phrases(refs: list[dict], pause_s: float = 0.3) -> list[tuple[float, float]]:
    """Stretches of reference speech between pauses of at least ``pause_s``."""
    out: list[list[float]] = []
    for r in refs:
        if out and r["b"] - out[-1][1] < pause_s:
            out[-1][1] = r["e"]
        else:
            out.append([r["b"], r["e"]])
    return [(a, b) for a, b in out]


def test_every_displayed_word_overlaps_its_reference(chapter) -> None:
    _, refs, t, _ = chapter
    pairs = matched(t.words, refs)
    assert len(pairs) >= 0.9 * len(refs)
    far = [
        (w.text, w.start_s, w.end_s, b, e)
        for w, b, e in pairs
        if w.end_s < b - 0.3 or w.start_s > e + 0.3
    ]
    assert not far
    # and every word is shown inside its own phrase (never across a pause)
    spoken = phrases(refs)
    for w, b, e in pairs:
        own = next(p for p in spoken if p[0] <= b + 1e-6 and e <= p[1] + 1e-6)
        assert own[0] - 0.3 <= w.start_s and w.end_s <= own[1] + 0.3, (w, own)
    assert all(w.end_s - w.start_s >= MIN_WORD_S - 1e-9 for w in t.words)
    starts = [w.start_s for w in t.words]
    assert starts == sorted(starts)
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in zip(t.words, t.words[1:], strict=False))


def test_refined_timings_beat_whispers_own(chapter) -> None:
    """The refinement stays only while it measurably improves on the baseline."""
    _, refs, refined, base = chapter

    def error(words: list[Word]) -> float:
        pairs = matched(words, refs)
        return float(np.mean([abs(w.start_s - b) + abs(w.end_s - e) for w, b, e in pairs]) / 2)

    assert refined.engine == "faster-whisper+align"
    assert [w.text for w in refined.words] == [w.text for w in base.words]  # text untouched
    assert error(refined.words) < 0.75 * error(base.words), (
        error(refined.words),
        error(base.words),
    )


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_cues_on_real_speech_keep_the_preset(chapter, name: str) -> None:
    _, refs, t, _ = chapter
    p = PRESETS[name]
    cues = build_cues(t.words, p, duration_s=t.duration_s)
    assert [w.text for w in cues_words(cues)] == [w.text for w in t.words]
    rules = cue_rules(cues, p, duration_s=t.duration_s)
    flat = [r for rs in rules for r in rs]
    hard = {"min_duration", "max_duration", "reading_speed", "line_length", "lines", "gap"}
    assert not hard & set(flat), list(zip([c.text for c in cues], rules, strict=True))
    spoken = phrases(refs, pause_s=1.0)
    for c in cues:  # a cue never spans a long pause, nor shows before its speech
        inside = [p for p in spoken if p[0] - 0.3 <= c.start_s <= p[1]]
        assert inside, c
        assert max(w.end_s for w in c.words) <= inside[0][1] + 0.3, c
    if name == "netflix":  # the default preset is met in full on this speech
        assert not flat, list(zip([c.text for c in cues], rules, strict=True))


def test_same_file_same_timings_whatever_came_before(chapter, tmp_path) -> None:
    path, _, t, _ = chapter
    copy = shutil.copyfile(path, tmp_path / "again.wav")
    recognise(LIBRIVOX[2])  # aligning another file first must not change anything
    again, cues = caption(copy)
    assert [w.to_dict() for w in again.words] == [w.to_dict() for w in t.words]
    assert [c.to_dict() for c in cues] == [c.to_dict() for c in build_cues(
        t.words, "netflix", duration_s=t.duration_s)]  # fmt: skip


def test_alignment_without_a_path_keeps_the_timings(tmp_path) -> None:
    """Regression: on noise or silence pocketsphinx finds no path and seg() gives None
    ("'NoneType' object is not iterable" on a 60 s clip); the words keep their timings."""
    from nemo_widgets.engine.captions.recognize import pocketsphinx_decoder
    from nemo_widgets.engine.captions.timing import _align_region, refine_words

    words = [Word("hello", 0.1, 0.5), Word("extraordinarily", 0.5, 0.9)]
    decoder = pocketsphinx_decoder(bestpath=False)
    noise = np.random.default_rng(1).normal(0, 0.3, SAMPLE_RATE).astype(np.float32)
    for samples in (np.zeros(SAMPLE_RATE, dtype=np.float32), noise):
        assert _align_region(decoder, words, (0.0, 1.0), 0.0, samples) is None
    path = tmp_path / "noise.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(noise, -1, 1) * 32767).astype("<i2").tobytes())
    out, report = refine_words(path, words, language="en")
    assert [w.text for w in out] == ["hello", "extraordinarily"]
    assert all(w.end_s - w.start_s >= MIN_WORD_S for w in out)
    assert report.aligned_regions == 0
