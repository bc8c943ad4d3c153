"""General rows: help, questions about the timeline, undo and redo, and how-to answers.

How-to answers cover what a chat message cannot do itself: files never travel inside a
message ("add my video files" -> the upload picker, ``s.upload(path)``), exporting is the
Export button, and new footage cannot be generated offline (a text-to-video prompt can).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ... import schema
from .. import timeline as tl
from .base import AgentError, Turn
from .reader import Clause, Command, Context, Row

PROMPT_SKILL = "video-prompt-generation"
META_SKILL = "video-meta-ai"


def summarize(draft: dict[str, Any] | None) -> str:
    """The cloud's one-line summary of a draft dict (see :func:`..timeline.summary`)."""
    return tl.summary(tl.Draft.from_dict(draft))


def capabilities(rows: Sequence[Row] | None = None) -> list[str]:
    """One line per thing the agent can do, from every row's ``help``."""
    if rows is None:
        from . import ROWS

        rows = ROWS
    return [f"- {r.help}" for r in rows if r.help]


def help_text() -> str:
    lines = "\n".join(capabilities())
    return (
        "Here is what I can do in this session:\n"
        f"{lines}\n"
        "Upload a video first if you have not yet; when the timeline looks right, click Export."
    )


def fallback_text() -> str:
    """The answer to a message nothing understood: say so plainly, and list what works."""
    return "Sorry, I can't do that in the offline engine. " + help_text()


# ================================================================================================
# Commands
# ================================================================================================
@dataclass(frozen=True)
class Help(Command):
    pass


@dataclass(frozen=True)
class Ask(Command):
    """A question about the timeline: ``summary``, ``duration``, ``titles``, ``captions``,
    ``music``, ``ratio``, ``tracks`` or ``uploads``."""

    topic: str = "summary"


@dataclass(frozen=True)
class Greet(Command):
    """A greeting, a thank-you, an OK or a goodbye on its own (``hello``, ``thanks``, ``ok``,
    ``bye``), in the language it was said in (``en``, ``es``, ``zh``)."""

    kind: str = "hello"
    language: str = "en"


@dataclass(frozen=True)
class Undo(Command):
    steps: int = 1


@dataclass(frozen=True)
class Redo(Command):
    steps: int = 1


@dataclass(frozen=True)
class HowTo(Command):
    """What to do instead, for ``upload``, ``export``, ``credits``, ``footage``, ``silence``."""

    topic: str
    detail: str = ""


