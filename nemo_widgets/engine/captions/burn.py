"""Burn-in styles for caption tracks: plain, boxed, karaoke and vertical (social) as ASS.

:func:`caption_events` turns a draft caption track into pysubs2 styles and events; the
render's ``textburn.py`` puts them in the ASS document libass burns in. Sizes are given at a
1080 px short side and scaled to the canvas; positions keep to the safe zones (on 9:16 the
platform UI covers the top 250 px, the bottom 460 px and the right 180 px of 1080x1920).

* ``plain``: white text, black outline, bottom centre;
* ``boxed``: the same on a semi-opaque box;
* ``karaoke``: the active word in the highlight colour, from the word timings (one event per
  word, so the highlight follows speech exactly): a word lights when it is spoken, and in a
  pause longer than :data:`HOLD_MS` no word is lit until the next one is said;
* ``vertical``: large bold words (cues of 2-4 words), active word highlighted, in the safe zone.
"""

from __future__ import annotations

import json
from typing import Any

from pysubs2 import Color, SSAEvent, SSAStyle

from ... import schema
from ..textburn import (
    ALIGN,
    FONT_NAME,
    REFERENCE_PX,
    escape_text,
    number,
    parse_color,
    position,
    safe_margins,
)

#: Look of each burn style before the user's changes (size in px at 1080 px short side).
STYLE_DEFAULTS: dict[str, dict[str, Any]] = {
    "plain": {"size": 54, "outline": 3, "bold": False, "pos": "bottom-center"},
    "boxed": {"size": 52, "outline": 0, "bold": False, "pos": "bottom-center", "box": "#000000A6"},
    "karaoke": {"size": 56, "outline": 3, "bold": True, "pos": "bottom-center", "hl": "#FFD60A"},
    "vertical": {"size": 68, "outline": 5, "bold": True, "pos": "bottom-center", "hl": "#FFD60A"},
    "title": {"size": 72, "outline": 3, "bold": True, "pos": "top-center"},
}
HIGHLIGHTED = frozenset({"karaoke", "vertical"})
#: Longest pause (ms) the last spoken word stays lit through; in longer ones no word is lit.
HOLD_MS = 300


def merged_style(track: dict[str, Any], seg: dict[str, Any] | None = None) -> dict[str, Any]:
    """The effective style of a segment: style defaults < track ``sty`` < segment ``sty``."""
    sty = {**(track.get(schema.SEG_STYLE) or {}), **((seg or {}).get(schema.SEG_STYLE) or {})}
    preset = str(sty.get(schema.STYLE_PRESET) or "plain").lower()
    if preset not in STYLE_DEFAULTS:
        preset = "plain"
    user = {k: v for k, v in sty.items() if v is not None}
    return {**STYLE_DEFAULTS[preset], **user, schema.STYLE_PRESET: preset}


def ssa_style(sty: dict[str, Any], width: int, height: int) -> SSAStyle:
    """The pysubs2 style for an effective caption style on a ``width`` x ``height`` canvas."""
    scale = min(width, height) / REFERENCE_PX
    preset = sty[schema.STYLE_PRESET]
    pos = position(sty.get(schema.STYLE_POSITION), "bottom-center")
    margins = safe_margins(width, height)
    if preset == "vertical" and height <= width * 1.5:
        # a social style on a landscape canvas: still keep well inside the frame
        margins = {k: max(v, round(0.08 * height)) for k, v in margins.items()}
    style = SSAStyle(
        fontname=FONT_NAME,
        fontsize=max(8.0, number(sty.get(schema.STYLE_SIZE), 54) * scale),
        primarycolor=parse_color(sty.get(schema.STYLE_COLOR), "#FFFFFF"),
        secondarycolor=parse_color(sty.get(schema.STYLE_HIGHLIGHT), "#FFD60A"),
        outlinecolor=Color(0, 0, 0, 0),
        backcolor=Color(0, 0, 0, 128),
        bold=bool(sty.get(schema.STYLE_BOLD)),
        borderstyle=1,
        outline=max(0.0, number(sty.get(schema.STYLE_OUTLINE), 3) * scale),
        shadow=0.0,
        alignment=ALIGN[pos],
        marginl=margins["left"],
        marginr=margins["right"],
        marginv=margins["top"] if pos.startswith("top") else margins["bottom"],
    )
    box = sty.get(schema.STYLE_BOX)
    if box:
        # BorderStyle 3: an opaque box filled with the outline colour (libass and VSFilter);
        # the outline width is the padding around the text.
        fill = parse_color(box, "#000000A6")
        style.borderstyle = 3
        style.outlinecolor = fill
        style.backcolor = fill
        style.outline = max(4.0, 10 * scale)
    return style


