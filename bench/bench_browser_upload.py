"""Benchmark: a file through the upload picker (chromium -> Jupyter -> kernel) vs a loopback POST.

Goal (issue 15): the picker moves a 200 MB file from the browser into the kernel at >= 0.5x the
throughput of a plain loopback HTTP POST of the same file, and the kernel's memory grows by
<= 64 MB while it does (a window of chunks, never the file).

How it is measured, in one run, on one machine:

* **A, the anchor**: httpx streams the file in 1 MiB blocks to a stdlib HTTP server in this
  process that writes it to a temporary file: the cost of moving the bytes over loopback at all.
  CPU time: this process (client and server threads).
* **B, the picker**: ``set_input_files`` on the picker in headless chromium until the kernel has
  the whole file (its transfer row switches to "to API"); ``--window`` chunks of ``--chunk-mb``
  in flight (``nemo_widgets/static/upload.js``). CPU time: the kernel, the Jupyter server and
  chromium's processes. After each run the bench waits for the kernel's upload to the engine
  to finish, so the next measurement runs on a quiet machine.
* Pairs are interleaved (A B, then B A, ...), at least 5; the medians of the pairs' ratios are
  reported, wall and CPU. The kernel's RSS is sampled every 20 ms by a thread in the kernel;
  the growth is its peak minus its RSS before the first upload.

Run: ``.venv/bin/python bench/bench_browser_upload.py [--quick] [--mb 200] [--pairs 5]``
(needs /usr/bin/chromium). Prints the numbers, the goals and whether they are met; asserts
nothing about time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil

REPO = Path(__file__).resolve().parent.parent
GOAL_THROUGHPUT = 0.5  # picker / anchor, wall-clock throughput
GOAL_RSS_MB = 64.0


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
    """A real MP4 of about ``megabytes`` (constant bitrate) that the engine accepts."""
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


# ------------------------------------------------------------------------------- A: the anchor
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


class Anchor:
    """A loopback HTTP server in this process, and a streaming POST of the file to it."""

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Sink)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def run(self, path: Path) -> tuple[float, float]:
        """(wall s, CPU s) of one POST of ``path``."""

        def blocks():
            with open(path, "rb") as fh:
                while block := fh.read(1024 * 1024):
                    yield block

        cpu0, wall0 = time.process_time(), time.perf_counter()
        r = httpx.post(
            f"http://127.0.0.1:{self.server.server_port}/",
            content=blocks(),
            headers={"Content-Length": str(path.stat().st_size)},
            timeout=300,
        )
        r.raise_for_status()
        return time.perf_counter() - wall0, time.process_time() - cpu0

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------------------- B: the picker
# The kernel samples its own RSS every 20 ms in a thread (it keeps sampling while the kernel's
# event loop handles the comm messages) and prints its pid for the CPU accounting.
_SAMPLER = """import os, threading, time, psutil
_bench_peak, _bench_stop = [0], threading.Event()
def _bench_sample():
    proc = psutil.Process()
    while not _bench_stop.is_set():
        _bench_peak[0] = max(_bench_peak[0], proc.memory_info().rss)
        time.sleep(0.02)
