"""Small cell-output helpers: streamed reply text and progress bars, only inside IPython.

Outside IPython every helper is a no-op, so scripts print nothing unless asked.
"""

from __future__ import annotations

import sys
import time
from typing import Any


def short_id(value: str, keep: int = 20) -> str:
    """An id as shown to people: whole up to ``keep`` characters, else its head and tail.

    Every place that shows a session id (the session's repr, the studio's header) uses this,
    so the same id reads the same everywhere.
    """
    value = str(value or "")
    if len(value) <= keep:
        return value
    return f"{value[: keep - 7]}…{value[-6:]}"


def in_ipython() -> bool:
    """True when running under IPython (a notebook kernel or the IPython shell)."""
    ipy = sys.modules.get("IPython")
    if ipy is None:
        return False
    try:
        return ipy.get_ipython() is not None
    except Exception:  # pragma: no cover - broken IPython install
        return False


class TextStream:
    """Reply text shown in the cell as it arrives, updated at most every ``interval_s``."""

    def __init__(self, *, interval_s: float = 0.2, enabled: bool | None = None) -> None:
        self.enabled = in_ipython() if enabled is None else enabled
        self.interval_s = interval_s
        self.text = ""
        self._shown = ""
        self._last = float("-inf")  # the first token shows at once
        self._handle: Any = None

    def _render(self, text: str) -> None:
        from IPython.display import Markdown, display

        if self._handle is None:
            self._handle = display(Markdown(text), display_id=True)
        else:
            self._handle.update(Markdown(text))
        self._shown = text

    def feed(self, delta: str) -> None:
        self.text += delta
        now = time.monotonic()
        if self.enabled and now - self._last >= self.interval_s and self.text != self._shown:
            self._last = now
            self._render(self.text + " ▌")

    def status(self, note: str) -> None:
        """Show a transient note (e.g. "⏳ Still working...") under the streamed text."""
        if self.enabled:
            self._render(f"{self.text}\n\n*{note}*" if self.text else f"*{note}*")

    def close(self, final: str | None = None) -> bool:
        """Show the final text; True when something was displayed."""
        if not self.enabled:
            return False
        text = self.text if final is None else final
        if self._handle is not None or text:
            self._render(text)
            return True
        return False


class Progress:
    """A compact progress bar (ipywidgets IntProgress, else a text bar) for long sync calls."""

    def __init__(self, label: str, *, enabled: bool | None = None) -> None:
        self.enabled = in_ipython() if enabled is None else enabled
        self.label = label
        self._bar: Any = None
        self._handle: Any = None
        self._last = -1
        if not self.enabled:
            return
        from IPython.display import display

        try:
            import ipywidgets as w

            self._bar = w.IntProgress(value=0, min=0, max=100, description=label[:20])
            self._text = w.Label("")
            display(w.HBox([self._bar, self._text]))
        except Exception:  # no widget front end: a text bar
            self._handle = display(self._line(0, ""), display_id=True)

    @staticmethod
    def _line(pct: int, note: str) -> str:
        filled = pct // 5
        return f"[{'#' * filled}{'.' * (20 - filled)}] {pct:3d}% {note}"

    def update(self, pct: float, note: str = "") -> None:
        if not self.enabled:
            return
        value = max(0, min(100, int(pct)))
        if value == self._last and not note:
            return
        self._last = value
        if self._bar is not None:
            self._bar.value = value
            self._text.value = note
        elif self._handle is not None:
            self._handle.update(self._line(value, f"{self.label} {note}".strip()))

    def bytes(self, sent: int, total: int) -> None:
        """``on_progress(bytes_sent, total)`` adapter."""
        pct = 100 * sent / total if total else 100
        self.update(pct, f"{sent / 2**20:.0f}/{total / 2**20:.0f} MB")

    def close(self, note: str = "done") -> None:
        if self.enabled:
            self.update(100, note)
