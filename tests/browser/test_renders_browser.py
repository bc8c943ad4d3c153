"""The renders table in JupyterLab: export, play the kernel-sent preview, survive a page reload."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_export_preview_save_and_reload(
    notebook: Callable[..., Any],
    sized_clip: Callable[..., Path],
    screenshot: Callable[[Any, str], Path | None],
) -> None:
    clip = sized_clip(0.5, name="short clip.mp4", seconds=3)
    nb = notebook(
        "renders.ipynb",
        [
            "import nemo_widgets as nw\ns = nw.connect()\npicker = s.upload_picker()\n"
            f"display(picker)\nrows = await picker.add({str(clip)!r})",
            "table = s.renders_table()\ntable",
            "print('jobs', [(j.id, j.status) for j in s.render_jobs])",
        ],
    )
    nb.open()
    nb.run_all()
    page = nb.page
    page.locator(".nw-upload tr.nw-file").first.wait_for()
    assert "short clip.mp4" in page.locator(".nw-upload tr.nw-file").first.inner_text()

    page.locator(".nw-renders .nw-export").click()
    done = page.locator(".nw-renders tr.nw-render[data-status='completed']").first
    done.wait_for(timeout=180_000)
    job_id = done.get_attribute("data-job")
    assert job_id and "100%" in done.inner_text()

    # The engine's URL is on the kernel's loopback: the preview comes through the comm.
    done.locator(".nw-preview-btn").click()
    video = done.locator("video")
    video.wait_for(timeout=60_000)
    page.wait_for_function(
        "(v) => v.readyState >= 1 && v.duration > 0", arg=video.element_handle(), timeout=60_000
    )
    duration = video.evaluate("(v) => v.duration")
    assert 2.5 < duration < 3.6, duration
    assert video.get_attribute("src").startswith("blob:")

    done.locator(".nw-save").click()
    saved = done.locator(".nw-saved")
    saved.wait_for()
    assert (nb.lab.root / f"{job_id}.mp4").stat().st_size > 1000
    screenshot(page, "picker-and-renders.png")

    out = nb.run_cell(2)
    assert f"('{job_id}', 'completed')" in out, out

    # Saved with the notebook (widget state), and shown again after a reload.
    nb.save()
    state = json.dumps(nb.saved()["metadata"].get("widgets", {}))
    assert job_id in state and "short clip.mp4" in state
    # the saved notebook, widget state included, holds no token
    assert "nmv_usr_" not in json.dumps(nb.saved()), "a token in the saved notebook"
    nb.reload()
    again = page.locator(f".nw-renders tr.nw-render[data-job='{job_id}']")
    again.wait_for(timeout=60_000)
    assert again.get_attribute("data-status") == "completed"
    assert "short clip.mp4" in page.locator(".nw-upload").inner_text()
