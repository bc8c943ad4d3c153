"""What importing the protocol client pulls in (bench/bench_imports.py measures the cost)."""

from __future__ import annotations

import subprocess
import sys


def test_the_client_imports_no_cli_toolkit_yaml_or_notebook_stack():
    code = (
        "import sys; import nemo_widgets.api.client, nemo_widgets.session\n"
        "from nemo_widgets.api.skills import load_skill; load_skill().headers()\n"
        "import httpx; assert httpx.AsyncClient\n"
        # httpx's CLI module is refused only while httpx loads, never left blocked
        "assert sys.modules.get('httpx._main', 0) is not None\n"
        "print(sorted(m for m in ('click', 'pygments', 'rich', 'yaml', 'pandas', 'plotly', "
        "'ipywidgets', 'anywidget', 'numpy') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
