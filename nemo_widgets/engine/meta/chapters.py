"""Chapters from timed words: TextTiling-style topic segmentation, titled with keyphrases.

Hearst's TextTiling (1997) compares the vocabulary of adjacent windows of text and cuts where
their similarity dips deepest. Here the pseudo-sentences are runs of ``seq_words`` spoken words,
a gap's score is the cosine similarity of the ``block`` sequences on either side, and a
boundary is placed at the longest pause near the chosen gap so a chapter starts as a sentence
does. YouTube's rules decide the rest: the first chapter starts at 0:00, there are at least
three, and each lasts at least ten seconds.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from .keywords import content_terms, keyphrases, tokenize
from .language import detect_language, language_of
from .words import TimedWord, words_text

__all__ = ["MIN_CHAPTER_S", "MIN_VIDEO_S", "Chapter", "chapters", "timestamp"]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: YouTube: every chapter lasts at least 10 s.
MIN_CHAPTER_S = 10.0
#: Shorter videos get no chapters: three 10-second chapters in a 40-second clip help nobody.
MIN_VIDEO_S = 60.0
MIN_CHAPTERS = 3


@dataclass(frozen=True)
class Chapter:
    """One chapter: where it starts and ends (seconds) and its title."""

    start_s: float
    end_s: float
    title: str

    @property
    def stamp(self) -> str:
        return timestamp(self.start_s)


def timestamp(seconds: float) -> str:
    """YouTube's chapter stamp: ``0:00``, ``4:05``, ``1:02:03``."""
    total = math.floor(max(seconds, 0.0) + 1e-6)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(v * b.get(k, 0) for k, v in a.items())
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


def _depths(sims: list[float]) -> list[float]:
    """TextTiling depth: how far a gap's similarity sits below the peaks on both sides."""
    out = []
    for i, s in enumerate(sims):
        left = s
        for j in range(i - 1, -1, -1):
            if sims[j] < left:
                break
            left = sims[j]
        right = s
        for j in range(i + 1, len(sims)):
            if sims[j] < right:
                break
            right = sims[j]
        out.append((left - s) + (right - s))
    return out


def _boundaries(
    words: list[TimedWord],
    duration_s: float,
    *,
    seq_words: int,
    block: int,
    min_len_s: float,
    max_chapters: int,
    language: str,
) -> list[float]:
    seqs = [words[i : i + seq_words] for i in range(0, len(words), seq_words)]
    if len(seqs) < 4:
        return []
    bags = [Counter(content_terms(words_text(s), language)) for s in seqs]
    sims = []
    for gap in range(1, len(seqs)):
        left = sum((bags[j] for j in range(max(0, gap - block), gap)), Counter())
        right = sum((bags[j] for j in range(gap, min(len(seqs), gap + block))), Counter())
        sims.append(_cosine(left, right))
    # Smooth with a 3-wide moving average, as TextTiling does, to drop one-sequence wobbles.
    smooth = [
        sum(sims[max(0, i - 1) : i + 2]) / len(sims[max(0, i - 1) : i + 2])
        for i in range(len(sims))
    ]
    depths = _depths(smooth)
    mean = sum(depths) / len(depths)
    sd = math.sqrt(sum((d - mean) ** 2 for d in depths) / len(depths))
    # Hearst cuts at mean - sd/2 for written paragraphs; speech drifts more between
    # sentences, so only dips clearly deeper than usual count as topic shifts here.
    cutoff = mean + sd / 2

    # A gap is only known to a sequence's precision. Refine it at word level: among the
    # sentence starts within one sequence either side, take the one whose surrounding windows
    # share the fewest terms, ties to the longer pause (sections end in a breath).
    # Each word's content terms, from one pass over the whole text (Chinese needs the context
    # to be segmented), spread back over the words that hold them.
    terms = _word_terms(words, language)
    span = seq_words * block

    def bag(lo: int, hi: int) -> Counter[str]:
        c: Counter[str] = Counter()
        for k in range(max(0, lo), min(len(words), hi)):
            c.update(terms[k])
        return c

    def gap_time(gap: int) -> float:
        first = gap * seq_words
        best: tuple[float, float, float] | None = None
        for k in range(max(1, first - seq_words), min(len(words), first + seq_words + 1)):
            pause = words[k].start_s - words[k - 1].end_s
            sentence_start = bool(re.search(r"[.!?。！？]$", words[k - 1].text)) or pause >= 0.3
            if not sentence_start:
                continue
            sim = _cosine(bag(k - span, k), bag(k, k + span))
            cand = (round(sim, 3), -pause, words[k].start_s)
            if best is None or cand < best:
                best = cand
        return best[2] if best else words[first].start_s

    ranked = sorted(range(len(depths)), key=lambda i: -depths[i])
    chosen: list[float] = []

    def fits(t: float) -> bool:
        edges = [0.0, duration_s, *chosen]
        return all(abs(t - e) >= min_len_s for e in edges)

    for i in ranked:  # deep dips first, above the cutoff
        if depths[i] <= 0 or depths[i] < cutoff or len(chosen) + 1 >= max_chapters:
            break
        t = gap_time(i + 1)
        if fits(t):
            chosen.append(t)
    if len(chosen) + 1 < MIN_CHAPTERS:
        # A long video with one dominant shift: take the next-deepest dips still allowed.
        for i in ranked:
            if len(chosen) + 1 >= MIN_CHAPTERS:
                break
            t = gap_time(i + 1)
            if depths[i] > 0 and t not in chosen and fits(t):
                chosen.append(t)
    return sorted(chosen)


