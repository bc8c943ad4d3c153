"""Intent routing (which endpoint a message goes to) and translation of the backend's GUI talk.

Routing follows the seeds' table: export / credits / status / upload go straight to their
endpoints and skip the agent; everything else is a chat turn on ``/run_sse``. A message that
asks for an edit *and* mentions export ("add captions and export") is a chat turn: the edit must
happen first, and the agent can export afterwards.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

Intent = Literal["export", "credits", "status", "upload", "chat"]

# English keywords use word boundaries so that "status" never matches inside "statuses" or
# "statusbar"; Chinese has no word boundaries, so those match as substrings.
_EXPORT = re.compile(
    r"\b(export|render|download)\b|send me the (video|file|mp4)|导出|下载|渲染", re.I
)
_CREDITS = re.compile(r"\b(credits?|balance)\b|积分|余额", re.I)
_STATUS = re.compile(r"\bstatus\b|\bshow (the |my )?(tracks?|timeline)\b|状态|轨道", re.I)
_UPLOAD = re.compile(r"\bupload\b|上传", re.I)
# Words that make a message an editing request even if it also names a direct action.
_EDIT = re.compile(
    r"\b(add|generate|create|make|edit|cut|trim|remove|delete|change|replace|translate|"
    r"caption|captions|subtitles?|title|music|bgm|crop|resize|speed|mute|fade|insert|put|"
    r"turn|convert|write|summari[sz]e|storyboard|prompts?|tags?|chapters?)\b"
    r"|添加|加上|生成|字幕|标题|剪|删除|修改|替换|翻译|音乐",
    re.I,
)
# "download the srt" is a captions request, not an export of the video.
_CAPTION_FILE = re.compile(r"\b(srt|vtt|ass|captions?|subtitles?|transcript)\b|字幕", re.I)


def route(message: str) -> Intent:
    """Which action a user message asks for.

    Parameters
    ----------
    message : str
        What the user typed.

    Returns
    -------
    str
        ``"export"``, ``"credits"``, ``"status"``, ``"upload"`` or ``"chat"``.

    Examples
    --------
    >>> route("export 1080p MP4")
    'export'
    >>> route("add captions in English and export")
    'chat'
    """
    text = message.strip()
    if not text:
        return "chat"
    if _CREDITS.search(text) and not _EDIT.search(text):
        return "credits"
    if _STATUS.search(text) and not _EDIT.search(text):
        return "status"
    if _EXPORT.search(text) and not _EDIT.search(text) and not _CAPTION_FILE.search(text):
        return "export"
    if _UPLOAD.search(text) and not _EDIT.search(text):
        return "upload"
    return "chat"


_RESOLUTION = re.compile(r"\b(1080|720|480)\s*p\b", re.I)
_QUALITY = re.compile(r"\b(high|medium|low)\s+quality\b|\bquality\s+(high|medium|low)\b", re.I)


def export_options(message: str) -> dict[str, str]:
    """Export settings named in a message ("export 720p MP4", "low quality"), as keywords."""
    options: dict[str, str] = {}
    if m := _RESOLUTION.search(message):
        options["resolution"] = f"{m.group(1)}p"
    if m := _QUALITY.search(message):
        options["quality"] = (m.group(1) or m.group(2)).lower()
    return options


class Translated(NamedTuple):
    """Backend text rewritten for a notebook, and the actions it pointed at."""

    text: str
    actions: frozenset[str]


_EXPORT_HINT = "run `s.export()` (or press Export)"
_STATE_HINT = "check `s.state()`"
_TIMELINE_HINT = "look at `s.timeline()` (or `s.draft.summary()`)"
_CHAT_HINT = "describe the change in `s.chat(...)`"

# (pattern, replacement, action or None); applied in order, first the specific ones.
_GUI_RULES: list[tuple[re.Pattern[str], str, str | None]] = [
    (
        re.compile(
            r"(?<!\(or )\b(?:click|tap|press|hit|use)(?:ing)?\s+(?:on\s+)?(?:the\s+)?"
            r"[\"'“]?export[\"'”]?(?:\s+button)?",
            re.I,
        ),
        _EXPORT_HINT,
        "export",
    ),
    (re.compile(r"\b(?:the\s+)?export\s+button\b", re.I), "`s.export()`", "export"),
    (
        re.compile(
            r"\bpreview(?:\s+(?:it|this|the result|the video))?\s+in\s+the\s+timeline\b", re.I
        ),
        _TIMELINE_HINT,
        "timeline",
    ),
    (re.compile(r"\bcheck\s+the\s+timeline\b", re.I), _TIMELINE_HINT, "timeline"),
    (
        re.compile(r"\bopen(?:ing)?\s+(?:the\s+)?(?:[\w-]+\s+){0,2}(?:panel|tab|menu)\b", re.I),
        _STATE_HINT,
        "state",
    ),
    (re.compile(r"\bdrag(?:ging)?(?:\s*(?:and|&|/)\s*drop)?\b", re.I), _CHAT_HINT, None),
    (
        re.compile(
            r"\b(?:click|tap|press)(?:ing)?\s+(?:on\s+)?(?:the\s+)?[\"'“]?([\w ]{1,30}?)"
            r"[\"'”]?\s+button\b",
            re.I,
        ),
        r"ask for \1 in `s.chat(...)`",
        None,
    ),
    (
        re.compile(r"点击\s*[「“\"]?导出[」”\"]?(?:按钮)?"),
        "运行 `s.export()`（或按 Export）",
        "export",
    ),
    (re.compile(r"在时间线(?:中|上|里)?预览"), "用 `s.timeline()` 查看", "timeline"),
    (
        re.compile(r"打开\s*[\w\u4e00-\u9fff]{0,8}?(?:面板|菜单|标签页)"),
        "查看 `s.state()`",
        "state",
    ),
    (re.compile(r"拖拽|拖放|拖动"), "在 `s.chat(...)` 中描述修改", None),
    (re.compile(r"导出按钮"), "`s.export()`", "export"),
]


def translate_gui(text: str) -> Translated:
    """Rewrite GUI instructions of the backend ("click Export", 点击导出, ...) for a notebook.

    Returns
    -------
    Translated
        ``text`` rewritten, and ``actions`` ⊆ {"export", "state", "timeline"} the text
        pointed at (a front end may offer them as buttons).

    Examples
    --------
    >>> translate_gui("Done! Click Export to download.").text
    'Done! Run `s.export()` (or press Export) to download.'
    """
    actions: set[str] = set()
    for pattern, repl, action in _GUI_RULES:
        text, n = pattern.subn(lambda m, repl=repl: _keep_case(m, repl), text)
        if n and action:
            actions.add(action)
    return Translated(text, frozenset(actions))


def _keep_case(match: re.Match[str], repl: str) -> str:
    out = match.expand(repl)
    # "Click Export" at a sentence start becomes "Run `s.export()`", not "run ...".
    if match.group(0)[:1].isupper() and out[:1].islower():
        out = out[0].upper() + out[1:]
    return out
