"""The example notebooks: committed clean, and the six run in a row as a newcomer runs them.

The six are executed with nbclient in real kernels, one after the other, in the default
environment (no credit or engine settings: the engine as users get it, which never refuses
work for credits), offline (``HF_HUB_OFFLINE=1`` and a proxy that refuses every non-local
connection), with one client and one engine for all of them (started in a temporary
``NEMO_ENGINE_DIR`` and reused by every kernel, as ``nw.connect()`` reuses a running engine).
A cell error fails the test; then a few outputs that matter are checked (the quick start
really produced an MP4 with captions burned in, and so on).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path

import nbformat
import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NOTEBOOK_DIR.glob("*.ipynb"))
EXPECTED = [
    "01_quickstart.ipynb",
    "02_captions_and_subtitles.ipynb",
    "03_timeline_exploration.ipynb",
    "04_titles_tags_and_prompts.ipynb",
    "05_batch_and_renders.ipynb",
    "06_batch_on_a_cluster.ipynb",
]
CELL_TIMEOUT_S = 600
#: Whole notebook, on two busy cores (they take 10-30 s on an idle machine).
NOTEBOOK_TIMEOUT_S = 900


# ---------------------------------------------------------------------------------------------
# the committed files
# ---------------------------------------------------------------------------------------------
def test_all_six_notebooks_are_there():
    assert NOTEBOOKS == EXPECTED


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_clean_and_says_how_to_switch_to_the_cloud(name):
    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    nbformat.validate(nb)
    assert "widgets" not in nb.metadata, "widget state is saved in the notebook; clear it"
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{name}: outputs committed in a cell: {cell.source[:60]!r}"
            assert cell.execution_count is None, f"{name}: execution count committed"
        assert "widgets" not in cell.get("metadata", {})
    head = nb.cells[0].source
    assert head.startswith("# ")
    repo = "nemo-widgets/nemo-widgets"
    assert f"colab.research.google.com/github/{repo}/blob/main/notebooks/{name}" in head
    assert f"mybinder.org/v2/gh/{repo}/HEAD?urlpath=lab/tree/notebooks/{name}" in head
    assert 'backend="cloud"' in head and "NEMO_TOKEN" in head
    first_code = next(c for c in nb.cells if c.cell_type == "code").source
    assert '"google.colab" in sys.modules' in first_code and "%pip install" in first_code
    assert "enable_custom_widget_manager" in first_code
    text = "\n".join(c.source for c in nb.cells)
    assert "nmv_usr_" not in text and "Bearer " not in text, "a token in a notebook"


# ---------------------------------------------------------------------------------------------
# running them
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def offline_env(tmp_path_factory):
    """One fresh engine and one fresh client for the six notebooks, and no network.

    Nothing about credits is set: a user's engine never refuses work for them, and the
    notebooks must pass that way, in a row, as someone who opens them one after the other.
    """
    from nemo_widgets.engine.launcher import ensure_engine

    base = tmp_path_factory.mktemp("client")
    engine_dir = tmp_path_factory.mktemp("engine")
    env = {
        "NEMO_ENGINE_DIR": str(engine_dir),
        "NEMO_WIDGETS_DATA_DIR": str(base / "data"),
        "NEMO_CONFIG_DIR": str(base / "config"),
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        # Anything that tries the internet goes to a closed port; the engine is on loopback.
        "HTTP_PROXY": "http://127.0.0.1:9",
        "HTTPS_PROXY": "http://127.0.0.1:9",
        "ALL_PROXY": "http://127.0.0.1:9",
        "NO_PROXY": "127.0.0.1,localhost",
        "MPLBACKEND": "Agg",
    }
    with pytest.MonkeyPatch.context() as mp:
        for key in ("NEMO_TOKEN", "NEMO_API_URL", "NEMO_CLIENT_ID"):
            mp.delenv(key, raising=False)
        for key in [k for k in os.environ if k.startswith("NEMO_ENGINE_")]:
            mp.delenv(key, raising=False)  # the default engine: no credit or limit settings
        for key, value in env.items():
            mp.setenv(key, value)
        # One engine for all six: each kernel's nw.connect() finds it in NEMO_ENGINE_DIR.
        engine = ensure_engine(engine_dir, timeout=60)
        try:
            yield base
        finally:
            engine.stop()


def execute(name: str, workdir: Path) -> nbformat.NotebookNode:
    """Run a notebook in ``workdir`` with a real kernel; raise on the first cell error."""
    from nbclient import NotebookClient

    nb = nbformat.read(NOTEBOOK_DIR / name, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name="python3",
        store_widget_state=True,
        timeout=CELL_TIMEOUT_S,
        resources={"metadata": {"path": str(workdir)}},
    )
    client.execute()
    # Saved as a user would save it (outputs and widget state): no token anywhere in it.
    saved = nbformat.writes(nb)
    assert "nmv_usr_" not in saved and "Bearer " not in saved, f"a token in the saved {name}"
    return nb


def outputs_text(nb: nbformat.NotebookNode) -> str:
    """Everything the cells printed or displayed as text."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(out["text"])
            data = out.get("data", {})
            for mime in ("text/plain", "text/markdown", "text/html"):
                if mime in data:
                    parts.append(data[mime])
    return "\n".join(parts)


def widget_models(nb: nbformat.NotebookNode) -> list[str]:
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return [m.get("model_name", "") for m in state.get("state", {}).values()]


