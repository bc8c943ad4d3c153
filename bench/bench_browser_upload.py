"""Benchmark: a 200 MB file through the upload picker in JupyterLab/chromium vs. a loopback POST.

What is measured (one run each, same file, same machine):

* **picker, browser -> kernel**: from ``set_input_files`` on the picker until the kernel has the
  whole file (the transfer row switches to "to API"): 4 MiB chunks as binary comm buffers,
  each acknowledged before the next (``nemo_widgets/static/upload.js``).
* **picker, total**: until the file is listed (the kernel also streamed it to the engine).
* **kernel peak memory**: the kernel's peak RSS during the upload (sampled every 20 ms by a
  thread in the kernel) minus its RSS before; the goal is "a few chunks", whatever the size.
* **anchor 2**: JupyterLab's own file-browser upload of the same file in the same browser
  (1 MiB chunks, base64 inside JSON, through the Contents API): the stock Jupyter route.
* **anchor**: a plain HTTP POST of the same file over loopback (httpx streaming 1 MiB blocks to a
  stdlib server that writes them to a temporary file): the cost of moving the bytes at all.

Run: ``.venv/bin/python bench/bench_browser_upload.py [--mb 200]`` (needs /usr/bin/chromium).
Prints the numbers and the ratios; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parent.parent


def _browser_helpers() -> Any:
    """The browser-test helpers (start_lab, LabNotebook, chromium flags) from their conftest."""
    spec = importlib.util.spec_from_file_location(
        "nemo_browser_conftest", REPO / "tests" / "browser" / "conftest.py"
    )
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def make_file(path: Path, megabytes: int, seconds: int = 10) -> Path:
    """A real MP4 of about ``megabytes`` (constant bitrate + filler) that the engine accepts."""
    import imageio_ffmpeg

    kbps = int(megabytes * 8 * 1024 * 1024 / seconds / 1000)
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-b:v", f"{kbps}k", "-minrate", f"{kbps}k", "-maxrate", f"{kbps}k",
         "-bufsize", f"{kbps}k", "-x264-params", "nal-hrd=cbr", str(path)],
        check=True,
    )  # fmt: skip
    return path


# ------------------------------------------------------------------------------- the anchor
class _Sink(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        remaining = int(self.headers["Content-Length"])
        with tempfile.TemporaryFile() as out:
            while remaining:
                block = self.rfile.read(min(remaining, 1024 * 1024))
                if not block:
                    break
                out.write(block)
                remaining -= len(block)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def loopback_post(path: Path) -> float:
    """Seconds to POST ``path`` to a local HTTP server that stores it."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def blocks():
        with open(path, "rb") as fh:
            while block := fh.read(1024 * 1024):
                yield block

    try:
        start = time.perf_counter()
        r = httpx.post(
            f"http://127.0.0.1:{server.server_port}/",
            content=blocks(),
            headers={"Content-Length": str(path.stat().st_size)},
            timeout=300,
        )
        r.raise_for_status()
        return time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------------------- the picker
# The kernel samples its own RSS every 20 ms in a thread while the upload runs (the thread
# keeps sampling while the kernel's event loop handles the comm messages).
_SAMPLER = """import threading, time, psutil
_bench_peak, _bench_stop = [0], threading.Event()
def _bench_sample():
    proc = psutil.Process()
    while not _bench_stop.is_set():
        _bench_peak[0] = max(_bench_peak[0], proc.memory_info().rss)
        time.sleep(0.02)
print('NOW_KB', psutil.Process().memory_info().rss // 1024)
threading.Thread(target=_bench_sample, daemon=True).start()"""
_REPORT = """_bench_stop.set()
print('PEAK_KB', _bench_peak[0] // 1024)
print('FILES', len(picker.files))"""


