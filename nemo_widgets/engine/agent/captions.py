"""Caption rows: generate, translate, align a script, restyle, presets, show, hide, remove.

Skills: ``caption-generator-jobs``, ``ai-auto-caption``, ``ai-subtitles-for-video``. Speech
recognition runs in a worker thread via :meth:`Turn.work` so heartbeats stream meanwhile.
State: ``state["captions"][lang]`` holds words, cues, model and preset (see internals.md);
the draft gets one ``tt`` 7 caption track per language (one shown, or two for bilingual
captions, the others hidden), placed through the timeline model. Languages are read with
:mod:`..languages`: the captions asked for, and the language spoken when the message says it
("the speech is in Spanish"; otherwise it is detected). An unknown language, or speech no
installed model recognises, is refused before any work, and nothing is charged; a second
language is made only by a real translator (Whisper's speech translation into English, an
Argos pack, an Apertium pair labelled a draft), else the reply says what would make it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import schema
from .. import languages as langs
from .. import timeline as tl
from ..captions import draft as capdraft
from ..captions.cues import get_preset
from ..captions.pipeline import cue_entries, cues_for, summary_for
from ..captions.recognize import Transcript, Word
from .base import AgentError, Media, Turn
from .caption_languages import (
    requested_languages,
    spoken_language,
    unknown_languages,
)
from .reader import SCALE, Clause, Command, Context, Row, colors, position, sized

log = logging.getLogger(__name__)

SKILLS = ("caption-generator-jobs", "ai-auto-caption", "ai-subtitles-for-video")
COST = 10


_ABOUT_SPEECH = re.compile(
    r"\b(?:speech|audio|voice|narration|dialogue|spoken|speaks?|speaking)\b|语音|音频|对白|说的|讲的"
)
_BOTH_LANGUAGES = re.compile(
    r"\b(?:show|burn|display|use)\b.*\bboth\b.*\b(?:languages|tracks)\b|显示两种语言|双语显示"
)
_BILINGUAL = re.compile(
    r"\b(?:bilingual|dual[- ]language|two[- ]language|both languages|both of them|both tracks|"
    r"(?:show|burn|display|use) (?:them )?both|both (?:captions|subtitles)|(?:at the same time|"
    r"together))\b|双语|两种语言|ambos idiomas|biling[üu]e",
    re.IGNORECASE,
)


# ================================================================================================
# Commands
# ================================================================================================
@dataclass(frozen=True)
class AddCaptions(Command):
    """Captions in ``languages`` (empty: the language spoken).

    ``spoken`` is the language the user says is spoken (None: detected); ``both`` shows the
    first two languages together (bilingual captions).
    """

    languages: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()
    burn: bool = False
    fresh: bool = False  # recognise again instead of reusing this session's recognition
    spoken: str | None = None
    both: bool = False
    cost = COST

    def merge(self, later: Command) -> Command | None:
        if isinstance(later, ShowBothCaptions):  # "add English and Spanish captions, show both"
            return AddCaptions(
                tuple(dict.fromkeys(self.languages + later.languages)),
                self.unknown, self.burn, self.fresh, self.spoken, both=True,
            )  # fmt: skip
        if not isinstance(later, AddCaptions):
            return None
        return AddCaptions(
            tuple(dict.fromkeys(self.languages + later.languages)),
            tuple(dict.fromkeys(self.unknown + later.unknown)),
            self.burn or later.burn,
            self.fresh or later.fresh,
            self.spoken or later.spoken,
            self.both or later.both,
        )


@dataclass(frozen=True)
class CaptionScript(Command):
    """Captions with the user's exact words, timed to the speech."""

    script: str
    cost = COST


@dataclass(frozen=True)
class StyleCaptions(Command):
    changes: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    cost = 2

    def merge(self, later: Command) -> Command | None:
        if not isinstance(later, StyleCaptions) or later.lang != self.lang:
            return None
        return StyleCaptions({**self.changes, **later.changes}, self.lang)


@dataclass(frozen=True)
class CaptionPreset(Command):
    name: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    cost = 2


@dataclass(frozen=True)
class HideCaptions(Command):
    languages: tuple[str, ...] = ()
    remove: bool = False


@dataclass(frozen=True)
class ShowCaptions(Command):
    language: str


