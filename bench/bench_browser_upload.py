"""Benchmark: the upload picker (chromium -> Jupyter -> kernel disk) vs a plain loopback POST.

What: a file of random bytes (200 MB; 50 MB with ``--quick``), picked in the upload picker in
headless chromium in JupyterLab, until the kernel holds all of it. By default the picker takes
the Jupyter server extension's route (one streamed PUT, ``nemo_widgets/upload_server.py``);
``--fallback`` disables the extension and measures the comm-chunk route instead.

Anchor: a plain HTTP POST of the same file over loopback (httpx, streamed in 1 MiB blocks) to a
tiny stdlib server in this process that writes it to a temporary file: the cost of moving the
bytes over loopback at all. Its CPU is this process's (client and server threads); the
picker's is the kernel's, the Jupyter server's and chromium's processes'.

Goal (issue 15): the picker's throughput >= 0.5x the anchor's, and the kernel's RSS grows by
<= 64 MB while it runs (the Jupyter server's growth is reported too). Pairs are interleaved
(``bench/_pairs.py``: A B, then B A, ..., at least 5, medians of the per-pair ratios); RSS is
sampled every 20 ms (the kernel by a thread of its own, the server from here) and its growth is
the peak minus the RSS before the first upload. The kernel's session is a stand-in that only
notes the file's size: the picker's part ends when the kernel has the file, and the upload to
the engine is measured by ``bench_upload.py``.

Run: ``.venv/bin/python bench/bench_browser_upload.py [--quick] [--mb 200] [--pairs 5]
[--fallback]`` (needs /usr/bin/chromium; ~2 min with ``--quick``). Prints the figures, the
goals and whether they are met; asserts nothing about time.
"""

from __future__ import annotations

import importlib.util
import os
import signal
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psutil
from _pairs import Goal, cpu_seconds, pairs_from, parser, run_pairs

REPO = Path(__file__).resolve().parent.parent
GOAL = Goal(">=", 0.5, "throughput")
GOAL_RSS_MB = 64.0


def _browser_helpers() -> Any:
    """The browser-test helpers (start_lab, LabNotebook, chromium flags) from their conftest."""
    spec = importlib.util.spec_from_file_location(
        "nemo_browser_conftest", REPO / "tests" / "browser" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def make_file(path: Path, megabytes: int) -> Path:
    """``megabytes`` MiB of random bytes (not a sparse file: every block is on disk)."""
    with open(path, "wb") as fh:
        for _ in range(megabytes):
            fh.write(os.urandom(1024 * 1024))
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

    def run(self, path: Path) -> None:
        def blocks():
            with open(path, "rb") as fh:
                while block := fh.read(1024 * 1024):
                    yield block

        r = httpx.post(
            f"http://127.0.0.1:{self.server.server_port}/",
            content=blocks(),
            headers={"Content-Length": str(path.stat().st_size)},
            timeout=600,
        )
        r.raise_for_status()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ------------------------------------------------------------------------------- B: the picker
# A session that only notes what reached the kernel (the picker's part ends there); each file
# gets its own row in `picker.files`, which is how the bench sees that it has arrived.
_SETUP = """import os
from nemo_widgets.widgets import UploadPicker

class ArrivalsOnly:
    backend, session_id, skill = "engine", "bench", None
    uploads, render_jobs = [], []
    def __init__(self):
        self.sizes = []
    def observe(self, callback):
        return lambda: None
    async def aupload(self, *items, on_progress=None):
        self.sizes += [os.path.getsize(i) for i in items]
        n = len(self.sizes)
        return [{"filename": f"arrived-{n}.mp4", "file_type": "video", "cdn_url": f"bench:{n}"}]

s = ArrivalsOnly()
picker = UploadPicker(s)
picker"""
# The kernel samples its own RSS every 20 ms in a thread (it keeps sampling while the kernel's
# event loop handles the comm messages) and prints its pid for the CPU accounting.
_SAMPLER = """import threading, time, psutil
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
print('FILES', len(s.sizes), 'ROUTE', picker.last_transport, 'SIZES', len(set(s.sizes)))"""


def _numbers(text: str) -> dict[str, str]:
    words = text.split()
    return {k: v for k, v in zip(words[::2], words[1::2], strict=False) if k.isupper()}


def _cpu(procs: list[psutil.Process]) -> float:
    total = 0.0
    for p in procs:
        try:
            t = p.cpu_times()
            total += t.user + t.system
        except psutil.NoSuchProcess:
            pass
    return total


class _PeakRss:
    """The highest RSS of a process, sampled every 20 ms from a thread of this one."""

    def __init__(self, proc: psutil.Process) -> None:
        self.proc, self.before = proc, proc.memory_info().rss
        self.peak, self._stop = self.before, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, self.proc.memory_info().rss)
            except psutil.NoSuchProcess:
                return
            time.sleep(0.02)

    def growth_mb(self) -> float:
        self._stop.set()
        self._thread.join()
        return (self.peak - self.before) / 2**20


