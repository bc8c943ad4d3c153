"""Cold ``nw.connect()``: a fresh interpreter's first connect, with the engine running or not.

What: each run is a fresh child interpreter (the venv's python, bytecode cached as a user's
install has it) running ``nw.connect()`` with no URL, the way the quick-start does, then
exiting; ``NEMO_ENGINE_DIR`` points the launcher at a temporary engine folder. Timed from
spawn to exit: wall, and CPU of the child and everything it waited for.

* **engine running**: the launcher finds the live engine recorded in the folder (started and
  settled before, its start-up warm-up over); the session is created on it. Anchor: a fresh
  interpreter doing the same server work by hand with ``http.client``: ``GET /health``, an
  anonymous token, a new session (connect() reuses the token it cached, so the anchor does
  a little more engine work). Goal: <= 0.5 s of CPU more than the anchor (the imports' 0.3 s
  of ``bench_imports.py`` and the client's own work).
* **engine not running**: ``connect()`` starts the engine (a new, empty folder each run) and
  waits for it; the child's exit stops it. Anchor: ``python -m nemo_widgets.engine`` started by
  hand on its own empty folder, polled with ``http.client`` until ``/health`` answers, the
  same token and session requests sent by a fresh interpreter, then stopped. Both sides with
  the start-up warm-up of the speech models off (``NEMO_ENGINE_WARM=0``): it runs in the
  background without delaying the first answer, and how much of it a run pays depends only
  on how long the engine lives. Goal: <= 0.5 s of CPU more than the anchor (the launcher's
  wait, the imports and the client, on top of the engine's own start).

CPU, not wall, carries the goals: on this shared 2-core machine (load average often above 8)
wall time mostly measures the other helpers; both are printed.

Run: ``.venv/bin/python bench/bench_connect.py [--pairs 5] [--quick]``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
from _pairs import Goal, exit_code, pairs_from, parser, run_pairs
from bench_recognition import settle

PY = sys.executable
RUNNING_GOAL_S = 0.5
COLD_EXTRA_S = 0.5

_CONNECT = """
import sys
import nemo_widgets as nw
nw.connect(store_dir=sys.argv[1]).close()
"""

#: the server work of a connect(), by hand: /health, an anonymous token, a new session
_BY_HAND = """
import http.client, json, sys, uuid
c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=30)
def call(method, path, headers=None, body=None):
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    data = r.read()
    assert r.status == 200, (path, r.status, data)
    return json.loads(data)
call("GET", "/health")
tok = call("POST", "/api/auth/anonymous-token", {"X-Client-Id": str(uuid.uuid4())})
headers = {"Authorization": "Bearer " + tok["data"]["token"], "Content-Type": "application/json",
           "X-Skill-Source": "nemo-video", "X-Skill-Version": "1.9", "X-Skill-Platform": "bench"}
call("POST", "/api/tasks/me/with-session/nemo_agent", headers, b"{}")
"""


def child_env(engine_dir: Path, cache: Path, **more: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(NEMO_ENGINE_DIR=str(engine_dir), PYTHONPYCACHEPREFIX=str(cache), **more)
    return env


def start_by_hand(folder: Path, env: dict[str, str]) -> None:
    """The engine's own start: spawn it, poll its ``/health`` until it answers, then the same
    requests as a connect() (a token, a session) from a fresh interpreter, and stop it."""
    import http.client

    folder.mkdir()
    log = (folder / "engine.log").open("wb")
    proc = subprocess.Popen(
        [PY, "-m", "nemo_widgets.engine", "--port", "0", "--data-dir", str(folder)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
        env=env,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                port = int(json.loads((folder / "engine.json").read_text())["url"].split(":")[-1])
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                c.request("GET", "/health")
                if c.getresponse().status == 200:
                    subprocess.run([PY, "-c", _BY_HAND, str(port)], env=env, check=True)
                    return
            except (OSError, ValueError, KeyError):
                pass
            if proc.poll() is not None:
                raise SystemExit(f"the engine exited while starting (log in {folder})")
            time.sleep(0.05)
        raise SystemExit("the engine did not answer within 60 s")
    finally:
        proc.terminate()
        proc.wait(20)
        log.close()


def main() -> int:
    args = parser(__doc__).parse_args()
    pairs = pairs_from(args)
    from nemo_widgets.engine.launcher import ensure_engine

    with tempfile.TemporaryDirectory(prefix="bench-connect-") as tmp:
        root = Path(tmp)
        cache = root / "pycache"
        # -- engine running ------------------------------------------------------------------
        running = root / "running"
        engine = ensure_engine(running, extra_args=["--ip-token-cap", "100000"])
        settle(engine.pid)  # its start-up warm-up over: this side is about connect() alone
        port = engine.url.rsplit(":", 1)[-1]
        env = child_env(running, cache)
        n = iter(range(10**6))
        try:
            warm = run_pairs(
                lambda: subprocess.run([PY, "-c", _BY_HAND, port], env=env, check=True),
                lambda: subprocess.run(
                    [PY, "-c", _CONNECT, str(root / f"client{next(n)}")], env=env, check=True
                ),
                pairs=pairs,
            )
        finally:
            engine.stop()
        ok_warm = warm.report(
            "connect(), engine running",
            Goal("<=", RUNNING_GOAL_S, "cpu", extra=True),
            anchor_name="python + the requests by hand",
            work_name="python + connect()",
        )
        print(f"  extra: wall {warm.extra('wall'):.3f} s   CPU {warm.extra('cpu'):.3f} s")
        # -- engine not running --------------------------------------------------------------
        m = iter(range(10**6))

        def cold_connect() -> None:
            i = next(m)
            cold_env = child_env(root / f"cold{i}", cache, NEMO_ENGINE_WARM="0")
            subprocess.run(
                [PY, "-c", _CONNECT, str(root / f"cold-client{i}")], env=cold_env, check=True
            )

        k = iter(range(10**6))
        cold = run_pairs(
            lambda: start_by_hand(
                root / f"by-hand{next(k)}", child_env(root, cache, NEMO_ENGINE_WARM="0")
            ),
            cold_connect,
            pairs=pairs,
        )
    ok_cold = cold.report(
        "connect(), engine not running",
        Goal("<=", COLD_EXTRA_S, "cpu", extra=True),
        anchor_name="engine started by hand",
        work_name="python + connect()",
    )
    print(f"  extra: wall {cold.extra('wall'):.3f} s   CPU {cold.extra('cpu'):.3f} s")
    return exit_code(ok_warm, ok_cold)


if __name__ == "__main__":
    raise SystemExit(main())
