"""The engine's agent: loads every skill module's intents and runs chat turns (see runner.py).

Skill modules are imported defensively: a module that is missing or broken is reported in
:data:`IMPORT_ERRORS` (and on the engine's stderr) while the others keep working.
"""

from __future__ import annotations

import importlib
import sys

from .base import REGISTRY, AgentError, Intent, Media, Turn, intent

#: Skill modules in import order; earlier ones win ties between equally good matches.
SKILL_MODULES = ("general", "editing", "captions", "metadata", "prompts")

#: module name -> why it could not be imported
IMPORT_ERRORS: dict[str, str] = {}


def load_skills() -> dict[str, str]:
    """Import every skill module (once); return the ones that failed and why."""
    for name in SKILL_MODULES:
        if name in IMPORT_ERRORS or f"{__name__}.{name}" in sys.modules:
            continue
        try:
            importlib.import_module(f"{__name__}.{name}")
        except Exception as exc:  # a broken skill must not take the engine down
            IMPORT_ERRORS[name] = f"{type(exc).__name__}: {exc}"
            print(f"nemo-engine: skill module {name!r} not loaded: {exc}", file=sys.stderr)
    return dict(IMPORT_ERRORS)


__all__ = [
    "IMPORT_ERRORS",
    "REGISTRY",
    "SKILL_MODULES",
    "AgentError",
    "Intent",
    "Media",
    "Turn",
    "intent",
    "load_skills",
]
