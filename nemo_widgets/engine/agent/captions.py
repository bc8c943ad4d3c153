"""Chat intents for captions and subtitles: generate, translate, align a script, restyle, presets.

Skills: ``caption-generator-jobs``, ``ai-auto-caption``, ``ai-subtitles-for-video``. Speech
recognition runs in a worker thread via :meth:`Turn.work` so heartbeats stream meanwhile.
State: ``state["captions"][lang]`` holds words, cues, model and preset (see internals.md);
the draft gets one ``tt`` 7 caption track per language, one shown, the others hidden.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from ... import schema
from ..captions import draft as capdraft
from ..captions.cues import get_preset
from ..captions.pipeline import cue_entries, cues_for, summary_for
from ..captions.recognize import Transcript, Word
from .base import AgentError, Media, Turn, intent

log = logging.getLogger(__name__)

SKILLS = ("caption-generator-jobs", "ai-auto-caption", "ai-subtitles-for-video")

#: language code -> words that name it in a request (English and Chinese)
LANGUAGE_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("english", "英文", "英语"),
    "es": ("spanish", "español", "espanol", "西班牙语", "西班牙文"),
    "fr": ("french", "français", "法语", "法文"),
    "de": ("german", "deutsch", "德语", "德文"),
    "it": ("italian", "意大利语"),
    "pt": ("portuguese", "葡萄牙语"),
    "nl": ("dutch",),
    "ru": ("russian", "俄语"),
    "zh": ("chinese", "mandarin", "中文", "汉语", "中文字幕"),
    "ja": ("japanese", "日语", "日文"),
    "ko": ("korean", "韩语"),
    "ar": ("arabic",),
    "hi": ("hindi",),
}


def requested_languages(message: str) -> list[str]:
    """Languages named in the message, in the order they appear."""
    low = message.lower()
    found: list[tuple[int, str]] = []
    for code, names in LANGUAGE_WORDS.items():
        hits = [m.start() for n in names for m in re.finditer(rf"(?<!\w){re.escape(n)}", low)]
        if hits:
            found.append((min(hits), code))
    return [code for _, code in sorted(found)]


# "captions in Swahili": a word shaped like a language name after "in"/"into" that is not one
# of LANGUAGE_WORDS; style words of the same shape are not languages
_LANG_SHAPE = r"[a-z]+(?:ish|ese|ian|ic|ali|ili|ew|ai|du|og|ay)"
_LANGUAGE_LIKE = re.compile(
    rf"\b(?:in|into)\s+({_LANG_SHAPE})\b|\b({_LANG_SHAPE})\s+(?:captions?|subtitles?|subs)\b",
    re.IGNORECASE,
)
_NOT_LANGUAGES = frozenset(
    {
        "italic",
        "classic",
        "dynamic",
        "basic",
        "graphic",
        "automatic",
        "music",
        "magic",
        "comic",
        "epic",
        "public",
        "topic",
        "electric",
        "cinematic",
        "dramatic",
        "minimalistic",
        "stylish",
        "today",
        "display",
        "overlay",
        "relay",
        "way",
        "new",
        "view",
        "log",
        "dialog",
        "blog",
    }
)


def unknown_language(message: str) -> str | None:
    """A language the message asks captions in that this skill does not know, or None."""
    known = {name for names in LANGUAGE_WORDS.values() for name in names}
    for m in _LANGUAGE_LIKE.finditer(message):
        found = m.group(1) or m.group(2)
        if found.lower() not in known and found.lower() not in _NOT_LANGUAGES:
            return found
    return None


def _speech_media(turn: Turn) -> Media:
    video = turn.video()
    media = video or next((m for m in turn.media if m.file_type == "audio"), None)
    if media is None:
        raise AgentError(
            "Upload a video first (s.upload('clip.mp4') or the upload widget), then ask "
            "for captions."
        )
    if media.file_type == "video" and not media.has_audio:
        raise AgentError(
            f"{media.filename} has no audio track, so there is no speech to caption. Upload "
            "the version with sound, or give me the script and the timings as an SRT."
        )
    return media


def _captions_state(turn: Turn) -> dict[str, Any]:
    return turn.state.setdefault(schema.STATE_CAPTIONS, {})


def _fmt_time(s: float) -> str:
    s = max(0.0, s)
    return f"{int(s // 60)}:{s % 60:04.1f}"


def _entry(
    transcript: Transcript, media: Media, preset: dict[str, Any], cues: list[Any]
) -> dict[str, Any]:
    return {
        "language": transcript.language,
        "model": transcript.model,
        "engine": transcript.engine,
        "source": media.cdn_url,
        "duration_s": transcript.duration_s,
        "notes": list(transcript.notes),
        "preset": preset,
        "words": [w.to_dict() for w in transcript.words],
        "cues": cue_entries(cues, preset, transcript),
    }


def _current_preset(turn: Turn) -> dict[str, Any]:
    caps = _captions_state(turn)
    for entry in caps.values():
        if isinstance(entry, dict) and entry.get("preset"):
            return dict(entry["preset"])
    canvas = turn.state.get(schema.STATE_CANVAS) or {}
    w, h = canvas.get("width") or 16, canvas.get("height") or 9
    return get_preset("vertical" if h > w * 1.5 else "netflix").to_dict()


def _current_style(turn: Turn) -> dict[str, Any]:
    for t in capdraft.caption_tracks(turn.draft):
        if t.get(schema.SEG_STYLE):
            return dict(t[schema.SEG_STYLE])
    preset = _current_preset(turn)
    style = dict(capdraft.DEFAULT_STYLE)
    if preset.get("name") == "vertical":
        style[schema.STYLE_PRESET] = "vertical"
    return style


def _recognise_and_refine(path: Path, language: str | None) -> Transcript:
    """Recognition with trusted word timings: the captions pipeline's one way to get them."""
    from ..captions.pipeline import recognise

    return recognise(path, language=language)


