"""Direct actions (which endpoint a message goes to) and translation of the backend's GUI talk.

Routing follows the seeds' table: a message that *is* an export, credits, status or upload
request goes straight to its endpoint and skips the agent; everything else is a chat turn on
``/run_sse``, where the agent alone decides what it means. A message is direct only when all
its words belong to one action (plus polite filler and export options): "export 1080p MP4"
and "how many credits do I have?" are direct, "add captions and export" is a chat turn (the
edit must happen first). Nothing here knows what the agent can do.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

Route = Literal["export", "credits", "status", "upload", "chat"]

#: the seeds' routing table: the words that name each direct action
_ACTIONS: dict[str, frozenset[str]] = {
    "export": frozenset({"export", "render", "download", "导出", "下载", "渲染"}),
    "credits": frozenset({"credits", "credit", "balance", "积分", "余额"}),
    "status": frozenset({"status", "tracks", "timeline", "状态", "轨道", "时间线"}),
    "upload": frozenset({"upload", "上传"}),
}
#: words that do not change which action a message asks for
_FILLER = frozenset(
    [
        "please",
        "pls",
        "now",
        "the",
        "my",
        "a",
        "an",
        "it",
        "this",
        "that",
        "video",
        "file",
        "files",
        "me",
        "thanks",
        "thank",
        "you",
        "can",
        "could",
        "would",
        "will",
        "i",
        "do",
        "does",
        "have",
        "left",
        "how",
        "many",
        "much",
        "what",
        "is",
        "are",
        "show",
        "check",
        "get",
        "see",
        "tell",
        "current",
        "mp4",
        "final",
        "in",
        "as",
        "at",
        "to",
        "all",
        "remaining",
        "available",
        "some",
        "just",
        "quickly",
        "right",
        "away",
        "ok",
        "okay",
        "hey",
        "let's",
        "lets",
        "me",
        "us",
        "our",
        "is's",
        "what's",
        "whats",
        "there",
        "any",
    ]
) | frozenset(
    {
        "请",
        "一下",
        "我的",
        "视频",
        "吧",
        "查看",
        "看看",
        "显示",
        "多少",
        "还有",
        "剩余",
        "当前",
        "文件",
        "帮我",
    }
)
_SEND_ME = re.compile(r"\bsend me the (?:video|file|mp4)\b")
_EXPORT_OPTION = re.compile(r"^(?:\d{3,4}p|high|medium|low|quality|hd|full)$")
_TOKEN = re.compile(r"[a-z0-9']+|[\u4e00-\u9fff]+")
_CJK_WORDS = re.compile(
    "|".join(
        sorted(
            (w for words in (*_ACTIONS.values(), _FILLER) for w in words if not w.isascii()),
            key=len,
            reverse=True,
        )
    )
)


def route(message: str) -> Route:
    """Which endpoint a user message asks for.

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
    text = message.strip().lower()
    if not text:
        return "chat"
    if _SEND_ME.search(text):
        text = _SEND_ME.sub(" export ", text)
    found: set[str] = set()
    for token in _TOKEN.findall(text):
        words = [token]
        if not token.isascii():  # Chinese runs have no spaces: take the known words out
            rest = _CJK_WORDS.sub(" ", token).strip()
            if rest:
                return "chat"
            words = _CJK_WORDS.findall(token)
        for word in words:
            action = next((a for a, names in _ACTIONS.items() if word in names), None)
            if action:
                found.add(action)
            elif word in _FILLER or (_EXPORT_OPTION.match(word) and "export" in found | {"export"}):
                continue
            else:
                return "chat"
    if len(found) != 1:
        return "chat"
    where = found.pop()
    return where  # type: ignore[return-value]


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
