"""Reading a chat message: quoted text, clauses, times, numbers, colours and positions.

The reader is code and tables, no language model. A message is read once, left to right:

1. full-width characters are folded and quoted passages (“…”, "…", '…', 「…」, 《…》, «…»)
   are set aside, so a title's words are never read as commands;
2. the message is split into clauses at sentence ends, "then" / 然后 / "luego", and at a
   comma or "and" / 和 / "y" when what follows starts a new request ("…, add a title",
   "… and a title 'Hi'": a request without its verb borrows the previous clause's);
3. numbers in words become digits (:mod:`..numbers`) and each clause is offered to the
   skills' rows (:class:`Row`), whose ``parse`` returns typed commands or nothing.

Every pattern here is anchored on a literal or bounded, so reading costs time in proportion
to the message's length. A model-backed reader could later produce the same commands
behind an extra: commands, not text, are what the rest of the agent sees.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any, ClassVar

from ... import schema
from ..languages import code_of
from ..numbers import chinese_to_digits, words_to_digits
from ..textburn import NAMED_COLORS

if TYPE_CHECKING:
    from .base import Turn

log = logging.getLogger(__name__)

# ================================================================================================
# Commands and rows
# ================================================================================================


@dataclass(frozen=True)
class Command:
    """A typed request read from a message; each skill module defines its own."""

    #: credits charged when it is done (editing ~2, captions 10, text 5-10)
    cost: ClassVar[int] = 0

    def merge(self, later: Command) -> Command | None:
        """One command doing both ``self`` and the ``later`` one, or None (the default).

        "add captions and burn them in" is one captions job, not two.
        """
        return None


@dataclass(frozen=True)
class Row:
    """One thing the agent understands: a name, how to read it, how to do it.

    ``parse(clause, context)`` returns the commands a clause asks for, or None when the
    clause is not about this row; ``apply(command, turn)`` does one of them and returns the
    sentence that says what was done (raise :class:`~..timeline.TimelineError` to refuse).
    ``about`` is the pattern of the row's subject: when two rows read one clause, the one
    whose subject comes first in it is taken ("make the title fade in" is about the title).
    ``alone`` rows (greetings) count only when no other row read anything in the message.
    ``greedy`` rows take the rest of the message from where their pattern matches (a
    script, an idea for a storyboard); ``history`` rows (undo, redo) move through history
    instead of making a step of their own; ``speaks`` rows are never silent edits.
    """

    name: str
    parse: Callable[[Clause, Context], Sequence[Command] | None]
    apply: Callable[[Any, Turn], Awaitable[str]]
    about: str = ""
    subject: str = ""  # what "it"/"them" in the next clause means after this row read one
    cost: int = 0
    speaks: bool = False
    edits: bool = False  # a timeline edit: the reply ends with how to preview and export
    history: bool = False
    greedy: str = ""
    skills: tuple[str, ...] = ()
    alone: bool = False  # read only when nothing else is asked ("hi" vs "hi, add captions")
    help: str = ""
    fallback: Callable[[str, Context], Sequence[Command] | None] | None = None
    about_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)
    greedy_re: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.about:
            object.__setattr__(self, "about_re", re.compile(self.about))
        if self.greedy:
            object.__setattr__(self, "greedy_re", re.compile(self.greedy))

    def position(self, clause: Clause) -> int:
        m = self.about_re.search(clause.norm) if self.about_re else None
        return m.start() if m else len(clause.norm)


@dataclass(frozen=True)
class Context:
    """What the reader may know about the session (a hint for ambiguous words)."""

    skill: str = "nemo-video"
    language: str = "en"
    has_footage: bool = False
    titles: tuple[str, ...] = ()
    has_music: bool = False
    caption_langs: tuple[str, ...] = ()
    has_storyboard: bool = False
    has_prompt: bool = False
    has_metadata: bool = False
    uploads: tuple[tuple[str, str], ...] = ()  # (filename, file_type)
    duration_ms: int = 0


@dataclass
class Clause:
    """One request of a message: its text three ways, and the quoted passages it holds.

    ``raw`` keeps the user's case (quotes replaced by ``⟦n⟧``), ``low`` is the same text in
    lower case (same length: spans of one index the other) and ``norm`` is ``low`` with
    numbers as digits, read by the rows. ``quotes`` are the quoted texts of the message.
    """

    raw: str
    low: str
    norm: str
    quotes: list[str]
    lang: str = "en"
    refers_to: str | None = None  # what "it" / "them" means here (the previous subject)
    borrowed_verb: str = ""
    _cache: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def times(self) -> Times:
        """The clause's time forms (read once, shared by every row)."""
        if "times" not in self._cache:
            self._cache["times"] = read_times(self.norm)
        return self._cache["times"]

    def style(self) -> dict[str, Any]:
        """The text style changes the clause names (read once; a copy for the caller)."""
        if "style" not in self._cache:
            self._cache["style"] = text_style(self.norm)
        return dict(self._cache["style"])

    def quoted(self) -> list[str]:
        """The quoted texts in this clause, in order."""
        return [self.quotes[int(i)] for i in _PLACEHOLDER.findall(self.low)]

    def unquote(self, text: str) -> str:
        return _PLACEHOLDER.sub(lambda m: self.quotes[int(m.group(1))], text)

    def has(self, pattern: re.Pattern[str] | str) -> bool:
        return bool(
            re.search(pattern, self.norm) if isinstance(pattern, str) else pattern.search(self.norm)
        )

    def __str__(self) -> str:
        return self.unquote(self.raw).strip()


@dataclass(frozen=True)
class Step:
    """One command of a reading, with the row that does it and the clause it came from."""

    row: Row
    command: Command
    clause: str


