"""Benchmark: a batch of 8 speech clips on a local Dask cluster against the same 8, one by one.

What: ``nw.caption_batch`` (English, SRT + VTT) of 8 clips (the 5 LibriVox clips and JFK of
``tests/data/speech``, two of them twice under other names) on a LocalCluster of 2 worker
processes, 1 recognition thread each, the model preloaded on each worker.

Anchor: the same 8 files through the same per-file pipeline (``batch.work.caption_file``),
one after the other in this one process, with the same total recognition threads (2), the
model loaded before the clock. Interleaved A/B pairs (``_pairs.py``), median of >= 5.

Goals:

* throughput (anchor wall / batch wall) >= 1.2x: probe (ffmpeg), VAD, alignment and file
  writing of one file overlap the recognition of another;
* scheduler overhead per file < 50 ms: the busiest worker's idle time between its files
  (batch wall minus the sum of its files' own step times), per file it captioned;
* peak memory (max RSS) of each worker process, reported (no goal).

Growth with workers (the bench also runs 1 worker with 2 threads in full mode): on 2 cores
a second worker process overlaps one file's single-threaded steps (ffmpeg decode, Silero VAD,
PocketSphinx alignment, Python) with the other's recognition; recognition itself scales
little past 2 threads per model on these short files. On a bigger machine throughput grows
about linearly with worker processes until the cores are used (one per core up to 4, then
one per 2 cores, as the local cluster is sized), and beyond one machine with the workers of
a real cluster (every worker loads its own model once, ~150-300 MB each); the fixed costs
per batch (starting a local cluster, ~2-4 s, and loading a model per worker) are outside the
per-file figures, so short batches gain less.

Measured on 2026-12-02, full run on a quiet 2-core machine (load ~1.5): anchor wall 5.27 s /
CPU 7.19 s, batch wall 4.19 s (workers' CPU 7.60 s): throughput 1.240x, met; scheduler overhead
7.1 ms per file, met; peak memory 373 MB per worker (the anchor process: 433 MB). One worker
with 2 threads: 0.718x. On a machine saturated by other jobs (load 4-10) no core is idle for
the overlap to use, and throughput falls to the ratio of CPU per batch (0.71-0.92x measured).

Run: ``.venv/bin/python bench/bench_batch.py [--quick] [--pairs N]``
(``--quick``: 5 pairs, and no 1-worker run). On a busy machine the figures measure the
neighbours; run it on a quiet one.
"""

from __future__ import annotations

import logging
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
SPEECH = ROOT / "tests" / "data" / "speech"
THREADS = 2  # total recognition threads on each side
WORKERS = 2
THROUGHPUT_GOAL = 1.2
OVERHEAD_GOAL_MS = 50.0


def clips(folder: Path, n: int = 8) -> list[Path]:
    sources = [*sorted(SPEECH.glob("*.wav")), SPEECH / "jfk.flac"]
    out = []
    for i in range(n):
        src = sources[i % len(sources)]
        dst = folder / f"clip_{i + 1:02d}{src.suffix}"
        shutil.copy(src, dst)
        out.append(dst)
    return out


