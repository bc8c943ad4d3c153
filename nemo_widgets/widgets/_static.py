"""The widgets' front-end files: one stylesheet of shared tokens, plus each widget's own rules."""

from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent.parent / "static"


def widget_css(*own: str) -> str:
    """``common.css`` (the one set of ``--nw-*`` tokens on JupyterLab's ``--jp-*`` variables)
    followed by the widget's own stylesheets, as one text for anywidget's ``_css``.

    anywidget loads one stylesheet per widget, so the shared tokens travel with each; a
    widget's own file only uses them and never repeats a ``--jp-*`` fallback.
    """
    parts = [(STATIC / name).read_text(encoding="utf-8") for name in ("common.css", *own)]
    return "\n".join(parts)
