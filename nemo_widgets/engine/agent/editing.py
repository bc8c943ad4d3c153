"""The rule-based editor: titles, trims and cuts, aspect ratio, music, mute, volume, text styles.

Each intent reads what it needs from the user's message (English or Chinese), computes a new
draft with a *pure* function of this module (``add_text``, ``keep_range``, ``cut_range``,
``set_aspect``, ``add_music``, ...; they copy the draft and raise :class:`AgentError` for a
request that cannot be done), and only then checkpoints, announces an ``edit_multitrack``
tool call and swaps the draft in. So a refusal leaves the session exactly as it was, and the
pure functions are unit-tested without a server.
"""

from __future__ import annotations

import copy
import math
import re
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ... import schema
from ..numbers import WORD_NUMBERS, cn_number
from ..textburn import NAMED_COLORS
from .base import AgentError, Media, Turn, intent

TOOL = "edit_multitrack"
# Credits per successful edit. The cloud quotes "editing ~50 per session"; at 2 an edit, a
# free token's 100 credits last a working session of edits, as they do there.
EDIT_COST = 2
DEFAULT_TITLE_MS = 3000
DEFAULT_IMAGE_MS = 3000  # how long a still image stays on the timeline
MAX_IMAGE_MS = 600_000  # "for 99999 seconds" on a photo is a slip, not a 28-hour video
DEFAULT_MUSIC_VOLUME = 0.35
NEXT_STEP = "Preview it in the timeline or click Export."

Draft = dict[str, Any]


# ================================================================================================
# Reading the message
# ================================================================================================
_QUOTES = [
    r"“([^”]+)”",
    r"„([^“”]+)[“”]",
    r"「([^」]+)」",
    r"『([^』]+)』",
    r"《([^》]+)》",
    r"‘([^’]+)’",
    r'"([^"]+)"',
    r"(?<![\w'])'(.+?)'(?![\w])",
]

# Durations and percents also come as words ("two seconds", "half a minute", 二十秒).
_WORD_NUMBERS = {**WORD_NUMBERS, "half a": 0.5, "a": 1, "an": 1}


def normalize_message(message: str) -> str:
    """Lower-case, full-width digits/colons folded, Chinese and English number words as digits."""
    text = message.translate(str.maketrans("０１２３４５６７８９：％，．", "0123456789:%,."))
    text = re.sub(
        r"[零一二两三四五六七八九十]+",  # not 百: "百分之二十" is a percent, not 100
        lambda m: str(v) if (v := cn_number(m.group(0))) is not None else m.group(0),
        text,
    )
    words = "|".join(sorted((w for w in _WORD_NUMBERS if len(w) > 2), key=len, reverse=True))
    text = re.sub(
        rf"\b({words})(?=[\s-]+(?:sec|second|s\b|min|minute|percent))",
        lambda m: str(_WORD_NUMBERS[m.group(1).lower()]),
        text,
        flags=re.IGNORECASE,
    )
    return text


def quoted_span(message: str) -> tuple[int, str] | None:
    """``(position, text)`` of the first quoted passage (“…”, "…", '…', 「…」, 《…》...)."""
    best: tuple[int, str] | None = None
    for pattern in _QUOTES:
        m = re.search(pattern, message)
        if m and m.group(1).strip() and (best is None or m.start() < best[0]):
            best = (m.start(), m.group(1).strip())
    return best


def quoted_text(message: str) -> str | None:
    """The first quoted passage, stripped, or None."""
    found = quoted_span(message)
    return found[1] if found else None


def strip_quoted(message: str) -> str:
    """The message with quoted passages blanked out (so a title's words are not commands)."""
    for pattern in _QUOTES:
        message = re.sub(pattern, " ", message)
    return message


_UNIT_S = r"(?:s|sec|secs|second|seconds|秒钟|秒)"
_UNIT_MIN = r"(?:min|mins|minute|minutes|分钟|分)"
_UNIT_MS = r"(?:ms|millisecond|milliseconds|毫秒)"
_NUM = r"\d+(?:\.\d+)?"
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?"
_TIME = rf"(?:{_CLOCK}|{_NUM}\s*-?\s*(?:{_UNIT_MS}|{_UNIT_MIN}|{_UNIT_S})(?![a-z])|{_NUM})"


def parse_time_ms(token: str, default_unit: str = "s") -> int | None:
    """``"0:05"``, ``"1:02:03.5"``, ``"5s"``, ``"2.5 seconds"``, ``"1 min"``, ``"5秒"`` -> ms."""
    token = token.strip().lower()
    if re.fullmatch(_CLOCK, token):
        parts = [float(p) for p in token.split(":")]
        seconds = 0.0
        for p in parts:
            seconds = seconds * 60 + p
        return round(seconds * 1000)
    m = re.fullmatch(rf"({_NUM})\s*-?\s*(.*)", token)
    if not m:
        return None
    value, unit = float(m.group(1)), m.group(2).strip()
    if not unit:
        unit = default_unit
    if re.fullmatch(_UNIT_MS, unit):
        return round(value)
    if re.fullmatch(_UNIT_MIN, unit) or unit == "min":
        return round(value * 60_000)
    if re.fullmatch(_UNIT_S, unit) or unit == "s":
        return round(value * 1000)
    return None


def _has_unit(token: str) -> bool:
    return bool(re.search(rf"{_CLOCK}|[a-z秒分]", token.lower()))


_RANGE = re.compile(
    rf"(?:from|between|从|在)?\s*({_TIME})\s*(?:-|–|—|~|to|until|till|through|and|到|至|—)\s*({_TIME})",
    re.IGNORECASE,
)


def parse_range_ms(text: str) -> tuple[int, int] | None:
    """The first time range in ``text`` (``0:05 to 0:08``, ``5-8s``, ``从5秒到8秒``), in ms."""
    for m in _RANGE.finditer(text):
        a_tok, b_tok = m.group(1), m.group(2)
        # two bare numbers are a range only when a unit follows them ("from 5 to 8 seconds")
        bare = not (_has_unit(a_tok) or _has_unit(b_tok))
        if bare and not re.search(rf"{_UNIT_S}|{_UNIT_MIN}", text[m.end() : m.end() + 12].lower()):
            continue
        unit = "s"
        tail = text[m.end() : m.end() + 12].lower()
        if re.match(rf"\s*{_UNIT_MIN}", tail) or re.search(rf"{_UNIT_MIN}", b_tok.lower()):
            unit = "min"
        b = parse_time_ms(b_tok if _has_unit(b_tok) else b_tok + unit)
        a = parse_time_ms(a_tok if _has_unit(a_tok) else a_tok + (unit if unit != "s" else "s"))
        if a is not None and b is not None and b > a:
            return a, b
    return None


def reversed_range_ms(text: str) -> tuple[int, int] | None:
    """The first time range in ``text`` that ends before (or where) it starts, in ms, or None."""
    for m in _RANGE.finditer(text):
        a_tok, b_tok = m.group(1), m.group(2)
        if not (_has_unit(a_tok) or _has_unit(b_tok)):
            continue
        a = parse_time_ms(a_tok if _has_unit(a_tok) else a_tok + "s")
        b = parse_time_ms(b_tok if _has_unit(b_tok) else b_tok + "s")
        if a is not None and b is not None and b <= a:
            return a, b
    return None


def _refuse_reversed_range(text: str, example: str) -> None:
    """Raise AgentError when ``text`` names a range that ends before (or where) it starts."""
    backwards = reversed_range_ms(text)
    if backwards:
        a, b = backwards
        problem = (
            f"starts and ends at {_fmt_s(a)}"
            if a == b
            else f"ends ({_fmt_s(b)}) before it starts ({_fmt_s(a)})"
        )
        raise AgentError(f"That range {problem}. Say the earlier time first, e.g. {example}.")


def _refuse_zero_length(length: int | None, what: str, example: str) -> None:
    """Raise AgentError when a length was asked for but rounds to nothing ("for 0 seconds")."""
    if length is not None and length <= 0:
        raise AgentError(f"{what} needs a length above 0 s; say e.g. {example}.")


def parse_duration_ms(text: str) -> int | None:
    """A length: ``for 3 seconds``, ``持续3秒``, ``3s long``, ``lasting 2.5 sec``."""
    m = re.search(
        rf"(?:for|lasting|last|lasts|during|持续|显示|停留)\s*(?:the\s+first\s+|about\s+)?({_NUM}\s*-?\s*(?:{_UNIT_MS}|{_UNIT_MIN}|{_UNIT_S}))",
        text,
        re.IGNORECASE,
    ) or re.search(rf"({_NUM}\s*-?\s*(?:{_UNIT_S}|{_UNIT_MIN}))\s*(?:long|duration|长)", text)
    return parse_time_ms(m.group(1)) if m else None


def parse_percent(text: str) -> float | None:
    """``30%`` / ``30 percent`` / ``百分之三十`` / ``volume 0.3`` -> 0.3."""
    if re.search(rf"(?<![\w%])-\s*{_NUM}\s*(?:%|percent|pct)", text, re.IGNORECASE):
        # "-50%" read as 50% would do the opposite of what was meant
        raise AgentError(
            "A volume can't be negative. Say a level from 0% to 100%, e.g. set the music "
            "volume to 20%, or make the music quieter."
        )
    m = re.search(rf"({_NUM})\s*(?:%|percent|pct)", text, re.IGNORECASE)
    if m:
        return float(m.group(1)) / 100
    m = re.search(r"百分之\s*(\d+(?:\.\d+)?)", text)
    if m:
        return float(m.group(1)) / 100
    m = re.search(
        r"(?:volume|音量)\s*(?:to|at|of|=|:|为|到|调到|设为)?\s*(0?\.\d+|1(?:\.0+)?)\b", text
    )
    if m:
        return float(m.group(1))
    return None


# the render's colour names, plus a few more words and the Chinese names
_COLOR_WORDS = {
    **NAMED_COLORS,
    "gold": "#FFC300",
    "neon blue": "#1F51FF",
    "白色": "#FFFFFF",
    "白": "#FFFFFF",
    "黑色": "#000000",
    "红色": "#FF3B30",
    "红": "#FF3B30",
    "绿色": "#34C759",
    "蓝色": "#0A84FF",
    "黄色": "#FFD60A",
    "黄": "#FFD60A",
    "金色": "#FFC300",
    "橙色": "#FF9F0A",
    "紫色": "#BF5AF2",
    "粉色": "#FF375F",
    "灰色": "#8E8E93",
}
_COLOR_RE = re.compile(
    r"#[0-9a-fA-F]{6}\b|"
    + "|".join(
        (rf"\b{re.escape(w)}\b" if w.isascii() else re.escape(w))
        for w in sorted(_COLOR_WORDS, key=len, reverse=True)
    ),
    re.IGNORECASE,
)