def _word_terms(words: list[TimedWord], language: str) -> list[list[str]]:
    if language != "zh":
        return [content_terms(w.text, language) for w in words]
    out: list[list[str]] = [[] for _ in words]
    owner: list[int] = []
    for i, w in enumerate(words):
        owner += [i] * len(w.text)
    text = "".join(w.text for w in words)

    pos = 0
    for tok in tokenize(text, "zh"):
        at = text.find(tok.text, pos)
        if at < 0:
            continue
        pos = at + len(tok.text)
        if tok.kind == "word" and at < len(owner):
            out[owner[at]].append(tok.stem)
    return out


_PART = {"en": "Part {}", "es": "Parte {}", "zh": "第{}部分"}


def _title(text: str, used: set[str], language: str, index: int) -> str:
    fresh = [
        kp
        for kp in keyphrases(text, language=language, top=10)
        if not any(kp.phrase in u or u in kp.phrase for u in used)
    ]
    if not fresh:
        return _PART.get(language, _PART["en"]).format(index + 1)
    # A two- or three-word phrase names a section better than a lone noun ("Solar Panels",
    # not "Panels"), as long as it is nearly as relevant.
    multi = [kp for kp in fresh[:6] if " " in kp.phrase and kp.score >= 0.35 * fresh[0].score]
    pick = multi[0] if multi else fresh[0]
    used.add(pick.phrase)
    if language == "en":
        return smart_title(pick.phrase)
    return pick.phrase[:1].upper() + pick.phrase[1:]


_SMALL_WORDS = frozenset(
    "a an and as at but by for in of on or the to vs via with from into nor per than".split()  # noqa: SIM905 -- a word list reads better as text
)


def smart_title(phrase: str) -> str:
    """Title-case an English phrase, keeping short function words lower (not the first) and
    words with inner capitals as they are ("iPhone", "NASA"); hyphenated parts are each
    capitalised ("Ill-Disposed")."""
    out = []
    for i, w in enumerate(phrase.split()):
        if any(c.isupper() for c in w[1:]) or (i and w.lower() in _SMALL_WORDS):
            out.append(w if any(c.isupper() for c in w[1:]) else w.lower())
        else:
            out.append("-".join(p[:1].upper() + p[1:] for p in w.split("-")))
    return " ".join(out)


def chapters(
    words: list[TimedWord],
    duration_s: float,
    *,
    language: str | None = None,
    min_len_s: float = MIN_CHAPTER_S,
    min_video_s: float = MIN_VIDEO_S,
    seq_words: int = 20,
    block: int = 3,
) -> list[Chapter]:
    """Split a talk into chapters at its topic shifts.

    Parameters
    ----------
    words
        The transcript's words with times (seconds), sorted.
    duration_s
        The video's length; the last chapter ends there.
    language
        ``"en"``, ``"es"`` or ``"zh"`` (detected when not given): how words are split and
        counted, and the language of the titles.
    min_len_s, min_video_s
        No chapter shorter than ``min_len_s``; no chapters at all for a video shorter than
        ``min_video_s`` or when fewer than three chapters fit.
    seq_words, block
        TextTiling's pseudo-sentence size (words) and comparison window (sequences).

    Returns
    -------
    list of Chapter
        Contiguous, non-overlapping, first at 0.0, last ending at ``duration_s``; or ``[]``.
    """
    if duration_s < min_video_s or len(words) < seq_words * 4:
        return []
    text = words_text(words)
    language = language_of(language, text) if language else detect_language(text)
    # Shorter sequences for sparse speech keep enough gaps to choose from.
    seq = max(8, min(seq_words, len(words) // 12))
    # Longer talks wander more within a topic: compare wider windows (TextTiling's k=10
    # sequences for essays; fewer for short clips so the edges still have gaps to score).
    block = max(block, min(10, len(words) // seq // 10))
    # About one chapter per 50 s at most, none shorter than a fifteenth of the video: a
    # chapter list is a table of contents, not a sentence index.
    max_chapters = max(MIN_CHAPTERS, int(duration_s // 50))
    cuts = _boundaries(
        words,
        duration_s,
        seq_words=seq,
        block=block,
        min_len_s=max(min_len_s, duration_s / 15),
        max_chapters=max_chapters,
        language=language,
    )
    if len(cuts) + 1 < MIN_CHAPTERS:
        return []
    edges = [0.0, *cuts, float(duration_s)]
    used: set[str] = set()
    out = []
    for i in range(len(edges) - 1):
        st, et = edges[i], edges[i + 1]
        text = words_text(w for w in words if st <= w.start_s < et)
        out.append(Chapter(round(st, 3), round(et, 3), _title(text, used, language, i)))
    return out
