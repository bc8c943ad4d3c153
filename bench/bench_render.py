"""Export cost: the engine's ``render_draft`` vs. the very same ffmpeg command run directly.

A 30 s 1920x1080 30 fps H.264/AAC clip (ffmpeg's ``testsrc2`` pattern and a tone) gets a 3 s
title and background music at 30 % with fades. The anchor is the exact argv ``render.py``
would run (``build_command``), timed with ``subprocess.run``; the engine run adds probing,
planning, the ASS file, progress parsing and the atomic rename. Target: engine <= 1.10x the
anchor. Also printed: the real-time factor (media seconds per wall second) on this machine.

Run: ``python bench/bench_render.py [--seconds 30] [--repeat 1]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from nemo_widgets.engine.media import make_test_clip, probe, run_ffmpeg
from nemo_widgets.engine.render import build_command, render_draft


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-render-") as tmp:
        folder = Path(tmp)
        t0 = time.perf_counter()
        files = make_inputs(folder, args.seconds)
        print(
            f"inputs: {args.seconds:.0f} s 1080p30 clip + music in {time.perf_counter() - t0:.1f} s"
        )
        resolve = lambda src: files.get(src.removeprefix("cdn://"))  # noqa: E731
        draft = make_draft(args.seconds)

        direct_times, engine_times = [], []
        for i in range(args.repeat):
            # anchor: the exact command render_draft would run, straight through subprocess
            work = folder / f"work{i}"
            work.mkdir()
            plan = build_command(draft, resolve, folder / f"direct{i}.mp4", work)
            t0 = time.perf_counter()
            subprocess.run(plan.argv, cwd=work, stdout=subprocess.DEVNULL, check=True)
            direct_times.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            result = render_draft(draft, resolve, folder / f"engine{i}.mp4")
            engine_times.append(time.perf_counter() - t0)

        out = probe(folder / "engine0.mp4")
        direct, engine = min(direct_times), min(engine_times)
        print(
            f"cpus: {os.cpu_count()}  output: {out.width}x{out.height} {out.duration_s} s "
            f"{out.video_codec}/{out.audio_codec} {result['size'] / 1e6:.1f} MB"
        )
        for name, took in (("direct ffmpeg (anchor)", direct), ("engine render_draft   ", engine)):
            print(f"{name}: {took:6.2f} s  real-time factor {args.seconds / took:.2f}x")
        ratio = engine / direct
        verdict = "OK" if ratio <= 1.10 else "over target"
        print(f"engine / direct       : {ratio:.3f}  (target <= 1.10: {verdict})")


if __name__ == "__main__":
    main()
