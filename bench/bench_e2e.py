"""End to end: upload -> captions -> export -> downloaded, on the bundled sample, vs the raw steps.

What: on one real engine (temporary data dir, started and settled once, so its start-up
warm-up is not in any run), each run opens a new session (untimed) and then, timed, does what
a notebook user does: ``aupload(sample_path("speech"))``, ``achat("add captions in English")``,
``aexport()`` (default quality) and ``adownload`` of the finished MP4. CPU: this process plus
the engine process and its waited-for children (ffmpeg); wall time.

Anchor, the sum of the raw steps by hand in this process: copy the file (the upload), the
same recognition with faster-whisper and the models already loaded (base tells the language,
tiny.en recognises, the engine's pure cue functions build the cues; see
``bench_recognition.py``), and the render's ffmpeg command run directly (the argv
``engine.render.build_command`` makes for that session's draft, built once before the
clock, its ASS file and fonts included). Interleaved A/B pairs, median of per-pair ratios.

Goal (issue 15): CPU <= 1.2x the anchor.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_e2e.py [--pairs 5] [--quick]``.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
from _pairs import Goal, Timing, cpu_seconds, exit_code, pairs_from, parser, run_pairs
from bench_recognition import FIRST_MESSAGE, by_hand, settle

os.environ.setdefault("HF_HUB_OFFLINE", "1")
GOAL = 1.2


class UserRun:
    """One engine, and the user's whole path on it in a new session each time."""

    def __init__(self, root: Path) -> None:
        from nemo_widgets.engine.launcher import ensure_engine

        self.root = root
        self.engine = ensure_engine(root / "engine", extra_args=["--anon-credits", "100000"])
        self.settled = settle(self.engine.pid)
        self.loop = asyncio.new_event_loop()
        self.last_draft: dict[str, Any] = {}
        self.runs = 0

    def __call__(self) -> Timing:
        from nemo_widgets import aconnect, sample_path

        self.runs += 1
        folder = self.root / f"run{self.runs}"
        folder.mkdir()
        run = self.loop.run_until_complete
        s = run(aconnect(self.engine.url, store_dir=folder / "client"))
        pids = [self.engine.pid]
        c0, w0 = cpu_seconds(pids), time.perf_counter()
        run(s.aupload(sample_path("speech")))
        reply = run(s.achat(FIRST_MESSAGE))
        job = run(s.aexport())
        out = run(job.adownload(folder))
        took = Timing(time.perf_counter() - w0, cpu_seconds(pids) - c0)
        assert "cue" in reply.text.lower(), reply.text
        assert out.stat().st_size > 0, out
        self.last_draft = run(s._client.state(s.session_id))["state"]["draft"]
        run(s.aclose())
        shutil.rmtree(folder)
        return took

    def close(self) -> None:
        self.loop.close()
        self.engine.stop()


def raw_steps(folder: Path, draft: dict[str, Any]) -> Any:
    """Copy, recognise + cues with faster-whisper, then the render's own ffmpeg argv."""
    from nemo_widgets import sample_path
    from nemo_widgets.engine.render import build_command

    sample = sample_path("speech")
    copy = folder / "upload" / sample.name
    copy.parent.mkdir()
    shutil.copyfile(sample, copy)
    work = folder / "render-work"
    work.mkdir()
    plan = build_command(draft, lambda src: copy, folder / "out.mp4", work)
    detections: list[Timing] = []
    captions = by_hand(copy, detections)

    def run() -> None:
        shutil.copyfile(sample, copy)
        captions()
        subprocess.run(plan.argv, cwd=work, stdout=subprocess.DEVNULL, check=True)

    return run


def main() -> int:
    args = parser(__doc__).parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        root = Path(tmp)
        user = UserRun(root / "engine-side")
        try:
            user()  # untimed: the first session's path, and the draft the anchor renders
            anchor_dir = root / "by-hand"
            anchor_dir.mkdir()
            anchor = raw_steps(anchor_dir, user.last_draft)
            anchor()
            result = run_pairs(anchor, user, pairs=pairs_from(args), warmup=False)
        finally:
            user.close()
    print('upload -> "add captions in English" -> export -> downloaded, speech.mp4 (11 s)')
    ok = result.report(
        "end to end",
        Goal("<=", GOAL, "cpu"),
        anchor_name="raw steps by hand",
        work_name="Session",
    )
    return exit_code(ok)


if __name__ == "__main__":
    raise SystemExit(main())
