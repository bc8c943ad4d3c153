"""Titles, description, tags and hashtags for a video, from its transcript, in its language.

Everything is taken from what is said. Titles are the main subject and what happens or what
the viewer learns, in the styles the talk supports: a statement (its key sentence, shortened
to a clause), a question (one the speaker asks, or a statement about the subject turned into
one), a how-to (when the talk instructs) and a list (when it enumerates). The description opens
with the key sentence or two (chosen by key-phrase coverage, not by position), then chapters
where YouTube allows them, then at most three hashtags. Tags are the key phrases of
:mod:`.keywords`, multi-word phrases first, none a piece of another. Limits follow YouTube
(``captions.md``): titles <= 70 characters (60 preferred, the visible part), ~150 characters
above the fold, tags <= 500 characters in total, three hashtags shown above the title.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .chapters import Chapter, chapters, smart_title
from .keywords import Keyphrase, keyphrases, looks_adjective, normalise_phrase, phrase_in
from .language import detect_language, language_of
from .words import Sentence, TimedWord, sentences, words_text

__all__ = [
    "HASHTAGS_MAX",
    "HOOK_MAX",
    "TAGS_MAX",
    "TITLE_KEY_WITHIN",
    "TITLE_MAX",
    "TITLE_PREFERRED",
    "MetaOptions",
    "build_metadata",
    "hashtags_for",
    "render_markdown",
    "tags_length",
]

#: Longest title offered by default; YouTube cuts titles in search results near 60-70.
TITLE_MAX = 70
#: Titles up to this length are preferred (fully visible on every screen).
TITLE_PREFERRED = 60
#: YouTube's hard limit, used only when the user asks for longer titles.
TITLE_HARD_MAX = 100
TITLE_KEY_WITHIN = 50
HOOK_MAX = 150
TAGS_MAX = 500
TAGS_COUNT_MAX = 15
HASHTAGS_MAX = 3  # YouTube shows three above the title
DESCRIPTION_MAX = 5000
SHORT_TITLE_MAX = 60


@dataclass
class MetaOptions:
    """What the user asked to change on a follow-up ("shorter titles", "more tags about X")."""

    max_title_chars: int = TITLE_MAX
    focus: list[str] = field(default_factory=list)  # topics to weigh up in tags and titles
    chapters: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_title_chars": self.max_title_chars,
            "focus": list(self.focus),
            "chapters": self.chapters,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> MetaOptions:
        d = d or {}
        return cls(
            max_title_chars=int(d.get("max_title_chars", TITLE_MAX)),
            focus=list(d.get("focus", [])),
            chapters=bool(d.get("chapters", True)),
        )


# -- language-specific words -----------------------------------------------------------------
# Openers that carry no content ("And so, ...", "Bueno, ...", "那么，..."): a title or the first
# line of a description never starts on one.
_OPENERS = {
    "en": re.compile(
        r"^(?:(?:and|so|but|well|now|okay|ok|oh|um|uh|also|then|anyway|basically|alright|"
        r"right|yeah|like|plus|you know|i mean|first(?:ly)?|next|finally|lastly)\b[\s,]*)+",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"^(?:(?:y|e|pues|bueno|entonces|así que|pero|vale|mira|bien|además|luego|o sea|eh|"
        r"primero|después|finalmente|por último|al final)\b[\s,]*)+",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"^(?:那么|所以|然后|好的|好|嗯|那|其实|另外|而且|但是|还有|接下来|首先|最后|[，,\s])+"
    ),
}
_PRONOUN_SUBJECT = {
    "en": re.compile(r"^(he|she)\b", re.IGNORECASE),
    "es": re.compile(r"^(él|ella)\b", re.IGNORECASE),
    "zh": re.compile(r"^(他|她)"),
}
# A sentence that states what the viewer should do (how-to material).
_INSTRUCTION = {
    "en": re.compile(
        r"^(?:(?:you|we)\s+(?:need|have|want|ought)\s+to|(?:you|we)\s+(?:should|must|can)|"
        r"make sure|don't|never|always|try|add|check|clean|feed|keep|use|put|place|cut|mix|"
        r"pour|remove|start|turn|open|set|take|bake|stir|heat|fold|wait|align|bleed|bed in|"
        r"discard|store|press|choose|avoid|water|plant|fill|install|connect|measure|apply|"
        r"replace|tighten|loosen|wash|dry|boil|fry|grill|season|serve|chop|slice|whisk|"
        r"spread|sprinkle|cover|leave|let|move|hold|pick|select|click|type|save|write|read|"
        r"practice|repeat|stretch|breathe|lift|push|pull|rinse|soak|drain|trim|sand|paint)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"^(?:hay que|tienes que|tenemos que|debes|debemos|puedes|podemos|no olvides|"
        r"asegúrate|nunca|siempre|añade|agrega|corta|mezcla|pon|usa|utiliza|limpia|revisa|"
        r"coloca|deja|calienta|vierte|riega|evita|elige|guarda|mantén|prepara|lava|hierve|"
        r"sirve|pela|bate|fríe|haz|cambia|ajusta|instala|conecta|abre|cierra|quita|retira|"
        r"cocina|hornea|remueve|sazona|echa|espera|[a-záéíóúñ]+(?:amos|emos|imos|ímos))\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"^(?:先|首先|然后|接着|最后|再|把|要|记得|别|不要|注意|可以|需要|一定要|请|用)"
    ),
}
# "Today we're going to make X", "te enseño a preparar X", "教大家做X": the talk's own how-to.
_HOWTO_INTENT = {
    "en": re.compile(
        r"\b(?:how to|going to|gonna|let's|we'll|i'll|learn to|show you how to|teach you how "
        r"to)\s+(?:show you how to\s+)?(?P<rest>[a-z][\w'’ -]+)|\bhow\s+(?!to\b)(?P<how>[a-z]"
        r"[\w'’ -]+)",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"\b(?:vamos a|voy a|te enseño a|os enseño a|aprende a|aprender a)\s+"
        r"(?P<rest>[a-záéíóúñ]+(?:ar|er|ir|ír)\b[\w áéíóúñ-]*)|\bcómo\s+(?P<how>[\w áéíóúñ-]+)",
        re.IGNORECASE,
    ),
    "zh": re.compile(r"(?:教你|教大家|学会|如何|怎么|怎样)(?P<rest>[\u4e00-\u9fff]{2,20})"),
}
# Greetings and announcements ("Today we...", "Hoy vamos a...", "今天我们来..."): they say that
# a video starts, not what it is about, so they are never a statement title.
_INTRO = {
    "en": re.compile(
        r"^(?:today|hi|hello|hey|welcome|in this video|this video|in today's|let's)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"^(?:hoy|hola|bienvenid[oa]s?|en este v[íi]deo|este v[íi]deo|vamos a)\b", re.IGNORECASE
    ),
    "zh": re.compile(r"^(?:今天|大家好|欢迎|这期|本期|在这个视频)"),
}
_COUNTED = {
    "en": re.compile(
        r"\b(?P<n>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+(?:\w+\s+)?"
        r"(?P<noun>tips|ways|things|steps|mistakes|reasons|ideas|tricks|rules|secrets|hacks|"
        r"lessons|facts|signs|questions)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"\b(?P<n>\d+|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez)\s+(?P<noun>consejos|"
        r"formas|maneras|cosas|pasos|errores|razones|ideas|trucos|reglas|secretos|claves)\b",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"(?P<n>\d+|[两二三四五六七八九十])\s*(?:个|种|条|步|大)(?P<noun>技巧|方法|步骤|错误|原因|建议|秘诀|要点)"
    ),
}
_SEQUENCE = {
    "en": r"\b(?:first|then|next|after that|finally|step one)\b",
    "es": r"\b(?:primero|después|luego|a continuación|finalmente|por último)\b",
    "zh": r"首先|然后|接着|最后|第一步",
}
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6, "siete": 7, "ocho": 8,
    "nueve": 9, "diez": 10, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
    "八": 8, "九": 9, "十": 10,
}  # fmt: skip
_COPULA = {
    "en": re.compile(
        r"^(?P<subj>.{2,40}?)\s+(?P<verb>is|are|was|were)\s+(?:not\s+|never\s+)?(?P<rest>.{3,})$",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r"^(?P<subj>.{2,40}?)\s+(?:no\s+)?(?P<verb>es|era|fue|son|eran|está|están)\s+"
        r"(?P<rest>.{3,})$",
        re.IGNORECASE,
    ),
    "zh": re.compile(
        r"^(?P<subj>[^，,]{2,12}?)(?:不|并不)?(?<![但还就只可于总要凡])是(?P<rest>[^，,]{2,})$"
    ),
}
_LABELS = {
    "en": {
        "titles": "Title ideas",
        "description": "Description",
        "tags": "Tags",
        "chars": "characters",
        "chapters": "Chapters",
        "how": "How to {}",
        "list": "{n} {noun} for {key}",
        "tips": "Tips",
        "steps": "Steps",
        "and": " and ",
    },
    "es": {
        "titles": "Ideas de título",
        "description": "Descripción",
        "tags": "Etiquetas",
        "chars": "caracteres",
        "chapters": "Capítulos",
        "how": "Cómo {}",
        "list": "{n} {noun} para {key}",
        "tips": "consejos",
        "steps": "pasos",
        "and": " y ",
    },
    "zh": {
        "titles": "标题建议",
        "description": "简介",
        "tags": "标签",
        "chars": "字符",
        "chapters": "章节",
        "how": "如何{}",
        "list": "{key}的{n}个{noun}",
        "tips": "技巧",
        "steps": "步骤",
        "and": "与",
    },
}


def labels(language: str) -> dict[str, str]:
    """The words of the chat reply and of templated titles in ``language``."""
    return _LABELS.get(language_of(language), _LABELS["en"])


# -- small text helpers ----------------------------------------------------------------------
def _clip(text: str, limit: int, *, ellipsis: bool = True) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary (anywhere for Chinese)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - (1 if ellipsis else 0)]
    if " " in cut and not re.search(r"[\u4e00-\u9fff]$", cut):
        cut = cut[: cut.rfind(" ")]
    cut = cut.rstrip(" ,;:-—，、；：")
    return cut + ("…" if ellipsis else "")


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _end_stop(text: str, language: str) -> str:
    if re.search(r"[.!?…。！？]$", text):
        return text
    return text + ("。" if language == "zh" else ".")


def _strip_end(text: str) -> str:
    return text.strip().rstrip(".!…。！;；,，:：").strip()


def tags_length(tags: Sequence[str]) -> int:
    """Characters YouTube counts for a tag list: commas between, quotes around multi-word tags."""
    if not tags:
        return 0
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + (len(tags) - 1)


def _file_topic(filename: str) -> str:
    """Words of a meaningful file name ("kyoto-temples_day2.mp4" -> "kyoto temples day2")."""
    stem = PurePath(filename or "").stem
    words = [w for w in re.split(r"[\W_]+", stem.lower()) if w]
    generic = {"img", "vid", "mov", "dsc", "pxl", "gopr", "video", "clip", "final", "export"}
    generic |= {"untitled", "copy", "edit", "render", "upload", "test", "output", "mp4"}
    words = [w for w in words if w not in generic and not w.isdigit() and len(w) > 1]
    return " ".join(words) if sum(len(w) for w in words) >= 4 else ""


class _Text:
    """A transcript's sentences with their key-phrase scores, in one language."""

    def __init__(self, words: list[TimedWord], kps: list[Keyphrase], language: str) -> None:
        self.language = language
        self.sents: list[Sentence] = sentences(words) if words else []
        self.kps = kps
        self.names = [kp.phrase for kp in kps if kp.name and kp.words >= 2]
        self.scores = [self._score(s.text) for s in self.sents]

    def _score(self, text: str) -> float:
        size = len(text) / 2 if self.language == "zh" else len(text.split())
        hit = sum(kp.score for kp in self.kps[:15] if phrase_in(kp.phrase, text))
        # Dense in key phrases, but never a two-word fragment.
        return hit / max(size, 1) ** 0.5 if size >= 5 else hit * 0.3 / max(size, 1)

    def clean(self, index: int) -> str:
        """Sentence ``index`` without its opener, with a leading "he"/"she" replaced by the
        name said before it ("He was not..." -> "John Dashwood was not...")."""
        text = _OPENERS[self.language].sub("", self.sents[index].text.strip()).strip()
        found = _PRONOUN_SUBJECT[self.language].match(text)
        if found:
            before = " ".join(s.text for s in self.sents[:index])
            name = next((n for n in self.names if phrase_in(n, before)), "")
            if name:
                shown = name if self.language == "zh" else smart_title(name)
                text = shown + text[found.end() :]
        return _sentence_case(text) if self.language != "zh" else text

    def ranked(self) -> list[int]:
        return sorted(range(len(self.sents)), key=lambda i: (-self.scores[i], i))


