"""Notebook widgets over a Session: upload picker, chat cell, timeline, renders table, studio."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "UploadPicker": "nemo_widgets.widgets.upload",
    "ChatCell": "nemo_widgets.widgets.chat",
    "Timeline": "nemo_widgets.widgets.timeline",
    "RendersTable": "nemo_widgets.widgets.renders",
    "Studio": "nemo_widgets.widgets.studio",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nemo_widgets.widgets' has no attribute {name!r}")
    return getattr(import_module(module), name)
