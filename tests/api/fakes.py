"""A scriptable fake NemoVideo server behind ``httpx.MockTransport``, for protocol variants.

The real engine (``tests/conftest.py``) covers normal behaviour end to end; this fake covers
the shapes the engine never produces (other envelopes, frame styles, poll shapes, 1001 in the
middle of a session, 429, broken streams).
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

SID = "5529798706024415232"
TASK = "task_abc"
ANON = "anon_abc123"

SAMPLE_DRAFT: dict[str, Any] = {
    "d": 10000,
    "m": {"title": "Urban Dreams", "width": 1080, "height": 1920, "fps": 30, "ratio": "9:16"},
    "t": [
        {
            "id": "trk_v1",
            "tt": 0,
            "n": "Video",
            "sg": [
                {
                    "id": "seg_v1",
                    "st": 0,
                    "et": 10000,
                    "so": 0,
                    "src": "https://cdn.example.com/gen/city_timelapse.mp4",
                    "nm": "city timelapse",
                }
            ],
        },
        {
            "id": "trk_a1",
            "tt": 1,
            "n": "BGM",
            "sg": [
                {
                    "id": "seg_a1",
                    "st": 0,
                    "et": 10000,
                    "so": 0,
                    "src": "https://cdn.example.com/bgm/lofi.mp3",
                    "nm": "Lo-fi",
                    "vol": 0.35,
                    "fi": 500,
                    "fo": 1000,
                }
            ],
        },
        {
            "id": "trk_t1",
            "tt": 7,
            "n": "Title",
            "sg": [
                {
                    "id": "seg_t1",
                    "st": 0,
                    "et": 3000,
                    "txt": "Urban Dreams",
                    "sty": {"color": "#FFFFFF", "size": 32, "pos": "top-center", "anim": "fade-in"},
                }
            ],
        },
    ],
}


def sample_draft() -> dict[str, Any]:
    return copy.deepcopy(SAMPLE_DRAFT)


def sse(*frames: Any, comment: str | None = None) -> bytes:
    """Encode frames (dicts -> JSON ``data:``; str -> raw line block) as an SSE body."""
    out = []
    if comment:
        out.append(f": {comment}\n\n")
    for f in frames:
        out.append(f if isinstance(f, str) else f"data: {json.dumps(f)}\n\n")
    return "".join(out).encode()


class BrokenStream(httpx.AsyncByteStream):
    """Yields some chunks, then fails like a dropped connection."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for c in self.chunks:
            yield c
        raise httpx.ReadError("connection reset by peer")

    async def aclose(self) -> None:
        self.closed = True