# ================================================================================================
# Reading
# ================================================================================================
_HELP = re.compile(
    r"^\s*(?:help|menu|commands?|options|ayuda|帮助|菜单)\s*[.!?]*\s*$|\bwhat (?:else )?can (?:you|"
    r"i) do\b|"
    r"\bhow do i use (?:this|you)\b|你能做什么|你会什么|能做什么|\bqu[eé] puedes hacer\b|"
    r"\bwhat are your (?:features|commands)\b|\bhelp me\b"
)
_STATUS = re.compile(
    r"^\s*(?:status|estado|状态|当前状态|时间线)\s*[.!?]*\s*$|\bshow (?:me )?(?:the |"
    r"my )?(?:tracks|"
    r"timeline|draft)\b|"
    r"\bwhat'?s (?:on|in) (?:the |my )?(?:timeline|draft|project)\b|\bwhat is (?:on|in) (?:the |"
    r"my )?(?:timeline|draft)\b|"
    r"\b(?:timeline|draft) (?:status|summary)\b|\bsummari[sz]e (?:the |my )?(?:timeline|edit)\b|"
    r"时间线上有什么|时间线有什么|显示时间线|qu[eé] hay en (?:mi|la) l[ií]nea de tiempo|"
    r"muestra (?:mi |la )?l[ií]nea de tiempo"
)
_QUESTION = re.compile(
    r"\?|^[¿¡]?(?:what|which|how|is|are|does|do|qu[eé]|cu[aá]\w+|hay)\b|吗|什么|多少|多长|几|哪些"
)
_TOPICS = [
    (
        "edits",
        r"\bwhat (?:have|did) i (?:done|do|change)|\b(?:list|show) (?:my |the )?(?:edits|"
        r"changes)\b|"
        r"\bedit history\b|做了什么|改了什么|qu[eé] he hecho",
    ),
    (
        "duration",
        r"\bhow long\b|\bduration\b|\blength\b|\bcu[aá]nto dura\b|\bduraci[oó]n\b|多长|时长|多久",
    ),
    ("titles", r"\btitles?\b|\btext\b|\bt[ií]tulos?\b|标题|文字"),
    ("captions", r"\bcaptions?\b|\bsubtitles?\b|\bsubt[ií]tulos\b|字幕|\blanguages?\b"),
    ("music", r"\bmusic\b|\bsong\b|\bbgm\b|\bm[uú]sica\b|音乐|配乐"),
    (
        "ratio",
        r"\baspect\b|\bratio\b|\bresolution\b|\bsize\b|\bformat\b|\bvertical\b|\bformato\b|比例|分辨率|尺寸",
    ),
    ("tracks", r"\btracks?\b|\bpistas?\b|轨道"),
    ("uploads", r"\buploads?\b|\buploaded\b|\bfiles?\b|\bclips?\b|\barchivos\b|上传|素材"),
]
_TOPIC_RES = [(name, re.compile(p)) for name, p in _TOPICS]
_UNDO = re.compile(
    r"^\s*(?:undo|revert|go back|back)\b|\bundo (?:that|it|this|the last|last|my last|"
    r"the previous)\b|"
    r"\brevert (?:that|it|the last)\b|\bundo\b|撤销|撤回|\bdeshaz\w*|\bdeshacer\b|\bdeshaga\b|回退|"
    r"\btake (?:that|it) back\b|\bput it back\b"
)
_REDO = re.compile(r"\bredo\b|\bre-?apply\b|重做|恢复上一步|\brehaz\w*|\brehacer\b|\bdo it again\b")
_UPLOAD = re.compile(
    r"^\s*(?:upload|上传|sube|subir)\b|\bhow (?:do|can) i (?:upload|add (?:a |my )?(?:video|file|"
    r"clip))|"
    r"\bupload (?:a |my |the )?(?:video|file|clip|photo|image|song|music|audio|files|videos)\b|"
    r"怎么上传|如何上传|c[oó]mo subo|sube (?:un|mi) (?:video|archivo)"
)
_EXPORT = re.compile(
    r"^\s*(?:export|render|download|导出|下载|渲染|exporta|exportar|descarga)\b|"
    r"\bsend me the (?:video|file|mp4)\b|\bexport (?:it|the video|as|to|in|at|\d)|"
    r"\b(?:give|get) me the (?:mp4|final video|file)\b"
)
_CREDITS = re.compile(r"\bcredits?\b|\bbalance\b|积分|余额|\bcr[eé]ditos\b|\bsaldo\b")
_FOOTAGE = re.compile(
    r"\b(?:generate|create|make|film|shoot|render|produce|genera|crea|haz)\b[^.]{0,40}?"
    r"\b(?:(?:new|fresh|a|an|some|my) )?(?:video clips?|clips?|footage|b-?roll|videos?|scenes?|"
    r"v[ií]deos?|escenas?)\b|"
    r"生成(?:一个|一段)?(?:新的)?(?:视频|片段|镜头)"
)
_SILENCE = re.compile(
    r"\b(?:remove|cut|delete|trim)\b.{0,20}\b(?:silences?|silent parts|pauses|filler words|ums?|"
    r"dead air)\b|"
    r"(?:删除|剪掉|去掉)(?:静音|停顿|空白)|quita\w* (?:los )?silencios"
)


def parse_help(clause: Clause, ctx: Context) -> list[Command] | None:
    return [Help()] if _HELP.search(clause.norm) else None