def _clauses(text: str, language: str) -> list[str]:
    parts = re.split(r"\s*[,;:—–]\s+|\s*[，；：]\s*", _strip_end(text))
    return [p.strip() for p in parts if p.strip()]


def _has_any(text: str, phrases: Sequence[str]) -> bool:
    return any(phrase_in(p, text) for p in phrases)


def _headline(text: str, language: str) -> str:
    """A sentence or clause as a title: title case in English, sentence case in Spanish."""
    text = _strip_end(text)
    if language == "en":
        return smart_title(text)
    if language == "es":
        return _sentence_case(text)
    return text


def _compress(text: str, language: str, keys: Sequence[str], limit: int) -> str:
    """``text``, or the run of its clauses within ``limit`` that names the most key phrases
    (the longer on a tie: more of what is said)."""
    text = _strip_end(text)
    if len(text) <= limit:
        return text
    clauses = _clauses(text, language)
    best: tuple[int, int, str] | None = None
    for i in range(len(clauses)):
        for j in range(i + 1, len(clauses) + 1):
            joined = ("，" if language == "zh" else ", ").join(clauses[i:j])
            joined = _OPENERS[language].sub("", joined).strip()
            if len(joined) > limit:
                break
            hits = sum(phrase_in(k, joined) for k in keys)
            if hits and (best is None or (hits, len(joined)) > best[:2]):
                best = (hits, len(joined), joined)
    return best[2] if best else ""


