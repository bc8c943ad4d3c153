"""The batch's parts without a cluster: inputs, sizing, receipts, the progress view."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest

from nemo_widgets.batch.cluster import LocalSize
from nemo_widgets.batch.options import BatchOptions, expand_inputs
from nemo_widgets.batch.progress import BatchProgress
from nemo_widgets.batch.work import Folder, finished_row, input_fingerprint


def test_inputs_from_folders_patterns_urls_and_missing_files_each_get_one_row(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    for p in (a / "intro.mp4", a / "notes.txt", b / "intro.mp4", b / "talk.wav"):
        p.write_bytes(b"x")
    items = expand_inputs([str(a), str(b / "*.wav"), f"file://{b / 'intro.mp4'}", "gone.mp4"])
    assert [(i.name, i.problem is None) for i in items] == [
        ("intro", True), ("talk", True), ("intro", False), ("gone", True),
    ]  # fmt: skip
    assert items[0].source == str(a / "intro.mp4")  # folders: their media files only
    assert "already writes the outputs named 'intro'" in items[2].problem
    assert items[3].source == str(Path.cwd() / "gone.mp4")  # reported by the worker
    nothing = expand_inputs(str(tmp_path / "*.mov"))
    assert nothing[0].problem.startswith("No files match")
    with pytest.raises(ValueError, match="No inputs"):
        expand_inputs([])


@pytest.mark.parametrize(
    ("cores", "workers", "want"), [(1, None, (1, 1)), (2, None, (2, 1)), (8, None, (4, 2)),
                                   (16, None, (8, 2)), (8, 2, (2, 4))],
)  # fmt: skip
def test_a_local_cluster_shares_the_cores_between_worker_processes(cores, workers, want):
    size = LocalSize.for_machine(workers, cores=cores)
    assert (size.workers, size.threads) == want


@pytest.mark.parametrize("as_url", [False, True], ids=["path", "file-url"])
def test_a_receipt_counts_only_when_every_output_is_whole_and_newer(tmp_path, as_url):
    clip = tmp_path / "talk.wav"
    clip.write_bytes(b"RIFF....")
    where = f"file://{tmp_path / 'out'}" if as_url else str(tmp_path / "out")
    options = BatchOptions(language="en", formats=("srt",), output=where).checked()
    assert finished_row(str(clip), "talk", options) is None  # never captioned
    folder = Folder(options.output)
    folder.ensure()
    srt = b"1\n00:00:00,000 --> 00:00:01,000\nhi\n"
    folder.write("talk.srt", srt)

    receipt = {
        "version": 1, "input": str(clip), "input_fingerprint": input_fingerprint(str(clip)),
        "options": options.digest(), "outputs": {"talk.srt": len(srt)}, "row": {"words": 1},
    }  # fmt: skip
    folder.write("talk.receipt.json", json.dumps(receipt).encode())
    source = f"file://{clip}" if as_url else str(clip)
    assert finished_row(source, "talk", options)["status"] == "skipped"
    other = BatchOptions(language="en", preset="bbc", output=options.output).checked()
    assert finished_row(str(clip), "talk", other) is None  # other options: redone
    (tmp_path / "out" / "talk.srt").write_bytes(b"1\n")  # cut short
    assert finished_row(str(clip), "talk", options) is None
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_the_terminal_view_prints_a_line_per_finished_file_and_a_summary():
    out = io.StringIO()
    view = BatchProgress(["a", "b", "c"], "terminal", stream=out)
    view.set("a", "running")
    view.set("a", "done")
    view.set("b", "error", "b.mp4 is empty (0 bytes)")
    view.set("c", "skipped")
    view.close()
    lines = out.getvalue().splitlines()
    assert lines[:3] == [
        "[1/3] done    a", "[2/3] error   b: b.mp4 is empty (0 bytes)", "[3/3] skipped c",
    ]  # fmt: skip
    assert re.match(r"\[#+\] 3/3 files · 1 skipped · 1 failed · \d+:\d\d$", lines[-1])


def test_the_notebook_view_draws_with_the_notebook_theme():
    view = BatchProgress(["intro", "talk"], None)
    view.set("intro", "done")
    view.set("talk", "running")
    page = view._html()
    assert "intro" in page and "▶ running" in page and "✓ done" in page
    colours = re.findall(r"(?:color|background):([^;\"]+)", page)
    assert colours and all(c.startswith("var(--jp-") for c in colours), colours
    assert "ETA" in page


def test_dask_is_imported_only_when_a_batch_runs_on_it():
    import subprocess
    import sys

    code = (
        "import sys, nemo_widgets as nw, nemo_widgets.batch; nw.caption_batch; "
        "print(sorted(m for m in ('distributed', 'dask', 'fsspec') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
