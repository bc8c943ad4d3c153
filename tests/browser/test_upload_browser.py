"""The upload picker in JupyterLab: clips picked in chromium reach the session, by either route.

With the server extension (the ``lab`` fixture: enabled as installed) the file streams to the
Jupyter server, which writes it to the kernel's disk; with it disabled
(``lab_without_upload_server``) the same picker falls back to chunks over the comm. Either way
Cancel mid-upload leaves no partial file in the kernel's temporary folder.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

CELLS = [
    "import nemo_widgets as nw\ns = nw.connect()\npicker = s.upload_picker()\npicker",
    "print('uploads', len(s.state().video_infos), [f['name'] for f in picker.files],"
    " picker.transfers, picker.last_transport or '-')",
]


def _wait_until(what: str, check: Callable[[], Any], timeout_s: float = 120) -> Any:
    """Poll ``check`` until it returns something true (a bound for a hang, not a timing)."""
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.05)
    return found


def _uploads(tmp: Path) -> list[Path]:
    """The picker's temporary upload folders (and so any partial file) in the kernel's TMPDIR."""
    return sorted(tmp.glob("nemo-upload-*"))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:  # deleted between the glob and the stat
        return 0


def _open_picker(nb: Any) -> Any:
    nb.open()
    nb.run_cell(0)
    out = nb.run_cell(1)
    assert "uploads 0 [] [] -" in out, out
    nb.page.locator(".nw-upload").wait_for()
    return nb.page


def _upload(page: Any, clip: Path) -> str:
    page.set_input_files(".nw-upload input[type=file]", str(clip))
    page.locator(".nw-upload .nw-transfer").first.wait_for()  # progress row while sending
    row = page.locator(".nw-upload tr.nw-file", has_text=clip.name)
    row.wait_for(timeout=180_000)
    assert not page.locator(".nw-upload .nw-error").is_visible()
    return row.inner_text()


def _cancel_the_transfer(page: Any, *, then: Callable[[], Any] = lambda: None) -> None:
    page.locator(".nw-upload .nw-transfer button", has_text="Cancel").click()
    then()
    page.locator(".nw-upload .nw-transfer").wait_for(state="detached")


def test_a_30_mb_clip_goes_through_the_server_extension_into_the_session(
    notebook: Callable[..., Any], sized_clip: Callable[..., Path], lab: Any
) -> None:
    clip = sized_clip(30, name="thirty.mp4")
    assert clip.stat().st_size > 25 * 1024 * 1024  # three times Jupyter's 10 MB message limit
    assert httpx.get(f"{lab.url}/nemo-widgets/upload").status_code == 200  # the extension
    nb = notebook("upload.ipynb", CELLS)
    page = _open_picker(nb)

    # A wrong type is refused in the browser, before any byte moves.
    page.set_input_files(
        ".nw-upload input[type=file]",
        files=[{"name": "notes.txt", "mimeType": "text/plain", "buffer": b"hello"}],
    )
    error = page.locator(".nw-upload .nw-error")
    error.wait_for(state="visible")
    assert "not supported" in error.inner_text()
    error.locator("button").click()

    row = _upload(page, clip)
    assert "thirty.mp4" in row and "320×240" in row and "0:10" in row
    out = nb.run_cell(1)
    assert "uploads 1 ['thirty.mp4'] [] server" in out, out
    assert _uploads(lab.tmp) == []  # the kernel's copy went to the engine and was deleted
    assert not page.nw_errors, page.nw_errors


def test_cancel_mid_upload_through_the_server_leaves_no_partial_file(
    notebook: Callable[..., Any], sized_clip: Callable[..., Path], lab: Any
) -> None:
    clip = sized_clip(30, name="cancelled.mp4")
    nb = notebook("upload-cancel.ipynb", CELLS)
    page = _open_picker(nb)
    # Slow the browser's uploads down (DevTools' network throttling) so that Cancel lands
    # while the server is still writing.
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    conditions = {"offline": False, "latency": 0, "downloadThroughput": -1}
    cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": 2 * 2**20})
    try:
        page.set_input_files(".nw-upload input[type=file]", str(clip))
        # The server is writing: its hidden partial file is in the kernel's upload folder.
        partial = _wait_until(
            "the server's partial file",
            lambda: [p for p in lab.tmp.glob("nemo-upload-*/.cancelled.mp4.*.part")],
        )
        assert partial[0].stat().st_size < clip.stat().st_size
        _cancel_the_transfer(page)
    finally:
        cdp.send("Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1})
    _wait_until("no partial file left", lambda: _uploads(lab.tmp) == [])
    out = nb.run_cell(1)
    assert "uploads 0 [] [] -" in out, out
    tickets = Path(lab.env["JUPYTER_RUNTIME_DIR"]) / "nemo-upload-tickets"
    assert list(tickets.glob("*.json")) == []  # the ticket was spent or withdrawn
    assert not page.locator(".nw-upload .nw-error").is_visible()


def test_without_the_server_extension_the_picker_falls_back_to_the_comm(
    notebook_without_upload_server: Callable[..., Any],
    sized_clip: Callable[..., Path],
    lab_without_upload_server: Any,
) -> None:
    lab = lab_without_upload_server
    assert httpx.get(f"{lab.url}/nemo-widgets/upload").status_code == 404  # disabled
    hold = (
        "import pathlib, time\nprint('holding', flush=True)\n"
        f"while not pathlib.Path({str(lab.tmp.parent / 'release-the-kernel')!r}).exists():\n"
        "    time.sleep(0.05)\nprint('released')"
    )
    nb = notebook_without_upload_server("upload-fallback.ipynb", [*CELLS, hold])
    page = _open_picker(nb)

    row = _upload(page, sized_clip(30, name="thirty.mp4"))
    assert "320×240" in row
    assert "uploads 1 ['thirty.mp4'] [] comm" in nb.run_cell(1)

    # Cancel while the kernel is writing chunks. To be sure it lands mid-file, a cell holds
    # the kernel (a kernel running a cell reads no comm message), so the browser stops once
    # its window of chunks is out; Cancel is pressed meanwhile, then the cell lets go.
    big = sized_clip(60, name="sixty.mp4")
    release = lab.tmp.parent / "release-the-kernel"
    page.set_input_files(".nw-upload input[type=file]", str(big))
    partial = _wait_until(
        "the kernel's partial file",
        lambda: [p for p in lab.tmp.glob("nemo-upload-*/sixty.mp4") if _size(p) > 0],
    )
    nb.start_cell(2)
    _wait_until("the holding cell", lambda: "holding" in nb.output(2))
    assert partial[0].stat().st_size < big.stat().st_size
    _cancel_the_transfer(page, then=release.touch)
    assert "released" in nb.wait_cell(2)
    _wait_until("no partial file left", lambda: _uploads(lab.tmp) == [])
    out = nb.run_cell(1)
    assert "uploads 1 ['thirty.mp4'] [] comm" in out, out
    assert not page.locator(".nw-upload .nw-error").is_visible()