# -- titles ----------------------------------------------------------------------------------
def _question_titles(t: _Text, keys: Sequence[str], limit: int) -> list[str]:
    lang = t.language
    out = []
    for i in t.ranked():
        raw = t.sents[i].text.strip()
        if re.search(r"[?？]\s*$", raw) and _has_any(raw, keys):
            q = _OPENERS[lang].sub("", raw).strip()
            if len(q) <= limit:
                out.append(_headline(q, lang).rstrip("?？") + ("？" if lang == "zh" else "?"))
    for i in t.ranked()[:6]:  # a statement about the subject, asked ("Was X ...?")
        s = t.clean(i)
        found = _COPULA[lang].match(_strip_end(s))
        if not found or not _has_any(found["subj"], keys[:3]):
            continue
        subj, rest = found["subj"], _strip_end(found["rest"])
        verb = found.groupdict().get("verb") or ""
        if lang == "en":
            if re.search(r"\b(?:and|but|because|which|that)\b", rest):
                continue
            q = smart_title(f"{verb} {subj} {rest}") + "?"
        elif lang == "es":
            q = "¿" + _sentence_case(f"{subj} {verb} {rest}") + "?"
        else:
            q = f"{subj}是{rest}吗？"
        if len(q) <= limit:
            out.append(q)
    return out


