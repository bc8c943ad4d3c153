"""Import cost: ``import nemo_widgets``, and everything the first ``nw.connect()`` imports.

What: fresh interpreters (the venv's python), each timed from spawn to exit, CPU of the child
(user + system) and wall. Three kinds of child:

* anchor: a bare interpreter (``python -c pass``: start-up, ``site``, nothing else);
* ``import nemo_widgets``;
* the modules a real first ``nw.connect()`` to a running engine leaves in ``sys.modules``
  (found once at the start by a child that really connects to a temporary engine; the
  connection itself is ``bench_connect.py``'s business): nemo-widgets' own first, which
  import what they import at module level, then the rest, which connect() imported lazily.

Goal (issue 15): each < 0.3 s of CPU more than the bare interpreter (median of the per-pair
differences, interleaved A/B pairs). The ``-X importtime`` top ten is printed for the
connect set so a regression names its culprit.

Run: ``.venv/bin/python bench/bench_imports.py [--pairs 9] [--quick]``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
from _pairs import Goal, exit_code, pairs_from, parser, run_pairs

GOAL_EXTRA_S = 0.3
PY = sys.executable

#: run in a child: connect to the engine at argv[1], print the modules it imported
_FIND = """
import json, sys
before = set(sys.modules)
import nemo_widgets as nw
s = nw.connect(sys.argv[1], store_dir=sys.argv[2])
s.close()
print(json.dumps([m for m in sys.modules if m not in before]))
"""

#: nemo-widgets' own modules first, as connect() imports them (sys.modules is in order of
#: completion, leaves first), then whatever connect() imported later at run time
_IMPORT_ALL = """
import importlib, json, sys
names = json.loads(sys.argv[1])
ours = [n for n in names if n.split(".")[0] == "nemo_widgets"]
for name in ours + [n for n in names if n not in ours]:
    try:
        importlib.import_module(name)
    except Exception:  # a private helper module that cannot be imported by itself
        pass
"""


def connect_modules(folder: Path) -> list[str]:
    """The modules the first ``connect()`` imports, found on a real (temporary) engine."""
    from nemo_widgets.engine.launcher import ensure_engine

    engine = ensure_engine(folder / "engine", env={"NEMO_ENGINE_WARM": "0"})
    try:
        out = subprocess.run(
            [PY, "-c", _FIND, engine.url, str(folder / "client")],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
    finally:
        engine.stop()
    return json.loads(out.stdout.strip().splitlines()[-1])


#: children compile once (the untimed warm-up) and then read bytecode, as a user's installed
#: package does; this machine's sessions set PYTHONDONTWRITEBYTECODE, which would otherwise
#: make every child compile nemo-widgets' sources again (~45 ms). The cache lives in a temp dir.
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def child(*argv: str) -> None:
    subprocess.run([PY, *argv], check=True, stdout=subprocess.DEVNULL, env=_ENV)


def top_imports(argv: list[str], n: int = 10) -> list[tuple[int, str]]:
    """Self time (µs) per top-level package under ``-X importtime``, largest first."""
    proc = subprocess.run(
        [PY, "-X", "importtime", *argv], capture_output=True, text=True, env=_ENV, check=True
    )
    per: Counter[str] = Counter()
    for line in proc.stderr.splitlines():
        m = re.match(r"import time:\s+(\d+) \|\s+\d+ \| \s*(\S+)", line)
        if m:
            per[m[2].split(".")[0]] += int(m[1])
    return [(us, name) for name, us in per.most_common(n)]


def main() -> int:
    args = parser(__doc__, default_pairs=9).parse_args()
    pairs = pairs_from(args)
    with tempfile.TemporaryDirectory(prefix="bench-imports-") as tmp:
        modules = connect_modules(Path(tmp))
        _ENV["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
        return measure(modules, pairs)


def measure(modules: list[str], pairs: int) -> int:
    print(f"the first connect() imports {len(modules)} modules "
          f"({sum(m.startswith('nemo_widgets') for m in modules)} of nemo-widgets)")  # fmt: skip
    heavy = [m for m in ("pandas", "plotly", "anywidget", "ipywidgets", "numpy") if m in modules]
    print(f"  of pandas, plotly, anywidget, ipywidgets, numpy: {heavy or 'none'}")
    listed = json.dumps(modules)
    bare = lambda: child("-c", "pass")  # noqa: E731
    goal = Goal("<=", GOAL_EXTRA_S, "cpu", extra=True)
    plain = run_pairs(bare, lambda: child("-c", "import nemo_widgets"), pairs=pairs)
    ok_plain = plain.report(
        "import nemo_widgets", goal, anchor_name="bare interpreter", work_name="import"
    )
    print(f"  extra: CPU {plain.extra('cpu'):.3f} s   wall {plain.extra('wall'):.3f} s")
    full = run_pairs(bare, lambda: child("-c", _IMPORT_ALL, listed), pairs=pairs)
    ok_full = full.report(
        "import nemo_widgets + connect()'s imports",
        goal,
        anchor_name="bare interpreter",
        work_name="imports",
    )
    print(f"  extra: CPU {full.extra('cpu'):.3f} s   wall {full.extra('wall'):.3f} s")
    print("  -X importtime, self time per package (one run, ms):")
    for us, name in top_imports(["-c", _IMPORT_ALL, listed]):
        print(f"    {name:<24} {us / 1000:6.1f}")
    return exit_code(ok_plain, ok_full)


if __name__ == "__main__":
    raise SystemExit(main())
