"""Text-to-video prompts and storyboards from a short idea, in the idea's language.

A prompt follows the skeleton common to public prompt guides (``captions.md``): shot and lens,
subject with concrete details, action, setting, lighting and time of day, style and mood,
constraints (duration, aspect ratio, "no on-screen text"). The idea is read for its subject
(English "a showcase of X" / "an ad for X", Spanish "un anuncio de X" / "sobre X", Chinese
"为X生成" / "给X做" / "关于X的"), genre, moods, lighting, duration and aspect; everything else
is a neutral cinematic choice from :mod:`.prompt_words`, drawn with a seed from a hash of the
normalised idea, so the same idea always gives the same prompts and different ideas differ.
Nothing is invented: an idea that names no subject gets the genre's placeholder ("the
product") and the reply says so. The prompt is written in the idea's language (English,
Spanish or Chinese). Refinements ("moodier", "vertical", "更暗", "más cinematográfico") change
the spec and rebuild with the same seed, so only what they touch moves.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import math
import random
import re
from typing import Any

from ... import schema
from ..numbers import WORD_NUMBERS, cn_number
from .language import detect_language, is_cjk, language_of
from .prompt_words import (
    CINEMATIC_LENSES,
    CINEMATIC_MOVES,
    COMMON_ACTIONS,
    GENRES,
    LENSES,
    LIGHTING_WORDS,
    MOODS,
    MOVES,
    PERSON_ACTIONS,
    PLACE_ACTIONS,
    REPLY,
    ROLE_NAMES,
    SHOTS,
    TEMPLATES,
    TIMES,
    Genre,
    L,
)

__all__ = [
    "GENRES",
    "build_storyboard",
    "parse_idea",
    "refine_spec",
    "render_markdown",
    "seed_of",
    "split_durations",
]

#: Longest single clip most text-to-video models make; longer requests become storyboards.
SINGLE_CLIP_MAX_S = 10.0
SINGLE_CLIP_DEFAULT_S = 8.0
MAX_DURATION_S = 600.0

_MOOD_ORDER = tuple(MOODS)
_LIGHTING_BY_EN = {phrase.en: phrase for _, _, phrase in LIGHTING_WORDS}
_TIME_WORDS = (
    "sunrise",
    "dawn",
    "morning",
    "midday",
    "noon",
    "afternoon",
    "golden hour",
    "sunset",
    "dusk",
    "blue hour",
    "evening",
    "twilight",
    "night",
    "midnight",
)

_ASPECT_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"9\s*:\s*16|vertical|portrait (?:video|format|mode|orientation)|in portrait|tik ?tok|"
        r"(?:instagram|ig|facebook|for|as)\s+(?:a\s+)?(?:reels?|stories)|(?:youtube|yt|for|as)\s+"
        r"shorts|story format|竖屏|抖音|formato vertical",
        "9:16",
    ),
    (r"1\s*:\s*1|square|instagram post|cuadrad[oa]|方形|正方形", "1:1"),
    (r"4\s*:\s*5", "4:5"),
    (r"16\s*:\s*9|horizontal|landscape|widescreen|youtube|apaisad[oa]|横屏", "16:9"),
)

# Spanish number words users write for lengths and counts ("treinta segundos", "cinco planos").
_ES_NUMBERS = {
    "un": 1, "uno": 1, "una": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6,
    "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "quince": 15, "veinte": 20,
    "treinta": 30, "cuarenta": 40, "sesenta": 60, "noventa": 90,
}  # fmt: skip
_NUMBER_WORDS = {**WORD_NUMBERS, **_ES_NUMBERS, "a": 1, "an": 1}
# Word boundaries on both sides: "drone shot" is not "one shot", "a shot" is not a count.
_NUM = r"\b(\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_COUNT = (
    r"\b(\d+|"
    + "|".join(w for w in _NUMBER_WORDS if w not in ("a", "an", "un", "una", "uno"))
    + r")"
)
# "30s", "30-second", "thirty seconds", "30 segundos"; the one-letter units only after digits
# ("unas zapatillas" is not "una s").
_UNITS = r"seconds?|secs?|segundos?|seg|minutes?|mins?|minutos?"
_DURATION_RE = re.compile(
    r"(?:\b(?P<digits>\d+(?:\.\d+)?)\s*-?\s*(?P<unit>" + _UNITS + r"|s|m)"
    r"|" + _NUM.replace("(", "(?P<word>", 1) + r"[\s-]+(?P<wunit>" + _UNITS + r"))\b"
    r"(?!\s*:)(?:[\s-]+long\b)?",
    re.IGNORECASE,
)
_HALF_MINUTE_RE = re.compile(
    r"(?:a\s+)?half[- ]a[- ]minute(?:[\s-]+long\b)?|(?:de\s+)?medio minuto|半分钟", re.IGNORECASE
)
_ZH_NUM = r"(\d+(?:\.\d+)?|[零一两二三四五六七八九十]+)"
_ZH_DURATION_RE = re.compile(_ZH_NUM + r"\s*(秒钟?|分钟)")
_SCENES_RE = re.compile(
    r"(?:\b(?:in|into|across|over|with)\s+)?"
    + _COUNT
    + r"[\s-]*(scenes?|shots?|clips?|parts?|beats?|panels?|escenas?|planos?|tomas?)\b",
    re.IGNORECASE,
)
_ZH_SCENES_RE = re.compile(r"分?" + _ZH_NUM + r"\s*个?\s*(镜头|场景|分镜|画面|幕)")
_STORYBOARD_RE = re.compile(
    r"storyboard|scenes|shots|sequence|shot list|分镜|镜头|场景|commercial|\bad\b|advert|promo|"
    r"trailer|showcase|tour|montage|\breel\b|recipe video|workout video|travel video|tutorial|"
    r"guion gráfico|escenas|planos|anuncio|tráiler|recorrido|montaje|presentación de producto|"
    r"广告|展示|宣传片",
    re.IGNORECASE,
)


# Command words in front of the idea ("generate a detailed video prompt for ...").
_PREAMBLE = re.compile(
    r"^\s*(?:please\s+)?(?:can you\s+|could you\s+)?"
    r"(?:generate|create|write|make|give me|draft|build|produce|come up with|i need|i want)?\s*"
    r"(?:me\s+)?(?:(?:a|an|the|some|my)\s+)?(?:detailed\s+|short\s+|cinematic\s+)?"
    r"(?:text[- ]to[- ]video\s+|ai\s+|video\s+)?"
    r"(?:prompts?|storyboards?|shot lists?|descriptions?|text descriptions?)?"
    r"(?:\s+(?:for|of|about|from|on))?\s*(?:(?:a|an)\s+storyboard\s*)?[:：]?\s*",
    re.IGNORECASE,
)
_ES_PREAMBLE = re.compile(
    r"^\s*(?:por favor,?\s+)?(?:(?:me\s+)?(?:puedes|podrías)\s+)?"
    r"(?:genera(?:r|me)?|crea(?:r|me)?|escribe(?:me)?|escribir|haz(?:me)?|hacer|dame|"
    r"diseña(?:me)?|prepara(?:me)?|redacta(?:me)?|necesito|quiero)?\s*"
    r"(?:(?:un|una|el|la|unos|unas)\s+)?(?:prompts?|guion(?:es)? gráficos?|guiones|guion|guión|"
    r"storyboard|descripci[oó]n(?:es)?(?: de texto)?|lista de planos)?\s*"
    r"(?:detallad[oa]s?\s+)?(?:(?:de|para)\s+(?:un\s+)?v[íi]deo\s+)?(?:(?:de|para|sobre)\s+)?"
    r"[:：]?\s*",
    re.IGNORECASE,
)
_ZH_PREAMBLE = re.compile(
    r"^(?:请|麻烦)?(?:你)?(?:帮我|帮忙|给我(?!的)|替我)?(?:生成|写|创建|做|制作|设计|来|出)?"
    r"(?:一个|一段|一条|一份|一支|个)?(?:详细的?)?(?:视频)?(?:提示词|分镜脚本|分镜)?[:：，,]?"
)


def normalise_idea(text: str, language: str | None = None) -> str:
    """The idea without command words, lower-case, single spaces, no trailing punctuation."""
    idea = " ".join((text or "").split())
    lang = language_of(language) if language else detect_language(idea)
    if lang == "zh" or is_cjk(idea):
        idea = _ZH_PREAMBLE.sub("", idea)
    preamble = _ES_PREAMBLE if lang == "es" else _PREAMBLE
    head, colon, body = (
        re.split(r"([:：])", idea, maxsplit=1) if re.search("[:：]", idea) else (idea, "", "")
    )
    if colon and body.strip():
        # "a 30-second storyboard in 4 scenes: <idea>" -> "<idea>, 30-second storyboard in
        # 4 scenes": the idea first (it names the piece), the constraints kept.
        head = preamble.sub("", head, count=1)
        head = re.sub(r"^(?:(?:a|an|the|un|una)\s+)+", "", head.strip(), flags=re.IGNORECASE)
        head = head.strip(" .!?,;:\"'“”，")
        idea = body.strip() + (", " + head if head else "")
    idea = preamble.sub("", idea, count=1)
    # "…prompt for a 30-second showcase" and "a 30-second showcase" are the same idea.
    idea = re.sub(r"^(?:(?:a|an|the)\s+)+", "", idea.strip(), flags=re.IGNORECASE)
    return idea.strip(" .!?,;:\"'“”。！？，").lower()


def seed_of(normalised: str) -> int:
    """A stable 32-bit seed for an idea (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(normalised.encode("utf-8")).digest()[:4], "big")