# A whole clause that is only a greeting, a thank-you or a goodbye ("hi!", "thanks a lot",
# "hola", "谢谢"): people open and close a chat like this, and "Sorry, I can't" is the wrong
# answer to either. Words of approval ("great", "perfect") are thanks: the user is pleased.
_THANKS_EN = (
    r"(?:thanks?|thank you|thx|ty|cheers|great|perfect|awesome|nice|cool|excellent|wonderful|"
    r"amazing|love it|looks (?:good|great)|well done|good job)"
)
_GREETINGS = [
    (
        "hello",
        "en",
        r"(?:hi|hello|hey|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day))"
        r"(?: there| nemo| everyone| all)?",
    ),
    (
        "thanks",
        "en",
        rf"{_THANKS_EN}(?:[\s,!.]+(?:{_THANKS_EN}|(?:so|very) much|a lot|a bunch|again|nemo|"
        r"you|ok(?:ay)?))*",
    ),
    ("ok", "en", r"(?:ok(?:ay)?|alright|all right|got it|understood|sure|fine)"),
    ("thanks", "en", rf"(?:ok(?:ay)?|alright)[\s,!.]+{_THANKS_EN}(?:[\s,!.]+{_THANKS_EN})*"),
    ("bye", "en", r"(?:bye|goodbye|bye bye|see you|see ya|good night|that'?s all(?: for now)?)"),
    ("ok", "es", r"(?:vale|de acuerdo|entendido|bueno)"),
    ("hello", "es", r"(?:hola|buen(?:os|as) (?:d[ií]as|tardes|noches))"),
    ("thanks", "es", r"(?:(?:muchas )?gracias|genial|perfecto|excelente)(?: de nuevo)?"),
    ("bye", "es", r"(?:adi[oó]s|hasta luego|chao)"),
    ("hello", "zh", r"(?:你好|您好|嗨|哈喽|早上好|下午好|晚上好)"),
    ("thanks", "zh", r"(?:谢谢你?|多谢|感谢|太好了|很好|不错)"),
    ("bye", "zh", r"(?:再见|拜拜)"),
    ("ok", "zh", r"(?:好的?|行|可以|明白了?|知道了)"),
]
_GREETING_RES = [
    (kind, lang, re.compile(rf"^\s*[¡¿]?(?:{p})\s*[!.,;:~？！。，…\s]*(?:[:;]-?[)D])?\s*$"))
    for kind, lang, p in _GREETINGS
]


def parse_greeting(clause: Clause, ctx: Context) -> list[Command] | None:
    for kind, lang, pattern in _GREETING_RES:
        if pattern.match(clause.norm):
            return [Greet(kind, lang)]
    return None


def _greeting(cmd: Greet, draft: tl.Draft) -> str:
    if cmd.language == "zh":
        if cmd.kind == "thanks":
            return "不客气！还需要改什么，直接告诉我。"
        if cmd.kind == "ok":
            return "好的。接下来要改什么？时间线满意了就点击导出。"
        if cmd.kind == "bye":
            return "再见！时间线已保存，准备好后点击导出。"
        if not draft.tracks:
            return (
                "你好！先上传一个视频，然后告诉我要做什么，例如“添加字幕”或“改成9:16”。"
                "说“帮助”查看全部功能。"
            )
        return "你好！想怎么改这个视频？例如“添加字幕”或“改成9:16”。说“帮助”查看全部功能。"
    if cmd.language == "es":
        if cmd.kind == "thanks":
            return "¡De nada! Dime qué más quieres cambiar."
        if cmd.kind == "ok":
            return "Vale. ¿Qué cambiamos ahora? Cuando la línea de tiempo esté bien, pulsa Export."
        if cmd.kind == "bye":
            return (
                "¡Hasta luego! La línea de tiempo queda guardada; cuando esté lista, pulsa Export."
            )
        if not draft.tracks:
            return (
                "¡Hola! Sube un video y dime qué hacer con él, por ejemplo «añade subtítulos» "
                "o «hazlo 9:16». Di «ayuda» para ver todo lo que puedo hacer."
            )
        return (
            "¡Hola! ¿Qué cambiamos? Por ejemplo «añade subtítulos» o «hazlo 9:16». "
            "Di «ayuda» para ver todo lo que puedo hacer."
        )
    if cmd.kind == "thanks":
        return "You're welcome! Tell me what else to change, or click Export when it looks right."
    if cmd.kind == "ok":
        return "OK. Tell me what to change next, or click Export when the timeline looks right."
    if cmd.kind == "bye":
        return "Bye! The timeline is saved in this session; click Export when it looks right."
    if not draft.tracks:
        return (
            "Hi! Upload a video (the upload picker, or s.upload('clip.mp4')) and tell me what "
            "to do with it, e.g. 'add captions' or 'make it 9:16'. Say 'help' to see "
            "everything I can do."
        )
    return (
        f"Hi! {tl.summary(draft)}\nTell me what to change, e.g. 'add captions' or 'make it "
        "9:16'; say 'help' to see everything I can do."
    )