@dataclass(frozen=True)
class ShowBothCaptions(Command):
    """Bilingual captions: two caption languages on screen at once, one line each."""

    languages: tuple[str, ...] = ()


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
    caps = turn.state.get(schema.STATE_CAPTIONS)
    return caps if isinstance(caps, dict) else {}


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
    for t in turn.timeline().caption_tracks():
        if t.style:
            return dict(t.style)
    preset = _current_preset(turn)
    style = dict(capdraft.DEFAULT_STYLE)
    if preset.get("name") == "vertical":
        style[schema.STYLE_PRESET] = "vertical"
    return style


def _recognise_and_refine(
    path: Path, language: str | None, expected: tuple[str, ...] = (), task: str = "transcribe"
) -> Transcript:
    """Recognition with trusted word timings: the captions pipeline's one way to get them.

    ``expected`` are the languages the user asked for (the detector's tie-breaker when it is
    unsure); ``task="translate"`` is Whisper's speech translation into English.
    """
    from ..captions.pipeline import recognise

    return recognise(path, language=language, expected=expected, task=task)


_COLOR_WORDS = (
    "white|black|red|green|blue|yellow|orange|purple|pink|cyan|gray|grey|"
    r"#[0-9a-f]{6}(?:[0-9a-f]{2})?"
)


def style_changes(message: str, current: dict[str, Any]) -> dict[str, Any]:
    """Style edits asked for in ``message`` (colour, size, position, burn style)."""
    from ..captions.burn import merged_style

    size = float(merged_style({schema.SEG_STYLE: current})[schema.STYLE_SIZE])
    return sized(caption_style(message.lower()), size)


def caption_style(low: str) -> dict[str, Any]:
    """Style edits a clause names (a relative size as ``reader.SCALE``)."""
    from ..textburn import NAMED_COLORS  # the render's colour names, one list for both

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
    elif found := colors(low):
        out[schema.STYLE_COLOR] = found[0][1]
    m = re.search(r"\b(?:size|font size)\s*(?:to|=|of)?\s*(\d{2,3})\b", low)
    if m:
        out[schema.STYLE_SIZE] = int(m.group(1))
    elif re.search(r"\b(much )?(bigger|larger|big|large)\b|更大|大一|放大|m[aá]s grande", low):
        out[SCALE] = 1.5 if "much" in low else 1.25
    elif re.search(r"\b(smaller|small|tiny)\b|更小|小一|缩小|m[aá]s peque", low):
        out[SCALE] = 0.8
    if (
        schema.STYLE_POSITION not in out
        and (pos := position(low))
        and not re.search(r"\bat the (?:start|end)\b", low)
    ):
        out[schema.STYLE_POSITION] = pos
    for word, pos in (
        ("top", "top-center"),
        ("bottom", "bottom-center"),
        ("middle", "center"),
        ("center", "center"),
        ("centre", "center"),
    ):
        if re.search(rf"\b(to|at|on|in) the {word}\b|\b{word}\b of the (screen|frame)", low):
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


# ================================================================================================
# Caption tracks on the draft (through the timeline model)
# ================================================================================================
#: The second language of bilingual captions: smaller and pale yellow, beyond the first.
SECOND_LANGUAGE = {schema.STYLE_COLOR: "#FFE08A"}
SECOND_LANGUAGE_SCALE = 0.8


def show_together(draft: tl.Draft, first: str, second: str) -> tl.Draft:
    """Bilingual captions: ``first`` as styled, ``second`` smaller in another colour beside it
    (above it at the bottom of the frame), the other languages hidden."""
    from ..captions.burn import merged_style

    draft = tl.show_captions_together(draft, first, second)
    track = next(t for t in draft.caption_tracks() if t.lang == first)
    base = dict(track.style or capdraft.DEFAULT_STYLE)
    size = float(merged_style({schema.SEG_STYLE: base})[schema.STYLE_SIZE])
    second_style = {
        **base,
        **SECOND_LANGUAGE,
        schema.STYLE_SIZE: round(size * SECOND_LANGUAGE_SCALE),
    }
    draft, _ = tl.restyle_captions(draft, second_style, second, base=capdraft.DEFAULT_STYLE)
    return draft


