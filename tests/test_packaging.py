"""What a newcomer gets: the wheel installs into a clean venv, and ``make lab`` works from a clone.

The two slow tests install for real (``python -m venv`` + ``pip install``; pip reuses its cache,
so only the first run downloads). The fast tests check the bundled samples and the Binder files.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOK = "notebooks/01_quickstart.ipynb"
# Room for a first run that downloads every dependency; later runs reuse pip's cache.
INSTALL_TIMEOUT_S = 1500


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, *, headers: dict[str, str] | None = None, timeout: float = 5.0) -> bytes:
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=timeout) as resp:
        return resp.read()


def _run(cmd: list[str], *, cwd: Path | None = None, timeout: float = INSTALL_TIMEOUT_S) -> str:
    proc = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert proc.returncode == 0, f"{cmd} failed ({proc.returncode}):\n{proc.stderr[-3000:]}"
    return proc.stdout


# ---------------------------------------------------------------------------------------------
# fast: samples and Binder
# ---------------------------------------------------------------------------------------------
def test_samples_are_small_real_media_with_a_licence_note():
    from nemo_widgets import sample_path
    from nemo_widgets.engine.media import probe
    from nemo_widgets.samples import SAMPLES, samples

    folder = ROOT / "nemo_widgets" / "samples"
    total = sum(p.stat().st_size for p in folder.iterdir() if p.is_file())
    assert total < 4 * 2**20, f"samples are {total / 2**20:.1f} MB; keep them a few MB"
    assert set(samples()) == set(SAMPLES)

    speech = probe(sample_path("speech"))
    assert speech.file_type == "video" and speech.has_audio
    assert (speech.width, speech.height) == (1280, 720)
    assert 10.5 < speech.duration_s < 11.5
    assert (speech.video_codec, speech.audio_codec) == ("h264", "aac")
    reading = probe(sample_path("reading.mp4"))
    assert (reading.width, reading.height) == (720, 1280) and reading.has_audio
    music = probe(sample_path("music"))
    assert music.file_type == "audio" and 19 < music.duration_s < 21

    note = (folder / "README.md").read_text()
    for must in ("public domain", "openai/whisper", "LibriVox", "aevalsrc", "speech.mp4"):
        assert must in note
    assert "country" in sample_path("speech-script").read_text()
    with pytest.raises(KeyError, match="speech"):
        sample_path("nope")


def test_binder_installs_the_repo_and_opens_the_quickstart():
    req = (ROOT / "binder" / "requirements.txt").read_text().splitlines()
    lines = [line.strip() for line in req if line.strip() and not line.startswith("#")]
    # the repository itself, with the front ends at the versions the widgets are tested with
    found = [re.fullmatch(r"\.\[(.*)\]", line) for line in lines]
    extras = [{x.strip() for x in m.group(1).split(",")} for m in found if m]
    assert extras and {"jupyter", "batch"} <= extras[0], (
        "binder must install the repository with its jupyter extra (and batch, for notebook 06)"
    )
    extra = re.search(r"^jupyter = \[(.*)\]$", (ROOT / "pyproject.toml").read_text(), re.M)
    assert extra and "jupyterlab" in extra.group(1) and "notebook" in extra.group(1)
    assert re.fullmatch(r"python-3\.1[0-9]\s*", (ROOT / "binder" / "runtime.txt").read_text())
    readme = (ROOT / "README.md").read_text()
    binder = "mybinder.org/v2/gh/nemo-widgets/nemo-widgets/HEAD?urlpath=lab/tree/" + NOTEBOOK
    assert binder in readme
    assert f"colab.research.google.com/github/nemo-widgets/nemo-widgets/blob/main/{NOTEBOOK}" in (
        readme
    )
    assert (ROOT / NOTEBOOK).is_file()


# ---------------------------------------------------------------------------------------------
# slow: the wheel in a clean venv
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(INSTALL_TIMEOUT_S + 120)
def test_wheel_installs_into_a_clean_venv_with_frontend_samples_and_engine(tmp_path):
    dist = tmp_path / "dist"
    _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         str(ROOT), "-w", str(dist)],
        timeout=300,
    )  # fmt: skip
    (wheel,) = dist.glob("nemo_widgets-*.whl")
    # The upload picker's server extension is switched on by a config file in the wheel's data.
    config = "etc/jupyter/jupyter_server_config.d/nemo_widgets.json"
    with zipfile.ZipFile(wheel) as whl:
        (entry,) = [n for n in whl.namelist() if n.endswith(config)]
        assert entry.startswith("nemo_widgets-0.1.0.data/data/"), entry
        enabled = json.loads(whl.read(entry))["ServerApp"]["jpserver_extensions"]
    assert enabled == {"nemo_widgets.upload_server": True}
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    py = venv / "bin" / "python"
    # jupyter_server: what any Jupyter front end brings along (the picker works without it)
    _run(
        [str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel),
         "jupyter_server"]
    )  # fmt: skip

    # Run from an empty folder so the source tree cannot be imported by accident.
    work = tmp_path / "elsewhere"
    work.mkdir()
    out = _run(
        [str(py), "-c", (
            "import json, pathlib, nemo_widgets as nw\n"
            "pkg = pathlib.Path(nw.__file__).parent\n"
            "print(json.dumps({'file': nw.__file__,\n"
            "  'js': sorted(p.name for p in (pkg / 'static').glob('*.js')),\n"
            "  'speech': str(nw.sample_path('speech')),\n"
            "  'size': nw.sample_path('speech').stat().st_size}))\n"
        )],
        cwd=work,
        timeout=120,
    )  # fmt: skip
    info = json.loads(out.strip().splitlines()[-1])
    assert str(venv) in info["file"], info
    assert info["js"], "no front-end files (nemo_widgets/static/*.js) in the wheel"
    assert info["size"] > 100_000 and str(venv) in info["speech"]
    assert (venv / "bin" / "nemo-widgets").exists()
    # A fresh install enables the extension in that environment, and it loads.
    assert (venv / config).is_file()
    listed = subprocess.run(
        [str(venv / "bin" / "jupyter"), "server", "extension", "list"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "no-user-config")},
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)
    assert re.search(r"nemo_widgets\.upload_server\s+enabled", text), text
    assert re.search(r"nemo_widgets\.upload_server\s+OK", text), text
    assert (
        _run([str(venv / "bin" / "nemo-widgets"), "sample", "music"], cwd=work)
        .strip()
        .endswith("music.m4a")
    )

    engine = subprocess.Popen(
        [str(py), "-m", "nemo_widgets.engine", "--port", "0", "--data-dir", str(tmp_path / "e")],
        cwd=work,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        url = engine.stdout.readline().strip()  # the engine prints its URL once bound
        assert url.startswith("http://127.0.0.1:"), url or engine.stderr.read()
        deadline = time.monotonic() + 60
        while True:
            try:
                health = json.loads(_get(url + "/health"))
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline, "the installed engine never answered /health"
                time.sleep(0.3)
        assert health["status"] == "ok"
    finally:
        engine.terminate()
        try:
            engine.wait(15)
        except subprocess.TimeoutExpired:
            engine.kill()
            engine.wait()


# ---------------------------------------------------------------------------------------------
# slow: the README's first command from a fresh clone
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.timeout(INSTALL_TIMEOUT_S + 180)
def test_make_lab_from_a_fresh_clone_serves_the_quickstart(tmp_path):
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme.split("## ", 1)[0], "README must start with the make lab command"
    clone = tmp_path / "clone"
    _run(["git", "clone", "--quiet", str(ROOT), str(clone)], timeout=120)
    assert (clone / NOTEBOOK).is_file(), "01_quickstart.ipynb is not committed"

    port, token = _free_port(), uuid.uuid4().hex
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not p.startswith(str(ROOT / ".venv"))
    )
    env["JUPYTER_CONFIG_DIR"] = str(tmp_path / "jupyter-config")  # no user config leaks in
    env["JUPYTER_RUNTIME_DIR"] = str(tmp_path / "jupyter-runtime")
    lab_args = (
        f"--no-browser --ip=127.0.0.1 --port={port} --ServerApp.port_retries=0 "
        f"--IdentityProvider.token={token} --LabApp.news_url="
    )
    log = tmp_path / "make-lab.log"
    with log.open("w") as fh:
        proc = subprocess.Popen(
            ["make", "lab", f"LAB_ARGS={lab_args}"],
            cwd=clone,
            env=env,
            stdout=fh,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, jupyter and kernels
        )
    auth = {"Authorization": f"token {token}"}
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + INSTALL_TIMEOUT_S
        while True:
            assert proc.poll() is None, f"make lab exited early:\n{log.read_text()[-3000:]}"
            try:
                status = json.loads(_get(base + "/api/status", headers=auth))
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                tail = log.read_text()[-3000:]
                assert time.monotonic() < deadline, f"lab never answered:\n{tail}"
                time.sleep(2)
        assert "started" in status
        # `jupyter lab notebooks/01_quickstart.ipynb` serves the notebooks folder and opens it.
        name = Path(NOTEBOOK).name
        model = json.loads(_get(f"{base}/api/contents/{name}?content=1", headers=auth))
        assert model["type"] == "notebook"
        assert any("nw.connect" in "".join(c["source"]) for c in model["content"]["cells"])
        page = _get(f"{base}/lab/tree/{name}", headers=auth).decode()
        assert "JupyterLab" in page or "jupyter-config-data" in page
        # JupyterLab runs from the clone's own venv, made by the Makefile.
        assert (clone / ".venv" / "bin" / "jupyter").exists()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
