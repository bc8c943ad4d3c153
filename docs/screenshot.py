"""Remake ``docs/studio.png``: the studio after a real run, in JupyterLab and headless chromium.

Run from the repository root with the project's venv (needs Debian's ``/usr/bin/chromium``)::

    .venv/bin/python docs/screenshot.py

It starts JupyterLab (galata's test set-up, on a free port, in a temporary folder) and a fresh
engine, runs a two-cell notebook (connect + upload the sample clip, then ``s.studio()``), asks for
captions by typing into the studio's chat, presses Export, waits for the render and saves a
screenshot of the studio. Nothing is faked: what the picture shows is what happened.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "docs" / "studio.png"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
CELLS = [
    # The upload brings the new draft with it, so the studio's timeline starts drawn.
    "import nemo_widgets as nw\n\ns = nw.connect()\nawait s.aupload(nw.sample_path('speech'))",
    "s.studio()",
]
KERNEL_READY = """() => {
    const k = window.jupyterapp?.shell?.currentWidget?.sessionContext?.session?.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""
ALL_CELLS_RAN = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
    return cells.length > 0 && cells.every(
        (c) => /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt')?.textContent ?? ''));
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="nemo-screenshot-"))
    root = work / "root"
    root.mkdir()
    nb = new_notebook(cells=[new_code_cell(c) for c in CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(nb, root / "studio.ipynb")
    port = _free_port()
    env = dict(
        os.environ,
        NEMO_LAB_PORT=str(port),
        NEMO_LAB_ROOT=str(root),
        NEMO_ENGINE_DIR=str(work / "engine"),
        NEMO_WIDGETS_DATA_DIR=str(work / "data"),
        NEMO_CONFIG_DIR=str(work / "config"),
        HF_HUB_OFFLINE="1",
    )
    config = REPO / "tests" / "browser" / "jupyter_server_test_config.py"
    with (work / "lab.log").open("w") as log:
        lab = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--config", str(config)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{url}/api/status", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"JupyterLab did not start; see {work / 'lab.log'}")
            time.sleep(0.5)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})
            page.goto(f"{url}/lab/tree/studio.ipynb")
            page.wait_for_function(KERNEL_READY, timeout=90_000)
            run = "() => { window.jupyterapp.commands.execute(%r); }"
            page.evaluate(run % "application:toggle-left-area")  # the file browser is not news
            page.evaluate(run % "notebook:run-all-cells")  # not awaited: it settles at the end
            page.wait_for_function(ALL_CELLS_RAN, timeout=180_000)
            # JupyterLab's "news" question is not part of the studio.
            page.add_style_tag(content=".jp-toast-container, .Toastify { display: none; }")
            studio = page.locator(".jp-CodeCell").nth(1).locator(".jp-Cell-outputArea")
            box = studio.locator("textarea.nw-chat-text")
            box.fill("add captions in English")
            box.press("Enter")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.legendtext')]"
                ".some((e) => /Caption/.test(e.textContent))",
                timeout=120_000,
            )
            studio.locator("button.nw-export").click()
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-Cell-outputArea')]"
                ".some((e) => /completed/i.test(e.textContent))",
                timeout=180_000,
            )
            page.wait_for_timeout(2000)
            studio.screenshot(path=str(OUT))
            browser.close()
        print(f"{OUT} ({OUT.stat().st_size:,} bytes)")
    finally:
        lab.terminate()
        try:
            lab.wait(30)
        except subprocess.TimeoutExpired:
            lab.kill()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
