"""Build the ASS subtitle document that burns a draft's text tracks into the render (libass).

Titles, text overlays and storyboard scene cards are styled here from their ``sty`` dicts;
caption tracks (``"k": "caption"``) are styled by the caption module
(``engine/captions/burn.caption_events``) when it is present. Everything is laid out in the
canvas's own pixels (``PlayResX/Y`` = canvas size), so a size or margin means the same thing in
the ASS file as on the rendered frame.

Only fonts that come with the package are used: a burn-in must never depend on what happens
to be installed on the machine (Colab, for one, has no Noto CJK). DejaVu Sans (shipped in
``engine/fonts``) covers Latin, Greek and Cyrillic; every other script Whisper recognises has a
Noto font shipped beside it (Arabic, Hebrew, Devanagari, Bengali, Gurmukhi, Gujarati, Tamil,
Telugu, Kannada, Malayalam, Sinhala, Thai, Lao, Khmer, Myanmar, Tibetan, Georgian, Armenian,
Ethiopic; OFL-1.1), and Chinese, Japanese and Korean use Noto Sans CJK from the
``manimgx-fonts-cjk`` wheel. libass looks for missing glyphs only through fontconfig (system
fonts), never in the fonts folder it was given, so each run of text in such a script gets a
``\fn`` override naming its font (:func:`tag_script_fonts`); libass then shapes (HarfBuzz:
Arabic letters joined, Indic vowel signs placed) and orders (FriBidi: right to left) it.
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import math
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pysubs2 import Alignment, Color, SSAEvent, SSAFile, SSAStyle

from .. import schema
from .captions import scripts

__all__ = [
    "ALIGN",
    "CJK_FONT_FAMILIES",
    "FONTS_DIR",
    "FONT_NAME",
    "NAMED_COLORS",
    "REFERENCE_PX",
    "SCRIPT_FONTS",
    "build_ass",
    "escape_text",
    "font_files",
    "has_burnable_text",
    "number",
    "parse_color",
    "position",
    "safe_margins",
    "tag_script_fonts",
]

log = logging.getLogger(__name__)

FONTS_DIR = Path(__file__).with_name("fonts")
FONT_NAME = "DejaVu Sans"
#: Families inside Noto Sans CJK, by script: Korean, Japanese, then Chinese for the rest.
CJK_FONT_FAMILIES = {"ko": "Noto Sans CJK KR", "ja": "Noto Sans CJK JP", "zh": "Noto Sans CJK SC"}
#: Shipped fonts for scripts DejaVu Sans lacks or covers thinly: script -> (family, file).
SCRIPT_FONTS: dict[str, tuple[str, str]] = {
    script: (f"Noto Sans {script}", f"NotoSans{script}-Regular.ttf")
    for script in (
        "Arabic", "Hebrew", "Devanagari", "Bengali", "Gurmukhi", "Gujarati", "Tamil", "Telugu",
        "Kannada", "Malayalam", "Sinhala", "Thai", "Lao", "Khmer", "Myanmar", "Georgian",
        "Armenian", "Ethiopic",
    )
}  # fmt: skip
SCRIPT_FONTS["Tibetan"] = ("Noto Serif Tibetan", "NotoSerifTibetan-Regular.ttf")
#: Percent each shipped font is scaled by so its letters are as large as DejaVu's at the same
#: size: libass sizes a font by its line box (OS/2 winAscent + winDescent), and fonts for
#: scripts with stacked marks have tall boxes (Arabic 2.11 em against DejaVu's 1.16 em).
#: tests/captions/test_captions_scripts.py recomputes these from the font files.
FONT_SCALE: dict[str, int] = {
    "Noto Sans Arabic": 181, "Noto Sans Armenian": 117, "Noto Sans Bengali": 114,
    "Noto Sans Devanagari": 112, "Noto Sans Ethiopic": 117, "Noto Sans Georgian": 117,
    "Noto Sans Gujarati": 112, "Noto Sans Gurmukhi": 112, "Noto Sans Hebrew": 117,
    "Noto Sans Kannada": 116, "Noto Sans Khmer": 117, "Noto Sans Lao": 141,
    "Noto Sans Malayalam": 107, "Noto Sans Myanmar": 188, "Noto Sans Sinhala": 112,
    "Noto Sans Tamil": 107, "Noto Sans Telugu": 116, "Noto Sans Thai": 130,
    "Noto Serif Tibetan": 242,
}  # fmt: skip
_CJK_SCRIPTS = frozenset({"Han", "Kana", "Hangul"})
_CJK_FAMILIES = frozenset(CJK_FONT_FAMILIES.values())
_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_KANA = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff]")


@functools.lru_cache(maxsize=1)
def cjk_font_file() -> Path | None:
    """Noto Sans CJK from the ``manimgx-fonts-cjk`` wheel, or None when it is not installed."""
    spec = importlib.util.find_spec("manimgx_fonts_cjk")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for name in sorted(Path(folder).glob("*.tt[cf]")) + sorted(Path(folder).glob("*.otf")):
            return name
    return None


def cjk_family(text: str) -> str | None:
    """The CJK font family a text needs (Korean, Japanese, else Chinese), or None."""
    if not any(scripts.char_script(ch) in _CJK_SCRIPTS for ch in text):
        return None
    if _HANGUL.search(text):
        return CJK_FONT_FAMILIES["ko"]
    if _KANA.search(text):
        return CJK_FONT_FAMILIES["ja"]
    return CJK_FONT_FAMILIES["zh"]


def font_for(script: str, cjk: str | None = None) -> str | None:
    """The font family that draws ``script`` (None: the style's own font, DejaVu Sans)."""
    if script in _CJK_SCRIPTS:
        return cjk or CJK_FONT_FAMILIES["zh"]
    entry = SCRIPT_FONTS.get(script)
    return entry[0] if entry else None


def _family_files() -> dict[str, Path]:
    files = {family: FONTS_DIR / name for family, name in SCRIPT_FONTS.values()}
    cjk = cjk_font_file()
    if cjk is not None:
        files.update(dict.fromkeys(CJK_FONT_FAMILIES.values(), cjk))
    return files


def tag_script_fonts(text: str, base_font: str = FONT_NAME) -> str:
    """ASS event text with a ``\\fn`` override wherever a run of text changes script.

    Override blocks are kept; after a ``\\r`` (karaoke's reset) the font is the style's again,
    so the next run is tagged anew. Spaces and combining marks stay in the current font; ASCII
    punctuation and digits go to DejaVu Sans (the script fonts lack many), full-width
    punctuation to the CJK font.
    """
    cjk = cjk_family(text)
    out: list[str] = []
    current: str | None = None  # None: the style's font
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "{":  # an override block: copy it, follow its font changes
            end = text.find("}", i)
            end = n - 1 if end < 0 else end
            block = text[i : end + 1]
            if "\\r" in block:
                current = None
            named = re.findall(r"\\fn([^\\}]*)", block)
            if named:
                current = None if named[-1] in {"", base_font} else named[-1]
            out.append(block)
            i = end + 1
            continue
        if ch == "\\" and i + 1 < n:  # an escape (\N, \{, \h, backslash + word joiner)
            out.append(text[i : i + 2])
            i += 2
            continue
        script = scripts.char_script(ch)
        want = current
        if script != "Common":
            want = font_for(script, cjk)
        elif unicodedata.category(ch)[0] == "M" or ch == " ":
            pass  # a combining mark or a space stays with the letters around it
        elif ord(ch) >= 0x2E80:  # CJK and full-width punctuation: only the CJK font has it
            want = cjk or CJK_FONT_FAMILIES["zh"]
        elif current not in _CJK_FAMILIES:
            # ASCII punctuation and digits: the script fonts lack many (Noto Sans Armenian has
            # no comma), DejaVu has them all; the CJK font has them too
            want = None
        if want != current:
            scale = FONT_SCALE.get(want or "", 100)
            resize = scale != FONT_SCALE.get(current or "", 100)
            size = f"\\fscx{scale}\\fscy{scale}" if resize else ""
            out.append("{\\fn" + (want or base_font) + size + "}")
            current = want
        out.append(ch)
        i += 1
    return "".join(out)


def font_files(doc: SSAFile) -> list[Path]:
    """The font files libass needs for ``doc``: DejaVu, plus the fonts its ``\\fn`` tags name."""
    files = sorted(FONTS_DIR.glob("DejaVu*.ttf"))
    used = {name for ev in doc.events for name in re.findall(r"\\fn([^\\}]*)", ev.text)}
    used.update(style.fontname for style in doc.styles.values())
    for family, path in _family_files().items():
        if family in used and path not in files and path.is_file():
            files.append(path)
    return files


#: Reference height (px) the ``size`` and ``outline`` style values are given at.
REFERENCE_PX = 1080

#: ``sty`` positions -> ASS alignment (numpad layout).
ALIGN = {
    "bottom-left": Alignment.BOTTOM_LEFT,
    "bottom-center": Alignment.BOTTOM_CENTER,
    "bottom-right": Alignment.BOTTOM_RIGHT,
    "center-left": Alignment.MIDDLE_LEFT,
    "center": Alignment.MIDDLE_CENTER,
    "center-right": Alignment.MIDDLE_RIGHT,
    "top-left": Alignment.TOP_LEFT,
    "top-center": Alignment.TOP_CENTER,
    "top-right": Alignment.TOP_RIGHT,
}
_POS_ALIASES = {
    "top": "top-center",
    "bottom": "bottom-center",
    "middle": "center",
    "centre": "center",
    "left": "center-left",
    "right": "center-right",
    "center-center": "center",
}

# Defaults per track kind: size in px at a 1080 px short side.
_KIND_DEFAULTS: dict[str, dict[str, Any]] = {
    schema.TrackKind.TITLE: {"size": 72, "pos": "top-center", "bold": True, "outline": 3},
    schema.TrackKind.STORYBOARD: {
        "size": 56,
        "pos": "center",
        "bold": True,
        "outline": 0,
        "box": "#000000B3",
    },
    schema.TrackKind.CAPTION: {"size": 54, "pos": "bottom-center", "bold": False, "outline": 3},
}

_HEX = re.compile(r"^#?([0-9a-fA-F]{6})([0-9a-fA-F]{2})?$")
#: Colour names a style may use (also the chat skills' colour words).
NAMED_COLORS = {
    "white": "#FFFFFF",
    "black": "#000000",
    "red": "#FF3B30",
    "green": "#34C759",
    "blue": "#0A84FF",
    "yellow": "#FFD60A",
    "orange": "#FF9F0A",
    "purple": "#BF5AF2",
    "pink": "#FF375F",
    "cyan": "#64D2FF",
    "gray": "#8E8E93",
    "grey": "#8E8E93",
}


def parse_color(value: Any, default: str = "#FFFFFF") -> Color:
    """``"#RRGGBB"`` / ``"#RRGGBBAA"`` / a colour name -> pysubs2 Color (ASS alpha: 0 = opaque)."""
    text = str(value).strip() if value else default
    text = NAMED_COLORS.get(text.lower(), text)
    m = _HEX.match(text) or _HEX.match(default)
    assert m is not None
    rgb = m.group(1)
    opacity = int(m.group(2), 16) if m.group(2) else 255
    return Color(int(rgb[0:2], 16), int(rgb[2:4], 16), int(rgb[4:6], 16), 255 - opacity)


def escape_text(text: str) -> str:
    """Plain user text -> ASS event text that libass shows literally.

    Braces would open override blocks and a backslash starts a tag (``\\N``, ``\\h``): libass
    reads ``\\{``/``\\}`` as literal braces, and a WORD JOINER after a backslash keeps it from
    pairing with the next letter while drawing nothing.
    """
    out = str(text).replace("\r\n", "\n").replace("\\", "\\\u2060")
    out = out.replace("{", "\\{").replace("}", "\\}")
    return out.replace("\n", "\\N")


def safe_margins(width: int, height: int) -> dict[str, int]:
    """Margins (px) that keep text readable: the 9:16 social safe zone, else 5 % of the short side.

    For vertical canvases the platform UI covers the top 250 px, the bottom 460 px and the
    right 180 px of a 1080x1920 frame (scaled for other sizes).
    """
    short = min(width, height)
    if height > width * 1.5:  # 9:16 and taller
        s = width / 1080
        return {
            "top": round(250 * s),
            "bottom": round(460 * s),
            "right": round(180 * s),
            "left": round(60 * s),
        }
    edge = round(short * 0.05)
    return {"top": edge, "bottom": edge, "right": edge, "left": edge}


def position(value: Any, default: str) -> str:
    """A ``sty`` position (``"top"``, ``"bottom centre"``...) as an ``ALIGN`` key, else default."""
    pos = str(value or default).strip().lower().replace("_", "-").replace(" ", "-")
    pos = _POS_ALIASES.get(pos, pos).replace("centre", "center")
    return pos if pos in ALIGN else default


def _style_for(sty: dict[str, Any], kind: str, width: int, height: int) -> SSAStyle:
    base = _KIND_DEFAULTS.get(kind, _KIND_DEFAULTS[schema.TrackKind.TITLE])
    scale = min(width, height) / REFERENCE_PX
    pos = position(sty.get(schema.STYLE_POSITION), base["pos"])
    margins = safe_margins(width, height)
    size = number(sty.get(schema.STYLE_SIZE), base["size"])
    outline = number(sty.get(schema.STYLE_OUTLINE), base["outline"])
    bold = sty.get(schema.STYLE_BOLD)
    style = SSAStyle(
        fontname=FONT_NAME,  # only shipped fonts: see the module docstring
        fontsize=max(8.0, size * scale),
        primarycolor=parse_color(sty.get(schema.STYLE_COLOR), "#FFFFFF"),
        secondarycolor=parse_color(sty.get(schema.STYLE_HIGHLIGHT), "#FFD60A"),
        outlinecolor=Color(0, 0, 0, 0),
        backcolor=Color(0, 0, 0, 128),
        bold=bool(base["bold"] if bold is None else bold),
        borderstyle=1,
        outline=max(0.0, outline * scale),
        shadow=0.0,
        alignment=ALIGN[pos],
        marginl=margins["left"],
        marginr=margins["right"],
        marginv=margins["top"] if pos.startswith("top") else margins["bottom"],
        encoding=-1,  # each line's direction from its first strong character (RTL text)
    )
    box = sty.get(schema.STYLE_BOX, base.get("box"))
    if box:
        # BorderStyle 3 = opaque box; libass fills it with the outline colour, and the outline
        # width becomes the box padding.
        fill = parse_color(box, "#000000B3")
        style.borderstyle = 3
        style.outlinecolor = fill
        style.backcolor = fill
        style.outline = max(4.0, 12 * scale)
        style.shadow = 0.0
        # the box grows outwards by its padding: move the text in so the box stays in bounds
        pad = math.ceil(style.outline)
        style.marginl += pad
        style.marginr += pad
        style.marginv += pad
    return style


def number(value: Any, default: float) -> float:
    """``value`` as a float, ``default`` when it is missing or not a number."""
    try:
        return float(value) if value is not None else float(default)
    except (TypeError, ValueError):
        return float(default)


def _fade_tag(anim: Any) -> str:
    if anim in ("fade-in", "fadein", "fade_in"):
        return r"{\fad(400,0)}"
    if anim in ("fade", "fade-in-out", "fade-out"):
        return r"{\fad(400,400)}" if anim != "fade-out" else r"{\fad(0,400)}"
    return ""


def _text_of(seg: dict[str, Any]) -> str:
    for key in schema.TEXT_KEYS:
        if seg.get(key):
            return str(seg[key])
    return ""


def _track_kind(track: dict[str, Any]) -> str:
    return str(track.get(schema.TRACK_KIND) or schema.TrackKind.TITLE)


def text_tracks(draft: dict[str, Any]) -> Iterable[dict[str, Any]]:
    """The draft's visible text tracks (``tt`` 7, not hidden), in drawing order."""
    for track in draft.get(schema.TRACKS) or []:
        if track.get(schema.TRACK_TYPE) == schema.TrackType.TEXT and not track.get(
            schema.TRACK_HIDDEN
        ):
            yield track


def has_burnable_text(draft: dict[str, Any]) -> bool:
    """Whether any visible text track has a segment with text."""
    return any(
        _text_of(seg) or seg.get(schema.SEG_WORDS)
        for track in text_tracks(draft)
        for seg in track.get(schema.SEGMENTS) or []
    )


def _caption_burner():
    try:
        from .captions.burn import caption_events
    except Exception as exc:  # the caption module is optional; a broken one must not stop renders
        log.debug("caption burn styles unavailable (%s); using plain captions", exc)
        return None
    return caption_events


def _named_styles(styles: Any, events: list[SSAEvent]) -> list[tuple[str, SSAStyle]]:
    """Accept styles as a dict, ``(name, style)`` pairs, or bare styles in event order."""
    if isinstance(styles, dict):
        return list(styles.items())
    pairs: list[tuple[str, SSAStyle]] = []
    used = list(dict.fromkeys(ev.style for ev in events))
    for i, item in enumerate(styles or []):
        if isinstance(item, tuple):
            pairs.append((str(item[0]), item[1]))
        else:
            name = getattr(item, "name", None) or (used[i] if i < len(used) else f"Caption{i}")
            pairs.append((str(name), item))
    return pairs


def build_ass(draft: dict[str, Any], width: int, height: int) -> SSAFile:
    """The ASS document for every visible text track of ``draft`` on a canvas of that size.

    Parameters
    ----------
    draft : dict
        The session draft (``t``/``tt``/``sg``; text segments carry ``txt`` and ``sty``).
    width, height : int
        Canvas size in pixels; the document's PlayRes is set to it.

    Returns
    -------
    pysubs2.SSAFile
        Possibly without events, when nothing is to be burned.
    """
    doc = SSAFile()
    doc.info.update(
        {
            "Title": "nemo-widgets burn-in",
            "PlayResX": str(width),
            "PlayResY": str(height),
            "ScaledBorderAndShadow": "yes",
            "WrapStyle": "0",
            "YCbCr Matrix": "TV.709",
        }
    )
    doc.styles.clear()
    caption_events = None
    tried_captions = False
    caption_groups: list[list[SSAEvent]] = []  # events of each visible caption track
    for t_index, track in enumerate(text_tracks(draft)):
        kind = _track_kind(track)
        segments = track.get(schema.SEGMENTS) or []
        if kind == schema.TrackKind.CAPTION:
            if not tried_captions:
                caption_events, tried_captions = _caption_burner(), True
            if caption_events is not None:
                try:
                    styles, events = caption_events(track, width, height)
                except Exception:
                    log.exception("caption styling failed; burning plain captions")
                else:
                    prefix = f"cap{t_index}_"
                    for name, style in _named_styles(styles, list(events)):
                        doc.styles[prefix + name] = style
                    for ev in events:
                        ev.style = prefix + ev.style
                        if ev.style not in doc.styles:
                            doc.styles[ev.style] = _style_for({}, kind, width, height)
                        doc.events.append(ev)
                    caption_groups.append(list(events))
                    continue
        for s_index, seg in enumerate(segments):
            text = _text_of(seg)
            if not text and seg.get(schema.SEG_WORDS):
                text = " ".join(str(w.get("w", "")) for w in seg[schema.SEG_WORDS]).strip()
            start = int(seg.get(schema.SEG_START) or 0)
            end = int(seg.get(schema.SEG_END) or 0)
            if not text or end <= start:
                continue
            sty = dict(track.get(schema.SEG_STYLE) or {})
            sty.update(seg.get(schema.SEG_STYLE) or {})
            name = f"{kind}{t_index}_{s_index}"
            doc.styles[name] = _style_for(sty, kind, width, height)
            doc.events.append(
                SSAEvent(
                    start=start,
                    end=end,
                    style=name,
                    layer=t_index,
                    text=_fade_tag(sty.get(schema.STYLE_ANIMATION)) + escape_text(text),
                )
            )
    if not doc.styles:
        doc.styles["Default"] = _style_for({}, schema.TrackKind.TITLE, width, height)
    _stack_caption_tracks(doc, caption_groups)
    _use_script_fonts(doc)
    doc.events.sort(key=lambda ev: (ev.start, ev.layer))
    return doc


def _stack_caption_tracks(doc: SSAFile, groups: list[list[SSAEvent]]) -> None:
    """Bilingual captions: a second visible caption track sits just beyond the first.

    While a cue of the second track is on screen with cues of the first at the same edge, its
    margin grows by the first's lines, so the two languages never overlap, one line each
    (bottom: the second above; top: below). Events of one track never move the other's.
    """
    if len(groups) < 2:
        return
    below = groups[0]
    for group in groups[1:]:
        for ev in group:
            style = doc.styles[ev.style]
            height = 0.0
            for other in below:
                if other.start < ev.end and ev.start < other.end:
                    base = doc.styles[other.style]
                    # the same edge: numpad rows 1-3 bottom, 4-6 middle, 7-9 top
                    if (int(base.alignment) - 1) // 3 == (int(style.alignment) - 1) // 3:
                        lines = other.text.count("\\N") + 1
                        height = max(height, lines * base.fontsize * 1.2 + base.outline * 2)
            if height:
                ev.marginv = round(style.marginv + height + 0.25 * style.fontsize)
        below = below + group


def _use_script_fonts(doc: SSAFile) -> None:
    """Tag every run of text in a script DejaVu Sans lacks with its shipped font."""
    for ev in doc.events:
        if all(ord(ch) < 0x370 for ch in ev.text):  # Latin only: nothing to do (most titles)
            continue
        if cjk_family(ev.text) and cjk_font_file() is None:
            log.warning(
                "burned-in text has Chinese/Japanese/Korean characters but manimgx-fonts-cjk is "
                "not installed; they will show as boxes (pip install manimgx-fonts-cjk)"
            )
        style = doc.styles.get(ev.style)
        ev.text = tag_script_fonts(ev.text, style.fontname if style else FONT_NAME)