def rebuild_tracks(
    draft: tl.Draft, caps: dict[str, Any], style: dict[str, Any], show: str | None = None
) -> tl.Draft:
    """Caption tracks from ``caps``: ``show`` that language, else keep what was shown (one
    language, or two together)."""
    before = {t.lang: t.hidden for t in draft.caption_tracks()}
    for lang, entry in caps.items():
        tmap = capdraft.TimeMap(draft, entry.get("source"))
        track = capdraft.track_of({**entry, "language": lang}, style=style, time_map=tmap)
        draft = tl.set_caption_track(draft, track)
    if not caps:
        return draft
    if show is not None:
        return tl.show_captions(draft, show if show in caps else next(iter(caps)))
    shown = [lang for lang, hidden in before.items() if not hidden and lang in caps]
    if len(shown) >= 2:  # bilingual captions stay bilingual through a new preset or style
        return show_together(draft, shown[0], shown[1])
    if shown:
        return tl.show_captions(draft, shown[0])
    if not before:
        return tl.show_captions(draft, next(iter(caps)))
    return tl.show_captions(draft, None)  # all were hidden on purpose: new ones stay hidden


def _earlier_transcript(
    caps: dict[str, Any], media: Media, spoken: str | None = None
) -> Transcript | None:
    """The recognition already made for this file in this session (reused, not redone), unless
    the user now says the speech is in another language."""
    for lang, entry in caps.items():
        if entry.get("engine") == "translation" or entry.get("source") != media.cdn_url:
            continue
        if spoken is not None and lang != spoken:
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


def _reachable(lang: str) -> bool:
    """Whether captions in ``lang`` can be made: recognised directly, or translated to."""
    from ..captions.recognize import supported_languages
    from ..captions.translate import provider_for

    if langs.can_caption(lang):
        return True
    return any(provider_for(src, lang) for src in supported_languages())


#: Languages named as examples of what can be captioned (when the models know many).
_EXAMPLES = ("en", "es", "zh", "hi", "ar", "fr")


def _can_caption_text() -> tuple[str, str]:
    """What the engine can caption, as a phrase, and one language to give as an example."""
    from ..captions.recognize import supported_languages

    spoken = sorted(supported_languages())
    if len(spoken) > len(_EXAMPLES):
        examples = [c for c in _EXAMPLES if c in spoken]
        names = ", ".join(langs.name_of(c) for c in examples)
        return f"captions of speech in any of {len(spoken)} languages ({names}, …)", examples[1]
    return ", ".join(langs.name_of(c) for c in spoken) + " captions", spoken[0]


def _cannot(names: list[str], unknown: list[str]) -> str:
    from ..captions.recognize import supported_languages

    spoken = sorted(supported_languages())
    can, example = _can_caption_text()
    parts = []
    if unknown:
        parts.append(
            f"{' and '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not a language I know"
        )
    if names:
        from ..captions import models

        heard = ", ".join(langs.name_of(c) for c in spoken[:6])
        hint = (
            f"install the multilingual speech model ({models.MULTILINGUAL_INSTALL}), or"
            if len(spoken) <= 1
            else "or"
        )
        parts.append(
            f"this engine recognises {heard} speech and has no offline translation to "
            f"{', '.join(names)} ({hint} install the nemo-widgets[translate] extra and an Argos "
            "language pair to add one)"
        )
    what = " and ".join(unknown + names)
    return (
        f"I can't make {what} captions here: {'; '.join(parts)}. Nothing was changed or "
        f"charged. I can add {can}: say e.g. 'add {langs.name_of(example)} captions'."
    )


def _cannot_hear(spoken: str) -> str:
    """The refusal for speech in a language no installed model recognises (or no language)."""
    from ..captions import models

    if spoken not in langs.LANGUAGES:
        return (
            f"{spoken!r} is not a language speech recognition knows, so I made no captions and "
            "charged nothing. Name the spoken language (e.g. 'the speech is in Portuguese', or "
            "a code such as pt), or leave it out and I will detect it."
        )
    return (
        f"I can't recognise {langs.name_of(spoken)} speech with the models installed here, so "
        "I made no captions and charged nothing. The NemoVideo cloud "
        f"(nw.connect(backend='cloud')) can; or install the multilingual speech model "
        f"({models.MULTILINGUAL_INSTALL})."
    )