def _infinitive_es(verb: str) -> str:
    """Spanish instruction verbs as infinitives ("pelamos" -> "pelar", "corta" -> "cortar")."""
    v = verb.lower()
    irregular = {"pon": "poner", "haz": "hacer", "mantén": "mantener", "fríe": "freír"}
    if v in irregular:
        return irregular[v]
    for end, inf in (("amos", "ar"), ("emos", "er"), ("ímos", "ír"), ("imos", "ir")):
        if v.endswith(end):
            return v[: -len(end)] + inf
    if re.search(r"(?:ar|er|ir|ír)$", v):
        return v
    first_conj = {"vierte": "verter", "hierve": "hervir", "sirve": "servir", "bate": "batir"}
    first_conj |= {"abre": "abrir", "elige": "elegir", "remueve": "remover"}
    return first_conj.get(v, v[:-1] + "ar" if v.endswith("a") else v)


def _howto_phrase(t: _Text, i: int, keys: Sequence[str], limit: int) -> str:
    """What to do, from an instruction sentence: "feed the starter with rye flour"."""
    lang = t.language
    text = t.clean(i)
    clauses = _clauses(text, lang)
    clause = next((c for c in clauses if _has_any(c, keys)), "")
    if not clause:
        return ""
    if lang == "en":
        clause = re.sub(
            r"^(?:(?:you|we)\s+(?:need|have|want|ought)\s+to|(?:you|we)\s+(?:should|must|can)|"
            r"make sure (?:to|you)?)\s*",
            "",
            clause,
            flags=re.IGNORECASE,
        )
        if re.match(r"(?:don't|never|always)\b", clause, re.IGNORECASE):
            return ""
        clause = clause[:1].lower() + clause[1:]
    elif lang == "es":
        clause = re.sub(
            r"^(?:hay que|tienes que|tenemos que|debes|debemos|puedes|podemos)\s+", "", clause,
            flags=re.IGNORECASE,
        )  # fmt: skip
        verb, _, rest = clause.partition(" ")
        clause = f"{_infinitive_es(verb)} {rest}".strip()
    else:
        clause = re.sub(r"^(?:先|首先|然后|接着|最后|再|要|记得|一定要|请|可以|需要)", "", clause)
    return clause if len(clause) <= limit - 8 else ""


