"""Key phrases of a transcript in English, Spanish or Chinese: candidates as in RAKE, ranked by
how often the phrase and its words are said, how specific they are, and whether it is a name.

Candidates are the runs of content words between stop words and punctuation (Rose et al.'s
RAKE, 2010), and every shorter run inside them up to ``max_words``; Spanish keeps ``de`` inside
a run ("aceite de oliva"). Chinese is segmented and tagged by ``rjieba`` (jieba's dictionary and
part-of-speech tags, MIT), and only runs of nouns become candidates. Words are folded with the
Snowball stemmers (BSD) so "panel" and "panels" count together.

A phrase scores ``sqrt(times said) x mean word weight x length bonus x name bonus``: a word
weighs ``specificity x (1 + ln(times said))``, where specificity is low for the generic words
of :mod:`.lexicon` and, in Chinese, for words that are common in jieba's dictionary. Of two
phrases where one contains the other, only the better one is kept, so the result never lists
"solar panels" and "rooftop solar panels", or "john dashwood" and "dashwood", together.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from .language import detect_language, language_of
from .lexicon import ADJECTIVES, ADVERB_EXCEPTIONS, GENERIC, HONORIFICS, STOP, VERBS

__all__ = [
    "Keyphrase",
    "Token",
    "content_terms",
    "keyphrases",
    "looks_adjective",
    "normalise_phrase",
    "phrase_in",
    "stopwords",
    "tokenize",
]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word (letters, inner hyphens and apostrophes), a number, or one punctuation mark.
_TOKEN = re.compile(
    r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+(?:[.,:]\d+)*|[.!?;:,()\"“”¿¡…—–。！？；：，、（）《》「」]"
)
_SENTENCE_END = frozenset(".!?…。！？")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st sr sra srta jr vs etc prof".split()  # noqa: SIM905 -- a word list reads better as text
)
_CONNECTORS = {"es": frozenset({"de", "del"})}
# jieba part-of-speech tags of nouns and names (n, nr person, ns place, nt organisation, nz
# other proper noun, vn verbal noun, eng a Latin word) and of the words a noun run may start on.
_ZH_NOUN = re.compile(r"^(?:n[rstz]?\w*|vn|eng|j|l)$")
_ZH_NAME = re.compile(r"^(?:nr\w*|ns|nt|nz)$")
_ZH_DICT_TOTAL = 60_101_967  # sum of jieba's dictionary frequencies
_ZH_NUMERALS = frozenset("零一二两三四五六七八九十百千万几半")


def stopwords(language: str = "en") -> frozenset[str]:
    """Function words and fillers of ``language`` (``"en"``, ``"es"``, ``"zh"``)."""
    return STOP.get(language_of(language), STOP["en"])


@dataclass(frozen=True)
class Token:
    """One token of a transcript.

    ``norm`` is the lower-case form, ``stem`` the folded form used for counting (empty for
    stop words and punctuation), ``name`` whether it reads as part of a name.
    """

    text: str
    norm: str
    stem: str
    kind: str  # "word", "stop", "punct", "number"
    name: bool = False
    pos: str = ""


@dataclass(frozen=True)
class Keyphrase:
    """A key phrase and how relevant it is.

    Attributes
    ----------
    phrase : str
        The tag form: lower case, single spaces (``"sourdough starter"``); Chinese as written.
    score : float
        Relevance in (0, 1], 1 for the best phrase of the text.
    count : int
        How many times the phrase is said.
    words : int
        Its length in words (Chinese: in jieba words).
    name : bool
        Whether it is a name (a person, place, brand: capitalised mid-sentence, after an
        honorific, or a proper noun by jieba's tags).
    """

    phrase: str
    score: float
    count: int = 1
    words: int = 1
    name: bool = False


@functools.lru_cache(maxsize=4)
def _stemmer(language: str):
    import snowballstemmer

    return snowballstemmer.stemmer({"es": "spanish"}.get(language, "english"))


def _is_adverb(word: str, language: str) -> bool:
    if word in ADVERB_EXCEPTIONS:
        return False
    if language == "es":
        return len(word) >= 8 and word.endswith("mente")
    return len(word) >= 5 and word.endswith("ly")


_NOUNS_LIKE_ADJECTIVES = _wordset(
    "english spanish polish radish finish publish table vegetable timetable turntable "
    "stable cable fable syllable constable bible hundred kindred sacred"
)


def looks_adjective(word: str) -> bool:
    """English words whose ending marks an adjective or a participle ("selfish", "disposed",
    "respectable")."""
    base = word.rsplit("-", 1)[-1]
    if base in _NOUNS_LIKE_ADJECTIVES:
        return False
    if re.search(r"(?:ous|ful|less|ish)$", base) and len(base) > 5:
        return True
    if re.search(r"(?:able|ible)$", base) and len(base) > 5:
        return True
    return len(base) > 5 and base.endswith("ed") and not base.endswith("eed")


_ES_NOUNS_IN_N = _wordset(
    "imagen imágenes origen volumen examen resumen margen orden joven almacén certamen "
    "dictamen abdomen crimen régimen polen andén"
)
# Spanish conjugations no noun has: "-amos" (cortamos), "-aron", gerunds ("cortando").
_ES_VERB_ENDING = re.compile(r"(?:[aeií]mos|aron|ieron|ando|iendo|aban|ábamos|íamos)$")


def _is_verb(norm: str, language: str) -> bool:
    if norm in VERBS[language]:
        return True
    return language == "es" and len(norm) >= 6 and bool(_ES_VERB_ENDING.search(norm))


def _latin_tokens(text: str, language: str) -> list[Token]:
    stops = STOP[language]
    stem = _stemmer(language).stemWord
    raw = _TOKEN.findall(text)
    out: list[Token] = []
    sentence_start = True
    after_honorific = False
    capitals: Counter[str] = Counter()
    for i, tok in enumerate(raw):  # words capitalised somewhere other than a sentence start
        if tok[:1].isupper() and i and raw[i - 1] not in _SENTENCE_END and tok.lower() not in stops:
            capitals[tok.lower()] += 1
    for tok in raw:
        if not tok[0].isalnum():
            if tok == "." and out and out[-1].norm in _ABBREVIATIONS:
                continue  # "Mr. John Dashwood": the full stop of an abbreviation
            out.append(Token(tok, tok, "", "punct"))
            sentence_start = tok in _SENTENCE_END or sentence_start
            after_honorific = False
            continue
        if tok[0].isdigit():
            out.append(Token(tok, tok, "", "number"))
            sentence_start = after_honorific = False
            continue
        norm = tok.lower().replace("’", "'")
        if language == "en" and norm.endswith("'s"):
            norm = norm[:-2]  # "the dog's bowl": the owner is the word
        if norm in stops or len(norm) < 2 or (_is_verb(norm, language) and not tok.isupper()):
            kind = "stop"
        else:
            kind = "word"
        cap = tok[:1].isupper() and kind == "word"
        acronym = tok.isupper() and len(tok) >= 2 and kind == "word"
        name = kind == "word" and (
            after_honorific or acronym or (cap and (not sentence_start or capitals[norm] > 0))
        )
        stem_ = stem(norm.replace("-", "")) if kind == "word" else ""
        out.append(Token(tok, norm, stem_, kind, name))
        after_honorific = norm in HONORIFICS or (after_honorific and name)
        sentence_start = False
    return out


def _zh_tokens(text: str) -> list[Token]:
    import rjieba

    stops = STOP["zh"]
    out: list[Token] = []
    for word, pos in rjieba.tag(text):
        word = word.strip()
        if not word:
            continue
        if pos == "x" or not any(ch.isalnum() for ch in word):
            out.append(Token(word, word, "", "punct", pos=pos))
        elif pos in ("m", "q") or word.isdigit() or (len(word) <= 3 and word[0] in _ZH_NUMERALS):
            out.append(Token(word, word, "", "number", pos=pos))
        elif word in stops or not _ZH_NOUN.match(pos) or (len(word) < 2 and pos != "eng"):
            out.append(Token(word, word, "", "stop", pos=pos))
        else:
            low = word.lower()
            out.append(Token(word, low, low, "word", bool(_ZH_NAME.match(pos)), pos))
    return out


def tokenize(text: str, language: str | None = None) -> list[Token]:
    """Split ``text`` into :class:`Token` objects (Chinese through ``rjieba``).

    ``language`` is detected from the text when not given.
    """
    lang = language_of(language, text) if language else detect_language(text)
    return _zh_tokens(text) if lang == "zh" else _latin_tokens(text, lang)


def content_terms(text: str, language: str | None = None) -> list[str]:
    """The stems of the content words of ``text``, in order (for vocabulary comparisons)."""
    return [t.stem for t in tokenize(text, language) if t.kind == "word"]


def _specificity(tok: Token, language: str) -> float:
    if tok.norm in GENERIC.get(language, ()):
        return 0.25
    if language == "zh":
        import rjieba

        freq = max(1, rjieba.suggest_freq(tok.text) - 1)
        rarity = (math.log(_ZH_DICT_TOTAL / freq) - 5.0) / 8.0
        return 0.4 + 0.6 * min(1.0, max(0.0, rarity))
    if len(tok.norm) < 4 and not tok.name:
        return 0.6
    return 1.0


def _runs(tokens: list[Token], language: str) -> list[list[Token]]:
    """Runs of content words (with connectors such as Spanish "de" kept inside)."""
    connectors = _CONNECTORS.get(language, frozenset())
    runs: list[list[Token]] = []
    cur: list[Token] = []
    for tok in tokens:
        if tok.kind == "word" or (tok.kind == "stop" and tok.norm in connectors and cur):
            cur.append(tok)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)
    # A run never ends on a connector ("aceite de" before a full stop).
    for run in runs:
        while run and run[-1].kind != "word":
            run.pop()
    return [r for r in runs if r]


def _edge_ok(tok: Token, language: str, *, last: bool) -> bool:
    """Whether a phrase may start (``last=False``) or end on ``tok``.

    English puts adjectives before the noun and Spanish after it, so an English phrase never
    ends on one ("ill-disposed young") and a Spanish one never starts on a general one
    ("buena tortilla").
    """
    if tok.kind != "word" or _is_adverb(tok.norm, language):
        return False
    if tok.name:
        return True
    if language == "en" and last:
        return not (looks_adjective(tok.norm) or tok.norm in ADJECTIVES["en"])
    if language == "es" and not last:
        return tok.norm not in ADJECTIVES["es"]
    if language == "es" and last:
        # Third-person plural verbs ("las baterías guardan"), not nouns in -an/-en.
        return not (len(tok.norm) >= 6 and tok.norm.endswith(("an", "en")) and tok.norm not in
                    _ES_NOUNS_IN_N)  # fmt: skip
    return True


def _join(tokens: list[Token], language: str) -> str:
    if language == "zh":
        return "".join(t.text for t in tokens)
    return " ".join(t.norm for t in tokens)


def normalise_phrase(text: str) -> str:
    """Lower-case words only, single spaces: the form tags and comparisons use."""
    words = re.findall(r"[\w'’-]+", (text or "").lower())
    return " ".join(w.strip("'’-") for w in words if w.strip("'’-"))


def phrase_in(phrase: str, text: str) -> bool:
    """Whether ``phrase`` occurs in ``text`` as whole words (case-insensitive); for Chinese,
    as a substring."""
    if not phrase:
        return False
    if re.search(r"[\u3400-\u9fff]", phrase):
        return phrase in text
    loose = r"[\s-]+".join(re.escape(p) for p in re.split(r"[\s-]+", phrase.strip()))
    return re.search(r"(?<!\w)" + loose + r"(?!\w)", text, re.IGNORECASE) is not None


def _contains(big: tuple[str, ...], small: tuple[str, ...], language: str) -> bool:
    if language == "zh":
        return "".join(small) in "".join(big)
    n = len(small)
    return any(big[i : i + n] == small for i in range(len(big) - n + 1))


def keyphrases(
    text: str, *, language: str | None = None, top: int = 20, max_words: int = 4
) -> list[Keyphrase]:
    """Rank the key phrases of ``text``.

    Parameters
    ----------
    text
        Any amount of running text (a transcript, a chapter's words, a request).
    language
        ``"en"``, ``"es"`` or ``"zh"``; detected from the text when not given.
    top
        How many phrases to return at most.
    max_words
        Longest phrase in words.

    Returns
    -------
    list of Keyphrase
        Best first; none contains another; none starts or ends on a stop word, a frequent
        verb or an adverb. Single words said once are left out unless they are names, or
        the text is too short to offer anything else.
    """
    text = (text or "").strip()
    if not text:
        return []
    lang = language_of(language, text) if language else detect_language(text)
    tokens = tokenize(text, lang)
    words = [t for t in tokens if t.kind == "word"]
    if not words:
        return []
    tf = Counter(t.stem for t in words)
    spec: dict[str, float] = {}
    names: Counter[str] = Counter()
    for t in words:
        spec.setdefault(t.stem, _specificity(t, lang))
        names[t.stem] += t.name

    counts: Counter[tuple[str, ...]] = Counter()
    surfaces: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for run in _runs(tokens, lang):
        for i in range(len(run)):
            if not _edge_ok(run[i], lang, last=False):
                continue
            content = 0
            for j in range(i, len(run)):
                content += run[j].kind == "word"
                if content > max_words:
                    break
                if not _edge_ok(run[j], lang, last=True):
                    continue
                span = run[i : j + 1]
                key = tuple(t.stem or t.norm for t in span)
                counts[key] += 1
                surfaces[key][_join(span, lang)] += 1

    scored: list[tuple[float, tuple[str, ...]]] = []
    for key, count in counts.items():
        stems = [s for s in key if s in tf]
        if all(spec[s] <= 0.25 for s in stems):
            continue  # "young man", "good time": nothing specific in it
        # Inside a phrase a general word is only a modifier ("young man" in "ill-disposed
        # young man"): it lowers the phrase's weight less than it would alone.
        floor = 0.6 if len(stems) > 1 else 0.0
        weight = sum(max(spec[s], floor) * (1.0 + math.log(tf[s])) for s in stems) / len(stems)
        length = {1: 1.0, 2: 1.6, 3: 1.9}.get(len(stems), 2.0)
        is_name = all(names[s] for s in stems)
        name_bonus = 1.5 if is_name else 1.0
        if len(stems) == 1 and count < 2 and not is_name:
            name_bonus *= 0.35  # a word said once is rarely the topic
        scored.append((math.sqrt(count) * weight * length * name_bonus, key))
    scored.sort(key=lambda x: (-x[0], -len(x[1]), x[1]))

    kept: list[tuple[float, tuple[str, ...]]] = []
    blocked: set[tuple[str, ...]] = set()
    for score, key in scored:
        if key in blocked:
            continue
        if any(_contains(k, key, lang) or _contains(key, k, lang) for _, k in kept):
            continue
        kept.append((score, key))
        # The other pieces of a longer phrase that holds this one are fragments too: with
        # "solar panels" kept, "rooftop solar" (from "rooftop solar panels") is not a topic.
        for longer in counts:
            if len(longer) > len(key) and _contains(longer, key, lang):
                for i in range(len(longer)):
                    for j in range(i + 1, len(longer) + 1):
                        blocked.add(longer[i:j])
        if len(kept) >= top:
            break
    if not kept:
        return []
    best = kept[0][0]
    out = []
    for score, key in kept:
        stems = [s for s in key if s in tf]
        out.append(
            Keyphrase(
                phrase=surfaces[key].most_common(1)[0][0],
                score=round(max(score / best, 1e-4), 4),
                count=counts[key],
                words=len(stems),
                name=all(names[s] for s in stems),
            )
        )
    return out