def parse_ask(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _STATUS.search(n):
        return [Ask("summary")]
    if not _QUESTION.search(n) or re.search(
        r"\b(?:add|make|put|set|change|remove|delete|cut|trim|generate|create|write|can you|"
        r"could you|please)\b|"
        r"添加|加上|生成|删除|改成|añade|pon|haz|genera",
        n,
    ):
        return None
    for name, pattern in _TOPIC_RES:
        if pattern.search(n):
            return [Ask(name)]
    if not re.search(
        r"\b(?:timeline|video|clip|it|there|draft|project|l[ií]nea de tiempo|v[ií]deo)\b|"
        r"时间线|视频|\bhay\b|有",
        n,
    ):
        return None
    return [Ask("summary")]


def parse_history(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    m = re.search(r"\b(\d+)\s*(?:steps?|times|edits?|changes?|pasos|veces)\b|(\d+)\s*(?:步|次)", n)
    count = min(int(m.group(1) or m.group(2)), 20) if m else 1
    if re.search(r"\btwice\b|dos veces|两次", n):
        count = 2
    if _REDO.search(n):
        return [Redo(count)]
    if _UNDO.search(n) and not re.search(r"\bundo(?:ne)?\b.{0,80}\?", n):
        return [Undo(count)]
    return None


def parse_howto(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if _SILENCE.search(n):
        return [HowTo("silence")]
    if _UPLOAD.search(n):
        return [HowTo("upload")]
    if _EXPORT.search(n) and not re.search(
        r"\b(?:srt|vtt|ass|captions?|subtitles?|transcript)\b|字幕", n
    ):
        m = re.search(r"\b(1080|720|480)\s*p\b", n)
        return [HowTo("export", f"{m.group(1)}p" if m else "")]
    if _CREDITS.search(n) and not re.search(
        r"\b(?:roll|ending|end)\s+credits\b|\bcredits roll\b", n
    ):
        return [HowTo("credits")]
    if (
        ctx.skill != PROMPT_SKILL
        and _FOOTAGE.search(n)
        and not re.search(
            r"\b(?:prompt|storyboard|text[- ]to[- ]video|shot list|captions?|subtitles?|titles?|"
            r"description|tags|metadata)\b|提示词|分镜|字幕|标题",
            n,
        )
    ):
        return [HowTo("footage")]
    return None


# ================================================================================================
# Doing
# ================================================================================================
def _answer(draft: tl.Draft, state: dict[str, Any], topic: str) -> str:
    if not draft.tracks:
        return (
            "The timeline is empty. Upload a video first, then ask me to edit it "
            '(say "help" to see what I can do).'
        )
    if topic == "duration":
        seconds = f" ({draft.duration_ms / 1000:g} s)" if draft.duration_ms >= 60_000 else ""
        return f"The video is {tl.fmt_s(draft.duration_ms)} long{seconds}."
    if topic == "titles":
        titles = draft.titles()
        if not titles:
            return (
                "There are no titles on the timeline yet: say e.g. add a title 'Hello' for 3 "
                "seconds."
            )
        lines = [
            f'- "{s.text}" from {tl.fmt_s(s.start_ms)} to {tl.fmt_s(s.end_ms)} '
            f"({str((s.style or {}).get(schema.STYLE_POSITION, 'top-center')).replace('-', ' ')})"
            for s in titles
        ]
        noun = "title" if len(titles) == 1 else f"{len(titles)} titles"
        return f"On the timeline: {noun}.\n" + "\n".join(lines)
    if topic == "captions":
        tracks = draft.caption_tracks()
        if not tracks:
            return "There are no captions yet: say 'add captions' to make them from the speech."
        parts = [
            f"{t.lang} ({len(t.segments)} cues{', hidden' if t.hidden else ', shown'})"
            for t in tracks
        ]
        return "Captions: " + "; ".join(parts) + "."
    if topic == "music":
        music = draft.music()
        if not music or not music[0].segments:
            return (
                "There is no background music. Upload an audio file and say 'add background music'."
            )
        seg = music[0].segments[0]
        volume = round((1.0 if seg.volume is None else seg.volume) * 100)
        muted = " (muted)" if music[0].muted else ""
        return (
            f"Background music: {seg.label or 'music'} at {volume}% volume{muted}, "
            f"{tl.fmt_s(seg.start_ms)} to {tl.fmt_s(seg.end_ms)}."
        )
    if topic == "ratio":
        m = draft.meta
        if not (m.width and m.height):
            return "The canvas size is not known yet: upload a video first."
        return f"The video is {m.ratio or tl.ratio_name(m.width, m.height)} ({m.width}x{m.height})."
    if topic == "tracks":
        return tl.summary(draft)
    if topic == "uploads":
        infos = state.get(schema.STATE_VIDEO_INFOS) or []
        if not infos:
            return "Nothing is uploaded yet: use the upload picker or s.upload('clip.mp4')."
        used = draft.sources()
        return (
            "Uploaded: "
            + ", ".join(
                f"{i.get('filename')}{'' if i.get('cdn_url') in used else ' (not on the timeline)'}"
                for i in infos
            )
            + "."
        )
    return tl.summary(draft)


async def apply_general(cmd: Command, turn: Turn) -> str:
    if isinstance(cmd, Help):
        return help_text()
    if isinstance(cmd, Greet):
        return _greeting(cmd, tl.Draft.from_dict(turn.state.get(schema.STATE_DRAFT)))
    if isinstance(cmd, Ask) and cmd.topic == "edits":
        steps = [s["what"] for s in turn.history.undo if s.get("what")]
        if not steps:
            return "No edits yet in this session. " + tl.summary(turn.timeline())
        lines = "\n".join(f"{i}. {w}" for i, w in enumerate(steps[-10:], 1))
        return f"Your edits, oldest first (say 'undo' to take back the last):\n{lines}"
    if isinstance(cmd, Ask):
        return _answer(
            tl.Draft.from_dict(turn.state.get(schema.STATE_DRAFT)), turn.state, cmd.topic
        )
    if isinstance(cmd, HowTo):
        return _howto(cmd, turn)
    raise AssertionError(cmd)


def _howto(cmd: HowTo, turn: Turn) -> str:
    if cmd.topic == "upload":
        return (
            "Files don't travel inside a chat message: add them with the upload picker "
            "(s.upload_picker(), or the Upload panel of the studio) or s.upload('clip.mp4') "
            f"(a path or a URL). Accepted: {schema.SUPPORTED_FORMATS_TEXT}; up to 500 MB each."
        )
    if cmd.topic == "export":
        size = f" as a {cmd.detail} MP4" if cmd.detail else " as an MP4"
        if not tl.Draft.from_dict(turn.state.get(schema.STATE_DRAFT)).tracks:
            return "There is nothing to export yet: upload a video first."
        return f"The timeline is ready: click Export to render it{size}."
    if cmd.topic == "credits":
        if turn.balance is None:
            return "Your credit balance is shown by s.credits(); exporting is free."
        return f"You have {turn.balance} credits available; exporting is free."
    if cmd.topic == "silence":
        return (
            "I can't find and remove silences automatically here. Tell me the times instead, "
            "e.g. cut from 0:05 to 0:08, or remove the first 2 seconds."
        )
    # new footage
    video = turn.video()
    if turn.skill == META_SKILL:
        if video is None:
            return (
                "This skill writes titles, descriptions and tags for videos you already have; it "
                "does not film new clips. Upload your video (mp4, mov, avi, webm, mkv; up to "
                '500 MB) and say "generate titles, descriptions, and tags for my YouTube video". '
                "To plan new footage, ask for a text-to-video prompt instead, e.g. "
                '"generate a detailed video prompt for a 30-second product showcase".'
            )
        return (
            f"I can't generate new footage here, but I can write the metadata for "
            f'“{video.filename}”: say "generate titles, descriptions, and tags for my YouTube '
            'video". For new clips, ask for a text-to-video prompt ("generate a detailed video '
            'prompt for …") and use it with a video generator.'
        )
    raise AgentError(
        "I can't generate new footage in the offline engine: I edit the videos you upload "
        "(captions, titles, trims, music, aspect ratio). To plan new footage, ask for a "
        'text-to-video prompt, e.g. "generate a detailed video prompt for a 30-second product '
        'showcase", and use it with a video generator.'
    )


async def apply_history(cmd: Command, turn: Turn) -> str:
    back = isinstance(cmd, Undo)
    steps = getattr(cmd, "steps", 1)
    done: list[str] = []
    for _ in range(steps):
        what = turn.history.step_back(turn.state) if back else turn.history.step_forward(turn.state)
        if what is None:
            break
        done.append(what)
    if not done:
        if back:
            raise AgentError("There is nothing to undo yet: no edit has been made in this session.")
        raise AgentError("There is nothing to redo: no edit was undone since the last change.")
    await _tool(turn, "undo_last_edit" if back else "redo_last_edit", len(done))
    verb = "Undone" if back else "Redone"
    what = "; ".join(w for w in done if w)
    summary = tl.summary(tl.Draft.from_dict(turn.state.get(schema.STATE_DRAFT)))
    return f"{verb}{f' ({what})' if what else ''}. {summary}"


async def _tool(turn: Turn, name: str, steps: int) -> None:
    async with turn.tool(name, {"steps": steps}) as result:
        result["status"] = "success"
        result["remaining_undo_steps"] = len(turn.history.undo)
        result["remaining_redo_steps"] = len(turn.history.redo)


ROWS = [
    Row(
        "greeting",
        parse_greeting,
        apply_general,
        about=r"hi|hello|hey|thank|bye|hola|gracias|adi|你好|您好|谢|再见",
        alone=True,
    ),
    Row(
        "help",
        parse_help,
        apply_general,
        about=r"help|what can|ayuda|帮助|能做",
        help='"help": this list',
    ),
    Row(
        "questions",
        parse_ask,
        apply_general,
        about=r"status|what|which|how|timeline|estado|qu[eé]|cu[aá]|状态|时间线|什么|多",
        help='"status", "what\'s on my timeline?", "how long is it?", "which titles are there?"',
    ),
    Row(
        "history",
        parse_history,
        apply_history,
        about=r"undo|redo|revert|撤|重做|deshac|rehac|deshaz|rehaz",
        history=True,
        help='"undo" / "redo": step back and forth through your edits',
    ),
    Row(
        "how-to", parse_howto, apply_general, about=r"upload|export|credits|generate|上传|导出|积分"
    ),
]

__all__ = [
    "ROWS",
    "Ask",
    "Greet",
    "Help",
    "HowTo",
    "Redo",
    "Undo",
    "capabilities",
    "fallback_text",
    "help_text",
    "summarize",
]
