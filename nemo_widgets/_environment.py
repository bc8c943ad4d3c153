"""Where the kernel's front end runs (Colab, VS Code, JupyterLab / Notebook 7): one place to ask.

Widgets adapt to their front end in a few ways (Colab's comm channel drops messages above
about 1 MB; VS Code's webview cannot decode H.264), and every such decision reads
:func:`environment` so the detection is written once, as lonboard's ``_environment.py`` does.
"""

from __future__ import annotations

import os
import sys
from typing import Literal

Environment = Literal["colab", "vscode", "jupyter"]


def environment() -> Environment:
    """``"colab"``, ``"vscode"`` or ``"jupyter"`` (JupyterLab, Notebook 7, anything else).

    Colab is recognised by its module or its ``COLAB_RELEASE_TAG`` variable; VS Code starts
    kernels with ``VSCODE_PID`` / ``VSCODE_CWD`` set (the check plotly's renderer detection
    and lonboard use).
    """
    if "google.colab" in sys.modules or "COLAB_RELEASE_TAG" in os.environ:
        return "colab"
    if "VSCODE_PID" in os.environ or "VSCODE_CWD" in os.environ:
        return "vscode"
    return "jupyter"


def in_colab() -> bool:
    """True inside Google Colab."""
    return environment() == "colab"


def in_vscode() -> bool:
    """True in a VS Code notebook."""
    return environment() == "vscode"