def _ass_color(value: Any, default: str) -> str:
    c = parse_color(value, default)
    return f"&H{c.b:02X}{c.g:02X}{c.r:02X}&"


def _word_spans(text: str, words: list[dict[str, Any]]) -> list[tuple[int, int]] | None:
    """Character span of each word inside the cue text, or None when they do not match."""
    spans, pos = [], 0
    for w in words:
        token = str(w.get("w", "")).strip()
        if not token:
            return None
        at = text.find(token, pos)
        if at < 0:
            return None
        spans.append((at, at + len(token)))
        pos = at + len(token)
    return spans


def _highlight_events(
    seg: dict[str, Any], text: str, style_name: str, hl: str, layer: int
) -> list[SSAEvent] | None:
    """One event per word, the word in the highlight colour while it is the latest spoken."""
    st, et = int(seg[schema.SEG_START]), int(seg[schema.SEG_END])
    words = [w for w in seg.get(schema.SEG_WORDS) or [] if str(w.get("w", "")).strip()]
    spans = _word_spans(text, words)
    if not words or spans is None:
        return None
    events = []
    plain = escape_text(text)
    for k, (a, b) in enumerate(spans):
        start = st if k == 0 else max(st, int(words[k]["st"]))
        end = et if k == len(words) - 1 else min(et, int(words[k + 1]["st"]))
        if k < len(words) - 1 and end - int(words[k]["et"]) > HOLD_MS:
            # a pause: the word goes dark soon after it is said; the cue waits, unlit
            end = max(start, int(words[k]["et"]) + HOLD_MS // 2)
            nxt = min(et, int(words[k + 1]["st"]))
            if nxt > end:
                events.append(
                    SSAEvent(start=end, end=nxt, style=style_name, layer=layer, text=plain)
                )
        if end <= start:
            continue
        body = (
            escape_text(text[:a])
            + "{\\c"
            + hl
            + "}"
            + escape_text(text[a:b])
            + "{\\r}"
            + escape_text(text[b:])
        )
        events.append(SSAEvent(start=start, end=end, style=style_name, layer=layer, text=body))
    events.sort(key=lambda e: e.start)
    return events


def caption_events(
    track: dict[str, Any], width: int, height: int
) -> tuple[list[tuple[str, SSAStyle]], list[SSAEvent]]:
    """Styles and events that burn one caption track in.

    Parameters
    ----------
    track
        A draft caption track (``"k": "caption"``): segments with ``txt``, ``st``/``et`` (ms),
        ``w`` (words, ms) and ``sty``.
    width, height
        Canvas size (the ASS PlayRes).

    Returns
    -------
    (styles, events)
        ``styles`` as ``(name, SSAStyle)`` pairs; every event names one of them.
    """
    styles: dict[str, SSAStyle] = {}
    names: dict[str, str] = {}
    events: list[SSAEvent] = []
    layer = 10  # above titles and overlays
    for seg in track.get(schema.SEGMENTS) or []:
        text = str(seg.get(schema.SEG_TEXT) or "").strip("\n")
        st, et = int(seg.get(schema.SEG_START) or 0), int(seg.get(schema.SEG_END) or 0)
        if not text.strip() or et <= st:
            continue
        sty = merged_style(track, seg)
        key = json.dumps(sty, sort_keys=True, default=str)
        if key not in names:
            names[key] = f"Caption{len(names)}"
            styles[names[key]] = ssa_style(sty, width, height)
        name = names[key]
        if sty[schema.STYLE_PRESET] in HIGHLIGHTED:
            hl = _ass_color(sty.get(schema.STYLE_HIGHLIGHT), "#FFD60A")
            word_events = _highlight_events(seg, text, name, hl, layer)
            if word_events:
                events.extend(word_events)
                continue
        events.append(SSAEvent(start=st, end=et, style=name, layer=layer, text=escape_text(text)))
    return list(styles.items()), events


def filter_path(path: str) -> str:
    """A file path as an ffmpeg filter option value (``subtitles=filename=...``).

    Two levels of escaping (ffmpeg-filters "Notes on filtergraph escaping"): first the option
    value (``\\``, ``'`` and ``:``), then the filtergraph (``\\ ' [ ] , ;``). Paths with quotes,
    colons, brackets or backslashes -- a top complaint about caption tools -- then work as is.
    """
    level1 = "".join("\\" + ch if ch in "\\':" else ch for ch in str(path))
    return "".join("\\" + ch if ch in "\\'[],;" else ch for ch in level1)