@dataclass
class Reading:
    """What a message asks for: commands in order, and the clauses nobody understood."""

    steps: list[Step]
    unread: list[str]
    lang: str = "en"

    @property
    def cost(self) -> int:
        return sum(s.command.cost for s in self.steps)

    @property
    def understood(self) -> bool:
        return bool(self.steps)


# ================================================================================================
# Characters, quotes, language
# ================================================================================================
_FULL_WIDTH = {i: i - 0xFEE0 for i in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_PLACEHOLDER = re.compile(r"⟦(\d+)⟧")
_QUOTE_PAIRS = {
    "“": "”",
    "„": "“”",
    "「": "」",
    "『": "』",
    "《": "》",
    "«": "»",
    "‹": "›",
    "‘": "’",
    '"': '"',
    "'": "'",
}


def fold(text: str) -> str:
    """Full-width forms as ASCII (１２：３０ -> 12:30); the length never changes."""
    return text.translate(_FULL_WIDTH)


def lower(text: str) -> str:
    """Lower case, one character for one (so spans of one string index the other)."""
    out = text.lower()
    if len(out) == len(text):
        return out
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def mask_quotes(text: str) -> tuple[str, list[str]]:
    """``text`` with each quoted passage replaced by ``⟦n⟧``, and the passages (stripped).

    An apostrophe opens a quote only after a non-word character and closes one only before
    a non-word character, so "don't" and "the city's" are not quotes. Linear: each closing
    character's next position is looked up, never searched for again.
    """
    n = len(text)
    # next index of each closing character at or after i (one backwards pass per closer)
    closers = {c for pair in _QUOTE_PAIRS.values() for c in pair}
    nxt: dict[str, list[int]] = {}
    for c in closers:
        if c not in text:
            continue
        arr = [n] * (n + 1)
        for i in range(n - 1, -1, -1):
            arr[i] = i if text[i] == c else arr[i + 1]
        nxt[c] = arr
    out: list[str] = []
    quotes: list[str] = []
    i = 0
    while i < n:
        ch = text[i]
        close = _QUOTE_PAIRS.get(ch)
        if close is None or (ch == "'" and i > 0 and (_is_word(text[i - 1]) or text[i - 1] == "'")):
            out.append(ch)
            i += 1
            continue
        end = n
        for c in close:
            j = i + 1
            while c in nxt:
                j = nxt[c][j]
                if j >= n:
                    break
                if c != "'" or j + 1 >= n or not _is_word(text[j + 1]):
                    break
                j += 1
            end = min(end, j) if c in nxt else end
        if end >= n:
            out.append(ch)
            i += 1
            continue
        out.append(f"⟦{len(quotes)}⟧")
        quotes.append(text[i + 1 : end].strip())
        i = end + 1
    return "".join(out), quotes


_CJK = re.compile(r"[\u3400-\u9fff]")
_ES_WORDS = frozenset(
    [
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "unos",
        "de",
        "del",
        "y",
        "en",
        "con",
        "por",
        "para",
        "al",
        "que",
        "lo",
        "le",
        "es",
        "añade",
        "añadir",
        "agrega",
        "agregar",
        "pon",
        "poner",
        "ponle",
        "haz",
        "hazlo",
        "quita",
        "quitar",
        "elimina",
        "borra",
        "corta",
        "recorta",
        "silencia",
        "sube",
        "baja",
        "segundos",
        "segundo",
        "minutos",
        "título",
        "títulos",
        "texto",
        "subtítulos",
        "música",
        "canción",
        "video",
        "vídeo",
        "primeros",
        "últimos",
        "durante",
        "hasta",
        "desde",
        "entre",
        "arriba",
        "abajo",
        "centro",
        "final",
        "principio",
        "deshaz",
        "deshacer",
        "rehaz",
        "rehacer",
        "genera",
        "crea",
        "cambia",
        "mueve",
        "más",
        "menos",
        "qué",
        "cuánto",
        "cuáles",
        "hay",
        "mi",
        "mis",
        "fondo",
        "volumen",
    ]
)
_EN_WORDS = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "to",
        "of",
        "in",
        "with",
        "for",
        "at",
        "on",
        "it",
        "is",
        "add",
        "make",
        "put",
        "set",
        "change",
        "move",
        "remove",
        "cut",
        "trim",
        "seconds",
        "second",
        "title",
        "text",
        "captions",
        "subtitles",
        "music",
        "video",
        "from",
        "until",
        "first",
        "last",
        "please",
        "my",
        "this",
        "that",
        "what",
        "how",
        "which",
        "there",
        "mute",
        "volume",
        "fade",
    ]
)
_WORD = re.compile(r"[^\W\d_]+")


def detect_language(text: str, hint: str = "en") -> str:
    """``"zh"``, ``"es"`` or ``"en"``: the message's own words decide, ``hint`` breaks ties."""
    if _CJK.search(text):
        return "zh"
    es = en = 0
    for m in _WORD.finditer(text.lower()):
        w = m.group(0)
        es += w in _ES_WORDS or any(c in w for c in "ñáéíóú")
        en += w in _EN_WORDS
    if es > en:
        return "es"
    if en > es:
        return "en"
    return hint if hint in ("en", "es", "zh") else "en"


