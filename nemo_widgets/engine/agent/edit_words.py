"""The words, costs and refusals the editing rows (titles, edits, sound) share.

A clause is offered to every row; these patterns are how each row tells its own subject
(a title, the music, the captions) from another row's, so they live in one place.
"""

from __future__ import annotations

import re

from .. import timeline as tl
from .reader import Clause, Context, Refused, Times, amount_ms, time_ms

# Credits per successful edit. The cloud quotes "editing ~50 per session"; at 2 an edit, a
# free token's 100 credits last a working session of edits, as they do there.
EDIT_COST = 2
DEFAULT_TITLE_MS = tl.DEFAULT_TITLE_MS


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# ================================================================================================
# Words the rows share
# ================================================================================================
TITLE_NOUN = _re(
    r"\bcaption(?= (?:that|which) (?:says|reads)| saying| reading)|\b(?:titles?|headings?|"
    r"headlines?|text(?: overlay)?|overlay text|lower third|caption text|"
    r"words|títulos?|texto|rótulo|letrero|subtitle text)\b|标题|(?<!中)文字(?!幕)|文本|字样"
)
ON_SCREEN = _re(r"\bon (?:the )?screen\b|\bonscreen\b|en (?:la )?pantalla|在屏幕上|屏幕上")
METADATA = _re(
    r"\b(?:youtube|description|descriptions|tags|hashtags|seo|suggest|ideas|chapters|metadata|"
    r"thumbnail|descripci[oó]n|etiquetas|cap[ií]tulos)\b|描述|标签|简介|章节"
)
CAPTIONS = _re(r"\b(?:captions?|subtitles?|subs|subtítulos?|transcri\w+)\b|字幕")
MUSIC = _re(
    r"\b(?:music|bgm|songs?|soundtrack|tune|música|canci[oó]n|melod[ií]a)\b|音乐|配乐|背景乐|歌"
)
ORIGINAL = _re(
    r"\b(?:original (?:audio|sound)|video'?s? (?:audio|sound)|clip'?s? (?:audio|sound)|voice|"
    r"dialog(?:ue)?|speech|narration|the sound|audio original|sonido(?: original)?|la voz)\b|"
    r"原声|原音|人声|视频声音|视频的声音|声音|\b(?:the )?audio\b(?! track| file)"
)
ADD = _re(
    r"\b(?:add|put|place|insert|include|create|write|overlay|show|display|stick|throw|slap|"
    r"añade|añadir|agrega|agregar|pon|ponle|poner|coloca|inserta|incluye|escribe|muestra)\b|"
    # numerals are digits by now ("加一个" reads "加1个"); 加粗/加快/加速 are changes, not adds
    r"添加|加上|加入|加\d*个|加(?=标题|文字|字幕|一?[段行条])|插入|放上|放\d*个|显示|写上|打上|^加|"
    r"\bi'?d like\b|\bi would like\b|\bi want\b|\bi need\b|\bcan (?:i|you) (?:have|get)\b|"
    r"\bgive me\b|\bquiero\b|我要|我想要"
)
REMOVE = _re(
    r"\b(?:remove|delete|drop|erase|clear|get rid of|take (?:off|out|away)|kill|lose|"
    r"quita|quitar|elimina|eliminar|borra|borrar|saca)\b|删除|删掉|去掉|移除|去除|不要"
)
CHANGE = _re(
    r"\b(?:make|turn|set|change|colou?r|move|shift|restyle|style|give|rename|retitle|edit|"
    r"update|replace|put|place|drag|resize|extend|shorten|lengthen|keep|center|centre|bold|"
    r"haz|hazlo|cambia|mueve|pon|ponlo|ponla)\b|改成|改为|变成|换成|改|调|移到|放到|放在|加粗|放大|缩小|把|将"
)
STYLE_WORDS = _re(
    r"#[0-9a-f]{6}|\b(?:white|black|red|green|blue|yellow|gold|golden|orange|purple|pink|cyan|"
    r"gr[ae]y|bigger|larger|smaller|huge|tiny|bold|top|bottom|center|centre|middle|left|right|"
    r"size|box|background|outline|fade|fades|blanco|negro|rojo|verde|azul|amarillo|arriba|"
    r"abajo|centro|negrita|grande|pequeño)\b|\d+\s*(?:px|pt)|色|大一|小一|顶部|底部|中间|上方|"
    r"下方|加粗|放大|缩小|背景|描边|淡入"
)
PRONOUN = _re(r"\b(?:it|them|this|that|lo|la|los|las)\b|它|它们")


