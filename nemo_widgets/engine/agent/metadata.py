"""video-meta-ai rows: titles, description, tags, hashtags and chapters for a video.

The words come from the session's captions when there are some, else from recognising the
uploaded video now (``engine.captions.transcribe``, in a thread with heartbeats). The result
is kept in ``state["metadata"]`` (shape in ``docs/internals.md``) with the transcript, so
follow-ups ("shorter titles", "more tags about solar") rebuild without recognising again.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from ... import schema
from ..meta.language import detect_language, language_of
from ..meta.titles import SHORT_TITLE_MAX, MetaOptions, build_metadata, render_markdown
from ..meta.words import TimedWord, coerce_words
from .base import AgentError, Media, Turn
from .reader import Clause, Command, Context, Row

SKILL = ("video-meta-ai",)
COST = 10  # credits per generation ("text 5-15 s" in the contract; editing is ~50)

_WHAT = r"(titles?|tags?|descriptions?|hashtags?|chapters?|metadata|seo|youtube description)"


def _source(turn: Turn) -> Media:
    media = turn.video() or next((m for m in turn.media if m.file_type == "audio"), None)
    if media is None:
        raise AgentError(
            "Upload the video first (mp4, mov, avi, webm or mkv), then ask again for titles, "
            "a description and tags: I write them from what is said in it."
        )
    return media


def _words_from_captions(state: dict[str, Any], language: str) -> tuple[list[TimedWord], str]:
    caps = state.get(schema.STATE_CAPTIONS) or {}
    if not isinstance(caps, dict) or not caps:
        return [], ""
    lang = language if language in caps else next(iter(caps))
    entry = caps.get(lang) or {}
    words = coerce_words(entry.get("words") or [], st_unit="s")
    if not words:  # older entries may carry only cues with their words inside
        words = coerce_words(
            [w for cue in entry.get("cues") or [] for w in (cue.get("words") or [])], st_unit="s"
        )
    return words, str(entry.get("language") or lang)


async def _transcribe(turn: Turn, media: Media) -> tuple[list[TimedWord], str, str]:
    try:
        from ..captions import transcribe
    except ImportError as exc:  # the captions package is part of the engine; say so plainly
        raise AgentError(
            "Speech recognition is not available in this engine installation "
            f"({exc}); reinstall nemo-widgets, or add captions first and ask again."
        ) from exc
    async with turn.tool("transcribe", {"file": media.filename}) as result:
        transcript = await turn.work(transcribe, media.path)
        result.update(
            {
                "status": "ok",
                "words": len(transcript.words),
                "language": transcript.language,
                "model": transcript.model,
            }
        )
    return coerce_words(transcript.words), transcript.language, transcript.model


async def _generate(turn: Turn, options: MetaOptions, *, reuse: bool) -> dict[str, Any]:
    previous = turn.state.get(schema.STATE_METADATA) or {}
    media = _source(turn)
    cached = previous.get("transcript") or {}
    if reuse and cached.get("cdn_url") == media.cdn_url and cached.get("words") is not None:
        words = coerce_words(cached["words"], st_unit="s")
        language, model, origin = cached.get("language", "en"), cached.get("model", ""), "cache"
    else:
        words, language = _words_from_captions(turn.state, turn.language)
        model, origin = "", "captions"
        if not words:
            words, language, model = await _transcribe(turn, media)
            origin = "recognition"
    duration = media.duration_s or (words[-1].end_s if words else 0.0)
    async with turn.tool(
        "generate_metadata", {"file": media.filename, "options": options.to_dict()}
    ) as result:
        try:
            meta = await turn.work(
                build_metadata,
                words,
                duration_s=duration,
                filename=media.filename,
                width=media.width,
                height=media.height,
                # The recogniser's language when it says one, else read from the words.
                language=language_of(language, " ".join(w.text for w in words[:200]))
                if language
                else None,
                options=options,
            )
        except ValueError as exc:
            raise AgentError(str(exc)) from exc
        result.update({"status": "ok", "titles": len(meta["titles"]), "tags": len(meta["tags"])})
    meta["source"] = {"cdn_url": media.cdn_url, "words_from": origin}
    meta["transcript"] = {
        "cdn_url": media.cdn_url,
        "language": language,
        "model": model,
        "words": [[w.text, round(w.start_s, 3), round(w.end_s, 3)] for w in words],
    }
    meta["updated_at"] = time.time()
    turn.state[schema.STATE_METADATA] = meta
    return meta


@dataclass(frozen=True)
class GenerateMetadata(Command):
    """Titles, a description (with chapters), tags and hashtags from the video's speech."""

    cost = COST