# ================================================================================================
# Normalising numbers and amounts
# ================================================================================================
_PHRASES = [
    (re.compile(r"\bhalf an? (minute|min)\b"), "30 seconds"),
    (re.compile(r"\ban? (minute|min) and a half\b"), "90 seconds"),
    (re.compile(r"\bhalf an? (second|sec)\b"), "0.5 seconds"),
    (re.compile(r"\ban? (hour) and a half\b"), "90 minutes"),
    (re.compile(r"\b(\d+) and a half (\w+)"), r"\1.5 \2"),
    (re.compile(r"\b(\d+) (minutes?|mins?|seconds?|secs?|hours?) and a half\b"), r"\1.5 \2"),
    (re.compile(r"\ba couple of\b"), "2"),
    (re.compile(r"\b(first|last|final) (second|minute)\b(?! (?:clip|video|title|one|part))"),
     r"\1 1 \2"),
    (re.compile(r"\b(for|of|lasting|during|about|just|only|in|over|within) an? "
                r"(second|sec|minute|min|hour)\b"), r"\1 1 \2"),
    (re.compile(r"\bmedio minuto\b"), "30 segundos"),
    (re.compile(r"\b(?:un )?minuto y medio\b"), "90 segundos"),
    (re.compile(r"\bmedio segundo\b"), "0.5 segundos"),
    (re.compile(r"\b(\d+) segundos? y medio\b"), r"\1.5 segundos"),
    (re.compile(r"\bpor ?ciento\b|\bpercent\b|\bper cent\b|\bpct\b"), "%"),
    (re.compile(r"半分钟"), "30秒"),
    (re.compile(r"半秒"), "0.5秒"),
    (re.compile(r"(\d)\s*%"), r"\1%"),
]  # fmt: skip


def normalize(low: str, lang: str) -> str:
    """``low`` with numbers in words as digits and amounts in one spelling ("30%")."""
    text = low
    if lang == "zh" or _CJK.search(text):
        text = chinese_to_digits(text)
    if lang == "es":
        text = words_to_digits(text.replace("por ciento", "%"), "es")
    elif lang != "zh" or re.search(r"[a-z]{3}", text):
        text = words_to_digits(text, "en")
    for pattern, repl in _PHRASES:
        text = pattern.sub(repl, text)
    return text


# ================================================================================================
# Times
# ================================================================================================
_NUM = r"\d+(?:\.\d+)?"
_U_MS = r"(?:ms|milliseconds?|millisecs?|毫秒|milisegundos?)"
_U_S = r"(?:s|secs?|seconds?|秒钟|秒|segundos?|segs?|sg)"
_U_MIN = r"(?:m|mins?|minutes?|分钟|分|minutos?)"
_U_H = r"(?:h|hrs?|hours?|小时|horas?)"
_UNIT = rf"(?:{_U_MS}|{_U_H}|{_U_MIN}|{_U_S})"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
# "1m30s", "1 min 30 s", "1分30秒", "2 minutes 10 seconds", "5s", "2.5 seconds"
_AMOUNT = rf"{_NUM}\s*-?\s*{_UNIT}(?:\s*(?:and\s+|y\s+)?{_NUM}\s*-?\s*{_UNIT})?(?![a-z])"
_TIME = rf"(?:{_CLOCK}|{_AMOUNT})"
_TIME_OR_NUM = rf"(?:{_CLOCK}|{_AMOUNT}|{_NUM}(?![\d:]))"
#: one point in time or amount ("0:05", "5s", "2.5 seconds"), for rows' own patterns
TIME = _TIME
_SCALE = [
    (re.compile(rf"^{_U_MS}$"), 1),
    (re.compile(rf"^{_U_H}$"), 3_600_000),
    (re.compile(rf"^{_U_MIN}$"), 60_000),
    (re.compile(rf"^{_U_S}$"), 1000),
]
_PART = re.compile(rf"({_NUM})\s*-?\s*({_UNIT})")


def time_ms(token: str, default_unit: str = "s") -> int | None:
    """``"0:05"``, ``"1:02:03.5"``, ``"5s"``, ``"2.5 seconds"``, ``"1m30s"``, ``"5秒"`` -> ms."""
    token = token.strip().lower()
    if re.fullmatch(_CLOCK, token):
        seconds = 0.0
        for p in token.split(":"):
            seconds = seconds * 60 + float(p)
        return round(seconds * 1000)
    if re.fullmatch(_NUM, token):
        token = token + default_unit
    total, found = 0.0, False
    for m in _PART.finditer(token):
        unit = m.group(2)
        scale = next((f for p, f in _SCALE if p.match(unit)), None)
        if scale is None:
            return None
        total += float(m.group(1)) * scale
        found = True
    return round(total) if found else None


def _has_unit(token: str) -> bool:
    return bool(re.search(rf"{_CLOCK}|[a-z秒分时]", token))


@dataclass(frozen=True)
class When:
    """When something happens on the timeline, as asked; resolved against the draft later.

    ``start_ms``/``end_ms``/``length_ms`` are what the message said; ``from_end`` counts
    back from the end of the video ("the last 3 seconds", "at the end"); ``whole`` is the
    whole video.
    """

    start_ms: int | None = None
    end_ms: int | None = None
    length_ms: int | None = None
    from_end: bool = False
    whole: bool = False
    to_end: bool = False  # "until the end": ends where the video ends

    @property
    def empty(self) -> bool:
        return self == When()

    def span(self, total_ms: int, default_ms: int) -> tuple[int, int | None]:
        """``(start, end)``; ``end`` None means "the default length", capped by the caller."""
        if self.whole:
            return 0, total_ms or None
        if self.from_end:
            length = self.length_ms or default_ms
            end = total_ms if self.end_ms is None else self.end_ms
            return max(0, end - length), end or None
        start = self.start_ms or 0
        if self.to_end and total_ms:
            return start, total_ms
        if self.end_ms is not None:
            return start, self.end_ms
        return start, start + (self.length_ms or default_ms)


