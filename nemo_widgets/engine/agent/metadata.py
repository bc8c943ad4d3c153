"""video-meta-ai in the engine: titles, description, tags, hashtags and chapters for a video.

The words come from the session's captions when there are some, else from recognising the
uploaded video now (``engine.captions.transcribe``, in a thread with heartbeats). The result
is kept in ``state["metadata"]`` (shape in ``docs/internals.md``) with the transcript, so
follow-ups ("shorter titles", "more tags about solar") rebuild without recognising again.
"""

from __future__ import annotations

import re
import time
from typing import Any

from ... import schema
from ..meta.language import detect_language, language_of
from ..meta.titles import SHORT_TITLE_MAX, MetaOptions, build_metadata, render_markdown
from ..meta.words import TimedWord, coerce_words
from .base import AgentError, Media, Turn, intent

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


@intent(
    "metadata",
    r"\b(generate|create|write|suggest|make|give me|need|get|come up with|improve|optimi[sz]e)\b"
    r".*\b" + _WHAT + r"\b",
    r"\btitles?,?\s+(descriptions?|tags?)\b",
    r"\b(youtube|video)\s+(titles?|tags|metadata|description)\b",
    r"\bmetadata\b",
    r"(生成|写|给我).*(标题|标签|描述|简介)|^(标题|标签)",
    r"\b(genera|generar|crea|crear|escribe|sugiere|dame|haz|hazme|necesito|quiero|mejora)\b"
    r".*\b(t[íi]tulos?|etiquetas?|descripci[oó]n(es)?|hashtags?|cap[íi]tulos?|metadatos)\b",
    r"\bt[íi]tulos?,?\s+(descripci|etiquetas?)",
    cost=COST,
    skills=SKILL,
    help="titles, a description (with chapters) and tags for your video",
)
async def metadata_intent(turn: Turn, match: re.Match[str]) -> None:
    """Titles, description, tags, hashtags and chapters from the uploaded video's speech."""
    old = MetaOptions.from_dict((turn.state.get(schema.STATE_METADATA) or {}).get("options"))
    meta = await _generate(turn, MetaOptions(max_title_chars=old.max_title_chars), reuse=True)
    asked = detect_language(turn.message, default="en")
    await turn.say(render_markdown(meta, language=asked) + _footer(meta, asked))


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


_FOCUS = re.compile(
    r"(?:more|extra|additional)\s+tags?\s+(?:about|on|for|around|related to)\s+(.+)|"
    r"tags?\s+about\s+(.+)|(?:focus|emphasi[sz]e)\s+(?:on\s+)?(.+)|"
    r"更多(?:关于)?(.+?)的?标签|m[áa]s\s+etiquetas\s+(?:sobre|de)\s+(.+)",
    re.IGNORECASE,
)


@intent(
    "metadata-refine",
    r"\b(shorter|longer|snappier|punchier)\s+(titles?|description)\b",
    r"\b(more|extra|additional|fewer)\s+tags?\b",
    r"\btags?\s+about\s+\w",
    r"\b(no|without|remove|drop|add|with)\s+chapters\b",
    r"更短的?标题|更多.*标签|不要章节",
    r"\bt[íi]tulos\s+m[áa]s\s+(cortos|largos)\b|\bm[áa]s\s+etiquetas\b|\bsin\s+cap[íi]tulos\b",
    priority=1,  # "more tags about X" is always a follow-up, never a fresh request
    cost=COST,
    skills=SKILL,
    help='refine the metadata: "shorter titles", "more tags about X", "no chapters"',
)
async def metadata_refine_intent(turn: Turn, match: re.Match[str]) -> None:
    """Rebuild the previous metadata with the user's change, reusing its transcript."""
    previous = turn.state.get(schema.STATE_METADATA)
    if not previous:
        raise AgentError(
            'There are no titles or tags to refine yet: ask "generate titles, descriptions, '
            'and tags for my YouTube video" first.'
        )
    opts = MetaOptions.from_dict(previous.get("options"))
    text = turn.message
    changes = []
    if re.search(r"shorter|snappier|punchier|更短|m[áa]s\s+cortos", text, re.IGNORECASE):
        opts.max_title_chars = SHORT_TITLE_MAX if opts.max_title_chars > SHORT_TITLE_MAX else 45
        changes.append(f"titles of at most {opts.max_title_chars} characters")
    elif re.search(r"longer\s+titles?", text, re.IGNORECASE):
        opts.max_title_chars = 100
        changes.append("titles up to 100 characters")
    found = _FOCUS.search(text)
    if found:
        topic = next(g for g in found.groups() if g)
        topic = re.split(r"[.,;!?]| and (?:shorter|longer)", topic)[0].strip(" '\"")
        if topic:
            opts.focus = [f for f in opts.focus if f != topic] + [topic]
            changes.append(f"more tags about {topic}")
    if re.search(
        r"\b(no|without|remove|drop)\s+chapters\b|sin\s+cap[íi]tulos|不要章节", text, re.I
    ):
        opts.chapters = False
        changes.append("no chapters")
    elif re.search(r"\b(add|with)\s+chapters\b", text, re.IGNORECASE):
        opts.chapters = True
        changes.append("chapters when the video is long enough")
    if not changes:
        raise AgentError(
            'Tell me what to change, e.g. "shorter titles", "more tags about pricing" or '
            '"no chapters".'
        )
    meta = await _generate(turn, opts, reuse=True)
    words = meta["transcript"]["words"]
    note = ""
    for topic in opts.focus:
        if not any(topic.lower() in w[0].lower() for w in words):
            note = f"\n\nNote: “{topic}” is never said in the video; I added it as a tag as asked."
    asked = detect_language(text, default="en")
    head = {"es": "Actualizado", "zh": "已更新"}.get(asked, "Updated")
    await turn.say(
        f"{head}: " + ", ".join(changes) + ".\n\n" + render_markdown(meta, language=asked) + note
    )


@intent(
    "metadata-clips",
    r"\bgenerate\s+(my\s+)?(video\s+)?clips?\b",
    r"生成.*片段",
    skills=SKILL,
    help="what this skill can do with your clips",
)
async def clips_intent(turn: Turn, match: re.Match[str]) -> None:
    """'generate my video clips': this skill writes metadata; say so and offer the next step."""
    video = turn.video()
    if video is None:
        await turn.say(
            "This skill writes titles, descriptions and tags for videos you already have; it "
            "does not film new clips. Upload your video (mp4, mov, avi, webm, mkv; up to "
            '500 MB) and say "generate titles, descriptions, and tags for my YouTube video". '
            "To plan new footage, ask for a text-to-video prompt instead, e.g. "
            '"generate a detailed video prompt for a 30-second product showcase".'
        )
        return
    await turn.say(
        f"I can't generate new footage here, but I can write the metadata for "
        f'“{video.filename}”: say "generate titles, descriptions, and tags for my YouTube '
        'video". For new clips, ask for a text-to-video prompt ("generate a detailed video '
        'prompt for …") and use it with a video generator.'
    )


# The text is what these turns produce: never drop it as a "silent" editing turn (runner.py).
metadata_intent.speaks = True  # type: ignore[attr-defined]
metadata_refine_intent.speaks = True  # type: ignore[attr-defined]