print('NOW_KB', psutil.Process().memory_info().rss // 1024)
print('PID', os.getpid())
threading.Thread(target=_bench_sample, daemon=True).start()"""
_REPORT = """_bench_stop.set()
print('PEAK_KB', _bench_peak[0] // 1024)
print('FILES', len(picker.files))"""


def _numbers(text: str) -> dict[str, float]:
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0].isupper():
            out[parts[0]] = float(parts[1])
    return out


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


class Picker:
    """JupyterLab with a notebook showing an UploadPicker, driven in chromium."""

    def __init__(self, helpers: Any, base: Path, chunk_bytes: int, window: int) -> None:
        import nbformat
        from playwright.sync_api import sync_playwright

        self.helpers = helpers
        self.lab = helpers.start_lab(base)
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(
            executable_path=str(helpers.CHROMIUM), args=helpers.CHROMIUM_ARGS
        )
        self.page = self.browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.set_default_timeout(600_000)
        nb_file = nbformat.v4.new_notebook()
        nb_file.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb_file.cells = [
            nbformat.v4.new_code_cell(
                "import nemo_widgets as nw\nfrom nemo_widgets.widgets import UploadPicker\n"
                f"s = nw.connect()\npicker = UploadPicker(s, chunk_bytes={chunk_bytes}, "
                f"window={window})\npicker"
            ),
            nbformat.v4.new_code_cell(_SAMPLER),
            nbformat.v4.new_code_cell(_REPORT),
        ]
        nbformat.write(nb_file, self.lab.root / "bench.ipynb")
        self.nb = helpers.LabNotebook(self.lab, self.page, "bench.ipynb")
        self.nb.open(accept_kernel_dialog=True)
        self.nb.run_cell(0)
        self.page.locator(".nw-upload").wait_for()
        before = _numbers(self.nb.run_cell(1))
        self.rss_before_mb = before["NOW_KB"] / 1024
        kernel = psutil.Process(int(before["PID"]))
        server = psutil.Process(self.lab.process.pid)
        browser_root = psutil.Process(self.browser_pid())
        self.procs = [kernel, server, browser_root, *browser_root.children(recursive=True)]

    def browser_pid(self) -> int:
        # The chromium Playwright launched: a descendant of this process (through its driver)
        # that is not one of chromium's own helper processes (those carry --type=).
        for p in psutil.Process().children(recursive=True):
            try:
                if "chrom" in p.name() and not any(a.startswith("--type=") for a in p.cmdline()):
                    return p.pid
            except psutil.NoSuchProcess:
                continue
        raise RuntimeError("chromium's process was not found")

    def split(self) -> dict[str, float]:
        """CPU seconds so far of the kernel, the Jupyter server and chromium."""
        kernel, server, *browser = self.procs
        return {"kernel": _cpu([kernel]), "server": _cpu([server]), "browser": _cpu(browser)}

    def run(self, clip: Path) -> tuple[float, float]:
        """(wall s, CPU s) until the kernel holds the whole file; then wait for the engine."""
        page = self.page
        split0 = self.split()
        cpu0, wall0 = _cpu(self.procs), time.perf_counter()
        page.set_input_files(".nw-upload input[type=file]", str(clip))
        page.wait_for_function(
            """() => [...document.querySelectorAll('.nw-upload .nw-transfer .nw-phase')]
                .some((e) => e.textContent.startsWith('to API'))""",
            polling=20,
        )
        wall, cpu = time.perf_counter() - wall0, _cpu(self.procs) - cpu0
        self.last_split = {k: round(v - split0[k], 2) for k, v in self.split().items()}
        # The kernel now streams the file to the engine: let it finish before the next step.
        page.wait_for_function(
            "() => !document.querySelector('.nw-upload .nw-transfer')", polling=100
        )
        return wall, cpu

    def report(self) -> dict[str, float]:
        return _numbers(self.nb.run_cell(2))

    def close(self) -> None:
        try:
            self.browser.close()
            self.pw.stop()
        finally:
            self.lab.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 MB, 5 pairs (a few minutes)")
    parser.add_argument("--mb", type=int, default=None, help="file size in MB (default 200)")
    parser.add_argument("--pairs", type=int, default=5, help="interleaved A/B pairs (>= 5)")
    parser.add_argument("--chunk-mb", type=float, default=4, help="picker chunk size (4)")
    parser.add_argument("--window", type=int, default=None, help="chunks in flight (default 4)")
    args = parser.parse_args()
    mb = args.mb or (50 if args.quick else 200)
    pairs = max(5, args.pairs)
    from nemo_widgets.widgets.upload import DEFAULT_WINDOW

    window = args.window or DEFAULT_WINDOW
    # A terminated run still stops its JupyterLab, engine and browser (the `finally` blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    helpers = _browser_helpers()
    if not helpers.CHROMIUM.exists():
        raise SystemExit(f"{helpers.CHROMIUM} is absent: install Debian's chromium first")
    rows: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory(prefix="nemo-bench-upload-") as tmp:
        base = Path(tmp)
        clip = make_file(base / "big.mp4", mb)
        size_mb = clip.stat().st_size / (1024 * 1024)
        anchor = Anchor()
        picker = Picker(helpers, base / "lab", int(args.chunk_mb * 1024 * 1024), window)
        try:
            picker.run(clip)  # warm-up: first-use costs (imports, engine model) stay out
            for i in range(pairs):
                order = ("A", "B") if i % 2 == 0 else ("B", "A")
                got: dict[str, tuple[float, float]] = {}
                for step in order:
                    got[step] = anchor.run(clip) if step == "A" else picker.run(clip)
                (a_wall, a_cpu), (b_wall, b_cpu) = got["A"], got["B"]
                rows.append(
                    {
                        "anchor_s": a_wall,
                        "anchor_cpu_s": a_cpu,
                        "picker_s": b_wall,
                        "picker_cpu_s": b_cpu,
                    }
                )
                print(
                    f"pair {i + 1}/{pairs} ({''.join(order)}): anchor {size_mb / a_wall:.0f} MB/s"
                    f" ({a_cpu:.2f} CPU-s), picker {size_mb / b_wall:.0f} MB/s ({b_cpu:.2f} CPU-s:"
                    f" {picker.last_split})",
                    flush=True,
                )
            after = picker.report()
        finally:
            picker.close()
            anchor.close()
    throughput = statistics.median(r["anchor_s"] / r["picker_s"] for r in rows)
    cpu_ratio = statistics.median(r["picker_cpu_s"] / max(r["anchor_cpu_s"], 1e-3) for r in rows)
    growth = after["PEAK_KB"] / 1024 - picker.rss_before_mb
    result = {
        "file_mb": round(size_mb, 1),
        "chunk_mb": args.chunk_mb,
        "window": window,
        "pairs": pairs,
        "anchor_mb_per_s_median": round(
            statistics.median(size_mb / r["anchor_s"] for r in rows), 1
        ),
        "picker_mb_per_s_median": round(
            statistics.median(size_mb / r["picker_s"] for r in rows), 1
        ),
        "throughput_ratio_picker_vs_anchor": round(throughput, 3),
        "cpu_ratio_picker_vs_anchor": round(cpu_ratio, 2),
        "kernel_rss_growth_mb": round(growth, 1),
        "goal_throughput": f">= {GOAL_THROUGHPUT}x",
        "goal_throughput_met": throughput >= GOAL_THROUGHPUT,
        "goal_rss": f"<= {GOAL_RSS_MB:g} MB",
        "goal_rss_met": growth <= GOAL_RSS_MB,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