def text_subject(clause: Clause, ctx: Context) -> bool:
    """Whether a clause that names no subject ("make it yellow") means the titles."""
    if clause.refers_to:
        return clause.refers_to == "title"
    return bool(ctx.titles) and not ctx.caption_langs


NEGATIVE = Refused(
    reason="A time can't be negative: 0:00 is the start of the video. Say e.g. from 0:02 to 0:05."
)


def backwards(times: Times, example: str) -> Refused:
    a, b = times.backwards or (0, 0)
    problem = (
        f"starts and ends at {tl.fmt_s(a)}"
        if a == b
        else f"ends ({tl.fmt_s(b)}) before it starts ({tl.fmt_s(a)})"
    )
    return Refused(reason=f"That range {problem}. Say the earlier time first, e.g. {example}.")


# a media file named in a message ("add intro.mp4", "use song.mp3 as music")
FILE_NAME = _re(r"[\w\-.()]+\.(?:mp4|mov|webm|mkv|avi|jpe?g|png|gif|webp|mp3|wav|m4a|aac)\b")

FADE = _re(r"\bfade(?:s|d)?\b|\bfundido\b|\bdifumin\w*|淡入|淡出|渐隐|渐显|黑场")


def fades(n: str) -> tuple[int, int]:
    """``(fade_in_ms, fade_out_ms)`` a clause names ("2 second fade out", "淡出3秒")."""

    got = {"in": 0, "out": 0}
    unit = r"(?:ms|milliseconds?|s|secs?|seconds?|秒|segundos?)"
    num = r"\d+(?:\.\d+)?"
    for m in re.finditer(rf"({num})\s*-?\s*({unit})?\s*-?\s*fade[\s-]*(in|out)", n):
        got[m.group(3)] = time_ms(m.group(1) + (m.group(2) or "s")) or 0
    things = r"(?:\s+(?:the|this|that|it|music|song|bgm|soundtrack|video|clip|audio|track)){0,3}"
    for m in re.finditer(
        rf"fade{things}[\s-]*(in|out)\b{things}\s*(?:of|over|for|:|=|lasting|by|in)?\s*({num})\s*-?\s*({unit})?",
        n,
    ):
        got[m.group(1)] = time_ms(m.group(2) + (m.group(3) or "s")) or 0
    for m in re.finditer(rf"淡(入|出)\s*({num})\s*({unit})?", n):
        got["in" if m.group(1) == "入" else "out"] = time_ms(m.group(2) + (m.group(3) or "秒")) or 0
    for m in re.finditer(rf"({num})\s*({unit})?\s*(?:的)?淡(入|出)", n):
        got["in" if m.group(3) == "入" else "out"] = time_ms(m.group(1) + (m.group(2) or "秒")) or 0
    for m in re.finditer(rf"fundido de (entrada|salida)\s*(?:de)?\s*({num})\s*({unit})?", n):
        key = "in" if m.group(1) == "entrada" else "out"
        got[key] = time_ms(m.group(2) + (m.group(3) or "s")) or 0
    default = 1000 if got["in"] or got["out"] else (amount_ms(n) or 1000)
    if re.search(
        r"fade[\s-]*in and (?:fade[\s-]*)?out|fade in/out|fades? in and out|淡入淡出|"
        r"fundido de entrada y salida",
        n,
    ):
        got["in"] = got["in"] or default
        got["out"] = got["out"] or default
    if not got["in"] and re.search(
        r"fade[\s-]*in|淡入|渐显|fundido de entrada|from black|desde negro", n
    ):
        got["in"] = default
    if not got["out"] and re.search(
        r"fade[\s-]*out|淡出|渐隐|fundido de salida|fundido a negro|to black", n
    ):
        got["out"] = default
    return got["in"], got["out"]