_RANGE = re.compile(
    rf"(?:from|between|desde|de|entre|从|在|第)?\s*(?P<a>{_TIME_OR_NUM})\s*"
    r"(?:-|–|—|~|to|until|till|through|thru|and|a|hasta|y|al|(?:剪|删|切)?(?:掉)?(?:到|至)|—)\s*(?:第)?\s*"
    rf"(?P<b>{_TIME_OR_NUM})(?P<u>\s*{_UNIT}(?![a-z]))?"
)
_FIRST = re.compile(
    rf"(?:\bfirst|\bopening|\bbeginning|\bstart|primeros?|primeras?|前|开头|开始的)\s*"
    rf"(?:the\s+)?(?P<n>{_NUM}\s*-?\s*{_UNIT}|{_NUM})(?![\d:])"
)
_LAST = re.compile(
    rf"(?:\blast|\bfinal|\bending|\bend|últimos?|últimas?|ultimos?|最后|后|结尾|末尾)\s*"
    rf"(?:the\s+)?(?P<n>{_NUM}\s*-?\s*{_UNIT}|{_NUM})(?![\d:])"
)
_FOR = re.compile(
    rf"(?:\bfor|\blasting|\blasts?|\bduring|\bdurante|\bpor|\bstays?|\bstaying|\bshow for|"
    rf"\bon screen for|持续|显示|停留|时长)\s*(?:the\s+|about\s+|around\s+|unos\s+|了)?"
    rf"(?P<n>{_AMOUNT})"
)
_LONG = re.compile(rf"(?P<n>{_AMOUNT})\s*(?:long|duration|de duración|长|-long)")
_UNTIL = re.compile(
    rf"(?:\buntil|\btill|\bup to|\bhasta(?: el| los)?(?: segundo)?|\bends? at|\bending at|"
    rf"到|直到)\s*(?:the\s+)?(?P<n>{_TIME_OR_NUM})(?:\s*(?:为止|结束))?"
)
_AT = re.compile(
    rf"(?:\bstarting at|\bstart at|\bstarts at|\bbegin(?:ning|s)? at|\bat|\bfrom|\bafter|"
    rf"\ba los|\ba las|\ben el segundo|\bdesde(?: el segundo)?|\bdespués de|从|在第?|第)\s*"
    rf"(?:the\s+)?(?P<n>{_TIME})(?:\s*(?:开始|起|之后|以后|后|on|onwards))?"
)
_AT_END = re.compile(
    r"\bat the (?:very )?end\b|\bend of the (?:video|clip)\b|\bal final\b|\bel final\b|"
    r"结尾|片尾|最后|末尾|\bto the end\b|\bat the ending\b|\boutro\b"
)
_AT_START = re.compile(
    r"\bat the (?:very )?(?:start|beginning)\b|\bin the beginning\b|\bal (?:principio|inicio|"
    r"comienzo)\b|"
    r"开头|片头|开始时|\bintro\b|\bopening\b"
)
_NEGATIVE_TIME = re.compile(
    rf"(?:\bfrom|\bat|\bstarting at|\bbetween|\bdesde|\bde|从|在)\s*[-−]\s*(?:{_TIME_OR_NUM})"
)
_TO_END = re.compile(
    r"\b(?:until|till|to|through) the (?:very )?end\b|\bhasta el final\b|到结尾|到最后|直到结束"
)
# Chinese puts a bare length after the text: 显示“新品”五秒钟
_BARE_ZH = re.compile(rf"⟧\s*(?:，|,)?\s*(?P<n>{_NUM}\s*(?:秒钟|秒|分钟))")
_WHOLE = re.compile(
    r"\b(?:whole|entire|full) (?:video|clip|thing|time)\b|\bthroughout\b|\ball the way\b|"
    r"\bthe whole time\b|全程|整个视频|\btodo el (?:v[ií]deo|tiempo)\b|\bde principio a fin\b"
)


@dataclass(frozen=True)
class Times:
    """Every time form found in a clause (each None/False when absent)."""

    range: tuple[int, int] | None = None
    backwards: tuple[int, int] | None = None  # a range that ends before (or where) it starts
    first: int | None = None
    last: int | None = None
    length: int | None = None
    until: int | None = None
    at: int | None = None
    at_end: bool = False
    at_start: bool = False
    whole: bool = False
    to_end: bool = False
    negative: bool = False  # "from -5 seconds": a time before the start

    def when(self, default_start: int | None = None) -> When:
        """The time as a :class:`When` for something placed on the timeline (a title)."""
        if self.range:
            return When(self.range[0], self.range[1])
        if self.whole:
            return When(whole=True)
        if self.first is not None:
            return When(0, self.first)
        if self.last is not None:
            return When(length_ms=self.last, from_end=True)
        if self.to_end:
            return When(self.at if self.at is not None else default_start, to_end=True)
        if self.at_end:
            return When(length_ms=self.length, from_end=True)
        start = self.at if self.at is not None else (0 if self.at_start else default_start)
        return When(start, self.until, None if self.until is not None else self.length)


def _range(norm: str) -> tuple[tuple[int, int] | None, tuple[int, int] | None]:
    backwards = None
    for m in _RANGE.finditer(norm):
        a_tok, b_tok, unit = m.group("a"), m.group("b"), (m.group("u") or "").strip()
        if not (_has_unit(a_tok) or _has_unit(b_tok) or unit):
            continue  # "2 and 4" alone is not a time range
        if (
            re.fullmatch(r"\d{1,2}", a_tok)
            and re.fullmatch(r"\d{1,2}", b_tok)
            and not unit
            and not re.search(r":\d", b_tok)
        ):
            continue
        if (
            re.fullmatch(r"(?:16|9|1|4)", a_tok.strip())
            and norm[m.start("b") - 1 : m.start("b")] == ":"
        ):
            continue
        default = unit or ("s" if not _has_unit(b_tok) else "")
        b = time_ms(b_tok if _has_unit(b_tok) else b_tok + (unit or "s"))
        a = time_ms(a_tok if _has_unit(a_tok) else a_tok + (unit or default or "s"))
        if a is None or b is None:
            continue
        if b > a:
            return (a, b), None
        backwards = backwards or (a, b)
    return None, backwards


