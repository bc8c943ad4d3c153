"""Keep benchmarks out of the user's home: nemo-widgets' folders in one temporary directory.

Importing this module points the token cache (``NEMO_CONFIG_DIR``), remembered sessions
(``NEMO_WIDGETS_DATA_DIR``) and the default engine folder (``NEMO_ENGINE_DIR``) at a fresh
temporary directory, removed when the interpreter exits; child processes inherit it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

ROOT = Path(tempfile.mkdtemp(prefix="nemo-bench-home-"))
atexit.register(shutil.rmtree, ROOT, ignore_errors=True)
for name, sub in (
    ("NEMO_CONFIG_DIR", "config"),
    ("NEMO_WIDGETS_DATA_DIR", "data"),
    ("NEMO_ENGINE_DIR", "engine"),
):
    os.environ[name] = str(ROOT / sub)
