"""Which languages a captions request names: the ones asked for, unknown ones, the one spoken.

"add captions in English and Spanish", "中英双语字幕", "subtitles in Klingon" (unknown: refused
before any work), "the speech is in French" (the spoken language, so it is not detected).
Names and codes come from :mod:`..languages` (Whisper's hundred languages).
"""

from __future__ import annotations

import re

from .. import languages as langs

#: One-character language names of Chinese pairs ("中英双语字幕": Chinese and English).
_ZH_SHORT = {"中": "zh", "英": "en", "日": "ja", "韩": "ko", "法": "fr", "德": "de", "西": "es",
             "俄": "ru", "意": "it", "葡": "pt", "阿": "ar"}  # fmt: skip
_ZH_PAIR = re.compile(rf"([{''.join(_ZH_SHORT)}])([{''.join(_ZH_SHORT)}])(?=双语|双字|字幕)")


def requested_languages(message: str) -> list[str]:
    """Languages named in the message, in the order they appear (once each)."""
    found = list(langs.find_languages(message))
    for m in _ZH_PAIR.finditer(message):
        found += [(m.start(1), _ZH_SHORT[m.group(1)]), (m.start(2), _ZH_SHORT[m.group(2)])]
    out: list[str] = []
    for _, code in sorted(found):
        if code not in out:
            out.append(code)
    return out


# words that follow "in"/"en" in a caption request without being languages
_NOT_LANGUAGES = frozenset(
    [
        "the",
        "a",
        "an",
        "my",
        "this",
        "that",
        "these",
        "all",
        "each",
        "every",
        "sync",
        "time",
        "real",
        "realtime",
        "order",
        "full",
        "high",
        "low",
        "italic",
        "italics",
        "bold",
        "caps",
        "capitals",
        "uppercase",
        "lowercase",
        "sentence",
        "style",
        "white",
        "black",
        "red",
        "green",
        "blue",
        "yellow",
        "orange",
        "purple",
        "pink",
        "cyan",
        "gray",
        "grey",
        "gold",
        "karaoke",
        "boxed",
        "plain",
        "vertical",
        "big",
        "small",
        "large",
        "box",
        "boxes",
        "frame",
        "screen",
        "video",
        "clip",
        "it",
        "them",
        "one",
        "two",
        "three",
        "seconds",
        "minutes",
        "advance",
        "detail",
        "automatically",
        "sequence",
        "line",
        "lines",
        "place",
        "addition",
        "case",
        "bottom",
        "top",
        "middle",
        "center",
        "centre",
        "front",
        "back",
        "color",
        "colour",
        "colors",
        "colours",
        "font",
        "size",
        "sizes",
        "el",
        "la",
        "los",
        "las",
        "un",
        "una",
        "mi",
        "este",
        "esta",
        "subtitles",
        "subtitle",
        "captions",
        "caption",
        "subs",
        "subtítulos",
        "burn",
        "burned",
        "hardcode",
    ]
)
_IN_WORD = re.compile(r"\b(?:in|into|to|en|al|a)\s+([^\W\d_]{3,})", re.UNICODE)
_WORD_CAPTIONS = re.compile(r"\b([A-Z][a-z]{2,})\s+(?:captions?|subtitles?|subs)\b")
_ZH_UNKNOWN = re.compile(r"([\u4e00-\u9fff]{1,6}?)(?:语|文)字幕")


def unknown_languages(clause_raw: str) -> list[str]:
    """Words a caption request names as languages that are not languages ("Klingon")."""
    out: list[str] = []
    for m in _IN_WORD.finditer(clause_raw):
        word = m.group(1)
        if re.search(r"\bburn(?:ed|t)?\s*$", clause_raw[: m.start()], re.I):
            continue  # "burn in subtitles"
        if word.lower() in _NOT_LANGUAGES or langs.code_of(word):
            continue
        if m.group(0).split()[0].lower() == "to" and not re.search(
            r"translat|tradu", clause_raw, re.I
        ):
            continue
        if not re.search(
            r"captions?|subtitles?|subs|subt[ií]tulos|translat|tradu", clause_raw, re.I
        ):
            continue
        out.append(word)
    for m in _WORD_CAPTIONS.finditer(clause_raw):
        word = m.group(1)
        if m.start() == 0 or word.lower() in _NOT_LANGUAGES or langs.code_of(word):
            continue
        if word.lower() in (
            "add",
            "auto",
            "automatic",
            "accurate",
            "closed",
            "new",
            "burned",
            "live",
        ):
            continue
        out.append(word)
    for m in _ZH_UNKNOWN.finditer(clause_raw):
        name = re.split(r"[和、及与，,]", m.group(1))[-1].lstrip("加上添生成做给用的")
        if _ZH_PAIR.search(m.group(0)) or name.endswith("双"):  # "中英双语字幕": a pair
            continue
        if name and not any(langs.code_of(name + end) for end in ("", "语", "文")):
            out.append(name + "语")
    return [w for i, w in enumerate(out) if w not in out[:i]]


