"""SSE parsing cost: nemo-widgets' typed events vs. plain httpx-sse iteration of the same bytes.

What: both read 100 k mixed frames (ADK partial / final text, tool calls and results,
``{"type"}`` frames, comment and empty-data heartbeats) from the same ``httpx.MockTransport``
stream in 64 KiB chunks (a transport, because this measures parsing, not the network).
Anchor: ``httpx_sse.aconnect_sse(...).aiter_sse()`` yielding raw ``ServerSentEvent`` objects;
the same with the ``json.loads`` any consumer needs is printed too. Interleaved A/B pairs, CPU
and wall, median of per-pair ratios. Goal: ours <= 1.5x the plain anchor (CPU).

Run: ``python bench/bench_sse.py [--pairs 5] [--quick]`` (``--quick``: 50 k frames).
"""

from __future__ import annotations

import asyncio
import json

import httpx
import httpx_sse
from _pairs import Goal, exit_code, pairs_from, parser, run_pairs

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


def main() -> int:
    args = parser(__doc__).parse_args()
    body = make_body(50_000 if args.quick else N_FRAMES)
    n = pairs_from(args)
    counts: dict[str, int] = {}

    def side(name, fn):
        return lambda: counts.__setitem__(name, asyncio.run(fn(body)))

    result = run_pairs(side("plain", plain), side("ours", ours), pairs=n)
    with_json = run_pairs(side("plain", plain), side("plain_json", plain_json), pairs=n)
    assert counts["ours"] <= counts["plain"], counts  # ours drops heartbeats and comments
    print(f"{len(body) / 2**20:.1f} MiB of SSE frames, {counts['plain']} events")
    with_json.report(
        "httpx-sse + json.loads (for scale)", anchor_name="httpx-sse aiter_sse", work_name="+json"
    )
    ok = result.report(
        "typed events", Goal("<=", 1.5, "cpu"), anchor_name="httpx-sse aiter_sse",
        work_name="nemo_widgets aiter_events",
    )  # fmt: skip
    return exit_code(ok)


if __name__ == "__main__":
    raise SystemExit(main())