def read_times(norm: str) -> Times:
    """All the time forms of a clause (``norm``: lower case, numbers as digits)."""
    rng, backwards = _range(norm)
    first = last = length = until = at = None
    if (m := _FIRST.search(norm)) and not rng:
        first = time_ms(m.group("n"))
    if (m := _LAST.search(norm)) and not rng and first is None:
        last = time_ms(m.group("n"))
    if m := (_FOR.search(norm) or _LONG.search(norm) or _BARE_ZH.search(norm)):
        length = time_ms(m.group("n"))
    if (m := _UNTIL.search(norm)) and not rng:
        until = time_ms(m.group("n"))
    if (m := _AT.search(norm)) and not rng and first is None:
        at = time_ms(m.group("n"))
    return Times(
        range=rng,
        backwards=None if rng else backwards,
        first=first,
        last=last,
        length=length,
        until=until,
        at=at,
        at_end=bool(_AT_END.search(norm)),
        at_start=bool(_AT_START.search(norm)),
        whole=bool(_WHOLE.search(norm)),
        to_end=bool(_TO_END.search(norm)),
        negative=bool(_NEGATIVE_TIME.search(norm)),
    )


def amount_ms(norm: str) -> int | None:
    """The first amount of time in ``norm`` ("2 seconds", "0:30"), else None."""
    m = re.search(_TIME, norm)
    return time_ms(m.group(0)) if m else None


# ================================================================================================
# Percentages, colours, positions, text style
# ================================================================================================
def percent(norm: str) -> float | None:
    """``30%`` / ``30 percent`` / ``百分之三十`` / ``volume 0.3`` -> 0.3 (negative: -0.5)."""
    m = re.search(rf"(-\s*)?({_NUM})%", norm)
    if m:
        value = float(m.group(2)) / 100
        return -value if m.group(1) else value
    m = re.search(
        r"(?:volume|音量|volumen)\s*(?:to|at|of|=|:|为|到|调到|设为|a|al)?\s*(0?\.\d+|1(?:\.0+)?)(?![\d%])",
        norm,
    )
    if m:
        return float(m.group(1))
    return None


COLOR_WORDS: dict[str, str] = {
    **NAMED_COLORS,
    "gold": "#FFC300",
    "golden": "#FFC300",
    "neon blue": "#1F51FF",
    "白色": "#FFFFFF",
    "白": "#FFFFFF",
    "黑色": "#000000",
    "黑": "#000000",
    "红色": "#FF3B30",
    "红": "#FF3B30",
    "绿色": "#34C759",
    "绿": "#34C759",
    "蓝色": "#0A84FF",
    "蓝": "#0A84FF",
    "黄色": "#FFD60A",
    "黄": "#FFD60A",
    "金色": "#FFC300",
    "橙色": "#FF9F0A",
    "紫色": "#BF5AF2",
    "粉色": "#FF375F",
    "灰色": "#8E8E93",
    "blanco": "#FFFFFF",
    "blanca": "#FFFFFF",
    "negro": "#000000",
    "negra": "#000000",
    "rojo": "#FF3B30",
    "roja": "#FF3B30",
    "verde": "#34C759",
    "azul": "#0A84FF",
    "amarillo": "#FFD60A",
    "amarilla": "#FFD60A",
    "dorado": "#FFC300",
    "dorada": "#FFC300",
    "naranja": "#FF9F0A",
    "morado": "#BF5AF2",
    "morada": "#BF5AF2",
    "rosa": "#FF375F",
    "gris": "#8E8E93",
}
_COLOR_RE = re.compile(
    r"#[0-9a-f]{6}\b|"
    + "|".join(
        (rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w))
        for w in sorted(COLOR_WORDS, key=len, reverse=True)
    )
)


def colors(norm: str) -> list[tuple[int, str]]:
    """``(position, "#RRGGBB")`` of every colour named in ``norm``."""
    return [
        (m.start(), m.group(0).upper() if m.group(0).startswith("#") else COLOR_WORDS[m.group(0)])
        for m in _COLOR_RE.finditer(norm)
    ]


_POSITIONS = [
    (r"top[\s-]*left|upper[\s-]*left|左上|arriba a la izquierda", "top-left"),
    (r"top[\s-]*right|upper[\s-]*right|右上|arriba a la derecha", "top-right"),
    (r"bottom[\s-]*left|lower[\s-]*left|左下|abajo a la izquierda", "bottom-left"),
    (r"bottom[\s-]*right|lower[\s-]*right|右下|abajo a la derecha", "bottom-right"),
    (
        r"\btop\b|\bupper\b|顶部|上方|顶端|最上|上面|\barriba\b|parte superior|"
        r"\b(?:move|shift|put|bring)\b.{0,20}\bup\b|往上|上移",
        "top-center",
    ),
    (
        r"\bbottom\b|\blower third\b|底部|下方|底端|最下|下面|\babajo\b|parte inferior|"
        r"\b(?:move|shift|put|bring)\b.{0,20}\bdown\b|往下|下移",
        "bottom-center",
    ),
    (
        r"\b(?:center|centre|middle|centered|centred)\b|中间|中央|居中|正中|\bcentro\b|centrad[oa]",
        "center",
    ),
    (r"\bleft\b|左侧|左边|\bizquierda\b", "center-left"),
    (r"\bright\b(?! now| away)|右侧|右边|\bderecha\b", "center-right"),
]
_POSITION_RES = [(re.compile(p), pos) for p, pos in _POSITIONS]


def position(norm: str) -> str | None:
    for pattern, pos in _POSITION_RES:
        if pattern.search(norm):
            return pos
    return None


_BOX = re.compile(
    rf"(?P<c>{_COLOR_RE.pattern})?\s*(?:semi-transparent\s+|transparent\s+)?"
    r"(?:box|background|backdrop|背景|底色|底框|fondo|caja)"
)


#: Key of a relative size change in a style read from a message ("bigger": 1.3 times).
SCALE = "size*"