def _to_number(token: str) -> float:
    token = token.lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    zh = cn_number(token)
    return float(zh) if zh is not None else float(token)


def _duration_s(text: str) -> float | None:
    if _HALF_MINUTE_RE.search(text):
        return 30.0
    zh = _ZH_DURATION_RE.search(text)
    if zh:
        return _to_number(zh.group(1)) * (60 if zh.group(2) == "分钟" else 1)
    found = _DURATION_RE.search(text)
    if not found:
        return None
    value = _to_number(found["digits"] or found["word"])
    unit = (found["unit"] or found["wunit"]).lower()
    if unit.startswith("m") and not unit.startswith("ms"):
        value *= 60
    return value


def _scene_count(text: str) -> int | None:
    """An explicit number of scenes ("in 4 scenes", "five shots", "分4个镜头"), or None."""
    found = _SCENES_RE.search(text) or _ZH_SCENES_RE.search(text)
    if not found:
        return None
    return max(1, int(_to_number(found.group(1))))


def _aspect(text: str) -> str | None:
    for pattern, ratio in _ASPECT_WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            return ratio
    return None


def _moods(text: str) -> list[str]:
    out = []
    for name, m in MOODS.items():
        if re.search(r"\b(" + m["words"] + r")\b", text, re.IGNORECASE) or re.search(m["zh"], text):
            out.append(name)
    return out


def _lighting(text: str) -> list[str]:
    """Lighting the idea names, as the English phrase the spec stores."""
    return [
        phrase.en
        for en, other, phrase in LIGHTING_WORDS
        if re.search(r"\b" + en, text, re.IGNORECASE) or re.search(other, text, re.IGNORECASE)
    ]


def _time_of_day(text: str) -> str | None:
    for tw in _TIME_WORDS:
        if re.search(r"\b" + tw + r"\b", text, re.IGNORECASE):
            return tw
    for key, (_, pattern) in TIMES.items():
        if pattern != "^$" and re.search(pattern, text, re.IGNORECASE):
            return key
    return None


def _genre_of(text: str) -> str:
    best, best_pos = "generic", len(text) + 1
    for g in GENRES.values():
        triggers = [r"\b" + t for t in g.triggers]
        if g.zh_triggers:
            triggers.append(g.zh_triggers)
        for trig in triggers:
            found = re.search(trig, text, re.IGNORECASE)
            if found and found.start() < best_pos:
                best, best_pos = g.name, found.start()
    return best


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that may stand at the edges of what is left once constraints are cut out, but never
# start or end a subject ("… of a", "with", "for").
_EDGE_WORDS = _wordset(
    "a an the with and or in for of about featuring showing that which to on at from by "
    "into over under through across as is are please detailed long style format look feel "
    "vibe mood lighting light aspect ratio prompt prompts"
)
# Genre and form words say what kind of video, not what it is of; topic words that also pick
# a genre ("coffee", "forest") stay in the subject.
_GENRE_WORDS = re.compile(
    r"\b(product showcase|showcase|commercial|ad|advert\w*|promo\w*|unboxing|"
    r"travel vlog|travel|vlog|trip|vacation|holiday|tourism|recipe|cooking|tutorial|"
    r"explainer|lesson|guide|step[- ]by[- ]step|real[- ]estate|property|listing|house tour|"
    r"home tour|fitness|workout|lookbook|documentary|teaser|trailer|montage|"
    r"highlights? reel|highlights?|reel|tour|video|film|clip|footage|storyboard|shot list|"
    r"sequence|scenes?|shots?|drone|aerial|time[- ]?lapse|slow[- ]motion|slow[- ]mo|"
    r"close[- ]?up|wide|cinematic|noir|text[- ]to[- ]video)s?\b",
    re.IGNORECASE,
)
# Phrases after "in/at/on…" that are not places.
_NOT_A_PLACE = re.compile(
    r"^(?:the )?(?:spring|summer|autumn|fall|winter)$|slow[ -]motion|how to|real time|\d|"
    r"style|format|focus"
)
_TIME_PREPS = r"\b(?:at|during|in the|by|on a|at the|before|after)\s+"


def _trim_edges(phrase: str) -> str:
    words = phrase.split()
    while words and words[0].lower() in _EDGE_WORDS:
        words.pop(0)
    while words and (words[-1].lower() in _EDGE_WORDS or words[-1] in {"-", "'"}):
        words.pop()
    return " ".join(words)


