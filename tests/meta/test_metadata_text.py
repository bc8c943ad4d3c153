"""Keyphrases, chapters, titles, description, tags and hashtags from talks with known topics."""

from __future__ import annotations

import itertools
import re

import pytest
from meta_scripts import TOPICS, multi_topic_words, speech_reference_words

from nemo_widgets.engine.meta.chapters import MIN_CHAPTER_S, chapters, timestamp
from nemo_widgets.engine.meta.keywords import keyphrases, phrase_in
from nemo_widgets.engine.meta.titles import (
    HASHTAGS_MAX,
    HOOK_MAX,
    TAGS_MAX,
    TITLE_MAX,
    MetaOptions,
    build_metadata,
    render_markdown,
    tags_length,
)
from nemo_widgets.engine.meta.words import TimedWord, coerce_words, sentences


@pytest.fixture(scope="module")
def talk() -> tuple[list[TimedWord], list[float], float]:
    return multi_topic_words(60.0)


@pytest.fixture(scope="module")
def talk_meta(talk) -> dict:
    words, _, duration = talk
    return build_metadata(words, duration_s=duration, filename="weekend_talk.mp4")


def _check_limits(meta: dict, max_title: int = TITLE_MAX) -> None:
    keys = [meta["key_phrase"], *(t["tag"] for t in meta["tags"][:8])]
    assert 1 <= len(meta["titles"]) <= 5
    for t in meta["titles"]:
        text = t["text"]
        assert len(text) <= max_title, text
        assert any(phrase_in(k, text) for k in keys), (text, keys)
    assert len(meta["hook"]) <= HOOK_MAX
    assert meta["description"].startswith(meta["hook"])  # the hook is above the fold
    assert any(phrase_in(k, meta["description"][:HOOK_MAX]) for k in keys[:4])
    tags = [t["tag"] for t in meta["tags"]]
    assert tags and tags_length(tags) <= TAGS_MAX and meta["tags_chars"] == tags_length(tags)
    scores = [t["score"] for t in meta["tags"]]
    assert all(0 < s <= 1 for s in scores)
    assert 1 <= len(meta["hashtags"]) <= HASHTAGS_MAX
    assert all(re.fullmatch(r"#\w+", h) for h in meta["hashtags"])
    assert len({h.lower() for h in meta["hashtags"]}) == len(meta["hashtags"])
    assert " ".join(meta["hashtags"]) in meta["description"]


def test_keyphrases_find_each_topic_of_the_talk(talk) -> None:
    words, _, _ = talk
    found = [kp.phrase for kp in keyphrases(" ".join(w.text for w in words), top=20)]
    for topic in ("sourdough starter", "brake pads", "solar panels"):
        assert topic in found, (topic, found)
    assert "today" not in found and not any(p.split()[0] in {"we", "you"} for p in found)


def test_top_tags_contain_the_key_phrases(talk_meta) -> None:
    top = [t["tag"] for t in talk_meta["tags"][:12]]
    for phrase in ("sourdough starter", "brake pads", "solar panels"):
        assert phrase in top, (phrase, top)
    # Multi-word phrases first, each group by relevance.
    multi = [t for t in talk_meta["tags"] if " " in t["tag"]]
    assert talk_meta["tags"][: len(multi)] == multi
    ranks = [t["score"] for t in multi]
    assert ranks == sorted(ranks, reverse=True)


def test_a_multi_topic_talk_gets_distinct_title_styles(talk_meta) -> None:
    titles = [t["text"] for t in talk_meta["titles"]]
    assert len(titles) >= 3
    assert any(t.startswith("How to ") for t in titles), titles
    assert any(re.match(r"\d+ (Tips|Steps) for ", t) for t in titles), titles
    # The chapters' topics, as one title.
    assert any(t.count(",") == 1 and " and " in t for t in titles), titles


def test_long_talk_limits_and_chapters(talk, talk_meta) -> None:
    _, shifts, duration = talk
    _check_limits(talk_meta)
    chaps = talk_meta["chapters"]
    assert len(chaps) >= 3
    assert chaps[0]["start_s"] == 0 and chaps[0]["stamp"] == "0:00"
    assert chaps[-1]["end_s"] == pytest.approx(duration)
    for a, b in itertools.pairwise(chaps):
        assert a["end_s"] == b["start_s"]  # contiguous: no gaps, no overlaps
    assert all(c["end_s"] - c["start_s"] >= MIN_CHAPTER_S for c in chaps)
    # Every real topic shift has a chapter boundary within 5 s of it.
    starts = [c["start_s"] for c in chaps[1:]]
    for shift in shifts:
        assert min(abs(s - shift) for s in starts) <= 5.0, (shift, starts)
    lines = re.findall(r"^(\d+:\d\d) (.+)$", talk_meta["description"], re.M)
    assert [stamp for stamp, _ in lines] == [c["stamp"] for c in chaps]


