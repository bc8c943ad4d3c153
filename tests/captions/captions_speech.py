"""Speech clips, references and WER normalisation shared by the caption tests."""

from __future__ import annotations

import json
import re
from pathlib import Path

SPEECH = Path(__file__).resolve().parents[1] / "data" / "speech"
LIBRIVOX = sorted(SPEECH.glob("sense_and_sensibility_*.wav"))
JFK = SPEECH / "jfk.flac"

_ONES = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_ABBREV = {"mr": "mister", "mrs": "missus", "dr": "doctor"}


def number_words(n: int) -> str:
    """English words for 0 <= n < 10**6 (enough for WER normalisation)."""
    if n < 20:
        return _ONES[n]
    if n < 100:
        return _TENS[n // 10] + ("" if n % 10 == 0 else " " + _ONES[n % 10])
    if n < 1000:
        rest = n % 100
        return _ONES[n // 100] + " hundred" + ("" if rest == 0 else " " + number_words(rest))
    rest = n % 1000
    return number_words(n // 1000) + " thousand" + ("" if rest == 0 else " " + number_words(rest))


def normalise(text: str) -> list[str]:
    """Lower case, punctuation stripped (hyphens split words), numbers spelled as words."""
    text = text.lower().replace("’", "'")
    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group(0))) + " ", text)
    words = re.sub(r"[^\w' ]+", " ", text).split()
    return [_ABBREV.get(w.strip("'"), w.strip("'")) for w in words if w.strip("'")]


def reference_words(clip: Path) -> list[dict]:
    """Timed reference words of a LibriVox clip (silences and sentence marks removed)."""
    data = json.loads(clip.with_suffix(".json").read_text())
    out = []
    for w in data["w"]:
        if w["t"] in ("<s>", "</s>", "<sil>"):
            continue
        out.append({"t": w["t"].split("(")[0], "b": w["b"], "e": w["b"] + w["d"]})
    return out