def _subject_and_setting_en(idea: str) -> tuple[str | None, str | None]:
    """What the idea is of, and where, once durations, genre and style words are removed.

    The subject is kept as the user's phrase ("lighthouse keeper's last night", "cat chasing
    a laser pointer"), cut only at its edges, never word by word.
    """
    text = idea
    text = _HALF_MINUTE_RE.sub(" , ", text)
    text = _DURATION_RE.sub(" , ", text)
    text = _SCENES_RE.sub(" , ", text)
    text = _ZH_SCENES_RE.sub("，", text)
    text = _ZH_DURATION_RE.sub("，", text)
    for pattern, _ in _ASPECT_WORDS:
        text = re.sub(r"\b(for an? |in )?(" + pattern + r")( video| format)?\b", " , ", text)
    for pattern, _, _ in LIGHTING_WORDS:
        text = re.sub(r"\b(with |in )?" + pattern, " , ", text)
    for m in MOODS.values():
        text = re.sub(r"\b(" + m["words"] + r")\b", " ", text)
    # Times go only with their preposition ("at dawn"): a bare time word is part of the
    # subject ("a lighthouse keeper's last night", "a baker's morning routine").
    for tw in _TIME_WORDS:
        text = re.sub(_TIME_PREPS + tw + r"\b", " , ", text)
    setting = None
    place = re.search(
        r"\b(?:in|at|on|inside|across|through|along)\s+((?:the\s+)?[a-z][\w' -]{2,40})", text
    )
    if place:
        candidate = _trim_edges(place.group(1))
        if candidate and not _NOT_A_PLACE.search(candidate) and len(candidate.split()) <= 5:
            words = place.group(1).split()
            while words and words[-1] in _EDGE_WORDS:  # keep "the" in front, drop "… with"
                words.pop()
            setting = f"{place.group(0).split()[0]} {' '.join(words)}"
            text = text[: place.start()] + " , " + text[place.start() + len(place.group(0)) :]
    text = _GENRE_WORDS.sub(" , ", text)
    # "how to tie a tie" is the topic of a tutorial: hands showing it are the subject.
    text = re.sub(r"\bon (how to)\b", r", \1", text)
    chunks = re.split(r"[,，。；;!?！？:：()\"“”]", text)
    best = ""
    for chunk in chunks:
        chunk = _trim_edges(re.sub(r"[^\w' -]", " ", chunk.strip()))
        if len(re.sub(r"[^\w]", "", chunk)) > len(re.sub(r"[^\w]", "", best)):
            best = chunk
    subject = best.strip(" -'") or None
    if subject and len(subject) < 3:
        subject = None
    return subject, setting


# Spanish: the same cut, with Spanish form words and the prepositions that introduce a subject.
_ES_EDGE_WORDS = _wordset(
    "de del para sobre con y o en a al por que un una unos unas el la los las lo muy detallado "
    "detallada largo larga estilo formato ambiente iluminación luz prompt"
)
_ES_GENRE_WORDS = re.compile(
    r"\b(presentaci[oó]n(?: de(?:l)?)? producto|demostraci[oó]n de producto|muestra de producto|"
    r"exhibici[oó]n de producto|escaparate(?: de producto)?|anuncio(?: publicitario)?|"
    r"comercial|publicidad|promocional|promo|unboxing|v[íi]deos?|clip|cortometraje|corto|"
    r"pel[íi]cula|tr[áa]iler|teaser|montaje|recorrido|tour|receta|tutorial|gu[íi]a|viaje|vlog|"
    r"documental|escenas?|planos?|tomas?|secuencia|storyboard|guion gr[áa]fico|"
    r"a c[áa]mara lenta|c[áa]mara lenta|time-?lapse|cinematogr[áa]fic[oa]s?|de producto|"
    r"dron|a[ée]reo|texto a v[íi]deo)\b",
    re.IGNORECASE,
)
_ES_TIME_PREPS = r"\b(?:al|a la|de|por la|durante el|durante la|en el|en la)\s+"


def _trim_es(phrase: str) -> str:
    words = phrase.split()
    # Articles may open the subject ("una taza de café"); prepositions and conjunctions not.
    articles = {"un", "una", "unos", "unas", "el", "la", "los", "las"}
    while words and words[0].lower() in _ES_EDGE_WORDS - articles:
        words.pop(0)
    while words and words[-1].lower() in _ES_EDGE_WORDS:
        words.pop()
    if len(words) == 1 and words[0].lower() in articles:
        return ""
    return " ".join(words)


def _subject_and_setting_es(idea: str) -> tuple[str | None, str | None]:
    """Spanish ideas: "un anuncio de 30 segundos para una taza de café" -> "una taza de café"."""
    text = idea
    text = _HALF_MINUTE_RE.sub(" , ", text)
    text = re.sub(r"\b(?:de\s+)?" + _DURATION_RE.pattern, " , ", text, flags=re.IGNORECASE)
    text = _SCENES_RE.sub(" , ", text)
    for pattern, _ in _ASPECT_WORDS:
        text = re.sub(r"\b(?:para |en |de )?(?:un )?(?:formato )?(" + pattern + r")\b", " , ",
                      text, flags=re.IGNORECASE)  # fmt: skip
    for _, other, _ in LIGHTING_WORDS:
        text = re.sub(r"\b(?:con |de )?(?:" + other + r")", " , ", text, flags=re.IGNORECASE)
    for m in MOODS.values():
        text = re.sub(r"\b(?:" + m["words"] + r")\b", " ", text, flags=re.IGNORECASE)
    for _, pattern in TIMES.values():
        if pattern != "^$":
            text = re.sub(_ES_TIME_PREPS + r"(?:" + pattern + r")\b", " , ", text)
    text = _ES_GENRE_WORDS.sub(" , ", text)
    setting = None
    place = re.search(r"\ben\s+((?:el|la|los|las|un|una)\s+)?([a-záéíóúñü][\w -]{2,40})", text)
    if place:
        candidate = _trim_es(place.group(2))
        if candidate and len(candidate.split()) <= 5 and not re.search(r"\d", candidate):
            setting = f"en {place.group(1) or ''}{candidate}".replace("  ", " ")
            text = text[: place.start()] + " , " + text[place.end() :]
    best = ""
    for chunk in re.split(r"[,，.;!?¡¿:()\"“”]", text):
        chunk = _trim_es(re.sub(r"[^\w' -]", " ", chunk.strip()))
        if len(re.sub(r"[^\w]", "", chunk)) > len(re.sub(r"[^\w]", "", best)):
            best = chunk
    subject = best.strip(" -'") or None
    if subject and len(re.sub(r"\W", "", subject)) < 3:
        subject = None
    return subject, setting


# Chinese: the object of 为…生成 / 给…做 / 关于…的 / 以…为主题, else what is left once the
# command, form, length and style words are cut out.
_ZH_OBJECT = (
    re.compile(r"为(?!了)(?P<s>.+?)(?:生成|制作|做|写|创作|设计|拍摄|拍|打造|构思|出)(?P<y>.*)"),
    re.compile(r"给(?!我(?!的))(?P<s>.+?)(?:做|生成|写|拍摄|拍|制作|设计|创作|出)(?P<y>.*)"),
    re.compile(r"关于(?P<s>.+?)的"),
    re.compile(r"以(?P<s>.+?)为(?:主题|主角|题材)"),
    re.compile(
        r"(?:展示|介绍|呈现|描绘|表现|拍摄)(?P<s>[^，。,；]+?)(?:的)?(?:视频|短片|广告|提示词|分镜|$)"
    ),
)
_ZH_FORM_WORDS = re.compile(
    r"产品展示|展示|宣传片|宣传|广告片|广告|短视频|短片|视频|提示词|分镜脚本|分镜|镜头|场景|脚本|"
    r"画面|延时摄影|航拍|慢动作|特写|电影感|电影级|电影质感|大片|竖屏|横屏|正方形|方形|抖音|"
    r"详细的?|生成|制作|创作|设计"
)
_ZH_MEASURE = re.compile(
    r"^(?:[一两二三四五六七八九十\d]+|几)?[个段支条部份款只张幅]|^(?:我的|我们的|我家的|我家)"
)


