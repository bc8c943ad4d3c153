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
from typing import Any

from ... import schema
from ..meta.language import detect_language
from ..meta.prompts import build_storyboard, parse_idea, refine_spec, render_markdown
from .base import AgentError, Turn, intent

SKILL = ("video-prompt-generation",)
COST = 5  # credits per generation: text only, no rendering
TRACK_ID = "trk_storyboard"

_EXAMPLE = (
    'e.g. "generate a detailed video prompt for a 30-second product showcase with cinematic '
    'lighting" or "a 10-second vertical shot of a fox in fresh snow at dawn"'
)


def apply_storyboard(state: dict[str, Any], board: dict[str, Any]) -> None:
    """Put the storyboard on the draft (replacing an earlier one) and size an empty canvas."""
    draft = state.setdefault(schema.STATE_DRAFT, {})
    tracks = [
        t
        for t in draft.get(schema.TRACKS) or []
        if not (isinstance(t, dict) and t.get(schema.TRACK_KIND) == schema.TrackKind.STORYBOARD)
    ]
    has_footage = any(
        isinstance(t, dict)
        and t.get(schema.TRACK_TYPE) == schema.TrackType.VIDEO
        and t.get(schema.SEGMENTS)
        for t in tracks
    )
    segments = [
        {
            schema.SEG_ID: f"seg_sb{s['index']}",
            schema.SEG_START: s["start_ms"],
            schema.SEG_END: s["end_ms"],
            schema.SEG_LABEL: f"Scene {s['index']}: {s['role']}",
            schema.SEG_TEXT: s["card"],
            "prompt": s["prompt"],
        }
        for s in board["scenes"]
    ]
    tracks.append(
        {
            schema.TRACK_ID: TRACK_ID,
            schema.TRACK_TYPE: schema.TrackType.TEXT,
            schema.TRACK_NAME: "Storyboard",
            schema.TRACK_KIND: schema.TrackKind.STORYBOARD,
            schema.SEGMENTS: segments,
        }
    )
    draft[schema.TRACKS] = tracks
    total_ms = round(board["duration_s"] * 1000)
    if has_footage:
        draft[schema.DURATION] = max(int(draft.get(schema.DURATION) or 0), total_ms)
        return
    # No footage: the storyboard defines the piece (its length and its frame).
    draft[schema.DURATION] = total_ms
    meta = dict(draft.get(schema.META) or {})
    meta.update(
        {
            "width": board["width"],
            "height": board["height"],
            "ratio": board["aspect"],
            "fps": meta.get("fps") or 30,
            "title": meta.get("title") or _short_title(board),
        }
    )
    draft[schema.META] = meta
    state[schema.STATE_CANVAS] = {
        "width": board["width"],
        "height": board["height"],
        "ratio": board["aspect"],
    }


def _short_title(board: dict[str, Any]) -> str:
    idea = board["spec"].get("normalised") or "storyboard"
    return (idea[:57] + "…") if len(idea) > 58 else idea


async def _store(turn: Turn, board: dict[str, Any], changes: list[str] | None = None) -> None:
    turn.checkpoint()
    board["updated_at"] = time.time()
    history = list((turn.state.get(schema.STATE_PROMPTS) or {}).get("history", []))
    if changes:
        history.append({"changes": changes, "at": board["updated_at"]})
    board["history"] = history[-20:]
    turn.state[schema.STATE_PROMPTS] = board
    apply_storyboard(turn.state, board)


@intent(
    "video-prompt",
    r"\bprompts?\b",
    r"\bstoryboard",
    r"\btext[- ]to[- ]video\b",
    r"\bshot\s+list\b",
    r"\bgenerate\s+my\s+text\s+descriptions?\b",
    r"提示词|分镜",
    r"\bguion(?:es)?\s+gr[áa]fico|\bgui[oó]n\b.*\bv[íi]deo|\bdescripci[oó]n\s+detallada\b",
    cost=COST,
    skills=SKILL,
    help="a detailed text-to-video prompt, or a timed storyboard of prompts, from your idea",
)
async def prompt_intent(turn: Turn, match: re.Match[str]) -> None:
    """Expand the idea in the message into a prompt or a storyboard, and lay it on the draft."""
    message = turn.message
    if re.search(r"\bgenerate\s+my\s+text\s+descriptions?\b", message, re.IGNORECASE):
        rest = re.split(r"descriptions?", message, maxsplit=1, flags=re.IGNORECASE)[1]
        if len(re.sub(r"[^\w]", "", rest)) < 3:
            # an AgentError, not a reply: nothing was generated, so the turn is not charged
            raise AgentError(
                "Send me the text description of the video you have in mind and I'll turn it "
                "into a detailed text-to-video prompt (shot, subject, action, setting, "
                "lighting, style, constraints), or a timed storyboard for longer pieces — "
                + _EXAMPLE
                + "."
            )
        message = rest
    try:
        spec = parse_idea(message)
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
    await turn.say(render_markdown(board) + "\n\n" + " ".join(notes))


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