def _howto_titles(t: _Text, keys: Sequence[str], limit: int) -> tuple[list[str], int]:
    """How-to titles, and how many instruction sentences name the key phrases."""
    lang = t.language
    form = labels(lang)["how"]
    out: list[str] = []
    explain = {"en": "How {}", "es": "Cómo {}"}.get(lang, form)
    for i in t.ranked():
        found = _HOWTO_INTENT[lang].search(t.sents[i].text)
        if not found:
            continue
        how = found.groupdict().get("how")
        shape = explain if how else form  # "how solar panels work": no "to"
        rest = _compress(how or found["rest"], lang, keys, limit - 8)
        if rest and _has_any(rest, keys):
            out.append(_headline(shape.format(rest), lang) if lang != "zh" else shape.format(rest))
    steps = [i for i in t.ranked() if _INSTRUCTION[lang].match(t.clean(i))]
    on_topic = [i for i in steps if _has_any(t.sents[i].text, keys[:3])]
    # Steps about the main subject (any of its words: "feed the starter" is about the
    # sourdough starter), each counted once however often it is repeated.
    head = [w for w in re.split(r"\s+", keys[0]) if len(w) >= 4] if keys else []
    if lang == "zh" and keys:
        head = [keys[0]]
    distinct = {normalise_phrase(t.sents[i].text) for i in steps if _has_any(t.sents[i].text, head)}
    for i in on_topic[:3]:
        phrase = _howto_phrase(t, i, keys, limit)
        if phrase:
            title = form.format(phrase)
            out.append(_headline(title, lang) if lang != "zh" else title)
    return out, len(distinct)


def _list_titles(t: _Text, key: str, steps: int, limit: int) -> list[str]:
    lang = t.language
    lab = labels(lang)
    whole = " ".join(s.text for s in t.sents)
    found = _COUNTED[lang].search(whole)
    if found:
        n = _NUMBER_WORDS.get(found["n"].lower(), found["n"])
        noun = found["noun"]
    elif steps >= 3:
        # Steps in an order ("first ... then ...") are steps; otherwise they are tips.
        ordered = re.search(_SEQUENCE[lang], whole, re.IGNORECASE)
        n, noun = min(steps, 10), lab["steps" if ordered else "tips"]
    else:
        return []
    shown = key if lang == "zh" else (smart_title(key) if lang == "en" else key)
    noun = smart_title(noun) if lang == "en" else noun
    title = lab["list"].format(n=n, noun=noun, key=shown)
    return [title] if len(title) <= limit else []


def _statement_titles(t: _Text, keys: Sequence[str], limit: int) -> list[str]:
    out = []
    lang = t.language
    for i in t.ranked()[:8]:
        clean = t.clean(i)
        if t.scores[i] <= 0 or _INTRO[lang].match(clean) or _HOWTO_INTENT[lang].search(clean):
            continue
        text = _compress(clean, lang, keys, min(limit, TITLE_PREFERRED))
        text = text or _compress(clean, lang, keys, limit)
        words = len(text) / 2 if t.language == "zh" else len(text.split())
        if text and words >= 3:
            out.append(_headline(text, t.language))
    return out


def _join_names(items: Sequence[str], language: str) -> str:
    lab = labels(language)
    if language == "zh":
        return "、".join(items[:-1]) + lab["and"] + items[-1] if len(items) > 1 else items[0]
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + lab["and"] + items[-1]