def _clean_zh(text: str) -> str:
    text = _HALF_MINUTE_RE.sub("，", text)
    text = _ZH_SCENES_RE.sub("，", text)
    text = _ZH_DURATION_RE.sub("，", text)
    text = re.sub(r"\d+(?:\.\d+)?\s*(?:s|秒)", "，", text)
    for _, other, _ in LIGHTING_WORDS:
        text = re.sub(other, "，", text)
    for m in MOODS.values():
        text = re.sub(m["zh"], "", text)
    text = _ZH_FORM_WORDS.sub("，", text)
    best = ""
    for chunk in re.split(r"[,，。；;!?！？:：()（）\"“”、]", text):
        chunk = chunk.strip(" 的")
        chunk = _ZH_MEASURE.sub("", chunk).strip(" 的")
        if len(chunk) > len(best):
            best = chunk
    return best


def _subject_and_setting_zh(idea: str) -> tuple[str | None, str | None]:
    subject = ""
    for pattern in _ZH_OBJECT:
        found = pattern.search(idea)
        if found:
            subject = _clean_zh(found["s"])
            # "给小狗做一个生日派对视频": what is made for the subject is part of it.
            made = _clean_zh(found.groupdict().get("y") or "")
            if (
                subject
                and len(made) >= 2
                and not any(
                    re.fullmatch(g.zh_triggers, made) for g in GENRES.values() if g.zh_triggers
                )
            ):
                subject = f"{subject}的{made}"
            if subject:
                break
    subject = subject or _clean_zh(idea)
    if not subject or len(subject) < 2 or re.fullmatch(r"[\w\s]*", subject) is None:
        subject = subject if subject and len(subject) >= 2 else ""
    # A genre word alone ("健身", "旅行") says what kind of video, not what it is of.
    if subject and any(
        re.fullmatch(g.zh_triggers, subject) for g in GENRES.values() if g.zh_triggers
    ):
        subject = ""
    place = re.search(r"在(?P<p>[^，,。在]{1,10}?)(?:里|中|上|下|旁|边|前)", idea)
    setting = place.group(0) if place else None
    return subject or None, setting


def _subject_and_setting(idea: str, language: str) -> tuple[str | None, str | None]:
    """What the idea is of, and where, in the idea's language."""
    if language == "zh" or is_cjk(idea):
        return _subject_and_setting_zh(idea)
    if language == "es":
        return _subject_and_setting_es(idea)
    return _subject_and_setting_en(idea)


def _as_typed(phrase: str | None, original: str) -> str | None:
    """``phrase`` with the user's capitals ("lisbon trams" -> "Lisbon trams") when it occurs
    in the original text as typed."""
    if not phrase:
        return phrase
    found = re.search(re.escape(phrase), original, re.IGNORECASE)
    return found.group(0) if found else phrase


def _cinematic(text: str) -> int:
    return int(bool(re.search(r"cinematic|film(ic)?\b|movie|cinematogr[áa]fic|de cine|电影", text)))


def parse_idea(text: str, language: str | None = None) -> dict[str, Any]:
    """Read a short idea into a prompt spec (a plain dict, stored in ``state["prompts"]``).

    Parameters
    ----------
    text
        The idea as typed, with or without command words ("generate a detailed video prompt
        for …", "genera un prompt para …", "为…生成提示词").
    language
        ``"en"``, ``"es"`` or ``"zh"``: the language of the prompts; detected from the idea
        when not given.

    Keys: ``idea`` (as typed), ``normalised``, ``seed``, ``language``, ``genre``, ``subject``
    (None when the idea names none), ``setting``, ``moods``, ``lighting``, ``time_of_day``,
    ``duration_s``, ``aspect``, ``scene_count`` (None = choose), ``storyboard``,
    ``cinematic``, ``pace``, ``refinements``.
    """
    # The idea's own language: a Chinese command around an English idea ("生成提示词：a sushi
    # ad") is answered in the idea's words.
    body = _ZH_PREAMBLE.sub("", " ".join((text or "").split()))
    lang = language_of(language) if language else detect_language(body or text or "")
    norm = normalise_idea(text, lang)
    if (
        not norm
        or len(re.sub(r"[^\w]", "", norm)) < 2
        or (not is_cjk(norm) and len(re.sub(r"[^\w]", "", norm)) < 3)
    ):
        raise ValueError(_EMPTY_IDEA[lang])
    subject, setting = _subject_and_setting(norm, lang)
    # The form words ("product showcase", "产品展示") decide the genre before the subject's
    # own topic does ("a coffee cup" is a product here, not food).
    rest = norm.replace(subject.lower(), " ") if subject else norm
    genre = GENRES[_genre_of(rest) if _genre_of(rest) != "generic" else _genre_of(norm)]
    subject, setting = _as_typed(subject, text), _as_typed(setting, text)
    # Length, scene count, frame and "storyboard" are read from the whole message: the
    # command words ("a storyboard for …") and a prefix before a colon carry them too.
    whole = " ".join((text or "").split()).lower()
    duration = _duration_s(whole)
    scene_count = _scene_count(whole)
    storyboard = bool(
        _STORYBOARD_RE.search(whole)
        or (duration and duration > SINGLE_CLIP_MAX_S)
        or (scene_count and scene_count > 1)
    )
    if duration is None:
        duration = genre.default_s if storyboard else SINGLE_CLIP_DEFAULT_S
    if duration <= 0 or duration > MAX_DURATION_S:
        raise ValueError(_OUT_OF_RANGE[lang].format(d=duration, m=MAX_DURATION_S / 60))
    return {
        "idea": " ".join((text or "").split()),
        "normalised": norm,
        "seed": seed_of(norm),
        "language": lang,
        "genre": genre.name,
        "subject": subject,
        "setting": setting,
        "moods": _moods(norm),
        "lighting": _lighting(norm),
        "time_of_day": _time_of_day(norm),
        "duration_s": float(duration),
        "aspect": _aspect(whole) or "16:9",
        "scene_count": scene_count,
        "storyboard": storyboard or bool(scene_count and scene_count > 1),
        "cinematic": _cinematic(norm),
        "pace": 1.0,
        "refinements": [],
    }


_EMPTY_IDEA = {
    "en": "Tell me the idea in a few words, e.g. 'a 30-second product showcase for a ceramic "
    "coffee mug with cinematic lighting' or 'a 10-second shot of a fox in snow'.",
    "es": "Cuéntame la idea en pocas palabras, p. ej. 'un anuncio de 30 segundos de una taza "
    "de cerámica con iluminación cinematográfica' o 'un plano de 10 segundos de un zorro en la "
    "nieve'.",
    "zh": "请用几句话描述你的想法，例如“为陶瓷咖啡杯生成一个30秒的产品展示视频提示词，电影感灯光”"
    "或“一只狐狸在雪地里的10秒镜头”。",
}
_OUT_OF_RANGE = {
    "en": "{d:g} seconds is outside what I can plan (1 s to {m:g} minutes); ask for a length in "
    "that range.",
    "es": "{d:g} segundos está fuera de lo que puedo planificar (de 1 s a {m:g} minutos); pide "
    "una duración dentro de ese rango.",
    "zh": "{d:g}秒超出了可规划的范围（1秒到{m:g}分钟），请给出这个范围内的时长。",
}


