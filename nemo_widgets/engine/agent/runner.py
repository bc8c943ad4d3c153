"""Runs one chat turn: route the message, run the intent's handler, save state, charge credits.

The runner knows nothing about HTTP: it gets an ``emit`` coroutine for ADK-style event dicts
(the app turns them into SSE frames) and reads and writes the session through the store.
Turns on one session are serialised with a per-session lock that uploads share, so an edit
never races another edit or an upload.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
import traceback
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ... import schema
from . import general, load_skills
from .base import REGISTRY, AgentError, Emit, Intent, Media, Turn

#: share of editing turns that finish with no text, like the cloud ("~30% of edits")
SILENT_SHARE = 0.3


@dataclass
class Outcome:
    """What a turn did, for the stream layer and for tests."""

    intent: str | None
    ok: bool = False
    changed: bool = False
    charged: int = 0
    silent: bool = False
    error: str | None = None


def is_silent(message: str, it: Intent | None, mode: str = "auto") -> bool:
    """Whether a successful edit finishes without text (deterministic per message).

    ``auto`` picks about 30 % of paid (editing) turns by a CRC of the message, so the same
    request always behaves the same and clients' state-diff path runs for real.
    """
    if mode == "never" or it is None:
        return False
    if mode == "always":
        return True
    if it.cost <= 0 or getattr(it.handler, "speaks", False):
        # free turns, and handlers whose answer *is* the product (titles, prompts), always talk
        return False
    bucket = zlib.crc32(" ".join(message.lower().split()).encode()) % 100
    return bucket < SILENT_SHARE * 100


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

    # -- routing --------------------------------------------------------------------------------
    @staticmethod
    def route(message: str, skill: str = "") -> tuple[Intent, re.Match[str]] | None:
        return REGISTRY.route(message, skill)

    # -- one turn -------------------------------------------------------------------------------
    async def run(
        self,
        *,
        session: dict[str, Any],
        message: str,
        emit: Emit,
        media: list[Media],
        routed: tuple[Intent, re.Match[str]] | None,
        skill: str = "nemo-video",
        language: str = "en",
        silent_mode: str = "auto",
        delay_s: float = 0.0,
        reserved: int = 0,
    ) -> Outcome:
        """Run the turn under the session lock; never raises for handler failures.

        ``reserved`` credits were frozen by the caller when it accepted the request; they are
        released here and the intent's cost is charged only if the handler succeeds.
        """
        sid = session["session_id"]
        it, found = routed if routed else (None, None)
        outcome = Outcome(intent=it.name if it else None)
        held: list[dict[str, Any]] = []
        silent = is_silent(message, it, silent_mode)

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
                history = self.store.history(sid)
                before = json.dumps(state, sort_keys=True)
                before_draft = json.dumps(state.get(schema.STATE_DRAFT), sort_keys=True)
                history_len = len(history)
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
                )
                try:
                    if it is None:
                        await general.fallback(turn)
                    else:
                        await it.handler(turn, found)
                except AgentError as exc:
                    # the user sees the reason; the state is not saved (nothing half-done)
                    outcome.error = str(exc)
                    held.clear()
                    await emit(turn._event([{"text": str(exc)}]))
                    return outcome
                changed = json.dumps(state, sort_keys=True) != before
                if changed or len(history) != history_len or turn.history is not history:
                    self.store.save_state(sid, state, turn.history)
                outcome.ok = True
                outcome.changed = changed
                if it is not None and it.cost > 0 and self.rationing:
                    self.store.charge(session["user_id"], it.cost, f"chat:{it.name}", sid)
                    outcome.charged = it.cost
                # only a changed *draft* may go silent: clients report silent edits from a
                # draft diff, so a metadata-only change without text would look like nothing
                draft_changed = (
                    json.dumps(state.get(schema.STATE_DRAFT), sort_keys=True) != before_draft
                )
                if silent and draft_changed:
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
                self.release(session["user_id"], reserved)


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


__all__ = ["Outcome", "Runner", "is_silent", "media_for", "message_text"]