class FakeNemo:
    """Routes requests like mega-api-prod; tweak attributes or ``queue`` canned responses."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.tokens_issued = 0
        self.valid: set[str] = set()
        self.client_ids: list[str] = []
        self.state: dict[str, Any] = {"draft": {}, "video_infos": []}
        self.sse_body: bytes | Callable[[], httpx.Response] = sse(
            {"content": {"parts": [{"text": "Done."}]}}
        )
        self.after_chat: Callable[[], None] | None = None
        self.renders: dict[str, list[Any]] = {}
        self.default_poll: list[Any] = [
            {"success": True, "data": {"status": "processing", "progress": 50}},
            {
                "success": True,
                "data": {
                    "status": "completed",
                    "progress": 100,
                    "outputUrl": "https://static1.example.com/render-result/out.mp4",
                },
            },
        ]
        self._queued: list[tuple[re.Pattern[str], httpx.Response]] = []
        self.transport = httpx.MockTransport(self.handle)

    # -- helpers ----------------------------------------------------------------------------

    def queue(self, path_regex: str, response: httpx.Response) -> None:
        """The next request whose ``METHOD path`` matches gets ``response``."""
        self._queued.append((re.compile(path_regex), response))

    def calls(self, fragment: str) -> list[httpx.Request]:
        return [r for r in self.requests if fragment in f"{r.method} {r.url.path}"]

    def expire_tokens(self) -> None:
        self.valid.clear()

    @staticmethod
    def ok(data: Any, status: int = 200) -> httpx.Response:
        return httpx.Response(status, json={"code": 0, "message": "ok", "data": data})

    @staticmethod
    def err(status: int, code: int | None = None, message: str = "error") -> httpx.Response:
        body: dict[str, Any] = {"message": message, "data": None}
        if code is not None:
            body["code"] = code
        return httpx.Response(status, json=body)

    # -- routing ----------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.content)
        key = f"{request.method} {request.url.path}"
        for i, (pattern, response) in enumerate(self._queued):
            if pattern.search(key):
                del self._queued[i]
                return response
        path = request.url.path
        if request.url.host != "api.test":
            return self._external(request)
        if path == "/api/auth/anonymous-token":
            cid = request.headers.get("X-Client-Id")
            if not cid:
                return self.err(400, message="X-Client-Id header is required")
            self.client_ids.append(cid)
            self.tokens_issued += 1
            token = f"nmv_usr_SECRET{self.tokens_issued}xyzTOKEN"
            self.valid.add(token)
            return self.ok(
                {
                    "token": token,
                    "user_id": ANON,
                    "credits": 100,
                    "expires_at": "2099-01-01T00:00:00Z",
                }
            )
        auth = request.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.valid:
            return self.err(401, 1001, "Unauthorized (token invalid/expired)")
        if path == "/api/tasks/me/with-session/nemo_agent":
            return self.ok({"task_id": TASK, "session_id": SID, "user_id": ANON})
        if path == "/api/auth/claim-token":
            return self.ok({"claim_token": "clm_123", "expires_in": 604800})
        if path == "/api/credits/balance/simple":
            return self.ok({"available": 25000, "frozen": 40, "total": 25040})
        if re.fullmatch(r"/api/state/nemo_agent/me/[^/]+/latest", path):
            if path.split("/")[5] != SID:
                return self.err(404, 1002, "Session not found")
            return self.ok(
                {"session_id": SID, "task_id": TASK, "task_name": "project", "state": self.state}
            )
        if path == "/run_sse":
            body = self.sse_body() if callable(self.sse_body) else self.sse_body
            if self.after_chat is not None:
                self.after_chat()
            if isinstance(body, httpx.Response):
                return body
            return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)
        if path.startswith("/api/upload-video/nemo_agent/me/"):
            ctype = request.headers.get("content-type", "")
            if ctype.startswith("application/json"):
                urls = json.loads(request.content)["urls"]
                names = [u.rsplit("/", 1)[-1] for u in urls]
            else:
                names = re.findall(rb'filename="([^"]+)"', request.content)
                names = [n.decode() for n in names]
            files = [
                {"filename": n, "file_type": "video", "cdn_url": f"https://cdn.example.com/{n}",
                 "duration": 3.0, "width": 640, "height": 360, "fps": 25, "hash": "h"}
                for n in names
            ]  # fmt: skip
            self.state.setdefault("video_infos", []).extend(files)
            return self.ok({"files": files, "session_state_applied": True})
        if path == "/api/render/proxy/lambda" and request.method == "POST":
            rid = json.loads(request.content)["id"]
            self.renders.setdefault(rid, list(self.default_poll))
            return httpx.Response(
                200, json={"success": True, "data": {"id": rid, "status": "pending", "progress": 5}}
            )
        m = re.fullmatch(r"/api/render/proxy/lambda/([^/]+)(/cancel)?", path)
        if m:
            rid = m.group(1)
            if m.group(2):
                return httpx.Response(200, json={"success": True, "data": {"status": "cancelled"}})
            polls = self.renders.get(rid)
            if polls is None:
                return httpx.Response(404, json={"success": False, "error": "unknown render"})
            item = polls.pop(0) if len(polls) > 1 else polls[0]
            return item if isinstance(item, httpx.Response) else httpx.Response(200, json=item)
        if path.startswith("/api/captions/nemo_agent/me/"):
            fmt = request.url.params.get("format", "srt")
            if not self.state.get("captions"):
                return self.err(404, 4004, "No captions yet: ask for captions first")
            return httpx.Response(200, text=f"1\n00:00:00,000 --> 00:00:01,000\nHello ({fmt})\n")
        return self.err(404, message=f"no route {path}")

    def _external(self, request: httpx.Request) -> httpx.Response:
        """The CDN / third-party hosts: never sees our headers."""
        if request.method == "HEAD":
            size = 600 * 2**20 if "huge" in request.url.path else 1000
            return httpx.Response(200, headers={"content-length": str(size)})
        return httpx.Response(200, content=b"\x00\x00\x00\x18ftypmp42" + b"0" * 5000)
