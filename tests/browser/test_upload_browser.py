"""The upload picker in JupyterLab: a 30 MB clip picked in chromium reaches the session."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def test_a_30_mb_clip_goes_through_the_picker_into_the_session(
    notebook: Callable[..., Any], sized_clip: Callable[..., Path]
) -> None:
    clip = sized_clip(30, name="thirty.mp4")
    assert clip.stat().st_size > 25 * 1024 * 1024  # three times Jupyter's 10 MB message limit
    nb = notebook(
        "upload.ipynb",
        [
            "import nemo_widgets as nw\ns = nw.connect()\npicker = s.upload_picker()\npicker",
            "print('uploads', len(s.state().video_infos), [f['name'] for f in picker.files])",
        ],
    )
    nb.open()
    outputs = nb.run_all()
    assert "uploads 0 []" in outputs[1]
    page = nb.page
    widget = page.locator(".nw-upload")
    widget.wait_for()

    # A wrong type is refused in the browser, before any byte moves.
    page.set_input_files(
        ".nw-upload input[type=file]",
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}],
    )
    error = page.locator(".nw-upload .nw-error")
    error.wait_for(state="visible")
    assert "not supported" in error.inner_text()
    error.locator("button").click()

    page.set_input_files(".nw-upload input[type=file]", str(clip))
    page.locator(".nw-upload .nw-transfer").first.wait_for()  # progress row while sending
    page.locator(".nw-upload tr.nw-file").first.wait_for(timeout=180_000)
    row = page.locator(".nw-upload tr.nw-file").first.inner_text()
    assert "thirty.mp4" in row and "320×240" in row and "0:10" in row
    assert not page.locator(".nw-upload .nw-error").is_visible()

    out = nb.run_cell(1)
    assert "uploads 1 ['thirty.mp4']" in out, out
