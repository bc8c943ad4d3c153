"""The engine's agent: every skill module's rows, read once per message (see reader.py).

Skill modules are imported defensively: a module that is missing or broken is reported in
:data:`IMPORT_ERRORS` (and on the engine's stderr) while the others keep working. A new
skill is one module with a ``ROWS`` list, named in :data:`SKILL_MODULES`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

from ... import schema
from .. import timeline as tl
from .base import AgentError, Media, Turn
from .reader import Command, Context, Reading, Row, Step, read

#: Skill modules, in the order their rows are offered a clause (order never decides a
#: reading; see ``reader._pick``).
SKILL_MODULES = ("general", "titles", "editing", "sound", "captions", "metadata", "prompts")

#: module name -> why it could not be imported
IMPORT_ERRORS: dict[str, str] = {}

#: Every loaded skill's rows.
ROWS: list[Row] = []


def load_skills() -> dict[str, str]:
    """Import every skill module (once) and collect its rows; return the ones that failed."""
    loaded = {r.name for r in ROWS}
    for name in SKILL_MODULES:
        if name in IMPORT_ERRORS:
            continue
        try:
            module = importlib.import_module(f"{__name__}.{name}")
        except Exception as exc:  # a broken skill must not take the engine down
            IMPORT_ERRORS[name] = f"{type(exc).__name__}: {exc}"
            print(f"nemo-engine: skill module {name!r} not loaded: {exc}", file=sys.stderr)
            continue
        ROWS.extend(r for r in getattr(module, "ROWS", []) if r.name not in loaded)
        loaded |= {r.name for r in ROWS}
    return dict(IMPORT_ERRORS)


def context(
    state: dict[str, Any], media: Sequence[Media] = (), *, skill: str = "", language: str = "en"
) -> Context:
    """What the reader may know about a session (its draft, captions, uploads, skill)."""
    draft = tl.Draft.from_dict(state.get(schema.STATE_DRAFT))
    caps = state.get(schema.STATE_CAPTIONS) or {}
    has_visual = any(m.file_type in ("video", "image") for m in media)
    return Context(
        skill=skill or "nemo-video",
        language=language or "en",
        has_footage=draft.has_footage or has_visual,
        titles=tuple(s.text or "" for s in draft.titles()),
        has_music=bool(draft.music()),
        caption_langs=tuple(caps) if isinstance(caps, dict) else (),
        has_storyboard=any(t.role == schema.TrackKind.STORYBOARD for t in draft.tracks),
        has_prompt=bool(state.get(schema.STATE_PROMPTS)),
        has_metadata=bool(state.get(schema.STATE_METADATA)),
        uploads=tuple((m.filename, m.file_type) for m in media),
        duration_ms=draft.duration_ms,
    )


def read_message(
    message: str,
    state: dict[str, Any] | None = None,
    media: Sequence[Media] = (),
    *,
    skill: str = "",
    language: str = "en",
) -> Reading:
    """Read ``message`` against a session's state with every loaded skill's rows."""
    load_skills()
    return read(message, context(state or {}, media, skill=skill, language=language), ROWS)


__all__ = [
    "IMPORT_ERRORS",
    "ROWS",
    "SKILL_MODULES",
    "AgentError",
    "Command",
    "Context",
    "Media",
    "Reading",
    "Row",
    "Step",
    "Turn",
    "context",
    "load_skills",
    "read_message",
]
