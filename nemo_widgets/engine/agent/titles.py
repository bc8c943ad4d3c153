"""Title rows: text on screen, added, moved, retimed, restyled and removed.

Each row reads a clause into typed commands (English, Chinese, Spanish; see ``reader``) and
applies one command with a pure operation of :mod:`..timeline`, then commits the new draft
with one ``edit_multitrack`` tool call. A refusal raises the timeline's error before anything
is committed, so the session stays exactly as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ... import schema
from .. import timeline as tl
from .base import AgentError, Turn
from .edit_words import (
    ADD,
    CAPTIONS,
    CHANGE,
    DEFAULT_TITLE_MS,
    EDIT_COST,
    METADATA,
    MUSIC,
    NEGATIVE,
    ON_SCREEN,
    ORIGINAL,
    PRONOUN,
    REMOVE,
    STYLE_WORDS,
    TITLE_NOUN,
    _re,
    backwards,
    text_subject,
)
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
    if METADATA.search(n):
        return None
    noun = TITLE_NOUN.search(n)
    quoted = clause.quoted()
    blank = "" in quoted
    pronoun = bool(PRONOUN.search(n)) and text_subject(clause, ctx)
    if noun is None and CAPTIONS.search(n):
        return None  # "make the captions yellow" is the captions' row
    if noun is None and (MUSIC.search(n) or ORIGINAL.search(n)) and not quoted:
        return None
    if noun and noun.group(0) in ("words",) and not (quoted or ON_SCREEN.search(n)):
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
    about_title = bool(noun) or bool(ON_SCREEN.search(n))
    if not about_title and not quoted and not pronoun:
        return None
    times = clause.times()
    text = _title_text(clause)
    style = clause.style()
    if REMOVE.search(n) and (about_title or (quoted and quoted[0] in ctx.titles)):
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
    # "add a title 'Hi'" when a title "Hi" is already there is a second one, not a change to it
    asks_new = bool(
        re.search(
            r"\b(?:a|an|another|one more|new|second|2nd)\s+(?:\w+\s+)?(?:title|heading|text)\b|"
            r"再加|另一个|再添加|\b(?:otro|nuevo)\s+t[ií]tulo",
            n,
        )
    )
    adding = bool(ADD.search(n)) and (not existing or asks_new)
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
            return [NEGATIVE]
        if times.backwards:
            return [backwards(times, "from 0:02 to 0:05")]
        if times.length is not None and times.length <= 0:
            return [Refused(reason="A title needs a length above 0 s; say e.g. for 3 seconds.")]
        overlay = bool(
            re.search(r"\btext\b|\bwords\b|文字|文本|texto", n)
            and not re.search(r"title|标题|t[ií]tulo", n)
        ) or (not noun and bool(ON_SCREEN.search(n)) and schema.STYLE_POSITION not in style)
        return [AddTitle(text, _title_when(times), style, overlay)]
    if not (about_title or pronoun or existing or quoted):
        return None
    # a change: rename, retime, move, restyle
    if not (CHANGE.search(n) or STYLE_WORDS.search(n) or times.until or times.length):
        return None
    new_text = None
    target = existing
    pieces = clause.low.split("⟦")
    if len(quoted) >= 2 and re.search(
        r"(?:\bto|\binto|\bwith|\bpor|\ba|改成|改为|换成|变成|→|->)\s*:?\s*$",
        pieces[1].split("⟧", 1)[-1],
    ):  # "rename 'Hi' to 'Hello'", "change 'Hi' into 'Hello'", "把“嗨”改成“你好”"
        target, new_text = quoted[0], quoted[1]
    elif quoted:
        before = clause.low.split("⟦", 1)[0]
        if re.search(
            r"(?:\bto|\binto|\bwith|\breads?|\bsay|\bsays|\ba|\bpor)\s*:?\s*$|(?:改成|改为|换成|变成)\s*$",
            before,
        ) and not (existing and style):  # "add a fade in to 'Hi'" styles the title "Hi"
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
        return [NEGATIVE]
    if times.backwards:
        return [backwards(times, "from 0:02 to 0:05")]
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
]

__all__ = [
    "ROWS",
    "AddTitle",
    "EditTitle",
    "RemoveTitle",
]