async def make_captions(
    turn: Turn, *, languages: list[str], script: str | None = None, burn: bool = False,
    fresh: bool = False, style: dict[str, Any] | None = None, spoken: str | None = None,
    both: bool = False,
) -> str:  # fmt: skip
    """Recognise (or align ``script``), build cues, translate, and put the tracks on the draft.

    ``spoken`` is the language the user says is spoken (None: detected; the ``languages``
    asked for break a tie when detection is unsure). A second language comes from Whisper's
    own speech translation (into English, timed to the speech) where it can, else from a text
    translator. When none of ``languages`` can be made, nothing is kept or charged. The state
    is written only at the end, so a failure leaves the session as it was.
    """
    from ..captions.recognize import RecognitionError
    from ..captions.translate import (
        TranslationUnavailable,
        speech_translation_available,
        translate_cues,
    )

    name = langs.name_of
    media = _speech_media(turn)
    preset = _current_preset(turn)
    caps = {k: v for k, v in _captions_state(turn).items()}
    earlier = None if (script is not None or fresh) else _earlier_transcript(caps, media, spoken)
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
            try:
                transcript = await turn.work(
                    _recognise_and_refine, media.path, spoken, tuple(languages)
                )
            except RecognitionError as exc:  # a missing or damaged model: said, not charged
                raise AgentError(f"{exc} Nothing was charged.") from exc
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
    caps[source] = _entry(transcript, media, preset, cues)
    made, missing = [source], []
    for lang in languages:
        if lang in made:
            continue
        if script is None and speech_translation_available(source, lang):
            # Whisper translates the speech itself: English timed to what is said, not to
            # cues made for another language
            async with turn.tool("translate_speech", {"from": source, "to": lang}) as result:
                try:
                    english = await turn.work(
                        _recognise_and_refine, media.path, source, (), "translate"
                    )
                except RecognitionError as exc:
                    raise AgentError(f"{exc} Nothing was charged.") from exc
                result.update({"words": len(english.words), "model": english.model})
            if english.words:
                en_cues = cues_for(english, preset)
                caps[lang] = {
                    **_entry(english, media, preset, en_cues),
                    "language": lang,
                    "engine": "translation",
                    "model": f"whisper {english.model} (speech translation)",
                    "translated_from": source,
                    "speech_translation": True,
                }
                made.append(lang)
                continue
        try:
            async with turn.tool("translate_captions", {"from": source, "to": lang}) as result:
                translated, provider = await turn.work(
                    translate_cues, caps[source]["cues"], source, lang, preset
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
        if "draft" in provider:  # a rule-based draft says so in the track's name
            caps[lang]["label"] = "rule-based draft"
        made.append(lang)
    wanted = [lang for lang in languages if lang in made]
    if languages and not wanted:
        # nothing the user asked for could be made: say so, keep nothing, charge nothing
        raise AgentError(
            " ".join(missing)
            + f" The speech is in {name(source)}: say 'add {name(source)} captions' for "
            "captions in the spoken language."
        )
    shown = wanted[0] if wanted else source
    track_style = {**_current_style(turn), **(style or {})}
    draft = rebuild_tracks(turn.timeline(), caps, track_style, show=shown)
    pair: list[str] = []
    if both and len(made) > 1:
        pair = (wanted + [x for x in made if x not in wanted])[:2]
        draft = show_together(draft, pair[0], pair[1])
    turn.state[schema.STATE_CAPTIONS] = caps
    turn.state[schema.STATE_DRAFT] = draft.to_dict()
    first, last = cues[0].start_s, cues[-1].end_s
    if script is not None:
        how = f"aligned your script with {transcript.model}"
    elif transcript.engine.endswith("+align"):
        how = f"recognised with {transcript.model}, word timings aligned with pocketsphinx"
    else:
        how = f"recognised with {transcript.model}"
    lines = [
        f"Added {name(source)} captions: {len(cues)} cues, {len(transcript.words)} "
        f"words, covering {_fmt_time(first)}–{_fmt_time(last)} of {media.filename} ({how}; "
        f"{preset.get('name', 'netflix')} preset)."
    ]
    for lang in made[1:]:
        how_made = str(caps[lang]["model"])
        if caps[lang].get("speech_translation"):
            lines.append(
                f"Added {name(lang)} captions translated from the {name(source)} speech by "
                "Whisper, timed to the speech."
            )
        else:
            draft_note = ": a literal draft to check before you publish."
            lines.append(
                f"Added {name(lang)} captions translated offline with {how_made}"
                + (draft_note if caps[lang].get("label") else ".")
            )
    lines.extend(transcript.notes)
    lines.extend(missing)
    if pair:
        lines.append(
            f"Both {name(pair[0])} and {name(pair[1])} captions are shown, one line each, "
            f"the {name(pair[1])} smaller in yellow beside the {name(pair[0])}."
        )
    elif len(made) > 1:
        lines.append(
            f"The {name(shown)} track is shown; the others are kept hidden "
            f"(say 'show the {name(made[1] if shown == made[0] else made[0])} captions' to "
            "switch, or 'show both' for bilingual captions)."
        )
    if burn:
        lines.append("They will be burned into the video when you export (say 'export').")
    else:
        lines.append(
            "Say 'export' to burn them into the MP4, or download them as SRT, VTT or ASS "
            "(s.captions(format='srt'))."
        )
    lines.append(summary_for(cues, preset, transcript))  # the last line: the rules kept
    return "\n".join(lines)


# ================================================================================================
# Reading
# ================================================================================================
_CAPTION = re.compile(
    r"\b(?:auto[- ]?)?(?:captions?|subtitles?|subs|closed captions|cc|subt[ií]tulos?)\b|字幕|"
    r"\btranscribe\b|\bcaption (?:this|it|the video|my video)\b"
)
_SOCIAL = re.compile(
    r"\b(?:instagram|insta|tiktok|facebook|linkedin|twitter|tweet|social media|posts?|hashtags?)\b"
)
_HIDE = re.compile(
    r"\b(?:hide|turn off|switch off|disable|no more|don'?t show|oculta\w*)\b|隐藏|关闭字幕|关掉字幕"
)
_DELETE = re.compile(
    r"\b(?:remove|delete|drop|get rid of|clear|quita\w*|elimina\w*|borra\w*)\b|删除|去掉|移除"
)
_SHOW = re.compile(r"\b(?:show|display|switch to|use|muestra\w*)\b|显示|切换")
_STYLE = re.compile(
    r"#[0-9a-f]{6}|\b(?:white|black|red|green|blue|yellow|orange|purple|pink|cyan|gr[ae]y|gold|"
    r"bigger|larger|smaller|tiny|big|large|top|bottom|middle|cent(?:er|re)|bold|karaoke|boxed?|"
    r"plain|highlight|font size|size|amarill\w+|blanc\w+|roj\w+|arriba|abajo|grande|negrita)\b|"
    r"黄色|白色|红色|更大|更小|放大|缩小|顶部|底部|加粗|\d+\s*px"
)
_PRESET = re.compile(
    r"\b(?:netflix|bbc|subtitle[- ]?edit)\b|\bvertical (?:preset|rules)\b|\bpreset\b|"
    r"\b\d{1,3}\s*(?:characters|chars)\b|\b(?:one|single|two|three|[123])[- ]lines?\b|"
    r"\b\d{1,2}\s*words (?:per|a|each)\b|\bcps\b|characters per second"
)
_ADDING = re.compile(
    r"\b(?:add|generate|create|make|burn|put|give|need|want|transcribe|caption|include|get|"
    r"translate|redo|regenerate|añade|agrega|genera|pon|crea|traduce|quiero)\b|添加|加上|生成|加|做|配上|翻译|要"
)


_CAPTION_ONLY = re.compile(
    r"\b(?:karaoke|word[- ]highlight|boxed style|plain style|netflix|bbc|subtitle[- ]?edit)\b|"
    r"\bpresets?\b|characters? per line|chars? per line|words per (?:cue|caption|subtitle)|"
    r"\bcps\b|characters per second|\b(?:one|single|two|three|[123])[- ]lines?\b|"
    r"\b(?:max(?:imum)?|at most|up to|no more than)\s*\d{1,3}\s*(?:characters|chars)\b"
)


_ADDING_NEW = re.compile(
    r"\b(?:add|generate|create|burn|transcribe|caption|include|translate|redo|regenerate|"
    r"añade|agrega|genera|crea|traduce)\b|添加|加上|生成|配上|翻译"
)


def _is_captions_clause(clause: Clause, ctx: Context) -> bool:
    n = clause.norm
    if _CAPTION_ONLY.search(n) and not re.search(r"\b(?:titles?|prompt|storyboard)\b|标题", n):
        return True
    if _CAPTION.search(n):
        if _SOCIAL.search(n) and not re.search(
            r"\b(?:captions|subtitles|subs)\b|字幕|subt[ií]tulos", n
        ):
            return False  # "an Instagram caption" is post text (the metadata skill's)
        return not re.search(
            r"\bcaption text\b|\bsubtitle text\b|\bcaption (?:that|which) (?:says|reads)\b|"
            r"\bcaption (?:saying|reading)\b",
            n,
        )
    if re.search(r"\b(?:them|it)\b|它们|los\b|las\b", n):
        if clause.refers_to:
            return clause.refers_to == "captions"
        return bool(ctx.caption_langs) and not ctx.titles
    return False


def parse_captions(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    spoken, span = spoken_language(clause.raw)
    if not _is_captions_clause(clause, ctx):
        if _BILINGUAL.search(n) and (clause.refers_to == "captions" or len(ctx.caption_langs) > 1):
            # "…, and show both"; "show both" with two caption languages in the project
            return [ShowBothCaptions(tuple(requested_languages(clause.raw)))]
        if _BOTH_LANGUAGES.search(n):  # "show both languages"
            return [ShowBothCaptions(tuple(requested_languages(clause.raw)))]
        about_speech = _ABOUT_SPEECH.search(n) and clause.refers_to is None and ctx.has_footage
        if spoken is not None and spoken not in langs.LANGUAGES and clause.refers_to == "captions":
            return [AddCaptions(spoken=spoken)]  # "…; the speech is in xx": refused when applied
        if (
            spoken is not None
            and spoken in langs.LANGUAGES
            and (
                clause.refers_to == "captions"
                or ctx.caption_langs
                or ctx.skill in SKILLS
                or about_speech
            )
        ):
            # "…; the speech is in Spanish", "语音是中文，添加字幕": merged with the captions
            # read in the clause before or after, or new captions of speech in that language
            return [AddCaptions(spoken=spoken)]
        return None
    # the language spoken is not a language asked for ("English captions, the speech is in
    # Spanish" asks for English)
    rest = clause.raw if span is None else clause.raw[: span[0]] + clause.raw[span[1] :]
    named = requested_languages(rest)
    if _DELETE.search(n) and not _ADDING.search(n.replace("get rid", "")):
        return [HideCaptions(tuple(named), remove=True)]
    if _HIDE.search(n):
        return [HideCaptions(tuple(named))]
    adding_words = re.search(r"\b(?:add|generate|create|transcribe)\b|添加|生成|加上", n)
    have = set(ctx.caption_langs)
    if _BILINGUAL.search(n) and (not adding_words or (len(have) > 1 and set(named) <= have)):
        return [ShowBothCaptions(tuple(named))]
    if named and _SHOW.search(n) and not re.search(r"\b(?:add|generate|create)\b|添加|生成", n):
        return [ShowCaptions(named[0])]
    name, over = preset_changes(n)
    if _PRESET.search(n) and (name or over):
        return [CaptionPreset(name, over)]
    changes = caption_style(n)
    adding = bool(_ADDING_NEW.search(n)) or not changes
    if changes and not adding:
        return [StyleCaptions(changes)]
    if (
        changes
        and ctx.caption_langs
        and not named
        and not re.search(r"\b(?:add|generate|create)\b|添加|生成", n)
    ):
        return [StyleCaptions(changes)]
    unknown = tuple(unknown_languages(str(clause)))
    burn = bool(re.search(r"\bburn|hard[- ]?(?:code|sub)|烧录|压制|incrust", n))
    fresh = bool(
        re.search(r"\b(?:again|redo|re-?generate|re-?do|from scratch|fresh)\b|重新|de nuevo", n)
    )
    both = bool(_BILINGUAL.search(n))
    out: list[Command] = [AddCaptions(tuple(named), unknown, burn, fresh, spoken, both)]
    if changes:
        out.append(StyleCaptions(changes))
    return out


_SCRIPT = (
    r"(?:use|with|here(?: is|'s)|align|apply)\s+(?:this|the|my|following)\s+(?:script|transcript)"
    r"\s*[:：]?|(?:脚本|台词)\s*[:：]|(?:usa|con) (?:este|el) guion\s*:?"
)
_SCRIPT_RE = re.compile(_SCRIPT)


def parse_script(clause: Clause, ctx: Context) -> list[Command] | None:
    m = _SCRIPT_RE.search(clause.low)
    if not m:
        return None
    text = clause.unquote(clause.raw[m.end() :]).strip().strip("\"'“”")
    candidate = Path(text).expanduser()
    if len(text) < 300 and "\n" not in text and candidate.suffix.lower() in {".txt", ".md"}:
        if not candidate.is_file():
            from .reader import Refused

            return [Refused(reason=f"I cannot find the script file {text}: check the path.")]
        text = candidate.read_text(encoding="utf-8", errors="replace")
    if len(text.split()) < 2:
        from .reader import Refused

        return [
            Refused(
                reason="Paste the script after 'use this script:' (the words spoken in the video)."
            )
        ]
    return [CaptionScript(text)]


# ================================================================================================
# Doing
# ================================================================================================
def _require_captions(turn: Turn) -> dict[str, Any]:
    caps = _captions_state(turn)
    if not caps:
        raise AgentError("There are no captions yet: say 'add captions' first.")
    return caps


async def apply_captions(cmd: Command, turn: Turn) -> str:
    if isinstance(cmd, AddCaptions):
        if cmd.unknown and not cmd.languages:
            raise AgentError(_cannot([], list(cmd.unknown)))
        if cmd.spoken is not None and not langs.can_caption(cmd.spoken):
            raise AgentError(_cannot_hear(cmd.spoken))  # before any work: nothing charged
        # no language named: captions in the language spoken (detected, or as the user says)
        wanted = list(cmd.languages)
        possible = [lang for lang in wanted if _reachable(lang)]
        if wanted and not possible:
            raise AgentError(
                _cannot([langs.name_of(c) for c in wanted if not _reachable(c)], list(cmd.unknown))
            )
        text = await make_captions(
            turn,
            languages=wanted,
            burn=cmd.burn,
            fresh=cmd.fresh,
            spoken=cmd.spoken,
            both=cmd.both,
        )
        if cmd.unknown:
            text += "\n" + (
                f"No {' or '.join(cmd.unknown)} captions: "
                f"{'that is' if len(cmd.unknown) == 1 else 'those are'} not a language I know."
            )
        return text
    if isinstance(cmd, CaptionScript):
        return await make_captions(turn, languages=["en"], script=cmd.script)
    if isinstance(cmd, StyleCaptions):
        _require_captions(turn)
        from ..captions.burn import merged_style

        current = _current_style(turn)
        size = float(merged_style({schema.SEG_STYLE: current})[schema.STYLE_SIZE])
        changes = sized(dict(cmd.changes), size)
        if not changes:
            raise AgentError(
                "I can change the captions' colour ('make the captions yellow'), size ('bigger'), "
                "position ('move them to the top') and style ('use karaoke style', 'boxed', "
                "'plain'). Which would you like?"
            )
        draft, n = tl.restyle_captions(
            turn.timeline(), changes, cmd.lang, base=capdraft.DEFAULT_STYLE
        )
        turn.state[schema.STATE_DRAFT] = draft.to_dict()
        said = ", ".join(
            f"{k} {v}" for k, v in changes.items() if k != schema.STYLE_BOX or v is not None
        )
        return f"Updated the caption style ({said}) on {n} caption track(s)."
    if isinstance(cmd, CaptionPreset):
        return _apply_preset(cmd, turn)
    if isinstance(cmd, HideCaptions):
        caps = _require_captions(turn)
        chosen = [x for x in cmd.languages if x in caps] or list(caps)
        draft = turn.timeline()
        if cmd.remove:
            turn.state[schema.STATE_DRAFT] = tl.remove_captions(draft, chosen).to_dict()
            turn.state[schema.STATE_CAPTIONS] = {k: v for k, v in caps.items() if k not in chosen}
            return f"Removed the {', '.join(chosen)} captions from the project."
        for t in draft.caption_tracks():
            if t.lang in chosen:
                draft = tl.set_caption_track(draft, replace_hidden(t))
        turn.state[schema.STATE_DRAFT] = draft.to_dict()
        return (
            f"Hid the {', '.join(chosen)} captions: they stay in the project (downloadable) but "
            "are not shown or burned in. Say 'show the English captions' to bring them back."
        )
    if isinstance(cmd, ShowBothCaptions):
        caps = _require_captions(turn)
        named = [x for x in cmd.languages if x in caps]
        pair = (named + [x for x in caps if x not in named])[:2]
        if len(pair) < 2:
            raise AgentError(
                f"There are only {langs.name_of(pair[0])} captions. Ask for a second language "
                "first (e.g. 'add English captions'), then 'show both'."
            )
        turn.state[schema.STATE_DRAFT] = show_together(turn.timeline(), *pair).to_dict()
        a, b = langs.name_of(pair[0]), langs.name_of(pair[1])
        return (
            f"Showing the {a} and {b} captions together, one line each: {b} smaller in yellow "
            f"beside {a}. They are burned in this way when you export."
        )
    assert isinstance(cmd, ShowCaptions)
    caps = _require_captions(turn)
    if cmd.language not in caps:
        raise AgentError(
            f"There are no {langs.name_of(cmd.language)} captions; available: {', '.join(caps)}. "
            "Ask 'add captions in …' first."
        )
    draft = rebuild_tracks(turn.timeline(), caps, _current_style(turn), show=cmd.language)
    turn.state[schema.STATE_DRAFT] = draft.to_dict()
    return f"Showing the {cmd.language} captions; the others are hidden."


def replace_hidden(track: tl.Track) -> tl.Track:
    from dataclasses import replace

    return replace(track, hidden=True)


def _apply_preset(cmd: CaptionPreset, turn: Turn) -> str:
    from ..captions.translate import TranslationUnavailable, translate_cues

    caps = {k: dict(v) for k, v in _require_captions(turn).items()}
    base = get_preset(cmd.name) if cmd.name else get_preset(_current_preset(turn))
    try:
        preset = base.with_overrides(**cmd.overrides)
    except ValueError as exc:
        raise AgentError(str(exc)) from exc
    counts = []
    # recognised speech, and Whisper's speech translations (timed words of their own), get
    # new cues from their words; text translations are translated again from new cues
    timed = {
        lang: e
        for lang, e in caps.items()
        if e.get("engine") != "translation" or e.get("speech_translation")
    }
    sources = {lang: e for lang, e in timed.items() if e.get("engine") != "translation"}
    for lang, entry in timed.items():
        words = [Word.from_dict(w) for w in entry.get("words", [])]
        t = Transcript(words, lang, str(entry.get("model")), float(entry.get("duration_s") or 0))
        cues = cues_for(t, preset)
        entry["cues"] = cue_entries(cues, preset, t)
        entry["preset"] = preset.to_dict()
        counts.append(f"{lang}: {summary_for(cues, preset, t)}")
    for lang, entry in caps.items():
        if lang in timed or entry.get("translated_from") not in sources:
            continue
        try:
            cues_t, _ = translate_cues(
                caps[entry["translated_from"]]["cues"], entry["translated_from"], lang, preset
            )
        except TranslationUnavailable:
            continue
        entry["cues"], entry["preset"] = cues_t, preset.to_dict()
        counts.append(f"{lang}: {len(cues_t)} cues")
    style = _current_style(turn)
    draft = turn.timeline()
    if cmd.name == "vertical":
        # the social look: its own size and outline (None falls back to the style's defaults)
        reset = {schema.STYLE_SIZE: None, schema.STYLE_OUTLINE: None, schema.STYLE_BOLD: None}
        draft, _ = tl.restyle_captions(
            draft, {schema.STYLE_PRESET: "vertical", **reset}, base=capdraft.DEFAULT_STYLE
        )
        style = {
            k: v for k, v in {**style, schema.STYLE_PRESET: "vertical"}.items() if k not in reset
        }
    turn.state[schema.STATE_CAPTIONS] = caps
    turn.state[schema.STATE_DRAFT] = rebuild_tracks(draft, caps, style).to_dict()
    limits = (
        f"{preset.max_chars} characters × {preset.max_lines} lines, "
        f"{preset.min_duration_s:g}–{preset.max_duration_s:g} s on screen, "
        f"≤ {preset.max_cps:g} characters/s"
        + (f", ≤ {preset.max_words} words per cue" if preset.max_words else "")
    )
    return f"Rebuilt the captions with the {preset.name} rules ({limits}): {'; '.join(counts)}."


_ABOUT = r"caption|subtitle|subs|字幕|subt[ií]tulo|transcri|script|脚本|guion"
ROWS = [
    Row(
        "captions",
        parse_captions,
        apply_captions,
        about=_ABOUT,
        subject="captions",
        cost=COST,
        speaks=True,
        skills=SKILLS,
        help="add captions in the language spoken (detected, or 'the speech is in Spanish'), "
        "more languages ('add captions in English and Spanish'; 'show both' for bilingual "
        "captions), burn them in; "
        "restyle them ('make the captions yellow', 'karaoke style'), caption rules ('use the "
        "vertical preset', 'max 32 characters per line'), show, hide or remove them",
    ),
    Row(
        "captions-script",
        parse_script,
        apply_captions,
        about=_ABOUT,
        subject="captions",
        cost=COST,
        speaks=True,
        greedy=_SCRIPT,
        skills=SKILLS,
        help="use this script: <text> (captions with your exact words, timed to the speech)",
    ),
]
