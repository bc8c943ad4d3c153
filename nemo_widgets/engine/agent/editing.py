"""Editing rows: titles and text, trims and cuts, aspect ratio, speed, clips, fades, sound.

Each row reads a clause into typed commands (English, Chinese, Spanish; see ``reader``) and
applies one command with a pure operation of :mod:`..timeline`, then commits the new draft
with one ``edit_multitrack`` tool call. A refusal raises the timeline's error before anything
is committed, so the session stays exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import schema
from .. import timeline as tl
from .base import AgentError, Media, Turn
from .reader import (
    TIME,
    Clause,
    Command,
    Context,
    Refused,
    Row,
    Times,
    When,
    sized,
    time_ms,
)

TOOL = "edit_multitrack"
# Credits per successful edit. The cloud quotes "editing ~50 per session"; at 2 an edit, a
# free token's 100 credits last a working session of edits, as they do there.
EDIT_COST = 2
NEXT_STEP = "Preview it in the timeline or click Export."
DEFAULT_TITLE_MS = tl.DEFAULT_TITLE_MS


def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


# ================================================================================================
# Words the rows share
# ================================================================================================
_TITLE_NOUN = _re(
    r"\bcaption(?= (?:that|which) (?:says|reads)| saying| reading)|\b(?:titles?|headings?|"
    r"headlines?|text(?: overlay)?|overlay text|lower third|caption text|"
    r"words|títulos?|texto|rótulo|letrero|subtitle text)\b|标题|(?<!中)文字(?!幕)|文本|字样"
)
_ON_SCREEN = _re(r"\bon (?:the )?screen\b|\bonscreen\b|en (?:la )?pantalla|在屏幕上|屏幕上")
_METADATA = _re(
    r"\b(?:youtube|description|descriptions|tags|hashtags|seo|suggest|ideas|chapters|metadata|"
    r"thumbnail|descripci[oó]n|etiquetas|cap[ií]tulos)\b|描述|标签|简介|章节"
)
_CAPTIONS = _re(r"\b(?:captions?|subtitles?|subs|subtítulos?|transcri\w+)\b|字幕")
_MUSIC = _re(
    r"\b(?:music|bgm|songs?|soundtrack|tune|música|canci[oó]n|melod[ií]a)\b|音乐|配乐|背景乐|歌"
)
_ORIGINAL = _re(
    r"\b(?:original (?:audio|sound)|video'?s? (?:audio|sound)|clip'?s? (?:audio|sound)|voice|"
    r"dialog(?:ue)?|speech|narration|the sound|audio original|sonido(?: original)?|la voz)\b|"
    r"原声|原音|人声|视频声音|视频的声音|声音|\b(?:the )?audio\b(?! track| file)"
)
_ADD = _re(
    r"\b(?:add|put|place|insert|include|create|write|overlay|show|display|stick|throw|slap|"
    r"añade|añadir|agrega|agregar|pon|ponle|poner|coloca|inserta|incluye|escribe|muestra)\b|"
    # numerals are digits by now ("加一个" reads "加1个"); 加粗/加快/加速 are changes, not adds
    r"添加|加上|加入|加\d*个|加(?=标题|文字|字幕|一?[段行条])|插入|放上|放\d*个|显示|写上|打上|^加|"
    r"\bi'?d like\b|\bi would like\b|\bi want\b|\bi need\b|\bcan (?:i|you) (?:have|get)\b|"
    r"\bgive me\b|\bquiero\b|我要|我想要"
)
_REMOVE = _re(
    r"\b(?:remove|delete|drop|erase|clear|get rid of|take (?:off|out|away)|kill|lose|"
    r"quita|quitar|elimina|eliminar|borra|borrar|saca)\b|删除|删掉|去掉|移除|去除|不要"
)
_CHANGE = _re(
    r"\b(?:make|turn|set|change|colou?r|move|shift|restyle|style|give|rename|retitle|edit|"
    r"update|replace|put|place|drag|resize|extend|shorten|lengthen|keep|center|centre|bold|"
    r"haz|hazlo|cambia|mueve|pon|ponlo|ponla)\b|改成|改为|变成|换成|改|调|移到|放到|放在|加粗|放大|缩小|把|将"
)
_STYLE_WORDS = _re(
    r"#[0-9a-f]{6}|\b(?:white|black|red|green|blue|yellow|gold|golden|orange|purple|pink|cyan|"
    r"gr[ae]y|bigger|larger|smaller|huge|tiny|bold|top|bottom|center|centre|middle|left|right|"
    r"size|box|background|outline|fade|fades|blanco|negro|rojo|verde|azul|amarillo|arriba|"
    r"abajo|centro|negrita|grande|pequeño)\b|\d+\s*(?:px|pt)|色|大一|小一|顶部|底部|中间|上方|"
    r"下方|加粗|放大|缩小|背景|描边|淡入"
)
_PRONOUN = _re(r"\b(?:it|them|this|that|lo|la|los|las)\b|它|它们")


def _text_subject(clause: Clause, ctx: Context) -> bool:
    """Whether a clause that names no subject ("make it yellow") means the titles."""
    if clause.refers_to:
        return clause.refers_to == "title"
    return bool(ctx.titles) and not ctx.caption_langs


# ================================================================================================
# Titles
# ================================================================================================
@dataclass(frozen=True)
class AddTitle(Command):
    """Put text on screen: ``when`` it shows, its style (``pos``, ``color``, ...)."""

    text: str
    when: When = field(default_factory=When)
    style: dict[str, Any] = field(default_factory=dict)
    overlay: bool = False
    cost = EDIT_COST

    def merge(self, later: Command) -> Command | None:
        # "add a title 'A' and make it yellow": the new title, yellow (one edit, not two)
        if (
            isinstance(later, EditTitle)
            and later.target in (None, self.text)
            and later.text is None
            and later.when is None
            and not later.every
        ):
            return AddTitle(self.text, self.when, {**self.style, **later.style}, self.overlay)
        return None


@dataclass(frozen=True)
class EditTitle(Command):
    """Change titles: the one saying ``target`` (else the last one): text, times, style."""

    target: str | None = None
    text: str | None = None
    when: When | None = None
    move: bool = False  # ``when.start_ms`` moves the title, keeping its length
    style: dict[str, Any] = field(default_factory=dict)
    every: bool = False
    cost = EDIT_COST

    def merge(self, later: Command) -> Command | None:
        # "make the title red and move it to the bottom": one change of the same title
        if not isinstance(later, EditTitle) or later.target not in (None, self.target):
            return None
        if (self.text and later.text) or (self.when and later.when):
            return None
        return EditTitle(
            self.target,
            self.text or later.text,
            self.when or later.when,
            self.move or later.move,
            {**self.style, **later.style},
            self.every or later.every,
        )


@dataclass(frozen=True)
class RemoveTitle(Command):
    """Remove the title saying ``target``, else every title."""

    target: str | None = None
    cost = EDIT_COST


_SAYING = _re(
    r"\b(?:saying|that says|which says|reading|that reads|with the text|with the words|"
    r"que diga|que dice|con el texto)\s+"
)
_NUMBERISH = (
    r"\d|the |a |an |about|half|one|two|three|four|five|six|seven|eight|nine|ten|twenty|thirty|"
    r"un |una |dos|tres|cuatro|cinco|diez"
)
# where unquoted title text ends: at a time, a place or the next request ("for watching" is text)
_STOP = _re(
    rf"\s+(?:(?:for|durante|por) (?:{_NUMBERISH})|(?:at|from|starting at|desde|a los|en el) "
    rf"(?:{_NUMBERISH}|top|bottom|center|centre|middle|start|end|beginning)|"
    r"(?:until|till|hasta|starting|lasting|during)\b|(?:on|in|to) the (?:top|bottom|center|"
    r"centre|middle|left|right|screen|start|end)|and (?:make|put|add|move|set|then)\b|with (?:a|"
    r"an)\b|"
    r"(?:en|al) (?:el |la )?(?:centro|final|principio|inicio)|arriba|abajo)|[,.;!?，。；]|$"
)
_AFTER_NOUN = _re(
    r"\b(?:title|heading|headline|text|words|título|texto|rótulo)\s*(?::|saying|that says)?\s+"
)
_ZH_TEXT = _re(r"(?:标题|文字|文本|字样)\s*[:：]?\s*([^，。,;；\s的]+)")


def _title_text(clause: Clause) -> str | None:
    """The text a title should say: the first quote, else the words after "saying"/"title"."""
    quoted = clause.quoted()
    if quoted:
        return quoted[0]
    for finder in (_SAYING, _AFTER_NOUN):
        m = finder.search(clause.low)
        if not m:
            continue
        stop = _STOP.search(clause.low, m.end())
        end = stop.start() if stop else len(clause.low)
        text = clause.raw[m.end() : min(end, m.end() + 120)].strip().strip("\"'“”‘’「」«»")
        words = text.split()
        if not words or len(words) > 8:
            continue
        if finder is _AFTER_NOUN and re.match(
            r"(?:a|an|the|some|it|at|for|to|from|on|in|with|el|la|un|una|en|de|con|al|a|"
            r"yellow|red|bigger|smaller|bold)\b",
            words[0].lower(),
        ):
            continue
        return text
    m = _ZH_TEXT.search(clause.raw)
    if m and not re.match(r"(?:放|改|在|持续|显示|颜色|字号|大小|为|的)", m.group(1)):
        return m.group(1)
    return None


def _title_when(t: Times, *, default_start: int | None = None) -> When:
    return t.when(default_start)


def parse_title(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _METADATA.search(n):
        return None
    noun = _TITLE_NOUN.search(n)
    quoted = clause.quoted()
    blank = "" in quoted
    pronoun = bool(_PRONOUN.search(n)) and _text_subject(clause, ctx)
    if noun is None and _CAPTIONS.search(n):
        return None  # "make the captions yellow" is the captions' row
    if noun is None and (_MUSIC.search(n) or _ORIGINAL.search(n)) and not quoted:
        return None
    if noun and noun.group(0) in ("words",) and not (quoted or _ON_SCREEN.search(n)):
        noun = None
    if (
        noun
        and re.match(r"caption|subtitle", noun.group(0))
        and not re.search(r"text", noun.group(0))
        and not re.search(
            r"\bcaption (?:that|which) (?:says|reads)|\bcaption (?:saying|reading)", n
        )
    ):
        noun = None
    about_title = bool(noun) or bool(_ON_SCREEN.search(n))
    if not about_title and not quoted and not pronoun:
        return None
    times = clause.times()
    text = _title_text(clause)
    style = clause.style()
    if _REMOVE.search(n) and (about_title or (quoted and quoted[0] in ctx.titles)):
        part = re.search(
            r"\b(?:box|background|outline|bold|fade|animation)\b|背景|描边|加粗|fondo", n
        )
        if part:
            changes = {
                k: v for k, v in style.items() if k in (schema.STYLE_BOX, schema.STYLE_ANIMATION)
            }
            if "outline" in part.group(0) or "描边" in part.group(0):
                changes[schema.STYLE_OUTLINE] = 0
            if "bold" in part.group(0) or "加粗" in part.group(0):
                changes[schema.STYLE_BOLD] = False
            if "fade" in part.group(0) or "animation" in part.group(0):
                changes[schema.STYLE_ANIMATION] = None
            if not changes:
                changes = {schema.STYLE_BOX: None}
            return [EditTitle(target=quoted[0] if quoted else None, style=changes)]
        if re.search(r"\b(?:all|every)\b|所有|全部|todos", n) or not quoted:
            return [RemoveTitle(None)]
        return [RemoveTitle(quoted[0])]
    existing = quoted[0] if quoted and quoted[0] in ctx.titles else None
    adding = bool(_ADD.search(n)) and not existing
    if adding and not text and not blank and ctx.titles and style:
        adding = False  # "add a box to the title", "add a fade-in to the title": a change
    if adding and (about_title or quoted):
        if blank or not text:
            return [
                Refused(
                    reason="What should the title say? Put the text in quotes, e.g. "
                    "add a title 'Urban Dreams' for 3 seconds at the top."
                )
            ]
        if times.negative:
            return [_NEGATIVE]
        if times.backwards:
            return [_backwards(times, "from 0:02 to 0:05")]
        if times.length is not None and times.length <= 0:
            return [Refused(reason="A title needs a length above 0 s; say e.g. for 3 seconds.")]
        overlay = bool(
            re.search(r"\btext\b|\bwords\b|文字|文本|texto", n)
            and not re.search(r"title|标题|t[ií]tulo", n)
        ) or (not noun and bool(_ON_SCREEN.search(n)) and schema.STYLE_POSITION not in style)
        return [AddTitle(text, _title_when(times), style, overlay)]
    if not (about_title or pronoun or existing or quoted):
        return None
    # a change: rename, retime, move, restyle
    if not (_CHANGE.search(n) or _STYLE_WORDS.search(n) or times.until or times.length):
        return None
    new_text = None
    target = existing
    if quoted:
        before = clause.low.split("⟦", 1)[0]
        if re.search(
            r"(?:\bto|\binto|\bwith|\breads?|\bsay|\bsays|\ba|\bpor)\s*:?\s*$|(?:改成|改为|换成|变成)\s*$",
            before,
        ):
            new_text = quoted[0]
            target = None
        elif existing is None:
            target = quoted[0]
    when = None
    move = False
    if times.range:
        when = When(times.range[0], times.range[1])
    elif times.until is not None:
        when = When(end_ms=times.until)
    elif times.length is not None and re.search(
        r"\blast|\bstay|\bshow|\bon screen|\bdura|持续|显示|停留|保持", n
    ):
        when = When(length_ms=times.length)
    elif times.at is not None and re.search(
        r"\b(?:disappear|vanish|go(?:es)? away|ends?\b|desaparez)|消失|结束", n
    ):
        when = When(end_ms=times.at)  # "make the title disappear at 4 seconds"
    elif times.at is not None and re.search(
        r"\bmove|\bshift|\bstart|\bappear|\bshow up|\bcomes? in|\bmueve|\baparez|移到|挪到|开始|"
        r"出现",
        n,
    ):
        when, move = When(start_ms=times.at), True
    elif times.to_end:
        when = When(to_end=True)
    elif (to := _MOVE_TO.search(n)) is not None:
        when, move = When(start_ms=time_ms(to.group(1))), True
    elif times.at_end and re.search(r"\bmove|\bshift|\bmueve|移到", n):
        when, move = When(from_end=True), True
    if times.negative:
        return [_NEGATIVE]
    if times.backwards:
        return [_backwards(times, "from 0:02 to 0:05")]
    if (
        schema.STYLE_POSITION in style
        and when is None
        and not re.search(r"\bmove|\bput|\bplace|mueve|pon|移|放", n)
    ):
        pass
    if new_text is None and when is None and not style:
        if pronoun and not noun and not quoted:
            return None
        return [
            Refused(
                reason="I could not tell how to change the title. Name a colour, a size "
                "(bigger, smaller, 80 px), a position (top, center, bottom), bold, a box, "
                "a fade, new text or new times."
            )
        ]
    every = bool(re.search(r"\b(?:all|every)\b.{0,80}\btitles\b|所有标题|todos los t[ií]tulos", n))
    return [EditTitle(target, new_text, when, move, style, every)]


_MOVE_TO = _re(rf"\b(?:move|shift|mueve)\b[^.,;]{{0,40}}?\b(?:to|a)\s*(?:the\s+)?({TIME})")


_NEGATIVE = Refused(
    reason="A time can't be negative: 0:00 is the start of the video. Say e.g. from 0:02 to 0:05."
)


def _backwards(times: Times, example: str) -> Refused:
    a, b = times.backwards or (0, 0)
    problem = (
        f"starts and ends at {tl.fmt_s(a)}"
        if a == b
        else f"ends ({tl.fmt_s(b)}) before it starts ({tl.fmt_s(a)})"
    )
    return Refused(reason=f"That range {problem}. Say the earlier time first, e.g. {example}.")


def _describe_style(style: dict[str, Any]) -> list[str]:
    what = []
    if schema.STYLE_COLOR in style:
        what.append(f"colour {style[schema.STYLE_COLOR]}")
    if schema.STYLE_SIZE in style:
        what.append(f"size {style[schema.STYLE_SIZE]} px")
    if schema.STYLE_POSITION in style:
        what.append(f"position {str(style[schema.STYLE_POSITION]).replace('-', ' ')}")
    if schema.STYLE_BOLD in style:
        what.append("bold" if style[schema.STYLE_BOLD] else "regular weight")
    if schema.STYLE_BOX in style:
        what.append("a background box" if style[schema.STYLE_BOX] else "no box")
    if schema.STYLE_ANIMATION in style:
        what.append(f"animation {style[schema.STYLE_ANIMATION] or 'none'}")
    if schema.STYLE_OUTLINE in style:
        what.append(f"outline {style[schema.STYLE_OUTLINE]:g} px")
    return what


async def apply_title(cmd: Command, turn: Turn) -> str:
    draft = turn.timeline()
    total = draft.duration_ms if draft.has_footage else 0
    if isinstance(cmd, AddTitle):
        start, end = cmd.when.span(total, DEFAULT_TITLE_MS)
        size = tl.TEXT_SIZE if cmd.overlay else tl.TITLE_SIZE
        new = tl.add_title(
            draft, cmd.text, start_ms=start, end_ms=end, style=sized(dict(cmd.style), size),
            overlay=cmd.overlay,
        )  # fmt: skip
        old = {s.id for s in draft.titles()}
        seg = next(s for s in reversed(new.titles()) if s.id not in old)
        sty = dict(seg.style or {})
        args = {"text": cmd.text, "start_ms": seg.start_ms, "end_ms": seg.end_ms, "style": sty}
        await turn.commit(new, "add_text", args)
        where = sty.get(schema.STYLE_POSITION, "top-center")
        pos = str(where).replace("-", " ")
        # Titles that share a place and a moment are stacked by the renderer (libass moves
        # colliding events apart), so the new one is readable, but not where it was asked for.
        beside = [
            s.text or ""
            for s in draft.titles()
            if (s.style or {}).get(schema.STYLE_POSITION, "top-center") == where
            and s.start_ms < seg.end_ms
            and seg.start_ms < s.end_ms
        ]
        stacked = (
            f" It shows at the same time and place as {', '.join(f'“{t}”' for t in beside)}, "
            "so it is stacked below it; say e.g. 'move it to the bottom' to place it elsewhere."
            if beside
            else ""
        )
        return (
            f'Added the title "{cmd.text}" at the {pos} from {tl.fmt_s(seg.start_ms)} to '
            f"{tl.fmt_s(seg.end_ms)}.{stacked}"
        )
    if isinstance(cmd, EditTitle):
        ref = tl.TitleRef(cmd.target, all=cmd.every)
        targets = ref.pick(draft)
        size_now = float((targets[-1].style or {}).get(schema.STYLE_SIZE) or tl.TITLE_SIZE)
        style = sized(dict(cmd.style), size_now)
        start = end = length = None
        if cmd.when is not None:
            w = cmd.when
            if w.from_end:
                length = targets[-1].length_ms
                start = max(0, total - length) if total else None
            elif cmd.move:
                start = w.start_ms
            elif w.to_end:
                end = total or None
            else:
                start, end, length = w.start_ms, w.end_ms, w.length_ms
        new, changed = tl.edit_titles(
            draft, ref, text=cmd.text, start_ms=start, end_ms=end, length_ms=length, style=style
        )
        if new == draft:
            raise AgentError(
                "The title already looks like that, so nothing changed. Say what should be "
                "different, e.g. make the title yellow, or move it to the bottom."
            )
        args: dict[str, Any] = {"style": style}
        if cmd.text:
            args["text"] = cmd.text
        if cmd.when is not None and changed:
            args["start_ms"], args["end_ms"] = changed[-1].start_ms, changed[-1].end_ms
        await turn.commit(new, "style_text", args)
        what = _describe_style(style)
        if cmd.text:
            what.append(f'text "{cmd.text}"')
        if cmd.when is not None and changed:
            seg = changed[-1]
            what.append(f"on screen from {tl.fmt_s(seg.start_ms)} to {tl.fmt_s(seg.end_ms)}")
        noun = "title" if len(changed) == 1 else f"{len(changed)} titles"
        return f"Updated the {noun}: {', '.join(what) or 'style'}."
    assert isinstance(cmd, RemoveTitle)
    new, count = tl.remove_titles(draft, tl.TitleRef(cmd.target, all=cmd.target is None))
    await turn.commit(
        new, "remove", {"what": "title", **({"text": cmd.target} if cmd.target else {})}
    )
    return "Removed the title." if count == 1 else f"Removed {count} titles."


# ================================================================================================
# Trims and cuts
# ================================================================================================
@dataclass(frozen=True)
class Trim(Command):
    """Keep only ``when`` of the video (``keep``), or cut ``when`` out of it."""

    when: When
    keep: bool = True
    cost = EDIT_COST


_KEEP = _re(
    r"\b(?:trim|cut|shorten|crop|chop)\s+(?:it\s+|the video\s+|this\s+|"
    r"the clip\s+)?(?:down\s+)?to\b|"
    r"\bkeep\b|\bonly\b|\bjust the\b|\bshorten\b|\bmake (?:it|"
    r"the video) \d[^a-z]*\S*\s*(?:seconds?|s|minutes?|min)?\s*long\b|"
    r"保留|只要|只留|截取|裁剪到|剪到|剪成|缩短到|缩短为|缩短|\bdeja (?:solo|sólo)\b|\bconserva\b|"
    r"\bqu[eé]date con\b|\brecorta(?:lo|r)? a\b|\bacorta\b|\bsolo (?:los|las)\b"
)
_CUT = _re(
    r"\b(?:cut|remove|delete|drop|chop|skip|get rid of|take out|trim off|trim away|snip|lose)\b|"
    r"\btrim the (?:first|last|start|end|beginning)\b|剪掉|删掉|删除|去掉|切掉|去除|不要|不需要|"
    r"\b(?:quita|quitar|elimina|eliminar|corta|cortar|borra|borrar|recorta)\b"
)
_TRIM_WORD = _re(r"\btrim\b|\bshorten\b|裁剪|剪辑|剪|\brecorta\b|\bacorta\b")


def parse_trim(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _TITLE_NOUN.search(n) or _MUSIC.search(n) or _CAPTIONS.search(n) or _METADATA.search(n):
        return None
    if re.search(r"\bsilence|\bsilent|\bpauses?\b|\bfillers?\b|\bums?\b|静音部分|停顿", n):
        return None  # silence removal is not offered; the general row says so
    keep = bool(_KEEP.search(n)) and not re.search(r"从.{0,10}?(?:剪|删|切)(?:掉)?到", n)
    cut = bool(_CUT.search(n) or re.search(r"从.{0,10}?(?:剪|删|切)(?:掉)?到", n)) and not keep
    if not keep and not cut and not _TRIM_WORD.search(n):
        return None
    if not ctx.has_footage and ctx.has_storyboard:
        return None  # "make it 15 seconds" then refines the storyboard
    t = clause.times()
    if t.negative:
        return [_NEGATIVE]
    if t.backwards:
        return [_backwards(t, "cut from 0:05 to 0:08")]
    when: When | None = None
    if t.first is not None:
        when = When(0, t.first)
    elif t.last is not None:
        when = When(length_ms=t.last, from_end=True)
    elif t.range:
        when = When(*t.range)
    elif t.at is not None and re.search(r"\bafter|\bfrom|从|desde|después", n):
        when = When(start_ms=t.at)
    elif t.until is not None:
        when = When(0, t.until)
    elif re.search(r"\bbefore\b|antes de|之前", n) and (
        m := re.search(r"(\d+(?:\.\d+)?\s*\S*)", n)
    ):
        from .reader import time_ms

        ms = time_ms(m.group(1))
        when = When(0, ms) if ms else None
    elif keep or _TRIM_WORD.search(n):
        from .reader import amount_ms

        ms = amount_ms(n)
        if ms:
            keep, when = True, When(0, ms)  # "trim it to 10 seconds", "shorten to 0:30"
    if when is None:
        if not re.search(r"\btrim|\bcut|\bshorten|剪|裁|recort|acort|cort", n):
            return None
        return [
            Refused(
                reason="Which part should I trim? Say it with times, e.g. trim to the first "
                "10 seconds, cut from 0:05 to 0:08, or remove the first 2 seconds."
            )
        ]
    if (when.length_ms is not None and when.length_ms <= 0) or (
        when.end_ms is not None and when.end_ms <= (when.start_ms or 0)
    ):
        return None
    return [Trim(when, keep=keep or not cut)]


async def apply_trim(cmd: Trim, turn: Turn) -> str:
    draft = turn.timeline()
    if not draft.has_footage:
        raise AgentError("There is no video to trim yet: upload a video first, then ask again.")
    total = draft.duration_ms
    start, end = cmd.when.span(total, total)
    end = total if end is None else end
    if cmd.keep:
        new = tl.keep_range(draft, start, end)
        said = f"Trimmed the video to {tl.fmt_s(start)}–{tl.fmt_s(min(end, total))}"
    else:
        new = tl.cut_range(draft, start, end)
        said = f"Cut {tl.fmt_s(start)}–{tl.fmt_s(min(end, total))} out of the video"
    await turn.commit(new, "trim" if cmd.keep else "cut", {"start_ms": start, "end_ms": end})
    return f"{said}; it is now {tl.fmt_s(new.duration_ms)} long."


# ================================================================================================
# Aspect ratio
# ================================================================================================
@dataclass(frozen=True)
class SetRatio(Command):
    """Reframe to ``ratio`` (``9:16`` ...): ``cover`` crops to fill, ``contain`` letterboxes."""

    ratio: str
    fit: str = "cover"
    fit_asked: bool = False  # "crop to fill", "with black bars": the fit alone may change
    cost = EDIT_COST

    def merge(self, later: Command) -> Command | None:
        # "make it 16:9 and crop to fill"
        if isinstance(later, SetRatio) and not later.ratio:
            return SetRatio(self.ratio, later.fit, True)
        return None


_RATIO = _re(r"(?<![\d:])(16|9|1|4)\s*(?::|x|×|/|比|by|a|por)\s*(9|16|1|5)(?![\d:])")
_VERTICAL = _re(
    r"\b(?:vertical|portrait|tiktok|tik tok|reels?|shorts|stories|story format)\b|竖屏|竖版|竖向|"
    r"抖音|"
    r"\bformato vertical\b"
)
_SQUARE = _re(r"\b(?:square|cuadrad[oa])\b|方形|正方形|方屏")
_FEED = _re(r"\binstagram feed\b|\bfeed post\b|\b4 ?: ?5\b")
_LANDSCAPE = _re(r"\b(?:horizontal|landscape|widescreen|wide screen|apaisad[oa])\b|横屏|横版|宽屏")
_REFRAME = _re(
    r"\b(?:make|turn|convert|reframe|format|crop|resize|change|switch|set|haz|hazlo|cambia|"
    r"conviert\w*|pon|ponlo)\b|改成|改为|变成|换成|转成|设为|比例|画幅"
)
_CONTAIN = _re(
    r"letterbox|pillarbox|black bars|\bbars\b|\bpad\b|padding|without cropping|no crop|don'?t crop|"
    r"\bfit\b|不裁剪|黑边|留黑|barras negras|sin recortar"
)


def parse_ratio(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _METADATA.search(n) or (_CAPTIONS.search(n) and not _REFRAME.search(n)):
        return None
    if not ctx.has_footage and ctx.has_storyboard:
        return None  # the storyboard's frame: the prompt rows refine it
    if re.search(r"\bpresets?\b|\bstyle\b|\brules\b|estilo", n) or (
        _CAPTIONS.search(n) and not _RATIO.search(n)
    ):
        return None  # "the vertical preset", "vertical style captions" are caption looks
    ratio = None
    m = _RATIO.search(n)
    if m and f"{m.group(1)}:{m.group(2)}" in schema.ASPECT_RATIOS:
        ratio = f"{m.group(1)}:{m.group(2)}"
    elif _VERTICAL.search(n):
        ratio = "9:16"
    elif _SQUARE.search(n):
        ratio = "1:1"
    elif _FEED.search(n):
        ratio = "4:5"
    elif _LANDSCAPE.search(n) or (re.search(r"\byoutube\b", n) and _REFRAME.search(n)):
        ratio = "16:9"
    if ratio is None and re.search(
        r"\bcrop to fill\b|\bfill the (?:frame|screen)\b|\bzoom to fill\b|\bletterbox|"
        r"\b(?:add |with )?black bars\b|\bfit (?:it )?inside\b|填满|加黑边|barras negras",
        n,
    ):
        return [SetRatio("", "contain" if _CONTAIN.search(n) else "cover", True)]
    if ratio is None:
        if re.search(r"aspect ratio|比例|relación de aspecto", n) and _REFRAME.search(n):
            return [
                Refused(
                    reason="Which shape should the video be? I can do 16:9 (landscape), 9:16 "
                    "(vertical), 1:1 (square) and 4:5."
                )
            ]
        return None
    if _TITLE_NOUN.search(n) and not _REFRAME.search(n):
        return None
    asked = bool(
        _CONTAIN.search(n) or re.search(r"\bfill\b|\bcrop|\bzoom|裁剪|填充|recort|rellen", n)
    )
    return [SetRatio(ratio, "contain" if _CONTAIN.search(n) else "cover", asked)]


async def apply_ratio(cmd: SetRatio, turn: Turn) -> str:
    draft = turn.timeline()
    m = draft.meta
    if not cmd.ratio:  # the fit only, at the current ratio
        ratio = m.ratio or (tl.ratio_name(m.width, m.height) if m.width and m.height else "16:9")
        cmd = SetRatio(ratio if ratio in schema.ASPECT_RATIOS else "16:9", cmd.fit, True)
    asked_nothing_new = draft.has_footage and m.width and m.height and not cmd.fit_asked
    if asked_nothing_new and tl.ratio_name(m.width, m.height) == cmd.ratio:
        raise AgentError(f"The video is already {cmd.ratio}.")
    new = tl.set_ratio(draft, cmd.ratio, fit=cmd.fit)
    await turn.commit(new, "reframe", {"ratio": cmd.ratio, "fit": cmd.fit})
    how = "cropped to fill the frame" if cmd.fit == "cover" else "fitted with black bars"
    return (
        f"Reframed the video to {cmd.ratio} ({new.meta.width}x{new.meta.height}), {how}; "
        "titles stay inside the safe area."
    )


# ================================================================================================
# Speed
# ================================================================================================
@dataclass(frozen=True)
class SetSpeed(Command):
    """Play faster or slower: ``factor`` times the current speed, or exactly ``speed``."""

    factor: float | None = None
    speed: float | None = None
    cost = EDIT_COST


_SPEED = _re(
    r"\b(?:speed (?:it |this |the video )?up|faster|slower|slow[\s-]*mo(?:tion)?|slow (?:it |"
    r"this )?down|"
    r"twice as fast|twice as slow|half as fast|half speed|normal speed|original speed|"
    r"real[\s-]*time|playback speed|speed)\b|"
    r"\d+(?:\.\d+)?\s*[x×]\b|加速|减速|倍速|慢放|慢动作|快进|正常速度|原速|\bc[aá]mara lenta\b|"
    r"\bvelocidad\b|\bm[aá]s r[aá]pido\b|\bm[aá]s lento\b|\bacelera\w*|\bralentiza\w*"
)


def parse_speed(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    m = _SPEED.search(n)
    if not m or _MUSIC.search(n) or _TITLE_NOUN.search(n) or _CAPTIONS.search(n):
        return None
    if re.fullmatch(r"\d+(?:\.\d+)?\s*[x×]", m.group(0)) and not re.search(
        r"speed|play|faster|slower|倍速|velocidad|reproduc|\bat\s*\d", n
    ):
        return None
    if not ctx.has_footage and ctx.has_storyboard:
        return None
    slow = bool(re.search(r"slow|减速|慢|lent", n))
    if re.search(
        r"normal speed|original speed|real[\s-]*time|\b1\s*x\b|正常速度|原速|velocidad normal", n
    ):
        return [SetSpeed(speed=1.0)]
    if v := re.search(r"(\d+(?:\.\d+)?)\s*(?:x|×|倍)", n):
        value = float(v.group(1))
        if slow and value > 1:
            value = 1 / value
        absolute = re.search(
            r"\d\s*(?:x|×)\s*speed|\bat\s*\d+(?:\.\d+)?\s*(?:x|×)|倍速|velocidad\s*\d|a\s*\d+(?:\.\d+)?\s*x",
            n,
        )
        return [SetSpeed(speed=value) if absolute else SetSpeed(factor=value)]
    if re.search(r"twice as slow|half as fast|la mitad de r[aá]pido", n):
        return [SetSpeed(factor=0.5)]
    if re.search(r"twice as fast|double (?:the )?speed|el doble de r[aá]pido", n):
        return [SetSpeed(factor=2.0)]
    if re.search(
        r"half speed|slow[\s-]*mo(?:tion)?|慢动作|慢放|c[aá]mara lenta|mitad de velocidad", n
    ):
        return [SetSpeed(factor=0.5)]
    if slow:
        return [SetSpeed(factor=0.5)]
    if re.search(r"speed (?:it |this |the video )?up|faster|加速|快进|r[aá]pido|acelera", n):
        return [SetSpeed(factor=1.5)]
    return [
        Refused(
            reason="How fast should it play? Say e.g. speed it up 2x, play at 1.5x, or slow motion."
        )
    ]


async def apply_speed(cmd: SetSpeed, turn: Turn) -> str:
    draft = turn.timeline()
    if not draft.has_footage:
        raise AgentError("There is no video to speed up or slow down yet: upload a video first.")
    current = tl.speed_of(draft)
    factor = cmd.factor if cmd.factor is not None else (cmd.speed or 1.0) / current
    new = tl.set_speed(draft, factor)
    now = round(current * factor, 3)
    await turn.commit(new, "speed", {"factor": round(factor, 4), "speed": now})
    return f"The video now plays at {now:g}x speed and is {tl.fmt_s(new.duration_ms)} long."


# ================================================================================================
# Clips: more footage from the uploads
# ================================================================================================
@dataclass(frozen=True)
class AddClip(Command):
    """Put an upload (``file``, else the newest one not on the timeline) at the start or end."""

    file: str | None = None
    at: str = "end"
    length_ms: int | None = None
    cost = EDIT_COST


@dataclass(frozen=True)
class AddUploads(Command):
    """Put every upload not on the timeline yet at its end ("add my video files")."""

    export: str | None = None  # "1080p MP4" when the request names the export it wants
    cost = EDIT_COST


_FILE = _re(r"[\w\-.()]+\.(?:mp4|mov|webm|mkv|avi|jpe?g|png|gif|webp|mp3|wav|m4a|aac)\b")
_NEXT_CLIP = _re(
    r"\b(?:second|next|other|another|new|last|2nd|third|3rd|this|that) (?:clip|video|image|photo|"
    r"picture|gif|file)\b|"
    r"\b(?:clip|video|image|photo|picture|gif) (?:at|to) the (?:end|start|beginning)\b|"
    r"第二个|另一个|新的|这个|下一个"
)
_MY_MEDIA = _re(
    r"\b(?:my|the|these|those|all (?:my|the)|all)\s+(?:\w+\s+){0,2}(?:video files|videos|clips|"
    r"files|footage|recordings?|"
    r"uploads|photos|images|pictures)\b|\b(?:a|an|my|the)\s+(?:[\w-]+\s+){0,4}(?:recording|video|footage|clip)\s+into\b|"
    r"我的视频|我的素材|mis (?:videos|vídeos|clips|archivos)"
)


def parse_clip(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _CAPTIONS.search(n) or _TITLE_NOUN.search(n) or _MUSIC.search(n):
        return None
    if _METADATA.search(n.replace("youtube", "")):
        return None
    if not re.search(
        r"\b(?:append|add|put|insert|place|use|join|include|bring|import|load|stick|attach|"
        r"añade|agrega|pon|inserta|une|incluye)\b|加到|放到|接到|拼接|添加到|添加|加入|导入",
        n,
    ):
        return None
    if _MY_MEDIA.search(n):
        export = None
        if m := re.search(r"\b(1080|720|480)\s*p\b", n):
            export = f"{m.group(1)}p MP4"
        return [AddUploads(export)]
    name = next((f for f, _ in ctx.uploads if f.lower() in clause.low), None)
    file = _FILE.search(clause.low)
    if not (name or file or _NEXT_CLIP.search(n)):
        return None
    at = (
        "start"
        if re.search(r"\b(?:start|beginning|front|principio|inicio)\b|开头|前面|最前", n)
        else "end"
    )
    t = clause.times()
    length = t.length
    name = name or (file.group(0).strip() if file else None)
    if name and name.lower().endswith((".mp3", ".wav", ".m4a", ".aac")):
        return [Refused(reason=f"{name} is an audio file; to use it, say: add background music.")]
    return [AddClip(name, at, length)]


def _pick_visual(media: list[Media], draft: tl.Draft, name: str | None) -> Media:
    """The upload named, else the newest video/image not on the timeline yet."""
    if name:
        low = name.lower()
        for m in reversed(media):
            if m.filename.lower() == low or Path(m.filename).stem.lower() == Path(low).stem:
                return m
        raise AgentError(
            f"There is no upload called {name} in this session. Uploaded: "
            f"{', '.join(m.filename for m in media) or 'nothing yet'}."
        )
    used = draft.sources()
    fresh = [m for m in media if m.file_type in ("video", "image") and m.cdn_url not in used]
    if not fresh:
        raise AgentError(
            "Every uploaded video and image is already on the timeline. Upload another clip "
            "(or name the file you mean), then ask again."
        )
    return fresh[-1]


async def apply_clip(cmd: Command, turn: Turn) -> str:
    draft = turn.timeline()
    if isinstance(cmd, AddUploads):
        fresh = [
            m
            for m in turn.media
            if m.file_type in ("video", "image") and m.cdn_url not in draft.sources()
        ]
        then = f" Then say 'export {cmd.export}' to get it as an MP4." if cmd.export else ""
        if not turn.media:
            raise AgentError(
                "Files don't travel in a chat message: upload them with the upload picker "
                "(s.upload_picker()) or s.upload('clip.mp4') — a path or a URL; "
                f"{schema.SUPPORTED_FORMATS_TEXT}, up to 500 MB each." + then
            )
        if not fresh:
            names = ", ".join(m.filename for m in turn.media)
            raise AgentError(
                f"Your uploads ({names}) are already on the timeline. To add more, use the "
                "upload picker or s.upload('clip.mp4')." + then
            )
        new = draft
        for m in fresh:
            new = tl.insert_clip(new, m, at="end")
        names = ", ".join(m.filename for m in fresh)
        await turn.commit(new, "add_clip", {"files": [m.filename for m in fresh], "at": "end"})
        return f"Added {names} to the timeline; it is now {tl.fmt_s(new.duration_ms)} long.{then}"
    assert isinstance(cmd, AddClip)
    chosen = _pick_visual(turn.media, draft, cmd.file)
    length = cmd.length_ms if cmd.length_ms is not None else tl.DEFAULT_IMAGE_MS
    new = tl.insert_clip(draft, chosen, at=cmd.at, image_ms=length)
    await turn.commit(new, "add_clip", {"file": chosen.filename, "at": cmd.at})
    where = "at the start" if cmd.at == "start" else "at the end"
    return f"Added {chosen.filename} {where}; the video is now {tl.fmt_s(new.duration_ms)} long."


# ================================================================================================
# Fades
# ================================================================================================
@dataclass(frozen=True)
class FadeVideo(Command):
    """Fade the footage in from / out to black (ms; None leaves a side, 0 removes)."""

    fade_in_ms: int | None = None
    fade_out_ms: int | None = None
    cost = EDIT_COST


@dataclass(frozen=True)
class FadeMusic(Command):
    fade_in_ms: int = 0
    fade_out_ms: int = 0
    cost = EDIT_COST


_FADE = _re(r"\bfade(?:s|d)?\b|\bfundido\b|\bdifumin\w*|淡入|淡出|渐隐|渐显|黑场")


def fades(n: str) -> tuple[int, int]:
    """``(fade_in_ms, fade_out_ms)`` a clause names ("2 second fade out", "淡出3秒")."""
    from .reader import time_ms

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
    from .reader import amount_ms

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


def parse_fade(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if not _FADE.search(n):
        return None
    if (
        _TITLE_NOUN.search(n)
        or _CAPTIONS.search(n)
        or (_PRONOUN.search(n) and _text_subject(clause, ctx))
    ):
        return None
    music = bool(_MUSIC.search(n))
    if (
        music
        and _ADD.search(n)
        and not re.search(r"\bto the music|\bthe music\b.{0,80}\bfade|给音乐|al? la m[uú]sica", n)
    ):
        return None  # "add background music with a fade out": the music row
    fi, fo = fades(n)
    if music:
        if not fi and not fo:
            fo = 1000
        return [FadeMusic(fi, fo)]
    if re.search(
        r"\b(?:remove|no|without|delete)\b.{0,80}\bfades?\b|去掉.{0,20}淡|取消.{0,20}淡|"
        r"quita\w* (?:el|"
        r"los) fundidos?",
        n,
    ):
        return [FadeVideo(0, 0)]
    if not fi and not fo:
        from .reader import amount_ms

        length = amount_ms(n) or 1000
        at_start = re.search(r"\b(?:from black|start|beginning|begin)\b|开头|principio|inicio", n)
        at_end = re.search(r"\b(?:to black|end|ending)\b|结尾|最后|final", n)
        fi = length if at_start or not at_end else 0
        fo = length if at_end or not at_start else 0
    return [FadeVideo(fi or None, fo or None)]


async def apply_fade(cmd: Command, turn: Turn) -> str:
    draft = turn.timeline()
    if isinstance(cmd, FadeMusic):
        new = tl.set_music_fades(draft, cmd.fade_in_ms, cmd.fade_out_ms)
        got = tl.music_fades(new)
        fi, fo = (got[0] if cmd.fade_in_ms else 0), (got[1] if cmd.fade_out_ms else 0)
        await turn.commit(new, "music_fade", {"fade_in_ms": fi, "fade_out_ms": fo})
        return f"The background music now {' and '.join(_fade_phrases(fi, fo))}."
    assert isinstance(cmd, FadeVideo)
    removing = cmd.fade_in_ms == 0 and cmd.fade_out_ms == 0
    new = tl.set_video_fades(draft, cmd.fade_in_ms, cmd.fade_out_ms)
    got = tl.video_fades(new)
    fi = got[0] if cmd.fade_in_ms else 0
    fo = got[1] if cmd.fade_out_ms else 0
    await turn.commit(new, "video_fade", {"fade_in_ms": fi, "fade_out_ms": fo})
    if removing:
        return "Removed the fades from the video."
    return f"The video now {' and '.join(_fade_phrases(fi, fo, ' from black', ' to black'))}."


def _fade_phrases(fade_in: int, fade_out: int, from_: str = "", to: str = "") -> list[str]:
    done = []
    if fade_in:
        done.append(f"fades in{from_} over {tl.fmt_s(fade_in)}")
    if fade_out:
        done.append(f"fades out{to} over {tl.fmt_s(fade_out)}")
    return done


# ================================================================================================
# Sound: music, volume, mute
# ================================================================================================
@dataclass(frozen=True)
class AddMusic(Command):
    """Background music from an audio upload (``file``, else the newest one)."""

    file: str | None = None
    volume: float | None = None
    fade_in_ms: int = 0
    fade_out_ms: int = 0
    mute_original: bool = False
    cost = EDIT_COST


@dataclass(frozen=True)
class SetVolume(Command):
    """The volume of the ``music`` or the ``original`` sound: a level, or times ``factor``."""

    target: str = "music"
    level: float | None = None
    factor: float | None = None
    cost = EDIT_COST


@dataclass(frozen=True)
class Mute(Command):
    target: str = "original"
    muted: bool = True
    cost = EDIT_COST


@dataclass(frozen=True)
class RemoveMusic(Command):
    cost = EDIT_COST


_QUIETER = _re(
    r"quieter|softer|lower|turn (?:it |the \w+ )?down|reduce|decrease|less loud|降低|小一|小点|"
    r"调小|"
    r"\bbaja\w*|más bajo|m[aá]s suave|menos volumen"
)
_LOUDER = _re(
    r"louder|raise|turn (?:it |the \w+ )?up|increase|boost|提高|大一|大点|调大|\bsube\w*|más alto|"
    r"m[aá]s fuerte|más volumen"
)
_VOLUME = _re(r"\bvolume\b|音量|\bvolumen\b|\blevel\b")
_MUTE = _re(
    r"\b(?:un)?mute\b|\bsilence\b|取消静音|静音|\bsilencia\w*|\bquita\w* el (?:sonido|audio)\b|"
    r"\bwithout (?:the )?(?:original )?(?:audio|sound)\b|\bno (?:original )?(?:audio|sound)\b|"
    r"\b(?:turn off|disable|kill) the (?:original )?(?:audio|sound)\b|关闭原声|去掉原声|去除原声|"
    r"删除原声|"
    r"关掉原声|不要原声|原声.{0,3}(?:关掉|关闭|去掉)|声音.{0,3}(?:关掉|关闭)|\bsin (?:sonido|"
    r"audio)\b"
)
_UNMUTE = _re(
    r"\bunmute\b|取消静音|恢复原声|打开原声|turn (?:the )?(?:sound|audio) back on|"
    r"quita\w* el silencio|"
    r"activa el sonido"
)


def _target(n: str) -> str:
    if _ORIGINAL.search(n) or re.search(r"\bthe video\b|\bdel video\b|视频", n):
        return "original"
    if _MUSIC.search(n):
        return "music"
    return "original"


def parse_sound(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    music = bool(_MUSIC.search(n))
    original = bool(_ORIGINAL.search(n))
    if _CAPTIONS.search(n) or _METADATA.search(n):
        return None
    if _TITLE_NOUN.search(n) and not (music or original):
        return None
    from .reader import percent

    level = percent(n)
    if _MUTE.search(n):
        unmute = bool(_UNMUTE.search(n))
        if music and _ADD.search(n) and not unmute:
            pass  # "add music and mute the original": read below as music
        else:
            return [Mute(_target(n), muted=not unmute)]
    if music and _REMOVE.search(n) and not _ADD.search(n):
        return [RemoveMusic()]
    adding_music = _ADD.search(n) or re.search(r"\b(?:use|play)\b|配上|用|使用|\busa\b", n)
    if (
        music
        and adding_music
        and (not ctx.has_music or not (_VOLUME.search(n) and not _ADD.search(n)))
    ):
        if level is not None and level < 0:
            return [
                Refused(
                    reason="A volume can't be negative. Say a level from 0% to 100%, e.g. set "
                    "the music volume to 20%, or make the music quieter."
                )
            ]
        if re.search(
            r"\b(?:generate|compose|create|make)\b.{0,80}\bmusic\b|生成.{0,20}音乐|"
            r"genera\w* m[uú]sica",
            n,
        ):
            pass
        volume = level
        if volume is None and re.search(r"\b(?:quiet|soft|low|subtle)\b|小声|轻|suave|baj[oa]", n):
            volume = 0.2
        elif volume is None and re.search(r"\bloud\b|大声|fuerte", n):
            volume = 0.8
        fi, fo = fades(n)
        mute_original = bool(
            re.search(
                r"\bmute\b.{0,80}\b(?:original|video)|静音原声|去掉原声|关闭原声|"
                r"silencia\w* (?:el )?(?:audio|"
                r"sonido)",
                n,
            )
        )
        file = _FILE.search(clause.low)
        return [AddMusic(file.group(0).strip() if file else None, volume, fi, fo, mute_original)]
    if (music or original or _VOLUME.search(n)) and (
        _VOLUME.search(n) or _QUIETER.search(n) or _LOUDER.search(n) or level is not None
    ):
        if _FADE.search(n):
            return None
        target = _target(n) if (music or original) else ("music" if ctx.has_music else "original")
        if level is not None and level < 0:
            return [
                Refused(
                    reason="A volume can't be negative. Say a level from 0% to 100%, e.g. set "
                    "the music volume to 20%, or make the music quieter."
                )
            ]
        if level is not None:
            return [SetVolume(target, level=level)]
        if _QUIETER.search(n):
            return [SetVolume(target, factor=0.6)]
        if _LOUDER.search(n):
            return [SetVolume(target, factor=1.5)]
        return [
            Refused(
                reason="What volume should it be? Say e.g. set the music volume to 20%, or make "
                "the music quieter."
            )
        ]
    return None


def _pick_audio(media: list[Media], name: str | None) -> Media:
    audio = [m for m in media if m.file_type == "audio"]
    if not audio:
        raise AgentError(
            "There is no audio file in this session to use as background music, and the offline "
            "engine cannot generate music. Upload an mp3, wav, m4a or aac file, then ask again."
        )
    if name:
        for m in reversed(audio):
            if (
                m.filename.lower() == name.lower()
                or Path(m.filename).stem.lower() == Path(name.lower()).stem
            ):
                return m
    return audio[-1]


async def apply_sound(cmd: Command, turn: Turn) -> str:
    draft = turn.timeline()
    if isinstance(cmd, AddMusic):
        music = _pick_audio(turn.media, cmd.file)
        volume = tl.DEFAULT_MUSIC_VOLUME if cmd.volume is None else cmd.volume
        new = tl.add_music(
            draft, music, volume=volume, fade_in_ms=cmd.fade_in_ms, fade_out_ms=cmd.fade_out_ms
        )
        if cmd.mute_original and new.has_footage:
            new = tl.set_muted(new, "original", True)
        seg = new.music()[0].segments[0]
        args = {
            "file": music.filename,
            "mute_original": cmd.mute_original,
            "volume": seg.volume,
            "fade_in_ms": seg.fade_in_ms or 0,
            "fade_out_ms": seg.fade_out_ms or 0,
        }
        await turn.commit(new, "add_music", args)
        extras = []
        if seg.fade_in_ms:
            extras.append(f"a {tl.fmt_s(seg.fade_in_ms)} fade-in")
        if seg.fade_out_ms:
            extras.append(f"a {tl.fmt_s(seg.fade_out_ms)} fade-out")
        tail = f" with {' and '.join(extras)}" if extras else ""
        loop = ""
        if music.duration_s and music.duration_s * 1000 < seg.length_ms:
            loop = " It is shorter than the video, so it loops."
        muted = " The original audio is muted." if cmd.mute_original else ""
        return (
            f"Added {music.filename} as background music at {round((seg.volume or 0) * 100)}% "
            f"volume{tail}.{loop}{muted}"
        )
    if isinstance(cmd, SetVolume):
        new = tl.set_volume(draft, cmd.target, cmd.level, cmd.factor)
        level = tl.volume_of(new, cmd.target)
        await turn.commit(new, "volume", {"target": cmd.target, "volume": level})
        what = "background music" if cmd.target == "music" else "original audio"
        return f"Set the {what} to {round(level * 100)}% volume."
    if isinstance(cmd, Mute):
        new = tl.set_muted(draft, cmd.target, cmd.muted)
        await turn.commit(new, "mute" if cmd.muted else "unmute", {"target": cmd.target})
        what = "the background music" if cmd.target == "music" else "the original audio"
        return f"Muted {what}." if cmd.muted else f"Turned {what} back on."
    new = tl.remove_music(draft)
    await turn.commit(new, "remove", {"what": "music"})
    return "Removed the background music."


# ================================================================================================
# The rows
# ================================================================================================
_T = r"\b(?:title|heading|text|words)|标题|文字|t[ií]tulo|texto|⟦"
ROWS = [
    Row(
        "titles",
        parse_title,
        apply_title,
        about=_T,
        subject="title",
        cost=EDIT_COST,
        edits=True,
        help='"add a title \'Urban Dreams\' for 3 seconds at the top", "make the title '
        'yellow and bigger", "remove the title": titles and text on screen',
    ),
    Row(
        "trim",
        parse_trim,
        apply_trim,
        about=r"\b(?:trim|cut|keep|remove|delete|shorten)|剪|保留|删|recorta|corta|quita",
        subject="video",
        cost=EDIT_COST,
        edits=True,
        help='"trim to the first 10 seconds", "cut from 0:05 to 0:08", '
        '"remove the first 2 seconds"',
    ),
    Row(
        "ratio",
        parse_ratio,
        apply_ratio,
        about=r"\d\s*:\s*\d|vertical|portrait|square|landscape|horizontal|竖|横|方形|cuadrad",
        subject="video",
        cost=EDIT_COST,
        edits=True,
        help='"make it 9:16" / "vertical" / "square" / 竖屏: aspect ratio and reframing',
    ),
    Row(
        "speed",
        parse_speed,
        apply_speed,
        about=r"speed|faster|slow|\dx|倍速|加速|慢|velocidad|lenta|r[aá]pido",
        subject="video",
        cost=EDIT_COST,
        edits=True,
        help='"speed it up 2x", "slow motion", "play at 1.5x": playback speed',
    ),
    Row(
        "clips",
        parse_clip,
        apply_clip,
        about=r"\.(?:mp4|mov|webm|mkv|avi|jpe?g|png|gif|webp)|clip|video|image|photo|视频|图片",
        subject="video",
        cost=EDIT_COST,
        edits=True,
        help='"add the second clip at the end", "put photo.jpg at the start for 3 seconds"',
    ),
    Row(
        "fades",
        parse_fade,
        apply_fade,
        about=r"fade|淡|fundido",
        subject="video",
        cost=EDIT_COST,
        edits=True,
        help='"fade in from black", "fade out the music over 3 seconds": fades',
    ),
    Row(
        "sound",
        parse_sound,
        apply_sound,
        about=r"music|bgm|song|audio|sound|volume|mute|voice|音乐|配乐|原声|音量|静音|m[uú]sica|volumen|sonido",
        subject="music",
        cost=EDIT_COST,
        edits=True,
        help='"add background music at 30% with a 2 second fade out" (your uploaded audio), '
        '"mute the original audio", "set the music volume to 20%"',
    ),
]

__all__ = [
    "EDIT_COST",
    "NEXT_STEP",
    "ROWS",
    "AddClip",
    "AddMusic",
    "AddTitle",
    "AddUploads",
    "EditTitle",
    "FadeMusic",
    "FadeVideo",
    "Mute",
    "RemoveMusic",
    "RemoveTitle",
    "SetRatio",
    "SetSpeed",
    "SetVolume",
    "Trim",
    "fades",
]