def gray_frame(path: Path, t: float, size=(320, 180)) -> np.ndarray:
    import imageio_ffmpeg

    raw = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-ss", str(t), "-i", str(path),
         "-frames:v", "1", "-vf", f"scale={size[0]}:{size[1]},format=gray",
         "-f", "rawvideo", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    return np.frombuffer(raw, np.uint8).reshape(size[1], size[0]).astype(float)


def probe(path: Path):
    from nemo_widgets.engine.media import probe as _probe

    return _probe(path)


def assert_captions_burned(rendered: Path, source: Path, t: float = 7.5) -> None:
    """Captions change the bottom of the picture against the source, and little else."""
    a, b = gray_frame(rendered, t, (640, 360)), gray_frame(source, t, (640, 360))
    changed = np.abs(a - b) > 60  # text strokes against the background, not re-encoding noise
    h = changed.shape[0]
    bottom, top = int(changed[int(h * 0.6) :].sum()), int(changed[: int(h * 0.3)].sum())
    assert bottom > 400 and bottom > 10 * top, f"no captions in {rendered.name}: {bottom=} {top=}"


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_01_quickstart(offline_env, tmp_path):
    from nemo_widgets import sample_path

    nb = execute("01_quickstart.ipynb", tmp_path)
    text = outputs_text(nb).lower()
    for words in ("fellow americans", "ask not", "your country"):
        assert words in text, f"the SRT printed in the notebook lacks {words!r}"
    assert "-->" in text
    srt = (tmp_path / "output" / "quickstart.srt").read_text()
    assert srt.startswith("1\n") and "country" in srt.lower()
    video = tmp_path / "output" / "quickstart_captioned.mp4"
    info = probe(video)
    assert (info.video_codec, info.audio_codec) == ("h264", "aac")
    assert abs(info.duration_s - 11.0) < 0.5 and info.height == 720
    assert_captions_burned(video, sample_path("speech"))
    models = widget_models(nb)
    assert any("AnyModel" in m for m in models), f"no anywidget was shown: {models}"


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_02_captions_and_subtitles(offline_env, tmp_path):
    nb = execute("02_captions_and_subtitles.ipynb", tmp_path)
    out = tmp_path / "output"
    srt, vtt, ass = (out / f"speech.{ext}" for ext in ("srt", "vtt", "ass"))
    assert "-->" in srt.read_text() and "," in srt.read_text().split("-->")[0]
    assert vtt.read_text().startswith("WEBVTT")
    assert "[Events]" in ass.read_text() and "Dialogue:" in ass.read_text()
    from nemo_widgets import sample_path

    styles = sorted(p.stem for p in out.glob("style_*.mp4"))
    assert styles == ["style_boxed", "style_karaoke", "style_plain", "style_vertical"]
    assert_captions_burned(out / "style_boxed.mp4", sample_path("speech"))
    text = outputs_text(nb).lower()
    assert "your country" in text
    assert "translat" in text  # what happens to translation offline is shown, not hidden


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_03_timeline_exploration(offline_env, tmp_path):
    nb = execute("03_timeline_exploration.ipynb", tmp_path)
    text = outputs_text(nb)
    assert "cps" in text.lower() and "duration_s" in text
    assert re.search(r"added|changed|removed", text, re.I), "no diff between edits was shown"
    plotly = "application/vnd.plotly.v1+json"
    plots = [o for c in nb.cells for o in c.get("outputs", []) if plotly in o.get("data", {})]
    assert len(plots) >= 2, "the reading-speed and duration plots are missing"
    assert widget_models(nb), "the timeline widget was not shown"


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_04_titles_tags_and_prompts(offline_env, tmp_path):
    nb = execute("04_titles_tags_and_prompts.ipynb", tmp_path)
    text = outputs_text(nb).lower()
    assert "title" in text and "tags" in text
    board = tmp_path / "output" / "storyboard.csv"
    assert board.is_file() and len(board.read_text().splitlines()) >= 3
    assert "prompt" in board.read_text().splitlines()[0].lower()


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_05_batch_and_renders(offline_env, tmp_path):
    nb = execute("05_batch_and_renders.ipynb", tmp_path)
    videos = sorted((tmp_path / "output").glob("*.mp4"))
    assert len(videos) >= 2, videos
    for v in videos:
        assert probe(v).video_codec == "h264"
    text = outputs_text(nb)
    assert text.count("completed") >= 2
    assert "resumed" in text.lower()
    data = json.dumps([c.get("outputs", []) for c in nb.cells])
    assert "available" in data  # the credits were shown


@pytest.mark.slow
@pytest.mark.timeout(NOTEBOOK_TIMEOUT_S)
def test_06_batch_on_a_cluster(offline_env, tmp_path):
    nb = execute("06_batch_on_a_cluster.ipynb", tmp_path)
    out = tmp_path / "output" / "captions"
    for name in ("lecture_01_inaugural", "lecture_02_austen"):
        assert "-->" in (out / f"{name}.srt").read_text()
        assert (out / f"{name}.vtt").read_text().startswith("WEBVTT")
        assert json.loads((out / f"{name}.metadata.json").read_text())["titles"]
        assert (out / f"{name}.receipt.json").is_file()
    assert not list(out.glob("lecture_03_broken*"))
    text = outputs_text(nb)
    assert "your country" in text.lower()  # the SRT printed in the notebook
    assert "0 bytes" in text  # the broken file's row says why
    assert text.count("skipped") >= 2  # the rerun did no work
    plotly = "application/vnd.plotly.v1+json"
    plots = [o for c in nb.cells for o in c.get("outputs", []) if plotly in o.get("data", {})]
    assert plots, "the time-per-file plot is missing"
    assert "HTMLModel" in " ".join(widget_models(nb)), "the live progress view was not shown"
