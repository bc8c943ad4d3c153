"""JupyterLab configuration for the browser tests (galata's test setup on a free port).

``tests/browser/conftest.py`` starts ``jupyter lab --config <this file>`` with ``NEMO_LAB_PORT``
and ``NEMO_LAB_ROOT`` in the environment. Never use this configuration outside tests: galata
removes the token and XSRF checks.
"""

import os

from jupyterlab.galata import configure_jupyter_server

c = get_config()  # type: ignore[name-defined]  # noqa: F821 - injected by traitlets' loader

configure_jupyter_server(c)
c.ServerApp.ip = "127.0.0.1"
c.ServerApp.port = int(os.environ["NEMO_LAB_PORT"])  # a free port chosen by the fixture
c.ServerApp.root_dir = os.environ["NEMO_LAB_ROOT"]
c.ServerApp.allow_root = True  # CI containers run as root
c.ServerApp.open_browser = False
c.LabApp.news_url = ""  # no "news" toast, no outside request
c.LabApp.check_for_updates_class = "jupyterlab.NeverCheckForUpdate"
# Notebook 7 (served by the same server at /notebooks/...) exposes `window.jupyterapp` too.
c.JupyterNotebookApp.expose_app_in_browser = True
# The upload picker's server extension is on as installed; the fallback's tests turn it off.
if os.environ.get("NEMO_LAB_UPLOAD_SERVER") == "0":
    c.ServerApp.jpserver_extensions = {"nemo_widgets.upload_server": False}
