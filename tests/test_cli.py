"""The ``nemo-widgets`` console script against a real engine (the ``engine`` fixture).

Each case runs the installed console script in a subprocess, as a user would, pointed at the
test engine with ``--base-url``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from nemo_widgets import sample_path

BIN = Path(sys.executable).with_name("nemo-widgets")


def run_cli(
    *args: str,
    timeout: float = 240,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess:
    cmd = [str(BIN)] if BIN.exists() else [sys.executable, "-m", "nemo_widgets.cli"]
    return subprocess.run(
        [*cmd, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )


def test_caption_writes_srt_of_the_sample_clip(engine, tmp_path):
    clip = tmp_path / "jfk clip.mp4"  # a space in the name, as users' files have
    shutil.copyfile(sample_path("speech"), clip)
    out = tmp_path / "subs" / "jfk.srt"
    out.parent.mkdir()
    proc = run_cli("caption", str(clip), "--lang", "en", "--format", "srt", "-o", str(out),
                   "--base-url", engine.url)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(out)
    srt = out.read_text()
    assert srt.startswith("1\n00:00:0")
    assert "-->" in srt and "country" in srt.lower() and "fellow americans" in srt.lower()
    assert "> add captions in English" in proc.stderr  # what was asked is shown
    assert "uploading jfk clip.mp4" in proc.stderr
    assert not list(out.parent.glob("*.part")), "a temporary file was left behind"


def test_caption_starts_its_own_engine_and_stops_it(engine_env, tmp_path):
    # The newcomer's path: no --base-url, so the CLI starts an engine in --engine-dir.
    engine_dir = tmp_path / "engine"
    out = tmp_path / "speech.srt"
    proc = run_cli("caption", str(sample_path("speech")), "-o", str(out),
                   "--engine-dir", str(engine_dir))  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "connected to engine (http://127.0.0.1:" in proc.stderr
    assert "country" in out.read_text().lower()
    assert any(engine_dir.iterdir()), "the engine did not use --engine-dir"
    assert not (engine_dir / "engine.json").exists(), "the engine was left running"


def test_default_output_goes_to_the_current_folder_never_into_the_package(engine, tmp_path):
    # The README's first command: the sample lives inside the installed package.
    samples = sample_path("speech").parent
    before = sorted(p.name for p in samples.iterdir())
    proc = run_cli("caption", str(sample_path("speech")), "--format", "srt", "-q",
                   "--base-url", engine.url, cwd=tmp_path)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(tmp_path / "speech.srt")
    assert "-->" in (tmp_path / "speech.srt").read_text()
    assert sorted(p.name for p in samples.iterdir()) == before, "wrote into the package"


def test_caption_format_follows_the_output_suffix(engine, tmp_path):
    out = tmp_path / "speech.vtt"
    proc = run_cli("caption", str(sample_path("speech")), "-o", str(out), "-q",
                   "--base-url", engine.url)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("WEBVTT")
    assert proc.stderr == "", "--quiet printed progress"
    # -o an existing folder: the default name inside it (was a raw "[Errno 21] Is a directory"
    # after the credits were spent)
    folder = tmp_path / "subs"
    folder.mkdir()
    proc = run_cli("caption", str(sample_path("speech")), "-o", str(folder), "--format", "ass",
                   "-q", "--base-url", engine.url)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(folder / "speech.ass")
    assert "Dialogue:" in (folder / "speech.ass").read_text()
    assert [p.name for p in tmp_path.glob("**/*.part")] == []


@pytest.mark.slow
def test_caption_burn_exports_an_mp4_with_a_progress_line(engine, tmp_path):
    out = tmp_path / "burned.mp4"
    proc = run_cli("caption", str(sample_path("speech")), "--burn", "--style", "boxed",
                   "--quality", "low", "-o", str(out), "--base-url", engine.url)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    from nemo_widgets.engine.media import probe

    info = probe(out)
    assert info.video_codec == "h264" and info.has_audio and abs(info.duration_s - 11) < 0.5
    assert "make the captions boxed style" in proc.stderr
    assert "completed" in proc.stderr and "100%" in proc.stderr


def test_missing_file_exits_2_and_says_what_to_do(engine, tmp_path):
    out = tmp_path / "never.srt"
    proc = run_cli("caption", str(tmp_path / "nope.mp4"), "-o", str(out), "--base-url", engine.url)
    assert proc.returncode == 2
    assert "no such file" in proc.stderr and "nemo-widgets sample speech" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_unsupported_type_exits_2_before_anything_is_sent(engine, tmp_path):
    doc = tmp_path / "notes.docx"
    doc.write_bytes(b"PK\x03\x04 not a video")
    proc = run_cli("caption", str(doc), "--base-url", engine.url)
    assert proc.returncode == 2
    assert "unsupported file type" in proc.stderr and "mp4" in proc.stderr
    assert "ffmpeg -i notes.docx notes.mp4" in proc.stderr
    assert "connected" not in proc.stderr  # rejected before connecting
    assert not (tmp_path / "notes.srt").exists()


def test_conflicting_outputs_exit_2(engine, tmp_path):
    clip = str(sample_path("speech"))
    url = engine.url
    proc = run_cli("caption", clip, "--burn", "-o", str(tmp_path / "x.srt"), "--base-url", url)
    assert proc.returncode == 2 and "use -o x.mp4" in proc.stderr
    proc = run_cli("caption", clip, "-o", str(tmp_path / "x.mp4"), "--base-url", url)
    assert proc.returncode == 2 and "add --burn" in proc.stderr
    proc = run_cli("caption", clip, "--format", "docx")
    assert proc.returncode == 2 and "invalid choice" in proc.stderr


def test_speechless_clip_fails_with_the_agents_reason(engine, tmp_path, make_clip):
    clip = make_clip(tmp_path, seconds=2, size="320x240", audio=True, name="tone.mp4")
    out = tmp_path / "tone.srt"
    proc = run_cli("caption", str(clip), "-o", str(out), "--base-url", engine.url)
    assert proc.returncode == 1, proc.stderr
    assert "speech" in proc.stderr.lower()
    assert "Traceback" not in proc.stderr
    assert not out.exists()


def test_unreachable_cloud_exits_1_with_a_message(engine_env, tmp_path):
    # NEMO_API_URL points --cloud at a closed local port: no request leaves the machine.
    out = tmp_path / "x.srt"
    proc = run_cli("caption", str(sample_path("speech")), "--cloud", "-o", str(out),
                   env={"NEMO_API_URL": "http://127.0.0.1:9"}, timeout=120)  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    assert "Cannot reach http://127.0.0.1:9" in proc.stderr and "Traceback" not in proc.stderr
    assert not out.exists()


def test_prompt_prints_a_storyboard(engine):
    proc = run_cli("prompt", "a lighthouse keeper's last night before automation",
                   "--json", "--base-url", engine.url)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    import json

    board = json.loads(proc.stdout)
    assert board["scenes"], board
    assert "lighthouse" in json.dumps(board).lower()


def test_metadata_prints_titles_and_tags(engine):
    proc = run_cli("metadata", str(sample_path("speech")), "--base-url", engine.url)
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout.lower()
    assert "title" in text and "tag" in text and "country" in text


def test_sample_and_help_need_no_engine():
    proc = run_cli("sample", "music")
    assert proc.returncode == 0 and proc.stdout.strip().endswith("music.m4a")
    proc = run_cli("sample", "nope")
    assert proc.returncode == 2 and "speech" in proc.stderr
    proc = run_cli()
    assert proc.returncode == 2 and "caption" in proc.stderr
    proc = run_cli("engine", "--port", "99999")  # refused by argparse: no bind() traceback
    assert proc.returncode == 2 and "use 0-65535" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("--version")
    assert proc.returncode == 0 and "nemo-widgets" in proc.stdout