def sized(style: dict[str, Any], current: float) -> dict[str, Any]:
    """``style`` with a relative size change (:data:`SCALE`) applied to ``current``."""
    if SCALE not in style:
        return style
    out = {k: v for k, v in style.items() if k != SCALE}
    out[schema.STYLE_SIZE] = max(8, round(current * style[SCALE]))
    return out


def text_style(norm: str) -> dict[str, Any]:
    """Style changes a clause names for text (colour, size, position, bold, box, fade).

    A relative size ("bigger") is kept as :data:`SCALE` (see :func:`sized`); a None value
    removes that key.
    """
    out: dict[str, Any] = {}
    if re.search(
        r"\bno (?:box|background)\b|remove the (?:box|background)|without (?:a |the )?(?:box|"
        r"background)|去掉背景|sin fondo",
        norm,
    ):
        out[schema.STYLE_BOX] = None
        box = None
    else:
        box = _BOX.search(norm)
        if box:
            c = box.group("c")
            hexc = (c.upper() if c.startswith("#") else COLOR_WORDS[c]) if c else "#000000"
            out[schema.STYLE_BOX] = hexc + "B3"
    rest = norm[: box.start()] + " " + norm[box.end() :] if box else norm
    found = colors(rest)
    if found:
        out[schema.STYLE_COLOR] = found[0][1]
    m = re.search(
        rf"(?:size|font size|字号|大小|tamaño)\s*(?:to|of|=|:|为|到|a|de)?\s*({_NUM})\s*(?:px|pt)?",
        norm,
    )
    m = m or re.search(rf"({_NUM})\s*(?:px|pt)\b", norm)
    if m:
        out[schema.STYLE_SIZE] = max(8, min(400, round(float(m.group(1)))))
    elif re.search(r"much (?:bigger|larger)|\bhuge\b|大很多|超大|mucho más grande", norm):
        out[SCALE] = 1.6
    elif re.search(
        r"bigger|larger|increase the size|enlarge|大一点|大一些|放大|变大|更大|加大|más grande|"
        r"agranda",
        norm,
    ):
        out[SCALE] = 1.3
    elif re.search(r"much smaller|\btiny\b|小很多|mucho más pequeñ", norm):
        out[SCALE] = 0.6
    elif re.search(
        r"smaller|decrease the size|shrink|小一点|小一些|缩小|变小|更小|más pequeñ|más chic", norm
    ):
        out[SCALE] = 1 / 1.3
    pos = position(norm)
    if pos:
        out[schema.STYLE_POSITION] = pos
    if re.search(r"\bnot bold\b|\bunbold\b|\bregular weight\b|取消加粗|不加粗|sin negrita", norm):
        out[schema.STYLE_BOLD] = False
    elif re.search(r"\bbold\b|加粗|粗体|negrita", norm):
        out[schema.STYLE_BOLD] = True
    if re.search(
        r"fade[\s-]*in and (?:fade[\s-]*)?out|fade in/out|fades? in and out|淡入淡出|"
        r"aparezca y desaparezca",
        norm,
    ):
        out[schema.STYLE_ANIMATION] = "fade"
    elif re.search(r"fade[\s-]*in|fades in|淡入|aparezca con fundido|fundido de entrada", norm):
        out[schema.STYLE_ANIMATION] = "fade-in"
    elif re.search(
        r"no (?:animation|fade)|without (?:animation|fade)|remove the (?:fade|animation)", norm
    ):
        out[schema.STYLE_ANIMATION] = None
    m = re.search(rf"({_NUM})\s*(?:px)?\s*outline|outline\s*(?:of|to)?\s*({_NUM})", norm)
    if m:
        out[schema.STYLE_OUTLINE] = float(m.group(1) or m.group(2))
    elif re.search(r"\bno outline\b|without (?:an )?outline|remove the outline", norm):
        out[schema.STYLE_OUTLINE] = 0
    elif re.search(r"\b(?:thick|thicker) outline\b|描边|contorno", norm):
        out[schema.STYLE_OUTLINE] = 6
    return out


# ================================================================================================
# Clauses
# ================================================================================================
_VERBS_EN = (
    "add|put|place|insert|include|make|set|change|turn|move|shift|trim|cut|crop|shorten|keep|"
    "remove|delete|drop|erase|clear|mute|unmute|silence|fade|speed|slow|play|lower|raise|"
    "reduce|increase|boost|generate|create|write|give|suggest|use|apply|switch|show|hide|"
    "display|burn|reframe|resize|convert|rename|replace|undo|redo|export|transcribe|translate|"
    "extend|stretch|get rid|take out|caption|subtitle|overlay|let|bring|import|load|center|"
    "centre|color|colour|bold"
)
_QUESTIONS = (
    "can you|could you|would you|i want|i'd like|i would like|what|how|which|is there|"
    "are there|do i|does|tell me"
)
_VERBS_ZH = (
    "添加|加上|加个|加一个|加|增加|插入|放上|放|把|将|改|换|设置|设为|调|删除|删掉|去掉|移除|剪掉|"
    "剪|裁剪|截取|保留|只要|静音|取消|生成|写|做|制作|给|用|使用|显示|隐藏|撤销|撤回|重做|"
    "导出|翻译|加速|减速|慢放|配上"
)
_VERBS_ES = (
    "añade|añadir|agrega|agregar|pon|ponle|poner|coloca|inserta|incluye|haz|hazlo|hacer|cambia|"
    "cambiar|mueve|recorta|corta|acorta|quita|quitar|elimina|eliminar|borra|silencia|baja|sube|"
    "genera|crea|escribe|usa|aplica|muestra|oculta|deshaz|deshacer|rehaz|rehacer|exporta|"
    "traduce|acelera|ralentiza|dale"
)
_NOUNS = (
    r"(?:(?:a|an|the|some|another|one more|my|new|un|una|el|la|los|las|unos|unas|otro|otra|"
    r"一个|个|一段)\s+)?(?:[a-z]+\s+)?"
    r"(?:titles?|headings?|headlines?|text|captions?|subtitles?|subs|music|songs?|bgm|soundtrack|"
    r"títulos?|texto|subtítulos|música|canción)\b"
    r"|(?:一个|个|一段)?(?:标题|字幕|背景音乐|音乐|配乐|文字)"
)
_CLAUSE_START = re.compile(
    rf"\s*(?:please\s+|then\s+|also\s+|and\s+|por favor\s+|también\s+|请|也|还要|再)?"
    rf"(?:(?P<verb>(?:{_VERBS_EN}|{_QUESTIONS})\b|(?:{_VERBS_ZH})|(?:{_VERBS_ES})\b)|(?P<noun>{_NOUNS}))"
)
_ACTION_VERB = re.compile(rf"\b(?:{_VERBS_EN})\b|(?:{_VERBS_ZH})|\b(?:{_VERBS_ES})\b")
_HARD = re.compile(
    r"(?<![\d\s])\.(?=\s|$)|[;!?。；！？\n]+|"
    r"\s*,?\s*\b(?:and then|then|after that|afterwards|y luego|luego|y después|después)\b\s*|"
    r"然后|接着|之后再|随后"
)
_SOFT = re.compile(r"\s*(?:,|，|、|\band\b|&|\bplus\b|\by\b|\be\b|和|并且|并|以及|还有|同时|再)\s*")
_FILLER = re.compile(
    r"^[\s,.;:!?，。、]*(?:please|thanks|thank you|thx|ok|okay|now|ty|cheers|oops|hmm|gracias|"
    r"por favor|"
    r"谢谢|请|好的|好|吧|了)?[\s,.;:!?，。、]*$"
)


