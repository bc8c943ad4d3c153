"""Cue rules: preset limits, line breaks, pauses, linger, every word kept (hypothesis)."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nemo_widgets.engine.captions import Word
from nemo_widgets.engine.captions.cues import (
    PRESETS,
    break_lines,
    break_penalty,
    build_cues,
    cues_words,
    get_preset,
)
from nemo_widgets.engine.captions.scripts import fit_preset, join_words, text_length

VOCAB = [
    "the",
    "a",
    "an",
    "my",
    "I",
    "you",
    "he",
    "she",
    "it",
    "we",
    "they",
    "is",
    "was",
    "were",
    "have",
    "has",
    "not",
    "never",
    "and",
    "but",
    "or",
    "because",
    "with",
    "to",
    "of",
    "in",
    "on",
    "for",
    "at",
    "from",
    "Mr.",
    "John",
    "Smith",
    "big",
    "red",
    "house",
    "ran",
    "quickly",
    "said,",
    "well.",
    "yes!",
    "extraordinarily",
    "incomprehensibilities",
    "supercalifragilisticexpialidocious",
    "42",
    "café",
    "字幕",
    '"quoted"',
    "C:\\path",
]


@st.composite
def word_streams(draw):
    n = draw(st.integers(min_value=0, max_value=120))
    t = draw(st.floats(min_value=0, max_value=5))
    words = []
    for _ in range(n):
        text = draw(st.sampled_from(VOCAB))
        dur = draw(st.floats(min_value=0.0, max_value=1.2))
        gap = draw(st.sampled_from([0.0, 0.0, 0.05, 0.2, 0.6, 1.1, 3.0]))
        timed = draw(st.integers(0, 9)) > 0  # ~10 % of words come without timings
        words.append(Word(text, t, t + dur) if timed else Word(text, math.nan, math.nan))
        t += dur + gap
    return words


def _check_limits(cues, p) -> None:
    for c in cues:
        single = len(c.words) == 1
        if not single:
            assert len(c.lines) <= p.max_lines, c
            assert all(text_length(line) <= p.max_chars for line in c.lines), c
            span = max(w.end_s for w in c.words) - c.words[0].start_s
            assert span <= p.max_duration_s + 1e-6, c
            if p.max_words:
                assert len(c.words) <= p.max_words
            # no cue across a long silence
            for a, b in zip(c.words, c.words[1:], strict=False):
                assert b.start_s - a.end_s <= p.pause_split_s + 1e-9
        assert c.start_s == c.words[0].start_s  # starts with its speech
        assert c.end_s > c.start_s
        assert c.end_s <= max(w.end_s for w in c.words) + p.linger_s + 1e-6  # linger <= 0.5 s
        assert c.end_s <= c.start_s + max(p.max_duration_s, c.words[-1].end_s - c.start_s) + 1e-6
        if not single:  # reading speed: only a word alone may be too fast to read
            assert c.chars <= p.max_cps * (c.end_s - c.start_s) + 1e-6, (c.chars, c)
    for a, b in itertools.pairwise(cues):
        assert a.end_s <= b.start_s - p.min_gap_s + 1e-6 or a.end_s <= a.start_s + 0.0011


@pytest.mark.parametrize("name", sorted(PRESETS))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(words=word_streams())
def test_cues_respect_limits_and_keep_every_word(name: str, words) -> None:
    p = get_preset(name)
    cues = build_cues(words, p)
    kept = cues_words(cues)
    assert [w.text for w in kept] == [w.text for w in words]  # none lost, none reordered
    assert all(not math.isnan(w.start_s) and w.end_s >= w.start_s for w in kept)
    assert all(b.start_s >= a.start_s for a, b in itertools.pairwise(kept))
    for c in cues:  # spaces as each script writes them (none between CJK characters)
        assert join_words(c.lines) == join_words(w.text for w in c.words)
    _check_limits(cues, fit_preset(p, [w.text for w in words]))


@settings(max_examples=40, deadline=None)
@given(words=word_streams(), chars=st.integers(10, 60), lines=st.integers(1, 3))
def test_overrides_are_honoured(words, chars: int, lines: int) -> None:
    p = get_preset("netflix", max_chars=chars, max_lines=lines)
    _check_limits(build_cues(words, p), p)


def tokens(text: str) -> list[str]:
    return text.split()


def timed(text: str, start: float = 0.0, step: float = 0.3) -> list[Word]:
    return [Word(t, start + i * step, start + i * step + 0.25) for i, t in enumerate(text.split())]


def test_pause_splits_and_linger_never_reaches_next_cue() -> None:
    words = timed("Hello there friend.") + timed("After a long pause we go on.", start=3.0)
    cues = build_cues(words)
    assert [c.text for c in cues] == ["Hello there friend.", "After a long pause we go on."]
    assert cues[0].end_s <= words[2].end_s + 0.5
    tight = timed("One two three four five six seven eight", step=0.26)
    cues = build_cues(tight, "vertical")
    for a, b in itertools.pairwise(cues):
        assert a.end_s <= b.start_s


def test_line_breaks_follow_the_style_guides() -> None:
    lines = break_lines(
        tokens("He could not believe that his brother had sold the family house"), 42, 2
    )
    assert lines == ["He could not believe", "that his brother had sold the family house"]
    lines = break_lines(
        tokens("We walked along the quiet river for hours, and then we went home"), 42, 2
    )
    assert lines == ["We walked along the quiet river", "for hours, and then we went home"]
    lines = break_lines(
        tokens("She said that the young doctor from the city would arrive tomorrow morning"), 42, 2
    )
    assert len(lines) == 2 and all(len(x) <= 42 for x in lines)
    assert len(lines[0]) <= len(lines[1])  # bottom-heavy
    assert not lines[0].endswith((" the", " young"))
    lines = break_lines(
        ["We", "met", "Mr.", "John", "Smith,", "and", "then", "we", "had", "dinner", "together"],
        32,
        2,
    )
    assert lines[0].endswith("Smith,")
    assert break_penalty("the", "house") > 5 and break_penalty("would", "never") > 5
    assert break_penalty("John", "Smith", "met") > 5 and break_penalty("he", "said") > 5
    assert break_penalty("end.", "Then") < break_penalty("house", "and") < 0
    assert break_lines(["short", "line"], 42, 2) == ["short line"]  # one line when it fits


def test_cue_ends_at_a_good_break() -> None:
    # step 0.35 s: slow enough that "...for hours," (36 characters) can be read at 17 cps
    text = "We walked along the river for hours, and then we went home to sleep well"
    words = timed(text, step=0.35)
    cues = build_cues(words, "netflix", max_chars=20, max_lines=2)
    assert cues[0].text.replace("\n", " ").endswith("hours,")


def test_untimed_words_get_estimated_timings() -> None:
    words = [Word("It", 0.0, 0.2), Word("costs", 0.2, 0.5), Word("$42", math.nan, math.nan)]
    words += [Word("today.", 1.0, 1.4)]
    cues = build_cues(words)
    kept = cues_words(cues)
    assert [w.text for w in kept] == ["It", "costs", "$42", "today."]
    assert 0.5 <= kept[2].start_s <= kept[2].end_s <= 1.0
    assert kept[2].probability == 0.0


def test_unknown_preset_and_field_are_clear_errors() -> None:
    with pytest.raises(ValueError, match="choose one of"):
        get_preset("youtube")
    with pytest.raises(ValueError, match="Unknown cue setting"):
        get_preset("bbc", max_linez=2)
    assert get_preset({"name": "vertical", "max_words": 2}).max_words == 2


def test_vertical_reading_speed_on_real_speech() -> None:
    """Regression: the vertical preset showed "in his power" at 20.7 cps (limit 20): the cue
    could not linger because the next one started at once. Re-cutting fixes it."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    from captions_speech import LIBRIVOX, reference_words

    for clip in LIBRIVOX:
        words = [Word(w["t"], w["b"], w["e"]) for w in reference_words(clip)]
        for name, p in PRESETS.items():
            cues = build_cues(words, name)
            assert [w.text for w in cues_words(cues)] == [w.text for w in words]
            _check_limits(cues, p)
    fast = [Word(t, 0.1 * i, 0.1 * i + 0.09) for i, t in enumerate(["in", "his", "power", "to"])]
    fast.append(Word("do", 1.0, 1.2))
    cues = build_cues(fast, "vertical")
    _check_limits(cues, PRESETS["vertical"])
