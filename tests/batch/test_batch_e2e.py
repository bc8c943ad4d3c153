"""Batch captioning end to end on a local cluster of two worker processes.

Real speech (the shared LibriVox clips), real recognition on the workers, the files parsed
back with pysubs2; bad inputs made here (0 bytes, corrupt, no audio, missing, too long).
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import cloudpickle
import pandas as pd
import pytest
from conftest import SPEECH, reference_words, speech_video, words_of

import nemo_widgets as nw

pytestmark = pytest.mark.slow

import batch_kit  # noqa: E402  (a test helper module, shipped to the workers by value)

cloudpickle.register_pickle_by_value(batch_kit)


def _overlap(got: list[str], want: list[str]) -> float:
    """Share of the reference words found, in order-free multiset terms."""
    pool = list(got)
    hits = 0
    for w in want:
        if w in pool:
            pool.remove(w)
            hits += 1
    return hits / len(want)


def _bad_inputs(folder: Path, make_clip) -> dict[str, Path]:
    empty = folder / "empty.mp4"
    empty.write_bytes(b"")
    corrupt = folder / "corrupt.mp4"
    corrupt.write_bytes(make_clip().read_bytes()[:3000])  # the header of an MP4, no data
    silent = make_clip(folder, seconds=2, audio=False, name="no_audio.mp4")
    return {"empty": empty, "corrupt": corrupt, "no_audio": silent}


def test_a_folder_is_captioned_bad_inputs_get_rows_and_a_rerun_does_no_work(
    dask_client, speech_dir, tmp_path, make_clip
):
    _bad_inputs(speech_dir, make_clip)
    out = tmp_path / "out"
    missing = tmp_path / "missing.mp4"
    url = f"file://{shutil.copy(SPEECH / 'jfk.flac', tmp_path / 'jfk.flac')}"
    inputs = [str(speech_dir), url, str(missing)]

    df = nw.caption_batch(
        inputs, lang="en", formats="srt,vtt", output=str(out), scheduler=dask_client,
        progress=None,
    )  # fmt: skip

    assert isinstance(df, pd.DataFrame)
    rows = df.set_index("name")
    assert list(rows.index) == [
        "corrupt", "empty", "no_audio",
        "sense_and_sensibility_01_austen_64kb-0880", "sense_and_sensibility_01_austen_64kb-0930",
        "jfk", "missing",
    ]  # fmt: skip
    speech = [f"sense_and_sensibility_01_austen_64kb-{n}" for n in ("0880", "0930")]
    heard, said = [], []
    for name in [*speech, "jfk"]:
        row = rows.loc[name]
        assert row.status == "done", row.error
        assert row.language == "en" and row.words > 0 and row.cues > 0
        assert row.recognise_s > 0 and row.total_s >= row.recognise_s
        assert sorted(Path(p).name for p in row.outputs) == [f"{name}.srt", f"{name}.vtt"]
        clip = SPEECH / (name + (".flac" if name == "jfk" else ".wav"))
        want = reference_words(clip)
        srt, vtt = words_of(out / f"{name}.srt"), words_of(out / f"{name}.vtt")
        assert srt == vtt and _overlap(srt, want) >= 0.6, (name, srt, want)
        heard += srt
        said += want
        assert (out / f"{name}.vtt").read_text().startswith("WEBVTT")
    assert _overlap(heard, said) >= 0.85, (heard, said)  # tiny.en: ~6 % WER on these
    assert abs(rows.loc["jfk"].duration_s - 11.0) < 0.5

    errors = rows[rows.status == "error"].error.to_dict()
    assert set(errors) == {"empty", "corrupt", "no_audio", "missing"}
    assert "empty (0 bytes)" in errors["empty"]
    assert "not a readable" in errors["corrupt"] and "re-export" in errors["corrupt"]
    assert "no audio stream" in errors["no_audio"]
    assert "no such file" in errors["missing"]
    # nothing half-written: no temporary names, no receipt or output for a failed input
    names = sorted(p.name for p in out.iterdir())
    assert not [n for n in names if n.startswith(".") or n.endswith(".part")], names
    assert not [n for n in names if n.split(".")[0] in errors], names
    assert len([n for n in names if n.endswith(".receipt.json")]) == 3
    stamps = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}

    again = nw.caption_batch(
        inputs, lang="en", formats="srt,vtt", output=str(out), scheduler=dask_client,
        progress=None, on_step=batch_kit.refuse_work,
    )  # fmt: skip
    rows2 = again.set_index("name")
    for name in [*speech, "jfk"]:
        assert rows2.loc[name].status == "skipped", rows2.loc[name].error
        assert rows2.loc[name].words == rows.loc[name].words
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == stamps  # nothing rewritten
    assert set(rows2[rows2.status == "error"].index) == set(errors)  # bad ones: still rows

    # other options make other files: the receipts no longer match, so the work is redone
    changed = nw.caption_batch(
        [str(speech_dir / f"{speech[0]}.wav")], lang="en", formats="srt,vtt", preset="bbc",
        output=str(out), scheduler=dask_client, progress=None,
    )  # fmt: skip
    assert changed.status.tolist() == ["done"]


def test_a_worker_killed_mid_file_has_the_file_retried_and_completed(
    dask_client, speech_dir, tmp_path
):
    marker = tmp_path / "killed.pid"
    target = "0930"
    hook = functools.partial(
        batch_kit.kill_worker_once, target=target, step_name="recognise", marker=str(marker)
    )
    before = set(dask_client.scheduler_info()["workers"])
    df = nw.caption_batch(
        str(speech_dir / "*.wav"), lang="en", formats=["srt"], output=str(tmp_path / "out"),
        scheduler=dask_client, progress=None, on_step=hook,
    )  # fmt: skip
    assert marker.is_file(), "the hook never killed a worker"
    assert df.status.tolist() == ["done", "done"], df.error.tolist()
    name = f"sense_and_sensibility_01_austen_64kb-{target}"
    row = df.set_index("name").loc[name]
    got = words_of(Path(row.outputs[0]))
    assert _overlap(got, reference_words(SPEECH / f"{name}.wav")) >= 0.6, got
    # the nanny replaced the killed worker: a new address joined
    dask_client.wait_for_workers(2, timeout=60)
    assert set(dask_client.scheduler_info()["workers"]) != before


def test_burned_in_mp4_and_metadata_and_the_limits(dask_client, tmp_path, make_clip):
    from nemo_widgets.engine.media import probe

    clip = SPEECH / "sense_and_sensibility_01_austen_64kb-0930.wav"
    video = speech_video(tmp_path / "talk.mp4", clip)
    audio = SPEECH / "sense_and_sensibility_01_austen_64kb-0880.wav"
    long = make_clip(tmp_path, seconds=4, name="long.mp4")
    out = tmp_path / "out"
    df = nw.caption_batch(
        [video, audio, long], lang="en", formats="ass", burn=True, metadata=True, ratio="9:16",
        style="boxed", quality="low", output=str(out), scheduler=dask_client, progress=None,
        max_duration_s=3.8,
    )  # fmt: skip
    rows = df.set_index("name")
    assert rows.loc["talk"].status == "done", rows.loc["talk"].error
    mp4 = out / "talk_captioned.mp4"
    info = probe(mp4)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert (info.width, info.height) == (1080, 1920)
    assert "Dialogue:" in (out / "talk.ass").read_text()
    import json

    meta = json.loads((out / "talk.metadata.json").read_text())
    assert meta["titles"] and "description" in meta and "tags" in meta
    assert rows.loc["talk"].burn_s > 0
    audio_row = rows.loc["sense_and_sensibility_01_austen_64kb-0880"]
    assert audio_row.status == "error" and "needs a video" in audio_row.error
    assert rows.loc["long"].status == "error" and "over the batch's" in rows.loc["long"].error
    assert not (out / "long.ass").exists()


def test_bad_options_are_refused_before_any_file_is_touched(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(ValueError, match="Unknown caption format 'docx'"):
        nw.caption_batch(str(tmp_path), formats="srt,docx", output=str(out), progress=None)
    with pytest.raises(ValueError, match=r"Klingon|not a language"):
        nw.caption_batch(str(tmp_path), lang="tlh", output=str(out), progress=None)
    with pytest.raises(ValueError, match="burn=True"):
        nw.caption_batch(str(tmp_path), ratio="9:16", output=str(out), progress=None)
    assert not out.exists()
