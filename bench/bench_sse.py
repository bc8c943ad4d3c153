"""SSE parsing cost: nemo-widgets' typed events vs. plain httpx-sse iteration of the same bytes.

Both read 100 k mixed frames (ADK partial / final text, tool calls and results, ``{"type"}``
frames, comment and empty-data heartbeats) from the same ``httpx.MockTransport`` stream in
64 KiB chunks. The anchor is ``httpx_sse.aconnect_sse(...).aiter_sse()`` yielding raw
``ServerSentEvent`` objects; a second anchor adds the ``json.loads`` any consumer needs.
Target: ours ≤ 1.5× the plain anchor. Run: ``python bench/bench_sse.py``.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import httpx_sse

from nemo_widgets.api.sse import aiter_events

N_FRAMES = 100_000
CHUNK = 64 * 1024


def make_body(n: int) -> bytes:
    adk_partial = json.dumps(
        {"content": {"parts": [{"text": "Adding a title "}], "role": "model"}, "partial": True,
         "invocationId": "e-1", "author": "nemo_agent", "id": "x", "timestamp": 1773423613.61}
    )  # fmt: skip
    adk_final = json.dumps(
        {"content": {"parts": [{"text": "Adding a title "}], "role": "model"},
         "invocationId": "e-1", "author": "nemo_agent", "id": "y", "timestamp": 1773423613.62}
    )  # fmt: skip
    call = json.dumps(
        {"content": {"parts": [{"functionCall": {"id": "adk-1", "name": "edit_multitrack",
                                                 "args": {"text": "Hello", "d": 3000}}}]}}
    )  # fmt: skip
    result = json.dumps(
        {"content": {"parts": [{"functionResponse": {"id": "adk-1", "name": "edit_multitrack",
                                                     "response": {"ok": True}}}]}}
    )  # fmt: skip
    typed = json.dumps({"type": "text", "content": "Rendering at 50%"})
    frames = [
        f"data: {adk_partial}\n\n",
        f"data: {adk_final}\n\n",
        f"data: {call}\n\n",
        f"data: {result}\n\n",
        f"data: {typed}\n\n",
        ": keep-alive\n\n",
        "data:\n\n",
        'data: {"type":"heartbeat"}\n\n',
    ]
    return "".join(frames[i % len(frames)] for i in range(n)).encode()


class ChunkStream(httpx.AsyncByteStream):
    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self):
        for i in range(0, len(self.body), CHUNK):
            yield self.body[i : i + CHUNK]


def client_for(body: bytes) -> httpx.AsyncClient:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, stream=ChunkStream(body)
        )

    return httpx.AsyncClient(transport=httpx.MockTransport(handler), base_url="http://bench")


async def plain(body: bytes) -> int:
    async with client_for(body) as c, httpx_sse.aconnect_sse(c, "POST", "/run_sse") as es:
        return sum([1 async for _ in es.aiter_sse()])


async def plain_json(body: bytes) -> int:
    n = 0
    async with client_for(body) as c, httpx_sse.aconnect_sse(c, "POST", "/run_sse") as es:
        async for sse in es.aiter_sse():
            if sse.data:
                json.loads(sse.data)
            n += 1
    return n


async def ours(body: bytes) -> int:
    async with client_for(body) as c, c.stream("POST", "/run_sse") as resp:
        return sum([1 async for _ in aiter_events(resp.aiter_text())])


def main(repeat: int = 5) -> None:
    body = make_body(N_FRAMES)
    runs = {"plain": plain, "plain_json": plain_json, "ours": ours}
    best = {k: float("inf") for k in runs}
    counts = {}
    # Interleaved, best of ``repeat``: the machine is shared, so noise only ever adds time.
    for _ in range(repeat):
        for name, fn in runs.items():
            # CPU time of this process: other helpers' load on the 2 shared cores does not count.
            t = time.process_time()
            counts[name] = asyncio.run(fn(body))
            best[name] = min(best[name], time.process_time() - t)
    t_plain, t_json, t_ours = best["plain"], best["plain_json"], best["ours"]
    print(f"{N_FRAMES} frames, {len(body) / 2**20:.1f} MiB, best of {repeat} (interleaved)")
    rate_plain, rate_ours = counts["plain"] / t_plain, counts["ours"] / t_ours
    print(f"  httpx-sse aiter_sse (anchor) : {t_plain:6.3f} s CPU {rate_plain:>9,.0f} ev/s")
    print(f"  httpx-sse + json.loads       : {t_json:6.3f} s CPU ({t_json / t_plain:.2f}x anchor)")
    print(f"  nemo_widgets typed events    : {t_ours:6.3f} s CPU {rate_ours:>9,.0f} ev/s")
    ratio = t_ours / t_plain
    verdict = "OK" if ratio <= 1.5 else "OVER"
    print(f"  ratio ours / anchor = {ratio:.2f}x (target <= 1.5x): {verdict}")


if __name__ == "__main__":
    main()
