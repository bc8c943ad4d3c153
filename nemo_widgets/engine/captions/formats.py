"""Caption files: SRT, WebVTT and ASS through pysubs2, and a word-level JSON.

The input is a language entry of ``state["captions"]`` (``{"cues": [...], "words": [...],
"model": ..., "language": ...}``) and, for ASS, the caption track of the draft (its styles).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pysubs2

from . import scripts

FORMATS: dict[str, str] = {
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "ass": "text/x-ssa; charset=utf-8",
    "json": "application/json",
}


class FormatError(ValueError):
    """An export format this module does not write."""


def subtitle_file(entry: dict[str, Any]) -> pysubs2.SSAFile:
    """The cues of a language entry as a pysubs2 file (one event per cue, default style)."""
    subs = pysubs2.SSAFile()
    for cue in entry.get("cues", []):
        ev = pysubs2.SSAEvent(start=_ms(cue["st"]), end=_ms(cue["et"]))
        ev.text = _literal(scripts.display_text(str(cue["text"])))  # RTL lines: an RLM first
        subs.append(ev)
    return subs


_TAG_AFTER_BACKSLASH = re.compile(r"\\(?=[Nnh])")


def _literal(text: str) -> str:
    """Cue text for pysubs2's event text: newlines as ``\\N``, a user's ``\\N`` kept literal.

    pysubs2 (like every ASS reader) turns ``\\N``/``\\n``/``\\h`` into breaks and spaces, in
    SRT and VTT output too; a word joiner (U+2060, invisible) after such a backslash keeps
    ``C:\\Notes`` intact.
    """
    text = _TAG_AFTER_BACKSLASH.sub("\\\u2060", text.replace("\r\n", "\n"))
    return text.replace("\n", "\\N")


def _ms(seconds: float) -> int:
    return round(float(seconds) * 1000)


def export_captions(
    entry: dict[str, Any],
    fmt: str = "srt",
    *,
    track: dict[str, Any] | None = None,
    width: int = 1920,
    height: int = 1080,
) -> tuple[str, str]:
    """A caption file body and its media type.

    Parameters
    ----------
    entry
        ``state["captions"][lang]``.
    fmt
        ``srt``, ``vtt``, ``ass`` or ``json`` (word level).
    track
        The draft's caption track for this language: ASS output carries its style
        (plain, boxed, karaoke, vertical) exactly as it is burned in.
    width, height
        Canvas size, for ASS positions and font sizes.
    """
    fmt = (fmt or "srt").lower().lstrip(".")
    if fmt not in FORMATS:
        raise FormatError(f"Unknown caption format {fmt!r}: use one of {', '.join(FORMATS)}.")
    if fmt == "json":
        body = {
            "language": entry.get("language"),
            "model": entry.get("model"),
            "preset": entry.get("preset"),
            "translated_from": entry.get("translated_from"),
            "cues": entry.get("cues", []),
            "words": entry.get("words", []),
        }
        return json.dumps(body, ensure_ascii=False, indent=1), FORMATS[fmt]
    if fmt == "ass":
        from .burn import caption_events

        subs = pysubs2.SSAFile()
        subs.info["PlayResX"], subs.info["PlayResY"] = str(width), str(height)
        subs.info["WrapStyle"] = "2"  # our line breaks are final
        subs.info["ScaledBorderAndShadow"] = "yes"
        styles, events = caption_events(track or track_from_entry(entry), width, height)
        subs.styles.clear()
        for style_name, style in styles:
            subs.styles[style_name] = style
        subs.events.extend(events)
        return subs.to_string("ass"), FORMATS[fmt]
    return subtitle_file(entry).to_string(fmt), FORMATS[fmt]


def entry_from_track(track: dict[str, Any], entry: dict[str, Any]) -> dict[str, Any]:
    """``entry`` with cues and words on the draft's timeline (from its caption ``track``).

    Files are downloaded for the edited video: after a trim or a cut their times must follow
    the timeline, like the burned-in captions, not the original upload.
    """
    cues = []
    for seg in track.get("sg") or []:
        words = [
            {"w": w["w"], "st": w["st"] / 1000, "et": w["et"] / 1000, "p": w.get("p", 1.0)}
            for w in seg.get("w") or []
        ]
        cues.append(
            {
                "st": seg["st"] / 1000,
                "et": seg["et"] / 1000,
                "text": seg.get("txt", ""),
                "words": words,
            }
        )
    return {**entry, "cues": cues, "words": [w for c in cues for w in c["words"]]}


def track_from_entry(entry: dict[str, Any], style: dict[str, Any] | None = None) -> dict:
    """A caption track dict (the draft's shape) made from a language entry's cues."""
    from .draft import caption_track

    return caption_track(entry, style=style)