def titles_for(
    t: _Text,
    keys: Sequence[str],
    *,
    chapter_titles: Sequence[str] = (),
    max_chars: int = TITLE_MAX,
    count: int = 5,
) -> list[str]:
    """Up to ``count`` titles, each naming one of ``keys`` (best key phrases first).

    Distinct styles come first (statement, how-to, list, question, the chapters' topics),
    then more statements; titles of at most :data:`TITLE_PREFERRED` characters are preferred.
    """
    lang = t.language
    limit = max_chars
    statements = _statement_titles(t, keys, limit)
    howtos, steps = _howto_titles(t, keys, limit)
    lists = _list_titles(t, keys[0], steps, limit) if keys else []
    questions = _question_titles(t, keys, limit)
    topics = []
    if len(chapter_titles) >= 3:
        joined = _join_names(list(chapter_titles[:3]), lang)
        if len(joined) <= limit:
            topics.append(joined)
    pair = []
    if len(keys) >= 2 and (len(keys[1].split()) >= 2 or lang == "zh"):
        shown = [k if lang != "en" else smart_title(k) for k in keys[:2]]
        joined = _join_names(shown, lang)
        pair.append(_sentence_case(joined) if lang == "es" else joined)
    lead = [k if lang != "en" else smart_title(k) for k in keys[:1] if len(k) >= 4]
    lead = [_sentence_case(k) if lang == "es" else k for k in lead]

    styled: list[str] = []
    for group in (statements[:1], howtos[:1], lists, questions[:1], topics, statements[1:],
                  howtos[1:], questions[1:]):  # fmt: skip
        styled += group
    # Titles that show whole in search results first (a stable sort keeps the style order);
    # the key phrases alone only when the talk gave too little for anything else.
    ordered = sorted(styled, key=lambda x: len(x) > TITLE_PREFERRED)
    if len(styled) < 3:
        ordered += pair + lead
    out: list[str] = []
    seen: set[str] = set()
    for title in ordered:
        title = " ".join(title.split())
        norm = normalise_phrase(title)
        if not title or len(title) > limit or norm in seen or not _has_any(title, keys):
            continue
        seen.add(norm)
        out.append(title)
        if len(out) >= count:
            break
    return out


# -- description -----------------------------------------------------------------------------
def _description_lead(t: _Text, keys: Sequence[str], transcript: str) -> tuple[str, str]:
    """The hook (the key sentence, <= 150 characters) and the next key sentence or two."""
    lang = t.language
    if not t.sents:
        return "", ""
    ranked = [i for i in t.ranked() if t.scores[i] > 0] or t.ranked()
    # The opening sentence only when nothing else is nearly as good: a description that
    # repeats the first words of the video tells a reader nothing new.
    opening = normalise_phrase(transcript)
    later = [i for i in ranked if not opening.startswith(normalise_phrase(t.clean(i))[:60])]
    if later and t.scores[later[0]] >= 0.5 * t.scores[ranked[0]]:
        ranked = later + [i for i in ranked if i not in later]
    ranked = [i for i in ranked if not _INTRO[lang].match(t.clean(i))] + [
        i for i in ranked if _INTRO[lang].match(t.clean(i))
    ]
    hook = ""
    hook_i = ranked[0]
    for i in ranked[:5]:
        text = _compress(t.clean(i), lang, keys, HOOK_MAX - 1)
        if text:
            hook, hook_i = _end_stop(text, lang), i
            break
    if not hook:
        hook = _clip(_end_stop(t.clean(hook_i), lang), HOOK_MAX)
    if keys and not _has_any(hook, keys[:3]):
        key = keys[0] if lang != "en" else smart_title(keys[0])
        sep = "：" if lang == "zh" else ": "
        hook = _clip(f"{_sentence_case(key)}{sep}{hook}", HOOK_MAX)
    # Never the transcript's opening word for word: a reader already has that in the video.
    if normalise_phrase(transcript).startswith(normalise_phrase(hook)[:60]) and keys:
        key = keys[0] if lang != "en" else smart_title(keys[0])
        sep = "：" if lang == "zh" else " — "
        hook = _clip(f"{_sentence_case(key)}{sep}{hook}", HOOK_MAX)
    more = []
    if len(t.sents) >= 6:  # a long talk: the next key sentence or two, in spoken order
        used = {normalise_phrase(hook)}
        for i in ranked[1:]:
            if i == hook_i or len(more) >= 2:
                continue
            text = _end_stop(t.clean(i), lang)
            norm = normalise_phrase(text)
            if any(norm in u or u in norm for u in used) or len(text) > 300:
                continue
            used.add(norm)
            more.append((i, text))
    summary = ("" if lang == "zh" else " ").join(text for _, text in sorted(more))
    return hook, summary


