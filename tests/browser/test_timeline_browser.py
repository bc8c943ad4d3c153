"""The timeline in JupyterLab: an edit from code redraws the plot; a click selects a segment.

The studio as a whole (all four parts, both front ends, both themes) is
``test_studio_browser.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_timeline_redraws_after_an_edit_and_selects_on_click(
    notebook: Callable[..., Any],
) -> None:
    nb = notebook(
        "timeline.ipynb",
        [
            "import nemo_widgets as nw\ns = nw.connect()\ntl = s.timeline()\ntl",
            "r = s.chat(\"add a title 'Hello' for 3 seconds\")\nprint('reply:', r.text[:40])",
            "print('selected:', tl.selected.text if tl.selected else None)",
        ],
    )
    nb.open(accept_kernel_dialog=True)
    nb.run_cell(0)
    page = nb.page
    plot = page.locator(".nw-timeline .js-plotly-plot")
    plot.wait_for()
    page.locator(".nw-timeline .js-plotly-plot", has_text="Empty timeline").wait_for()

    out = nb.run_cell(1)
    assert "reply: Added the title" in out, out
    # the edit came from code; the session's "draft" event redrew the open plot
    page.locator(".nw-timeline .js-plotly-plot text", has_text="Hello").first.wait_for()
    assert "1 segment" in plot.locator(".gtitle").text_content()

    # click the middle of the title bar: plotly -> kernel -> selection and details panel
    bar = plot.locator("g.trace.bars path").first
    bar.wait_for()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    hover = page.locator(".hoverlayer .hovertext")
    hover.wait_for()
    assert "0.000–3.000 s (0–3000 ms)" in hover.text_content()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    details = page.locator(".nw-timeline-details", has_text="Selected segment")
    details.wait_for(timeout=30_000)
    assert "Hello" in details.inner_text()
    assert "selected: Hello" in nb.run_cell(2)