def _rebuild_tracks(turn: Turn, show: str | None = None) -> None:
    """Caption tracks from ``state["captions"]``: ``show`` that language, else keep visibility."""
    caps = _captions_state(turn)
    style = _current_style(turn)
    draft = turn.draft
    before = {
        str(t.get(schema.TRACK_LANG)): bool(t.get(schema.TRACK_HIDDEN))
        for t in capdraft.caption_tracks(draft)
    }
    for lang, entry in caps.items():
        tmap = capdraft.TimeMap(draft, entry.get("source"))
        track = capdraft.caption_track({**entry, "language": lang}, style=style, time_map=tmap)
        capdraft.put_caption_track(draft, track)
    if not caps:
        return
    if show is not None:
        capdraft.show_only(draft, show if show in caps else next(iter(caps)))
        return
    shown = [lang for lang, hidden in before.items() if not hidden and lang in caps]
    if shown:
        capdraft.show_only(draft, shown[0])
    elif not before:
        capdraft.show_only(draft, next(iter(caps)))
    else:  # all were hidden on purpose: new tracks stay hidden too
        for t in capdraft.caption_tracks(draft):
            t[schema.TRACK_HIDDEN] = True


def _earlier_transcript(turn: Turn, media: Media) -> Transcript | None:
    """The recognition already made for this file in this session (reused, not redone)."""
    if re.search(r"\b(again|redo|re-?generate|re-?do|from scratch|fresh)\b", turn.message, re.I):
        return None
    for lang, entry in _captions_state(turn).items():
        if entry.get("engine") == "translation" or entry.get("source") != media.cdn_url:
            continue
        return Transcript(
            words=[Word.from_dict(w) for w in entry.get("words", [])],
            language=lang,
            model=str(entry.get("model")),
            duration_s=float(entry.get("duration_s") or 0.0),
            engine=str(entry.get("engine") or "faster-whisper"),
            notes=list(entry.get("notes") or []),
        )
    return None