def split_clauses(low: str) -> list[tuple[int, int, str]]:
    """``(start, end, borrowed verb)`` of each clause of ``low`` (a masked, lower message).

    A comma or "and" splits only before a new request: a verb ("…, add a title"), or a
    request's noun, which then borrows the verb of the clause before it ("add captions and
    a title 'Hi'" is "add captions" + "add a title 'Hi'").
    """
    out: list[tuple[int, int, str]] = []
    for m_hard_start, m_hard_end in _spans(low, _HARD, 0, len(low)):
        cursor, borrowed = m_hard_start, ""
        for m in _SOFT.finditer(low, m_hard_start, m_hard_end):
            if m.start() <= cursor:
                continue
            start = _CLAUSE_START.match(low, m.end(), m_hard_end)
            if not start:
                continue
            verb = ""
            if not start.group("verb"):
                if _language_list(low[cursor : m.start()], start.group("noun")):
                    continue  # "English and Spanish captions": one request, two languages
                own = _ACTION_VERB.search(low, cursor, m.start())
                verb = own.group(0) if own else borrowed
                if not verb:
                    continue
            out.append((cursor, m.start(), borrowed))
            cursor, borrowed = m.end(), verb
        out.append((cursor, m_hard_end, borrowed))
    return [c for c in out if low[c[0] : c[1]].strip()]


def _language_list(before: str, noun: str) -> bool:
    """Whether a noun that would start a clause continues a list of languages ("add English
    and Spanish captions", "English, French and German subtitles")."""
    last, first = before.split()[-1:], noun.split()[:1]
    return bool(last and first and len(noun.split()) > 1 and code_of(last[0]) and code_of(first[0]))


def _spans(low: str, pattern: re.Pattern[str], start: int, end: int) -> list[tuple[int, int]]:
    out, cursor = [], start
    for m in pattern.finditer(low, start, end):
        out.append((cursor, m.start()))
        cursor = m.end()
    out.append((cursor, end))
    return out


# ================================================================================================
# Reading a message
# ================================================================================================
@dataclass(frozen=True)
class Refused(Command):
    """A request read but refused as asked (a backwards range, a negative volume)."""

    reason: str = ""


def _pick(found: list[tuple[Row, Sequence[Command]]], clause: Clause, ctx: Context):
    """One reading when several rows read a clause: the session's skill, else the earliest
    subject in the clause (no priorities to tune)."""
    if len(found) > 1:
        preferred = [f for f in found if ctx.skill in f[0].skills]
        found = preferred or found
    return min(found, key=lambda f: f[0].position(clause))


#: Longest clause read (characters): a longer run without a sentence break is read by its
#: start and the rest reported as not understood, so one pasted paragraph stays cheap.
MAX_CLAUSE = 400


def _pieces(low: str, span: tuple[int, int, str, Any]) -> list[tuple[int, int, str, Any]]:
    """A clause longer than :data:`MAX_CLAUSE` cut before each request verb in it.

    Stretches without a verb are marked (``only`` False) to be reported, not read, and a
    piece still too long is read by its start: one pasted paragraph stays cheap to read.
    """
    a, b, verb, only = span
    if only is not None or b - a <= MAX_CLAUSE:
        return [span]
    cuts = [m.start() for m in _ACTION_VERB.finditer(low, a, b)]
    bounds = [a, *[c for c in cuts if c > a], b]
    out: list[tuple[int, int, str, Any]] = []
    for i, (x, y) in enumerate(pairwise(bounds)):
        has_verb = i > 0 or (cuts and cuts[0] == a)
        if not has_verb:
            out.append((x, y, "", False))
            continue
        if y - x > MAX_CLAUSE:
            cut = low.rfind(" ", x, x + MAX_CLAUSE)
            cut = cut if cut > x else x + MAX_CLAUSE
            out.extend([(x, cut, verb if i == 0 else "", None), (cut, y, "", False)])
        else:
            out.append((x, y, verb if i == 0 else "", None))
    return out


