"""The timeline and the studio in JupyterLab: an edit redraws the plot; the parts work together."""

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


def test_studio_puts_the_four_parts_together(
    notebook: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    nb = notebook(
        "studio.ipynb",
        [
            "import nemo_widgets as nw\n"
            "s = nw.connect()\n"
            "s.upload(nw.sample_path('speech'))\n"
            "s.chat(\"add a title 'Hello' for 3 seconds\")\n"
            "s.chat('add captions in English')\n"
            "studio = s.studio()\nstudio",
            "routes = [m.get('route') for m in studio.chat.transcript]\n"
            "print('rows', len(studio.renders.rows), routes)",
        ],
    )
    nb.open(accept_kernel_dialog=True)
    nb.run_cell(0)
    page = nb.page
    studio = page.locator(".nw-studio")
    studio.wait_for()
    for part in (".nw-upload", ".nw-chat", ".nw-timeline .js-plotly-plot", ".nw-renders"):
        studio.locator(part).first.wait_for()
    plot = studio.locator(".nw-timeline .js-plotly-plot")
    plot.locator("text", has_text="Hello").first.wait_for()
    assert "1280×720" in plot.locator(".gtitle").text_content()
    assert plot.locator(".ytick", has_text="Captions").count() == 1

    # an export asked in the studio's chat shows up in its renders table and completes
    box = studio.locator(".nw-chat textarea")
    box.click()
    box.type("export 480p")
    box.press("Enter")
    studio.locator(".nw-chat-assistant[data-status=done]", has_text="Export started").wait_for()
    row = studio.locator(".nw-renders tr.nw-render").first
    row.wait_for(timeout=30_000)
    studio.locator(".nw-renders tr.nw-render[data-status=completed]").first.wait_for(
        timeout=150_000
    )
    out = nb.run_cell(1)
    assert "rows 1" in out and "'export'" in out, out
    page.evaluate("document.querySelector('.nw-studio').scrollIntoView()")
    screenshot(page, "studio.png")
