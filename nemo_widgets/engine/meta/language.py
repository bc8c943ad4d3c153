"""Which of the supported languages (English, Spanish, Chinese) a request or a transcript is in.

Script first (Han characters mean Chinese), then function words: Spanish and English share an
alphabet but almost none of their commonest words, so counting hits in two short closed lists
separates them even in a five-word chat message. Accented letters and ``¿ ¡ ñ`` tip a tie.
"""

from __future__ import annotations

import re

__all__ = ["SUPPORTED", "detect_language", "is_cjk", "language_of"]


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Languages the meta skills write in; anything else falls back to English.
SUPPORTED = ("en", "es", "zh")

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[a-záéíóúüñ]+", re.IGNORECASE)

# The commonest short function words of each language that the other does not use.
_EN = _wordset(
    "the a an and of to in is are was were for with on at this that it you your my i we be "
    "have has what how please make give write generate create about from video can"
)
_ES = _wordset(
    "el la los las un una unos unas y de del en es son era para con por que qué sobre mi "
    "mis tu su al lo como cómo más genera generar crea crear haz hazme dame escribe quiero "
    "necesito vídeo segundos minutos títulos etiquetas descripción"
)


def is_cjk(text: str) -> bool:
    """Whether ``text`` contains any Han character."""
    return bool(_HAN.search(text or ""))


def detect_language(text: str, default: str = "en") -> str:
    """``"zh"``, ``"es"`` or ``"en"`` for ``text`` (``default`` when it says nothing).

    Parameters
    ----------
    text
        A chat message, an idea or a transcript; any length.
    default
        Returned for text with no letters at all.
    """
    text = text or ""
    han = len(_HAN.findall(text))
    words = [w.lower() for w in _LATIN_WORD.findall(text)]
    # Chinese requests often carry Latin tokens ("30s", "4K", a brand): Han characters
    # outnumbering Latin words is the signal, not their mere presence.
    if han and han >= len(words):
        return "zh"
    if not words:
        return "zh" if han else default
    en = sum(w in _EN for w in words)
    es = sum(w in _ES for w in words)
    if re.search(r"[¿¡ñ]|ción\b", text.lower()):
        es += 1.5
    if es > en:
        return "es"
    if en > es:
        return "en"
    if re.search(r"[áéíóú]", text.lower()):
        return "es"
    return default


def language_of(code: str | None, text: str = "") -> str:
    """A supported two-letter code from a recogniser's or a session's code (``"es-MX"``,
    ``"Chinese"``, ``None``), detecting from ``text`` when the code is missing or unknown."""
    code = (code or "").strip().lower()
    aliases = {"english": "en", "spanish": "es", "español": "es", "chinese": "zh", "中文": "zh"}
    code = aliases.get(code, code[:2])
    if code in SUPPORTED:
        return code
    return detect_language(text) if text else "en"