async def _make_captions(
    turn: Turn, *, languages: list[str], script: str | None = None, burn: bool = False
) -> None:
    from ..captions.translate import TranslationUnavailable, language_name, translate_cues

    media = _speech_media(turn)
    preset = _current_preset(turn)
    caps = _captions_state(turn)
    spoken = None  # detected where the model can; English-only models say so in their notes
    earlier = _earlier_transcript(turn, media) if script is None else None
    if earlier is not None and earlier.words:
        transcript = earlier
    elif script is not None:
        from ..captions.align import align_script

        async with turn.tool("align_script", {"file": media.filename}) as result:
            transcript = await turn.work(align_script, media.path, script)
            result.update({"words": len(transcript.words), "model": transcript.model})
    else:
        async with turn.tool(
            "transcribe_audio", {"file": media.filename, "language": spoken}
        ) as result:
            transcript = await turn.work(_recognise_and_refine, media.path, spoken)
            result.update(
                {
                    "words": len(transcript.words),
                    "language": transcript.language,
                    "model": transcript.model,
                }
            )
    if not transcript.words:
        raise AgentError(
            f"I heard no speech in {media.filename} (model {transcript.model}), so there is "
            "nothing to caption. If it has speech, give me the script: 'use this script: ...'."
        )
    source = transcript.language
    cues = cues_for(transcript, preset)
    turn.checkpoint()
    caps[source] = _entry(transcript, media, preset, cues)
    cue_dicts = caps[source]["cues"]
    made = [source]
    missing: list[str] = []
    for lang in languages:
        if lang == source or lang in made:
            continue
        try:
            async with turn.tool("translate_captions", {"from": source, "to": lang}) as result:
                translated, provider = await turn.work(
                    translate_cues, cue_dicts, source, lang, preset
                )
                result.update({"cues": len(translated), "provider": provider})
        except TranslationUnavailable as exc:
            missing.append(str(exc))
            continue
        caps[lang] = {
            **caps[source],
            "language": lang,
            "engine": "translation",
            "model": provider,
            "translated_from": source,
            "words": [w for c in translated for w in c["words"]],
            "cues": translated,
        }
        made.append(lang)
    wanted = [lang for lang in languages if lang in made]
    _rebuild_tracks(turn, show=wanted[0] if wanted else source)
    # reply: what was made, and what was not
    first, last = cues[0].start_s, cues[-1].end_s
    if script is not None:
        how = f"aligned your script with {transcript.model}"
    elif transcript.engine.endswith("+align"):
        how = f"recognised with {transcript.model}, word timings aligned with pocketsphinx"
    else:
        how = f"recognised with {transcript.model}"
    lines = [
        f"Added {language_name(source)} captions: {len(cues)} cues, {len(transcript.words)} "
        f"words, covering {_fmt_time(first)}–{_fmt_time(last)} of {media.filename} ({how}; "
        f"{preset.get('name', 'netflix')} preset)."
    ]
    for lang in made[1:]:
        lines.append(
            f"Added {language_name(lang)} captions translated offline with {caps[lang]['model']}."
        )
    lines.extend(transcript.notes)
    lines.extend(missing)
    shown = wanted[0] if wanted else source
    if len(made) > 1:
        lines.append(
            f"The {language_name(shown)} track is shown; the others are kept hidden "
            "(say 'show the Spanish captions' to switch)."
        )
    if burn:
        lines.append("They will be burned into the video when you export (say 'export').")
    else:
        lines.append(
            "Say 'export' to burn them into the MP4, or download them as SRT, VTT or ASS "
            "(s.captions(format='srt'))."
        )
    lines.append(summary_for(cues, preset, transcript))  # the last line: the rules kept
    await turn.say("\n".join(lines))


@intent(
    "captions",
    # "an Instagram caption" is post text (video-meta-ai), not subtitles
    r"^(?!.*\b(instagram|insta|tiktok|facebook|linkedin|twitter|tweet|social media|posts?|"
    r"hashtags?)\b).*\b(auto[- ]?)?(captions?|subs|transcribe)\b",
    r"\b(subtitles?|closed captions)\b",
    r"\b(add|burn|put|generate)\b.*\bcaptions\b",
    r"字幕",
    r"\bcaption (this|it|the video)\b",
    cost=10,
    priority=1,
    skills=SKILLS,
    help="add captions (any languages: 'add captions in English and Spanish'), burn them in",
)
async def captions_intent(turn: Turn, match: re.Match[str]) -> None:
    unknown = unknown_language(turn.message)
    if unknown:
        # refuse before recognising (and charging) rather than quietly captioning in English
        known = ", ".join(w[0].capitalize() for w in LANGUAGE_WORDS.values())
        raise AgentError(
            f"I can't make captions in {unknown.capitalize()}. I know {known}: ask for one of "
            "those, e.g. add captions in English and Spanish."
        )
    languages = requested_languages(turn.message) or [
        turn.language if turn.language in LANGUAGE_WORDS else "en"
    ]
    if "en" not in languages:
        # the speech is recognised first (English with the packaged model), then translated
        languages = [*languages, "en"]
    burn = bool(re.search(r"\bburn|hard[- ]?(code|sub)|烧录|压制", turn.message, re.I))
    await _make_captions(turn, languages=languages, burn=burn)