# -- tags and hashtags -----------------------------------------------------------------------
def _tag_ok(kp: Keyphrase, language: str, *, relaxed: bool) -> bool:
    if kp.words >= 2:
        return kp.score >= 0.04
    size = len(kp.phrase)
    if language == "zh":
        return size >= 2 and (kp.count >= 2 or kp.name or relaxed)
    if kp.count >= 2 or kp.name:
        return size >= 3
    # A word said once is a tag only in a clip too short for anything else, and only a noun.
    return relaxed and size >= 5 and not (language == "en" and looks_adjective(kp.phrase))


def _rank_tags(
    kps: list[Keyphrase], focus: Sequence[str], extra: Sequence[str], language: str
) -> list[tuple[str, float]]:
    """Tags best first: the user's focus topics, then multi-word phrases, then single words."""
    strict = [kp for kp in kps if _tag_ok(kp, language, relaxed=False)]
    chosen = strict
    if len(strict) < 5:  # a short clip: its better single words are all there is
        chosen = [kp for kp in kps if _tag_ok(kp, language, relaxed=True)]
    multi = [(kp.phrase, kp.score) for kp in chosen if kp.words >= 2]
    single = [(kp.phrase, kp.score) for kp in chosen if kp.words < 2]
    focus_tags = [(normalise_phrase(f) if language != "zh" else f.strip(), 1.0) for f in focus]
    out: list[tuple[str, float]] = []
    for tag, score in [*focus_tags, *multi, *single, *((e, 0.05) for e in extra)]:
        if not tag or len(tag) > 100 or any(tag == t for t, _ in out):
            continue
        # Never a piece of a tag already there (a focus topic may be held by its phrases).
        if any(phrase_in(tag, t) for t, _ in out) or any(
            phrase_in(t, tag) for t, _ in out if (t, 1.0) not in focus_tags
        ):
            continue
        if tags_length([t for t, _ in out] + [tag]) > TAGS_MAX:
            continue
        out.append((tag, round(float(score), 4)))
        if len(out) >= TAGS_COUNT_MAX:
            break
    return out


def _hashtag(phrase: str) -> str:
    parts = [p for p in re.split(r"[^\w]+", phrase) if p]
    return "#" + "".join(p[:1].upper() + p[1:] for p in parts) if parts else ""


def hashtags_for(tags: Sequence[str], *, limit: int = HASHTAGS_MAX) -> list[str]:
    """Up to three hashtags from the best short tags (one to four words), CamelCased.

    YouTube shows three above the title and ignores all of them past fifteen; a hashtag that
    repeats a word of a better one ("#Starter" after "#SourdoughStarter") is skipped.
    """
    out: list[str] = []
    covered: set[str] = set()
    for phrase in tags:
        words = set(phrase.split())
        if len(phrase.split()) > 4 or (words and words <= covered):
            continue
        tag = _hashtag(phrase)
        if len(tag) > 2 and len(tag) <= 30 and tag.lower() not in {h.lower() for h in out}:
            covered |= words
            out.append(tag)
        if len(out) >= limit:
            break
    return out


