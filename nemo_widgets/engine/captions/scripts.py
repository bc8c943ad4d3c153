"""Writing systems in captions: which script a text is in, its length, joining words, direction.

Caption rules written for English break in other scripts. What this module knows:

* **Joining words.** Chinese, Japanese, Thai, Lao, Khmer, Myanmar and Tibetan write no spaces
  between words: recognised pieces of those scripts are joined directly ("我们" + "今天" ->
  "我们今天"), and full-width punctuation never gets a space around it. Korean and every other
  script keep spaces.
* **Length.** Netflix counts characters: a CJK character is one, so is a Latin letter; combining
  marks (Devanagari vowel signs, Arabic harakat) and invisible format characters count nothing.
* **Limits per script** for the unmodified presets: Netflix's 16 characters per line for
  Chinese, Japanese and Korean, with 9 characters per second for Chinese and Japanese (its
  Simplified Chinese figure) and 12 for Korean; the other presets scale the same way.
* **Right to left.** Arabic, Hebrew, Persian, Urdu… lines get a RIGHT-TO-LEFT MARK at the start
  so players that assume a left-to-right paragraph (many SRT players, libass) put a line's
  closing punctuation and leading numbers on the correct side; the words stay in logical order,
  as Unicode requires, and the renderer (libass with FriBidi and HarfBuzz) reorders and shapes.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

#: Scripts written without spaces between words.
UNSPACED = frozenset({"Han", "Kana", "Thai", "Lao", "Khmer", "Myanmar", "Tibetan"})
#: Scripts written right to left.
RTL = frozenset({"Arabic", "Hebrew", "Syriac", "Thaana", "Nko"})
RLM = "\u200f"
_BIDI_CONTROLS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

# Full-width punctuation: never a space before a closing mark or after an opening one.
_CJK_CLOSING = frozenset("、。，．！？：；）」』】〕〉》〗〙〛”’…・ー～%％")
_CJK_OPENING = frozenset("（「『【〔〈《〖〘〚“‘")

# The first word of a character's Unicode name, for the scripts captions meet.
_NAME_SCRIPTS = {
    "CJK": "Han",
    "IDEOGRAPHIC": "Han",
    "KANGXI": "Han",
    "HIRAGANA": "Kana",
    "KATAKANA": "Kana",
    "HALFWIDTH": "Kana",
    "HANGUL": "Hangul",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "SYRIAC": "Syriac",
    "THAANA": "Thaana",
    "NKO": "Nko",
    "DEVANAGARI": "Devanagari",
    "BENGALI": "Bengali",
    "GURMUKHI": "Gurmukhi",
    "GUJARATI": "Gujarati",
    "ORIYA": "Oriya",
    "TAMIL": "Tamil",
    "TELUGU": "Telugu",
    "KANNADA": "Kannada",
    "MALAYALAM": "Malayalam",
    "SINHALA": "Sinhala",
    "THAI": "Thai",
    "LAO": "Lao",
    "KHMER": "Khmer",
    "MYANMAR": "Myanmar",
    "TIBETAN": "Tibetan",
    "GEORGIAN": "Georgian",
    "ARMENIAN": "Armenian",
    "ETHIOPIC": "Ethiopic",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "LATIN": "Latin",
}


@functools.lru_cache(maxsize=4096)
def char_script(ch: str) -> str:
    """The script of one character: ``"Han"``, ``"Arabic"``, ``"Latin"``… or ``"Common"``
    (digits, punctuation, spaces and symbols shared by every script)."""
    if ch.isascii():
        return "Latin" if ch.isalpha() else "Common"
    try:
        first = unicodedata.name(ch).split()[0]
    except ValueError:  # unnamed (private use, unassigned)
        return "Common"
    if first == "FULLWIDTH":  # full-width Latin letters and digits, CJK punctuation
        return "Latin" if ch.isalpha() else "Common"
    return _NAME_SCRIPTS.get(first, "Latin" if ch.isalpha() else "Common")


def script_of(text: str) -> str:
    """The script most of ``text``'s letters are in (``"Common"`` when it has none)."""
    counts: dict[str, int] = {}
    for ch in text:
        s = char_script(ch)
        if s != "Common":
            counts[s] = counts.get(s, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else "Common"


def _edge(text: str, last: bool) -> str:
    """The outermost character of ``text`` that is not a bidi control (``""`` if none)."""
    chars = reversed(text) if last else iter(text)
    return next((ch for ch in chars if ch not in _BIDI_CONTROLS and not ch.isspace()), "")


def needs_space(left: str, right: str) -> bool:
    """Whether two adjacent words are written with a space between them."""
    a, b = _edge(left, True), _edge(right, False)
    if not a or not b:
        return False
    if a in _CJK_OPENING or b in _CJK_CLOSING or a in _CJK_CLOSING or b in _CJK_OPENING:
        return False
    sa, sb = char_script(a), char_script(b)
    if sa in UNSPACED and sb in UNSPACED:
        return False
    # a CJK character next to a digit ("3月", "第2") is written without a space too
    return not ((sa in {"Han", "Kana"} and b.isdigit()) or (sb in {"Han", "Kana"} and a.isdigit()))


def join_words(texts: Iterable[str]) -> str:
    """Words joined as the script writes them: spaces where it uses them, none elsewhere."""
    out: list[str] = []
    prev = ""
    for t in texts:
        if not t:
            continue
        if out and needs_space(prev, t):
            out.append(" ")
        out.append(t)
        prev = t
    return "".join(out)


def gap(left: str, right: str) -> int:
    """Characters between two adjacent words on a line: 1 (a space) or 0."""
    return 1 if needs_space(left, right) else 0


def text_length(text: str) -> int:
    """Characters of ``text`` as a reader counts them (combining marks and format characters,
    such as a vowel sign or a right-to-left mark, count nothing; a CJK character counts one)."""
    return sum(1 for ch in text if unicodedata.category(ch) not in {"Mn", "Me", "Cf"})


def tokens(text: str) -> list[str]:
    """``text`` as breakable pieces: words where the script uses spaces, single characters
    (with their punctuation) where it does not. Joining them with :func:`join_words` gives
    ``text`` back with its spaces normalised."""
    out: list[str] = []
    for word in text.split():
        piece = ""
        for ch in word:
            here, before = char_script(ch), char_script(piece[-1]) if piece else "Common"
            starts = (
                piece
                and ch not in _CJK_CLOSING
                and piece[-1] not in _CJK_OPENING
                and (here in UNSPACED or (before in UNSPACED and here != "Common"))
            )
            if starts:
                out.append(piece)
                piece = ""
            piece += ch
        if piece:
            out.append(piece)
    return out


# ---------------------------------------------------------------------------------------------
# Limits per script
# ---------------------------------------------------------------------------------------------
#: Netflix's figures for the scripts whose characters carry more than a Latin letter:
#: (characters per line, characters per second).
NETFLIX_LIMITS: dict[str, tuple[int, float]] = {
    "Han": (16, 9.0),
    "Kana": (16, 9.0),
    "Hangul": (16, 12.0),
}
_LATIN_NETFLIX = (42, 17.0)


def fit_preset(preset: Any, texts: Iterable[str]) -> Any:
    """``preset`` with its line length and reading speed set for the script of ``texts``.

    Only an unmodified named preset is adapted (a user's own "max 20 characters" stays): for
    Chinese, Japanese and Korean its limits are scaled by Netflix's ratio to English (16/42
    characters per line; 9/17 or 12/17 characters per second, the hard ceiling alike). A
    reading time per word (BBC's 0.3 s) is dropped for scripts without spaces: there a
    recognised "word" is a character or two, and characters per second already say it.
    """
    from .cues import PRESETS  # here, not at import: cues imports this module

    if PRESETS.get(preset.name) != preset:
        return preset
    script = script_of("".join(t for _, t in zip(range(400), texts, strict=False)))
    if script not in NETFLIX_LIMITS:
        return preset
    chars, cps = NETFLIX_LIMITS[script]
    scale = cps / _LATIN_NETFLIX[1]
    return replace(
        preset,
        max_chars=max(8, round(preset.max_chars * chars / _LATIN_NETFLIX[0])),
        max_cps=round(preset.max_cps * scale, 1) if preset.max_cps else 0.0,
        hard_cps=round(preset.hard_cps * scale, 1) if preset.hard_cps else preset.hard_cps,
        min_s_per_word=0.0 if script in UNSPACED else preset.min_s_per_word,
    )


# ---------------------------------------------------------------------------------------------
# Direction
# ---------------------------------------------------------------------------------------------
def is_rtl(text: str) -> bool:
    """Whether most strong characters of ``text`` are right-to-left (Arabic, Hebrew…)."""
    rtl = ltr = 0
    for ch in text:
        d = unicodedata.bidirectional(ch)
        if d in {"R", "AL"}:
            rtl += 1
        elif d == "L":
            ltr += 1
    return rtl > ltr


def display_line(line: str) -> str:
    """A caption line ready for SRT/VTT/ASS: a right-to-left line starts with an RLM.

    The mark makes the paragraph direction right to left wherever the line is shown, so a
    trailing "?" or a leading number sits where an Arabic or Hebrew reader expects it.
    """
    if line and is_rtl(line) and not line.startswith(RLM):
        return RLM + line
    return line


def display_text(text: str) -> str:
    """:func:`display_line` for every line of a cue text."""
    return "\n".join(display_line(line) for line in text.split("\n"))