@intent(
    "captions_script",
    r"(?:use|with|here(?: is|'s)|align)\s+(?:this|the|my)\s+script\s*[:：]?\s*(?P<script>.+)",
    r"(?:脚本|台词)\s*[:：]\s*(?P<script>.+)",
    cost=10,
    priority=3,
    skills=SKILLS,
    help="use this script: <text> (captions with your exact words, timed to the speech)",
)
async def script_intent(turn: Turn, match: re.Match[str]) -> None:
    text = (match.group("script") or "").strip().strip("\"'“”")
    candidate = Path(text).expanduser()
    if len(text) < 300 and "\n" not in text and candidate.suffix.lower() in {".txt", ".md"}:
        if not candidate.is_file():
            raise AgentError(f"I cannot find the script file {text}: check the path.")
        text = candidate.read_text(encoding="utf-8", errors="replace")
    if len(text.split()) < 2:
        raise AgentError(
            "Paste the script after 'use this script:' (the words spoken in the video)."
        )
    await _make_captions(turn, languages=["en"], script=text)


_COLOR_WORDS = (
    "white|black|red|green|blue|yellow|orange|purple|pink|cyan|gray|grey|"
    r"#[0-9a-f]{6}(?:[0-9a-f]{2})?"
)
_STYLE_PATTERNS = (
    rf"\b(captions?|subtitles?|subs)\b.*\b({_COLOR_WORDS}|bigger|larger|smaller|"
    r"top|bottom|middle|cent(er|re)|bold|karaoke|boxed?|plain|highlight)",
    r"\b(make|turn|color|colour|move|put|set|change)\b.*\b(captions?|subtitles?|subs)\b",
    r"\b(use|switch to|try)\b.*\b(karaoke|boxed|plain|word[- ]highlight)\b.*\bstyle\b",
    r"\b(karaoke|boxed|word[- ]highlight)\s+(style|captions?|subtitles?)\b",
)


def style_changes(message: str, current: dict[str, Any]) -> dict[str, Any]:
    """Style edits asked for in ``message`` (colour, size, position, burn style)."""
    from ..textburn import NAMED_COLORS  # the render's colour names, one list for both

    low = message.lower()
    out: dict[str, Any] = {}
    m = re.search(
        r"(?:highlight|active word)\D{0,20}?(" + _COLOR_WORDS + r")\b"
        r"|(?<![\w#])(" + _COLOR_WORDS + r")\s+(?:highlight|active word)",
        low,
    )
    if m:
        colour = m.group(1) or m.group(2)
        out[schema.STYLE_HIGHLIGHT] = NAMED_COLORS.get(colour, colour.upper())
        low = low.replace(m.group(0), " ")
    m = re.search(r"(?<![\w#])(" + _COLOR_WORDS + r")\b", low)
    if m:
        out[schema.STYLE_COLOR] = NAMED_COLORS.get(m.group(1), m.group(1).upper())
    from ..captions.burn import merged_style

    size = float(merged_style({schema.SEG_STYLE: current})[schema.STYLE_SIZE])
    m = re.search(r"\b(?:size|font size)\s*(?:to|=|of)?\s*(\d{2,3})\b", low)
    if m:
        out[schema.STYLE_SIZE] = int(m.group(1))
    elif re.search(r"\b(much )?(bigger|larger|big|large)\b", low):
        out[schema.STYLE_SIZE] = round(size * (1.5 if "much" in low else 1.25))
    elif re.search(r"\b(smaller|small|tiny)\b", low):
        out[schema.STYLE_SIZE] = round(size * 0.8)
    for word, pos in (
        ("top", "top-center"),
        ("bottom", "bottom-center"),
        ("middle", "center"),
        ("center", "center"),
        ("centre", "center"),
    ):
        if re.search(rf"\b(to|at|on) the {word}\b|\b{word}\b of the (screen|frame)", low):
            out[schema.STYLE_POSITION] = pos
            break
    if re.search(r"\bkaraoke|word[- ]highlight|highlight (the )?(active|current|each) word", low):
        out[schema.STYLE_PRESET] = "karaoke"
    elif re.search(r"\bboxed?\b|background box|\bbackground\b", low):
        out[schema.STYLE_PRESET] = "boxed"
        out[schema.STYLE_BOX] = "#000000A6"
    elif re.search(r"\bplain\b", low):
        out[schema.STYLE_PRESET] = "plain"
        out[schema.STYLE_BOX] = None
    elif re.search(r"\b(social|tiktok|reels?|vertical) style\b", low):
        out[schema.STYLE_PRESET] = "vertical"
    if re.search(r"\bnot bold|no bold|unbold\b", low):
        out[schema.STYLE_BOLD] = False
    elif re.search(r"\bbold\b", low):
        out[schema.STYLE_BOLD] = True
    return out


