"""Numbers written as words in chat messages: English and Spanish words, Chinese numerals.

English and Spanish go through ``text2num`` (Allo-Media, MIT) and Chinese numerals through
``cn2an`` (MIT): both well-kept parsers of exactly this. What is ours is *where* a number is
read: ordinals stay words ("the first 4 seconds", "a second clip"), and a Chinese numeral is
converted only next to a unit or a marker (前两秒, 百分之二十, 第五秒), so 一起 or 统一 in a
title keep their characters.
"""

from __future__ import annotations

import re

import cn2an
from text_to_num import find_numbers

#: Words and numbers joined by text2num into one value; anything else splits the text.
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d+(?:[.,]\d+)?|\S", re.UNICODE)

#: English number words some skills read themselves (kept for the prompt builder).
WORD_NUMBERS: dict[str, float] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40,
    "forty-five": 45, "sixty": 60, "ninety": 90,
}  # fmt: skip

_CN_NUMERAL = "零〇一二两三四五六七八九十百千万"
_CN_PERCENT = re.compile(rf"百分之([{_CN_NUMERAL}]+(?:点[{_CN_NUMERAL}]+)?|\d+(?:\.\d+)?)")
_CN_RUN = re.compile(
    rf"(?P<pre>第|前|后|最后|从|到|至|在|持续|显示|停留)?"
    rf"(?P<num>[{_CN_NUMERAL}]+(?:点[{_CN_NUMERAL}]+)?|[{_CN_NUMERAL}]*半)"
    rf"(?P<post>个半|秒|分钟|分|毫秒|小时|倍|个|帧|%|％|遍|次|段|张|首|比)?"
)


class _Token:
    """A word for ``text_to_num.find_numbers`` (its token protocol)."""

    __slots__ = ("t",)

    def __init__(self, t: str) -> None:
        self.t = t

    def text(self) -> str:
        return self.t

    def nt_separated(self, previous: object) -> bool:
        return False

    def not_a_number_part(self) -> bool:
        return False


def _fmt(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}"


def words_to_digits(text: str, lang: str = "en") -> str:
    """``"for three seconds"`` -> ``"for 3 seconds"``; ``lang`` is ``"en"`` or ``"es"``.

    Ordinals are left alone (they are words of the request, not amounts). Isolated "a"/"an"
    are never numbers; Spanish "un"/"una" are (``"un minuto"`` -> ``"1 minuto"``).
    """
    matches = list(_TOKEN.finditer(text))
    if not matches or lang not in ("en", "es"):
        return text
    words = [m.group(0) for m in matches]
    try:
        found = find_numbers([_Token(w) for w in words], lang, 0)
    except Exception:  # an odd token must never break reading the message
        return text
    out: list[str] = []
    cursor = 0
    for occ in found:
        if occ.is_ordinal:
            continue
        first, last = matches[occ.start], matches[occ.end - 1]
        out.append(text[cursor : first.start()])
        out.append(_fmt(float(occ.value)))
        cursor = last.end()
    out.append(text[cursor:])
    return "".join(out)


def cn_number(text: str) -> int | float | None:
    """``"十"`` -> 10, ``"二十五"`` -> 25, ``"两"`` -> 2, ``"零点五"`` -> 0.5; None if not one."""
    if not text or any(ch not in _CN_NUMERAL and ch != "点" for ch in text):
        return None
    try:
        value = float(cn2an.cn2an(text, "smart"))
    except (ValueError, KeyError, TypeError, IndexError):
        return None
    return int(value) if value == int(value) else value


def chinese_to_digits(text: str) -> str:
    """Chinese numerals next to a unit or a marker as digits: ``"前两秒"`` -> ``"前2秒"``.

    ``百分之二十`` becomes ``20%``, ``一个半小时`` ``1.5小时``; numerals elsewhere are kept.
    """

    def convert(m: re.Match[str]) -> str:
        pre, num, post = m.group("pre") or "", m.group("num"), m.group("post") or ""
        if not pre and not post:
            return m.group(0)
        if num.endswith("半"):
            head = num[:-1]
            base = cn_number(head) if head else 0.0
            if base is None or not (post or pre):
                return m.group(0)
            value = base + 0.5
        elif post == "个半":
            base = cn_number(num)
            if base is None:
                return m.group(0)
            value, post = base + 0.5, ""
        else:
            value = cn_number(num)
            if value is None:
                return m.group(0)
        return f"{pre}{_fmt(value)}{post}"

    def percent(m: re.Match[str]) -> str:
        raw = m.group(1)
        value = float(raw) if raw[0].isdigit() else cn_number(raw)
        return m.group(0) if value is None else f"{_fmt(value)}%"

    text = _CN_PERCENT.sub(percent, text)
    text = _CN_RUN.sub(convert, text)
    # "三秒半" / "3秒半": and a half
    return re.sub(r"(\d+)(秒|分钟|小时)半", lambda m: f"{m.group(1)}.5{m.group(2)}", text)


__all__ = ["WORD_NUMBERS", "chinese_to_digits", "cn_number", "words_to_digits"]
