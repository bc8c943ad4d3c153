"""``backend="cloud"``: the same batch as NemoVideo sessions, one per file, a few at a time.

Everything goes through the public client (:func:`nemo_widgets.aconnect`): upload, the
caption requests a person would type, the caption files (an engine extension) or the export,
and the metadata. Before any upload the credits are checked against an estimate of what the
batch costs; a balance that cannot cover it is refused with the numbers. Requests that are
safe to repeat (opening a session, uploading, reading captions, downloading) are retried on
408, 429 and 5xx, as the contract's clients do; a chat message is never re-sent (it may
have been charged).
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

from .options import BatchOptions, Item
from .progress import BatchProgress
from .work import (
    RECEIPT_VERSION,
    STEPS,
    Folder,
    InputError,
    _local_copy,
    input_fingerprint,
    new_row,
    receipt_name,
)

log = logging.getLogger(__name__)
T = TypeVar("T")

#: What the services charge per file (the engine's prices, which follow the contract's
#: "text 5-15 credits"): captions, each further caption edit (preset, style), metadata.
#: Exporting is free.
CAPTIONS_CREDITS = 10
EDIT_CREDITS = 2
METADATA_CREDITS = 10
#: Waits before each retry of a repeatable request (408, 429, 5xx, unreachable).
RETRY_DELAYS_S = (2.0, 5.0)


def credits_per_file(options: BatchOptions) -> int:
    """The estimate for one file under ``options``."""
    cost = CAPTIONS_CREDITS
    cost += EDIT_CREDITS if options.preset != "netflix" else 0
    cost += EDIT_CREDITS if options.style != "plain" else 0
    cost += EDIT_CREDITS if options.ratio else 0
    cost += METADATA_CREDITS if options.metadata else 0
    return cost


def _repeatable(exc: BaseException) -> bool:
    from ..api import errors as E

    if isinstance(exc, E.RateLimitedError | E.ServerUnreachableError):
        return True
    status = getattr(exc, "status", None)
    return isinstance(exc, E.NemoError) and status is not None and (status >= 500 or status == 408)


async def with_retries(
    call: Callable[[], Awaitable[T]],
    *,
    delays_s: tuple[float, ...] = RETRY_DELAYS_S,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> T:
    """``await call()``, again after each delay while it fails with a repeatable error."""
    for delay in (*delays_s, None):
        try:
            return await call()
        except Exception as exc:
            if delay is None or not _repeatable(exc):
                raise
            log.info("batch: %s; retrying in %.0f s", exc, delay)
            await sleep(delay)
    raise AssertionError("unreachable")


def caption_on_cloud(
    todo: list[Item],
    options: BatchOptions,
    view: BatchProgress,
    *,
    base_url: str | None = None,
    token: str | None = None,
    concurrency: int = 4,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> dict[str, dict[str, Any]]:
    """Rows for ``todo`` captioned as sessions on ``base_url`` (default the NemoVideo cloud)."""
    from .. import _sync

    return _sync.run(_caption_all(todo, options, view, base_url, token, max(1, concurrency), sleep))


async def _connect(base_url: str | None, token: str | None, sleep: Any) -> Any:
    from ..session import aconnect

    return await with_retries(
        lambda: aconnect(base_url, backend="cloud", skill="ai-auto-caption", token=token),
        sleep=sleep,
    )


async def _caption_all(
    todo: list[Item],
    options: BatchOptions,
    view: BatchProgress,
    base_url: str | None,
    token: str | None,
    concurrency: int,
    sleep: Any,
) -> dict[str, dict[str, Any]]:
    from ..api.errors import OutOfCreditsError

    first = await _connect(base_url, token, sleep)
    balance = await with_retries(first.acredits, sleep=sleep)
    per_file = credits_per_file(options)
    need = per_file * len(todo)
    if balance.available < need:
        await first.aclose()
        raise OutOfCreditsError(
            f"Not started: the batch needs about {need} credits ({len(todo)} files x "
            f"{per_file}) and {balance.available} are available. Caption fewer files at a "
            "time, or caption them offline and free with backend='local'",
            bind_url=getattr(first._client, "bind_url", None),
        )
    limit = asyncio.Semaphore(concurrency)
    stop: list[str] = []  # set when the credits ran out after all: later files are not begun
    sessions = [first]

    async def one(item: Item) -> tuple[str, dict[str, Any]]:
        async with limit:
            if stop:
                return item.name, _row(item, error=f"Not started: {stop[0]}")
            view.set(item.name, "running")
            session = sessions.pop() if sessions else await _connect(base_url, token, sleep)
            try:
                row = await _caption_one(session, item, options, sleep)
            except OutOfCreditsError as exc:
                stop.append(str(exc))
                row = _row(item, error=str(exc))
            finally:
                await session.aclose()
            view.set(item.name, row["status"], row.get("error") or "")
            return item.name, row

    done = await asyncio.gather(*(one(item) for item in todo))
    for leftover in sessions:
        await leftover.aclose()
    return dict(done)


async def _counts(session: Any, options: BatchOptions) -> dict[str, Any]:
    """Language, words and cues from the word-level captions, where the server has them."""
    from ..api.errors import NemoError

    try:
        body = json.loads(await session.acaptions(options.language, "json"))
    except (NemoError, ValueError):  # NemoVideo's cloud has no captions endpoint
        return {"language": options.language}
    return {
        "language": body.get("language") or options.language,
        "words": len(body.get("words") or []),
        "cues": len(body.get("cues") or []),
    }


def _row(item: Item, **values: Any) -> dict[str, Any]:
    row = new_row(item.source, item.name, "cloud")
    row.update(values)
    return row


async def _caption_one(
    session: Any, item: Item, options: BatchOptions, sleep: Any
) -> dict[str, Any]:
    from ..api.errors import NemoError, OutOfCreditsError
    from ..cli import caption_requests  # the messages a person types, as the CLI sends them

    row = _row(item, worker=f"cloud session {session.session_id[:12]}")
    seconds: dict[str, float] = {}
    folder = Folder(options.output)
    written: dict[str, int] = {}
    started = time.perf_counter()
    step = "fetch"

    def timed(name: str) -> float:
        nonlocal step
        step = name
        return time.perf_counter()

    try:
        fingerprint = input_fingerprint(item.source)
        t0 = timed("fetch")
        with _local_copy(item.source) as path:
            if not path.is_file() or path.stat().st_size == 0:
                raise InputError(
                    f"{path.name} is missing or empty (0 bytes); check the path, or copy the "
                    "file again."
                )
            seconds["fetch"] = time.perf_counter() - t0
            t0 = timed("probe")  # the service checks the file as it receives it
            files = await with_retries(lambda: session.aupload(path), sleep=sleep)
            seconds["probe"] = time.perf_counter() - t0
            row["duration_s"] = files[0].duration_s if files else None
        t0 = timed("recognise")
        lang = options.language or "auto"
        style = options.style if options.style != "plain" else None
        preset = options.preset if options.preset != "netflix" else None
        for message in caption_requests(lang, style=style, preset=preset):
            reply = await session.achat(message)
            if reply.errors and not reply.changes:
                raise InputError("; ".join(reply.errors))
        if options.ratio:
            await session.achat(f"make it {options.ratio}")
        seconds["recognise"] = time.perf_counter() - t0
        t0 = timed("write")
        folder.ensure()
        for fmt in options.formats:
            text = await with_retries(
                lambda fmt=fmt: session.acaptions(options.language, fmt), sleep=sleep
            )
            data = text.encode("utf-8")
            out = f"{item.name}.{fmt}"
            row["outputs"].append(folder.write(out, data))
            written[out] = len(data)
        row.update(await _counts(session, options))
        seconds["write"] = time.perf_counter() - t0
        if options.burn:
            t0 = timed("burn")
            job = await session.aexport(quality=options.quality)
            await job
            out = f"{item.name}_captioned.mp4"
            with tempfile.TemporaryDirectory(prefix="nemo-batch-") as tmp:
                local = Path(tmp) / out
                await with_retries(lambda: job.adownload(local), sleep=sleep)
                written[out] = local.stat().st_size
                row["outputs"].append(folder.put(out, local))
            seconds["burn"] = time.perf_counter() - t0
        if options.metadata:
            t0 = timed("metadata")
            await session.achat("generate titles, a description, tags and chapters for my video")
            meta = (await session.ametadata()).to_dict()
            data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
            out = f"{item.name}.metadata.json"
            row["outputs"].append(folder.write(out, data))
            written[out] = len(data)
            seconds["metadata"] = time.perf_counter() - t0
        row["status"] = "done"
        receipt = {
            "version": RECEIPT_VERSION,
            "input": item.source,
            "input_fingerprint": fingerprint,
            "options": options.digest(),
            "outputs": written,
            "row": {k: v for k, v in row.items() if k not in {"status", "error"}},
            "finished_at": time.time(),
        }
        folder.write(receipt_name(item.name), json.dumps(receipt, indent=1).encode())
    except OutOfCreditsError:
        raise
    except (InputError, NemoError, ValueError, OSError) as exc:
        row["error"] = str(exc) if isinstance(exc, InputError) else f"{step}: {exc}"
    row.update({f"{s}_s": round(seconds[s], 4) if s in seconds else None for s in STEPS})
    row["total_s"] = round(time.perf_counter() - started, 4)
    return row
