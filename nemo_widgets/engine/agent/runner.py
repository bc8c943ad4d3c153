"""Runs one chat turn: apply the commands a message was read into, save, charge credits.

The message is read *before* the turn (``Runner.read``: the cost is known before the stream
starts); the turn then applies the commands in order under a per-session lock that uploads
share, as one undoable step. A command that cannot be done is reported with the reason and
the others still happen; when none can be done nothing is saved or charged. The runner knows
nothing about HTTP: it gets an ``emit`` coroutine for ADK-style event dicts.
"""

from __future__ import annotations

import asyncio
import sys
import traceback
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ... import schema
from .. import timeline as tl
from . import ROWS, context, load_skills
from .base import AgentError, Emit, Media, Turn
from .general import fallback_text
from .reader import Reading, Refused, Step, read

#: share of editing turns that finish with no text, like the cloud ("~30% of edits")
SILENT_SHARE = 0.3
NEXT_STEP = "Preview it in the timeline or click Export."


@dataclass
class Outcome:
    """What a turn did, for the stream layer and for tests."""

    intent: str | None
    ok: bool = False
    changed: bool = False
    charged: int = 0
    silent: bool = False
    error: str | None = None
    done: list[str] = field(default_factory=list)  # rows of the commands done
    not_done: list[str] = field(default_factory=list)  # reasons


def is_silent(message: str, reading: Reading | None, mode: str = "auto") -> bool:
    """Whether a successful edit finishes without text (deterministic per message).

    ``auto`` picks about 30 % of single paid edits by a CRC of the message, so the same
    request always behaves the same and clients' state-diff path runs for real. Free turns,
    compound requests, and rows whose answer *is* the product (captions, titles, prompts)
    always talk.
    """
    if mode == "never" or reading is None or not reading.steps:
        return False
    if len(reading.steps) > 1 and mode != "always":
        return False  # a compound request always says what was done (and what was not)
    if mode == "always":
        return True
    if any(s.command.cost <= 0 or s.row.speaks for s in reading.steps) or reading.unread:
        return False
    bucket = zlib.crc32(" ".join(message.lower().split()).encode()) % 100
    return bucket < SILENT_SHARE * 100


@dataclass
class Answer:
    """The result of applying a reading: the reply, what was done and not, the credits due."""

    text: str
    done: list[tuple[Step, str]]
    failed: list[tuple[Step, str]]
    cost: int


def _snapshot(state: dict[str, Any]) -> dict[str, Any]:
    # values are shared, not copied: a turn replaces them and never edits one in place
    # (engine/state_parts.py), so this costs the number of keys, not the state's size
    return {k: state[k] for k in tl.UNDOABLE if k in state}


def _refs(state: dict[str, Any]) -> dict[str, Any]:
    return {k: state.get(k, _GONE) for k in tl.UNDOABLE}


_GONE = object()


def _restore(state: dict[str, Any], refs: dict[str, Any]) -> None:
    for k, v in refs.items():
        if v is _GONE:
            state.pop(k, None)
        else:
            state[k] = v


