"""Client upload: 500 MB through ``Session.upload`` to the real engine vs ``curl`` to the same URL.

What: one WAV file of random noise (incompressible, a valid file the engine probes and keeps)
of just under the 500 MB limit, uploaded to a real engine (temporary data dir) by the public
async session (``aupload``: multipart streamed from disk, then the draft refreshed). Anchor:
Debian's ``curl`` posting the same file as the same multipart field to the same endpoint with
the same token and headers (read from a 0600 header file, so the token is not on a command
line; ``Expect:`` off so curl does not wait for a ``100 Continue``). Interleaved A/B pairs,
the engine's stored copy deleted after each run (untimed).

Goals (issue 15): throughput >= 0.9x curl's (median of per-pair wall-time ratios), and the
uploading process's peak RSS at most 32 MB above its RSS before the upload (worst run,
sampled every 5 ms; a deliberate 16 MB allocation is shown first so "+0 MB" means what it
says); and the engine's peak RSS growth over all the uploads at most 10 % of the file (it
streams bodies to disk). Client CPU seconds are printed too (curl's, a waited-for child's).

Run: ``.venv/bin/python bench/bench_upload.py [--pairs 5] [--quick]`` (``--quick``: 100 MB).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
import wave
from pathlib import Path

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
import httpx
import psutil
from _pairs import Goal, exit_code, pairs_from, parser, run_pairs

BUDGET_MB = 32
ENGINE_SHARE = 0.10


class PeakRSS:
    """Samples a process's RSS (default: this one's) every 5 ms in a thread."""

    def __init__(self, pid: int | None = None) -> None:
        self.proc = psutil.Process(pid)
        self.before = self.proc.memory_info().rss
        self.peak = self.before
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.005)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.before) / 2**20

    def __enter__(self) -> PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def sampler_check() -> float:
    with PeakRSS() as rss:
        block = bytearray(16 * 2**20)
        time.sleep(0.05)
        del block
    return rss.growth_mb


def noise_wav(path: Path, size: int) -> Path:
    """A 48 kHz stereo 16-bit WAV of random samples, ``size`` bytes in all."""
    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        left = (size - 44) // 4 * 4
        while left:
            n = min(left, 8 << 20)
            w.writeframes(os.urandom(n))
            left -= n
    return path


def main() -> int:
    args = parser(__doc__).parse_args()
    from nemo_widgets import aconnect, schema
    from nemo_widgets.engine.launcher import ensure_engine

    curl = shutil.which("curl")
    if curl is None:
        raise SystemExit("curl is not installed (apt-get install curl): it is this bench's anchor")
    size = (100 << 20) if args.quick else schema.MAX_UPLOAD_BYTES - (1 << 20)
    with tempfile.TemporaryDirectory(prefix="bench-upload-") as tmp:
        root = Path(tmp)
        big = noise_wav(root / "noise.wav", size)
        engine = ensure_engine(root / "engine", env={"NEMO_ENGINE_WARM": "0"})
        loop = asyncio.new_event_loop()
        try:
            token = httpx.post(
                f"{engine.url}/api/auth/anonymous-token",
                headers={"X-Client-Id": f"bench-{uuid.uuid4()}"},
            ).json()["data"]["token"]
            s = loop.run_until_complete(aconnect(engine.url, token=token, store_dir=root / "c"))
            url = f"{engine.url}/api/upload-video/{schema.APP_NAME}/me/{s.session_id}"
            header_file = root / "headers.txt"
            fd = os.open(header_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                for k, v in {**s.skill.headers(), "Authorization": f"Bearer {token}"}.items():
                    fh.write(f"{k}: {v}\n")
                fh.write("Expect:\n")
            answer = root / "answer.json"
            uploads = root / "engine" / "media" / "uploads"
            peaks: list[float] = []

            def by_curl() -> None:
                subprocess.run(
                    [curl, "-sS", "--fail-with-body", "-o", str(answer), "-H", f"@{header_file}",
                     "-F", f"files=@{big};type=audio/wav", url],
                    check=True,
                )  # fmt: skip
                body = json.loads(answer.read_text())
                assert body["code"] == 0 and body["data"]["files"], body

            def by_session() -> None:
                with PeakRSS() as rss:
                    files = loop.run_until_complete(s.aupload(big))
                assert files and files[0].filename == big.name
                peaks.append(rss.growth_mb)

            def forget_uploads() -> None:  # keep the disk from filling: 12 x 500 MB
                for f in uploads.iterdir():
                    f.unlink()

            seen = sampler_check()
            with PeakRSS(engine.pid) as engine_rss:  # the body is streamed to disk, never held
                result = run_pairs(
                    by_curl, by_session, pairs=pairs_from(args), between=forget_uploads
                )
            loop.run_until_complete(s.aclose())
        finally:
            loop.close()
            engine.stop()
    mb = size / 1e6
    print(f"{mb:.0f} MB of random noise (WAV) to the engine's upload endpoint")
    ok_speed = result.report(
        f"upload {mb:.0f} MB",
        Goal(">=", 0.9, "throughput"),
        anchor_name="curl",
        work_name="aupload",
    )
    med = lambda xs: sorted(xs)[len(xs) // 2]  # noqa: E731
    print(f"  throughput: curl {mb / med([t.wall for t in result.anchor]):.0f} MB/s, "
          f"aupload {mb / med([t.wall for t in result.work]):.0f} MB/s")  # fmt: skip
    worst = max(peaks)
    ok_rss = worst <= BUDGET_MB
    print(f"  sampler check: a 16 MB allocation shows as +{seen:.1f} MB")
    print(f"goal: client peak RSS <= +{BUDGET_MB} MB during the upload -> worst +{worst:.1f} MB "
          f"{'met' if ok_rss else 'NOT met'}")  # fmt: skip
    grown = engine_rss.growth_mb * 2**20 / size
    ok_engine = grown <= ENGINE_SHARE
    verdict = "met" if ok_engine else "NOT met"
    print(f"goal: engine peak RSS growth <= {ENGINE_SHARE:.0%} of the file -> "
          f"+{engine_rss.growth_mb:.1f} MB = {grown:.1%} {verdict}")  # fmt: skip
    return exit_code(ok_speed, ok_rss, ok_engine)


if __name__ == "__main__":
    raise SystemExit(main())