def test_chapter_titles_name_their_topics(talk) -> None:
    words, shifts, duration = talk
    chaps = chapters(words, duration)
    edges = [0.0, *shifts, duration]
    hits = 0
    for (topic, _), lo, hi in zip(TOPICS.items(), edges, edges[1:], strict=False):
        inside = [c for c in chaps if lo - 5 <= c.start_s < hi - 5]
        vocab = set(topic.split()) | {w.rstrip("s") for w in topic.split()}
        hits += any(set(c.title.lower().split()) & vocab for c in inside)
    assert hits >= 3, [c.title for c in chaps]


def test_short_video_gets_no_chapters_but_everything_else() -> None:
    words = speech_reference_words()
    meta = build_metadata(words, duration_s=words[-1].end_s + 0.5, filename="IMG_0042.mp4")
    assert meta["chapters"] == []
    assert "Chapters" not in meta["description"]
    _check_limits(meta)
    top = [t["tag"] for t in meta["tags"][:8]]
    assert "john dashwood" in top
    # "He was not..." names who it is about.
    assert meta["hook"].startswith("John Dashwood was not"), meta["hook"]


def test_jfk_reference_text() -> None:
    text = "and so my fellow americans ask not what your country can do for you ask what you can do for your country"  # noqa: E501
    words = [TimedWord(w, i * 0.4, i * 0.4 + 0.3) for i, w in enumerate(text.split())]
    meta = build_metadata(words, duration_s=11.0, filename="jfk.flac")
    _check_limits(meta)
    assert meta["tags"][0]["tag"] == "fellow americans"
    assert "country" in [t["tag"] for t in meta["tags"]]


def test_shorter_titles_and_focus_topic(talk) -> None:
    words, _, duration = talk
    meta = build_metadata(
        words,
        duration_s=duration,
        filename="talk.mp4",
        options=MetaOptions(max_title_chars=60, focus=["solar"]),
    )
    _check_limits(meta, max_title=60)
    assert all(len(t["text"]) <= 60 for t in meta["titles"])
    assert "solar" in meta["key_phrase"]
    tags = [t["tag"] for t in meta["tags"]]
    assert tags[0] == "solar"
    assert sum("solar" in t for t in tags[:4]) >= 3  # the focus leads the ranking


def test_tags_stay_within_budget_for_a_long_rambling_talk() -> None:
    words, _, duration = multi_topic_words(300.0, seed=3)
    meta = build_metadata(words, duration_s=duration, filename="long.mp4")
    assert tags_length([t["tag"] for t in meta["tags"]]) <= TAGS_MAX
    assert len(meta["chapters"]) >= 3


def test_silent_video_uses_its_file_name_or_says_what_to_do() -> None:
    meta = build_metadata([], duration_s=20.0, filename="kyoto-temples_at-dawn.mp4")
    assert "kyoto temples" in meta["titles"][0]["text"].lower()
    assert 1 <= len(meta["hashtags"]) <= HASHTAGS_MAX
    with pytest.raises(ValueError, match="tell me what the video is about"):
        build_metadata([], duration_s=20.0, filename="IMG_1234.MOV")


def test_markdown_reply_lists_titles_description_tags(talk_meta) -> None:
    text = render_markdown(talk_meta)
    assert "**Title ideas**" in text and "**Description**" in text and "**Tags**" in text
    assert talk_meta["titles"][0]["text"] in text


def test_timestamps_and_word_readers() -> None:
    assert [timestamp(x) for x in (0, 9.99, 65, 3600 + 62)] == ["0:00", "0:09", "1:05", "1:01:02"]
    ms = coerce_words([{"w": "hi", "st": 1500, "et": 1800}, {"w": "<sil>", "st": 0, "et": 1}])
    s = coerce_words([{"w": "hi", "st": 1.5, "et": 1.8, "p": 0.9}], st_unit="s")
    assert ms == s == [TimedWord("hi", 1.5, 1.8)]
    assert coerce_words([{"b": 1.0, "d": 0.5, "t": "x"}]) == [TimedWord("x", 1.0, 1.5)]
    unpunctuated = [TimedWord("a", 0, 0.2), TimedWord("b", 0.3, 0.5), TimedWord("c", 2, 2.2)]
    assert [s.text for s in sentences(unpunctuated)] == ["a b", "c"]