class Picker:
    """JupyterLab with a notebook showing an UploadPicker, driven in chromium."""

    def __init__(self, helpers: Any, base: Path, *, upload_server: bool) -> None:
        import nbformat
        from playwright.sync_api import sync_playwright

        self.lab = helpers.start_lab(base, upload_server=upload_server)
        self.pw = sync_playwright().start()
        self.browser = self.pw.chromium.launch(
            executable_path=str(helpers.CHROMIUM), args=helpers.CHROMIUM_ARGS
        )
        self.page = self.browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.set_default_timeout(600_000)
        nb_file = nbformat.v4.new_notebook()
        nb_file.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nb_file.cells = [nbformat.v4.new_code_cell(c) for c in (_SETUP, _SAMPLER, _REPORT)]
        nbformat.write(nb_file, self.lab.root / "bench.ipynb")
        self.nb = helpers.LabNotebook(self.lab, self.page, "bench.ipynb")
        self.nb.open(accept_kernel_dialog=True)
        self.nb.run_cell(0)
        self.page.locator(".nw-upload").wait_for()
        before = _numbers(self.nb.run_cell(1))
        self.kernel_rss_before_mb = int(before["NOW_KB"]) / 1024
        kernel = psutil.Process(int(before["PID"]))
        server = psutil.Process(self.lab.process.pid)
        browser_root = psutil.Process(self.browser_pid())
        self.procs = [kernel, server, browser_root, *browser_root.children(recursive=True)]
        self.server_rss = _PeakRss(server)
        self.arrived = 0

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

    def cpu(self) -> float:
        """CPU seconds so far of the kernel, the Jupyter server and chromium."""
        return _cpu(self.procs)

    def run(self, path: Path) -> None:
        """Pick ``path`` and wait until the kernel holds all of it (its row in ``files``)."""
        self.arrived += 1
        self.page.set_input_files(".nw-upload input[type=file]", str(path))
        self.page.wait_for_function(
            "(n) => document.querySelectorAll('.nw-upload tr.nw-file').length >= n",
            arg=self.arrived,
            polling=10,
        )

    def report(self) -> dict[str, str]:
        return _numbers(self.nb.run_cell(2))

    def close(self) -> None:
        try:
            self.browser.close()
            self.pw.stop()
        finally:
            self.lab.stop()


def main() -> None:
    ap = parser(__doc__)
    ap.add_argument("--mb", type=int, default=None, help="file size in MiB (default 200)")
    ap.add_argument(
        "--fallback", action="store_true", help="the comm route (server extension disabled)"
    )
    args = ap.parse_args()
    mb = args.mb or (50 if args.quick else 200)
    pairs = pairs_from(args)
    # A terminated run still stops its JupyterLab, engine and browser (the `finally` blocks).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    helpers = _browser_helpers()
    if not helpers.CHROMIUM.exists():
        raise SystemExit(f"{helpers.CHROMIUM} is absent: install Debian's chromium first")
    with tempfile.TemporaryDirectory(prefix="nemo-bench-upload-") as tmp:
        base = Path(tmp)
        big = make_file(base / "big.mp4", mb)
        anchor = Anchor()
        picker = Picker(helpers, base / "lab", upload_server=not args.fallback)
        try:
            result = run_pairs(
                anchor=lambda: anchor.run(big),
                work=lambda: picker.run(big),
                pairs=pairs,
                anchor_cpu=cpu_seconds,
                work_cpu=picker.cpu,
            )
            after = picker.report()
            server_growth = picker.server_rss.growth_mb()
        finally:
            picker.close()
            anchor.close()
    route = after.get("ROUTE", "?")
    assert int(after["FILES"]) == picker.arrived and after["SIZES"] == "1", after
    kernel_growth = int(after["PEAK_KB"]) / 1024 - picker.kernel_rss_before_mb
    mb_s = [mb / t.wall for t in result.work]
    anchor_mb_s = [mb / t.wall for t in result.anchor]
    print(f"file: {mb} MiB of random bytes; picker route: {route}")
    print(
        f"throughput (medians): anchor {statistics.median(anchor_mb_s):.0f} MB/s, "
        f"picker {statistics.median(mb_s):.0f} MB/s"
    )
    ok = result.report(
        f"upload picker ({route} route) vs a loopback HTTP POST",
        GOAL,
        anchor_name="loopback HTTP POST",
    )
    rss_ok = kernel_growth <= GOAL_RSS_MB
    print(
        f"goal: kernel RSS + <= {GOAL_RSS_MB:g} MB -> +{kernel_growth:.1f} MB "
        f"{'met' if rss_ok else 'NOT met'} (Jupyter server: +{server_growth:.1f} MB)"
    )
    sys.exit(0 if ok and rss_ok else 1)


if __name__ == "__main__":
    main()
