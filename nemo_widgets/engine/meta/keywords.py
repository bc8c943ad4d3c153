"""Keyphrases of a transcript with YAKE, tuned for speech (fillers and pronouns never lead).

YAKE (``yake`` on PyPI, INESC TEC) is unsupervised and needs no model download. Licence note:
the wheel's ``License`` field says "LGPLv3", its classifier says GPLv3 and its bundled LICENSE
file is the AGPL-3.0 (with a commercial option); the import stays in this one module so it can
be swapped out.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass

__all__ = ["Keyphrase", "keyphrases", "normalise_phrase", "stopwords"]

# Spoken English is full of words YAKE's written-text stop list lets through; a keyphrase
# like "today we bake" or "gonna show" is worthless as a tag.
_SPOKEN_STOPWORDS = frozenset(
    """
    um uh erm hmm ah oh okay ok yeah yes no hey hi hello bye gonna wanna gotta kinda sorta
    lot lots thing things stuff guys guy folks everybody everyone someone something anything
    really actually basically literally just like well right so also pretty quite very much
    today now then here there going go goes went get gets got make makes made let lets let's
    know think want need see look say said says tell told put take takes took come came
    i'm i've i'll i'd you're you've you'll you'd we're we've we'll we'd they're they've it's
    that's there's here's what's don't doesn't didn't can't won't isn't aren't wasn't
    one two first next last way kind sort bit little big good great nice new
    video videos channel subscribe episode welcome back time minute minutes second seconds
    mister mr mrs ms
    """.split()  # noqa: SIM905 -- a word list reads better as text
)

_WORD = re.compile(r"[\w'’-]+", re.UNICODE)


@functools.lru_cache(maxsize=8)
def stopwords(language: str = "en") -> frozenset[str]:
    """YAKE's stop list for ``language`` plus spoken-English fillers."""
    import yake

    base = yake.KeywordExtractor(lan=(language or "en")[:2]).stopword_set
    return frozenset(base) | _SPOKEN_STOPWORDS


@dataclass(frozen=True)
class Keyphrase:
    """A keyphrase and how relevant it is.

    Attributes
    ----------
    phrase : str
        Lower-case, whitespace-normalised text ("sourdough starter").
    score : float
        Relevance in (0, 1], 1 for the best phrase of the text (derived from YAKE's score,
        where lower is better).
    yake : float
        YAKE's raw score (lower is better), kept for debugging and ranking ties.
    """

    phrase: str
    score: float
    yake: float


def normalise_phrase(text: str) -> str:
    """Lower-case words only, single spaces: the form tags and comparisons use."""
    return " ".join(w.strip("'’-") for w in _WORD.findall(text.lower()) if w.strip("'’-"))


def keyphrases(
    text: str, *, language: str = "en", top: int = 20, max_words: int = 3
) -> list[Keyphrase]:
    """Rank the keyphrases of ``text`` with YAKE.

    Parameters
    ----------
    text
        Any amount of running text (a transcript, a chapter's words).
    language
        Two-letter code choosing YAKE's stop list (unknown codes use YAKE's generic list).
    top
        How many phrases to return at most.
    max_words
        Longest phrase in words.

    Returns
    -------
    list of Keyphrase
        Best first. Phrases made of stopwords, digits or single letters are dropped, and so is
        a phrase already covered by a better one with the same words in another order.
    """
    import yake

    text = (text or "").strip()
    if not text:
        return []
    stops = stopwords(language)
    extractor = yake.KeywordExtractor(
        lan=(language or "en")[:2],
        n=max_words,
        top=top * 3,  # head-room for the filtering below
        dedup_lim=0.8,
        stopwords=set(stops),
    )
    raw = extractor.extract_keywords(text)
    seen: set[frozenset[str]] = set()
    kept: list[tuple[str, float]] = []
    for phrase, score in raw:
        norm = normalise_phrase(phrase)
        tokens = norm.split()
        if not tokens or any(t in stops for t in tokens):
            continue
        if any(len(t) < 3 or t.isdigit() for t in tokens):
            continue
        key = frozenset(tokens)
        if key in seen:
            continue
        seen.add(key)
        kept.append((norm, float(score)))
        if len(kept) >= top:
            break
    if not kept:
        return []
    best = max(min(s for _, s in kept), 1e-12)
    # YAKE scores span orders of magnitude; the square root of the ratio to the best keeps
    # the best at 1, stays monotonic and spreads the rest usefully over (0, 1].
    return [Keyphrase(p, round(math.sqrt(best / max(s, 1e-12)), 4), s) for p, s in kept]


def phrase_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (case-insensitive)."""
    return re.search(r"\b" + re.escape(phrase) + r"\b", text, re.IGNORECASE) is not None
