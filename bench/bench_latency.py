"""Engine latency: first SSE byte of a chat turn, and export submit -> ``processing``.

What: a real engine (temporary data dir) through the launcher, one keep-alive ``httpx``
connection. Anchor: a bare ``GET /health`` round trip on the same connection, interleaved
with each measured request (A/B pairs, the anchor first in every other pair), so the ratios
say how much the engine adds on top of HTTP itself on this machine:

* **first byte**: ``POST /run_sse`` ("help", and "show tracks" on a session with an upload)
  until the first byte of the stream body (auth, session lookup, routing, a detached turn
  task, state load, the handler's first frame). Goal: <= 10x the anchor (wall, median).
* **submit -> processing**: ``POST /api/render/proxy/lambda`` until a poll first reports
  ``processing`` (queue hand-off to a worker thread), polled as fast as the engine answers.
  Goal: <= 25x the anchor (it includes at least one poll round trip).

CPU (this process and the engine) is printed too. Upload throughput and memory are
``bench_upload.py``'s (against curl).

Run: ``python bench/bench_latency.py [--pairs 30] [--quick]``.
"""

from __future__ import annotations

import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
import httpx
from _pairs import Goal, Timing, cpu_seconds, exit_code, parser, run_pairs

from nemo_widgets.engine.launcher import ensure_engine
from nemo_widgets.engine.media import make_test_clip

HEADERS = {"X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9", "X-Skill-Platform": "bench"}


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
    assert dt is not None
    return dt


def latency(fn: Callable[[], float], pid: int) -> Callable[[], Timing]:
    """A side whose wall figure is the latency ``fn`` returns; CPU is ours plus the engine's."""

    def run() -> Timing:
        c0 = cpu_seconds([pid])
        wall = fn()
        return Timing(wall, cpu_seconds([pid]) - c0)

    return run


def health(c: httpx.Client) -> float:
    t0 = time.perf_counter()
    c.get("/health").raise_for_status()
    return time.perf_counter() - t0


def submit_to_processing(c: httpx.Client, sid: str, draft: dict) -> float:
    rid = f"render_{uuid.uuid4().hex}"
    t0 = time.perf_counter()
    c.post(
        "/api/render/proxy/lambda",
        json={"id": rid, "sessionId": sid, "draft": draft, "output": {"quality": "low"}},
    ).raise_for_status()
    while True:
        status = c.get(f"/api/render/proxy/lambda/{rid}").json()["status"]
        if status != "pending":
            break
    took = time.perf_counter() - t0
    while status not in ("completed", "failed", "cancelled"):  # untimed: no overlap
        time.sleep(0.05)
        status = c.get(f"/api/render/proxy/lambda/{rid}").json()["status"]
    return took


def main() -> int:
    ap = parser(__doc__, default_pairs=30)
    args = ap.parse_args()
    n = 5 if args.quick else max(5, args.pairs)
    renders = 5 if args.quick else max(5, n // 3)

    with tempfile.TemporaryDirectory(prefix="nemo-bench-") as tmp:
        root = Path(tmp)
        engine = ensure_engine(
            root / "engine",
            extra_args=["--ip-token-cap", "1000", "--anon-credits", "100000"],
            env={"NEMO_ENGINE_WARM": "0"},  # no speech here: the warm-up would only add noise
        )
        pid = engine.pid
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
                anchor = latency(lambda: health(c), pid)
                fb_help = run_pairs(
                    anchor, latency(lambda: first_byte(c, sid, "help"), pid), pairs=n
                )
                fb_tracks = run_pairs(
                    anchor, latency(lambda: first_byte(c, sid, "show tracks"), pid), pairs=n
                )
                to_processing = run_pairs(
                    anchor, latency(lambda: submit_to_processing(c, sid, draft), pid), pairs=renders
                )
        finally:
            engine.stop()
    ok = [
        fb_help.report(
            "first SSE byte ('help')", Goal("<=", 10, "wall"), anchor_name="GET /health",
            work_name="POST /run_sse",
        ),
        fb_tracks.report(
            "first SSE byte ('show tracks')", Goal("<=", 10, "wall"), anchor_name="GET /health",
            work_name="POST /run_sse",
        ),
        to_processing.report(
            "export submit -> processing", Goal("<=", 25, "wall"), anchor_name="GET /health",
            work_name="POST render + polls",
        ),
    ]  # fmt: skip
    return exit_code(*ok)


if __name__ == "__main__":
    raise SystemExit(main())