def _modifier(clause: Clause) -> bool:
    """Whether a clause only says where, when or how ("放在底部", "at the top, in red")."""
    n = clause.norm
    if len(n.split()) > 6 or (_CJK.search(n) and len(n) > 12):
        return False
    t = read_times(n)
    return bool(position(n) or colors(n) or t != Times() or text_style(n))


_JOINED = re.compile(
    r"(?:\b(?:and|then|also|plus|y|luego|despu[eé]s|tambi[eé]n)|然后|再|并且|并|还有|[,，;；.。!！?？:：、])\s*$"
)


def _greedy_start(low: str, at: int) -> int:
    """Where a greedy row's text begins when its pattern matches at ``at``.

    A request joined to what comes before ("make it 9:16 and generate a prompt ...") starts at
    the match. A clause that runs straight into it is part of it: in Chinese the idea comes
    before the keyword ("为咖啡杯生成一个30秒的产品展示视频提示词").
    """
    prefix = low[:at]
    if not prefix.strip() or _JOINED.search(prefix):
        return at
    spans = split_clauses(prefix)
    return spans[-1][0] if spans else at


def read(message: str, ctx: Context, rows: Sequence[Row]) -> Reading:
    """The commands ``message`` asks for, in order, read by ``rows``.

    Parameters
    ----------
    message
        What the user typed, any length.
    ctx
        What the session holds (titles, captions, uploads...) and its skill and language.
    rows
        Every skill's rows (``nemo_widgets.engine.agent.ROWS``).
    """
    folded = fold(message)
    masked_raw, quotes = mask_quotes(folded)
    masked_low = lower(masked_raw)
    lang = detect_language(_PLACEHOLDER.sub(" ", masked_low), ctx.language)
    cut, greedy = len(masked_low), None
    for row in rows:
        if row.greedy_re is not None:
            m = row.greedy_re.search(masked_low)
            if m and m.start() < cut:
                cut, greedy = _greedy_start(masked_low, m.start()), row
    spans = [(a, b, verb, None) for a, b, verb in split_clauses(masked_low[:cut])]
    if greedy is not None:
        spans.append((cut, len(masked_low), "", greedy))
    steps: list[Step] = []
    unread: list[str] = []
    subject: str | None = None
    last: tuple[int, int, str, str | None, int] | None = None  # the previous clause, its steps

    seen: dict[tuple[str, str, str | None, str | None], Any] = {}

    def read_clause(raw: str, low: str, verb: str, only: Row | None, about: str | None):
        text = _PLACEHOLDER.sub(lambda m: f"\x00{quotes[int(m.group(1))]}\x00", raw)
        key = (text, verb, only.name if only else None, about)
        if key in seen:  # a clause said again (and again) is read once
            return seen[key]
        seen[key] = result = _read_clause(raw, low, verb, only, about)
        return result

    def _read_clause(raw: str, low: str, verb: str, only: Row | None, about: str | None):
        clause = Clause(raw, low, normalize(low, lang), quotes, lang, about, verb)
        found = []
        for row in [only] if only is not None else rows:
            try:
                commands = row.parse(clause, ctx)
            except Exception:  # a broken row must not stop the others reading
                log.exception("row %r could not read %r", row.name, str(clause)[:200])
                continue
            if commands:
                found.append((row, commands))
        if not found:
            return clause, None, None
        row, commands = _pick(found, clause, ctx)
        return clause, row, commands

    spans = [piece for span in spans for piece in _pieces(masked_low, span)]
    # "thanks" beside a request is filler; said alone it is the message (a row answers it)
    alone = sum(1 for a, b, _, _ in spans if masked_low[a:b].strip()) == 1
    for a, b, verb, only in spans:
        if only is False:  # a stretch of a long run with no request verb: prose, not read
            text = masked_raw[a:b].strip()
            if text and not _FILLER.match(text.lower()):
                unread.append(_PLACEHOLDER.sub(lambda m: quotes[int(m.group(1))], text))
            continue
        raw, low = masked_raw[a:b].strip(), masked_low[a:b].strip()
        if not low or (_FILLER.match(low) and not alone):
            continue
        if verb:
            raw, low = f"{verb} {raw}", f"{verb} {low}"
        clause, row, commands = read_clause(raw, low, verb, only, subject)
        if (
            row is None
            and last is not None
            and only is None
            and b - last[0] < 400
            and (_modifier(clause))
        ):
            # a piece nobody reads alone ("…，放在底部", "…, at the top") belongs to the
            # clause before it: read the two as one
            start, count, prev_verb, prev_subject, _ = last
            joined = masked_low[start:b].strip()
            joined_raw = masked_raw[start:b].strip()
            if prev_verb:
                joined, joined_raw = f"{prev_verb} {joined}", f"{prev_verb} {joined_raw}"
            clause2, row2, commands2 = read_clause(
                joined_raw, joined, prev_verb, None, prev_subject
            )
            if row2 is not None:
                del steps[len(steps) - count :]
                steps.extend(Step(row2, c, str(clause2)) for c in commands2)
                last = (start, len(commands2), prev_verb, prev_subject, b)
                subject = row2.subject or subject
                continue
        if row is None:
            unread.append(str(clause))
            last = None
            continue
        count = 0
        for c in commands:
            merged = steps[-1].command.merge(c) if steps and steps[-1].row is row else None
            if merged is not None:
                steps[-1] = Step(row, merged, f"{steps[-1].clause}, {clause}")
            else:
                steps.append(Step(row, c, str(clause)))
                count += 1
        last = (a, count, verb, subject, b) if count else None
        subject = row.subject or subject
    if not steps:
        for row in rows:
            if row.fallback is not None:
                commands = row.fallback(message, ctx)
                if commands:
                    return Reading([Step(row, c, message.strip()) for c in commands], [], lang)
    if any(not st.row.alone for st in steps):
        steps = [st for st in steps if not st.row.alone]
    return Reading(steps, unread, lang)