# -- everything ------------------------------------------------------------------------------
def build_metadata(
    words: list[TimedWord],
    *,
    duration_s: float,
    filename: str = "",
    width: int | None = None,
    height: int | None = None,
    language: str | None = None,
    options: MetaOptions | None = None,
) -> dict[str, Any]:
    """Titles, description, tags, hashtags and chapters for one video.

    Parameters
    ----------
    words
        The transcript's timed words (seconds), sorted. May be empty for a silent video, in
        which case the file name must carry the topic.
    duration_s, filename, width, height
        The file's facts; the duration decides whether there are chapters.
    language
        ``"en"``, ``"es"`` or ``"zh"`` (a recogniser's code such as ``"es-MX"`` is read
        too); detected from the transcript when not given. Everything is written in it.
    options
        Follow-up preferences (shorter titles, focus topics, chapters on/off).

    Returns
    -------
    dict
        The ``state["metadata"]`` shape documented in ``docs/internals.md`` (without the
        ``source``/``transcript`` bookkeeping the agent adds).

    Raises
    ------
    ValueError
        When neither the speech nor the file name says what the video is about.
    """
    opts = options or MetaOptions()
    text = words_text(words)
    file_topic = _file_topic(filename)
    lang = language_of(language, text) if language else detect_language(text or file_topic)
    kps = keyphrases(text, language=lang, top=40) if text else []
    if not file_topic and text and not any(_tag_ok(k, lang, relaxed=True) for k in kps):
        # Speech, but no phrase worth a tag ("he might even have been made amiable himself").
        raise ValueError(
            f"The speech in this video (“{_clip(text, 80)}”) is too short to say what the "
            "video is about, and its file name says nothing either. Rename the file after "
            "its topic or tell me what the video is about."
        )
    if not kps and not file_topic:
        raise ValueError(
            "I could not find any speech in this video and its file name says nothing about "
            "it, so there is nothing to base titles on. Rename the file after its topic or "
            "tell me what the video is about."
        )
    if not kps:  # a silent video with a telling file name
        kps = [Keyphrase(file_topic, 1.0, 1, len(file_topic.split()), False)]

    focus = [f for f in (f.strip() for f in opts.focus) if f]
    focus_kps: list[Keyphrase] = []
    sents_all = sentences(words) if words else []
    for topic in focus:
        related = " ".join(s.text for s in sents_all if phrase_in(topic, s.text))
        focus_kps += [
            kp for kp in (keyphrases(related, language=lang, top=10) if related else [])
            if phrase_in(topic, kp.phrase) or phrase_in(kp.phrase, topic)
        ]  # fmt: skip
    ranked_kps = focus_kps + [kp for kp in kps if kp.phrase not in {k.phrase for k in focus_kps}]
    extra = (
        [file_topic] if file_topic and not any(phrase_in(file_topic, k.phrase) for k in kps) else []
    )
    tags = _rank_tags(ranked_kps, focus, extra, lang)
    tag_names = [tg for tg, _ in tags]

    # The key phrase: the user's focus, else the best multi-word phrase when it is nearly as
    # good as the best phrase, else the best phrase.
    lead = [kp for kp in kps[:5] if kp.words >= 2 and kp.score >= 0.4 * kps[0].score]
    key = lead[0].phrase if lead else kps[0].phrase
    if focus:
        key = next((kp.phrase for kp in ranked_kps if phrase_in(focus[-1], kp.phrase)), focus[-1])
    keys = [key, *[tg for tg in tag_names if tg != key][:7]]

    t = _Text(words, kps, lang)
    chaps: list[Chapter] = (
        chapters(words, duration_s, language=lang) if opts.chapters and words else []
    )
    titles = titles_for(
        t, keys, chapter_titles=[c.title for c in chaps], max_chars=opts.max_title_chars
    )
    hook, summary = _description_lead(t, keys, text)
    if not hook:
        shown = key if lang != "en" else smart_title(key)
        hook = _end_stop(_sentence_case(shown), lang)
    hashtags = hashtags_for([tg for tg, score in tags if score >= 0.25])

    lab = labels(lang)
    parts = [hook]
    if summary:
        parts.append(summary)
    if chaps:
        parts.append(f"{lab['chapters']}:\n" + "\n".join(f"{c.stamp} {c.title}" for c in chaps))
    if hashtags:
        parts.append(" ".join(hashtags))
    description = "\n\n".join(parts)
    if len(description) > DESCRIPTION_MAX:  # only a very long summary could get here
        description = description[: DESCRIPTION_MAX - 1].rstrip() + "…"

    return {
        "titles": [{"text": x, "chars": len(x)} for x in titles],
        "key_phrase": key,
        "hook": hook,
        "summary": summary,
        "description": description,
        "chapters": [
            {"start_s": c.start_s, "end_s": c.end_s, "stamp": c.stamp, "title": c.title}
            for c in chaps
        ],
        "tags": [{"tag": tg, "score": s} for tg, s in tags],
        "tags_chars": tags_length(tag_names),
        "hashtags": hashtags,
        "language": lang,
        "options": opts.to_dict(),
        "facts": {
            "filename": filename,
            "duration_s": round(float(duration_s), 3),
            "width": width,
            "height": height,
            "language": lang,
            "words": len(words),
        },
    }


def render_markdown(meta: dict[str, Any], *, language: str | None = None) -> str:
    """The chat reply: titles, description, tags, with headings in ``language`` (the
    request's; the metadata's own language when not given)."""
    lab = labels(language or meta.get("language") or "en")
    lines = [f"**{lab['titles']}**"]
    lines += [f"{i}. {x['text']}" for i, x in enumerate(meta.get("titles", []), 1)]
    lines += ["", f"**{lab['description']}**", meta.get("description", "")]
    tags = [x["tag"] for x in meta.get("tags", [])]
    if tags:
        head = f"**{lab['tags']}** ({tags_length(tags)}/{TAGS_MAX} {lab['chars']})"
        lines += ["", head, ", ".join(tags)]
    return "\n".join(lines)
