"""General intents of the engine's agent: help, the timeline summary ("status"), undo, fallback."""

from __future__ import annotations

import re
from typing import Any

from ... import schema
from .base import REGISTRY, Turn, intent


def _seconds(ms: Any) -> str:
    """``10000`` -> ``"10"``, ``1500`` -> ``"1.5"`` (the summary's compact seconds)."""
    try:
        s = float(ms) / 1000.0
    except (TypeError, ValueError):
        return "?"
    return f"{s:.1f}".rstrip("0").rstrip(".") if s != int(s) else str(int(s))


def _first(seg: dict[str, Any], keys: tuple[str, ...]) -> Any:
    return next((seg[k] for k in keys if seg.get(k) not in (None, "")), None)


def _track_line(index: int, track: dict[str, Any]) -> str:
    tt = track.get(schema.TRACK_TYPE)
    name = track.get(schema.TRACK_NAME) or schema.TrackType.name(tt)
    segments = [s for s in track.get(schema.SEGMENTS) or [] if isinstance(s, dict)]
    if not segments:
        return f"{index}. {name}: (empty)"
    first = segments[0]
    if tt == schema.TrackType.TEXT:
        text = _first(first, schema.TEXT_KEYS) or _first(first, schema.LABEL_KEYS) or ""
        label = f'"{text}"'
    else:
        label = str(_first(first, schema.LABEL_KEYS) or name.lower())
    if len(segments) > 1:
        label += f" +{len(segments) - 1} more"
    starts = [_first(s, schema.START_KEYS) or 0 for s in segments]
    ends = [_first(s, schema.END_KEYS) for s in segments]
    end = max((e for e in ends if e is not None), default=None)
    span = f"{_seconds(min(starts))}-{_seconds(end)}s" if end is not None else "?"
    extras = [span]
    volume = _first(first, schema.VOLUME_KEYS)
    if tt == schema.TrackType.AUDIO and volume is not None:
        pct = float(volume) * 100 if float(volume) <= 1 else float(volume)
        extras.append(f"{pct:.0f}%")
    if track.get(schema.TRACK_HIDDEN):
        extras.append("hidden")
    if track.get(schema.TRACK_MUTED):
        extras.append("muted")
    return f"{index}. {name}: {label} ({', '.join(extras)})"


def summarize(draft: dict[str, Any] | None) -> str:
    """The one-line timeline summary the cloud writes, e.g.
    ``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) ...``.
    """
    tracks = [t for t in (draft or {}).get(schema.TRACKS) or [] if isinstance(t, dict)]
    if not tracks:
        return "Timeline (0 tracks): empty."
    noun = "track" if len(tracks) == 1 else "tracks"
    lines = " ".join(_track_line(i, t) for i, t in enumerate(tracks, 1))
    return f"Timeline ({len(tracks)} {noun}): {lines}"


def capabilities() -> list[str]:
    """One line per thing the agent can do, from every registered intent's ``help``."""
    return [f"- {it.help}" for it in REGISTRY.intents if it.help]


def help_text() -> str:
    lines = "\n".join(capabilities())
    return (
        "Here is what I can do in this session:\n"
        f"{lines}\n"
        "Upload a video first if you have not yet; when the timeline looks right, click Export."
    )


@intent(
    "help",
    r"^\s*(help|menu|commands?)\s*[.!?]*\s*$",
    r"\bwhat (else )?can (you|i) do\b",
    r"\bhow do i use (this|you)\b",
    r"帮助|你能做什么",
    help='"help": this list',
)
async def help_intent(turn: Turn, match: re.Match[str]) -> None:
    await turn.say(help_text())


@intent(
    "status",
    r"^\s*status\s*[.!?]*\s*$",
    r"\bshow (me )?(the )?(tracks|timeline|draft)\b",
    r"\bwhat'?s (on|in) the (timeline|draft)\b",
    r"\b(timeline|draft) (status|summary)\b",
    r"时间线|当前状态",
    help='"status" / "show tracks": a one-line summary of the timeline',
)
async def status_intent(turn: Turn, match: re.Match[str]) -> None:
    draft = turn.state.get(schema.STATE_DRAFT) or {}
    if not draft.get(schema.TRACKS):
        await turn.say(
            "The timeline is empty. Upload a video first, then ask me to edit it "
            '(say "help" to see what I can do).'
        )
        return
    await turn.say(summarize(draft))


@intent(
    "undo",
    r"^\s*undo\b",
    r"\bundo (that|the last( edit| change)?|last( edit| change)?)\b",
    r"\brevert (that|the last (edit|change))\b",
    r"撤销|撤回",
    help='"undo": bring back the timeline as it was before the last edit',
)
async def undo_intent(turn: Turn, match: re.Match[str]) -> None:
    if not turn.history:
        await turn.say("There is nothing to undo yet: no edit has been made in this session.")
        return
    async with turn.tool("undo_last_edit") as result:
        previous = turn.history.pop()
        turn.state[schema.STATE_DRAFT] = previous
        result["status"] = "success"
        result["remaining_undo_steps"] = len(turn.history)
    await turn.say(f"Undone. {summarize(previous)}")


async def fallback(turn: Turn) -> None:
    """The answer to a request no intent matches: say so plainly, and list what works."""
    await turn.say(
        "Sorry, I can't do that in the offline engine. " + help_text(),
    )