# -- scene planning --------------------------------------------------------------------------
_ROLE_WEIGHT = {
    "establishing": 1.2,
    "hero": 1.25,
    "detail": 0.8,
    "in-use": 1.0,
    "process": 1.1,
    "journey": 1.1,
    "closing": 1.0,
    "call-to-action": 0.9,
}


def _roles(genre: Genre, n: int) -> list[str]:
    if n == 1:
        return ["hero"]
    if n == 2:
        return ["establishing", genre.closing]
    middle = [genre.middle[i % len(genre.middle)] for i in range(n - 2)]
    return ["establishing", *middle, genre.closing]


def split_durations(
    total_ms: int, roles: list[str], lo_s: float, hi_s: float, rng: random.Random
) -> list[int]:
    """Scene lengths in ms, each within ``[lo_s, hi_s]`` when that is possible, summing to
    exactly ``total_ms``; role weights and a little seeded jitter keep them from being equal.
    """
    n = len(roles)
    weights = [_ROLE_WEIGHT.get(r, 1.0) * rng.uniform(0.85, 1.15) for r in roles]
    lo, hi = lo_s * 1000, hi_s * 1000
    if n * lo > total_ms or n * hi < total_ms:  # infeasible: proportional, no bounds
        lo, hi = 0.0, float(total_ms)
    raw = [total_ms * w / sum(weights) for w in weights]
    for _ in range(20):  # clamp and spread the excess over the scenes that still have room
        clamped = [min(max(x, lo), hi) for x in raw]
        excess = total_ms - sum(clamped)
        if abs(excess) < 1:
            raw = clamped
            break
        room = [
            i
            for i, x in enumerate(clamped)
            if (excess > 0 and x < hi - 1e-6) or (excess < 0 and x > lo + 1e-6)
        ]
        share = sum(weights[i] for i in room) or 1.0
        raw = [x + (excess * weights[i] / share if i in room else 0) for i, x in enumerate(clamped)]
    # Whole tenths of a second read better (when scenes are long enough for it to be
    # harmless). The cut points are rounded, not each length: every scene is then within one
    # grid step of its planned length, where rounding lengths one by one piles the error of
    # all scenes onto the last one.
    grid = 100 if total_ms / n >= 1000 else 1
    cuts, acc = [0], 0.0
    for x in raw[:-1]:
        acc += x
        cuts.append(min(total_ms, int(round(acc / grid) * grid)))
    cuts.append(total_ms)
    out = [b - a for a, b in itertools.pairwise(cuts)]
    if min(out) <= 0:  # pathological rounding on tiny totals: fall back to an equal split
        base = total_ms // n
        out = [base] * (n - 1) + [total_ms - base * (n - 1)]
    return out


def _pick(pool, seed: int, *keys: Any):
    """One item of ``pool``, the same for the same seed and keys (so every language picks
    the same choice)."""
    rng = random.Random(f"{seed}|" + "|".join(map(str, keys)))
    return rng.choice(list(pool))


def _mood_family(spec: dict[str, Any]) -> dict[str, Any] | None:
    moods = spec.get("moods") or []
    return MOODS[moods[-1]] if moods and moods[-1] in MOODS else None


# Nouns after a possessive that name a moment in someone's life rather than a thing: the
# subject is then the person ("a lighthouse keeper on their last night"), not the moment.
_MOMENT_ON = _wordset(
    "night day morning evening afternoon shift birthday weekend summer winter week"
)
_MOMENT_DURING = _wordset(
    "routine launch journey walk commute adventure performance race match game ride run "
    "swim dance visit class lesson date trip workout break"
)
_MOMENT_AT = frozenset(["party", "wedding", "concert", "graduation", "recital"])
# Places as subjects: they are shown, not "turning toward the camera", and are the setting.
_INTERIORS = _wordset(
    "room bedroom office kitchen bookshop bookstore shop café cafe bar apartment flat "
    "studio house home library classroom workshop garage attic cabin"
)
_PLACES = _INTERIORS | _wordset(
    "garden city street market beach forest park harbour harbor village town square skyline "
    "day afternoon"
)
# People and animals (they act, turn, breathe); a listed word rather than a suffix rule, which
# would take a "sneaker" or a "speaker" for a person.
_PEOPLE = _wordset(
    "man woman girl boy child kid baby person guy lady keeper baker chef cook barista "
    "astronaut grandmother grandfather grandma grandpa mother father mom mum dad parent "
    "teenager student teacher dog cat puppy kitten horse bird fox doctor nurse athlete "
    "family couple bride groom friend sailor pilot soldier fisherman farmer monk knight "
    "detective hero heroine robot runner dancer singer player driver worker painter writer "
    "skateboarder surfer climber hiker traveller traveler photographer designer gardener "
    "vendor founder owner boxer swimmer rider officer actor actress waiter waitress diver "
    "explorer fighter shepherd model presenter musician artist cyclist skier tourist crowd "
    "kids children people friends"
)
_PERSON_SUFFIX = re.compile(r"(?:ist|ian|man|woman|men|women)$")
# One-word activities as subjects ("a yoga video"): someone doing them is what is filmed.
_ACTIVITIES = _wordset(
    "yoga pilates boxing running surfing skiing dancing hiking cycling swimming climbing "
    "skateboarding baking cooking painting gardening meditation stretching"
)
_MOMENT_IN = _wordset("snow rain sea")
_DETERMINER = re.compile(r"^(?:a|an|the|my|our|your|his|her|their|this|that|some|one|two)\b")


def _head_noun(phrase: str) -> str:
    """The last word before a participle or a preposition ("woman boxing" -> "woman")."""
    core = re.split(r"\s+(?:\w+ing|on|in|at|of|with|over|under|by|for|from)(?:\s+|$)", phrase)[0]
    words = core.split()
    return words[-1].lower().strip("'") if words else ""


def _is_person(noun_phrase: str) -> bool:
    head = _head_noun(noun_phrase)
    singular = head[:-1] if head.endswith("s") and head[:-1] in _PEOPLE else head
    return singular in _PEOPLE or bool(_PERSON_SUFFIX.search(head))


def _indefinite(phrase: str) -> str:
    return ("an " if re.match(r"[aeiou]", phrase, re.IGNORECASE) else "a ") + phrase


