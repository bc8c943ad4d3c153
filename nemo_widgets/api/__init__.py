"""Protocol client for the NemoVideo HTTP API (async, httpx; no Jupyter imports).

Modules: ``client`` (endpoints), ``errors`` (exceptions by meaning), ``envelopes`` (response
bodies), ``sse`` (stream frames -> typed events), ``chat`` (a chat turn), ``auth`` (client id and
token cache), ``skills`` (attribution profiles), ``intents`` (routing and GUI-talk translation),
``render`` (render submit / poll).
"""

import sys as _sys

if "httpx" not in _sys.modules:
    # httpx imports its own command-line client (click, pygments, rich: ~60 ms of CPU, a sixth
    # of a connect()'s imports, bench/bench_imports.py) whenever those are installed, as they
    # are next to Jupyter. This package never uses it: the import is refused once, while httpx
    # loads (its ``httpx.main`` is then httpx's own "not installed" stub in this process; the
    # ``httpx`` command runs in a process of its own and is not affected).
    _sys.modules["httpx._main"] = None  # type: ignore[assignment]
    try:
        import httpx  # noqa: F401
    finally:
        del _sys.modules["httpx._main"]
