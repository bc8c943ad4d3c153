"""``nemo-widgets batch``: on an existing cluster (--scheduler), exit codes, bad options."""

from __future__ import annotations

import pytest
from conftest import SPEECH, words_of

from nemo_widgets.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main

pytestmark = pytest.mark.slow


def test_batch_on_an_existing_scheduler_writes_each_format_and_says_what_failed(
    dask_client, tmp_path, capsys
):
    clip = SPEECH / "sense_and_sensibility_01_austen_64kb-0880.wav"
    out = tmp_path / "out"
    address = dask_client.scheduler.address
    opts = ["--lang", "en", "--format", "srt,vtt", "-o", str(out), "--scheduler", address, "-q"]
    assert main(["batch", str(clip), *opts]) == EXIT_OK
    printed = capsys.readouterr().out
    assert f"done     {clip}" in printed
    assert "he was not" in " ".join(words_of(out / f"{clip.stem}.srt"))
    assert (out / f"{clip.stem}.vtt").read_text().startswith("WEBVTT")

    missing = tmp_path / "lecture_03.mp4"
    code = main(["batch", str(clip), str(missing), *opts])
    assert code == EXIT_FAILED
    captured = capsys.readouterr()
    assert f"skipped  {clip}" in captured.out  # finished last time: not redone
    assert "error    " in captured.out and "lecture_03.mp4: no such file" in captured.out
    assert "1 of 2 captioned or already done, 1 failed" in captured.err


def test_bad_options_exit_2_before_any_work(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["batch", str(tmp_path), "--format", "srt,docx", "-o", str(out)]) == EXIT_USAGE
    assert "Unknown caption format 'docx'" in capsys.readouterr().err
    code = main(["batch", str(tmp_path), "--cloud", "--scheduler", "tcp://x:8786"])
    assert code == EXIT_USAGE
    assert not out.exists()