def _color_value(token: str) -> str:
    return token.upper() if token.startswith("#") else _COLOR_WORDS[token.lower()]


_POSITION_PATTERNS = [
    (r"top[\s-]*left|upper[\s-]*left|左上", "top-left"),
    (r"top[\s-]*right|upper[\s-]*right|右上", "top-right"),
    (r"bottom[\s-]*left|lower[\s-]*left|左下", "bottom-left"),
    (r"bottom[\s-]*right|lower[\s-]*right|右下", "bottom-right"),
    (r"\b(?:at|to|on|in)\s+the\s+top\b|\btop\b|\bupper\b|顶部|上方|顶端|最上", "top-center"),
    (r"\bbottom\b|\blower third\b|底部|下方|底端|最下", "bottom-center"),
    (r"\b(?:center|centre|middle)\b|中间|中央|居中|正中", "center"),
    (r"\bleft\b|左侧|左边", "center-left"),
    (r"\bright\b|右侧|右边", "center-right"),
]


def parse_position(text: str) -> str | None:
    for pattern, pos in _POSITION_PATTERNS:
        if re.search(pattern, text, re.IGNORECASE):
            return pos
    return None


def parse_style(text: str, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """Style changes named in ``text`` (colour, size, position, bold, box, fade) as ``sty`` keys.

    ``current`` is the style being changed (relative sizes scale it).
    """
    current = current or {}
    out: dict[str, Any] = {}
    lowered = text.lower()
    # a colour right before "box/background" colours the box, not the text
    box_m = re.search(
        rf"(?:with|on|in|add|use)?\s*(?:an?\s+)?({_COLOR_RE.pattern})?\s*"
        r"(?:semi-transparent\s+|transparent\s+)?(?:box|background|backdrop|背景|底色|底框)",
        text,
        re.IGNORECASE,
    )
    if re.search(r"\bno (?:box|background)\b|remove the (?:box|background)|去掉背景", lowered):
        out[schema.STYLE_BOX] = None
    elif box_m:
        color = _color_value(box_m.group(1)) if box_m.group(1) else "#000000"
        out[schema.STYLE_BOX] = color + "B3"
    text_for_color = text[: box_m.start()] + text[box_m.end() :] if box_m else text
    colors = [_color_value(m.group(0)) for m in _COLOR_RE.finditer(text_for_color)]
    if colors:
        out[schema.STYLE_COLOR] = colors[0]
    size = float(current.get(schema.STYLE_SIZE) or 72)
    m = re.search(
        rf"(?:size|font size|字号|大小)\s*(?:to|of|=|:|为|到)?\s*({_NUM})\s*(?:px|pt)?", text
    )
    m = m or re.search(rf"({_NUM})\s*(?:px|pt)\b", text)
    if m:
        out[schema.STYLE_SIZE] = max(8, min(400, round(float(m.group(1)))))
    elif re.search(r"much (?:bigger|larger)|huge|大很多|更大一些|超大", lowered):
        out[schema.STYLE_SIZE] = round(size * 1.6)
    elif re.search(
        r"bigger|larger|increase the size|enlarge|大一点|大一些|放大|变大|更大|加大", lowered
    ):
        out[schema.STYLE_SIZE] = round(size * 1.3)
    elif re.search(r"much smaller|tiny|小很多", lowered):
        out[schema.STYLE_SIZE] = max(8, round(size * 0.6))
    elif re.search(r"smaller|decrease the size|shrink|小一点|小一些|缩小|变小|更小", lowered):
        out[schema.STYLE_SIZE] = max(8, round(size / 1.3))
    pos = parse_position(text)
    if pos:
        out[schema.STYLE_POSITION] = pos
    if re.search(r"\bnot bold\b|\bunbold\b|\bregular weight\b|取消加粗|不加粗", lowered):
        out[schema.STYLE_BOLD] = False
    elif re.search(r"\bbold\b|加粗|粗体", lowered):
        out[schema.STYLE_BOLD] = True
    if re.search(r"fade[\s-]*in and (?:fade[\s-]*)?out|fade in/out|淡入淡出", lowered):
        out[schema.STYLE_ANIMATION] = "fade"
    elif re.search(r"fade[\s-]*in|fades in|淡入", lowered):
        out[schema.STYLE_ANIMATION] = "fade-in"
    elif re.search(r"no (?:animation|fade)|without (?:animation|fade)", lowered):
        out[schema.STYLE_ANIMATION] = None
    m = re.search(rf"({_NUM})\s*(?:px)?\s*outline|outline\s*(?:of|to)?\s*({_NUM})", lowered)
    if m:
        out[schema.STYLE_OUTLINE] = float(m.group(1) or m.group(2))
    elif re.search(r"\bno outline\b|without (?:an )?outline", lowered):
        out[schema.STYLE_OUTLINE] = 0
    elif re.search(r"\b(?:thick|thicker) outline\b|描边", lowered):
        out[schema.STYLE_OUTLINE] = 6
    return out


# ================================================================================================
# Pure draft helpers
# ================================================================================================
def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _span(seg: dict[str, Any]) -> tuple[int, int]:
    start = int(seg.get(schema.SEG_START) or 0)
    end = int(seg.get(schema.SEG_END) or start)
    return start, end


def tracks_of(draft: Draft, tt: int | None = None, kind: str | None = None) -> list[dict]:
    """Tracks of a type and/or kind (``kind`` None matches any; main video has kind video)."""
    out = []
    for track in draft.get(schema.TRACKS) or []:
        if tt is not None and track.get(schema.TRACK_TYPE) != tt:
            continue
        if kind is not None:
            k = track.get(schema.TRACK_KIND)
            if k is None:
                k = {0: "video", 1: "audio", 7: "title"}.get(track.get(schema.TRACK_TYPE), "")
            if k != kind:
                continue
        out.append(track)
    return out


def has_video(draft: Draft) -> bool:
    return any(t.get(schema.SEGMENTS) for t in tracks_of(draft, schema.TrackType.VIDEO))


def duration_ms(draft: Draft) -> int:
    return int(draft.get(schema.DURATION) or 0)


def ratio_name(width: int, height: int) -> str:
    """``1920x1080`` -> ``"16:9"``; other shapes as reduced ``W:H``."""
    for name, (w, h) in schema.ASPECT_RATIOS.items():
        if abs(width / height - w / h) < 0.02:
            return name
    g = math.gcd(int(width), int(height)) or 1
    return f"{int(width) // g}:{int(height) // g}"


def finalize(draft: Draft) -> Draft:
    """Keep ``d`` and ``m`` consistent: drop empty tracks, sort segments, ``d`` = last end.

    Text and music never outlast the footage: when there is a video/image track, segments of
    other tracks are clipped to where the footage ends.
    """
    tracks = []
    for track in draft.get(schema.TRACKS) or []:
        segs = [s for s in track.get(schema.SEGMENTS) or [] if _span(s)[1] > _span(s)[0]]
        segs.sort(key=lambda s: _span(s)[0])
        if segs:
            track[schema.SEGMENTS] = segs
            tracks.append(track)
    draft[schema.TRACKS] = tracks
    footage = [
        _span(s)[1]
        for t in tracks
        if t.get(schema.TRACK_TYPE) == schema.TrackType.VIDEO
        for s in t[schema.SEGMENTS]
    ]
    if footage:
        end = max(footage)
        for track in tracks:
            kept = []
            for seg in track[schema.SEGMENTS]:
                start, stop = _span(seg)
                if start >= end:
                    continue
                if stop > end:
                    seg[schema.SEG_END] = end
                    _clip_fades(seg)
                kept.append(seg)
            track[schema.SEGMENTS] = kept
        draft[schema.TRACKS] = [t for t in tracks if t[schema.SEGMENTS]]
        total = end
    else:
        total = max((_span(s)[1] for t in tracks for s in t[schema.SEGMENTS]), default=0)
    draft[schema.DURATION] = int(total)
    meta = draft.setdefault(schema.META, {})
    if not (meta.get("width") and meta.get("height")):
        meta["width"], meta["height"] = schema.ASPECT_RATIOS.get(
            str(meta.get("ratio") or ""), (1920, 1080)
        )
    meta["ratio"] = ratio_name(int(meta["width"]), int(meta["height"]))
    meta.setdefault("fps", 30)
    meta.setdefault("title", "Untitled")
    return draft


def _clip_fades(seg: dict[str, Any]) -> None:
    start, end = _span(seg)
    for key in (schema.SEG_FADE_IN, schema.SEG_FADE_OUT):
        if seg.get(key):
            seg[key] = min(int(seg[key]), end - start)


def _footage_ms(m: Media, image_ms: int) -> int:
    """How long an upload lasts on the timeline: a video its own length, an image >= image_ms."""
    length = round((m.duration_s or 0) * 1000)
    return length if m.file_type == "video" else max(image_ms, length)


def new_draft(media: list[Media]) -> Draft:
    """A draft with the uploaded videos and images one after another on a video track."""
    visual = [m for m in media if m.file_type in ("video", "image")]
    if not visual:
        raise AgentError(
            "There is no video in this session yet. Upload a video (mp4, mov, webm...) first, "
            "then tell me what to do with it."
        )
    segs, cursor = [], 0
    for m in visual:
        length = _footage_ms(m, DEFAULT_IMAGE_MS)
        if length <= 0:
            continue
        segs.append(
            {
                schema.SEG_ID: _new_id("seg"),
                schema.SEG_START: cursor,
                schema.SEG_END: cursor + length,
                schema.SEG_SOURCE_OFFSET: 0,
                schema.SEG_SOURCE: m.cdn_url,
                schema.SEG_LABEL: Path(m.filename).stem,
            }
        )
        cursor += length
    first = visual[0]
    width, height = first.width or 1920, first.height or 1080
    draft: Draft = {
        schema.DURATION: cursor,
        schema.META: {
            "title": Path(first.filename).stem,
            "width": width,
            "height": height,
            "fps": first.fps or 30,
            "ratio": ratio_name(width, height),
        },
        schema.TRACKS: [
            {
                schema.TRACK_ID: "trk_v1",
                schema.TRACK_TYPE: schema.TrackType.VIDEO,
                schema.TRACK_NAME: "Video",
                schema.TRACK_KIND: schema.TrackKind.VIDEO,
                schema.SEGMENTS: segs,
            }
        ],
    }
    return finalize(draft)


def current_draft(turn: Turn) -> Draft:
    """A deep copy of the session's draft, built from the uploads when it is still empty."""
    draft = turn.state.get(schema.STATE_DRAFT) or {}
    if not draft.get(schema.TRACKS):
        if any(m.file_type in ("video", "image") for m in turn.media):
            return new_draft(turn.media)
        return {schema.TRACKS: [], schema.DURATION: 0, schema.META: dict(draft.get("m") or {})}
    return copy.deepcopy(draft)


# -- text -----------------------------------------------------------------------------------------
def add_text(
    draft: Draft,
    text: str,
    *,
    start_ms: int = 0,
    end_ms: int | None = None,
    style: dict[str, Any] | None = None,
    kind: str = schema.TrackKind.TITLE,
) -> Draft:
    """Add a title / text overlay (returns a new draft; ``end_ms`` None = 3 s or to the end)."""
    text = text.strip()
    if not text:
        raise AgentError("The title has no text. Put it in quotes, e.g. add a title 'Hello'.")
    draft = copy.deepcopy(draft)
    total = duration_ms(draft) if has_video(draft) else 0
    if total and start_ms >= total:
        raise AgentError(
            f"The video is only {_fmt_s(total)} long, so a title can't start at "
            f"{_fmt_s(start_ms)}. Pick a time inside the video."
        )
    if end_ms is None:
        end_ms = start_ms + DEFAULT_TITLE_MS
    if total:
        end_ms = min(end_ms, total)
    if end_ms <= start_ms:
        raise AgentError("The title would not be on screen at all; give it a positive duration.")
    sty = {
        schema.STYLE_COLOR: "#FFFFFF",
        schema.STYLE_SIZE: 72 if kind == schema.TrackKind.TITLE else 56,
        schema.STYLE_POSITION: "top-center",
        schema.STYLE_BOLD: True,
    }
    sty.update({k: v for k, v in (style or {}).items()})
    titles = tracks_of(draft, schema.TrackType.TEXT, kind)
    if titles:
        track = titles[-1]
    else:
        track = {
            schema.TRACK_ID: _new_id("trk_t"),
            schema.TRACK_TYPE: schema.TrackType.TEXT,
            schema.TRACK_NAME: "Title" if kind == schema.TrackKind.TITLE else "Text",
            schema.TRACK_KIND: kind,
            schema.SEGMENTS: [],
        }
        draft.setdefault(schema.TRACKS, []).append(track)
    track[schema.SEGMENTS].append(
        {
            schema.SEG_ID: _new_id("seg_t"),
            schema.SEG_START: int(start_ms),
            schema.SEG_END: int(end_ms),
            schema.SEG_TEXT: text,
            schema.SEG_STYLE: sty,
        }
    )
    meta = draft.setdefault(schema.META, {})
    if kind == schema.TrackKind.TITLE and len(tracks_of(draft, 7, kind)[0][schema.SEGMENTS]) == 1:
        meta["title"] = text  # the project is known by its (first) title, like the cloud's
    return finalize(draft)


def find_text_segments(draft: Draft, text: str | None = None) -> list[tuple[dict, dict]]:
    """``(track, segment)`` pairs of visible titles/overlays; those containing ``text`` if given."""
    found = []
    for track in draft.get(schema.TRACKS) or []:
        if track.get(schema.TRACK_TYPE) != schema.TrackType.TEXT:
            continue
        if track.get(schema.TRACK_KIND) == schema.TrackKind.CAPTION:
            continue
        for seg in track.get(schema.SEGMENTS) or []:
            seg_text = str(seg.get(schema.SEG_TEXT) or "")
            if text is None or text.lower() in seg_text.lower():
                found.append((track, seg))
    return found


def restyle_text(
    draft: Draft,
    changes: dict[str, Any],
    *,
    text: str | None = None,
    new_text: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
) -> tuple[Draft, int]:
    """Apply style changes (and optionally new text / timing) to titles; returns (draft, count).

    With ``text`` only the titles containing it change, else the most recently added one.
    """
    draft = copy.deepcopy(draft)
    matches = find_text_segments(draft, text)
    if not matches:
        if text:
            raise AgentError(f'There is no title saying "{text}" on the timeline.')
        raise AgentError(
            "There is no title or text on the timeline to change yet. Add one first, e.g. "
            "add a title 'Urban Dreams' for 3 seconds at the top."
        )
    targets = matches if text else [matches[-1]]
    if not changes and new_text is None and start_ms is None and end_ms is None:
        raise AgentError(
            "I could not tell how to change the title. Name a colour, a size (bigger, "
            "smaller, 80 px), a position (top, center, bottom), bold, a box or a fade."
        )
    for _track, seg in targets:
        sty = dict(seg.get(schema.SEG_STYLE) or {})
        sty.update(changes)
        seg[schema.SEG_STYLE] = {k: v for k, v in sty.items() if v is not None}
        if new_text is not None:
            seg[schema.SEG_TEXT] = new_text
        if start_ms is not None or end_ms is not None:
            s0, e0 = _span(seg)
            s1 = s0 if start_ms is None else start_ms
            e1 = (s1 + (e0 - s0)) if end_ms is None else end_ms
            if e1 <= s1:
                raise AgentError("That timing would leave the title with no time on screen.")
            seg[schema.SEG_START], seg[schema.SEG_END] = s1, e1
    return finalize(draft), len(targets)


# -- trimming -------------------------------------------------------------------------------------
def _retimed_words(words: list[dict[str, Any]], move: Callable[[int], int]) -> list[dict[str, Any]]:
    """Word timings (``st``/``et``, ms) passed through ``move(ms) -> ms``."""
    return [{**w, "st": move(int(w["st"])), "et": move(int(w["et"]))} for w in words]


def _shift_words(seg: dict[str, Any], keep_from: int, keep_to: int, shift: int) -> None:
    words = seg.get(schema.SEG_WORDS)
    if not isinstance(words, list):
        return
    kept = []
    for w in words:
        ws, we = int(w.get("st", 0)), int(w.get("et", 0))
        if we <= keep_from or ws >= keep_to:
            continue
        kept.append({**w, "st": max(ws, keep_from) + shift, "et": min(we, keep_to) + shift})
    seg[schema.SEG_WORDS] = kept


def _is_media(seg: dict[str, Any]) -> bool:
    return bool(seg.get(schema.SEG_SOURCE))


def _piece(seg: dict[str, Any], a: int, b: int, shift: int, *, new_id: bool = False) -> dict:
    """The part [a, b) of ``seg`` (timeline ms), moved by ``shift`` ms, source offset kept true."""
    start, _ = _span(seg)
    out = copy.deepcopy(seg)
    if _is_media(seg) and a > start:
        speed = float(seg.get(schema.SEG_SPEED) or 1.0)
        out[schema.SEG_SOURCE_OFFSET] = int(seg.get(schema.SEG_SOURCE_OFFSET) or 0) + round(
            (a - start) * speed
        )
    out[schema.SEG_START], out[schema.SEG_END] = a + shift, b + shift
    _shift_words(out, a, b, shift)
    if new_id:
        out[schema.SEG_ID] = _new_id(str(seg.get(schema.SEG_ID) or "seg"))
    _clip_fades(out)
    return out


def _require_video(draft: Draft, verb: str, *, then: str = ", then ask again") -> None:
    if not has_video(draft):
        raise AgentError(f"There is no video to {verb} yet: upload a video first{then}.")


def _range_inside(draft: Draft, start_ms: int, end_ms: int, verb: str) -> tuple[int, int, int]:
    """``(start_ms, end_ms, total_ms)`` with the range clipped to the video, or AgentError."""
    total = duration_ms(draft)
    _require_video(draft, verb)
    start_ms, end_ms = max(0, start_ms), min(end_ms, total)
    if end_ms - start_ms <= 0:
        raise AgentError(
            f"That range is outside the video, which is {_fmt_s(total)} long. Pick times "
            "between 0:00 and the end."
        )
    return start_ms, end_ms, total


def keep_range(draft: Draft, start_ms: int, end_ms: int) -> Draft:
    """Keep only ``[start_ms, end_ms)`` of the timeline, moved to start at 0 (a trim)."""
    draft = copy.deepcopy(draft)
    start_ms, end_ms, total = _range_inside(draft, start_ms, end_ms, "trim")
    if start_ms == 0 and end_ms >= total:
        raise AgentError(
            f"The video is already {_fmt_s(total)} long, so there is nothing to trim. Ask for a "
            "shorter length, e.g. trim to the first 5 seconds."
        )
    for track in draft.get(schema.TRACKS) or []:
        pieces = []
        for seg in track.get(schema.SEGMENTS) or []:
            s, e = _span(seg)
            a, b = max(s, start_ms), min(e, end_ms)
            if b > a:
                pieces.append(_piece(seg, a, b, -start_ms))
        track[schema.SEGMENTS] = pieces
    return finalize(draft)


def cut_range(draft: Draft, start_ms: int, end_ms: int) -> Draft:
    """Remove ``[start_ms, end_ms)`` from the timeline and close the gap (a ripple delete)."""
    draft = copy.deepcopy(draft)
    start_ms, end_ms, total = _range_inside(draft, start_ms, end_ms, "cut")
    if start_ms == 0 and end_ms >= total:
        raise AgentError(
            "That would remove the whole video. Cut a shorter part, e.g. remove the first "
            "2 seconds."
        )
    gap = end_ms - start_ms
    for track in draft.get(schema.TRACKS) or []:
        out = []
        # music and text run across the cut as one shortened segment; footage is split
        split = track.get(schema.TRACK_TYPE) == schema.TrackType.VIDEO or (
            track.get(schema.TRACK_TYPE) == schema.TrackType.AUDIO
            and track.get(schema.TRACK_KIND) != schema.TrackKind.MUSIC
        )
        for seg in track.get(schema.SEGMENTS) or []:
            s, e = _span(seg)
            if e <= start_ms:
                out.append(seg)
            elif s >= end_ms:
                out.append(_piece(seg, s, e, -gap))
            elif not split:
                piece = copy.deepcopy(seg)
                new_start = s if s < start_ms else start_ms
                piece[schema.SEG_START] = new_start
                piece[schema.SEG_END] = max(new_start, e - gap if e > end_ms else start_ms)
                if s >= start_ms and _is_media(seg):  # starts inside the cut: skip that much
                    piece[schema.SEG_SOURCE_OFFSET] = int(
                        seg.get(schema.SEG_SOURCE_OFFSET) or 0
                    ) + (end_ms - s)
                words = piece.get(schema.SEG_WORDS)
                if isinstance(words, list):
                    before = [w for w in words if int(w.get("et", 0)) <= start_ms]
                    after = _retimed_words(
                        [w for w in words if int(w.get("st", 0)) >= end_ms], lambda t: t - gap
                    )
                    piece[schema.SEG_WORDS] = before + after
                out.append(piece)
            else:
                # the two sides of the cut join without a fade at the join
                if s < start_ms:
                    head = _piece(seg, s, start_ms, 0)
                    head.pop(schema.SEG_FADE_OUT, None)
                    out.append(head)
                if e > end_ms:
                    tail = _piece(seg, end_ms, e, -gap, new_id=s < start_ms)
                    tail.pop(schema.SEG_FADE_IN, None)
                    out.append(tail)
        track[schema.SEGMENTS] = out
    return finalize(draft)


# -- canvas ---------------------------------------------------------------------------------------
def set_aspect(draft: Draft, ratio: str, *, fit: str = "cover") -> Draft:
    """Change the canvas to ``ratio`` (``9:16`` ...); ``fit`` cover crops to fill, contain pads."""
    if ratio not in schema.ASPECT_RATIOS:
        raise AgentError(
            f"I can make the video {', '.join(schema.ASPECT_RATIOS)}; {ratio} is not one of them."
        )
    draft = copy.deepcopy(draft)
    if not has_video(draft):
        raise AgentError(
            "There is no video to reframe yet: upload a video first, then ask for 9:16, 1:1..."
        )
    meta = draft.setdefault(schema.META, {})
    width, height = schema.ASPECT_RATIOS[ratio]
    old = (meta.get("width"), meta.get("height"))
    fit_changed = False
    for track in tracks_of(draft, schema.TrackType.VIDEO):
        for seg in track.get(schema.SEGMENTS) or []:
            if seg.get(schema.SEG_FIT, "contain") != fit:
                fit_changed = True
            seg[schema.SEG_FIT] = fit
    if old == (width, height) and not fit_changed:
        raise AgentError(f"The video is already {ratio}.")
    meta.update({"width": width, "height": height, "ratio": ratio})
    return finalize(draft)


# -- audio ----------------------------------------------------------------------------------------
def add_music(
    draft: Draft,
    music: Media,
    *,
    volume: float = DEFAULT_MUSIC_VOLUME,
    fade_in_ms: int = 0,
    fade_out_ms: int = 0,
    start_ms: int = 0,
    end_ms: int | None = None,
) -> Draft:
    """Put ``music`` on a background-music track (replacing earlier music); loops if short."""
    draft = copy.deepcopy(draft)
    total = duration_ms(draft) if has_video(draft) else 0
    if not total:
        total = round((music.duration_s or 0) * 1000)
    if total <= 0:
        raise AgentError(f"{music.filename} has no playable length; upload it again.")
    end = min(end_ms or total, total)
    if start_ms >= end:
        raise AgentError(
            f"The video is {_fmt_s(total)} long, so music can't start at {_fmt_s(start_ms)}."
        )
    length = end - start_ms
    volume = max(0.0, min(1.0, volume))
    seg = {
        schema.SEG_ID: _new_id("seg_a"),
        schema.SEG_START: start_ms,
        schema.SEG_END: end,
        schema.SEG_SOURCE_OFFSET: 0,
        schema.SEG_SOURCE: music.cdn_url,
        schema.SEG_LABEL: Path(music.filename).stem,
        schema.SEG_VOLUME: round(volume, 3),
    }
    if fade_in_ms:
        seg[schema.SEG_FADE_IN] = min(int(fade_in_ms), length)
    if fade_out_ms:
        seg[schema.SEG_FADE_OUT] = min(int(fade_out_ms), length)
    draft[schema.TRACKS] = [
        t for t in draft.get(schema.TRACKS) or [] if t.get(schema.TRACK_KIND) != "music"
    ]
    draft[schema.TRACKS].append(
        {
            schema.TRACK_ID: _new_id("trk_a"),
            schema.TRACK_TYPE: schema.TrackType.AUDIO,
            schema.TRACK_NAME: "BGM",
            schema.TRACK_KIND: schema.TrackKind.MUSIC,
            schema.SEGMENTS: [seg],
        }
    )
    if not has_video(draft):
        draft[schema.DURATION] = total
    return finalize(draft)


def _audio_target(text: str) -> str:
    """Which sound a message means: the ``original`` (video's own) or the ``music``."""
    if re.search(
        r"original|video'?s? (?:audio|sound)|the video\b|voice|dialog|speech|"
        r"clip'?s? (?:audio|sound)|"
        r"原声|原音|人声|视频声音|视频的声音",
        text,
        re.IGNORECASE,
    ):
        return "original"
    if re.search(r"music|bgm|song|soundtrack|track|音乐|配乐|歌", text, re.IGNORECASE):
        return "music"
    return "original"


def _audio_tracks(draft: Draft, target: str) -> list[dict]:
    if target == "music":
        return [t for t in tracks_of(draft, schema.TrackType.AUDIO)]
    return tracks_of(draft, schema.TrackType.VIDEO)


def _require_audio_tracks(draft: Draft, target: str, purpose: str) -> list[dict]:
    tracks = _audio_tracks(draft, target)
    if not tracks:
        what = "background music" if target == "music" else "video"
        raise AgentError(f"There is no {what} on the timeline to {purpose}.")
    return tracks


def set_muted(draft: Draft, target: str, muted: bool = True) -> Draft:
    """Mute (or unmute) the video's own sound (``original``) or the ``music``."""
    draft = copy.deepcopy(draft)
    tracks = _require_audio_tracks(draft, target, "mute" if muted else "unmute")
    if all(bool(t.get(schema.TRACK_MUTED)) == muted for t in tracks):
        what = "The music is" if target == "music" else "The original audio is"
        raise AgentError(f"{what} already {'muted' if muted else 'playing'}.")
    for t in tracks:
        if muted:
            t[schema.TRACK_MUTED] = True
        else:
            t.pop(schema.TRACK_MUTED, None)
    return finalize(draft)


def set_volume(draft: Draft, target: str, volume: float | None, factor: float | None) -> Draft:
    """Set (or scale by ``factor``) the volume of the music or of the original audio."""
    draft = copy.deepcopy(draft)
    tracks = _require_audio_tracks(draft, target, "change the volume of")
    for t in tracks:
        for seg in t.get(schema.SEGMENTS) or []:
            old = float(seg.get(schema.SEG_VOLUME, 1.0))
            new = volume if volume is not None else old * (factor or 1.0)
            seg[schema.SEG_VOLUME] = round(max(0.0, min(1.0, new)), 3)
        if target == "original" and t.get(schema.TRACK_MUTED) and (volume or factor):
            t.pop(schema.TRACK_MUTED, None)
    return finalize(draft)


def remove_tracks(draft: Draft, what: str, text: str | None = None) -> tuple[Draft, int]:
    """Remove titles (or one title containing ``text``), the music, or overlays; returns count."""
    draft = copy.deepcopy(draft)
    removed = 0
    if what == "title":
        if text:
            for track, seg in find_text_segments(draft, text):
                track[schema.SEGMENTS].remove(seg)
                removed += 1
            if not removed:
                raise AgentError(f'There is no title saying "{text}" on the timeline.')
        else:
            keep = []
            for t in draft.get(schema.TRACKS) or []:
                if t.get(schema.TRACK_TYPE) == 7 and t.get(schema.TRACK_KIND) in (
                    None,
                    schema.TrackKind.TITLE,
                    schema.TrackKind.STORYBOARD,
                ):
                    removed += len(t.get(schema.SEGMENTS) or [])
                else:
                    keep.append(t)
            draft[schema.TRACKS] = keep
            if not removed:
                raise AgentError("There is no title or text on the timeline to remove.")
    elif what == "music":
        before = len(draft.get(schema.TRACKS) or [])
        draft[schema.TRACKS] = [
            t for t in draft.get(schema.TRACKS) or [] if t.get(schema.TRACK_TYPE) != 1
        ]
        removed = before - len(draft[schema.TRACKS])
        if not removed:
            raise AgentError("There is no background music on the timeline to remove.")
    elif what == "overlay":
        before = len(draft.get(schema.TRACKS) or [])
        draft[schema.TRACKS] = [
            t
            for t in draft.get(schema.TRACKS) or []
            if t.get(schema.TRACK_KIND) != schema.TrackKind.OVERLAY
        ]
        removed = before - len(draft[schema.TRACKS])
        if not removed:
            raise AgentError("There is no image or overlay on the timeline to remove.")
    else:
        raise AgentError(f"I don't know how to remove {what!r}.")
    return finalize(draft), removed


def _fmt_s(ms: int) -> str:
    s = ms / 1000
    if s >= 60:
        return f"{int(s // 60)}:{int(s % 60):02d}"
    return f"{s:.1f}".rstrip("0").rstrip(".") + " s"


# ================================================================================================
# Intents
# ================================================================================================
async def _commit(turn: Turn, action: str, args: dict[str, Any], draft: Draft) -> None:
    """Checkpoint, announce the tool call, and swap in the new draft (and canvas)."""
    turn.checkpoint()
    async with turn.tool(TOOL, {"action": action, **args}) as result:
        turn.state[schema.STATE_DRAFT] = draft
        meta = draft.get(schema.META) or {}
        if meta.get("width") and meta.get("height"):
            turn.state[schema.STATE_CANVAS] = {
                "width": meta["width"],
                "height": meta["height"],
                "ratio": meta.get("ratio"),
            }
        result.update(
            {
                "status": "success",
                "action": action,
                "duration_ms": draft.get(schema.DURATION),
                "tracks": len(draft.get(schema.TRACKS) or []),
            }
        )


# -- titles ---------------------------------------------------------------------------------------
_TEXT_NOUN = (
    r"(?:title|heading|headline|caption text|text(?: overlay)?|overlay text|lower third|"
    r"subtitle text)"
)


# titles *for* YouTube, descriptions, tags... are the metadata skill's, not burned-in text
_NOT_METADATA = (
    r"^(?!.*\b(?:youtube|description|descriptions|tags|hashtags|seo|suggest|ideas|chapters|"
    r"metadata|thumbnail)\b)"
)


def _title_text(message: str) -> str | None:
    quoted = quoted_text(message)
    if quoted:
        return quoted
    if any(re.search(pattern, message) for pattern in _QUOTES) or re.search(
        r"(?<![\w'])''(?![\w])|\"\"|“”|「」", message
    ):
        return None  # only blank quotes: the user meant a title but gave no text ("add a title ''")
    stop = r"(?=\s+(?:for|at|from|on|in|with|until|to|starting|lasting|during|and)\b|[,.;!?]|$)"
    m = re.search(
        rf"\b(?:saying|that says|which says|reading|with the text)\s+(.+?){stop}", message
    )
    if m and m.group(1).strip():
        return m.group(1).strip()
    m = re.search(
        rf"\b{_TEXT_NOUN}\s*(?:saying|that says|which says|reading|with the text|:)?\s+(.+?)"
        r"(?=\s+(?:for|at|from|on|in|with|until|to|starting|lasting|during|and make)\b|[,.;!?]|$)",
        message,
        re.IGNORECASE,
    )
    if m:
        text = m.group(1).strip()
        if text and not re.match(r"(?:a|an|the|some|it|at|for|to|from|on|in)\b", text, re.I):
            return text
    m = re.search(r"(?:标题|文字|字幕文字)\s*[:：]?\s*([^，。,;；\s]+)", message)
    return m.group(1) if m else None


def _timing(text: str, total: int) -> tuple[int, int | None]:
    """(start, end) for a title from ``text`` (quotes already removed)."""
    lowered = text.lower()
    rng = parse_range_ms(text)
    if rng:
        return rng
    _refuse_reversed_range(text, "from 0:02 to 0:05")
    dur = parse_duration_ms(text)
    _refuse_zero_length(dur, "A title", "for 3 seconds")
    if re.search(r"whole video|entire video|throughout|all the way|全程|整个视频", lowered):
        return 0, total or None
    if re.search(r"\bat the end\b|\bend of the video\b|结尾|最后", lowered):
        length = dur or DEFAULT_TITLE_MS
        return max(0, total - length), total or None
    m = re.search(
        rf"(?:at|starting at|start at|from|在)\s*({_CLOCK}|{_NUM}\s*-?\s*{_UNIT_S})", text
    )
    start = parse_time_ms(m.group(1)) if m else 0
    start = start or 0
    return start, start + (dur or DEFAULT_TITLE_MS)


@intent(
    "add_title",
    _NOT_METADATA + rf".*\b(?:add|insert|create|write)\b.*\b{_TEXT_NOUN}\b",
    rf"\b(?:put|place|show|overlay)\s+(?:a|an|another|some|new|one more)\b.*\b{_TEXT_NOUN}\b",
    rf"\b{_TEXT_NOUN}\b.*\b(?:saying|that says|reading)\b",
    r"(?:添加|加上?|加个|加一个|插入|放上?)\s*(?:一个|个)?\s*(?:标题|文字|文本)",
    cost=EDIT_COST,
    priority=3,
    help="\"add a title 'Urban Dreams' for 3 seconds at the top\": titles and text overlays",
)
async def add_title_intent(turn: Turn, match: re.Match[str]) -> None:
    message = normalize_message(turn.message)
    text = _title_text(turn.message)
    if not text and find_text_segments(current_draft(turn)) and parse_style(message):
        # "add a box to the title", "add a fade-in to the title": a change, not a new title
        await style_text_intent(turn, match)
        return
    if not text:
        raise AgentError(
            "What should the title say? Put the text in quotes, e.g. "
            "add a title 'Urban Dreams' for 3 seconds at the top."
        )
    rest = strip_quoted(message)
    draft = current_draft(turn)
    start, end = _timing(rest, duration_ms(draft))
    kind = schema.TrackKind.TITLE
    style = parse_style(rest)
    if re.search(r"\btext\b|文字|文本", rest, re.IGNORECASE) and not re.search(
        r"title|标题", rest, re.IGNORECASE
    ):
        style.setdefault(schema.STYLE_POSITION, "center")
        style.setdefault(schema.STYLE_SIZE, 56)
    new = add_text(draft, text, start_ms=start, end_ms=end, style=style, kind=kind)
    seg = find_text_segments(new, text)[-1][1]
    s, e = _span(seg)
    args = {"text": text, "start_ms": s, "end_ms": e, "style": seg[schema.SEG_STYLE]}
    await _commit(turn, "add_text", args, new)
    pos = seg[schema.SEG_STYLE].get(schema.STYLE_POSITION, "top-center").replace("-", " ")
    await turn.say(
        f'Added the title "{text}" at the {pos} from {_fmt_s(s)} to {_fmt_s(e)}. {NEXT_STEP}'
    )


@intent(
    "style_text",
    r"^(?!.*(?:\b(?:square|vertical|portrait|landscape|horizontal|widescreen)\b|\d\s*:\s*\d))"
    r".*\b(?:make|turn|set|change|color|colour|move|put|restyle|style|give)\b.*"
    r"\b(?:(?:the|this|that|my) (?:title|text|heading)|it)\b.*"
    r"(?:#[0-9a-f]{6}|\b(?:white|black|red|green|blue|yellow|gold|orange|purple|pink|cyan|gr[ae]y|"
    r"bigger|larger|smaller|bold|top|bottom|center|centre|middle|left|right|size|box|background|"
    r"outline|fade)\b|\d+\s*(?:px|pt))",
    r"\b(?:title|text|heading)\b.*\b(?:bigger|larger|smaller|bold|yellow|white|red|blue|green)\b",
    r"\b(?:move|put)\b.*\b(?:it|title|text)\b.*\b(?:top|bottom|center|centre|middle|left|right)\b",
    r"\b(?:change|rename|edit|update)\b.*\b(?:title|text)\b.*\bto\b",
    r"\b(?:make|turn|colou?r|set|move|put)\s+[\"'“‘「]",
    r"\b(?:title|text)\b.*\b(?:last|stay|stays|show for|on screen for)\b.*"
    r"\d+\s*(?:s|sec|seconds?)\b",
    r"(?:标题|文字|文本).*(?:改成|改为|变成|换成|变|调|移到|放到|放在|加粗|放大|缩小|大一|小一)",
    r"(?:把|将).*(?:标题|文字).*(?:色|大|小|顶部|底部|中间|上方|下方)",
    cost=EDIT_COST,
    priority=2,
    help='"make the title yellow and bigger", "move it to the top": text styles',
)
async def style_text_intent(turn: Turn, match: re.Match[str]) -> None:
    draft = current_draft(turn)
    message = normalize_message(turn.message)
    found = quoted_span(turn.message)
    rest = strip_quoted(message)
    new_text = None
    target_text = None
    if found:
        # "change the title to 'X'" renames; "make 'X' yellow" addresses one title
        before = turn.message[: found[0]]
        if re.search(
            r"\b(?:to|into|with|reads?|say|says)\s*:?\s*$|(?:改成|改为|换成|变成)\s*$", before
        ):
            new_text = found[1]
        else:
            target_text = found[1]
    current = {}
    segs = find_text_segments(draft, target_text)
    if segs:
        current = segs[-1][1].get(schema.SEG_STYLE) or {}
    changes = parse_style(rest, current)
    start_ms = end_ms = None
    dur = parse_duration_ms(rest)
    if dur and segs:
        start_ms = _span(segs[-1][1])[0]
        end_ms = start_ms + dur
    new, count = restyle_text(
        draft, changes, text=target_text, new_text=new_text, start_ms=start_ms, end_ms=end_ms
    )
    args: dict[str, Any] = {"style": changes}
    if new_text:
        args["text"] = new_text
    if end_ms:
        args["end_ms"] = end_ms
    await _commit(turn, "style_text", args, new)
    what = []
    if schema.STYLE_COLOR in changes:
        what.append(f"colour {changes[schema.STYLE_COLOR]}")
    if schema.STYLE_SIZE in changes:
        what.append(f"size {changes[schema.STYLE_SIZE]} px")
    if schema.STYLE_POSITION in changes:
        what.append(f"position {changes[schema.STYLE_POSITION].replace('-', ' ')}")
    if schema.STYLE_BOLD in changes:
        what.append("bold" if changes[schema.STYLE_BOLD] else "regular weight")
    if schema.STYLE_BOX in changes:
        what.append("a background box" if changes[schema.STYLE_BOX] else "no box")
    if schema.STYLE_ANIMATION in changes:
        what.append(f"animation {changes[schema.STYLE_ANIMATION] or 'none'}")
    if new_text:
        what.append(f'text "{new_text}"')
    if end_ms:
        what.append(f"on screen for {_fmt_s(end_ms - (start_ms or 0))}")
    noun = "title" if count == 1 else f"{count} titles"
    await turn.say(f"Updated the {noun}: {', '.join(what) or 'style'}. {NEXT_STEP}")


# -- trim / cut -----------------------------------------------------------------------------------
_KEEP_WORDS = (
    r"\b(?:trim|cut|shorten|crop)\s+(?:it\s+|the video\s+|this\s+)?(?:down\s+)?to\b|"
    r"\bkeep\b|\bonly\b|\bjust the\b|\bshorten\b|\bmake it\b.*\blong\b|"
    r"保留|只要|只留|截取|裁剪到|剪到|剪成|缩短到|缩短为"
)
_REMOVE_WORDS = (
    r"\b(?:cut|remove|delete|drop|chop|skip|get rid of|take out|trim off|trim away)\b|"
    r"\btrim the (?:first|last|start|end|beginning)\b|剪掉|删掉|删除|去掉|切掉|去除"
)


def parse_trim(message: str, total_ms: int) -> tuple[str, int, int]:
    """``("keep" | "cut", start_ms, end_ms)`` from a trim/cut request, or raise AgentError."""
    text = normalize_message(message)
    lowered = text.lower()
    keep = bool(re.search(_KEEP_WORDS, lowered))
    remove = bool(re.search(_REMOVE_WORDS, lowered)) and not keep
    if not keep and not remove:
        keep = bool(re.search(r"\btrim\b|裁剪|剪辑", lowered))
    mode = "keep" if keep else "cut"

    m = re.search(
        rf"(?:first|opening|beginning|start|前|开头)\s*(?:the\s+)?({_NUM}\s*-?\s*(?:{_UNIT_MS}|{_UNIT_MIN}|{_UNIT_S})?)",
        lowered,
    )
    if m:
        length = parse_time_ms(m.group(1))
        if length:
            return mode, 0, length
    m = re.search(
        rf"(?:last|final|ending|end|最后|后|结尾)\s*(?:the\s+)?({_NUM}\s*-?\s*(?:{_UNIT_MS}|{_UNIT_MIN}|{_UNIT_S})?)",
        lowered,
    )
    if m:
        length = parse_time_ms(m.group(1))
        if length:
            return mode, max(0, total_ms - length), total_ms
    rng = parse_range_ms(text)
    if rng:
        return mode, rng[0], rng[1]
    _refuse_reversed_range(text, "cut from 0:05 to 0:08")
    m = re.search(
        rf"(?:after|from|从)\s*({_CLOCK}|{_NUM}\s*-?\s*{_UNIT_S})\s*(?:on|onwards|以后|之后|开始)?",
        lowered,
    )
    if m and (ms := parse_time_ms(m.group(1))) is not None:
        return mode, ms, total_ms
    m = re.search(rf"(?:before|until|到)\s*({_CLOCK}|{_NUM}\s*-?\s*{_UNIT_S})", lowered)
    if m and (ms := parse_time_ms(m.group(1))) is not None:
        return mode, 0, ms
    m = re.search(rf"({_CLOCK}|{_NUM}\s*-?\s*(?:{_UNIT_MIN}|{_UNIT_S}))", lowered)
    if m and mode == "keep" and (ms := parse_time_ms(m.group(1))) is not None:
        return "keep", 0, ms  # "trim it to 10 seconds", "shorten to 0:30"
    raise AgentError(
        "Which part should I trim? Say it with times, e.g. trim to the first 10 seconds, "
        "cut from 0:05 to 0:08, or remove the first 2 seconds."
    )


@intent(
    "trim",
    r"\b(?:trim|shorten)\b",
    rf"\b(?:cut|remove|delete|drop|chop|keep|skip)\b.*(?:\b(?:first|last|opening|final)\s+{_NUM}|"
    rf"\b{_NUM}\s*(?:s|sec|secs|seconds?|minutes?|mins?)\b|\d+:\d\d)",
    r"\b(?:cut|keep)\b.*\b(?:first|last)\b.*\b(?:seconds?|minutes?)\b",
    r"\bmake it\b.*\b(?:seconds?|minutes?|s)\s*long\b",
    r"(?:剪掉|删掉|删除|去掉|切掉|保留|只要|只留|截取|裁剪|剪辑|缩短|剪到|剪成).*(?:\d|[一二两三四五六七八九十]).*(?:秒|分钟|:)",
    r"(?:前|后|最后)\s*(?:\d+|[一二两三四五六七八九十]+)\s*秒",
    cost=EDIT_COST,
    priority=1,
    help='"trim to the first 10 seconds", "cut from 0:05 to 0:08", "remove the first 2 seconds"',
)
async def trim_intent(turn: Turn, match: re.Match[str]) -> None:
    draft = current_draft(turn)
    _require_video(draft, "trim")
    total = duration_ms(draft)
    mode, start, end = parse_trim(turn.message, total)
    if mode == "keep":
        new = keep_range(draft, start, end)
        said = f"Trimmed the video to {_fmt_s(start)}–{_fmt_s(min(end, total))}"
    else:
        new = cut_range(draft, start, end)
        said = f"Cut {_fmt_s(start)}–{_fmt_s(min(end, total))} out of the video"
    await _commit(
        turn, "trim" if mode == "keep" else "cut", {"start_ms": start, "end_ms": end}, new
    )
    await turn.say(f"{said}; it is now {_fmt_s(duration_ms(new))} long. {NEXT_STEP}")


# -- aspect ratio ---------------------------------------------------------------------------------
def parse_aspect(message: str) -> tuple[str, str] | None:
    """``(ratio, fit)`` named by a message, or None."""
    text = normalize_message(message).lower()
    m = re.search(r"\b(16|9|1|4)\s*[:x×/比]\s*(9|16|1|5)\b", text)
    ratio = None
    if m and f"{m.group(1)}:{m.group(2)}" in schema.ASPECT_RATIOS:
        ratio = f"{m.group(1)}:{m.group(2)}"
    elif re.search(
        r"vertical|portrait|tiktok|tik tok|reels?\b|shorts\b|stories|竖屏|竖版|竖向|抖音", text
    ):
        ratio = "9:16"
    elif re.search(r"square|方形|正方形|方屏", text):
        ratio = "1:1"
    elif re.search(r"instagram feed|\bfeed post\b", text):
        ratio = "4:5"
    elif re.search(r"horizontal|landscape|widescreen|youtube|横屏|横版|宽屏", text):
        ratio = "16:9"
    if ratio is None:
        return None
    fit = "cover"
    if re.search(
        r"letterbox|pillarbox|black bars|\bbars\b|\bpad\b|padding|without cropping|no crop|"
        r"don'?t crop|\bfit\b|不裁剪|黑边|留黑",
        text,
    ):
        fit = "contain"
    return ratio, fit


@intent(
    "aspect",
    r"\b(?:16|9|1|4)\s*[:x×/]\s*(?:9|16|1|5)\b",
    r"\b(?:vertical|portrait|square|landscape|horizontal|widescreen|reframe|tiktok|reels|shorts)\b",
    r"竖屏|竖版|横屏|横版|方形|正方形|宽屏|比例",
    cost=EDIT_COST,
    help='"make it 9:16" / "vertical" / "square" / 竖屏: aspect ratio and reframing',
)
async def aspect_intent(turn: Turn, match: re.Match[str]) -> None:
    found = parse_aspect(turn.message)
    if found is None:
        raise AgentError(
            "Which shape should the video be? I can do 16:9 (landscape), 9:16 (vertical), "
            "1:1 (square) and 4:5."
        )
    ratio, fit = found
    draft = current_draft(turn)
    meta = draft.get(schema.META) or {}
    asked_fit = re.search(
        r"fill|crop|zoom|letterbox|black bars|\bbars\b|\bpad|\bfit\b|裁剪|填充|黑边",
        turn.message,
        re.I,
    )
    if (
        has_video(draft)
        and meta.get("width")
        and meta.get("height")
        and ratio_name(int(meta["width"]), int(meta["height"])) == ratio
        and not asked_fit
    ):
        raise AgentError(f"The video is already {ratio}.")
    new = set_aspect(draft, ratio, fit=fit)
    await _commit(turn, "reframe", {"ratio": ratio, "fit": fit}, new)
    how = "cropped to fill the frame" if fit == "cover" else "fitted with black bars"
    await turn.say(
        f"Reframed the video to {ratio} ({new['m']['width']}x{new['m']['height']}), {how}; "
        f"titles stay inside the safe area. {NEXT_STEP}"
    )


# -- music ----------------------------------------------------------------------------------------
def parse_fades(text: str) -> tuple[int, int]:
    """``(fade_in_ms, fade_out_ms)`` named in ``text`` (``2 second fade out``, ``淡出3秒``)."""
    lowered = normalize_message(text).lower()
    fades = {"in": 0, "out": 0}
    unit = rf"(?:{_UNIT_MS}|{_UNIT_S})"
    for m in re.finditer(rf"({_NUM})\s*-?\s*({unit})?\s*-?\s*fade[\s-]*(in|out)", lowered):
        fades[m.group(3)] = parse_time_ms(m.group(1) + (m.group(2) or "s")) or 0
    # "fade out 2s", "fade out the music over 3 seconds", "fade the song in for 1 s"
    things = r"(?:\s+(?:the|this|that|it|music|song|bgm|soundtrack|video|clip|audio|track))*"
    for m in re.finditer(
        rf"fade{things}[\s-]*(in|out)\b{things}\s*(?:of|over|for|:|=|lasting|by)?\s*"
        rf"({_NUM})\s*-?\s*({unit})?",
        lowered,
    ):
        fades[m.group(1)] = parse_time_ms(m.group(2) + (m.group(3) or "s")) or 0
    for m in re.finditer(rf"淡(入|出)\s*({_NUM})\s*({unit})?", lowered):
        key = "in" if m.group(1) == "入" else "out"
        fades[key] = parse_time_ms(m.group(2) + (m.group(3) or "秒")) or 0
    for m in re.finditer(rf"({_NUM})\s*({unit})?\s*(?:的)?淡(入|出)", lowered):
        key = "in" if m.group(3) == "入" else "out"
        fades[key] = parse_time_ms(m.group(1) + (m.group(2) or "秒")) or 0
    if re.search(
        r"fade[\s-]*in and (?:fade[\s-]*)?out|fade in/out|fades? in and out|淡入淡出", lowered
    ):
        fades["in"] = fades["in"] or 1000
        fades["out"] = fades["out"] or 1000
    if not fades["in"] and re.search(r"fade[\s-]*in|淡入", lowered):
        fades["in"] = 1000
    if not fades["out"] and re.search(r"fade[\s-]*out|淡出", lowered):
        fades["out"] = 1000
    return fades["in"], fades["out"]


def pick_audio(media: list[Media], message: str) -> Media:
    """The audio upload a message means (by file name), else the newest one."""
    audio = [m for m in media if m.file_type == "audio"]
    if not audio:
        raise AgentError(
            "There is no audio file in this session to use as background music, and the offline "
            "engine cannot generate music. Upload an mp3, wav, m4a or aac file, then ask again."
        )
    lowered = message.lower()
    for m in reversed(audio):
        if m.filename.lower() in lowered or Path(m.filename).stem.lower() in lowered:
            return m
    return audio[-1]


@intent(
    "music",
    r"\b(?:add|put|use|play|insert)\b.*\b(?:music|bgm|song|soundtrack|audio track)\b",
    r"(?:添加|加上?|加个|加一个|配上?|插入|使用|用).*(?:背景音乐|音乐|配乐|bgm)",
    cost=EDIT_COST,
    priority=2,
    help='"add background music at 30% with a 2 second fade out" (uses your uploaded audio)',
)
async def music_intent(turn: Turn, match: re.Match[str]) -> None:
    message = normalize_message(turn.message)
    lowered = message.lower()
    # "remove/mute/lower the music" are other intents that also mention music
    music = pick_audio(turn.media, turn.message)
    draft = current_draft(turn)
    volume = parse_percent(message)
    if volume is None:
        if re.search(r"\b(?:quiet|soft|low|subtle)\b|小声|轻", lowered):
            volume = 0.2
        elif re.search(r"\bloud\b|大声", lowered):
            volume = 0.8
        else:
            volume = DEFAULT_MUSIC_VOLUME
    fade_in, fade_out = parse_fades(message)
    new = add_music(draft, music, volume=volume, fade_in_ms=fade_in, fade_out_ms=fade_out)
    mute_original = bool(
        re.search(r"\bmute\b.*\b(?:original|video)|静音原声|去掉原声|关闭原声", lowered)
    )
    if mute_original and has_video(new):
        new = set_muted(new, "original", True)
    seg = tracks_of(new, schema.TrackType.AUDIO, schema.TrackKind.MUSIC)[0][schema.SEGMENTS][0]
    args = {
        "file": music.filename,
        "mute_original": mute_original,
        "volume": seg[schema.SEG_VOLUME],
        "fade_in_ms": seg.get(schema.SEG_FADE_IN, 0),
        "fade_out_ms": seg.get(schema.SEG_FADE_OUT, 0),
    }
    await _commit(turn, "add_music", args, new)
    extras = []
    if seg.get(schema.SEG_FADE_IN):
        extras.append(f"a {_fmt_s(seg[schema.SEG_FADE_IN])} fade-in")
    if seg.get(schema.SEG_FADE_OUT):
        extras.append(f"a {_fmt_s(seg[schema.SEG_FADE_OUT])} fade-out")
    tail = f" with {' and '.join(extras)}" if extras else ""
    loop = ""
    if music.duration_s and music.duration_s * 1000 < _span(seg)[1] - _span(seg)[0]:
        loop = " It is shorter than the video, so it loops."
    muted = " The original audio is muted." if mute_original else ""
    await turn.say(
        f"Added {music.filename} as background music at {round(seg[schema.SEG_VOLUME] * 100)}% "
        f"volume{tail}.{loop}{muted} {NEXT_STEP}"
    )


# -- mute / volume / remove -----------------------------------------------------------------------
@intent(
    "mute",
    r"\b(?:un)?mute\b",
    r"\b(?:silence|turn off|disable|remove|kill|no)\b.*\b(?:original|video'?s?) (?:audio|sound)\b",
    r"\bwithout (?:the )?(?:original )?(?:audio|sound)\b",
    r"静音|取消静音|关闭原声|去掉原声|去除原声|删除原声|关掉原声|不要原声",
    cost=EDIT_COST,
    priority=2,
    help='"mute the original audio", "unmute the music"',
)
async def mute_intent(turn: Turn, match: re.Match[str]) -> None:
    message = normalize_message(turn.message)
    unmute = bool(re.search(r"\bunmute\b|取消静音|恢复原声|打开原声", message, re.IGNORECASE))
    target = _audio_target(message)
    draft = current_draft(turn)
    new = set_muted(draft, target, muted=not unmute)
    await _commit(turn, "unmute" if unmute else "mute", {"target": target}, new)
    what = "the background music" if target == "music" else "the original audio"
    said = f"Turned {what} back on." if unmute else f"Muted {what}."
    await turn.say(f"{said} {NEXT_STEP}")


@intent(
    "volume",
    r"\b(?:volume|quieter|louder|softer|lower|raise|turn (?:up|down))\b.*"
    r"\b(?:music|bgm|audio|sound|song|original|voice)\b",
    r"\b(?:music|bgm|audio|sound|song|original|voice)\b.*"
    r"\b(?:volume|quieter|louder|softer|to \d+\s*%)",
    r"(?:音乐|配乐|原声|声音|音量).*(?:调|设|降低|提高|大一|小一|小点|大点|%|百分之)",
    cost=EDIT_COST,
    priority=1,
    help='"set the music volume to 20%", "make the music quieter"',
)
async def volume_intent(turn: Turn, match: re.Match[str]) -> None:
    message = normalize_message(turn.message)
    lowered = message.lower()
    target = _audio_target(message)
    volume = parse_percent(message)
    factor = None
    if volume is None:
        if re.search(r"quieter|softer|lower|turn (?:it )?down|降低|小一|小点|调小", lowered):
            factor = 0.6
        elif re.search(r"louder|raise|turn (?:it )?up|提高|大一|大点|调大", lowered):
            factor = 1.5
        else:
            raise AgentError(
                "What volume should it be? Say e.g. set the music volume to 20%, or make the "
                "music quieter."
            )
    draft = current_draft(turn)
    new = set_volume(draft, target, volume, factor)
    tracks = _audio_tracks(new, target)
    level = float((tracks[0][schema.SEGMENTS] or [{}])[0].get(schema.SEG_VOLUME, 1.0))
    await _commit(turn, "volume", {"target": target, "volume": level}, new)
    what = "background music" if target == "music" else "original audio"
    await turn.say(f"Set the {what} to {round(level * 100)}% volume. {NEXT_STEP}")


@intent(
    "remove_track",
    r"\b(?:remove|delete|drop|get rid of|take (?:off|out)|clear)\b.*\b(?:title|titles|text|heading|"
    r"music|bgm|song|soundtrack|overlay|image|logo|scene cards?)\b",
    r"(?:删除|删掉|去掉|移除|去除|不要).*(?:标题|文字|背景音乐|音乐|配乐|图片|贴图)",
    cost=EDIT_COST,
    priority=2,
    help='"remove the title", "remove the music"',
)
async def remove_intent(turn: Turn, match: re.Match[str]) -> None:
    message = normalize_message(turn.message)
    rest = strip_quoted(message).lower()
    if re.search(r"\boriginal (?:audio|sound)\b|原声", rest):
        await mute_intent(turn, match)
        return
    if re.search(r"\b(?:box|background|outline|bold|fade|animation)\b|背景|描边|加粗", rest):
        await style_text_intent(turn, match)  # "remove the box from the title"
        return
    if re.search(r"music|bgm|song|soundtrack|音乐|配乐", rest):
        what = "music"
    elif re.search(r"overlay|image|logo|图片|贴图", rest):
        what = "overlay"
    else:
        what = "title"
    draft = current_draft(turn)
    quoted = quoted_text(turn.message) if what == "title" else None
    new, count = remove_tracks(draft, what, quoted)
    await _commit(turn, "remove", {"what": what, **({"text": quoted} if quoted else {})}, new)
    noun = {"music": "the background music", "overlay": "the overlay"}.get(
        what, "the title" if count == 1 else f"{count} titles"
    )
    await turn.say(f"Removed {noun}. {NEXT_STEP}")


# -- speed ----------------------------------------------------------------------------------------
MIN_SPEED, MAX_SPEED = 0.25, 4.0


def set_speed(draft: Draft, factor: float) -> Draft:
    """Play the footage ``factor`` times faster (0.5 = slow motion); the timeline follows.

    Captions and text move with the picture (a title keeps its length where it fits); music
    keeps its own pace and still runs to the end.
    """
    _require_video(draft, "speed up or slow down", then="")
    draft = copy.deepcopy(draft)
    current = [
        float(s.get(schema.SEG_SPEED) or 1.0)
        for t in tracks_of(draft, schema.TrackType.VIDEO)
        for s in t.get(schema.SEGMENTS) or []
    ]
    new_speeds = [c * factor for c in current]
    if factor <= 0 or any(not (MIN_SPEED - 1e-6 <= v <= MAX_SPEED + 1e-6) for v in new_speeds):
        raise AgentError(
            f"I can play the video between {MIN_SPEED:g}x and {MAX_SPEED:g}x its normal speed; "
            f"that would make it {new_speeds[0]:g}x."
        )
    if abs(factor - 1.0) < 1e-6:
        raise AgentError("The video already plays at that speed.")
    old_total = duration_ms(draft)
    new_total = round(old_total / factor)
    for track in draft.get(schema.TRACKS) or []:
        tt = track.get(schema.TRACK_TYPE)
        kind = track.get(schema.TRACK_KIND)
        for seg in track.get(schema.SEGMENTS) or []:
            start, end = _span(seg)
            if tt == schema.TrackType.AUDIO and kind == schema.TrackKind.MUSIC:
                if end >= old_total:  # music under the whole video keeps covering it
                    seg[schema.SEG_END] = new_total
                continue
            new_start = round(start / factor)
            if tt == schema.TrackType.TEXT and kind != schema.TrackKind.CAPTION:
                new_end = min(new_start + (end - start), new_total)
            else:
                new_end = round(end / factor)
            seg[schema.SEG_START], seg[schema.SEG_END] = new_start, new_end
            if tt in (schema.TrackType.VIDEO, schema.TrackType.AUDIO):
                seg[schema.SEG_SPEED] = round(float(seg.get(schema.SEG_SPEED) or 1.0) * factor, 4)
                if abs(seg[schema.SEG_SPEED] - 1.0) < 1e-6:
                    seg.pop(schema.SEG_SPEED)
            words = seg.get(schema.SEG_WORDS)
            if isinstance(words, list):
                seg[schema.SEG_WORDS] = _retimed_words(words, lambda t: round(t / factor))
    return finalize(draft)


def parse_speed(message: str, current: float = 1.0) -> float:
    """The speed *change* a message asks for (2.0 = twice as fast as now)."""
    text = normalize_message(message).lower()
    slow = bool(re.search(r"slow|减速|慢", text))
    if re.search(r"normal speed|original speed|real[\s-]*time|1\s*x\b|正常速度|原速", text):
        return 1.0 / current
    m = re.search(rf"({_NUM})\s*(?:x|×|倍)", text)
    if m:
        value = float(m.group(1))
        if slow and value > 1:
            value = 1 / value
        # "2x speed" / "play at 2x" / "2倍速" name the speed; "speed it up 2x" a change of it
        absolute = re.search(rf"{_NUM}\s*(?:x|×)\s*speed|\bat\s*{_NUM}\s*(?:x|×)|倍速", text)
        return value / current if absolute else value
    if re.search(r"twice as fast|double (?:the )?speed", text):
        return 2.0
    if re.search(r"half speed|slow[\s-]*mo(?:tion)?|慢动作|慢放", text):
        return 0.5
    if slow:
        return 0.5
    if re.search(r"speed (?:it )?up|faster|加速|快进", text):
        return 1.5
    raise AgentError(
        "How fast should it play? Say e.g. speed it up 2x, play at 1.5x, or slow motion."
    )


@intent(
    "speed",
    r"\b(?:speed (?:it )?up|faster|slower|slow[\s-]*mo(?:tion)?|slow (?:it )?down|twice as fast|"
    r"half speed|normal speed|playback speed)\b",
    r"\d+(?:\.\d+)?\s*[x×]\s*(?:speed|faster|slower)\b|\bat \d+(?:\.\d+)?\s*[x×]\b",
    r"加速|减速|倍速|慢放|慢动作|快进|正常速度",
    cost=EDIT_COST,
    priority=1,
    help='"speed it up 2x", "slow motion", "play at 1.5x": playback speed',
)
async def speed_intent(turn: Turn, match: re.Match[str]) -> None:
    draft = current_draft(turn)
    _require_video(draft, "speed up or slow down", then="")
    first = tracks_of(draft, schema.TrackType.VIDEO)[0][schema.SEGMENTS][0]
    current = float(first.get(schema.SEG_SPEED) or 1.0)
    factor = parse_speed(turn.message, current)
    new = set_speed(draft, factor)
    now = round(current * factor, 3)
    await _commit(turn, "speed", {"factor": round(factor, 4), "speed": now}, new)
    await turn.say(
        f"The video now plays at {now:g}x speed and is {_fmt_s(duration_ms(new))} long. {NEXT_STEP}"
    )


# -- adding footage -------------------------------------------------------------------------------
def insert_media(
    draft: Draft, media: Media, *, at: str = "end", image_ms: int = DEFAULT_IMAGE_MS
) -> Draft:
    """Put an uploaded video or image at the ``"end"`` or ``"start"`` of the main video track."""
    if media.file_type not in ("video", "image"):
        raise AgentError(
            f"{media.filename} is an audio file; to use it, say: add background music."
        )
    if not has_video(draft):
        return new_draft([media])
    draft = copy.deepcopy(draft)
    length = _footage_ms(media, image_ms)
    if length <= 0:
        raise AgentError(f"{media.filename} has no playable length; upload it again.")
    main = tracks_of(draft, schema.TrackType.VIDEO)[0]
    old_total = duration_ms(draft)
    seg = {
        schema.SEG_ID: _new_id("seg"),
        schema.SEG_SOURCE_OFFSET: 0,
        schema.SEG_SOURCE: media.cdn_url,
        schema.SEG_LABEL: Path(media.filename).stem,
    }
    fit = next(
        (s.get(schema.SEG_FIT) for s in main[schema.SEGMENTS] if s.get(schema.SEG_FIT)), None
    )
    if fit:
        seg[schema.SEG_FIT] = fit  # a reframed video stays reframed
    if at == "start":
        for track in draft.get(schema.TRACKS) or []:
            music = track.get(schema.TRACK_KIND) == schema.TrackKind.MUSIC
            for s in track.get(schema.SEGMENTS) or []:
                start, end = _span(s)
                if music:
                    if end >= old_total:
                        s[schema.SEG_END] = old_total + length
                    continue
                s[schema.SEG_START], s[schema.SEG_END] = start + length, end + length
                if isinstance(s.get(schema.SEG_WORDS), list):
                    s[schema.SEG_WORDS] = _retimed_words(s[schema.SEG_WORDS], lambda t: t + length)
        seg[schema.SEG_START], seg[schema.SEG_END] = 0, length
    else:
        end = max(_span(s)[1] for s in main[schema.SEGMENTS])
        seg[schema.SEG_START], seg[schema.SEG_END] = end, end + length
        for track in draft.get(schema.TRACKS) or []:
            if track.get(schema.TRACK_KIND) == schema.TrackKind.MUSIC:
                for s in track.get(schema.SEGMENTS) or []:
                    if _span(s)[1] >= old_total:
                        s[schema.SEG_END] = end + length
    main[schema.SEGMENTS].append(seg)
    return finalize(draft)


def pick_visual(media: list[Media], draft: Draft, message: str) -> Media:
    """The upload a message names, else the newest video/image not on the timeline yet."""
    lowered = message.lower()
    for m in reversed(media):
        if m.filename.lower() in lowered or (
            len(Path(m.filename).stem) > 2
            and re.search(rf"\b{re.escape(Path(m.filename).stem.lower())}\b", lowered)
        ):
            return m
    used = {
        s.get(schema.SEG_SOURCE)
        for t in draft.get(schema.TRACKS) or []
        for s in t.get(schema.SEGMENTS) or []
    }
    fresh = [m for m in media if m.file_type in ("video", "image") and m.cdn_url not in used]
    if not fresh:
        raise AgentError(
            "Every uploaded video and image is already on the timeline. Upload another clip "
            "(or name the file you mean), then ask again."
        )
    return fresh[-1]


@intent(
    "add_clip",
    r"^(?!.*\b(?:captions?|subtitles?|title|text|music|song|bgm)\b)"
    r".*\b(?:append|add|put|insert|place|use|join)\b.*"
    r"(?:\.(?:mp4|mov|webm|mkv|avi|jpe?g|png|gif|webp|mp3|wav|m4a|aac)\b|"
    r"\b(?:second|next|other|another|new|last|2nd|third) (?:clip|video|image|photo|picture|gif)\b|"
    r"\b(?:clip|video|image|photo|picture|gif) (?:at|to) the (?:end|start|beginning)\b)",
    r"(?:把|将)?.*(?:第二个|另一个|新的|这个)?(?:视频|片段|图片|照片).*(?:加到|放到|接到|拼接|添加到)"
    r".*(?:结尾|最后|开头|后面|前面)",
    cost=EDIT_COST,
    help='"add the second clip at the end", "put photo.jpg at the start for 3 seconds"',
)
async def add_clip_intent(turn: Turn, match: re.Match[str]) -> None:
    draft = current_draft(turn)
    chosen = pick_visual(turn.media, draft, turn.message)
    message = normalize_message(turn.message)
    at = "start" if re.search(r"\b(?:start|beginning|front)\b|开头|前面|最前", message) else "end"
    asked = parse_duration_ms(strip_quoted(message))
    if chosen.file_type == "image":
        _refuse_zero_length(asked, "A photo", "for 3 seconds")
        if asked is not None and asked > MAX_IMAGE_MS:
            raise AgentError(
                f"A photo can stay on screen for at most {_fmt_s(MAX_IMAGE_MS)}; ask for a "
                "shorter time, e.g. for 5 seconds."
            )
    length = asked or DEFAULT_IMAGE_MS
    new = insert_media(draft, chosen, at=at, image_ms=length)
    await _commit(turn, "add_clip", {"file": chosen.filename, "at": at}, new)
    where = "at the start" if at == "start" else "at the end"
    await turn.say(
        f"Added {chosen.filename} {where}; the video is now {_fmt_s(duration_ms(new))} long. "
        f"{NEXT_STEP}"
    )


# -- video fades ----------------------------------------------------------------------------------
def set_video_fades(draft: Draft, fade_in_ms: int | None, fade_out_ms: int | None) -> Draft:
    """Fade the footage in from black at its start and/or out to black at its end.

    ``None`` leaves that side as it is; 0 removes the fade. The video's own sound fades alike.
    """
    _require_video(draft, "fade")
    draft = copy.deepcopy(draft)
    segs = sorted(
        tracks_of(draft, schema.TrackType.VIDEO)[0][schema.SEGMENTS], key=lambda s: _span(s)[0]
    )
    for seg, key, value in (
        (segs[0], schema.SEG_FADE_IN, fade_in_ms),
        (segs[-1], schema.SEG_FADE_OUT, fade_out_ms),
    ):
        if value is None:
            continue
        if value <= 0:
            seg.pop(key, None)
        else:
            start, end = _span(seg)
            seg[key] = min(int(value), end - start)
    return finalize(draft)


@intent(
    "video_fade",
    r"^(?!.*\b(?:titles?|texts?|music|songs?|bgm|captions?|subtitles?|headings?)\b)"
    r".*\bfade(?:s|d)?\b",
    r"^(?!.*(?:标题|文字|音乐|配乐|字幕)).*(?:淡入|淡出|渐隐|渐显|黑场)",
    cost=EDIT_COST,
    priority=1,
    help='"fade in from black", "fade out at the end", "fade in and out": video fades',
)
async def video_fade_intent(turn: Turn, match: re.Match[str]) -> None:
    message = normalize_message(turn.message)
    lowered = message.lower()
    draft = current_draft(turn)
    if re.search(r"\b(?:remove|no|without|delete)\b.*\bfades?\b|去掉.*淡|取消.*淡", lowered):
        fade_in, fade_out = 0, 0
    else:
        fade_in, fade_out = parse_fades(message)
        if not fade_in and not fade_out:
            # "fade to black at the end" / "fade from black": no in/out word, so by position
            length = parse_duration_ms(message) or 1000
            m = re.search(rf"({_NUM})\s*-?\s*(?:{_UNIT_MS}|{_UNIT_S})", lowered)
            if m:
                length = parse_time_ms(m.group(0)) or length
            at_start = re.search(r"\b(?:from black|start|beginning|begin)\b|开头", lowered)
            at_end = re.search(r"\b(?:to black|end|ending)\b|结尾|最后", lowered)
            fade_in = length if at_start or not at_end else 0
            fade_out = length if at_end or not at_start else 0
    removing = not fade_in and not fade_out
    # a side the message does not mention keeps its fade, unless all fades are being removed
    new = set_video_fades(
        draft, 0 if removing else (fade_in or None), 0 if removing else (fade_out or None)
    )
    if not removing:
        fade_in, fade_out = _applied_fades(new, schema.TrackType.VIDEO, fade_in, fade_out)
    await _commit(turn, "video_fade", {"fade_in_ms": fade_in, "fade_out_ms": fade_out}, new)
    if removing:
        await turn.say(f"Removed the fades from the video. {NEXT_STEP}")
        return
    done = _fade_phrases(fade_in, fade_out, " from black", " to black")
    await turn.say(f"The video now {' and '.join(done)}. {NEXT_STEP}")


def _applied_fades(draft: Draft, tt: int, fade_in: int, fade_out: int) -> tuple[int, int]:
    """The fades the first track of type ``tt`` got for the asked (non-zero) sides.

    A fade longer than its clip is clipped to it, so replies and tool calls report these.
    """
    segs = sorted(tracks_of(draft, tt)[0][schema.SEGMENTS], key=lambda s: _span(s)[0])
    return (
        int(segs[0].get(schema.SEG_FADE_IN) or 0) if fade_in else 0,
        int(segs[-1].get(schema.SEG_FADE_OUT) or 0) if fade_out else 0,
    )


def _fade_phrases(fade_in: int, fade_out: int, from_: str = "", to: str = "") -> list[str]:
    """``["fades in<from_> over 2 s", "fades out<to> over 1 s"]`` for the non-zero sides."""
    done = []
    if fade_in:
        done.append(f"fades in{from_} over {_fmt_s(fade_in)}")
    if fade_out:
        done.append(f"fades out{to} over {_fmt_s(fade_out)}")
    return done


def set_music_fades(draft: Draft, fade_in_ms: int, fade_out_ms: int) -> Draft:
    """Set the fade-in / fade-out (ms; 0 leaves that side alone) of the background music."""
    draft = copy.deepcopy(draft)
    tracks = tracks_of(draft, schema.TrackType.AUDIO)
    if not tracks:
        raise AgentError("There is no background music on the timeline to fade.")
    for track in tracks:
        segs = sorted(track.get(schema.SEGMENTS) or [], key=lambda s: _span(s)[0])
        if fade_in_ms:
            segs[0][schema.SEG_FADE_IN] = int(fade_in_ms)
        if fade_out_ms:
            segs[-1][schema.SEG_FADE_OUT] = int(fade_out_ms)
        for seg in segs:
            _clip_fades(seg)
    return finalize(draft)


@intent(
    "music_fade",
    r"\bfade(?:s|d)?\b.*\b(?:music|song|bgm|soundtrack)\b",
    r"\b(?:music|song|bgm|soundtrack)\b.*\bfade",
    r"(?:音乐|配乐).*(?:淡入|淡出)|(?:淡入|淡出).*(?:音乐|配乐)",
    cost=EDIT_COST,
    priority=1,
    help='"fade out the music over 3 seconds": music fades',
)
async def music_fade_intent(turn: Turn, match: re.Match[str]) -> None:
    fade_in, fade_out = parse_fades(turn.message)
    if not fade_in and not fade_out:
        fade_out = 1000
    new = set_music_fades(current_draft(turn), fade_in, fade_out)
    fade_in, fade_out = _applied_fades(new, schema.TrackType.AUDIO, fade_in, fade_out)
    await _commit(turn, "music_fade", {"fade_in_ms": fade_in, "fade_out_ms": fade_out}, new)
    done = _fade_phrases(fade_in, fade_out)
    await turn.say(f"The background music now {' and '.join(done)}. {NEXT_STEP}")