@intent(
    "video-prompt-refine",
    r"\b(make|keep)\s+(it|them|the\s+\w+)\s+(\w+\s+)?(moodier|moody|darker|dark|brighter|"
    r"cinematic|vertical|square|horizontal|calmer|warmer|cozier|cosier|dramatic|cheerful|"
    r"energetic|faster|slower|shorter|longer|\d+)",
    r"\b(more|less)\s+(cinematic|dramatic|moody|cheerful|energetic|calm|luxurious|upbeat)\b",
    r"\bmoodier\b|\bdarker\b",
    r"\bfor\s+(an?\s+)?(vertical|portrait|square|horizontal|landscape|tiktok|reels?|shorts)\b",
    r"\b(faster|quicker|snappier)\s+(cuts|pace|pacing)\b|\bmore\s+shots\b",
    r"\bthe\s+product\s+is\b|\bmake\s+it\s+about\b",
    r"更(暗|亮|有电影感|短|长|快|慢)|竖屏|横屏|改成\d+秒|产品是",
    r"\bm[áa]s\s+(oscur|luminos|cinematogr|cort|larg|r[áa]pid|lent|tranquil|c[áa]lid|enérgic)",
    r"\ben\s+vertical\b|\bformato\s+(vertical|cuadrado|horizontal)\b|\bel\s+producto\s+es\b",
    r"\bque\s+dure\b|\bhazlo\b",
    cost=COST,
    skills=SKILL,
    help='refine the last prompt: "make it moodier", "for a vertical video", "more cinematic"',
)
async def prompt_refine_intent(turn: Turn, match: re.Match[str]) -> None:
    """Change the previous prompt or storyboard as asked, keeping everything else."""
    previous = turn.state.get(schema.STATE_PROMPTS)
    if not previous or "spec" not in previous:
        raise AgentError(
            "There is no video prompt to refine yet. Describe the video first — " + _EXAMPLE + "."
        )
    spec, changes = refine_spec(previous["spec"], turn.message)
    if not changes:
        raise AgentError(_NOT_CAUGHT[detect_language(turn.message, default="en")])
    async with turn.tool("refine_video_prompt", {"changes": changes}) as result:
        board = build_storyboard(spec)
        result.update({"status": "ok", "scenes": len(board["scenes"])})
    await _store(turn, board, changes)
    await turn.say(render_markdown(board, changes=changes))


_NOT_CAUGHT = {
    "en": 'I did not catch what to change. Try "make it moodier", "brighter", "more cinematic", '
    '"for a vertical video", "make it 15 seconds" or "faster cuts".',
    "es": "No he entendido qué cambiar. Prueba con «más oscuro», «más luminoso», «más "
    "cinematográfico», «en vertical», «que dure 15 segundos» o «cortes más rápidos».",
    "zh": "没听明白要改什么。可以试试“更暗一点”“更亮”“更有电影感”“竖屏”“改成15秒”或“节奏更快”。",
}


@intent(
    "video-prompt-idea",
    r"\b\d+(\.\d+)?[- ]?(seconds?|secs?|s|minutes?|mins?)\b",
    r"\b(videos?|shots?|scenes?|clips?|film|footage|commercial|showcase|tour|timelapse|"
    r"time-lapse|trailer|teaser|montage|reel|vlog|ad)\b",
    r"(视频|镜头|场景|分镜|广告)",
    r"\b(v[íi]deos?|planos?|escenas?|anuncio|tr[áa]iler|recorrido|montaje|\d+\s*segundos)\b",
    priority=-1,  # only when nothing else understood the message
    cost=COST,
    skills=SKILL,
    help="in video-prompt-generation, any description of a video is taken as the idea",
)
async def prompt_idea_intent(turn: Turn, match: re.Match[str]) -> None:
    """A bare description ("a 20-second travel video of lisbon trams") in the prompt skill."""
    if turn.skill not in SKILL:
        from .general import help_text

        # Other skills: the engine's usual "can't do that" answer, and nothing is charged.
        raise AgentError("Sorry, I can't do that in the offline engine. " + help_text())
    await prompt_intent(turn, match)


# The prompt text is the product: never drop it as a "silent" editing turn (runner.py).
prompt_intent.speaks = True  # type: ignore[attr-defined]
prompt_refine_intent.speaks = True  # type: ignore[attr-defined]
prompt_idea_intent.speaks = True  # type: ignore[attr-defined]
