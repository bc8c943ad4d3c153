"""Timed words as the meta functions see them, read tolerantly from any transcript shape."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

__all__ = ["Sentence", "TimedWord", "coerce_words", "sentences", "words_text"]


class TimedWord(NamedTuple):
    """One spoken word with its time span in seconds."""

    text: str
    start_s: float
    end_s: float


class Sentence(NamedTuple):
    """A run of words that reads as one sentence, with its time span in seconds."""

    text: str
    start_s: float
    end_s: float


_TEXT_KEYS = ("text", "word", "w", "t", "txt")
# Keys holding milliseconds vs seconds: the caption track stores ms ("st"/"et"), transcripts s.
_START_MS_KEYS = ("st", "start_ms")
_END_MS_KEYS = ("et", "end_ms")
_START_S_KEYS = ("start_s", "start", "b", "s")
_END_S_KEYS = ("end_s", "end", "e")


def _first(d: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        if k in d and d[k] is not None:
            return d[k]
    return None


def _coerce_one(item: Any, st_scale: float) -> TimedWord | None:
    if isinstance(item, TimedWord):
        return item
    if isinstance(item, Mapping):
        text = _first(item, _TEXT_KEYS)
        st_ms, et_ms = _first(item, _START_MS_KEYS), _first(item, _END_MS_KEYS)
        if st_ms is not None:
            start = float(st_ms) * st_scale
            end = float(et_ms) * st_scale if et_ms is not None else start
        else:
            start = _first(item, _START_S_KEYS)
            end = _first(item, _END_S_KEYS)
            if start is None:
                return None
            start = float(start)
            if end is None and "d" in item:  # {"b": start, "d": duration} (alignment JSON)
                end = start + float(item["d"])
            end = float(end) if end is not None else start
    elif isinstance(item, (list, tuple)) and len(item) >= 3:
        text, start, end = item[0], float(item[1]), float(item[2])
    else:  # an object such as captions' Word(text, start_s, end_s, probability)
        text = getattr(item, "text", None)
        start = getattr(item, "start_s", None)
        end = getattr(item, "end_s", None)
        if start is None:
            return None
        start, end = float(start), float(end if end is not None else start)
    if text is None:
        return None
    text = str(text).strip()
    if not text or (text.startswith("<") and text.endswith(">")):  # <sil>, <s> markers
        return None
    return TimedWord(text, start, max(start, end))


def coerce_words(items: Iterable[Any] | None, *, st_unit: str = "ms") -> list[TimedWord]:
    """Read words from dicts (``{"w"|"text", "st"/"et" | "start_s"/"end_s"}``),
    ``(text, start_s, end_s)`` tuples or objects with ``text/start_s/end_s`` attributes.

    ``st_unit`` says what ``st``/``et`` hold: milliseconds in draft caption segments
    (``schema.SEG_WORDS``), seconds in ``state["captions"][lang]["words"]`` (the captions
    module's ``Word.to_dict``). Items without text or a start time (and recogniser markers like
    ``<sil>``) are skipped; the result is sorted by start time.
    """
    scale = 0.001 if st_unit == "ms" else 1.0
    out = [w for w in (_coerce_one(i, scale) for i in list(items or ())) if w is not None]
    out.sort(key=lambda w: (w.start_s, w.end_s))
    return out


_GLUE = re.compile(r"^(?:[-'’]|n't\b|[.,!?;:%)\]}…])")
# Han characters and CJK punctuation: Chinese is written without spaces, and recognisers give
# it as single characters or short runs.
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")


def words_text(words: Iterable[TimedWord]) -> str:
    """The words joined with single spaces, except before tokens that continue a word
    (recognisers split "ill-disposed" into "ill" + "-disposed", "can't" into "can" + "'t") and
    between Chinese characters, which are written without spaces."""
    out: list[str] = []
    for w in words:
        text = w.text.strip()
        if not text:
            continue
        if (out and (_GLUE.match(text) or (_CJK.match(text[0]) and _CJK.match(out[-1][-1])))) or (
            out and _CJK.match(out[-1][-1]) and re.match(r"[，。！？、；：,.!?;:]", text)
        ):
            out[-1] += text
        else:
            out.append(text)
    return " ".join(out)


_END_PUNCT = re.compile(r"[.!?。！？…]['\")\]]*$")
# Abbreviations whose full stop ends no sentence ("Mr. John Dashwood").
_ABBREVIATION = re.compile(r"^(?:mr|mrs|ms|dr|st|sr|sra|srta|jr|prof|vs|etc)\.$", re.IGNORECASE)


def _ends_sentence(text: str) -> bool:
    return bool(_END_PUNCT.search(text)) and not _ABBREVIATION.match(text)


def sentences(
    words: list[TimedWord], *, pause_s: float = 0.7, max_words: int = 30
) -> list[Sentence]:
    """Group words into sentences.

    Sentence-final punctuation ends a sentence when the recogniser gives punctuation
    (Whisper does); without it (PocketSphinx, plain alignments) a pause of ``pause_s`` or more
    does, and no sentence runs past ``max_words`` either way.
    """
    punctuated = any(_ends_sentence(w.text) for w in words)
    # Chinese comes as characters or two-character words: a sentence holds more of them.
    if sum(bool(_CJK.match(w.text[:1])) for w in words) * 2 > len(words):
        max_words *= 2
    out: list[Sentence] = []
    cur: list[TimedWord] = []

    def flush() -> None:
        if cur:
            out.append(Sentence(words_text(cur), cur[0].start_s, cur[-1].end_s))
            cur.clear()

    for i, w in enumerate(words):
        if cur and not punctuated and w.start_s - cur[-1].end_s >= pause_s:
            flush()
        cur.append(w)
        nxt = words[i + 1] if i + 1 < len(words) else None
        if (punctuated and _ends_sentence(w.text)) or len(cur) >= max_words:
            flush()
        elif punctuated and nxt is not None and nxt.start_s - w.end_s >= 2.0:
            flush()  # a long silence ends a sentence even without a full stop
    flush()
    return out
