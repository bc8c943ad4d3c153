"""Editing rows: trims and cuts, aspect ratio, speed, clips, fades.

Each row reads a clause into typed commands (English, Chinese, Spanish; see ``reader``) and
applies one command with a pure operation of :mod:`..timeline`, then commits the new draft
with one ``edit_multitrack`` tool call. A refusal raises the timeline's error before anything
is committed, so the session stays exactly as it was. Titles are in :mod:`.titles`, music and
the video's own sound in :mod:`.sound`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ... import schema
from .. import timeline as tl
from .base import AgentError, Media, Turn
from .edit_words import (
    ADD,
    CAPTIONS,
    EDIT_COST,
    FADE,
    FILE_NAME,
    METADATA,
    MUSIC,
    NEGATIVE,
    PRONOUN,
    TITLE_NOUN,
    _re,
    backwards,
    fades,
    text_subject,
)
from .reader import (
    Clause,
    Command,
    Context,
    Refused,
    Row,
    When,
)


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
    if TITLE_NOUN.search(n) or MUSIC.search(n) or CAPTIONS.search(n) or METADATA.search(n):
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
        return [NEGATIVE]
    if t.backwards:
        return [backwards(t, "cut from 0:05 to 0:08")]
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
    if METADATA.search(n) or (CAPTIONS.search(n) and not _REFRAME.search(n)):
        return None
    if not ctx.has_footage and ctx.has_storyboard:
        return None  # the storyboard's frame: the prompt rows refine it
    if re.search(r"\bpresets?\b|\bstyle\b|\brules\b|estilo", n) or (
        CAPTIONS.search(n) and not _RATIO.search(n)
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
    if TITLE_NOUN.search(n) and not _REFRAME.search(n):
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
    if not m or MUSIC.search(n) or TITLE_NOUN.search(n) or CAPTIONS.search(n):
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
    if CAPTIONS.search(n) or TITLE_NOUN.search(n) or MUSIC.search(n):
        return None
    if METADATA.search(n.replace("youtube", "")):
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
    file = FILE_NAME.search(clause.low)
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


def parse_fade(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if not FADE.search(n):
        return None
    if (
        TITLE_NOUN.search(n)
        or CAPTIONS.search(n)
        or (PRONOUN.search(n) and text_subject(clause, ctx))
        or any(q in ctx.titles for q in clause.quoted())  # "fade in 'Sale'": that title
    ):
        return None
    music = bool(MUSIC.search(n))
    if (
        music
        and ADD.search(n)
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
# The rows
# ================================================================================================
ROWS = [
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
]

__all__ = [
    "ROWS",
    "AddClip",
    "AddUploads",
    "FadeMusic",
    "FadeVideo",
    "SetRatio",
    "SetSpeed",
    "Trim",
    "fades",
]
