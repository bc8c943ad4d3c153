"""Cues from timed words, following the presets and rules of ``captions.md``.

A :class:`CuePreset` holds the limits (characters per line, lines, on-screen duration, gap,
reading speed, words per cue). :func:`build_cues` cuts the words into cues by dynamic
programming over the cut points between two long pauses, so every cue is chosen knowing its
neighbours:

* hard limits: at most ``max_lines`` lines of at most ``max_chars`` characters, speech of at
  most ``max_duration_s`` (a single longer word is the only exception), never across a pause
  longer than ``pause_split_s``, at least ``min_gap_s`` between cues;
* the minimum duration is met by merging with a neighbour or by extending into the following
  gap (never into the next speech); reading speed by lingering up to ``linger_s`` after the
  last word and by moving words between cues; only speech faster than the preset allows keeps
  a cue above ``max_cps`` (:func:`cue_rules` says which);
* breaks (line and cue) after punctuation first, else before a conjunction or preposition;
  never inside article/adjective + noun, first + last name, pronoun + verb, auxiliary + verb,
  preposition + object, and a new sentence never starts at the end of a line;
* two-line cues are bottom-heavy (the first line no longer than the second);
* every word is kept, in order; words without timings get estimated ones.

The word classes behind the break rules are small per-language lists (:data:`WORD_CLASSES`,
English, Spanish, French, German, Italian, Portuguese). Measuring a text and joining words
into a line go through :func:`text_length` and :func:`join_words`, the two places where rules
for scripts without spaces plug in.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from .recognize import Word


@dataclass(frozen=True)
class CuePreset:
    """Limits for cues; see the table in ``captions.md``."""

    name: str = "netflix"
    max_chars: int = 42  # characters per line
    max_lines: int = 2
    min_duration_s: float = 0.833
    max_duration_s: float = 7.0
    min_gap_s: float = 0.083  # two frames at 24 fps
    max_cps: float = 17.0  # reading speed, characters per second (spaces included)
    max_words: int | None = None  # words per cue (social styles: 2-4)
    pause_split_s: float = 1.0  # never show a cue across a longer silence
    linger_s: float = 0.5  # longest a cue stays after its last word ends (for reading)
    hard_cps: float | None = 20.0  # a reading speed no cue should pass where speech allows
    close_gap_s: float = 0.5  # shorter gaps between cues are closed to min_gap_s (no flicker)
    min_s_per_word: float = 0.0  # reading time per word (BBC: 0.3 s), met like max_cps

    def with_overrides(self, **overrides: Any) -> CuePreset:
        """A copy with some fields changed (unknown names raise a clear ``ValueError``)."""
        names = {f.name for f in fields(self)}
        bad = sorted(set(overrides) - names)
        if bad:
            raise ValueError(f"Unknown cue setting(s) {bad}; known: {sorted(names - {'name'})}")
        return replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def reading_time(self, chars: int, words: int) -> float:
        """Seconds a cue of ``chars`` characters and ``words`` words needs to be read."""
        by_chars = chars / self.max_cps if self.max_cps else 0.0
        return max(by_chars, self.min_s_per_word * words)


PRESETS: dict[str, CuePreset] = {
    "netflix": CuePreset(),
    "bbc": CuePreset(
        "bbc", 37, 2, min_duration_s=0.9, max_duration_s=7.0, min_gap_s=0.0, max_cps=15.0,
        hard_cps=None, close_gap_s=1.0, min_s_per_word=0.3,
    ),
    "vertical": CuePreset(
        "vertical", 25, 3, min_duration_s=0.5, max_duration_s=3.0, min_gap_s=0.0,
        max_cps=20.0, max_words=4, hard_cps=None, close_gap_s=0.0,
    ),
    "subtitle-edit": CuePreset(
        "subtitle-edit", 43, 2, min_duration_s=1.0, max_duration_s=8.0, min_gap_s=0.024,
        max_cps=25.0, hard_cps=None, close_gap_s=0.0,
    ),
}  # fmt: skip


def get_preset(
    preset: str | CuePreset | dict[str, Any] | None = None, **overrides: Any
) -> CuePreset:
    """A preset by name (``netflix`` by default) or from a dict, with fields overridden."""
    if isinstance(preset, CuePreset):
        base = preset
    elif isinstance(preset, dict):
        d = dict(preset)
        base = get_preset(d.pop("name", None)).with_overrides(**d)
    else:
        key = (preset or "netflix").strip().lower().replace("_", "-").replace(" ", "-")
        if key not in PRESETS:
            raise ValueError(f"Unknown caption preset {preset!r}; choose one of {sorted(PRESETS)}")
        base = PRESETS[key]
    return base.with_overrides(**overrides) if overrides else base


# ---------------------------------------------------------------------------------------------
# Measuring and joining (the seam for script-specific rules)
# ---------------------------------------------------------------------------------------------
def text_length(text: str) -> int:
    """How many characters ``text`` counts for line length and reading speed."""
    return len(text)


def join_words(words: Sequence[str]) -> str:
    """Words as one line of text."""
    return " ".join(words)


# ---------------------------------------------------------------------------------------------
# Word classes: small lists per language, enough for the break rules
# ---------------------------------------------------------------------------------------------
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class WordClasses:
    """Function words of one language (lower case), for the line and cue break rules."""

    articles: frozenset[str] = frozenset()  # + determiners: never end a line before the noun
    pronouns: frozenset[str] = frozenset()  # subject pronouns: stay with their verb
    weak_pronouns: frozenset[str] = frozenset()  # subject or object ("you", "it"): unsure
    auxiliaries: frozenset[str] = frozenset()  # stay with the verb they carry
    negations: frozenset[str] = frozenset()
    conjunctions: frozenset[str] = frozenset()  # a good place to break before
    prepositions: frozenset[str] = frozenset()  # break before, never after
    reflexives: frozenset[str] = frozenset()
    titles: frozenset[str] = frozenset()  # Mr, Dr: stay with the name
    adjectives: frozenset[str] = frozenset()  # common ones; suffixes catch more
    adjective_suffixes: tuple[str, ...] = ()

    @property
    def function_words(self) -> frozenset[str]:
        return (
            self.articles
            | self.pronouns
            | self.weak_pronouns
            | self.auxiliaries
            | self.negations
            | self.conjunctions
            | self.prepositions
            | self.reflexives
        )


WORD_CLASSES: dict[str, WordClasses] = {
    "en": WordClasses(
        articles=_words(
            "a an the this that these those my your his her its our their some any every "
            "each no another much many more most few several all both either neither such"
        ),
        pronouns=_words("i he she we they"),
        weak_pronouns=_words("you it"),
        auxiliaries=_words(
            "am is are was were be been being have has had do does did will would shall "
            "should can could may might must i'm you're he's she's it's we're they're i've "
            "you've we've they've i'll you'll he'll she'll we'll they'll i'd you'd he'd "
            "she'd we'd they'd"
        ),
        negations=_words("not never n't don't doesn't didn't can't won't isn't aren't"),
        conjunctions=_words(
            "and but or nor so yet because although though while whereas if unless since "
            "until when whenever where wherever that whether than as what which whose who "
            "whom why how"
        ),
        prepositions=_words(
            "about above across after against along among around at before behind below "
            "beneath beside between beyond by down during except for from in inside into "
            "like near of off on onto out outside over past through throughout to toward "
            "towards under underneath unlike up upon with within without"
        ),
        reflexives=_words("myself yourself himself herself itself ourselves yourselves themselves"),
        titles=_words("mr mrs ms dr prof sir mister missus madam saint st"),
        adjectives=_words(
            "good new first last long great little own other old right big high different "
            "small large next early young important few public bad same able best better "
            "free full sure real whole black white red blue green dark light strong short "
            "hot cold fine open happy hard easy simple clear main special deep nice huge "
            "tiny beautiful amazing quick slow remote gaudy"
        ),
        adjective_suffixes=("ful", "ous", "ive", "able", "ible", "less", "ish", "ic", "ical"),
    ),
    "es": WordClasses(
        articles=_words(
            "el la los las un una unos unas este esta estos estas ese esa esos esas mi mis "
            "tu tus su sus nuestro nuestra nuestros nuestras cada otro otra otros otras"
        ),
        pronouns=_words("yo tú él ella nosotros nosotras vosotros ellos ellas usted ustedes"),
        weak_pronouns=_words("me te se nos os lo le les"),
        auxiliaries=_words(
            "he has ha hemos han había habían es son era eran fue está están estaba "
            "puede pueden podía voy vas va vamos van"
        ),
        negations=_words("no nunca"),
        conjunctions=_words("y e o u pero sino porque aunque si cuando donde como que ni"),
        prepositions=_words(
            "a ante bajo con contra de del al desde durante en entre hacia hasta para por "
            "según sin sobre tras"
        ),
    ),
    "fr": WordClasses(
        articles=_words(
            "le la les l' un une des du ce cet cette ces mon ma mes ton ta tes son sa ses "
            "notre nos votre vos leur leurs chaque quelque"
        ),
        pronouns=_words("je j' tu il elle on nous vous ils elles"),
        auxiliaries=_words(
            "ai as a avons avez ont avait avaient suis es est sommes êtes sont était "
            "étaient vais va allons allez vont peut peuvent"
        ),
        negations=_words("ne n' pas jamais plus"),
        conjunctions=_words("et ou mais donc or ni car que qu' quand si comme lorsque"),
        prepositions=_words(
            "à au aux de d' dans en par pour sur sous avec sans chez vers entre contre "
            "depuis pendant avant après"
        ),
    ),
    "de": WordClasses(
        articles=_words(
            "der die das den dem des ein eine einen einem einer eines dieser diese dieses "
            "mein meine sein seine ihr ihre unser unsere kein keine jeder jede jedes"
        ),
        pronouns=_words("ich du er sie es wir ihr"),
        auxiliaries=_words(
            "bin bist ist sind seid war waren habe hast hat haben habt hatte hatten werde "
            "wirst wird werden kann kannst können muss müssen will wollen soll sollen"
        ),
        negations=_words("nicht nie kein"),
        conjunctions=_words("und oder aber sondern denn weil dass ob wenn als wie obwohl"),
        prepositions=_words(
            "an auf aus bei bis durch für gegen hinter in mit nach neben ohne über um "
            "unter von vor zu zum zur zwischen"
        ),
    ),
    "it": WordClasses(
        articles=_words(
            "il lo la i gli le l' un uno una un' questo questa questi queste quel quella "
            "mio mia miei mie tuo tua suo sua nostro nostra ogni"
        ),
        pronouns=_words("io tu lui lei noi voi loro"),
        auxiliaries=_words(
            "ho hai ha abbiamo avete hanno sono sei è siamo siete era erano può possono"
        ),
        negations=_words("non mai"),
        conjunctions=_words("e ed o ma però perché se quando come che né"),
        prepositions=_words(
            "a ad al alla di del della da dal dalla in nel nella con su sul sulla per tra fra"
        ),
    ),
    "pt": WordClasses(
        articles=_words(
            "o a os as um uma uns umas este esta estes estas esse essa meu minha meus "
            "minhas seu sua seus suas nosso nossa cada outro outra"
        ),
        pronouns=_words("eu tu ele ela nós vós eles elas você vocês"),
        auxiliaries=_words(
            "sou és é somos são era eram foi está estão estava tenho tem temos têm tinha "
            "vou vai vamos vão pode podem"
        ),
        negations=_words("não nunca"),
        conjunctions=_words("e ou mas porque embora se quando onde como que nem"),
        prepositions=_words(
            "a ao à de do da dos das em no na nos nas por pelo pela para com sem sobre "
            "entre até desde"
        ),
    ),
}


def word_classes(language: str | None) -> WordClasses:
    """The word classes of a language (ISO 639-1), English when the language has none."""
    key = (language or "en").split("-")[0].lower()
    return WORD_CLASSES.get(key, WORD_CLASSES["en"])


_STRIP = re.compile(r"^[^\w']+|[^\w']+$")


def _key(text: str) -> str:
    return _STRIP.sub("", text.lower().replace("’", "'"))


#: Words ending in a full stop that do not end a sentence.
ABBREVIATIONS = _words("mr mrs ms dr prof st jr sr vs etc e.g i.e mt ft no approx")


def _ends_sentence(text: str) -> bool:
    t = text.rstrip("\"')]»”’")
    if not t.endswith((".", "?", "!", "…", "。", "？", "！")):
        return False
    if t.endswith(".") and not t.endswith(".."):
        stem = t[:-1].lstrip("\"'(“‘«").lower()
        if stem in ABBREVIATIONS or (len(stem) == 1 and stem.isalpha()):
            return False  # "Mr." and "J." end no sentence
    return True


def _ends_clause(text: str) -> bool:
    return text.rstrip("\"')]»”’").endswith((",", ";", ":", "—", "–", "，", "、", "；", "："))


def _capitalised(text: str) -> bool:
    t = text.lstrip("\"'(“‘«")
    return bool(t) and t[0].isupper()


#: A break at or above this cost splits a phrase the style guides keep together.
FORBIDDEN = 5.0


def break_penalty(
    left: str, right: str, left_prev: str | None = None, language: str | None = "en"
) -> float:
    """Cost of a line or cue break between words ``left`` and ``right`` (lower is better).

    ``left_prev`` is the word before ``left`` (a capitalised word after a sentence end is not
    a name; a sentence's first word must not end a line). Negative: a good place; at or above
    :data:`FORBIDDEN`: a break the style guides forbid.
    """
    if _ends_sentence(left):
        return -4.0
    if _ends_clause(left):
        return -3.0
    wc = word_classes(language)
    lk, rk = _key(left), _key(right)
    free = wc.prepositions | wc.conjunctions  # words a phrase may be left before
    if lk in wc.articles and lk in wc.conjunctions and rk in wc.function_words:
        return 1.0  # "said that | he": "that" as a conjunction
    if lk in wc.articles and rk not in free:
        return 12.0
    if lk in wc.titles:
        return 12.0
    if rk in wc.negations:
        return 9.0
    if lk in wc.auxiliaries and rk not in free | wc.articles | wc.pronouns | wc.weak_pronouns:
        return 9.0  # "would | go"; "do | for you" has no verb after it to keep
    if lk in wc.negations and rk not in wc.function_words:
        return 9.0  # "not | believe"; "ask not | what" is fine
    if lk in wc.pronouns and rk not in free:
        return 9.0
    if left_prev is not None and _ends_sentence(left_prev):
        return 8.0  # "modem. To | execute": a new sentence never starts at a line's end
    if rk in wc.reflexives:
        return 8.0
    starts_sentence = left_prev is None or _ends_sentence(left_prev)
    if _capitalised(left) and _capitalised(right) and not starts_sentence and lk != "i":
        return 8.0  # first + last name
    content = lk not in wc.function_words and rk not in wc.function_words
    if content and lk in wc.adjectives | {"own"}:
        return 7.0  # adjective + noun
    if content and left_prev is not None and _key(left_prev) in wc.articles:
        return 6.0  # "the gaudy | spring": after an article, the next two words are one phrase
    if content and len(lk) > 5 and lk.endswith(wc.adjective_suffixes):
        return 5.0  # probably an adjective
    if lk in wc.prepositions and lk not in wc.conjunctions:
        return 7.0  # a preposition stays with its object
    if lk in wc.weak_pronouns and rk not in free:
        return 3.0  # "you ask" (subject + verb) or "for you | ask" (object): unsure
    if lk == "to":
        return 5.0
    if rk in wc.conjunctions or rk in wc.prepositions:
        return -1.0
    return 0.0


# ---------------------------------------------------------------------------------------------
# Cues
# ---------------------------------------------------------------------------------------------
@dataclass
class Cue:
    """A caption on screen: its lines and the words it shows."""

    start_s: float
    end_s: float
    lines: list[str]
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def chars(self) -> int:
        """Characters shown, a line break counted like the space it replaces."""
        return text_length(join_words(self.lines))

    def to_dict(self) -> dict[str, Any]:
        return {
            "st": round(self.start_s, 3),
            "et": round(self.end_s, 3),
            "text": self.text,
            "words": [w.to_dict() for w in self.words],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Cue:
        words = [Word.from_dict(w) for w in d.get("words", [])]
        return cls(float(d["st"]), float(d["et"]), str(d["text"]).split("\n"), words)


def _ok(x: float | None) -> bool:
    return x is not None and not (isinstance(x, float) and math.isnan(x))


#: Assumed speaking rate for words nobody timed (characters per second).
_ESTIMATE_CPS = 15.0


def fill_timings(words: Sequence[Word], duration_s: float | None = None) -> list[Word]:
    """Words with every timing present, starts increasing and no word ending before it starts.

    Recognizers leave some words (numbers, symbols) without timestamps: such a word gets a
    share of the time between its timed neighbours, by character count. Words stacked on one
    instant share the time until the next word. Nothing is dropped or reordered.
    """
    n = len(words)
    out: list[Word] = []
    i = 0
    while i < n:
        w = words[i]
        if _ok(w.start_s) and _ok(w.end_s):
            st = max(float(w.start_s), out[-1].start_s if out else 0.0)
            out.append(replace(w, start_s=st, end_s=max(float(w.end_s), st)))
            i += 1
            continue
        j = i
        while j < n and not (_ok(words[j].start_s) and _ok(words[j].end_s)):
            j += 1
        weights = [max(text_length(x.text), 1) for x in words[i:j]]
        total = float(sum(weights))
        want = total / _ESTIMATE_CPS
        lo = out[-1].end_s if out else 0.0
        hi = float(words[j].start_s) if j < n else math.inf
        if duration_s is not None and hi == math.inf and duration_s - lo >= want / 4:
            hi = duration_s
        if hi == math.inf:  # nothing timed after them: a brisk pace from the last word on
            hi = lo + want
        elif hi - lo < want / 4:  # no room between the neighbours: overlap the word before
            lo = max(out[-1].start_s if out else 0.0, min(lo, hi - want))
            hi = max(hi, lo)
        elif hi - lo > 2 * want and out:  # a long gap: said right after the word before
            hi = lo + want
        t = lo
        for x, wt in zip(words[i:j], weights, strict=True):
            nt = t + (hi - lo) * wt / total
            out.append(replace(x, start_s=t, end_s=nt, probability=0.0))
            t = nt
        i = j
    # words stacked on one instant (zero-length, same start) share the time up to the next
    k = 0
    while k < len(out):
        m = k + 1
        while m < len(out) and out[m].start_s <= out[k].start_s:
            m += 1
        if m - k > 1:
            t0 = out[k].start_s
            t1 = out[m].start_s if m < len(out) else t0 + 0.1 * (m - k)
            step = (t1 - t0) / (m - k)
            for q in range(k, m):
                st = t0 + step * (q - k)
                out[q] = replace(out[q], start_s=st, end_s=max(out[q].end_s, st + step))
        k = m
    # a word's end is never before its start, nor past the next word's end
    return [
        replace(w, end_s=max(w.start_s, min(w.end_s, out[q + 1].end_s))) if q + 1 < len(out) else w
        for q, w in enumerate(out)
    ]


class _Fit:
    """Widths of a run of words for line filling: prefix sums over words and separators."""

    def __init__(self, texts: Sequence[str]) -> None:
        self.texts = texts
        self.word = [text_length(t) for t in texts]
        # a separator's width, measured with the seams (no space between CJK characters)
        self.sep = [0] + [
            text_length(join_words([a, b])) - text_length(a) - text_length(b)
            for a, b in itertools.pairwise(texts)
        ]
        self.cum = [0]
        for k, w in enumerate(self.word):
            self.cum.append(self.cum[-1] + w + (self.sep[k] if k else 0))

    def width(self, a: int, b: int) -> int:
        """Width of words ``a..b-1`` on one line."""
        return self.cum[b] - self.cum[a] - (self.sep[a] if a else 0)


def _lines_needed(fit: _Fit, a: int, b: int, max_chars: int) -> int:
    """The fewest lines words ``a..b-1`` fill greedily (huge when a word alone is too long)."""
    lines, cur = 1, fit.word[a]
    if cur > max_chars and b - a > 1:
        return 1 << 20
    for k in range(a + 1, b):
        w = fit.word[k]
        if w > max_chars:
            return 1 << 20
        if cur + fit.sep[k] + w <= max_chars:
            cur += fit.sep[k] + w
        else:
            lines, cur = lines + 1, w
    return lines


#: Cost of a two-line cue whose first line is longer than the second.
TOP_HEAVY = 6.0


def _shape(widths: Sequence[int]) -> float:
    """Cost of the lines' lengths: balanced and bottom-heavy (shorter line on top) is best."""
    cost = 0.0
    for upper, lower in itertools.pairwise(widths):
        cost += 0.05 * abs(upper - lower)
        if upper > lower:
            cost += TOP_HEAVY + 0.1 * (upper - lower)
    return cost


def _split_cost(
    fit: _Fit, pens: Sequence[float], a: int, b: int, p: CuePreset, *, exact: bool = True
) -> tuple[float, tuple[int, ...] | None] | None:
    """The best line breaks for words ``a..b-1``: ``(cost, bounds)``, or None when they do not
    fit in ``p.max_lines`` lines. ``pens[k]`` is the cost of breaking before word ``k``.

    One or two lines are searched exactly; three or more by a small dynamic program, which
    the cue search skips (``exact=False`` gives ``(0.0, None)``: it fits, lines come later).
    """
    if fit.width(a, b) <= p.max_chars or b - a == 1:
        return 0.0, (a, b)
    need = _lines_needed(fit, a, b, p.max_chars)
    if need > p.max_lines:
        return None
    if need == 2:
        best: tuple[float, tuple[int, ...]] | None = None
        # from the right: only breaks where the second line fits, until the first one does not
        for k in range(b - 1, a, -1):
            w1, w2 = fit.width(a, k), fit.width(k, b)
            if w2 > p.max_chars:
                break
            if w1 > p.max_chars:
                continue
            cost = pens[k] + _shape((w1, w2))
            if best is None or cost < best[0]:
                best = (cost, (a, k, b))
        return best
    if not exact:
        return 0.0, None
    # lines[m][j]: best (cost, bounds) for words a..j-1 in m lines
    inf = (math.inf, ())
    lines: list[list[tuple[float, tuple[int, ...]]]] = [[inf] * (b + 1) for _ in range(need + 1)]
    lines[0][a] = (0.0, (a,))
    for m in range(1, need + 1):
        for j in range(a + 1, b + 1):
            for i in range(j - 1, a - 1, -1):
                if fit.width(i, j) > p.max_chars:
                    break
                prev_cost, prev_bounds = lines[m - 1][i]
                if prev_cost == math.inf:
                    continue
                cost = prev_cost + (pens[i] if i > a else 0.0)
                if len(prev_bounds) > 1:  # shape against the line above
                    cost += _shape((fit.width(prev_bounds[-2], i), fit.width(i, j)))
                if cost < lines[m][j][0]:
                    lines[m][j] = (cost, (*prev_bounds, j))
    cost, bounds = lines[need][b]
    return None if cost == math.inf else (cost, bounds)


def break_lines(
    texts: Sequence[str], max_chars: int, max_lines: int, language: str | None = "en"
) -> list[str]:
    """Lines for one cue: a single line when it fits, else the best-scoring breaks.

    The score adds :func:`break_penalty` at each break and prefers a bottom-heavy shape
    (first line no longer than the next) and balanced lengths. A text that cannot fit in
    ``max_lines`` (one over-long word) gets as few lines as possible.
    """
    n = len(texts)
    if n == 0:
        return [""]
    fit = _Fit(texts)
    pens = [0.0] + [
        break_penalty(texts[k - 1], texts[k], texts[k - 2] if k > 1 else None, language)
        for k in range(1, n)
    ]
    p = CuePreset(max_chars=max_chars, max_lines=max_lines)
    found = _split_cost(fit, pens, 0, n, p)
    if found is None:  # an over-long word, or too much text: fill greedily by force
        out: list[str] = []
        start = 0
        for k in range(1, n):
            if fit.width(start, k + 1) > max_chars:
                out.append(join_words(texts[start:k]))
                start = k
        return [*out, join_words(texts[start:])]
    bounds = found[1] or (0, n)
    return [join_words(texts[x:y]) for x, y in itertools.pairwise(bounds)]


# Costs of the cue search, in tiers: a lower tier never outweighs a higher one.
_CUE = 5.0  # each cue: fewer, fuller cues
_SOCIAL_CUE = 2.0  # presets with few words per cue: more cues are the style
_OVER_WORDS = 3e4  # per word over max_words
_TOO_SHORT = 1e5  # under the minimum duration (plus 1e4 per second missing)
_OVER_HARD_CPS = 1e4  # above hard_cps
_OVER_CPS = 1e3  # above max_cps (plus 100 per character too many)
_NO_ROOM = 1e7  # no time at all before the next cue (words stacked on one instant)
_OVERLONG = 1e6  # a word longer than a line sharing a cue (it should stand alone)


class _Builder:
    """One call of :func:`build_cues`: the words, the preset and the cost of each cue."""

    def __init__(
        self, ws: list[Word], p: CuePreset, duration_s: float | None, language: str | None
    ) -> None:
        self.ws, self.p, self.duration_s = ws, p, duration_s
        self.fit = _Fit([w.text for w in ws])
        n = len(ws)
        self.pens = [0.0] + [
            break_penalty(ws[k - 1].text, ws[k].text, ws[k - 2].text if k > 1 else None, language)
            for k in range(1, n)
        ]
        self.cue_cost = _CUE if p.max_words is None else _SOCIAL_CUE
        self.overlong = [w > p.max_chars for w in self.fit.word]
        self.starts = [w.start_s for w in ws]
        self.ends = [w.end_s for w in ws]
        # cost of a cue starting at word k: its break, less for a new sentence after a breath
        self.cut = [
            pen - 2.0
            if k and _ends_sentence(ws[k - 1].text) and ws[k].start_s - ws[k - 1].end_s > 0.3
            else pen
            for k, pen in enumerate(self.pens)
        ]

    def overlong_ok(self, a: int, b: int) -> bool:
        """Whether words ``a..b-1`` may share a cue despite a word longer than a line (a
        last resort, for at most three words)."""
        return b - a <= 3 and any(self.overlong[a:b])

    def end(self, a: int, b: int, speech_end: float) -> float:
        """When the cue showing words ``a..b-1`` leaves the screen."""
        ws, p = self.ws, self.p
        start = ws[a].start_s
        nxt = ws[b].start_s if b < len(ws) else None
        limit = math.inf if nxt is None else nxt - p.min_gap_s
        if self.duration_s is not None:
            limit = min(limit, self.duration_s)
        read = min(start + p.reading_time(self.fit.width(a, b), b - a), speech_end + p.linger_s)
        end = max(speech_end, read, start + p.min_duration_s)
        if (
            nxt is not None
            and p.close_gap_s
            and nxt - end < p.close_gap_s
            and limit - speech_end <= p.linger_s
        ):
            end = max(end, limit)  # chain to the next cue: no flicker in a short gap
        end = min(end, max(speech_end, start + p.max_duration_s))
        return min(end, limit)

    def cost(self, a: int, b: int, speech_end: float) -> float:
        """Cost of words ``a..b-1`` as one cue, not counting its lines."""
        p = self.p
        start = self.ws[a].start_s
        end = self.end(a, b, speech_end)
        shown = end - start
        cost = self.cue_cost
        if shown <= 0:
            return cost + _NO_ROOM
        at_media_end = self.duration_s is not None and end >= self.duration_s - 1e-9
        if shown < p.min_duration_s - 1e-9 and not at_media_end:
            cost += _TOO_SHORT + 1e4 * (p.min_duration_s - shown)
        chars = self.fit.width(a, b)
        need = p.reading_time(chars, b - a)
        if shown < need - 1e-9:
            # a word alone cannot be split: too fast only because it is said fast (cheaper)
            tier = _OVER_CPS if b - a > 1 else _OVER_CPS / 10
            cost += tier + 100 * (need - shown) * (p.max_cps or 15.0)
            if p.hard_cps and chars > p.hard_cps * shown + 1e-9:
                cost += _OVER_HARD_CPS
        if p.max_words is not None and b - a > p.max_words:
            cost += _OVER_WORDS * (b - a - p.max_words)
        return cost

    def segment(self, lo: int, hi: int) -> list[tuple[int, int, tuple[int, ...] | None]]:
        """The best cutting of words ``lo..hi-1`` (no long pause inside) into cues."""
        p, fit, pens, starts, ends, cuts = (
            self.p,
            self.fit,
            self.pens,
            self.starts,
            self.ends,
            self.cut,
        )
        inf = math.inf
        floor = 4.0 * max(p.max_lines - 1, 0)  # the most line breaks can save
        most_chars, most_s = p.max_lines * p.max_chars, p.max_duration_s
        best = [0.0] + [inf] * (hi - lo)
        back: list[tuple[int, tuple[int, ...] | None]] = [(lo, ())] * (hi - lo + 1)
        for b in range(lo + 1, hi + 1):
            speech_end = -inf
            for a in range(b - 1, lo - 1, -1):
                if ends[a] > speech_end:
                    speech_end = ends[a]
                if b - a > 1 and (
                    speech_end - starts[a] > most_s
                    or (fit.width(a, b) > most_chars and not self.overlong_ok(a, b))
                ):
                    break
                if best[a - lo] == inf:
                    continue
                cut = cuts[a] if a > lo else 0.0
                if best[a - lo] + cut + self.cue_cost - floor >= best[b - lo]:
                    continue  # cannot beat the best cutting found so far
                base = best[a - lo] + cut + self.cost(a, b, speech_end)
                if base - floor >= best[b - lo]:  # lines cannot make it cheaper than that
                    continue
                split = _split_cost(fit, pens, a, b, p, exact=b - a <= 6)
                if split is None:
                    if max(fit.word[a:b]) <= p.max_chars:
                        continue
                    # a word longer than a line shares a cue only as the last resort: when
                    # the words beside it have no time at all on their own
                    split = (_OVERLONG, None)
                total = base + split[0]
                if total < best[b - lo]:
                    best[b - lo], back[b - lo] = total, (a, split[1])
        cues: list[tuple[int, int, tuple[int, ...] | None]] = []
        b = hi
        while b > lo:
            a, bounds = back[b - lo]
            cues.append((a, b, bounds))
            b = a
        return cues[::-1]


def build_cues(
    words: Sequence[Word],
    preset: str | CuePreset | dict[str, Any] | None = None,
    *,
    duration_s: float | None = None,
    language: str | None = "en",
    **overrides: Any,
) -> list[Cue]:
    """Cut timed words into cues (see the module docstring for the rules).

    Parameters
    ----------
    words
        Words in speaking order; missing timings (``None``/NaN) are estimated.
    preset
        ``"netflix"`` (default), ``"bbc"``, ``"vertical"``, ``"subtitle-edit"``, a
        :class:`CuePreset`, or a dict of fields.
    duration_s
        Length of the media: no cue ends after it.
    language
        ISO 639-1 code of the words, for the break rules (:data:`WORD_CLASSES`).
    **overrides
        Any :class:`CuePreset` field, e.g. ``max_chars=32``.

    Returns
    -------
    list[Cue]
        Cues in time order; concatenating their ``words`` gives back ``words``.
    """
    p = get_preset(preset, **overrides)
    ws = fill_timings(words, duration_s)
    n = len(ws)
    if n == 0:
        return []
    builder = _Builder(ws, p, duration_s, language)
    cues: list[Cue] = []
    lo = 0
    for k in range(1, n + 1):
        if k < n and ws[k].start_s - ws[k - 1].end_s <= p.pause_split_s:
            continue
        for a, b, bounds in builder.segment(lo, k):
            texts = [w.text for w in ws[a:b]]
            found = _split_cost(builder.fit, builder.pens, a, b, p) if bounds is None else None
            if bounds is None and found is not None and found[1]:
                bounds = found[1]  # three lines or more: broken now, exactly
            if bounds is None:  # an over-long word among others: as few lines as can be
                lines = break_lines(texts, p.max_chars, p.max_lines, language)
            else:
                lines = [join_words(texts[x - a : y - a]) for x, y in itertools.pairwise(bounds)]
            speech_end = max(w.end_s for w in ws[a:b])
            end = builder.end(a, b, speech_end)
            start = ws[a].start_s
            cues.append(Cue(start, end if end > start else start + 0.001, lines, list(ws[a:b])))
        lo = k
    return cues


# ---------------------------------------------------------------------------------------------
# Checking cues against their preset
# ---------------------------------------------------------------------------------------------
#: Rule names :func:`cue_rules` reports, and how a reply says them (``{p}`` is the preset).
RULES: dict[str, str] = {
    "min_duration": "shorter than {p.min_duration_s:g} s",
    "max_duration": "longer than {p.max_duration_s:g} s",
    "reading_speed": "faster than {p.max_cps:g} cps",
    "fast_speech": "faster than {p.max_cps:g} cps where the speech is faster than the preset "
    "allows",
    "line_length": "with a line over {p.max_chars} characters",
    "lines": "with more than {p.max_lines} lines",
    "gap": "less than {p.min_gap_s:g} s before the next cue",
    "words_per_cue": "with more than {p.max_words} words",
    "top_heavy": "top-heavy (first line longer)",
    "split_article": "ending a line on an article or determiner",
    "split_phrase": "breaking a line inside a phrase",
    "sentence_at_line_end": "starting a sentence at the end of a line",
}


def _speech_end(cue: Cue) -> float:
    return max((w.end_s for w in cue.words), default=cue.end_s)


def _reading_breach(cue: Cue, p: CuePreset) -> bool:
    if len(cue.words) < 2:  # a word alone cannot be split: only the speaker is to blame
        return False
    shown = cue.end_s - cue.start_s
    return shown < p.reading_time(cue.chars, len(cue.words)) - 1e-6


def _speech_too_fast(cues: Sequence[Cue], i: int, p: CuePreset) -> bool:
    """Whether the speech around cue ``i`` is faster than the preset allows: the cue and the
    neighbours it runs into (no pause to linger in) hold more text than anyone can read in
    their time, or the cue cannot lose its last word (the rest would be too short to show)."""
    cue = cues[i]
    if len(cue.words) > 1:
        room = cue.words[-1].start_s - p.min_gap_s - cue.start_s
        if room < p.min_duration_s - 1e-6:
            return True
    lo = i - 1 if i > 0 and cues[i].start_s - _speech_end(cues[i - 1]) <= p.linger_s else i
    hi = i
    if i + 1 < len(cues) and cues[i + 1].start_s - _speech_end(cues[i]) <= p.linger_s:
        hi = i + 1
    chars = sum(c.chars for c in cues[lo : hi + 1]) + (hi - lo)
    words = sum(len(c.words) for c in cues[lo : hi + 1])
    end = _speech_end(cues[hi]) + p.linger_s
    if hi + 1 < len(cues):
        end = min(end, cues[hi + 1].start_s - p.min_gap_s)
    return p.reading_time(chars, words) > end - cues[lo].start_s + 1e-6


def _line_rules(cue: Cue, p: CuePreset, language: str | None) -> list[str]:
    out: list[str] = []
    lines = [line.split() for line in cue.lines]
    widths = [text_length(line) for line in cue.lines]
    if len(lines) > 1 and any(a > b for a, b in itertools.pairwise(widths)):
        out.append("top_heavy")
    wc = word_classes(language)
    for upper, lower in itertools.pairwise(lines):
        if not upper or not lower:
            continue
        prev = upper[-2] if len(upper) > 1 else None
        if _key(upper[-1]) in wc.articles and _key(lower[0]) not in wc.prepositions:
            out.append("split_article")
        elif break_penalty(upper[-1], lower[0], prev, language) >= FORBIDDEN:
            out.append("split_phrase")
    for line in lines:  # "modem. To": a sentence that starts at the line's end
        if any(_ends_sentence(w) for w in line[:-1]) and not _ends_sentence(line[-1]):
            tail = next(k for k in range(len(line) - 2, -1, -1) if _ends_sentence(line[k]))
            if len(line) - 1 - tail <= 2 and not _ends_clause(line[-1]):
                out.append("sentence_at_line_end")
                break
    return out


def cue_rules(
    cues: Sequence[Cue],
    preset: str | CuePreset | dict[str, Any] | None = None,
    *,
    language: str | None = "en",
    duration_s: float | None = None,
) -> list[list[str]]:
    """The rules each cue breaks (names from :data:`RULES`), in cue order.

    ``reading_speed`` is reported as ``fast_speech`` where the speech itself is faster than
    the preset allows (the cue and the neighbours it runs into hold more text than can be read
    in their time). A cue cut short by the end of the media (``duration_s``) is not too short.
    A cue boundary that splits a phrase counts for the cue before it.
    """
    p = get_preset(preset)
    wc = word_classes(language)
    out: list[list[str]] = []
    for i, cue in enumerate(cues):
        broken: list[str] = []
        shown = cue.end_s - cue.start_s
        at_end = duration_s is not None and cue.end_s >= duration_s - 1e-3
        if shown < p.min_duration_s - 1e-3 and not at_end:
            broken.append("min_duration")
        multi = len(cue.words) > 1
        if multi and shown > p.max_duration_s + 1e-3:
            broken.append("max_duration")
        if _reading_breach(cue, p):
            broken.append("fast_speech" if _speech_too_fast(cues, i, p) else "reading_speed")
        if multi and any(text_length(line) > p.max_chars for line in cue.lines):
            broken.append("line_length")
        if len(cue.lines) > p.max_lines:
            broken.append("lines")
        if p.max_words is not None and len(cue.words) > p.max_words:
            broken.append("words_per_cue")
        if i + 1 < len(cues) and cues[i + 1].start_s - cue.end_s < p.min_gap_s - 1e-3:
            broken.append("gap")
        broken += _line_rules(cue, p, language)
        if i + 1 < len(cues) and cue.words and cues[i + 1].words:
            left, right = cue.words[-1].text, cues[i + 1].words[0].text
            prev = cue.words[-2].text if len(cue.words) > 1 else None
            if _key(left) in wc.articles and _key(right) not in wc.prepositions:
                broken.append("split_article")
            elif break_penalty(left, right, prev, language) >= FORBIDDEN:
                if _ends_sentence(prev or "") and "sentence_at_line_end" not in broken:
                    broken.append("sentence_at_line_end")
                elif not _ends_sentence(prev or ""):
                    broken.append("split_phrase")
        out.append(sorted(set(broken), key=list(RULES).index))
    return out


def summary_line(
    cues: Sequence[Cue],
    preset: str | CuePreset | dict[str, Any] | None = None,
    *,
    language: str | None = "en",
    duration_s: float | None = None,
) -> str:
    """One line on how the cues keep their preset: "42 cues, all within netflix", or the
    counts of the rules broken ("42 cues, 3 faster than 17 cps where the speech is faster
    than the preset allows")."""
    p = get_preset(preset)
    rules = cue_rules(cues, p, language=language, duration_s=duration_s)
    n = len(cues)
    head = f"{n} cue{'s' if n != 1 else ''}"
    counts = {name: sum(name in r for r in rules) for name in RULES}
    parts = [f"{k} {RULES[name].format(p=p)}" for name, k in counts.items() if k]
    if not parts:
        return f"{head}, all within {p.name}"
    return f"{head}, " + ", ".join(parts)


def cues_words(cues: Iterable[Cue]) -> list[Word]:
    """All words of ``cues``, in order."""
    return [w for c in cues for w in c.words]