def _cpu_s() -> float:
    """This process's CPU seconds, with its waited-for children's (ffmpeg)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def overhead_ms(frame) -> float:
    """Idle time of the busiest worker between its files, per file it did (ms)."""
    busy = frame.groupby("worker").total_s.agg(["sum", "count"])
    top = busy.sort_values("sum").iloc[-1]
    return max(0.0, (frame.attrs["wall_s"] - top["sum"]) / top["count"] * 1000)


def main() -> int:
    from _pairs import Goal, pairs_from, parser, run_pairs

    args = parser(__doc__).parse_args()
    pairs = pairs_from(args)
    os.environ["NEMO_WHISPER_THREADS"] = str(THREADS)  # the anchor's model: 2 threads

    import distributed

    import nemo_widgets as nw
    from nemo_widgets.batch.cluster import SpeechModelPerWorker, _warm
    from nemo_widgets.batch.options import BatchOptions
    from nemo_widgets.batch.work import caption_file

    tmp = Path(tempfile.mkdtemp(prefix="bench-batch-"))
    try:
        inputs = clips(tmp)
        options = BatchOptions(language="en", formats=("srt", "vtt"), output=str(tmp)).checked()
        _warm("en")  # the anchor's model, loaded and run once before the clock

        def start(workers: int) -> tuple[distributed.LocalCluster, distributed.Client, float]:
            t0 = time.perf_counter()
            cluster = distributed.LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                silence_logs=logging.ERROR,
            )
            client = distributed.Client(cluster)
            client.register_plugin(
                SpeechModelPerWorker("en", THREADS // workers), name=SpeechModelPerWorker.name
            )
            return cluster, client, time.perf_counter() - t0

        runs = {"n": 0}

        def anchor() -> None:
            runs["n"] += 1
            out = tmp / f"anchor-{runs['n']}"
            opts = BatchOptions(**{**options.__dict__, "output": str(out)})
            for clip in inputs:
                row = caption_file(str(clip), clip.stem, opts)
                assert row["status"] == "done", row["error"]

        worker_cpu: list[float] = []

        def batch_on(client: distributed.Client, frames: list) -> None:
            runs["n"] += 1
            before = client.run(_cpu_s)
            df = nw.caption_batch(
                [str(c) for c in inputs], lang="en", formats="srt,vtt", progress=None,
                output=str(tmp / f"batch-{runs['n']}"), scheduler=client,
            )  # fmt: skip
            after = client.run(_cpu_s)
            assert (df.status == "done").all(), df.error.tolist()
            frames.append(df)
            worker_cpu.append(sum(after[w] - before.get(w, 0.0) for w in after))

        cluster, client, startup = start(WORKERS)
        frames: list = []
        try:
            print(f"{len(inputs)} clips, {sum(_dur(c) for c in inputs):.0f} s of speech")
            print(f"local cluster of {WORKERS} workers started in {startup:.1f} s (not timed)")
            result = run_pairs(anchor, lambda: batch_on(client, frames), pairs=pairs)
            ok = result.report(
                f"8 clips: {WORKERS} workers x {THREADS // WORKERS} thread vs 1 process x "
                f"{THREADS} threads",
                Goal(">=", THROUGHPUT_GOAL, "throughput"),
                anchor_name="one after another",
            )
            timed = frames[1:]  # the first was the warm-up
            work_s = statistics.median(f.total_s.sum() for f in timed)
            print(f"  files' own time on the workers (sum of total_s): {work_s:.2f} s a batch")
            cpu = statistics.median(worker_cpu[1:])
            print(
                f"  CPU of the workers: {cpu:.2f} s a batch (with the client's: "
                f"{cpu + statistics.median(t.cpu for t in result.work):.2f} s; the anchor's: "
                f"{statistics.median(t.cpu for t in result.anchor):.2f} s)"
            )
            per_file = statistics.median(overhead_ms(f) for f in timed)
            met = per_file < OVERHEAD_GOAL_MS
            print(
                f"scheduler overhead per file: {per_file:.1f} ms (median of {len(timed)} "
                f"batches) -> goal < {OVERHEAD_GOAL_MS:.0f} ms {'met' if met else 'NOT met'}"
            )
            ok &= met
            peaks = client.run(_max_rss_mb)
            for worker, mb in sorted(peaks.items()):
                print(f"peak memory of worker {worker}: {mb:.0f} MB")
            print(f"peak memory of the one-process anchor: {_max_rss_mb():.0f} MB")
        finally:
            client.close()
            cluster.close()

        if not args.quick:
            cluster, client, startup = start(1)
            try:
                one = run_pairs(anchor, lambda: batch_on(client, []), pairs=pairs)
                one.report(
                    f"8 clips: 1 worker x {THREADS} threads vs 1 process x {THREADS} threads",
                    anchor_name="one after another",
                )
                print(f"  throughput ratio with 1 worker: {one.ratio('throughput'):.3f}x")
            finally:
                client.close()
                cluster.close()
        return 0 if ok else 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _dur(path: Path) -> float:
    from nemo_widgets.engine.media import probe

    return probe(path, verify=False).duration_s or 0.0


if __name__ == "__main__":
    sys.exit(main())