def unknown_language(message: str) -> str | None:
    """The first word a caption request names as a language that is not one, or None."""
    found = unknown_languages(message)
    return found[0] if found else None


# The language spoken, when the message says it: "the speech is in Spanish", "spoken in
# French", "they speak Italian", "Russian speech", "el audio está en español", "语音是中文".
# A noun needs "is"/"está" ("caption this video in Spanish" asks for Spanish captions).
_NAME = r"([^\W\d_][^\W\d_'-]*)"
_SPOKEN = (
    re.compile(
        r"\b(?:speech|audio|voice|voices|narration|voice-?over|dialogue|video|clip|recording)\s+"
        r"(?:is|was|are)\s+(?:all\s+)?(?:in\s+|language:?\s+)?" + _NAME,
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:spoken|speaking|talking|they speak|he speaks|she speaks|people speak|"
        r"the speaker speaks|speaks)\s+(?:in\s+)?" + _NAME,
        re.IGNORECASE,
    ),
    re.compile(r"\b" + _NAME + r"\s+(?:speech|audio|narration|voice-?over|dialogue)\b", re.I),
    re.compile(
        r"\b(?:el audio|la voz|el video|el vídeo|la grabación)\s+(?:está|es)\s+(?:en\s+)?"
        + _NAME
        + r"|\b(?:hablan?|hablado)\s+(?:en\s+)?"
        + _NAME,
        re.IGNORECASE,
    ),
    re.compile(r"(?:语音|音频|说的|讲的|对白|口语)(?:是|为|用的是|用)?([\u4e00-\u9fff]{1,8})"),
    re.compile(r"([\u4e00-\u9fff]{1,6}?)(?:语音|音频|对白)"),
)
# short words that look like language codes but are English words after "is in"/"speaks"
_NOT_SPOKEN = frozenset(
    {"the", "a", "an", "my", "this", "that", "it", "its", "his", "her", "their", "our", "your",
     "no", "so", "to", "as", "be", "is", "am", "hi", "me", "us", "we", "there", "here", "what",
     "which", "both", "all"}
)  # fmt: skip


def spoken_language(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The language ``text`` says is spoken, and where it says so.

    Returns ``(code, span)``; the code is a Whisper code, or the word itself when the message
    names something that is no language ("the speech is in Klingon": refused later), or None
    when the message does not say (the language is then detected).
    """
    for pattern in _SPOKEN:
        for m in pattern.finditer(text):
            word = next(g for g in m.groups() if g)
            key = word.lower()
            if key in _NOT_SPOKEN:
                continue
            # a code only where a language must follow ("the speech is in es"), not before a
            # noun ("el audio" is no Greek audio)
            base = key.split("-")[0]  # "pt-BR", "zh-TW": Whisper knows the language
            if base in langs.LANGUAGES and pattern in _SPOKEN[:2]:
                return base, m.span()
            found = langs.find_languages(word)
            if found:
                return found[0][1], m.span()
            if langs.code_of(word + "语"):  # "西班牙语音": the 语 went to 语音
                return langs.code_of(word + "语"), m.span()
            # "the speech is in Klingon": a named language that is none (refused later); "the
            # video is in slow motion" names none ("video" may be in many things)
            explicit = pattern is _SPOKEN[0] and re.search(r"\bin\s+\S+$", m.group(0), re.I)
            about_speech = re.match(r"(?i)speech|audio|voice|narration|dialogue", m.group(0))
            if explicit and key not in _NOT_LANGUAGES and (about_speech or word[0].isupper()):
                return word, m.span()
    return None, None
