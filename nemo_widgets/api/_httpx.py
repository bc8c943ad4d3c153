"""Import httpx without its command-line client (the one module that imports httpx first).

httpx imports its own command-line client (click, pygments, rich: ~60 ms of CPU, a sixth of a
connect()'s imports, bench/bench_imports.py) whenever those are installed, as they are next to
Jupyter. This package never uses it: the import is refused once, while httpx loads (its
``httpx.main`` is then httpx's own "not installed" stub in this process; the ``httpx``
command runs in a process of its own and is not affected).
"""

from __future__ import annotations

import sys

if "httpx" not in sys.modules:
    sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        del sys.modules["httpx._main"]