def subject_phrase(subject: str) -> tuple[str, bool, bool]:
    """The user's subject as a grammatical noun phrase, and whether it is plural and a person.

    "lighthouse keeper's last night" -> "a lighthouse keeper on their last night";
    "teenager's bedroom" -> "the teenager's bedroom"; "Japan's cherry blossoms" stays;
    "how to tie a tie" -> "a pair of hands showing how to tie a tie".
    """
    subject = subject.strip()
    if re.match(r"how\b", subject, re.IGNORECASE):
        return f"a pair of hands showing {subject}", False, True
    if subject.lower() in _ACTIVITIES:
        verb = subject if subject.endswith("ing") else f"doing {subject}"
        return f"a person {verb}", False, True
    if not re.match(r"[A-Za-z]", subject):  # Chinese and other scripts: as typed, no article
        return subject, False, False
    poss = re.match(r"^(?:(?:a|an|the)\s+)?(?P<owner>[\w -]+?)'s\s+(?P<rest>.+)$", subject)
    if poss and _is_person(poss["owner"]):
        owner, rest = poss["owner"], poss["rest"]
        head = re.split(r"\s+(?:on|in|at|of|with)\s+", rest)[0].split()[-1].lower()
        who = owner if owner[:1].isupper() else _indefinite(owner)
        if head == "step":
            return f"{who} taking their {rest}", False, True
        if head in _MOMENT_ON:
            return f"{who} on their {rest}", False, True
        if head in _MOMENT_DURING:
            return f"{who} during their {rest}", False, True
        if head in _MOMENT_AT:
            return f"{who} at their {rest}", False, True
        if head in _MOMENT_IN:
            return f"{who} in their {rest}", False, True
    if poss and poss["owner"][:1].isupper():
        phrase = subject  # "Japan's cherry blossoms": the proper noun is the determiner
    elif _DETERMINER.match(subject):
        phrase = subject
    else:
        phrase = "the " + subject
    head = _head_noun(phrase)  # "hands" in "the old man's hands repairing a watch"
    plural = bool(re.search(r"[^s']s$", head)) and head not in {"this", "bus", "glass", "news"}
    return phrase, plural, _is_person(phrase)


def _place_head(phrase: str) -> str | None:
    """The place noun a subject phrase ends on ("the teenager's bedroom" -> "bedroom")."""
    words = re.split(r"\s+(?:\w+ing|on|in|at|of|with|over|by)\s+", phrase)[0].split()
    head = words[-1].lower() if words else ""
    return head if head in _PLACES else None


def _agree(action: str, plural: bool, person: bool) -> str:
    """The action's verb in the plural when the subject is ("hands are shown up close")."""
    if person or plural:
        action = re.sub(r"\bits\b", "their", action)
    if not plural:
        return action
    verb, _, rest = action.partition(" ")
    irregular = {"is": "are", "has": "have", "does": "do", "goes": "go"}
    if verb in irregular:
        verb = irregular[verb]
    elif re.search(r"(?:ch|sh|ss|x|z)es$", verb):
        verb = verb[:-2]
    elif verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith("s"):
        verb = verb[:-1]
    return f"{verb} {rest}"


# Spanish people and animals (they act, turn, breathe), and how to read a Spanish subject.
_ES_PEOPLE = _wordset(
    "hombre mujer chica chico niña niño bebé persona señor señora abuela abuelo madre padre "
    "familia pareja novia novio amigo amiga estudiante profesor profesora perro perra gato gata "
    "cachorro caballo pájaro zorro deportista atleta corredor corredora bailarín bailarina "
    "cocinero cocinera chef barista panadero panadera modelo presentador presentadora "
    "turista viajero viajera surfista ciclista escalador escaladora gente niños niñas personas"
)
_ES_ARTICLE = re.compile(r"^(?:un|una|unos|unas|el|la|los|las|mi|mis|tu|tus|su|sus|este|esta)\b")
_ZH_PERSON = re.compile(r"[人男女孩娃狗猫鸟马狐熊师者员手]")


def _subject_phrase_es(subject: str) -> tuple[str, bool, bool]:
    """A Spanish subject with an article ("taza de café" -> "la taza de café"), and whether
    it is plural and a person."""
    subject = subject.strip()
    words = subject.split()
    head_i = 1 if _ES_ARTICLE.match(subject.lower()) and len(words) > 1 else 0
    head = words[head_i].lower() if words else ""
    plural = head.endswith("s") and len(head) > 3
    person = head in _ES_PEOPLE or head.rstrip("s") in _ES_PEOPLE
    if not _ES_ARTICLE.match(subject.lower()) and subject[:1].islower():
        feminine = head.endswith(("a", "as", "ción", "ciones", "dad", "dades"))
        article = {(False, False): "el", (False, True): "los", (True, False): "la"}.get(
            (feminine, plural), "las"
        )
        subject = f"{article} {subject}"
    return subject, plural, person


def _agree_es(action: str, plural: bool) -> str:
    """The Spanish verb in the plural for a plural subject ("se revela" -> "se revelan")."""
    if not plural:
        return action
    words = action.split(" ")
    i = 1 if words[0] in ("se", "lo", "la") and len(words) > 1 else 0
    words[i] = {"es": "son", "está": "están", "queda": "quedan"}.get(words[i], words[i] + "n")
    return " ".join(words)


def _subject_text(spec: dict[str, Any], genre: Genre, seed: int) -> tuple[str, str, bool, bool]:
    """The subject phrase, a detail sentence, and whether the subject is plural and a person.

    The subject is the user's; with none, the genre's placeholder ("the product"), never an
    invented one.
    """
    lang = spec.get("language") or "en"
    details = _pick(genre.details, seed, "detail")(lang)
    if not spec.get("subject"):
        placeholder = genre.placeholder(lang)
        person = genre.name == "fitness"
        return placeholder, details, False, person
    subject = spec["subject"]
    if lang == "zh" or is_cjk(subject):
        return subject, details, False, bool(_ZH_PERSON.search(subject))
    if lang == "es":
        phrase, plural, person = _subject_phrase_es(subject)
        return phrase, details, plural, person
    phrase, plural, person = subject_phrase(subject)
    if not person and re.search(r"sweat|expression|breath|fabric", details, re.IGNORECASE):
        details = "Fine surface texture and clean edges visible"
    return phrase, details, plural, person


def _time_text(key: str | None, lang: str) -> str:
    if not key:
        return ""
    entry = TIMES.get(key)
    return entry[0](lang) if entry else key