def picker_upload(helpers: Any, base: Path, clip: Path, chunk_bytes: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    lab = helpers.start_lab(base)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=str(helpers.CHROMIUM), args=helpers.CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(300_000)
            import nbformat

            nb_file = nbformat.v4.new_notebook()
            nb_file.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
            nb_file.cells = [
                nbformat.v4.new_code_cell(
                    "import nemo_widgets as nw\nfrom nemo_widgets.widgets import UploadPicker\n"
                    f"s = nw.connect()\npicker = UploadPicker(s, chunk_bytes={chunk_bytes})\npicker"
                ),
                nbformat.v4.new_code_cell(_SAMPLER),
                nbformat.v4.new_code_cell(_REPORT),
            ]
            nbformat.write(nb_file, lab.root / "bench.ipynb")
            nb = helpers.LabNotebook(lab, page, "bench.ipynb")
            nb.open()
            nb.run_cell(0)
            before = _numbers(nb.run_cell(1))
            page.locator(".nw-upload").wait_for()
            start = time.perf_counter()
            page.set_input_files(".nw-upload input[type=file]", str(clip))
            page.wait_for_function(
                """() => [...document.querySelectorAll('.nw-upload .nw-transfer .nw-phase')]
                    .some((e) => e.textContent.startsWith('to API'))
                    || document.querySelector('.nw-upload tr.nw-file')""",
                polling=20,
            )
            to_kernel = time.perf_counter() - start
            page.locator(".nw-upload tr.nw-file").first.wait_for()
            total = time.perf_counter() - start
            after = _numbers(nb.run_cell(2))
            lab_upload_s = jupyterlab_upload(page, lab.root / clip.name, clip)
            browser.close()
    finally:
        lab.stop()
    return {
        "to_kernel_s": to_kernel,
        "total_s": total,
        "rss_before_mb": before["NOW_KB"] / 1024,
        "peak_mb": after["PEAK_KB"] / 1024,
        "files": after["FILES"],
        "jupyterlab_upload_s": lab_upload_s,
    }


def jupyterlab_upload(page: Any, target: Path, clip: Path) -> float:
    """Seconds for JupyterLab's own file-browser upload of ``clip`` (base64 JSON chunks)."""
    with page.expect_file_chooser() as chooser:
        page.locator(".jp-FileBrowser-toolbar [title='Upload Files']").first.click()
    start = time.perf_counter()
    chooser.value.set_files(str(clip))
    page.locator(".jp-Dialog .jp-mod-accept").click()  # "Large file size warning": Upload
    size = clip.stat().st_size
    while not (target.exists() and target.stat().st_size == size):
        time.sleep(0.02)
    return time.perf_counter() - start


def _numbers(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isupper():
            out[parts[0]] = float(parts[1])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="file size in MB (default 200)")
    parser.add_argument("--chunk-mb", type=float, default=4, help="picker chunk size (default 4)")
    args = parser.parse_args()
    # A terminated run still stops its JupyterLab, engine and browser (the `finally` blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    helpers = _browser_helpers()
    if not helpers.CHROMIUM.exists():
        raise SystemExit(f"{helpers.CHROMIUM} is absent: install Debian's chromium first")
    with tempfile.TemporaryDirectory(prefix="nemo-bench-upload-") as tmp:
        base = Path(tmp)
        clip = make_file(base / "big.mp4", args.mb)
        size_mb = clip.stat().st_size / (1024 * 1024)
        anchor_s = loopback_post(clip)
        chunk_bytes = int(args.chunk_mb * 1024 * 1024)
        picker = picker_upload(helpers, base / "lab", clip, chunk_bytes)
    growth = picker["peak_mb"] - picker["rss_before_mb"]
    result = {
        "file_mb": round(size_mb, 1),
        "chunk_mb": args.chunk_mb,
        "anchor_loopback_post_s": round(anchor_s, 2),
        "anchor_mb_per_s": round(size_mb / anchor_s, 1),
        "picker_browser_to_kernel_s": round(picker["to_kernel_s"], 2),
        "picker_browser_to_kernel_mb_per_s": round(size_mb / picker["to_kernel_s"], 1),
        "picker_total_with_engine_upload_s": round(picker["total_s"], 2),
        "ratio_browser_to_kernel_vs_anchor": round(picker["to_kernel_s"] / anchor_s, 2),
        "ratio_total_vs_anchor": round(picker["total_s"] / anchor_s, 2),
        "anchor2_jupyterlab_file_browser_upload_s": round(picker["jupyterlab_upload_s"], 2),
        "anchor2_mb_per_s": round(size_mb / picker["jupyterlab_upload_s"], 1),
        "ratio_browser_to_kernel_vs_jupyterlab_upload": round(
            picker["to_kernel_s"] / picker["jupyterlab_upload_s"], 2
        ),
        "kernel_rss_before_mb": round(picker["rss_before_mb"], 1),
        "kernel_peak_growth_mb": round(growth, 1),
        "kernel_peak_growth_vs_file": round(growth / size_mb, 3),
        "files_listed": int(picker["files"]),
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
