"""The Dask cluster a batch runs on: a local one sized to the machine, or one you already have.

With no scheduler, :func:`open_client` starts a ``LocalCluster`` of worker *processes* (one
recognition at a time per process: the speech model's decoder is process-wide), each with
one task thread and the machine's cores shared out as recognition threads. With an address
(``tcp://host:8786``) or a ``distributed.Client``, the batch uses that cluster as it is.
Either way :class:`SpeechModelPerWorker` loads the speech model once on each worker, when
the worker joins, so no file pays for loading it.
"""

from __future__ import annotations

import importlib.util
import logging
import os
from dataclasses import dataclass
from typing import Any

try:  # the optional extra: this module is imported only when a batch runs on Dask
    from distributed import WorkerPlugin as _WorkerPlugin
except ImportError:  # pragma: no cover - require_distributed() says what to install
    _WorkerPlugin = object  # type: ignore[assignment,misc]

log = logging.getLogger(__name__)

_INSTALL = 'pip install "nemo-widgets[batch]"'


def require_distributed() -> Any:
    """``distributed``, or an :class:`ImportError` saying how to install it."""
    try:
        import distributed
    except ImportError as exc:  # the optional extra
        raise ImportError(
            f"Batch captioning runs on Dask distributed, which is not installed: {_INSTALL}"
        ) from exc
    return distributed


def machine_cores() -> int:
    """Cores this process may use (its CPU affinity, not every core of a shared host)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS, Windows
        return os.cpu_count() or 1


@dataclass(frozen=True)
class LocalSize:
    """How a local cluster shares the machine: worker processes x recognition threads each."""

    workers: int
    threads: int

    @classmethod
    def for_machine(cls, workers: int | None = None, cores: int | None = None) -> LocalSize:
        """One worker per core up to 4 cores (ffmpeg and Python overlap recognition there),
        then one per two cores (a model and its buffers cost ~300 MB a process); the
        cores split evenly into each worker's recognition threads."""
        cores = cores or machine_cores()
        n = workers or (cores if cores <= 4 else cores // 2)
        n = max(1, int(n))
        return cls(workers=n, threads=max(1, cores // n))


class SpeechModelPerWorker(_WorkerPlugin):  # type: ignore[misc,valid-type]
    """A Dask worker plugin: recognition threads set, the speech model loaded once per worker.

    Registered with ``client.register_plugin``; Dask runs :meth:`setup` on every worker,
    including one that replaces a worker that died, so retried files find the model ready.
    """

    name = "nemo-widgets-speech-model"

    def __init__(self, language: str | None, threads: int | None) -> None:
        self.language = language
        self.threads = threads

    def setup(self, worker: Any = None) -> None:
        if self.threads:  # a local cluster's share of the cores, whatever the parent had set
            os.environ["NEMO_WHISPER_THREADS"] = str(self.threads)
        try:
            _warm(self.language)
        except Exception:  # a file that needs the model reports the reason in its row
            log.warning("batch: speech model not preloaded on this worker", exc_info=True)

    def teardown(self, worker: Any = None) -> None:
        pass


#: Languages whose models this process has loaded and run (each batch registers the plugin
#: again: a worker that has them warm already does nothing).
_WARMED: set[str | None] = set()


def _warm(language: str | None) -> None:
    """Load the model(s) ``language`` needs and run them once, as the engine's warm-up does."""
    if language in _WARMED:
        return
    _WARMED.add(language)
    import numpy as np

    from ..engine.captions import recognize, timing

    if language is None:  # detection needs the multilingual model and the English one
        recognize.warm_up()
        return
    choice = recognize.resolve_model(language=language)
    if choice.engine != "faster-whisper" or choice.source == "download":
        return
    model = recognize.whisper_model(choice)
    noise = np.random.default_rng(0).normal(0, 1e-3, recognize.SAMPLE_RATE).astype(np.float32)
    beam = recognize.BEAM_SIZE.get(choice.name, recognize.DEFAULT_BEAM_SIZE)
    segments, _ = model.transcribe(
        noise, language=language, beam_size=beam, word_timestamps=True, vad_filter=False
    )
    list(segments)  # first-call kernel set-up, paid here rather than by the first file
    segments, _ = model.transcribe(noise, language=language, beam_size=beam, vad_filter=True)
    list(segments)  # and the VAD model, loaded once
    with timing.aligner():  # English timing refinement's decoder
        pass


class Cluster:
    """A ``distributed.Client`` for a batch, and whether the batch owns (and closes) it."""

    def __init__(self, client: Any, *, owned: bool, local: Any = None, threads: int | None) -> None:
        self.client = client
        self.owned = owned
        self.local = local
        self.threads = threads

    @property
    def workers(self) -> int:
        return len(self.client.scheduler_info(n_workers=-1).get("workers", {}))

    def close(self) -> None:
        if self.owned:
            self.client.close()
        if self.local is not None:
            self.local.close()


def open_cluster(
    scheduler: Any = None, *, workers: int | None = None, language: str | None = None
) -> Cluster:
    """Connect to ``scheduler`` (address or ``Client``), else start a local cluster.

    Parameters
    ----------
    scheduler
        ``None`` (a local cluster), a scheduler address (``"tcp://10.0.0.5:8786"``), or a
        ``distributed.Client`` you made (left open afterwards).
    workers
        Worker processes of a local cluster (default: sized to the machine, see
        :meth:`LocalSize.for_machine`).
    language
        The batch's spoken language, so workers preload the model that recognises it.
    """
    distributed = require_distributed()
    if isinstance(scheduler, distributed.Client):
        cluster = Cluster(scheduler, owned=False, threads=None)
    elif scheduler is not None:
        address = str(scheduler)
        try:
            client = distributed.Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ConnectionError(
                f"No Dask scheduler answered at {address}: start one (dask scheduler, "
                "dask-kubernetes, dask-jobqueue, Coiled) or check the address and its port."
            ) from exc
        cluster = Cluster(client, owned=True, threads=None)
    else:
        size = LocalSize.for_machine(workers)
        dashboard = ":0" if importlib.util.find_spec("bokeh") else None
        local = distributed.LocalCluster(
            n_workers=size.workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=dashboard,
            silence_logs=logging.ERROR,
        )
        client = distributed.Client(local)
        cluster = Cluster(client, owned=True, local=local, threads=size.threads)
    if cluster.local is None and not cluster.workers:
        try:  # a scheduler whose workers are still starting (an adaptive cluster scaling up)
            cluster.client.wait_for_workers(1, timeout=60)
        except TimeoutError as exc:
            cluster.close()
            raise ConnectionError(
                f"The Dask scheduler at {cluster.client.scheduler.address} has no workers: "
                "start some (dask worker ADDRESS, or scale the cluster), then run the batch."
            ) from exc
    cluster.client.register_plugin(
        SpeechModelPerWorker(language, cluster.threads), name=SpeechModelPerWorker.name
    )
    return cluster
