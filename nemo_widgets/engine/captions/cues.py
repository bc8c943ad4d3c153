"""Cues from timed words, following the presets and rules of ``captions.md``.

A :class:`CuePreset` holds the limits (characters per line, lines, on-screen duration, gap,
reading speed, words per cue); :func:`build_cues` packs words into cues in one pass:

* a cue never spans a pause longer than ``pause_split_s`` (no text over silence);
* a cue holds at most ``max_lines`` lines of at most ``max_chars`` characters and its speech
  lasts at most ``max_duration_s`` (a single longer word is the only exception);
* when a cue is full it ends at the best nearby break: after punctuation, else before a
  conjunction or preposition, never inside article + noun, adjective + noun, first + last
  name, pronoun + verb, auxiliary + verb or a negation;
* lines are broken by the same rules, bottom-heavy (shorter first line) when two are needed;
* a cue starts with its first word and may linger up to ``linger_s`` after its last word (for
  reading speed and minimum duration) but never into the next cue minus ``min_gap_s``;
* every word is kept, in order; words without timings get estimated ones.

Linear in the number of words: a two-hour transcript takes well under a second.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any

from . import scripts
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
    linger_s: float = 0.5  # longest a cue stays after its last word ends

    def with_overrides(self, **overrides: Any) -> CuePreset:
        """A copy with some fields changed (unknown names raise a clear ``ValueError``)."""
        names = {f.name for f in fields(self)}
        bad = sorted(set(overrides) - names)
        if bad:
            raise ValueError(f"Unknown cue setting(s) {bad}; known: {sorted(names - {'name'})}")
        return replace(self, **overrides)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


PRESETS: dict[str, CuePreset] = {
    "netflix": CuePreset(),
    "bbc": CuePreset(
        "bbc", 37, 2, min_duration_s=0.9, max_duration_s=7.0, min_gap_s=0.0, max_cps=15.0
    ),
    "vertical": CuePreset(
        "vertical", 25, 3, min_duration_s=0.5, max_duration_s=3.0, min_gap_s=0.0,
        max_cps=20.0, max_words=4,
    ),
    "subtitle-edit": CuePreset(
        "subtitle-edit", 43, 2, min_duration_s=1.0, max_duration_s=8.0, min_gap_s=0.024,
        max_cps=25.0,
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
# Word classes (small English lists: enough for the break rules)
# ---------------------------------------------------------------------------------------------
def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ARTICLES = _words("a an the")
DETERMINERS = _words(
    "this that these those my your his her its our their some any every each no another "
    "which what whose much many more most few several all both either neither such"
)
PRONOUNS = _words("i he she we they who")  # subject-only; "you"/"it" may be objects
AMBIGUOUS_PRONOUNS = _words("you it")
AUXILIARIES = _words(
    "am is are was were be been being have has had do does did will would shall should "
    "can could may might must i'm you're he's she's it's we're they're i've you've we've "
    "they've i'll you'll he'll she'll we'll they'll i'd you'd he'd she'd we'd they'd"
)
NEGATIONS = _words("not never n't don't doesn't didn't can't won't isn't aren't")
CONJUNCTIONS = _words(
    "and but or nor so yet because although though while whereas if unless since until "
    "when whenever where wherever that whether than as"
)
PREPOSITIONS = _words(
    "about above across after against along among around at before behind below beneath "
    "beside between beyond by down during except for from in inside into like near of off "
    "on onto out outside over past through throughout to toward towards under underneath "
    "unlike up upon with within without"
)
REFLEXIVES = _words("myself yourself himself herself itself ourselves yourselves themselves")
TITLES = _words("mr mrs ms dr prof sir mister missus madam saint st")
ADJECTIVE_SUFFIXES = ("ful", "ous", "ive", "able", "ible", "less", "ish", "ic", "ical", "est")
COMMON_ADJECTIVES = _words(
    "good new first last long great little own other old right big high different small "
    "large next early young important few public bad same able best better free full sure "
    "real whole black white red blue green dark light strong short hot cold fine open "
    "happy hard easy simple clear main special deep nice huge tiny beautiful amazing "
    "quick slow"
)
_STRIP = re.compile(r"^[^\w']+|[^\w']+$")


def _key(text: str) -> str:
    return _STRIP.sub("", text.lower().replace("’", "'"))


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"')]»”’").endswith((".", "?", "!", "…", "。", "？", "！"))


def _ends_clause(text: str) -> bool:
    return text.rstrip("\"')]»”’").endswith((",", ";", ":", "—", "–", "，", "、", "；", "："))


def _is_adjective(key: str) -> bool:
    return key in COMMON_ADJECTIVES or (len(key) > 5 and key.endswith(ADJECTIVE_SUFFIXES))


def _capitalised(text: str) -> bool:
    t = text.lstrip("\"'(“‘«")
    return bool(t) and t[0].isupper()


def break_penalty(left: str, right: str, left_prev: str | None = None) -> float:
    """Cost of a line or cue break between words ``left`` and ``right`` (lower is better).

    ``left_prev`` is the word before ``left`` (a capitalised word after a sentence end is not
    a name). Negative: a good place; above 5: a break the style guides forbid.
    """
    if _ends_sentence(left):
        return -4.0
    if _ends_clause(left):
        return -3.0
    lk, rk = _key(left), _key(right)
    if lk in ARTICLES or (lk in DETERMINERS and rk not in PREPOSITIONS | CONJUNCTIONS):
        return 10.0
    if lk in AUXILIARIES or rk in NEGATIONS or lk in NEGATIONS:
        return 9.0
    if lk in PRONOUNS and rk not in PREPOSITIONS | CONJUNCTIONS:
        return 9.0
    if lk in AMBIGUOUS_PRONOUNS and rk not in PREPOSITIONS | CONJUNCTIONS:
        return 3.0  # "you ask" (subject + verb) or "for you | ask" (object): unsure
    if rk in REFLEXIVES:
        return 8.0
    if lk in TITLES:
        return 10.0
    starts_sentence = left_prev is None or _ends_sentence(left_prev)
    if _capitalised(left) and _capitalised(right) and not starts_sentence and lk != "i":
        return 8.0  # first + last name
    if _is_adjective(lk) and rk not in PREPOSITIONS | CONJUNCTIONS | ARTICLES:
        return 6.0
    if lk == "to" and rk not in ARTICLES | DETERMINERS:
        return 5.0  # to + verb
    if rk in CONJUNCTIONS or rk in PREPOSITIONS:
        return -1.0
    if lk in PREPOSITIONS and lk not in CONJUNCTIONS:
        return 4.0  # a preposition stays with its object: break before it, not after
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
        return scripts.text_length(" ".join(self.lines))

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


def fill_timings(words: Sequence[Word], duration_s: float | None = None) -> list[Word]:
    """Words with every timing present and non-decreasing.

    Recognizers leave some words (numbers, symbols) without timestamps: such a word gets a
    share of the time between its timed neighbours, by character count. Nothing is dropped.
    """

    def ok(x: float | None) -> bool:
        return x is not None and not (isinstance(x, float) and math.isnan(x))

    n = len(words)
    starts = [w.start_s if ok(w.start_s) else None for w in words]
    ends = [w.end_s if ok(w.end_s) else None for w in words]
    out: list[Word] = []
    i = 0
    while i < n:
        if starts[i] is not None and ends[i] is not None:
            st = max(float(starts[i]), out[-1].start_s if out else 0.0)  # type: ignore[arg-type]
            out.append(replace(words[i], start_s=st, end_s=max(float(ends[i]), st)))  # type: ignore[arg-type]
            i += 1
            continue
        j = i
        while j < n and (starts[j] is None or ends[j] is None):
            j += 1
        lo = out[-1].end_s if out else (starts[i] or 0.0)
        hi_candidates = [starts[j]] if j < n else []
        if duration_s is not None:
            hi_candidates.append(duration_s)
        hi = min(hi_candidates) if hi_candidates else None
        weights = [max(len(w.text), 1) for w in words[i:j]]
        if hi is None or hi <= lo:  # nothing after: assume a brisk 15 characters per second
            hi = lo + sum(weights) / 15.0
        total = float(sum(weights))
        t = lo
        for w, wt in zip(words[i:j], weights, strict=True):
            nt = t + (hi - lo) * wt / total
            out.append(replace(w, start_s=t, end_s=nt, probability=0.0))
            t = nt
        i = j
    return out


class _Lines:
    """Greedy line fill state: the fewest lines a run of words needs (O(1) per word).

    A word longer than a line fits only alone: adding anything next to it overflows.
    """

    __slots__ = ("cur", "limit", "lines", "over")

    def __init__(self, limit: int) -> None:
        self.limit, self.lines, self.cur, self.over = limit, 0, 0, False

    def add(self, n: int, gap: int = 1) -> None:
        """Add a word of ``n`` characters, ``gap`` (a space, or none in CJK) after the last."""
        if self.lines == 0:
            self.lines, self.cur, self.over = 1, n, n > self.limit
        elif self.over or n > self.limit:
            self.lines, self.over = 1 << 20, True
        elif self.cur + gap + n <= self.limit:
            self.cur += gap + n
        else:
            self.lines, self.cur = self.lines + 1, n

    def copy(self) -> _Lines:
        c = _Lines(self.limit)
        c.lines, c.cur, c.over = self.lines, self.cur, self.over
        return c


def break_lines(texts: Sequence[str], max_chars: int, max_lines: int) -> list[str]:
    """Lines for one cue: a single line when it fits, else the best-scoring breaks.

    The score adds :func:`break_penalty` at each break and prefers a bottom-heavy shape
    (first line no longer than the next) and balanced lengths. A text that cannot fit in
    ``max_lines`` (one over-long word) gets as few lines as possible.
    """
    n = len(texts)
    join, length = scripts.join_words, scripts.text_length  # spaces and widths per script
    one = join(texts)
    if n <= 1 or length(one) <= max_chars:
        return [one]
    greedy = _Lines(max_chars)
    for k, t in enumerate(texts):
        greedy.add(length(t), scripts.gap(texts[k - 1], t) if k else 1)
    if greedy.lines > max_lines or greedy.over:  # an over-long word: fill greedily by force
        out: list[str] = []
        cur: list[str] = []
        for t in texts:
            if cur and length(join([*cur, t])) > max_chars:
                out.append(join(cur))
                cur = []
            cur.append(t)
        return [*out, join(cur)]
    # Few words per cue: trying every placement of the breaks is cheap and exact.
    pens = [
        break_penalty(texts[k - 1], texts[k], texts[k - 2] if k > 1 else None) for k in range(1, n)
    ]
    best: tuple[float, tuple[int, ...]] | None = None
    for cuts in itertools.combinations(range(1, n), greedy.lines - 1):
        bounds = (0, *cuts, n)
        widths = [length(join(texts[x:y])) for x, y in itertools.pairwise(bounds)]
        if max(widths) > max_chars:
            continue
        cost = sum(pens[c - 1] for c in cuts)
        for upper, lower in itertools.pairwise(widths):
            # bottom-heavy: an upper line longer than the one below costs; balance helps
            cost += 0.05 * abs(upper - lower)
            if upper > lower:
                cost += 1.5 + 0.1 * (upper - lower)
        if best is None or cost < best[0]:
            best = (cost, bounds)
    if best is None:  # pragma: no cover - greedy proved a fit exists
        return [one]
    return [join(texts[x:y]) for x, y in itertools.pairwise(best[1])]


def build_cues(
    words: Sequence[Word],
    preset: str | CuePreset | dict[str, Any] | None = None,
    *,
    duration_s: float | None = None,
    **overrides: Any,
) -> list[Cue]:
    """Pack timed words into cues (see the module docstring for the rules).

    Parameters
    ----------
    words
        Words in speaking order; missing timings (``None``/NaN) are estimated.
    preset
        ``"netflix"`` (default), ``"bbc"``, ``"vertical"``, ``"subtitle-edit"``, a
        :class:`CuePreset`, or a dict of fields.
    duration_s
        Length of the media: no cue ends after it.
    **overrides
        Any :class:`CuePreset` field, e.g. ``max_chars=32``.

    Returns
    -------
    list[Cue]
        Cues in time order; concatenating their ``words`` gives back ``words``.
    """
    p = get_preset(preset, **overrides)
    ws = fill_timings(words, duration_s)
    p = scripts.fit_preset(p, (w.text for w in ws))  # CJK: Netflix's shorter lines
    n = len(ws)
    if n == 0:
        return []
    lens = [scripts.text_length(w.text) for w in ws]
    groups: list[tuple[int, int]] = []
    i = 0
    while i < n:
        lines = _Lines(p.max_chars)
        lines.add(lens[i])
        j = i + 1
        overflow = False
        while j < n:
            if ws[j].start_s - ws[j - 1].end_s > p.pause_split_s:
                break  # a long pause ends the cue
            if _ends_sentence(ws[j - 1].text) and ws[j].start_s - ws[j - 1].end_s > 0.5:
                break  # a new sentence after a breath: a natural cue boundary
            trial = lines.copy()
            trial.add(lens[j], scripts.gap(ws[j - 1].text, ws[j].text))
            if (
                trial.lines > p.max_lines
                or ws[j].end_s - ws[i].start_s > p.max_duration_s
                or (p.max_words is not None and j + 1 - i > p.max_words)
            ):
                overflow = True
                break
            lines = trial
            j += 1
        if overflow and j - i > 1:
            j = _best_cut(ws, i, j, p)
        groups.append((i, j))
        i = j
    groups = _keep_reading_speed(ws, groups, p, duration_s)
    return _time_cues(ws, groups, p, duration_s)


def _best_cut(ws: Sequence[Word], i: int, j: int, p: CuePreset) -> int:
    """Where to end a full cue ``ws[i:j]``: the best break among its last words.

    Looks back at most 6 words (and never below half the cue), so total work stays linear.
    """
    best_k, best_cost = j, break_penalty(ws[j - 1].text, ws[j].text if j < len(ws) else "", None)
    lo = max(i + 1, j - 6, i + (j - i + 1) // 2)
    for k in range(j - 1, lo - 1, -1):
        cost = break_penalty(ws[k - 1].text, ws[k].text, ws[k - 2].text if k - 2 >= i else None)
        cost += 0.6 * (j - k)  # moving words to the next cue costs a little
        if cost < best_cost:
            best_k, best_cost = k, cost
    return best_k


def _cue_chars(ws: Sequence[Word], a: int, b: int) -> int:
    """Characters of ``ws[a:b]`` as displayed (a line break counts like the space it replaces)."""
    gaps = sum(scripts.gap(ws[k - 1].text, ws[k].text) for k in range(a + 1, b))
    return sum(scripts.text_length(w.text) for w in ws[a:b]) + gaps


def _cue_end(
    ws: Sequence[Word],
    a: int,
    b: int,
    next_start: float | None,
    p: CuePreset,
    duration_s: float | None,
) -> float:
    """When the cue showing ``ws[a:b]`` leaves the screen (the next cue starts at
    ``next_start``): long enough to read when it can be, within the linger and gap rules."""
    start, speech_end = ws[a].start_s, max(w.end_s for w in ws[a:b])
    chars = _cue_chars(ws, a, b)
    want = max(p.min_duration_s, chars / p.max_cps if p.max_cps else 0.0)
    end = max(speech_end, min(start + want, speech_end + p.linger_s))
    # lingering never stretches a cue past the longest time on screen
    end = min(end, max(speech_end, start + p.max_duration_s))
    if next_start is not None:
        end = min(end, next_start - p.min_gap_s)
    if duration_s is not None:
        end = min(end, duration_s)
    return max(end, start + 0.001) if end <= start else end


def _too_fast(
    ws: Sequence[Word],
    a: int,
    b: int,
    next_start: float | None,
    p: CuePreset,
    duration_s: float | None,
) -> bool:
    """Whether the cue ``ws[a:b]`` breaks the reading speed (a single word never does: it
    cannot be split further, so only the speaker is to blame)."""
    if b - a < 2 or not p.max_cps:
        return False
    shown = _cue_end(ws, a, b, next_start, p, duration_s) - ws[a].start_s
    return _cue_chars(ws, a, b) > p.max_cps * shown + 1e-9


def _keep_reading_speed(
    ws: Sequence[Word], groups: list[tuple[int, int]], p: CuePreset, duration_s: float | None
) -> list[tuple[int, int]]:
    """Re-cut the cues that break the reading speed, with their neighbours.

    A cue's time on screen ends at the next cue's start, so a cue of fast speech cannot
    linger: moving its boundaries (one word more to the cue before, or to the one after,
    which may linger into a pause) usually gives every cue time to be read. Only the cue and
    its two neighbours are re-cut, so elsewhere the greedy cues stay as they are.
    """
    if not p.max_cps:
        return groups
    n = len(ws)
    out: list[tuple[int, int]] = []
    g = 0
    while g < len(groups):
        a, b = groups[g]
        if not _too_fast(ws, a, b, ws[b].start_s if b < n else None, p, duration_s):
            out.append((a, b))
            g += 1
            continue
        lo = out.pop()[0] if out else a
        last = min(g + 1, len(groups) - 1)
        out.extend(_segment(ws, lo, groups[last][1], p, duration_s))
        g = last + 1
    return out


def _segment(
    ws: Sequence[Word], lo: int, hi: int, p: CuePreset, duration_s: float | None
) -> list[tuple[int, int]]:
    """The best cutting of ``ws[lo:hi]`` into cues that all keep every limit, reading speed
    included (dynamic programming over cut points; a one-word cue is always allowed, so a
    cutting always exists). Fewer cues first, then better breaks."""
    n = len(ws)
    inf = float("inf")
    best: list[float] = [0.0] + [inf] * (hi - lo)
    back: list[int] = [lo] * (hi - lo + 1)
    for b in range(lo + 1, hi + 1):
        nxt = ws[b].start_s if b < n else None
        lines = _Lines(p.max_chars)
        for a in range(b - 1, lo - 1, -1):
            if a < b - 1:
                gap = ws[a + 1].start_s - ws[a].end_s
                if gap > p.pause_split_s or (_ends_sentence(ws[a].text) and gap > 0.5):
                    break
                if p.max_words is not None and b - a > p.max_words:
                    break
                if max(w.end_s for w in ws[a:b]) - ws[a].start_s > p.max_duration_s:
                    break
            # right to left: the fewest lines are the same
            space = scripts.gap(ws[a].text, ws[a + 1].text) if a + 1 < b else 1
            lines.add(scripts.text_length(ws[a].text), space)
            if b - a > 1 and lines.lines > p.max_lines:
                break
            if best[a - lo] == inf or _too_fast(ws, a, b, nxt, p, duration_s):
                continue
            cut = break_penalty(ws[a - 1].text, ws[a].text) if a > lo else 0.0
            cost = best[a - lo] + 5.0 + cut
            if b - a == 1 and _cue_chars(ws, a, b) > p.max_cps * (
                _cue_end(ws, a, b, nxt, p, duration_s) - ws[a].start_s
            ):
                cost += 8.0  # a word flashing by too fast to read: the last resort
            if cost < best[b - lo]:
                best[b - lo], back[b - lo] = cost, a
    cuts: list[tuple[int, int]] = []
    b = hi
    while b > lo:
        cuts.append((back[b - lo], b))
        b = back[b - lo]
    return cuts[::-1]


def _time_cues(
    ws: Sequence[Word], groups: list[tuple[int, int]], p: CuePreset, duration_s: float | None
) -> list[Cue]:
    cues: list[Cue] = []
    for gi, (a, b) in enumerate(groups):
        texts = [w.text for w in ws[a:b]]
        lines = break_lines(texts, p.max_chars, p.max_lines)
        nxt = ws[groups[gi + 1][0]].start_s if gi + 1 < len(groups) else None
        end = _cue_end(ws, a, b, nxt, p, duration_s)
        cues.append(Cue(ws[a].start_s, end, lines, list(ws[a:b])))
    return cues


def cues_words(cues: Iterable[Cue]) -> list[Word]:
    """All words of ``cues``, in order."""
    return [w for c in cues for w in c.words]
