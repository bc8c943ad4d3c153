"""Titles, tags and descriptions people would publish, checked as properties on real
transcripts (the LibriVox and JFK references, the bundled samples) and on talks in Spanish and
Chinese: whatever the words, the output keeps YouTube's limits and the issue's rules."""

from __future__ import annotations

import re

import pytest
from meta_scripts import (
    CHINESE_TALKS,
    SAMPLES,
    SPANISH_TALKS,
    SPEECH,
    alignment_words,
    multi_topic_words,
    speech_reference_words,
    timed,
)

from nemo_widgets.engine.meta.keywords import normalise_phrase, phrase_in
from nemo_widgets.engine.meta.lexicon import STOP
from nemo_widgets.engine.meta.titles import (
    HASHTAGS_MAX,
    HOOK_MAX,
    TAGS_MAX,
    TITLE_MAX,
    build_metadata,
    tags_length,
)
from nemo_widgets.engine.meta.words import words_text

# Clip-length and filler templates no title may use, in the three languages.
FILLER = re.compile(
    r"\bin \d+ (?:seconds|minutes)\b|what you need to know|the key points|\bexplained\b|"
    r"\band more\b|a guide to|all about|lo que necesitas saber|en \d+ (?:segundos|minutos)|"
    r"\d+\s*秒|你需要知道",
    re.IGNORECASE,
)


def _cases() -> dict[str, tuple[list, str]]:
    cases: dict[str, tuple[list, str]] = {}
    for path in sorted(SPEECH.glob("*.txt")):
        cases[f"ref:{path.stem}"] = (timed(path.read_text()), "en")
    for path in sorted(SPEECH.glob("*.json")):
        cases[f"align:{path.stem}"] = (alignment_words(path), "en")
    for path in sorted(SAMPLES.glob("*.txt")):
        cases[f"sample:{path.stem}"] = (timed(path.read_text()), "en")
    cases["all-references"] = (speech_reference_words(), "en")
    cases["four-topic-talk"] = (multi_topic_words(60.0)[0], "en")
    for name, text in SPANISH_TALKS.items():
        cases[f"es:{name}"] = (timed(text), "es")
    for name, text in CHINESE_TALKS.items():
        cases[f"zh:{name}"] = (timed(text), "zh")
    return cases


CASES = _cases()


def _meta(name: str) -> dict | None:
    words, _ = CASES[name]
    try:
        return build_metadata(words, duration_s=words[-1].end_s + 0.5)
    except ValueError as exc:  # a fragment with nothing to title says so
        assert "too short to say what the video is about" in str(exc)
        return None


def _tokens(tag: str, lang: str) -> list[str]:
    return [tag] if lang == "zh" else tag.split()


@pytest.mark.parametrize("name", list(CASES))
def test_tags_a_creator_would_keep(name: str) -> None:
    meta = _meta(name)
    if meta is None:
        return
    lang = CASES[name][1]
    tags = [t["tag"] for t in meta["tags"]]
    assert tags_length(tags) <= TAGS_MAX
    for i, tag in enumerate(tags):
        words = _tokens(tag, lang)
        # No stop words: none at the edges, and in English none at all (Spanish keeps "de"
        # inside a noun phrase: "aceite de oliva").
        assert words[0] not in STOP[lang] and words[-1] not in STOP[lang], tag
        inner = [w for w in words if w in STOP[lang]]
        assert not inner or (lang == "es" and set(inner) <= {"de", "del"}), tag
        if len(words) == 1 and lang != "zh":
            assert not re.search(r"\w{3,}(?:ly|mente)$", tag), tag  # no lone adverbs
        for other in tags[:i] + tags[i + 1 :]:  # no tag repeats a piece of another
            assert not phrase_in(tag, other), (tag, other)
    # Multi-word phrases first.
    multi = [len(_tokens(t, lang)) > 1 for t in tags]
    assert multi == sorted(multi, reverse=True) or lang == "zh"


@pytest.mark.parametrize("name", list(CASES))
def test_titles_name_the_content(name: str) -> None:
    meta = _meta(name)
    if meta is None:
        return
    keys = [meta["key_phrase"], *(t["tag"] for t in meta["tags"])]
    assert meta["titles"]
    for t in meta["titles"]:
        text = t["text"]
        assert len(text) <= TITLE_MAX and t["chars"] == len(text)
        assert any(phrase_in(k, text) for k in keys), (text, keys)
        assert not FILLER.search(text), text
    assert len({normalise_phrase(t["text"]) for t in meta["titles"]}) == len(meta["titles"])


@pytest.mark.parametrize("name", list(CASES))
def test_description_summarises(name: str) -> None:
    meta = _meta(name)
    if meta is None:
        return
    words, lang = CASES[name]
    transcript = normalise_phrase(words_text(words))
    description = meta["description"]
    assert not transcript.startswith(normalise_phrase(description)[:40]), description
    assert description.startswith(meta["hook"]) and len(meta["hook"]) <= HOOK_MAX
    assert len(meta["hashtags"]) <= HASHTAGS_MAX
    assert all(h in description for h in meta["hashtags"])
    assert meta["language"] == lang


def test_spanish_speech_gets_spanish_metadata() -> None:
    words = timed(SPANISH_TALKS["tortilla"])
    meta = build_metadata(words, duration_s=words[-1].end_s + 0.5)
    titles = [t["text"] for t in meta["titles"]]
    assert meta["key_phrase"] == "tortilla de patatas"
    assert any(t.startswith("Cómo ") for t in titles), titles
    assert any(t.startswith("¿") and t.endswith("?") for t in titles), titles
    assert "aceite de oliva" in [t["tag"] for t in meta["tags"]]


def test_chinese_speech_gets_chinese_metadata() -> None:
    words = timed(CHINESE_TALKS["咖啡"])
    meta = build_metadata(words, duration_s=words[-1].end_s + 0.5)
    assert meta["key_phrase"] == "手冲咖啡" and meta["language"] == "zh"
    assert all(re.search(r"[\u4e00-\u9fff]", t["text"]) for t in meta["titles"])
    assert any(t["text"].startswith("如何") for t in meta["titles"])
    assert meta["hashtags"][0] == "#手冲咖啡"


def test_the_issues_example_no_longer_repeats_itself() -> None:
    words = timed((SAMPLES / "reading.txt").read_text())
    meta = build_metadata(words, duration_s=15.4)
    tags = [t["tag"] for t in meta["tags"]]
    assert tags[:2] == ["john dashwood", "ill-disposed young man"]
    for fragment in ("john", "dashwood", "young man", "ill-disposed", "prudently", "power"):
        assert fragment not in tags
    titles = [t["text"] for t in meta["titles"]]
    assert "John Dashwood Was Not an Ill-Disposed Young Man" in titles
