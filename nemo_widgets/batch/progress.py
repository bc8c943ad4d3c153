"""Live progress of a batch: a themed view in a notebook, one bar on a terminal, lines in a log.

The notebook view is an ``ipywidgets.HTML`` drawn with JupyterLab's theme variables
(``--jp-*``), so it reads in light and dark themes alike: an overall bar with counts and an
estimate of the time left, and one line per file with its state. On a terminal the same bar
is one line on stderr, rewritten in place; elsewhere (CI logs, pipes) a line per finished file.
"""

from __future__ import annotations

import html
import sys
import time
from typing import Any, TextIO

from .._display import in_ipython

STATES = ("queued", "running", "done", "skipped", "error")
_ICON = {"queued": "·", "running": "▶", "done": "✓", "skipped": "↷", "error": "✗"}
#: Theme colour of each state (JupyterLab variables, with fallbacks outside Jupyter).
_COLOR = {
    "queued": "var(--jp-ui-font-color2, #777)",
    "running": "var(--jp-brand-color1, #1976d2)",
    "done": "var(--jp-success-color1, #388e3c)",
    "skipped": "var(--jp-ui-font-color2, #777)",
    "error": "var(--jp-error-color1, #d32f2f)",
}
_MAX_LINES = 200  # beyond this the view lists the running and failed files only


def _clock(seconds: float | None) -> str:
    """``83`` -> ``1:23``; ``None`` -> ``–``."""
    if seconds is None:
        return "–"
    seconds = round(seconds)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


class BatchProgress:
    """Progress of one batch.

    Parameters
    ----------
    names
        The files' names, in input order.
    mode
        ``"auto"`` (a notebook view under IPython, else the terminal), ``"notebook"``,
        ``"terminal"``, or ``None`` / ``False`` for nothing.
    """

    def __init__(
        self,
        names: list[str],
        mode: str | bool | None = "auto",
        *,
        stream: TextIO | None = None,
        interval_s: float = 0.5,
    ) -> None:
        if mode is True:
            mode = "auto"
        if mode == "auto":
            mode = "notebook" if in_ipython() else "terminal"
        self.mode = mode or None
        self.names = list(names)
        self.state = dict.fromkeys(self.names, "queued")
        self.notes: dict[str, str] = {}
        self.stream = stream or sys.stderr
        self.interval_s = interval_s
        self.started = time.monotonic()
        self._last_draw = float("-inf")
        self._widget: Any = None
        self._line_len = 0
        self._tty = bool(getattr(self.stream, "isatty", lambda: False)())
        if self.mode == "notebook":
            try:
                import ipywidgets as w
                from IPython.display import display

                self._widget = w.HTML(self._html())
                display(self._widget)
            except Exception:  # no widget front end: the text bar, in the cell's output
                self.mode = "terminal"

    # -- counts ------------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATES, 0)
        for s in self.state.values():
            out[s] += 1
        return out

    def eta_s(self) -> float | None:
        """Seconds left at the pace of the files finished so far (skipped ones cost nothing)."""
        c = self.counts()
        worked = c["done"] + c["error"]
        left = c["queued"] + c["running"]
        if not worked or not left:
            return 0.0 if not left else None
        return (time.monotonic() - self.started) / worked * left

    # -- updates -----------------------------------------------------------------------------
    def set(self, name: str, state: str, note: str = "") -> None:
        """Put a file in a state (``queued``, ``running``, ``done``, ``skipped``, ``error``)."""
        if name not in self.state or self.state[name] == state:
            return
        self.state[name] = state
        if note:
            self.notes[name] = note
        if self.mode == "terminal" and not self._tty and state in {"done", "skipped", "error"}:
            done = sum(1 for s in self.state.values() if s in {"done", "skipped", "error"})
            detail = f": {note}" if note and state == "error" else ""
            print(f"[{done}/{len(self.names)}] {state:<7} {name}{detail}", file=self.stream)
        self.draw()

    def draw(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last_draw < self.interval_s:
            return
        self._last_draw = now
        if self._widget is not None:
            self._widget.value = self._html()
        elif self.mode == "terminal" and self._tty:
            line = self.line()
            self.stream.write("\r" + line.ljust(self._line_len))
            self.stream.flush()
            self._line_len = len(line)

    def close(self) -> None:
        self.draw(force=True)
        if self.mode == "terminal":
            if self._tty:
                self.stream.write("\n")
            else:
                print(self.line(), file=self.stream)
            self.stream.flush()

    # -- drawing -----------------------------------------------------------------------------
    def line(self, width: int = 24) -> str:
        c = self.counts()
        total = len(self.names) or 1
        finished = c["done"] + c["skipped"] + c["error"]
        filled = int(width * finished / total)
        parts = [f"{finished}/{len(self.names)} files"]
        if c["running"]:
            parts.append(f"{c['running']} running")
        if c["skipped"]:
            parts.append(f"{c['skipped']} skipped")
        if c["error"]:
            parts.append(f"{c['error']} failed")
        left = c["queued"] + c["running"]
        parts.append(f"ETA {_clock(self.eta_s())}" if left else f"{_clock(self.elapsed_s)}")
        return f"[{'#' * filled}{'-' * (width - filled)}] " + " · ".join(parts)

    @property
    def elapsed_s(self) -> float:
        return time.monotonic() - self.started

    def _html(self) -> str:
        c = self.counts()
        total = len(self.names) or 1
        finished = c["done"] + c["skipped"] + c["error"]
        pct = 100 * finished / total
        summary = html.escape(self.line().split("] ", 1)[1])
        names = self.names
        if len(names) > _MAX_LINES:
            names = [n for n in names if self.state[n] in {"running", "error"}][:_MAX_LINES]
        rows = []
        for n in names:
            s = self.state[n]
            note = html.escape(self.notes.get(n, ""))
            rows.append(
                f'<tr><td style="color:{_COLOR[s]};padding:0 6px">{_ICON[s]} {s}</td>'
                f'<td style="padding:0 6px">{html.escape(n)}</td>'
                f'<td style="color:var(--jp-ui-font-color2,#777);padding:0 6px">{note}</td></tr>'
            )
        return (
            '<div style="font-family:var(--jp-ui-font-family,sans-serif);'
            'font-size:var(--jp-ui-font-size1,13px);color:var(--jp-ui-font-color1,inherit)">'
            '<div style="display:flex;align-items:center;gap:8px;margin-bottom:4px">'
            '<div style="flex:0 0 240px;height:10px;border-radius:5px;overflow:hidden;'
            'background:var(--jp-layout-color3,#ddd)">'
            f'<div style="width:{pct:.1f}%;height:100%;background:var(--jp-brand-color1,#1976d2)">'
            f"</div></div><span>{summary}</span></div>"
            '<div style="max-height:220px;overflow-y:auto"><table style="border-collapse:collapse">'
            + "".join(rows)
            + "</table></div></div>"
        )
