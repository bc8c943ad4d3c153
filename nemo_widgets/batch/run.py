"""``nw.caption_batch(...)``: caption a folder, a glob or a list of files on a Dask cluster.

Every file goes through :func:`.work.caption_file` on some worker; a file whose outputs an
earlier run completed (same options, input unchanged) is skipped; the result is one row per
input, in the order given. A worker that dies mid-file has its file rescheduled by the Dask
scheduler on another worker (up to ``distributed.scheduler.allowed-failures`` times); a bad
input becomes an error row and the batch goes on.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from typing import Any

from .options import MAX_DURATION_S, BatchOptions, Item, expand_inputs
from .progress import BatchProgress
from .work import STEPS, StepHook, caption_file, finished_row

log = logging.getLogger(__name__)

COLUMNS = [
    "input",
    "name",
    "status",
    "duration_s",
    "language",
    "words",
    "cues",
    "outputs",
    "error",
    "worker",
    *(f"{step}_s" for step in STEPS),
    "total_s",
]


def _formats(formats: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(formats, str):
        return tuple(f.strip() for f in formats.split(",") if f.strip())
    return tuple(formats)


def error_row(item: Item, message: str) -> dict[str, Any]:
    return {"input": item.source, "name": item.name, "status": "error", "error": message}


def caption_batch(
    inputs: Any,
    *,
    lang: str | None = None,
    preset: str = "netflix",
    style: str = "plain",
    formats: str | Iterable[str] = ("srt",),
    burn: bool = False,
    metadata: bool = False,
    ratio: str | None = None,
    quality: str = "high",
    output: str = "captions",
    scheduler: Any = None,
    workers: int | None = None,
    backend: str = "local",
    progress: str | bool | None = "auto",
    max_duration_s: float = MAX_DURATION_S,
    max_bytes: int | None = None,
    on_step: StepHook | None = None,
    base_url: str | None = None,
    token: str | None = None,
    concurrency: int = 4,
) -> Any:
    """Caption many files: subtitles (and optionally burned-in MP4s and metadata) for each.

    Parameters
    ----------
    inputs : str, path or list of them
        Files, folders, glob patterns (``"lectures/*.mp4"``) or fsspec URLs (``file://...``;
        ``s3://bucket/*.mp4``, ``gs://``... with s3fs, gcsfs... installed).
    lang : str, optional
        The spoken language (``"en"``, ``"es"``...); default: detected per file.
    preset, style : str
        Caption rules (``netflix``, ``bbc``, ``vertical``, ``subtitle-edit``) and burn-in look
        (``plain``, ``boxed``, ``karaoke``, ``vertical``).
    formats : str or list of str
        Caption files per input: ``srt``, ``vtt``, ``ass``, ``json`` (``"srt,vtt"`` works).
    burn : bool
        Also write ``<name>_captioned.mp4`` (H.264/AAC, captions burned in).
    metadata : bool
        Also write ``<name>.metadata.json`` (titles, description, tags, chapters).
    ratio : str, optional
        Canvas of the burned-in MP4 (``"9:16"``, ``"1:1"``, ``"4:5"``, ``"16:9"``).
    quality : str
        MP4 quality: ``high``, ``medium``, ``low``.
    output : str
        Folder (or fsspec URL) for every output and the per-input receipts that make a rerun
        skip finished files. On a remote cluster, a folder every worker can reach.
    scheduler : str or distributed.Client, optional
        An existing cluster (``"tcp://host:8786"`` or a client); default a local cluster of
        worker processes sized to this machine.
    workers : int, optional
        Worker processes of the local cluster.
    backend : {"local", "cloud"}
        ``"cloud"``: the same work as NemoVideo sessions (one per file, ``concurrency`` at a
        time), after checking the credits cover it; ``base_url`` and ``token`` as for
        :func:`nemo_widgets.connect`.
    progress : {"auto", "notebook", "terminal"} or None
        The live view (a notebook view under IPython, a bar on stderr otherwise).
    max_duration_s, max_bytes
        Inputs over these get an error row (default 4 h and 500 MB).
    on_step : callable, optional
        ``on_step(step, source)`` on the worker before each step.

    Returns
    -------
    pandas.DataFrame
        One row per input: ``status`` (``done``, ``skipped``, ``error``), ``duration_s``,
        ``language``, ``words``, ``cues``, ``outputs``, ``error`` and seconds per step
        (``probe_s``, ``recognise_s``...). ``df.attrs["wall_s"]`` is the batch's wall time.
    """
    import pandas as pd

    from .. import schema

    if backend not in {"local", "cloud"}:
        raise ValueError('backend must be "local" (Dask, offline) or "cloud" (NemoVideo).')
    options = BatchOptions(
        language=lang,
        preset=preset,
        style=style,
        formats=_formats(formats),
        burn=burn,
        metadata=metadata,
        ratio=ratio,
        quality=quality,
        output=output,
        max_duration_s=max_duration_s,
        max_bytes=max_bytes or schema.MAX_UPLOAD_BYTES,
    ).checked()
    items = expand_inputs(inputs)
    started = time.perf_counter()
    view = BatchProgress([i.name for i in items], progress)
    rows: dict[str, dict[str, Any]] = {}
    todo: list[Item] = []
    for item in items:
        if item.problem:
            rows[item.name] = error_row(item, item.problem)
        elif (earlier := finished_row(item.source, item.name, options)) is not None:
            rows[item.name] = earlier
        else:
            todo.append(item)
            continue
        view.set(item.name, rows[item.name]["status"], rows[item.name].get("error") or "")
    meta: dict[str, Any] = {}
    try:
        if todo and backend == "cloud":
            from .cloud import caption_on_cloud

            rows.update(
                caption_on_cloud(
                    todo,
                    options,
                    view,
                    base_url=base_url,
                    token=token,
                    concurrency=concurrency,
                )
            )
        elif todo:
            rows.update(_on_dask(todo, options, view, scheduler, workers, on_step, meta))
    finally:
        view.close()
    frame = pd.DataFrame([rows[i.name] for i in items], columns=COLUMNS)
    frame.attrs["wall_s"] = round(time.perf_counter() - started, 3)
    frame.attrs.update(meta)
    return frame


def _on_dask(
    todo: list[Item],
    options: BatchOptions,
    view: BatchProgress,
    scheduler: Any,
    workers: int | None,
    on_step: StepHook | None,
    meta: dict[str, Any],
) -> dict[str, dict[str, Any]]:
    import distributed

    from .cluster import open_cluster

    cluster = open_cluster(scheduler, workers=workers, language=options.language)
    client = cluster.client
    meta["workers"] = cluster.workers
    futures: dict[Any, Item] = {}
    rows: dict[str, dict[str, Any]] = {}
    try:
        run = uuid.uuid4().hex[:8]
        for item in todo:
            fut = client.submit(
                caption_file,
                item.source,
                item.name,
                options,
                on_step,
                key=f"caption-{item.name}-{run}",
                pure=False,
            )
            futures[fut] = item
        by_key = {f.key: item for f, item in futures.items()}
        pending = set(futures)
        while pending:
            try:  # woken by the first file to finish (or each half second, for the view)
                finished, pending = distributed.wait(
                    pending, timeout=0.5, return_when="FIRST_COMPLETED"
                )
            except TimeoutError:
                finished = set()
            for fut in finished:
                item = futures[fut]
                rows[item.name] = _row_of(fut, item)
                view.set(item.name, rows[item.name]["status"], rows[item.name].get("error") or "")
            if pending:
                _mark_running(client, by_key, view)
    except BaseException:
        client.cancel(list(futures), force=True)
        raise
    finally:
        cluster.close()
    return rows


def _mark_running(client: Any, by_key: dict[Any, Item], view: BatchProgress) -> None:
    """Files a worker is on now are ``running``; one rescheduled after a death goes back."""
    try:
        processing = client.processing()
    except Exception:  # the scheduler is busy or restarting a worker: next round
        return
    running = {key for keys in processing.values() for key in keys}
    for key, item in by_key.items():
        state = view.state.get(item.name)
        if state in {"queued", "running"}:
            view.set(item.name, "running" if key in running else "queued")


def _row_of(fut: Any, item: Item) -> dict[str, Any]:
    if fut.status == "finished":
        return fut.result()
    try:
        exc = fut.exception()
    except Exception as err:  # cancelled, or the scheduler went away
        exc = err
    from distributed import KilledWorker

    if isinstance(exc, KilledWorker):
        message = (
            "The workers captioning this file died each time it was tried (out of memory, "
            "or a crash in a decoder); the file may be damaged. Try it alone with "
            f"`nemo-widgets caption {item.source}`, or give the workers more memory."
        )
    else:
        message = f"{type(exc).__name__}: {exc}"
    return error_row(item, message)