def _require_captions(turn: Turn) -> dict[str, Any]:
    caps = _captions_state(turn)
    if not caps:
        raise AgentError("There are no captions yet: say 'add captions' first.")
    return caps


# The reply says what was made and what was not (a language not available offline, an
# English-only model): the runner must never turn these turns into silent edits.
captions_intent.speaks = True  # type: ignore[attr-defined]
script_intent.speaks = True  # type: ignore[attr-defined]


@intent(
    "captions_style",
    *_STYLE_PATTERNS,
    cost=2,
    priority=2,
    skills=SKILLS,
    help="restyle captions: 'make the captions yellow and bigger', 'use karaoke style'",
)
async def style_intent(turn: Turn, match: re.Match[str]) -> None:
    current = _current_style(turn)
    changes = style_changes(turn.message, current)
    if not _captions_state(turn) and re.search(
        r"\b(add|generate|create|make)\b", turn.message, re.I
    ):
        await captions_intent(turn, match)  # "add yellow captions at the top"
        if changes:
            capdraft.restyle(turn.draft, changes)
        return
    _require_captions(turn)
    if not changes:
        raise AgentError(
            "I can change the captions' colour ('make the captions yellow'), size ('bigger'), "
            "position ('move them to the top') and style ('use karaoke style', 'boxed', "
            "'plain'). Which would you like?"
        )
    turn.checkpoint()
    n = capdraft.restyle(turn.draft, changes)
    said = ", ".join(
        f"{k} {v}" for k, v in changes.items() if k != schema.STYLE_BOX or v is not None
    )
    await turn.say(f"Updated the caption style ({said}) on {n} caption track(s).")


def preset_changes(message: str) -> tuple[str | None, dict[str, Any]]:
    """A preset name and/or field overrides asked for in ``message``."""
    low = message.lower()
    name = None
    m = re.search(r"\b(netflix|bbc|vertical|subtitle[- ]?edit)\b", low)
    if m:
        name = m.group(1).replace(" ", "-")
        name = "subtitle-edit" if name.startswith("subtitle") else name
    over: dict[str, Any] = {}
    m = re.search(r"(\d{1,3})\s*(?:characters|chars|character)(?:\s+(?:per|a|each)\s+line)?", low)
    if m:
        over["max_chars"] = max(8, int(m.group(1)))
    words = {"one": 1, "single": 1, "two": 2, "three": 3}
    m = re.search(r"\b(one|single|two|three|[123])[- ]lines?\b", low)
    if m:
        over["max_lines"] = words.get(m.group(1)) or int(m.group(1))
    m = re.search(r"(\d{1,2})\s*(?:words)\s*(?:per|a|each)\s*(?:cue|caption|subtitle)", low)
    if m:
        over["max_words"] = max(1, int(m.group(1)))
    m = re.search(r"(\d{1,2}(?:\.\d+)?)\s*(?:cps|characters per second)", low)
    if m:
        over["max_cps"] = float(m.group(1))
    return name, over


