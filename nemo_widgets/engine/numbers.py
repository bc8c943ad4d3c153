"""Numbers written as words in chat messages: English number words and Chinese numerals."""

from __future__ import annotations

#: English number words users write for durations, counts and percentages.
WORD_NUMBERS: dict[str, float] = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "forty-five": 45,
    "sixty": 60,
    "ninety": 90,
}

CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7}
CN_DIGITS |= {"八": 8, "九": 9}


def cn_number(text: str) -> int | None:
    """``"十"`` -> 10, ``"二十五"`` -> 25, ``"两"`` -> 2, ``"一百二十"`` -> 120; None if not one."""
    if not text or any(ch not in CN_DIGITS and ch not in "十百" for ch in text):
        return None
    if "百" in text:
        head, _, rest = text.partition("百")
        rest_value = cn_number(rest) if rest else 0
        return (CN_DIGITS.get(head, 1) if head else 1) * 100 + (rest_value or 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        if (tens and tens not in CN_DIGITS) or (ones and ones not in CN_DIGITS):
            return None
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    value = 0
    for ch in text:
        value = value * 10 + CN_DIGITS[ch]
    return value
