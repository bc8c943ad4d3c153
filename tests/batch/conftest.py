"""One local Dask cluster of two worker processes for the batch tests, and their inputs."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

# Nothing may download a model in tests (the worker processes inherit this).
os.environ["HF_HUB_OFFLINE"] = "1"

SPEECH = Path(__file__).resolve().parents[1] / "data" / "speech"
#: The two shortest clips (3.0 and 3.3 s): the batch tests stay quick on two cores.
CLIPS = (
    "sense_and_sensibility_01_austen_64kb-0880.wav",
    "sense_and_sensibility_01_austen_64kb-0930.wav",
)


@pytest.fixture(scope="session")
def dask_client() -> Iterator[object]:
    """A LocalCluster with 2 worker processes (nannies restart a killed one), 1 thread each."""
    distributed = pytest.importorskip("distributed")
    import logging

    cluster = distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()


def reference_words(clip: Path) -> list[str]:
    return clip.with_suffix(".txt").read_text().lower().split()


@pytest.fixture
def speech_dir(tmp_path: Path) -> Path:
    """A folder with copies of the short speech clips."""
    folder = tmp_path / "clips"
    folder.mkdir()
    for name in CLIPS:
        shutil.copy(SPEECH / name, folder / name)
    return folder


def speech_video(path: Path, clip: Path) -> Path:
    """An MP4 with a test picture and the clip's speech as its sound."""
    from nemo_widgets.engine.media import run_ffmpeg

    proc = run_ffmpeg(
        ["-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=15", "-i", str(clip),
         "-shortest", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
         "-c:a", "aac", str(path)]
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-500:]
    return path


def words_of(srt_or_vtt: Path) -> list[str]:
    import re

    import pysubs2

    subs = pysubs2.load(str(srt_or_vtt))
    text = " ".join(ev.plaintext for ev in subs)
    return re.sub(r"[^\w' ]+", " ", text.lower()).split()
