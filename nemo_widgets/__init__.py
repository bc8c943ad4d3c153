"""nemo-widgets: AI video captioning and editing in Jupyter, on the NemoVideo API or offline.

>>> import nemo_widgets as nw
>>> s = nw.connect()                     # embedded engine, offline; backend="cloud" for NemoVideo
>>> s.upload("clip.mp4"); s.chat("add captions in English")
>>> s.export().wait().download("out.mp4")

Everything heavy (pandas, plotly, ipywidgets, the engine) is imported on first use, so that
``import nemo_widgets`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# public name -> module that defines it (resolved lazily by __getattr__)
_EXPORTS = {
    "connect": "nemo_widgets.session",
    "aconnect": "nemo_widgets.session",
    "Session": "nemo_widgets.session",
    "Reply": "nemo_widgets.api.chat",
    "SessionState": "nemo_widgets.draft",
    "Draft": "nemo_widgets.draft",
    "Segment": "nemo_widgets.draft",
    "Track": "nemo_widgets.draft",
    "RenderJob": "nemo_widgets.renders",
    "Credits": "nemo_widgets.api.client",
    "UploadedFile": "nemo_widgets.api.client",
    "NemoError": "nemo_widgets.api.errors",
    "TokenExpiredError": "nemo_widgets.api.errors",
    "SessionNotFoundError": "nemo_widgets.api.errors",
    "OutOfCreditsError": "nemo_widgets.api.errors",
    "UnsupportedFileError": "nemo_widgets.api.errors",
    "FileTooLargeError": "nemo_widgets.api.errors",
    "ExportBlockedError": "nemo_widgets.api.errors",
    "RateLimitedError": "nemo_widgets.api.errors",
    "RenderFailedError": "nemo_widgets.api.errors",
    "StreamDroppedError": "nemo_widgets.api.errors",
    "sample_path": "nemo_widgets.samples",
    "caption_batch": "nemo_widgets.batch.run",
}

__all__ = [  # the public surface; everything else is private
    "Credits",
    "Draft",
    "ExportBlockedError",
    "FileTooLargeError",
    "NemoError",
    "OutOfCreditsError",
    "RateLimitedError",
    "RenderFailedError",
    "RenderJob",
    "Reply",
    "Segment",
    "Session",
    "SessionNotFoundError",
    "SessionState",
    "StreamDroppedError",
    "TokenExpiredError",
    "Track",
    "UnsupportedFileError",
    "UploadedFile",
    "aconnect",
    "caption_batch",
    "connect",
    "sample_path",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nemo_widgets' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])


if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from .api.chat import Reply
    from .api.client import Credits, UploadedFile
    from .api.errors import (
        ExportBlockedError,
        FileTooLargeError,
        NemoError,
        OutOfCreditsError,
        RateLimitedError,
        RenderFailedError,
        SessionNotFoundError,
        StreamDroppedError,
        TokenExpiredError,
        UnsupportedFileError,
    )
    from .batch import caption_batch
    from .draft import Draft, Segment, SessionState, Track
    from .renders import RenderJob
    from .samples import sample_path
    from .session import Session, aconnect, connect