@dataclass(frozen=True)
class RefineMetadata(Command):
    """Rebuild the last metadata: ``shorter`` / ``longer`` titles, ``focus`` tags, chapters."""

    shorter: bool = False
    longer: bool = False
    focus: tuple[str, ...] = ()
    chapters: bool | None = None
    cost = COST


_GENERATE = re.compile(
    r"\b(?:generate|create|write|suggest|make|give me|need|get|come up with|improve|optimi[sz]e|"
    r"genera|crea|escribe|sugiere|dame|haz|hazme|necesito|quiero|mejora)\b|生成|写|给我|想"
)
_WHAT_RE = re.compile(
    r"\b(?:titles?|tags?|descriptions?|hashtags?|chapters?|metadata|seo|youtube description|"
    r"t[ií]tulos?|etiquetas?|descripci[oó]n(?:es)?|cap[ií]tulos?|metadatos)\b|标题|标签|描述|简介|章节"
)
_META_ONLY = re.compile(
    r"\b(?:descriptions?|tags?|hashtags?|chapters?|metadata|seo|etiquetas?|descripci[oó]n(?:es)?|"
    r"cap[ií]tulos?|metadatos)\b|标签|描述|简介|章节"
)
_FOCUS = re.compile(
    r"(?:more|extra|additional)\s+tags?\s+(?:about|on|for|around|related to)\s+(.{1,120})|"
    r"tags?\s+about\s+(.{1,120})|(?:focus|emphasi[sz]e)\s+(?:on\s+)?(.{1,120})|"
    r"更多(?:关于)?(.{1,40}?)的?标签|m[aá]s\s+etiquetas\s+(?:sobre|de)\s+(.{1,120})",
)
_REFINE = re.compile(
    r"\b(?:shorter|longer|snappier|punchier)\s+(?:titles?|descriptions?)\b|\b(?:more|extra|additional|fewer)\s+tags?\b|"
    r"\btags?\s+about\s+\w|\b(?:no|without|remove|drop|add|with)\s+chapters\b|更短的?标题|更多.{0,20}标签|"
    r"\bt[ií]tulos m[aá]s (?:cortos|largos)\b|\bm[aá]s etiquetas\b|\bsin cap[ií]tulos\b|不要章节"
)


