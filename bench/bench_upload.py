"""Peak RSS of the uploading process while a 500 MB file goes to a loopback server.

The file is sparse (no disk space, generated in a temp dir and deleted after); the receiver is
a tiny ``http.server`` in a subprocess that reads and discards the body. The anchor is the same
upload of a 5 MB file in the same run: memory growth must not scale with file size, and the
500 MB upload must stay within +32 MB of the RSS before it. Run: ``python bench/bench_upload.py``.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import psutil

from nemo_widgets import schema
from nemo_widgets.api.client import NemoClient

BUDGET_MB = 32

SERVER = textwrap.dedent(
    """
    import json, sys
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class H(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            left = int(self.headers.get("Content-Length", 0))
            while left:
                left -= len(self.rfile.read(min(left, 1 << 20)))
            body = json.dumps({"code": 0, "data": {"files": [
                {"filename": "big.mp4", "file_type": "video", "cdn_url": "http://x/big.mp4"}]}})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())

    srv = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H)
    print("ready", flush=True)
    srv.serve_forever()
    """
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PeakRSS:
    """Samples this process's RSS every 5 ms in a thread."""

    def __init__(self) -> None:
        self.proc = psutil.Process()
        self.peak = self.proc.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.005)

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def upload(client: NemoClient, path: Path) -> tuple[float, float]:
    """(peak RSS growth in MB, seconds) for one upload."""
    before = psutil.Process().memory_info().rss
    t = time.perf_counter()
    with PeakRSS() as rss:
        files = await client.upload_files("bench", [path])
    assert files and files[0].filename == "big.mp4"
    return (rss.peak - before) / 2**20, time.perf_counter() - t


def sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


def sampler_check() -> float:
    """The sampler sees a deliberate 16 MB allocation (so "+0 MB" means what it says)."""
    before = psutil.Process().memory_info().rss
    with PeakRSS() as rss:
        block = bytearray(16 * 2**20)
        time.sleep(0.05)
        del block
    return (rss.peak - before) / 2**20


async def main() -> None:
    seen = sampler_check()
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(port)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None and server.stdout.readline().strip() == "ready"
        client = NemoClient(f"http://127.0.0.1:{port}", token="nmv_usr_bench_token")
        with tempfile.TemporaryDirectory() as tmp:
            small = sparse(Path(tmp) / "small.mp4", 5 * 2**20)
            big = sparse(Path(tmp) / "big.mp4", schema.MAX_UPLOAD_BYTES)
            await upload(client, small)  # warm up: connection pool, imports, buffers
            grow_small, t_small = await upload(client, small)
            grow_big, t_big = await upload(client, big)
        await client.aclose()
    finally:
        server.terminate()
        server.wait(10)
    size_mb = schema.MAX_UPLOAD_BYTES / 2**20
    print(f"upload to a loopback receiver, RSS sampled every 5 ms (pid {os.getpid()})")
    print(f"  sampler check: a 16 MB allocation shows as +{seen:.1f} MB")
    print(f"  anchor   5 MB: peak RSS +{grow_small:5.1f} MB  ({t_small:.2f} s)")
    print(f"  {size_mb:.0f} MB: peak RSS +{grow_big:5.1f} MB  ({t_big:.2f} s, "
          f"{size_mb / t_big:.0f} MB/s)")  # fmt: skip
    ratio = (grow_big + 1) / (grow_small + 1)
    verdict = "OK" if grow_big <= BUDGET_MB else "OVER"
    print(f"  growth ratio 500 MB / 5 MB = {ratio:.2f} (+1 MB smoothing); "
          f"budget +{BUDGET_MB} MB: {verdict}")  # fmt: skip


if __name__ == "__main__":
    asyncio.run(main())