def _bullet(lines: list[str], limit: int = 20) -> str:
    """Lines as a list; the same line said again is counted, and a long list is cut."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line] = counts.get(line, 0) + 1
    shown = [f"- {line}" + (f" (×{n})" if n > 1 else "") for line, n in counts.items()]
    if len(shown) > limit:
        shown = [*shown[:limit], f"- … and {len(shown) - limit} more"]
    return "\n".join(shown)


def _quoted(clauses: list[str], limit: int = 5) -> str:
    """``“a”; “b”`` for the first ``limit`` clauses, each cut to 80 characters."""
    shown = [f"“{c if len(c) <= 80 else c[:79] + '…'}”" for c in clauses[:limit]]
    more = f" and {len(clauses) - limit} more" if len(clauses) > limit else ""
    return "; ".join(shown) + more


def compose(done: list[tuple[Step, str]], failed: list[tuple[Step, str]], unread: list[str]) -> str:
    """The reply: what was done, what was not and why, what was not understood."""
    edits = any(step.row.edits for step, _ in done)
    tail = f" {NEXT_STEP}" if edits else ""
    if len(done) == 1 and not failed and not unread:
        return done[0][1] + tail
    parts = []
    if done:
        parts.append("Done:\n" + _bullet([said for _, said in done]))
    if failed:
        parts.append("Not done:\n" + _bullet([f"{s.clause}: {why}" for s, why in failed]))
    if unread:
        parts.append(
            "Not understood, so nothing was done for: "
            + _quoted(unread)
            + ' (say "help" to see what I can do).'
        )
    return "\n".join(parts) + (f"\n{NEXT_STEP}" if edits else "")


async def answer(turn: Turn, reading: Reading) -> Answer:
    """Apply ``reading``'s commands in order to ``turn`` and record one undo step.

    Raises :class:`AgentError` (nothing changed) when no command could be done.
    """
    done: list[tuple[Step, str]] = []
    failed: list[tuple[Step, str]] = []
    turn.settle()
    before = _snapshot(turn.state)
    for step in reading.steps:
        refs = _refs(turn.state)
        try:
            if isinstance(step.command, Refused):
                raise AgentError(step.command.reason)
            said = await step.row.apply(step.command, turn)
        except AgentError as exc:
            _restore(turn.state, refs)  # nothing half-done
            failed.append((step, str(exc)))
            continue
        done.append((step, said))
        if step.row.history:
            turn.settle()
            before = _snapshot(turn.state)  # undo/redo move through history, not onto it
    if not done:
        turn.settle()
        if not reading.steps:
            raise AgentError(fallback_text())
        if len(failed) == 1 and not reading.unread:
            raise AgentError(failed[0][1])
        raise AgentError(
            "Nothing was changed:\n"
            + _bullet([f"{s.clause}: {why}" for s, why in failed])
            + ("\nNot understood: " + _quoted(reading.unread) if reading.unread else "")
        )
    turn.settle()
    what = "; ".join(said.split("\n", 1)[0] for step, said in done if not step.row.history)
    turn.history.record(before, turn.state, what[:200])
    return Answer(
        compose(done, failed, reading.unread),
        done,
        failed,
        sum(step.command.cost for step, _ in done),
    )


def _has_text(event: dict[str, Any]) -> bool:
    parts = (event.get("content") or {}).get("parts") or []
    return any("text" in p for p in parts if isinstance(p, dict))


class Runner:
    """Chat turns for every session of one engine.

    Parameters
    ----------
    store
        The engine's :class:`~nemo_widgets.engine.store.Store`.
    data_dir
        Where skills may write working files (``Turn.data_dir``).
    rationing
        Charge paid turns like the cloud (``EngineConfig.ration_credits``); off, work is free.
    """

    def __init__(self, store: Any, data_dir: Path, *, rationing: bool = False) -> None:
        load_skills()
        self.rows = ROWS
        self.store = store
        self.data_dir = data_dir
        self.rationing = rationing
        self._locks: dict[str, asyncio.Lock] = {}
        self._frozen: dict[str, int] = {}

    # -- locks and credits ----------------------------------------------------------------------
    def lock(self, session_id: str) -> asyncio.Lock:
        """The lock that serialises turns and state-changing uploads of one session."""
        return self._locks.setdefault(session_id, asyncio.Lock())

    def frozen(self, user_id: str) -> int:
        """Credits reserved by turns that are still running."""
        return self._frozen.get(user_id, 0)

    def available(self, user_id: str) -> int:
        return self.store.balance(user_id) - self.frozen(user_id)

    def reserve(self, user_id: str, amount: int) -> None:
        self._frozen[user_id] = self._frozen.get(user_id, 0) + amount

    def release(self, user_id: str, amount: int) -> None:
        self._frozen[user_id] = max(0, self._frozen.get(user_id, 0) - amount)

    # -- reading --------------------------------------------------------------------------------
    def read(
        self,
        message: str,
        *,
        state: dict[str, Any],
        media: list[Media],
        skill: str = "",
        language: str = "en",
    ) -> Reading:
        """The commands ``message`` asks for (pure: nothing is changed), and so its cost."""
        return read(message, context(state, media, skill=skill, language=language), self.rows)

    # -- one turn -------------------------------------------------------------------------------
    async def run(
        self,
        *,
        session: dict[str, Any],
        message: str,
        emit: Emit,
        media: list[Media],
        reading: Reading | None = None,
        skill: str = "nemo-video",
        language: str = "en",
        silent_mode: str = "auto",
        delay_s: float = 0.0,
        reserved: int = 0,
    ) -> Outcome:
        """Run the turn under the session lock; never raises for a row's failures.

        ``reserved`` credits were frozen by the caller when it accepted the request; they are
        released here and the cost of the commands done is charged only if some were done.
        """
        sid = session["session_id"]
        user = session["user_id"]
        held: list[dict[str, Any]] = []
        outcome = Outcome(intent=None)
        silent = False

        async def relay(event: dict[str, Any]) -> None:
            # a silent candidate's text waits until we know the edit succeeded
            if silent and _has_text(event):
                held.append(event)
            else:
                await emit(event)

        try:
            async with self.lock(sid):
                if delay_s > 0:
                    await asyncio.sleep(delay_s)
                state = self.store.state(sid)
                if reading is None:
                    reading = self.read(
                        message, state=state, media=media, skill=skill, language=language
                    )
                outcome.intent = "+".join(dict.fromkeys(s.row.name for s in reading.steps)) or None
                silent = is_silent(message, reading, silent_mode)
                history = tl.History.from_list(self.store.history(sid))
                before_history = history.to_list()
                # a shallow copy: the turn assigns new values, so comparing finds what changed
                # (unchanged values are the same objects, compared by identity first)
                before = dict(state)
                turn = Turn(
                    session_id=sid,
                    message=message,
                    emit=relay,
                    state=state,
                    media=media,
                    data_dir=self.data_dir,
                    skill=skill,
                    language=language,
                    history=history,
                    balance=self.available(user) + reserved,
                )
                try:
                    result = await answer(turn, reading)
                except AgentError as exc:
                    # the user sees the reason; the state is not saved (nothing half-done)
                    outcome.error = str(exc)
                    held.clear()
                    await emit(turn._event([{"text": str(exc)}]))
                    return outcome
                outcome.done = [step.row.name for step, _ in result.done]
                outcome.not_done = [why for _, why in result.failed]
                await turn.say(result.text)
                changed = state != before
                if changed or history.to_list() != before_history:
                    self.store.save_state(sid, state, history.to_list())
                outcome.ok = True
                outcome.changed = changed
                if result.cost > 0 and self.rationing:
                    self.store.charge(user, result.cost, f"chat:{outcome.intent}", sid)
                    outcome.charged = result.cost
                # only a changed *draft* may go silent, and only when everything asked was
                # done: clients report silent edits from a draft diff
                draft_changed = state.get(schema.STATE_DRAFT) != before.get(schema.STATE_DRAFT)
                if silent and draft_changed and not result.failed:
                    outcome.silent = True
                    held.clear()
                for event in held:
                    await emit(event)
                held.clear()
                return outcome
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            outcome.error = f"{type(exc).__name__}: {exc}"
            await emit({"error": f"The engine failed while doing this: {outcome.error}"})
            return outcome
        finally:
            if reserved:
                self.release(user, reserved)


def media_for(store: Any, session_id: str, base_url: str, uploads_dir: Path) -> list[Media]:
    """The session's uploads as :class:`Media` (with their local paths), oldest first."""
    out = []
    for f in store.files(session_id):
        out.append(
            Media(
                cdn_url=f"{base_url}/media/uploads/{f['stored_name']}",
                path=uploads_dir / f["stored_name"],
                filename=f["filename"],
                file_type=f["file_type"],
                duration_s=f["duration"],
                width=f["width"],
                height=f["height"],
                fps=f["fps"],
                has_audio=bool(f["has_audio"]),
            )
        )
    return out


def message_text(body: dict[str, Any]) -> str:
    """The text of an ADK ``new_message`` (parts joined), or '' when there is none."""
    msg = body.get("new_message")
    if msg is None:
        msg = body.get("newMessage")
    if not isinstance(msg, dict):
        return ""
    parts = msg.get("parts") or []
    return "\n".join(
        str(p["text"]) for p in parts if isinstance(p, dict) and isinstance(p.get("text"), str)
    ).strip()


__all__ = [
    "Answer",
    "Outcome",
    "Runner",
    "answer",
    "compose",
    "is_silent",
    "media_for",
    "message_text",
]
