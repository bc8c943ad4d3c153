"""Engine latency: first SSE byte of a chat turn, and export submit -> ``processing``.

Starts a real engine (temporary data dir) through the launcher. The anchor is a bare
``GET /health`` round trip on the same keep-alive connection, measured in the same run, so the
ratios say how much the engine adds on top of HTTP itself on this machine:

* **first byte**: ``POST /run_sse`` ("help", and "show tracks" on a session with an upload)
  until the first byte of the stream body arrives (auth, session lookup, routing, a detached
  turn task, state load, the handler's first frame). Target: <= 10x the anchor.
* **submit -> processing**: ``POST /api/render/proxy/lambda`` until a poll first reports
  ``processing`` (queue hand-off to a worker thread), polled as fast as the engine answers.
  Target: <= 25x the anchor (it includes at least one poll round trip).

Also printed (memory, not latency): a multipart upload of a ``--upload-mb`` WAV file, as
throughput against a plain file copy of the same bytes (the anchor), and the engine's peak
resident-memory growth during it, which must stay far below the file size (the body is
streamed to disk, never held whole). Target: RSS growth <= 10 % of the file size.

Run: ``python bench/bench_latency.py [--repeat 30] [--upload-mb 64]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
import httpx

from nemo_widgets.engine.launcher import ensure_engine
from nemo_widgets.engine.media import make_test_clip

HEADERS = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9", "X-Skill-Platform": "bench"}


def ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1e3:7.2f} ms   "
        f"p90 {sorted(values)[int(len(values) * 0.9) - 1] * 1e3:7.2f} ms"
    )


def first_byte(c: httpx.Client, sid: str, text: str) -> float:
    body = {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": sid,
        "new_message": {"parts": [{"text": text}]},
    }
    t0 = time.perf_counter()
    dt = None
    with c.stream("POST", "/run_sse", json=body) as r:
        # read to the end so turns do not overlap; note when the first byte came
        for _ in r.iter_raw():
            if dt is None:
                dt = time.perf_counter() - t0
    return dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=30)
    ap.add_argument("--renders", type=int, default=5)
    ap.add_argument("--upload-mb", type=int, default=64)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="nemo-bench-") as tmp:
        root = Path(tmp)
        engine = ensure_engine(root / "engine", extra_args=["--ip-token-cap", "1000"])
        try:
            tok = httpx.post(
                f"{engine.url}/api/auth/anonymous-token",
                headers={"X-Client-Id": f"bench-{uuid.uuid4()}"},
            ).json()["data"]["token"]
            headers = {**HEADERS, "Authorization": f"Bearer {tok}"}
            with httpx.Client(base_url=engine.url, headers=headers, timeout=120) as c:
                sid = c.post("/api/tasks/me/with-session/nemo_agent", json={}).json()["data"][
                    "session_id"
                ]
                clip = make_test_clip(root / "clip.mp4", 2.0, (320, 180))
                c.post(
                    f"/api/upload-video/nemo_agent/me/{sid}",
                    files=[("files", ("clip.mp4", clip.read_bytes()))],
                ).raise_for_status()
                draft = c.get(f"/api/state/nemo_agent/me/{sid}/latest").json()["data"]["state"][
                    "draft"
                ]

                for _ in range(5):  # warm up connection and code paths
                    c.get("/health")
                    first_byte(c, sid, "help")
                anchor = []
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    c.get("/health").raise_for_status()
                    anchor.append(time.perf_counter() - t0)
                fb_help = [first_byte(c, sid, "help") for _ in range(args.repeat)]
                fb_status = [first_byte(c, sid, "show tracks") for _ in range(args.repeat)]

                to_processing = []
                for _ in range(args.renders):
                    rid = f"render_{uuid.uuid4().hex}"
                    t0 = time.perf_counter()
                    c.post(
                        "/api/render/proxy/lambda",
                        json={
                            "id": rid,
                            "sessionId": sid,
                            "draft": draft,
                            "output": {"quality": "low"},
                        },
                    ).raise_for_status()
                    while True:
                        status = c.get(f"/api/render/proxy/lambda/{rid}").json()["status"]
                        if status != "pending":
                            break
                    to_processing.append(time.perf_counter() - t0)
                    while status not in ("completed", "failed", "cancelled"):
                        time.sleep(0.05)
                        status = c.get(f"/api/render/proxy/lambda/{rid}").json()["status"]
            upload = measure_upload(engine, headers, sid, root, args.upload_mb)
        finally:
            engine.stop()

    a = statistics.median(anchor)
    copy_s, upload_s, rss_growth, size = upload
    print(f"anchor  GET /health round trip        {ms(anchor)}")
    print(
        f"chat    first SSE byte ('help')       {ms(fb_help)}   "
        f"{statistics.median(fb_help) / a:5.1f}x anchor (target <= 10x)"
    )
    print(
        f"chat    first SSE byte ('show tracks') {ms(fb_status)}  "
        f"{statistics.median(fb_status) / a:5.1f}x anchor (target <= 10x)"
    )
    print(
        f"export  submit -> processing          {ms(to_processing)}   "
        f"{statistics.median(to_processing) / a:5.1f}x anchor (target <= 25x)"
    )

    mb = size / 1e6
    print(
        f"upload  {mb:.0f} MB multipart             {mb / upload_s:7.1f} MB/s   "
        f"anchor file copy {mb / copy_s:7.1f} MB/s   "
        f"engine RSS growth {rss_growth / 1e6:6.1f} MB = {rss_growth / size:5.1%} of the file "
        "(target <= 10 %)"
    )


def write_wav(path: Path, megabytes: int) -> int:
    """A valid 48 kHz stereo 16-bit WAV of silence of about ``megabytes`` MB."""
    import wave

    with wave.open(str(path), "wb") as w:
        w.setnchannels(2)
        w.setsampwidth(2)
        w.setframerate(48000)
        block = b"\0" * (1 << 20)
        for _ in range(megabytes):
            w.writeframes(block)
    return path.stat().st_size


def measure_upload(engine, headers, sid: str, root: Path, megabytes: int):
    import shutil
    import threading

    import psutil

    src = root / "silence.wav"
    size = write_wav(src, megabytes)
    t0 = time.perf_counter()
    shutil.copyfile(src, root / "copy.wav")
    copy_s = time.perf_counter() - t0
    (root / "copy.wav").unlink()

    proc = psutil.Process(engine.pid)
    base = proc.memory_info().rss
    peak = [base]
    stop = threading.Event()

    def sample() -> None:
        while not stop.is_set():
            peak[0] = max(peak[0], proc.memory_info().rss)
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with httpx.Client(base_url=engine.url, headers=headers, timeout=600) as c, open(src, "rb") as f:
        t0 = time.perf_counter()
        r = c.post(f"/api/upload-video/nemo_agent/me/{sid}", files=[("files", ("s.wav", f))])
        upload_s = time.perf_counter() - t0
    stop.set()
    sampler.join()
    r.raise_for_status()
    return copy_s, upload_s, peak[0] - base, size


if __name__ == "__main__":
    main()
