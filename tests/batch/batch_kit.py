"""Step hooks the batch tests send to Dask workers (pickled by value: workers need no tests/)."""

from __future__ import annotations

import os
import signal
from pathlib import Path


def kill_worker_once(step: str, source: str, *, target: str, step_name: str, marker: str) -> None:
    """Kill this worker process the first time it reaches ``step_name`` of ``target``.

    The marker file (written before the kill) holds the killed worker's pid, so the retry,
    on whichever worker, goes through and the test can tell a kill really happened.
    """
    if step != step_name or target not in source:
        return
    mark = Path(marker)
    try:
        fd = os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
    except FileExistsError:
        return  # the retry
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    os.kill(os.getpid(), signal.SIGKILL)


def refuse_work(step: str, source: str) -> None:
    """A hook that fails any step: a file that is really skipped never calls it."""
    raise RuntimeError(f"work was done on {source} ({step}) although its outputs were complete")
