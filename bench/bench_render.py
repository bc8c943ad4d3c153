"""Export cost: the engine's ``render_draft`` vs. the very same ffmpeg command run directly.

What: a 30 s 1920x1080 30 fps H.264/AAC clip (ffmpeg's ``testsrc2`` pattern and a tone) gets a
3 s title and background music at 30 % with fades. Anchor: the exact argv ``render.py`` runs
(``build_command``, planned once before the clock) through ``subprocess.run``; the engine run
adds probing, planning, the ASS file, progress parsing and the atomic rename. Interleaved A/B
pairs (the anchor first in every other pair), CPU including ffmpeg's (a waited-for child) and
wall, median of the per-pair ratios.

Goal: engine CPU <= 1.10x the anchor. Also printed: the real-time factor on this machine.

Run: ``python bench/bench_render.py [--seconds 30] [--pairs 5] [--quick]`` (``--quick``: 5 s).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from _pairs import Goal, exit_code, pairs_from, parser, run_pairs

from nemo_widgets.engine.media import make_test_clip, probe, run_ffmpeg
from nemo_widgets.engine.render import build_command, render_draft

GOAL = 1.10


def make_inputs(folder: Path, seconds: float) -> dict[str, Path]:
    clip = make_test_clip(folder / "clip.mp4", seconds, (1920, 1080), 30, tone_hz=440)
    music = folder / "music.mp3"
    proc = run_ffmpeg(
        [
            "-y",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=660:duration={seconds}",
            str(music),
        ]
    )
    assert proc.returncode == 0, proc.stderr
    return {"clip": clip, "music": music}


def make_draft(seconds: float) -> dict:
    ms = int(seconds * 1000)
    return {
        "d": ms,
        "m": {"title": "bench", "width": 1920, "height": 1080, "fps": 30, "ratio": "16:9"},
        "t": [
            {
                "id": "v",
                "tt": 0,
                "k": "video",
                "sg": [{"id": "s", "st": 0, "et": ms, "so": 0, "src": "cdn://clip"}],
            },
            {
                "id": "a",
                "tt": 1,
                "k": "music",
                "sg": [
                    {"st": 0, "et": ms, "src": "cdn://music", "vol": 0.3, "fi": 1000, "fo": 2000}
                ],
            },
            {
                "id": "t",
                "tt": 7,
                "k": "title",
                "sg": [
                    {
                        "st": 0,
                        "et": 3000,
                        "txt": "Urban Dreams",
                        "sty": {"color": "#FFFFFF", "pos": "top-center", "anim": "fade-in"},
                    }
                ],
            },
        ],
    }


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the test clip")
    args = ap.parse_args()
    seconds = 5.0 if args.quick else args.seconds

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        files = make_inputs(folder, seconds)
        print(f"inputs: {seconds:.0f} s 1080p30 clip + music in {time.perf_counter() - t0:.1f} s")
        resolve = lambda src: files.get(src.removeprefix("cdn://"))  # noqa: E731
        draft = make_draft(seconds)
        # anchor: the exact command render_draft runs, planned once, run straight through
        work_dir = folder / "work"
        work_dir.mkdir()
        plan = build_command(draft, resolve, folder / "direct.mp4", work_dir)
        results: list[dict] = []

        def direct() -> None:
            subprocess.run(plan.argv, cwd=work_dir, stdout=subprocess.DEVNULL, check=True)

        def engine() -> None:
            results.append(render_draft(draft, resolve, folder / "engine.mp4"))

        pairs = run_pairs(direct, engine, pairs=pairs_from(args))
        out = probe(folder / "engine.mp4")
    print(f"cpus: {os.cpu_count()}  output: {out.width}x{out.height} {out.duration_s} s "
          f"{out.video_codec}/{out.audio_codec} {results[-1]['size'] / 1e6:.1f} MB")  # fmt: skip
    ok = pairs.report(
        f"render {seconds:g} s 1080p", Goal("<=", GOAL, "cpu"), anchor_name="ffmpeg argv directly",
        work_name="render_draft",
    )  # fmt: skip
    wall = statistics.median(t.wall for t in pairs.work)
    print(f"  real-time factor of render_draft: {seconds / wall:.2f}x (media s per wall s)")
    return exit_code(ok)


if __name__ == "__main__":
    raise SystemExit(main())