@intent(
    "captions_preset",
    r"\b(use|apply|switch to|follow)\b.*\b(netflix|bbc|vertical|subtitle[- ]?edit)\b.*"
    r"\b(preset|rules|guidelines?|style guide)\b",
    r"\b(netflix|bbc|subtitle[- ]?edit) (preset|rules|guidelines|style)\b",
    r"\b(max(imum)?|at most|up to|no more than)\s*\d{1,3}\s*(characters|chars)\b",
    r"\b\d{1,3}\s*(characters|chars) (per|a|each) line\b",
    r"\b(one|single|two|three|[123])[- ]lines? (captions?|subtitles?|max|per cue)\b",
    r"\b\d{1,2}\s*words (per|a|each) (cue|caption|subtitle)\b",
    cost=2,
    priority=3,
    skills=SKILLS,
    help="caption rules: 'use the vertical preset', 'max 32 characters per line'",
)
async def preset_intent(turn: Turn, match: re.Match[str]) -> None:
    caps = _require_captions(turn)
    name, over = preset_changes(turn.message)
    base = get_preset(name) if name else get_preset(_current_preset(turn))
    try:
        preset = base.with_overrides(**over)
    except ValueError as exc:
        raise AgentError(str(exc)) from exc
    turn.checkpoint()
    counts = []
    from ..captions.translate import TranslationUnavailable, translate_cues

    sources = {lang: e for lang, e in caps.items() if e.get("engine") != "translation"}
    for lang, entry in sources.items():
        words = [Word.from_dict(w) for w in entry.get("words", [])]
        t = Transcript(words, lang, str(entry.get("model")), float(entry.get("duration_s") or 0))
        cues = cues_for(t, preset)
        entry["cues"] = cue_entries(cues, preset, t)
        entry["preset"] = preset.to_dict()
        counts.append(f"{lang}: {summary_for(cues, preset, t)}")
    for lang, entry in caps.items():
        if entry.get("engine") != "translation" or entry.get("translated_from") not in sources:
            continue
        try:
            cues_t, _ = translate_cues(
                caps[entry["translated_from"]]["cues"], entry["translated_from"], lang, preset
            )
        except TranslationUnavailable:
            continue
        entry["cues"], entry["preset"] = cues_t, preset.to_dict()
        counts.append(f"{lang}: {len(cues_t)} cues")
    if name == "vertical":
        # the social look: its own size and outline (None falls back to the style's defaults)
        reset = {schema.STYLE_SIZE: None, schema.STYLE_OUTLINE: None, schema.STYLE_BOLD: None}
        capdraft.restyle(turn.draft, {schema.STYLE_PRESET: "vertical", **reset})
    _rebuild_tracks(turn)
    limits = (
        f"{preset.max_chars} characters × {preset.max_lines} lines, "
        f"{preset.min_duration_s:g}–{preset.max_duration_s:g} s on screen, "
        f"≤ {preset.max_cps:g} characters/s"
        + (f", ≤ {preset.max_words} words per cue" if preset.max_words else "")
    )
    await turn.say(
        f"Rebuilt the captions with the {preset.name} rules ({limits}): {'; '.join(counts)}."
    )


@intent(
    "captions_remove",
    r"\b(remove|delete|hide|turn off|switch off|disable|drop|no more)\b.*"
    r"\b(captions?|subtitles?|subs)\b",
    r"(删除|去掉|隐藏|关闭)字幕",
    cost=0,
    priority=3,
    skills=SKILLS,
    help="hide the captions (kept, not shown or burned) or remove them",
)
async def remove_intent(turn: Turn, match: re.Match[str]) -> None:
    caps = _require_captions(turn)
    turn.checkpoint()
    langs = [x for x in requested_languages(turn.message) if x in caps] or list(caps)
    tracks = [t for t in capdraft.caption_tracks(turn.draft) if t.get(schema.TRACK_LANG) in langs]
    if re.search(r"\b(remove|delete|drop)\b|删除|去掉", turn.message, re.I):
        turn.draft[schema.TRACKS] = [
            t for t in turn.draft.get(schema.TRACKS, []) if t not in tracks
        ]
        for lang in langs:
            caps.pop(lang, None)
        await turn.say(f"Removed the {', '.join(langs)} captions from the project.")
        return
    for t in tracks:
        t[schema.TRACK_HIDDEN] = True
    await turn.say(
        f"Hid the {', '.join(langs)} captions: they stay in the project (downloadable) but are "
        "not shown or burned in. Say 'show the English captions' to bring them back."
    )


@intent(
    "captions_show",
    r"\b(show|display|use|switch to)\b.*\b(english|spanish|french|german|chinese|japanese|"
    r"italian|portuguese|korean|russian|dutch)\b.*\b(captions?|subtitles?|track)\b",
    cost=0,
    priority=2,
    skills=SKILLS,
    help="show the Spanish captions (switch the visible caption track)",
)
async def show_intent(turn: Turn, match: re.Match[str]) -> None:
    caps = _require_captions(turn)
    langs = requested_languages(turn.message)
    lang = next((x for x in langs if x in caps), None)
    if lang is None:
        raise AgentError(
            f"There are no {', '.join(langs)} captions; available: {', '.join(caps)}. "
            "Ask 'add captions in …' first."
        )
    turn.checkpoint()
    _rebuild_tracks(turn, show=lang)
    await turn.say(f"Showing the {lang} captions; the others are hidden.")


@intent(
    "captions_style_them",
    r"\b(move|put) (them|it) (to|at) the (top|bottom|middle|cent(er|re))\b",
    r"\bmake (them|it) (bigger|larger|smaller|bold|" + _COLOR_WORDS + r")\b",
    cost=2,
    skills=SKILLS,
    help="",
)
async def style_them_intent(turn: Turn, match: re.Match[str]) -> None:
    await style_intent(turn, match)


__all__ = ["preset_changes", "requested_languages", "style_changes"]
