"""Browser end-to-end fixtures: one JupyterLab and one engine per test session, driven in chromium.

Every test in ``tests/browser/`` gets the ``browser`` marker and is skipped (with the reason)
when Debian's ``/usr/bin/chromium`` is absent. Playwright never downloads a browser here: it
launches ``/usr/bin/chromium`` with the flags from ``testing.md``.

Fixtures (reuse them for any widget's browser tests)
----------------------------------------------------
``lab`` (session)
    A :class:`LabServer`: ``url``, ``root`` (the notebooks' folder, also the kernels' working
    directory), ``env`` and ``tmp`` (the kernels' ``TMPDIR``). Started once with galata's test
    configuration on a free port, with the server extensions this environment enables (the
    upload picker's among them). Its kernels run this checkout (``PYTHONPATH``) and find one
    shared engine through ``NEMO_ENGINE_DIR``, so ``nw.connect()`` in a notebook reuses it
    instead of starting one; client config and render memory live in temporary folders too.
``lab_without_upload_server`` (session)
    A second JupyterLab, the same but with the upload picker's server extension disabled
    in the user's Jupyter config, sharing the first one's engine: the picker's
    fallback over the comm. ``notebook_without_upload_server`` is ``notebook`` on it.
``chromium`` (session)
    A Playwright ``Browser`` (sync API).
``lab_page`` (function)
    A fresh browser context + page (1280x900); closed after the test, and every kernel the
    test started is shut down. ``page.nw_errors`` collects its console errors and page errors.
``notebook`` (function)
    ``notebook(name, cells, front="lab") -> LabNotebook``: writes an ``.ipynb`` with those
    code cells into ``lab.root`` and returns a driver bound to ``lab_page``, for JupyterLab
    (``front="lab"``) or Notebook 7 (``front="notebook"``, served by the same server)::

        nb = notebook("demo.ipynb", ["import nemo_widgets as nw", "s = nw.connect()", ...])
        nb.open()                      # open in JupyterLab, wait for an idle kernel
        nb.run_all()                   # run every cell and wait until all have finished
        nb.outputs()                   # text of each code cell's output area
        nb.run_cell(3)                 # run one cell (0-based) and wait for it
        nb.start_cell(3); nb.wait_cell(3)  # the same in two steps (do things meanwhile)
        nb.output(3)                   # text of that cell's output
        nb.save(); nb.reload()         # docmanager:save, then reload the page
        nb.set_theme("JupyterLab Dark")  # the front end's theme (a user setting: reset it)
        nb.page                        # the Playwright page for anything else
``sized_clip`` (session)
    ``sized_clip(megabytes, name=None) -> Path``: an H.264/AAC MP4 of about that size
    (constant bitrate, so the size is predictable), generated once per session.

``screenshot`` (function)
    ``screenshot(page, name)``: saved under ``$NEMO_SCREENSHOT_DIR`` when it is set.

Test modules cannot import from this conftest (``tests/`` is not a package): type the
driver as ``Any`` or re-declare what you need.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
LAB_START_TIMEOUT_S = 90
#: Long enough for an upload or a render on 2 busy cores, short enough to fail clearly.
CELL_TIMEOUT_MS = 180_000


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is absent: install Debian's chromium (`make system`) to run "
        "the browser tests"
    )
    mine = []
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(skip)
            mine.append(item)
    # Run the browser tests last: Playwright's sync API keeps an event loop running in the
    # main thread while the session-scoped browser lives, and every asyncio test collected
    # after it would then fail with "Runner.run() cannot be called from a running event loop".
    items[:] = [i for i in items if i not in mine] + mine


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LabServer:
    """A running JupyterLab for tests."""

    url: str
    root: Path
    env: dict[str, str]
    tmp: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    log_path: Path = field(repr=False)
    engine: Any = field(repr=False, default=None)
    log: Any = field(repr=False, default=None)

    def stop(self) -> None:
        """Shut down kernels, JupyterLab and the engine."""
        if self.process.poll() is None:
            with contextlib.suppress(httpx.HTTPError):
                self.shutdown_kernels()
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log is not None:
            self.log.close()
        if self.engine is not None:
            self.engine.stop()

    def api(self, method: str, path: str, **kw: Any) -> httpx.Response:
        return httpx.request(method, f"{self.url}{path}", timeout=30, **kw)

    def shutdown_kernels(self) -> None:
        """Shut down every kernel (each test's notebooks start their own)."""
        for kernel in self.api("GET", "/api/kernels").json():
            self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, chars: int = 3000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""


def start_lab(
    base: Path, *, upload_server: bool = True, engine_dir: Path | None = None
) -> LabServer:
    """Start an engine and JupyterLab (galata config, free port) under ``base``.

    Used by the ``lab`` fixtures and by ``bench/bench_browser_upload.py``; call
    :meth:`LabServer.stop` when done. ``upload_server=False`` disables the upload picker's
    server extension the way a user would; ``engine_dir`` reuses the engine running there.
    """
    from nemo_widgets.engine.launcher import ensure_engine

    root = base / "notebooks"
    root.mkdir(parents=True, exist_ok=True)
    user_settings = {
        # Save widget state into the notebook on save, so a reopened notebook shows widgets.
        "@jupyter-widgets/jupyterlab-manager/plugin": {"saveState": True},
        # Start the notebook's kernel without the "Select Kernel" dialog.
        "@jupyterlab/notebook-extension/tracker": {"autoStartDefaultKernel": True},
        # No "Would you like to get notified about Jupyter news?" toast, no update check.
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
    }
    for plugin, values in user_settings.items():
        path = base / "lab-settings" / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        "NEMO_LAB_PORT": str(_free_port()),
        "NEMO_LAB_ROOT": str(root),
        "NEMO_ENGINE_DIR": str(base / "engine"),
        "NEMO_CONFIG_DIR": str(base / "config"),
        "NEMO_WIDGETS_DATA_DIR": str(base / "client-data"),
        "NEMO_CLIENT_ID": f"browser-{uuid.uuid4()}",
        "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
        "JUPYTER_CONFIG_DIR": str(base / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(base / "runtime"),
        "IPYTHONDIR": str(base / "ipython"),
        "MPLBACKEND": "agg",
        # the kernels' temporary folders (the picker's partial uploads) where tests can see them
        "TMPDIR": str(base / "tmp"),
    }
    if engine_dir is not None:
        env["NEMO_ENGINE_DIR"] = str(engine_dir)
    (base / "tmp").mkdir(exist_ok=True)
    jupyter = Path(sys.executable).with_name("jupyter")
    if not upload_server:
        # jupyter_server_test_config.py disables the extension, as a user's config file may
        # (a user-level jupyter_server_config.d file does not override the one pip installed).
        env["NEMO_LAB_UPLOAD_SERVER"] = "0"
    # One engine for every kernel (kernels reuse it through engine.json in NEMO_ENGINE_DIR).
    engine = ensure_engine(Path(env["NEMO_ENGINE_DIR"]), env=env, timeout=60)
    log_path = base / "lab.log"
    log = open(log_path, "wb")  # noqa: SIM115 - closed by LabServer.stop
    process = subprocess.Popen(
        [str(jupyter), "lab", f"--config={HERE / 'jupyter_server_test_config.py'}"],
        cwd=root,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = LabServer(
        url=f"http://127.0.0.1:{env['NEMO_LAB_PORT']}",
        root=root,
        env=env,
        tmp=base / "tmp",
        process=process,
        log_path=log_path,
        engine=engine,
        log=log,
    )
    deadline = time.monotonic() + LAB_START_TIMEOUT_S
    while True:
        if process.poll() is not None:
            server.stop()
            raise RuntimeError(f"JupyterLab exited while starting:\n{server.log_tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if server.api("GET", "/api/status").status_code == 200:
                return server
        if time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"JupyterLab did not answer in time:\n{server.log_tail()}")
        time.sleep(0.3)


@pytest.fixture(scope="session")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabServer]:
    """JupyterLab (galata config) on a free port, with one shared engine for its kernels."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent")
    try:
        server = start_lab(tmp_path_factory.mktemp("lab"))
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def lab_without_upload_server(
    lab: LabServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LabServer]:
    """JupyterLab with the upload picker's server extension disabled (the engine of ``lab``)."""
    try:
        server = start_lab(
            tmp_path_factory.mktemp("lab-plain"),
            upload_server=False,
            engine_dir=Path(lab.env["NEMO_ENGINE_DIR"]),
        )
    except RuntimeError as exc:
        pytest.fail(str(exc))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """Debian's chromium under Playwright's sync API (never a downloaded browser)."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def watch_errors(page: Any) -> list[str]:
    """Console errors and uncaught page errors of ``page``, collected as they happen."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"page error: {exc} {exc.stack}"))
    page.on(
        "console",
        lambda msg: (
            errors.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" or "[anywidget]" in msg.text
            else None
        ),
    )
    return errors


@pytest.fixture
def lab_page(chromium: Any, lab: LabServer) -> Iterator[Any]:
    """A fresh page; afterwards the context is closed and the test's kernels shut down.

    ``page.nw_errors`` lists the console errors and page errors seen so far.
    """
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.nw_errors = watch_errors(page)
    page.set_default_timeout(60_000)
    try:
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()


#: The two front ends the widgets are tested in, by the path that opens a notebook.
FRONTS = {"lab": "lab/tree", "notebook": "notebooks"}


class LabNotebook:
    """Drives one notebook in JupyterLab or Notebook 7 (see the module docstring).

    Both expose ``window.jupyterapp`` (galata's configuration) with the same notebook
    commands and cell DOM, so one driver serves both.
    """

    def __init__(self, lab: LabServer, page: Any, name: str, front: str = "lab") -> None:
        if front not in FRONTS:
            raise ValueError(f"front must be one of {sorted(FRONTS)}")
        self.lab, self.page, self.name, self.front = lab, page, name, front

    @property
    def path(self) -> Path:
        return self.lab.root / self.name

    def open(self, *, accept_kernel_dialog: bool = False) -> LabNotebook:
        """Open the notebook; with ``accept_kernel_dialog``, accept JupyterLab's kernel dialog
        if it asks (it blocks run-all)."""
        # ?reset: start from an empty workspace, not with the previous test's notebooks open
        # (their hidden widgets would match the same selectors). Notebook 7 opens one
        # notebook per page anyway.
        reset = "?reset" if self.front == "lab" else ""
        self.page.goto(f"{self.lab.url}/{FRONTS[self.front]}/{self.name}{reset}")
        self.wait_idle()
        if accept_kernel_dialog:
            accept = self.page.locator(".jp-Dialog .jp-mod-accept")
            try:
                accept.wait_for(state="visible", timeout=5_000)
            except Exception:  # no dialog: the kernel started on its own
                return self
            accept.click()
            self.wait_idle()
        return self

    def wait_idle(self, timeout_ms: int = 90_000) -> None:
        """Wait until the notebook's kernel is connected and idle."""
        self.page.wait_for_selector(".jp-Notebook", timeout=timeout_ms)
        # The toolbar indicator says "idle" before a kernel is attached, and cells run
        # without a kernel are silently skipped: wait for the session's kernel itself.
        self.page.wait_for_function(
            """() => {
                const w = window.jupyterapp?.shell?.currentWidget;
                const kernel = w?.sessionContext?.session?.kernel;
                return !!kernel && kernel.connectionStatus === 'connected'
                    && kernel.status === 'idle';
            }""",
            timeout=timeout_ms,
        )

    def _cells_done(self, indices: list[int] | None, timeout_ms: int) -> None:
        # A cell has finished when its prompt shows a number instead of "*" (or blank while
        # queued), whatever the kernel status flickers through meanwhile.
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        try:
            self._wait_prompts(indices, timeout_ms)
        except PlaywrightTimeout as exc:
            raise AssertionError(
                f"cells {indices or 'all'} of {self.name} did not finish in {timeout_ms} ms."
                f"\nOutputs: {self.outputs()!r}\nLab log: {self.lab.log_tail(1500)}"
            ) from exc
        self.wait_idle()

    def _wait_prompts(self, indices: list[int] | None, timeout_ms: int) -> None:
        self.page.wait_for_function(
            """(indices) => {
                const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
                const chosen = indices === null ? cells : indices.map((i) => cells[i]);
                return chosen.length > 0 && chosen.every((c) => c &&
                    /\\[\\d+\\]/.test(c.querySelector('.jp-InputPrompt')?.textContent ?? ''));
            }""",
            arg=indices,
            timeout=timeout_ms,
        )

    def _clear_prompts(self, indices: list[int] | None) -> None:
        self.page.evaluate(
            """(indices) => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                nb.widgets.forEach((cell, i) => {
                    if (cell.model.type === 'code' && (indices === null || indices.includes(i)))
                        cell.model.executionCount = null;
                });
            }""",
            indices,
        )

    def run_all(self, timeout_ms: int = CELL_TIMEOUT_MS) -> list[str]:
        """Run every cell, wait for all of them, and return their outputs."""
        self._clear_prompts(None)
        # Not awaited in the page: the command's promise settles only when every cell ran.
        self.page.evaluate(
            "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )
        self._cells_done(None, timeout_ms)
        return self.outputs()

    def run_cell(self, index: int, timeout_ms: int = CELL_TIMEOUT_MS) -> str:
        """Run the code cell at ``index`` (0-based among all cells) and return its output."""
        self.start_cell(index)
        return self.wait_cell(index, timeout_ms)

    def start_cell(self, index: int) -> None:
        """Send the code cell at ``index`` to the kernel without waiting for it."""
        self._clear_prompts([index])
        self.page.evaluate(
            """(i) => {
                const nb = window.jupyterapp.shell.currentWidget.content;
                nb.activeCellIndex = i;
                window.jupyterapp.commands.execute('notebook:run-cell');
            }""",
            index,
        )

    def wait_cell(self, index: int, timeout_ms: int = CELL_TIMEOUT_MS) -> str:
        """Wait for a cell started by :meth:`start_cell`; return its output."""
        self._cells_done([index], timeout_ms)
        return self.output(index)

    def outputs(self) -> list[str]:
        """The text of each code cell's output area, in order."""
        return self.page.evaluate(
            """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')].map(
                (c) => c.querySelector('.jp-OutputArea')?.innerText ?? '')"""
        )

    def output(self, index: int) -> str:
        return self.outputs()[index]

    def cell(self, index: int) -> Any:
        """A locator for the code cell at ``index``."""
        return self.page.locator(".jp-Notebook .jp-CodeCell").nth(index)

    def save(self) -> None:
        """Save (widget state included) and wait until the file on disk is rewritten."""
        before = self.path.stat().st_mtime_ns if self.path.exists() else 0
        self.page.evaluate("async () => window.jupyterapp.commands.execute('docmanager:save')")
        deadline = time.monotonic() + 30
        while self.path.stat().st_mtime_ns == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} was not saved in 30 s")
            time.sleep(0.1)

    def set_theme(self, theme: str) -> None:
        """Switch the front end's theme (``"JupyterLab Light"`` / ``"JupyterLab Dark"``)."""
        self.page.evaluate(
            "async (theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})",
            theme,
        )
        self.page.wait_for_function(
            "(theme) => document.body.dataset.jpThemeName === theme", arg=theme
        )

    def reload(self) -> None:
        """Reload the browser page (the kernel keeps running) and wait for the notebook."""
        self.page.reload()
        self.wait_idle()

    def saved(self) -> dict[str, Any]:
        """The notebook file as saved on disk."""
        return json.loads(self.path.read_text())


def _notebooks(lab: LabServer, page: Any) -> Callable[..., LabNotebook]:
    import nbformat

    def make(name: str, cells: list[str], front: str = "lab") -> LabNotebook:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
        nbformat.write(nb, lab.root / name)
        return LabNotebook(lab, page, name, front)

    return make


@pytest.fixture
def notebook(lab: LabServer, lab_page: Any) -> Callable[..., LabNotebook]:
    """``notebook(name, cells)``: write a notebook into the Lab root; returns its driver."""
    return _notebooks(lab, lab_page)


@pytest.fixture
def notebook_without_upload_server(
    lab_without_upload_server: LabServer, lab_page: Any
) -> Iterator[Callable[..., LabNotebook]]:
    """``notebook`` on the JupyterLab without the upload picker's server extension."""
    try:
        yield _notebooks(lab_without_upload_server, lab_page)
    finally:
        lab_without_upload_server.shutdown_kernels()


@pytest.fixture(scope="session")
def sized_clip(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Path]:
    """``sized_clip(megabytes, name=None)``: an MP4 of about that size, made once per session."""
    import imageio_ffmpeg

    folder = tmp_path_factory.mktemp("sized-clips")

    def make(megabytes: float, name: str | None = None, seconds: int = 10) -> Path:
        out = folder / (name or f"clip-{megabytes:g}MB.mp4")
        if out.exists():
            return out
        kbps = int(megabytes * 8 * 1024 * 1024 / seconds / 1000)
        subprocess.run(
            [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
             "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={seconds}",
             "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
             "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p",
             "-b:v", f"{kbps}k", "-minrate", f"{kbps}k", "-maxrate", f"{kbps}k",
             "-bufsize", f"{kbps}k", "-x264-params", "nal-hrd=cbr",
             "-c:a", "aac", "-shortest", "-movflags", "+faststart", str(out)],
            check=True,
        )  # fmt: skip
        return out

    return make


@pytest.fixture
def screenshot() -> Callable[[Any, str], Path | None]:
    """``screenshot(page, name)``: save under ``$NEMO_SCREENSHOT_DIR`` if set; returns the path."""

    def take(page: Any, name: str) -> Path | None:
        folder = os.environ.get("NEMO_SCREENSHOT_DIR")
        if not folder:
            return None
        path = Path(folder) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