def _scene(spec: dict[str, Any], genre: Genre, i: int, role: str, dur_ms: int) -> dict:
    seed = spec["seed"]
    lang = spec.get("language") or "en"
    tpl = TEMPLATES.get(lang, TEMPLATES["en"])
    fam = _mood_family(spec)
    cinematic = spec.get("cinematic")
    vertical = spec["aspect"] in ("9:16", "4:5")

    shot_l = _pick(SHOTS[role], seed, i, role, "shot")
    if vertical and shot_l.en in ("extreme wide shot", "wide establishing shot"):
        shot_l = L(
            shot_l.en.replace("extreme wide shot", "tall wide shot").replace(
                "wide establishing shot", "tall establishing shot"
            ),
            shot_l.es + " vertical",
            "竖幅" + shot_l.zh,
        )
    lens_l = _pick(CINEMATIC_LENSES if cinematic else LENSES[role], seed, i, role, "lens")
    move_l = _pick(CINEMATIC_MOVES if cinematic else MOVES[role], seed, i, role, "move")
    subject, details, plural, person = _subject_text(spec, genre, seed)
    action_l = _pick(genre.actions.get(role, COMMON_ACTIONS["hero"]), seed, i, role, "action")
    place = None if (person or lang != "en") else _place_head(subject)
    if place and role in PLACE_ACTIONS:
        action_l = _pick(PLACE_ACTIONS[role], seed, i, role, "place-action")
    elif person and role in PERSON_ACTIONS and genre.actions[role] is COMMON_ACTIONS[role]:
        # The shared pools describe objects ("across its surface"); a genre's own pool
        # (fitness: "drives forward in a powerful stride") is already about people.
        action_l = _pick(PERSON_ACTIONS[role], seed, i, role, "person-action")
    if lang == "en":
        action = _agree(action_l.en, plural, person)
    elif lang == "es":
        action = _agree_es(action_l.es, plural)
    else:
        action = action_l.zh
    shot, lens, move = shot_l(lang), lens_l(lang), move_l(lang)
    if genre.name == "product" and not spec.get("setting"):
        # A product on a studio plinth: no drone, no aerial move.
        if shot_l.en == "aerial drone shot":
            shot = SHOTS["establishing"][0](lang)
        if move_l.en == "slow aerial push forward":
            move = MOVES["establishing"][0](lang)
    setting = spec.get("setting") or _pick(genre.settings, seed, "setting")(lang)
    if place in _INTERIORS and not spec.get("setting"):
        setting = tpl["inside"].format(subject=subject)
    if spec.get("setting") and role == "establishing":
        setting = tpl["shown_in_full"].format(setting=setting)

    named = [_LIGHTING_BY_EN.get(x, L(x, x, x))(lang) for x in spec.get("lighting") or []]
    if fam:
        lighting = _pick(fam["lighting"], seed, i, "lighting")(lang)
    elif named:
        lighting = named[0]
    else:
        lighting = _pick(genre.lighting, seed, i, "lighting")(lang)
    if named and fam and named[0] not in lighting:
        short = named[0].split(" with ")[0].split(" con ")[0].split("：")[0]
        lighting = tpl["keeping"].format(lighting=lighting, named=short)
    # A studio has no time of day; elsewhere a mood family brings its own (moody: night).
    studio = genre.name == "product"
    time_pool = (fam["times"] if fam and fam["times"] and not studio else None) or genre.times
    time_key = spec.get("time_of_day") or _pick(time_pool, seed, "time")
    time_of_day = _time_text(time_key, lang)

    mood = (_pick(fam["mood"], seed, "mood") if fam else _pick(genre.moods, seed, "mood"))(lang)
    palette = (
        _pick(fam["palette"], seed, "palette") if fam else _pick(genre.palettes, seed, "pal")
    )(lang)
    style = _pick(genre.styles, seed, "style")(lang)
    if cinematic:
        style += tpl["cinematic"]
        if cinematic > 1:  # "more cinematic" again: grade, haze and deliberate pacing
            style += tpl["cinematic2"]
    else:
        style += tpl["plain"]
    w, h = schema.ASPECT_RATIOS.get(spec["aspect"], (1920, 1080))
    constraints = [
        tpl["duration"].format(d=dur_ms / 1000),
        tpl["aspect"].format(aspect=spec["aspect"], w=w, h=h),
        tpl["single"],
        tpl["no_text"],
    ]
    if vertical:
        constraints.insert(2, tpl["vertical"])

    article = "an" if re.match(r"(?:8|11|18)\d*mm", lens) else "a"
    # One sentence per skeleton slot: the subject and its action, then the details on their
    # own, so a subject phrase is never spliced to a detail with a comma.
    sentences = [
        tpl["camera"].format(shot=_cap(shot), article=article, lens=lens, move=move),
        tpl["subject"].format(subject=_cap(subject), action=action),
    ]
    if details:
        sentences.append(tpl["details"].format(details=_cap(details)))
    sentences.append(
        tpl["rest"].format(
            setting=setting,
            lighting=lighting,
            time=time_of_day,
            style=style,
            mood=mood,
            palette=palette,
            constraints=tpl["sep"].join(constraints),
        )
    )
    prompt = ("" if lang == "zh" else " ").join(sentences)
    role_name = ROLE_NAMES[role](lang)
    card = tpl["card"].format(
        i=i + 1, role=role_name.title() if lang == "en" else _cap(role_name), shot=_cap(shot),
        subject=subject,
    )  # fmt: skip
    return {
        "index": i + 1,
        "role": role,
        "duration_s": dur_ms / 1000,
        "shot": shot,
        "lens": lens,
        "camera": move,
        "subject": subject,
        "details": details,
        "action": action,
        "setting": setting,
        "lighting": lighting,
        "time_of_day": time_of_day,
        "style": style,
        "mood": mood,
        "palette": palette,
        "constraints": constraints,
        "prompt": prompt,
        "card": card,
    }


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def build_storyboard(spec: dict[str, Any]) -> dict[str, Any]:
    """The ``state["prompts"]`` value for a spec: the scenes with timings and prompts.

    Scene ``start_ms``/``end_ms`` tile ``[0, duration]`` exactly. ``prompt`` is the single
    prompt when there is one scene, else an overview followed by the numbered scene prompts.
    Every scene has the same subject, and everything is in ``spec["language"]``.
    """
    spec = {"language": "en", **spec}
    lang = spec["language"]
    tpl = TEMPLATES.get(lang, TEMPLATES["en"])
    genre = GENRES.get(spec["genre"], GENRES["generic"])
    total_ms = round(spec["duration_s"] * 1000)
    lo, hi = (x * spec.get("pace", 1.0) for x in genre.shot_s)
    if spec.get("scene_count"):
        # Half a second is the shortest shot anyone can read; more scenes than that is a typo.
        n = max(1, min(int(spec["scene_count"]), total_ms // 500, 60))
    elif not spec.get("storyboard") and spec["duration_s"] <= SINGLE_CLIP_MAX_S:
        n = 1
    else:
        mid = (lo + hi) / 2
        n = max(1, round(spec["duration_s"] / mid))
        n = min(max(n, math.ceil(spec["duration_s"] / hi)), max(1, int(spec["duration_s"] // lo)))
        n = min(n, 40)
    roles = _roles(genre, n)
    rng = random.Random(spec["seed"])
    lengths = split_durations(total_ms, roles, lo, hi, rng) if n > 1 else [total_ms]
    scenes = []
    t = 0
    for i, (role, dur) in enumerate(zip(roles, lengths, strict=True)):
        sc = _scene(spec, genre, i, role, dur)
        sc["start_ms"], sc["end_ms"] = t, t + dur
        scenes.append(sc)
        t += dur
    w, h = schema.ASPECT_RATIOS.get(spec["aspect"], (1920, 1080))
    if n == 1:
        prompt = scenes[0]["prompt"]
    else:
        overview = tpl["overview"].format(
            d=spec["duration_s"], label=genre.label(lang), subject=scenes[0]["subject"], n=n,
            aspect=spec["aspect"], w=w, h=h, mood=scenes[0]["mood"],
        )  # fmt: skip
        prompt = (
            overview
            + "\n\n"
            + "\n\n".join(
                tpl["scene"].format(
                    i=s["index"],
                    a=s["start_ms"] / 1000,
                    b=s["end_ms"] / 1000,
                    role=ROLE_NAMES[s["role"]](lang) if lang != "en" else s["role"],
                    prompt=s["prompt"],
                )
                for s in scenes
            )
        )
    return {
        "spec": copy.deepcopy(spec),
        "genre": genre.name,
        "language": lang,
        "aspect": spec["aspect"],
        "width": w,
        "height": h,
        "duration_s": total_ms / 1000,
        "prompt": prompt,
        "scenes": scenes,
    }


# -- refinements -----------------------------------------------------------------------------
_REFINE_ASPECT = re.compile(
    r"vertical|portrait|9\s*:\s*16|tik ?tok|reels?|shorts|square|1\s*:\s*1|4\s*:\s*5|"
    r"horizontal|landscape|widescreen|16\s*:\s*9|cuadrad[oa]|apaisad[oa]|竖屏|横屏|方形",
    re.IGNORECASE,
)
_CHANGES = {
    "aspect": L("aspect ratio {}", "relación de aspecto {}", "画幅{}"),
    "cinematic1": L("cinematic lenses and camera moves", "objetivos y movimientos de cámara "
                    "cinematográficos", "电影感镜头与运镜"),
    "cinematic2": L("a graded, hazier film look", "un aspecto de película etalonado y con más "
                    "bruma", "调色更浓、带雾气的电影质感"),
    "plain": L("plainer lenses and moves", "objetivos y movimientos más sencillos",
               "更朴素的镜头与运镜"),
    "mood": L("{} mood, lighting and palette", "ambiente, iluminación y paleta {}",
              "{}氛围、光线与色调"),
    "seconds": L("{:g} seconds", "{:g} segundos", "{:g}秒"),
    "scenes": L("{} scenes", "{} escenas", "{}个镜头"),
    "faster": L("faster cuts", "cortes más rápidos", "更快的剪辑节奏"),
    "slower": L("longer shots", "planos más largos", "更长的镜头"),
    "subject": L("subject: {}", "sujeto: {}", "主体：{}"),
}  # fmt: skip
_MOOD_NAMES = {
    "moody": L("moody", "sombrío", "暗调"), "bright": L("bright", "luminoso", "明亮"),
    "calm": L("calm", "sereno", "平静"), "energetic": L("energetic", "enérgico", "动感"),
    "luxury": L("luxury", "de lujo", "奢华"), "cozy": L("cozy", "acogedor", "温馨"),
}  # fmt: skip


def refine_spec(spec: dict[str, Any], message: str) -> tuple[dict[str, Any], list[str]]:
    """Apply a follow-up ("make it moodier", "for a vertical video", "more cinematic",
    "make it 15 seconds", "faster cuts", "the product is a leather wallet", "更暗一点",
    "más cinematográfico") to a spec.

    A follow-up written in another language switches the prompts to it. Returns the new spec
    and what changed, in words of that language; an empty list means nothing was understood
    (the caller says so rather than rebuilding the same thing).
    """
    new = copy.deepcopy(spec)
    new.setdefault("language", "en")
    text = message.lower()
    said = detect_language(message, default=new["language"])
    if is_cjk(message) or said == "es":
        new["language"] = said
    lang = new["language"]
    changes: list[str] = []

    def note(key: str, *args: Any) -> None:
        changes.append(_CHANGES[key](lang).format(*args))

    if _REFINE_ASPECT.search(text):
        ratio = _aspect(text)
        if ratio and ratio != new["aspect"]:
            new["aspect"] = ratio
            note("aspect", ratio)
    more_cine = r"cinematic|film(ic)? look|like a movie|más cinematogr|de cine|电影感|电影质感"
    if re.search(more_cine, text) and not re.search(r"less cinematic|menos cinematogr", text):
        level = int(new.get("cinematic") or 0)
        if level < 2:
            new["cinematic"] = level + 1
            note("cinematic1" if level == 0 else "cinematic2")
    elif re.search(r"less cinematic|menos cinematogr", text) and new.get("cinematic"):
        new["cinematic"] = 0
        note("plain")
    for mood in _moods(text):
        if not new["moods"] or new["moods"][-1] != mood:
            new["moods"] = [m for m in new["moods"] if m != mood] + [mood]
            note("mood", _MOOD_NAMES[mood](lang))
    dur = _duration_s(text)
    if dur is None and re.search(r"\bshorter\b|más corto|更短", text) and "title" not in text:
        dur = max(3.0, round(new["duration_s"] / 2))
    if dur is None and re.search(r"\blonger\b|más largo|更长", text):
        dur = min(MAX_DURATION_S, round(new["duration_s"] * 1.5))
    if dur and dur != new["duration_s"] and 0 < dur <= MAX_DURATION_S:
        new["duration_s"] = float(dur)
        if dur > SINGLE_CLIP_MAX_S:
            new["storyboard"] = True
        new["scene_count"] = None
        note("seconds", dur)
    count = _scene_count(text)
    if count:
        new["scene_count"] = count
        new["storyboard"] = new["scene_count"] > 1
        note("scenes", new["scene_count"])
    if re.search(
        r"faster|quick(er)? cuts|snappier|more shots|punchier|más rápid|节奏更快|更快", text
    ):
        new["pace"] = round(max(0.4, new.get("pace", 1.0) * 0.7), 3)
        new["scene_count"] = None
        note("faster")
    elif re.search(r"slower|fewer shots|longer shots|more relaxed|más lent|更慢", text):
        new["pace"] = round(min(2.0, new.get("pace", 1.0) * 1.4), 3)
        new["scene_count"] = None
        note("slower")
    about = re.search(
        r"(?:the product is|it'?s (?:a|an|for)|make it about|subject is|use|feature|about|"
        r"el producto es|que sea sobre|sobre)\s+((?:a|an|the|my|our|un|una|el|la)?\s*"
        r"[\w' -]{3,60})|(?:产品是|主体是|换成|改成)(\S{2,30})",
        text,
    )
    if about and not changes:
        raw = about.group(1) or about.group(2) or ""
        subject = re.sub(r"\b(instead|please|as the subject|now|por favor)\b", "", raw).strip()
        subject = subject.strip("。，,. ")
        if subject and subject != new.get("subject"):
            new["subject"] = subject
            note("subject", subject)
    if changes:
        new["refinements"] = [*new.get("refinements", []), message.strip()]
    return new, changes


# -- text for the chat -----------------------------------------------------------------------
def render_markdown(board: dict[str, Any], *, changes: list[str] | None = None) -> str:
    """The chat reply for a storyboard, in its language: the prompt, or a numbered scene list."""
    lang = board.get("language") or (board.get("spec") or {}).get("language") or "en"
    words = REPLY.get(lang, REPLY["en"])
    scenes = board.get("scenes", [])
    head = []
    if changes:
        head.append(words["updated"].format(("、" if lang == "zh" else ", ").join(changes)))
    size = {"d": board["duration_s"], "aspect": board["aspect"], "w": board["width"]}
    size["h"] = board["height"]
    if len(scenes) == 1:
        head.append(words["single"].format(**size))
        return "\n".join([*head, "", scenes[0]["prompt"]])
    head.append(words["board"].format(n=len(scenes), **size))
    lines = [*head, ""]
    for s in scenes:
        role = ROLE_NAMES[s["role"]](lang) if lang != "en" else s["role"]
        unit = "秒" if lang == "zh" else " s"
        lines.append(
            f"{s['index']}. **{s['start_ms'] / 1000:g}–{s['end_ms'] / 1000:g}{unit} · "
            f"{role}** — {s['prompt']}"
        )
    return "\n".join(lines)