def parse_metadata(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _REFINE.search(n) and (
        ctx.has_metadata or not _GENERATE.search(n) or not _META_ONLY.search(n)
    ):
        opts = _refinement(clause.unquote(n))
        if opts is not None:
            return [opts]
    if not _WHAT_RE.search(n):
        return None
    if re.search(r"⟦\d+⟧|\b(?:on screen|at the (?:top|bottom|start|end)|for \d|from \d)\b", n):
        return None  # a title with text and a place on screen is the titles' row
    if _GENERATE.search(n) and (
        _META_ONLY.search(n) or re.search(r"\btitles\b|\bideas?\b|\byoutube\b|标题", n)
    ):
        return [GenerateMetadata()]
    if re.search(
        r"^\s*(?:metadata|titles?,? (?:descriptions?|tags)|(?:youtube|video) (?:titles?|tags|"
        r"metadata|description))",
        n,
    ) or re.search(r"^(?:标题|标签)", n):
        return [GenerateMetadata()]
    if re.search(r"\bgenerate my text descriptions?\b", n):
        return [GenerateMetadata()]
    return None


def _refinement(text: str) -> RefineMetadata | None:
    shorter = bool(re.search(r"shorter|snappier|punchier|更短|m[aá]s cortos", text))
    longer = not shorter and bool(re.search(r"longer\s+titles?|t[ií]tulos m[aá]s largos", text))
    focus: tuple[str, ...] = ()
    found = _FOCUS.search(text)
    if found:
        topic = next(g for g in found.groups() if g)
        topic = re.split(r"[.,;!?]| and (?:shorter|longer)", topic)[0].strip(" '\"")
        if topic:
            focus = (topic,)
    chapters = None
    if re.search(r"\b(?:no|without|remove|drop)\s+chapters\b|\bsin cap[ií]tulos\b|不要章节", text):
        chapters = False
    elif re.search(r"\b(?:add|with)\s+chapters\b", text):
        chapters = True
    if not (shorter or longer or focus or chapters is not None):
        return None
    return RefineMetadata(shorter, longer, focus, chapters)


async def apply_metadata(cmd: Command, turn: Turn) -> str:
    if isinstance(cmd, GenerateMetadata):
        old = MetaOptions.from_dict((turn.state.get(schema.STATE_METADATA) or {}).get("options"))
        meta = await _generate(turn, MetaOptions(max_title_chars=old.max_title_chars), reuse=True)
        asked = detect_language(turn.message, default="en")
        return render_markdown(meta, language=asked) + _footer(meta, asked)
    assert isinstance(cmd, RefineMetadata)
    previous = turn.state.get(schema.STATE_METADATA)
    if not previous:
        raise AgentError(
            'There are no titles or tags to refine yet: ask "generate titles, descriptions, '
            'and tags for my YouTube video" first.'
        )
    opts = MetaOptions.from_dict(previous.get("options"))
    changes = []
    if cmd.shorter:
        opts.max_title_chars = SHORT_TITLE_MAX if opts.max_title_chars > SHORT_TITLE_MAX else 45
        changes.append(f"titles of at most {opts.max_title_chars} characters")
    elif cmd.longer:
        opts.max_title_chars = 100
        changes.append("titles up to 100 characters")
    for topic in cmd.focus:
        opts.focus = [f for f in opts.focus if f != topic] + [topic]
        changes.append(f"more tags about {topic}")
    if cmd.chapters is False:
        opts.chapters = False
        changes.append("no chapters")
    elif cmd.chapters:
        opts.chapters = True
        changes.append("chapters when the video is long enough")
    meta = await _generate(turn, opts, reuse=True)
    words = meta["transcript"]["words"]
    note = ""
    for topic in opts.focus:
        if not any(topic.lower() in w[0].lower() for w in words):
            note = f"\n\nNote: “{topic}” is never said in the video; I added it as a tag as asked."
    asked = detect_language(turn.message, default="en")
    head = {"es": "Actualizado", "zh": "已更新"}.get(asked, "Updated")
    return f"{head}: " + ", ".join(changes) + ".\n\n" + render_markdown(meta, language=asked) + note


# Reply wording in the request's language; the metadata itself is in the speech's language.
_FOOTER = {
    "en": {
        "chapters": "{n} chapters are in the description.",
        "none": "No chapters: the video is too short or has no clear topic shifts.",
        "next": 'Ask for "shorter titles" or "more tags about …" to refine; everything is '
        "also in `session.metadata()`.",
        "spoken": "The titles, description and tags are in {lang}, the language spoken in the "
        "video.",
    },
    "es": {
        "chapters": "La descripción incluye {n} capítulos.",
        "none": "Sin capítulos: el vídeo es demasiado corto o no cambia claramente de tema.",
        "next": "Pide «títulos más cortos» o «más etiquetas sobre …» para ajustarlo; todo está "
        "también en `session.metadata()`.",
        "spoken": "Los títulos, la descripción y las etiquetas están en {lang}, el idioma que se "
        "habla en el vídeo.",
    },
    "zh": {
        "chapters": "简介中包含{n}个章节。",
        "none": "没有章节：视频太短，或没有明显的话题转换。",
        "next": "可以说“更短的标题”或“更多关于…的标签”来调整；"
        "所有内容也在 `session.metadata()` 中。",
        "spoken": "标题、简介和标签使用视频中所说的语言（{lang}）。",
    },
}
_LANGUAGE_NAMES = {
    "en": {"en": "English", "es": "Spanish", "zh": "Chinese"},
    "es": {"en": "inglés", "es": "español", "zh": "chino"},
    "zh": {"en": "英语", "es": "西班牙语", "zh": "中文"},
}


def _footer(meta: dict[str, Any], asked: str = "en") -> str:
    words = _FOOTER.get(asked, _FOOTER["en"])
    n = len(meta.get("chapters") or [])
    parts = [words["chapters"].format(n=n) if n else words["none"], words["next"]]
    spoken = meta.get("language") or "en"
    if spoken != asked:  # nothing is translated: say why the titles are not in the request's
        parts.insert(0, words["spoken"].format(lang=_LANGUAGE_NAMES[asked].get(spoken, spoken)))
    return "\n\n" + " ".join(parts)


ROWS = [
    Row(
        "metadata",
        parse_metadata,
        apply_metadata,
        about=r"titles|tags|description|hashtags|chapters|metadata|seo|标签|描述|etiquetas",
        subject="metadata",
        speaks=True,
        skills=SKILL,
        help="titles, a description (with chapters) and tags for your video; refine them "
        '("shorter titles", "more tags about X", "no chapters")',
    ),
]
