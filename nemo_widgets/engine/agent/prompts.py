"""video-prompt-generation in the engine: text-to-video prompts and storyboards from an idea.

The storyboard is kept in ``state["prompts"]`` (so follow-ups refine the previous result)
and laid on the draft as a ``tt`` 7 track with ``"k": "storyboard"``: one segment per scene,
a short card text in ``txt`` and the full prompt in ``prompt``. A session without footage gets
a canvas and a duration from the storyboard, so the timeline shows it and an export renders
the scenes as title cards.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

from ... import schema
from .. import timeline as tl
from ..meta.prompts import build_storyboard, parse_idea, refine_spec, render_markdown
from .base import AgentError, Turn
from .reader import Clause, Command, Context, Row, detect_language

SKILL = ("video-prompt-generation",)
COST = 5  # credits per generation: text only, no rendering
TRACK_ID = "trk_storyboard"

_EXAMPLE = (
    'e.g. "generate a detailed video prompt for a 30-second product showcase with cinematic '
    'lighting" or "a 10-second vertical shot of a fox in fresh snow at dawn"'
)


def apply_storyboard(state: dict[str, Any], board: dict[str, Any]) -> None:
    """Put the storyboard on the draft (replacing an earlier one) and size an empty canvas."""
    draft = tl.Draft.from_dict(state.get(schema.STATE_DRAFT))
    new = tl.set_storyboard(draft, {**board, "title": _short_title(board)})
    state[schema.STATE_DRAFT] = new.to_dict()
    if not draft.has_footage:
        state[schema.STATE_CANVAS] = {
            "width": board["width"],
            "height": board["height"],
            "ratio": board["aspect"],
        }


def _short_title(board: dict[str, Any]) -> str:
    idea = board["spec"].get("normalised") or "storyboard"
    return (idea[:57] + "…") if len(idea) > 58 else idea


async def _store(turn: Turn, board: dict[str, Any], changes: list[str] | None = None) -> None:
    board["updated_at"] = time.time()
    history = list((turn.state.get(schema.STATE_PROMPTS) or {}).get("history", []))
    if changes:
        history.append({"changes": changes, "at": board["updated_at"]})
    board["history"] = history[-20:]
    turn.state[schema.STATE_PROMPTS] = board
    apply_storyboard(turn.state, board)


@dataclass(frozen=True)
class GeneratePrompt(Command):
    """A text-to-video prompt, or a timed storyboard, from the idea in ``idea``."""

    idea: str
    language: str = "en"  # the request's language (the builders may use it)
    cost = COST


@dataclass(frozen=True)
class RefinePrompt(Command):
    """Change the last prompt as ``request`` says ("make it moodier", "for a vertical video")."""

    request: str
    language: str = "en"
    cost = COST


_GREEDY = (
    r"\b(?:generate|create|write|make|give me|i need|build|draft|genera|crea|escribe|"
    r"dame)\b(?:(?!\b(?:and|then|y|luego)\b|[,;，；])[^.?!]){0,40}?"
    r"\b(?:prompts?|storyboards?|shot\s+lists?|text[- ]to[- ]video)\b|"
    r"^\s*(?:a\s+)?(?:detailed\s+)?(?:video\s+)?(?:prompts?|storyboards?|shot\s+lists?)\b|"
    r"(?:生成|写|做)?(?:一个)?(?:视频)?(?:提示词|分镜)|"
    r"\bguion(?:es)?\s+gr[aá]fico|\bdescripci[oó]n\s+detallada\b|"
    # any other mention: the reader backs up to the start of the clause that names it
    r"\b(?:prompts?|storyboards?|shot\s+lists?|text[- ]to[- ]video)\b"
)
_NEW = re.compile(r"\b(?:new|another|different|second)\b|\bfor\s+an?\s+\w|新的|另一个|otro|nuevo")
_REFINE = re.compile(
    r"\b(?:make|keep)\s+(?:it|them|the\s+\w+)\s+(?:\w+\s+)?(?:moodier|moody|darker|dark|brighter|"
    r"cinematic|vertical|square|horizontal|calmer|warmer|cozier|cosier|dramatic|cheerful|"
    r"energetic|faster|slower|shorter|longer|\d+)|"
    r"\b(?:more|less)\s+(?:cinematic|dramatic|moody|cheerful|energetic|calm|luxurious|upbeat)\b|"
    r"\bmoodier\b|\bdarker\b|\bbrighter\b|"
    r"\bfor\s+(?:an?\s+)?(?:vertical|portrait|square|horizontal|landscape|tiktok|reels?|shorts)\b|"
    r"\b(?:faster|quicker|snappier)\s+(?:cuts|pace|pacing)\b|\bmore\s+shots\b|"
    r"\bthe\s+product\s+is\b|\bmake\s+it\s+about\b|更(?:暗|亮|有电影感|短|长|快|慢)|竖屏|横屏|"
    r"改成\d+秒|产品是|"
    r"\bm[aá]s\s+(?:oscur|luminos|cinematogr|dram[aá]tic|cort|larg|r[aá]pid|lent|tranquil|"
    r"c[aá]lid|en[eé]rgic)|\ben\s+vertical\b|\bformato\s+(?:vertical|cuadrado|horizontal)\b|"
    r"\bel\s+producto\s+es\b|\bque\s+dure\b|\bhazlo\b"
)


def parse_prompt(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    if ctx.has_prompt and _REFINE.search(n) and not _NEW.search(n):
        return [RefinePrompt(str(clause), clause.lang)]  # "make the storyboard darker"
    if ctx.skill in SKILL and re.search(r"\bgenerate\s+my\s+text\s+descriptions?\b", n):
        return [GeneratePrompt(str(clause), clause.lang)]  # the prompt skill's "Try saying"
    if re.search(_GREEDY, clause.low) and not re.search(r"\b(?:captions?|subtitles?)\b|字幕", n):
        return [GeneratePrompt(str(clause), clause.lang)]
    if ctx.skill in SKILL and not (ctx.has_footage or ctx.has_prompt):
        # with nothing to edit, a description of a video is the idea, even if it names a
        # format another row would read ("genera un vídeo vertical de ...")
        idea = prompt_fallback(str(clause), ctx)
        if idea and _names_a_subject(str(clause), clause.lang):
            return idea
    if (ctx.has_prompt or ctx.skill in SKILL) and _REFINE.search(n):
        if ctx.has_prompt:
            return [RefinePrompt(str(clause), clause.lang)]
        if ctx.has_footage:
            return None
        if _names_a_subject(str(clause), clause.lang):  # no prompt yet: a new idea
            return [GeneratePrompt(str(clause), clause.lang)]
        return [RefinePrompt(str(clause), clause.lang)]  # says there is nothing to refine
    return None


def _names_a_subject(text: str, language: str) -> bool:
    """Whether ``text`` is an idea of its own ("一瓶橄榄油的竖屏视频"), not only a change."""
    try:
        # the change words themselves are not a subject ("more cinematic" names none)
        return bool(parse_idea(_REFINE.sub(" ", text), language=language).get("subject"))
    except ValueError:
        return False


def prompt_fallback(message: str, ctx: Context) -> list[Command] | None:
    """In the prompt skill, a bare description of a video is the idea."""
    if ctx.skill not in SKILL:
        return None
    if re.search(
        r"\b\d+(?:\.\d+)?[- ]?(?:seconds?|secs?|s|minutes?|mins?)\b|\b(?:videos?|shots?|scenes?|"
        r"clips?|"
        r"film|footage|commercial|showcase|tour|timelapse|time-lapse|trailer|teaser|montage|reel|"
        r"vlog|ad|v[ií]deos?|planos?|escenas?|anuncio|tr[aá]iler|recorrido|montaje|segundos)\b|"
        r"视频|镜头|场景|分镜|广告|宣传片|短片|影片|预告片|片子|拍",
        message.lower(),
    ):
        return [GeneratePrompt(message.strip(), detect_language(message, ctx.language))]
    return None


async def apply_prompt(cmd: Command, turn: Turn) -> str:
    if isinstance(cmd, GeneratePrompt):
        message = cmd.idea
        if re.search(r"\bgenerate\s+my\s+text\s+descriptions?\b", message, re.IGNORECASE):
            rest = re.split(r"descriptions?", message, maxsplit=1, flags=re.IGNORECASE)[1]
            if len(re.sub(r"[^\w]", "", rest)) < 3:
                raise AgentError(
                    "Send me the text description of the video you have in mind and I'll turn "
                    "it into a detailed text-to-video prompt (shot, subject, action, setting, "
                    "lighting, style, constraints), or a timed storyboard for longer pieces — "
                    + _EXAMPLE
                    + "."
                )
            message = rest
        try:
            spec = parse_idea(message, language=cmd.language)
        except ValueError as exc:
            raise AgentError(str(exc)) from exc
        async with turn.tool("generate_video_prompt", {"idea": spec["normalised"]}) as result:
            board = build_storyboard(spec)
            result.update({"status": "ok", "scenes": len(board["scenes"])})
        await _store(turn, board)
        lang = spec.get("language", "en")
        notes = []
        if not spec.get("subject"):
            notes.append(_NO_SUBJECT[lang].format(board["scenes"][0]["subject"]))
        notes.append(_NEXT[lang])
        return render_markdown(board) + "\n\n" + " ".join(notes)
    assert isinstance(cmd, RefinePrompt)
    previous = turn.state.get(schema.STATE_PROMPTS)
    if not previous or "spec" not in previous:
        raise AgentError(
            "There is no video prompt to refine yet. Describe the video first — " + _EXAMPLE + "."
        )
    spec, changes = refine_spec(previous["spec"], cmd.request)
    if not changes:
        raise AgentError(_NOT_CAUGHT.get(cmd.language, _NOT_CAUGHT["en"]))
    async with turn.tool("refine_video_prompt", {"changes": changes}) as result:
        board = build_storyboard(spec)
        result.update({"status": "ok", "scenes": len(board["scenes"])})
    await _store(turn, board, changes)
    return render_markdown(board, changes=changes)


# Reply wording in the idea's language (the prompt itself is written by engine/meta/prompts).
_NO_SUBJECT = {
    "en": "You didn't name the subject, so the prompts say “{}” rather than invent one; say "
    'e.g. "the product is a leather wallet" to use yours.',
    "es": "No has dicho cuál es el sujeto, así que los prompts dicen «{}» en lugar de inventar "
    'uno; di p. ej. "el producto es una cartera de cuero" para usar el tuyo.',
    "zh": "你没有说明主体，所以提示词里写的是“{}”，没有凭空编造；"
    "可以说“产品是一只皮钱包”来换成你的。",
}
_NEXT = {
    "en": 'The storyboard is on the timeline as title cards. Refine with "make it moodier", '
    '"for a vertical video", "more cinematic" or "make it 15 seconds".',
    "es": "El guion gráfico está en la línea de tiempo como rótulos. Ajústalo con «más "
    "oscuro», «en vertical», «más cinematográfico» o «que dure 15 segundos».",
    "zh": "分镜已作为字幕卡放到时间线上。"
    "可以继续说“更暗一点”“竖屏”“更有电影感”或“改成15秒”来调整。",
}
_NOT_CAUGHT = {
    "en": 'I did not catch what to change. Try "make it moodier", "brighter", "more cinematic", '
    '"for a vertical video", "make it 15 seconds" or "faster cuts".',
    "es": "No he entendido qué cambiar. Prueba con «más oscuro», «más luminoso», «más "
    "cinematográfico», «en vertical», «que dure 15 segundos» o «cortes más rápidos».",
    "zh": "没听明白要改什么。可以试试“更暗一点”“更亮”“更有电影感”“竖屏”“改成15秒”或“节奏更快”。",
}


ROWS = [
    Row(
        "prompts",
        parse_prompt,
        apply_prompt,
        about=r"prompt|storyboard|shot list|text.to.video|moodier|cinematic|vertical|提示词|分镜",
        subject="prompt",
        speaks=True,
        greedy=_GREEDY,
        skills=SKILL,
        fallback=prompt_fallback,
        help="a detailed text-to-video prompt, or a timed storyboard of prompts, from your idea; "
        'refine it ("make it moodier", "for a vertical video", "more cinematic")',
    ),
]
