"""The engine's HTTP server: every call of the NemoVideo contract, on Starlette, for 127.0.0.1.

Routes follow ``shared/api/nemo-api.md`` (auth, sessions, ``/run_sse``, upload, credits, state,
render) plus the engine extensions of ``docs/internals.md`` (``/health``, ``/media/...``,
captions). Other engine modules add routes by defining ``routes`` (a list of Starlette routes)
in ``engine/captions/routes.py`` (or any module in :data:`ROUTE_MODULES`); their handlers use
:func:`require_session` / :func:`require_token` and ``request.app.state.store``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import importlib
import ipaddress
import json
import re
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from .. import __version__, schema
from . import uploads
from .agent import IMPORT_ERRORS, REGISTRY
from .agent.runner import Runner, media_for, message_text
from .config import EngineConfig
from .faults import Faults
from .jobs import RenderQueue, output_name
from .store import Store

#: Modules that may contribute a ``routes`` list (imported if present).
ROUTE_MODULES = ("nemo_widgets.engine.captions.routes", "nemo_widgets.engine.web")

_MEDIA_NAME = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9]+$")
_DONE = object()
#: longest chat message the engine reads: the agent's rule-based routing is regex matching
#: whose cost grows with the square of the length (20,000 characters take ~7 s, 100,000
#: minutes, all of it holding the event loop), and no request needs more
MAX_MESSAGE_CHARS = 10_000


# -- errors ---------------------------------------------------------------------------------------
class ApiError(Exception):
    """An error answer: ``{"code","message","data":null}`` (or the render envelope).

    ``render=True`` uses the render proxy's ``{"success": false, "error": ...}`` and also
    carries ``code``/``message`` so every documented client reads it.
    """

    def __init__(
        self,
        code: int,
        message: str,
        status: int | None = None,
        *,
        render: bool = False,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or schema.ERROR_HTTP_STATUS.get(code, 400)
        self.render = render
        self.headers = headers

    def response(self) -> JSONResponse:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "data": None}
        if self.render:
            body = {"success": False, "error": self.message, **body}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


async def _api_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "success", "data": data})


# -- auth helpers (also for route modules) -----------------------------------------------------
def _state(request: Request) -> Any:
    return request.app.state


def require_token(request: Request, *, render: bool = False) -> dict[str, Any]:
    """The token row of the request's ``Authorization: Bearer``; 1001 when bad or expired."""
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    value = value.strip()
    if scheme.lower() != "bearer" or not value:
        raise ApiError(
            schema.ErrorCode.TOKEN_INVALID,
            "Missing token: send 'Authorization: Bearer <token>' (get one from "
            "POST /api/auth/anonymous-token).",
            render=render,
        )
    row = _state(request).store.token(value)
    if row is None:
        raise ApiError(
            schema.ErrorCode.TOKEN_INVALID,
            "Unauthorized (token invalid): request a new anonymous token with the same "
            "X-Client-Id.",
            render=render,
        )
    if row["expires_at"] <= time.time():
        raise ApiError(
            schema.ErrorCode.TOKEN_INVALID,
            "Unauthorized (token expired): request a new anonymous token with the same "
            "X-Client-Id.",
            render=render,
        )
    return row


def require_session(
    request: Request, session_id: str, *, render: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """``(token_row, session_row)`` for a session the caller owns; 1001 / 1002 otherwise."""
    tok = require_token(request, render=render)
    session = _state(request).store.session(str(session_id)) if session_id else None
    if session is None or session["user_id"] != tok["user_id"]:
        raise ApiError(
            schema.ErrorCode.SESSION_NOT_FOUND,
            f"Session {session_id!r} not found: create a new session "
            "(POST /api/tasks/me/with-session/nemo_agent).",
            render=render,
        )
    return tok, session


def _check_fault(request: Request, call: str, *, render: bool = False) -> None:
    rule = _state(request).faults.take_failure(call)
    if rule is None:
        return
    headers = {"Retry-After": "1"} if rule.status == 429 else None
    raise ApiError(
        rule.code or rule.status,
        f"Injected fault: {call} answered HTTP {rule.status}; retry later.",
        rule.status,
        render=render,
        headers=headers,
    )


async def _json_body(request: Request, *, render: bool = False) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(
            400, f"The request body is not valid JSON ({exc}).", 400, render=render
        ) from None
    if not isinstance(body, dict):
        raise ApiError(400, "The request body must be a JSON object.", 400, render=render)
    return body


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- auth and sessions ----------------------------------------------------------------------------
async def anonymous_token(request: Request) -> Response:
    _check_fault(request, "anonymous_token")
    st = _state(request)
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        raise ApiError(
            400,
            "X-Client-Id header is required: send a stable id (a UUID) with every "
            "anonymous-token request.",
            400,
        )
    if len(client_id) > 64:
        raise ApiError(400, "X-Client-Id must be at most 64 characters.", 400)
    now = time.time()
    live = st.store.live_token_for_client(client_id, now)
    if live is None:
        ip = request.client.host if request.client else "unknown"
        cfg: EngineConfig = st.config
        cap = cfg.ip_token_cap if st.faults.ip_token_cap is None else st.faults.ip_token_cap
        if st.store.tokens_from_ip_since(ip, now - cfg.token_ttl_s) >= cap:
            raise ApiError(
                429,
                f"Too many anonymous tokens from this address (limit {cap} per "
                "7 days): wait 30 s and retry once, or reuse your X-Client-Id.",
                429,
                headers={"Retry-After": "30"},
            )
        live = st.store.create_token(client_id, ip, cfg.token_ttl_s, cfg.anon_credits, now)
    return ok(
        {
            "token": live["token"],
            "user_id": live["user_id"],
            "expires_at": _iso(live["expires_at"]),
            "credits": st.store.balance(live["user_id"]),
        }
    )


async def create_session(request: Request) -> Response:
    _check_fault(request, "create_session")
    tok = require_token(request)
    body = await _json_body(request)
    task_name = str(body.get("task_name") or "project")[:200]
    language = str(body.get("language") or "en")[:20]
    return ok(_state(request).store.create_session(tok["user_id"], task_name, language))


async def claim_token(request: Request) -> Response:
    _check_fault(request, "claim_token")
    body = await _json_body(request)
    tok, session = require_session(request, str(body.get("session_id") or ""))
    if body.get("task_id") and body["task_id"] != session["task_id"]:
        raise ApiError(
            schema.ErrorCode.SESSION_NOT_FOUND,
            "task_id does not belong to this session; send the pair create-session returned.",
        )
    ttl = 7 * 24 * 3600
    claim = _state(request).store.create_claim(
        tok["user_id"], session["task_id"], session["session_id"], ttl
    )
    return ok({"claim_token": claim, "expires_in": ttl})


async def credits_balance(request: Request) -> Response:
    _check_fault(request, "credits")
    tok = require_token(request)
    st = _state(request)
    total = st.store.balance(tok["user_id"])
    frozen = min(total, st.runner.frozen(tok["user_id"]))
    return ok({"available": total - frozen, "frozen": frozen, "total": total})


async def get_state(request: Request) -> Response:
    _check_fault(request, "state")
    _, session = require_session(request, request.path_params["session_id"])
    state = _state(request).store.state(session["session_id"])
    return ok(
        {
            "session_id": session["session_id"],
            "task_id": session["task_id"],
            "task_name": session["task_name"],
            "user_id": session["user_id"],
            "state": state,
        }
    )


# -- chat -----------------------------------------------------------------------------------------
def _heartbeat(style: str) -> ServerSentEvent:
    if style == "empty":
        return ServerSentEvent(data="")
    if style == "json":
        return ServerSentEvent(data='{"type":"heartbeat"}')
    return ServerSentEvent(comment="keep-alive")


class _StreamDropped(Exception):
    """Raised inside the SSE body to cut the connection without a clean end (fault)."""


async def run_sse(request: Request) -> Response:
    _check_fault(request, "run_sse")
    st = _state(request)
    body = await _json_body(request)
    sid = str(body.get("session_id") or body.get("sessionId") or "")
    if not sid:
        require_token(request)
        raise ApiError(
            400,
            "session_id is required (snake_case body: app_name, user_id, session_id, new_message).",
            400,
        )
    tok, session = require_session(request, sid)
    message = message_text(body)
    if not message:
        raise ApiError(
            400, 'new_message.parts[].text is empty: send {"parts":[{"text":"..."}]}.', 400
        )
    if len(message) > MAX_MESSAGE_CHARS:
        raise ApiError(
            400,
            f"The message is {len(message):,} characters; the assistant reads at most "
            f"{MAX_MESSAGE_CHARS:,}. Send a shorter request; for a long script, save it as a "
            "text file and say 'use this script: /path/to/script.txt'.",
            400,
        )
    skill = request.headers.get("x-skill-source", "") or "nemo-video"
    runner: Runner = st.runner
    routed = runner.route(message, skill)
    # Credits are checked (2001) and reserved only when the engine rations like the cloud.
    cost = routed[0].cost if routed and runner.rationing else 0
    if cost > 0 and runner.available(tok["user_id"]) < cost:
        raise ApiError(
            schema.ErrorCode.NO_CREDITS,
            f"Not enough credits for this edit (needs {cost}, you have "
            f"{runner.available(tok['user_id'])}): register at "
            f"{st.base_url}/register?bind={tok['user_id']} to get more (free on this local "
            "engine).",
        )
    runner.reserve(tok["user_id"], cost)
    faults: Faults = st.faults
    cfg: EngineConfig = st.config
    hb_s = float(faults.heartbeat_s or cfg.heartbeat_s)
    style = faults.heartbeat_style or cfg.heartbeat_style
    drop = faults.take_drop()
    events: asyncio.Queue[Any] = asyncio.Queue()

    async def emit(event: dict[str, Any]) -> None:
        events.put_nowait(event)

    async def turn() -> None:
        try:
            await runner.run(
                session=session,
                message=message,
                emit=emit,
                media=media_for(st.store, sid, st.base_url, cfg.uploads_dir),
                routed=routed,
                skill=skill,
                language=session["language"],
                silent_mode=faults.silent,
                delay_s=float(faults.turn_delay_s or 0),
                reserved=cost,
            )
        finally:
            events.put_nowait(_DONE)

    # the turn runs detached from the response: a client that goes away does not cancel an
    # edit half-way (the cloud keeps working too; clients recover by polling state)
    task = asyncio.create_task(turn())
    st.tasks.add(task)
    task.add_done_callback(st.tasks.discard)

    async def frames() -> AsyncIterator[ServerSentEvent]:
        while True:
            try:
                item = await asyncio.wait_for(events.get(), timeout=hb_s)
            except asyncio.TimeoutError:
                yield _heartbeat(style)
                continue
            if item is _DONE:
                break
            if item.get("type") == "heartbeat":
                yield _heartbeat(style)
                continue
            if drop and "error" not in item and _has_text(item):
                continue  # the dropped stream loses the reply; the edit is saved regardless
            yield ServerSentEvent(data=json.dumps(item, separators=(",", ":"), ensure_ascii=False))
        if drop:
            raise _StreamDropped("fault: stream dropped after the edit was applied")

    return EventSourceResponse(frames(), ping=24 * 3600, sep="\n", headers=_NO_BUFFER)


_NO_BUFFER = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def _has_text(event: dict[str, Any]) -> bool:
    parts = (event.get("content") or {}).get("parts") or []
    return any(isinstance(p, dict) and "text" in p for p in parts)


# -- uploads --------------------------------------------------------------------------------------
def _ratio(width: int, height: int) -> str:
    for name, (w, h) in schema.ASPECT_RATIOS.items():
        if abs(width / height - w / h) < 0.02:
            return name
    from math import gcd

    g = gcd(width, height) or 1
    return f"{width // g}:{height // g}"


def _apply_upload(state: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Add uploads to ``video_infos``; the first video goes on a video track of the draft."""
    infos = state.setdefault(schema.STATE_VIDEO_INFOS, [])
    infos.extend(rows)
    draft = state.get(schema.STATE_DRAFT) or {}
    has_video = any(
        t.get(schema.TRACK_TYPE) == schema.TrackType.VIDEO and t.get(schema.SEGMENTS)
        for t in draft.get(schema.TRACKS) or []
    )
    first = next((r for r in rows if r["file_type"] == "video"), None)
    if has_video or first is None:
        return
    dur_ms = round((first.get("duration") or 0) * 1000)
    width, height = first.get("width") or 1920, first.get("height") or 1080
    ratio = _ratio(width, height)
    label = Path(first["filename"]).stem or "video"
    tracks = [t for t in draft.get(schema.TRACKS) or [] if t.get(schema.SEGMENTS)]
    tracks.insert(
        0,
        {
            schema.TRACK_ID: "trk_v1",
            schema.TRACK_TYPE: schema.TrackType.VIDEO,
            schema.TRACK_NAME: "Video",
            schema.TRACK_KIND: schema.TrackKind.VIDEO,
            schema.SEGMENTS: [
                {
                    schema.SEG_ID: "seg_v1",
                    schema.SEG_START: 0,
                    schema.SEG_END: dur_ms,
                    schema.SEG_SOURCE_OFFSET: 0,
                    schema.SEG_SOURCE: first["cdn_url"],
                    schema.SEG_LABEL: label,
                }
            ],
        },
    )
    state[schema.STATE_DRAFT] = {
        **draft,
        schema.DURATION: max(dur_ms, int(draft.get(schema.DURATION) or 0)),
        schema.META: {
            **(draft.get(schema.META) or {}),
            "title": (draft.get(schema.META) or {}).get("title") or label,
            "width": width,
            "height": height,
            "fps": first.get("fps") or 30,
            "ratio": ratio,
        },
        schema.TRACKS: tracks,
    }
    state[schema.STATE_CANVAS] = {"width": width, "height": height, "ratio": ratio}


async def upload(request: Request) -> Response:
    _check_fault(request, "upload")
    st = _state(request)
    cfg: EngineConfig = st.config
    tok, session = require_session(request, request.path_params["session_id"])
    sid = session["session_id"]
    ctype = request.headers.get("content-type", "")
    max_bytes = st.faults.max_upload_bytes or cfg.max_upload_bytes
    try:
        if ctype.startswith("application/json"):
            body = await _json_body(request)
            urls = body.get("urls") or ([body["url"]] if body.get("url") else [])
            if not isinstance(urls, list) or not urls:
                raise uploads.UploadError(
                    schema.ErrorCode.UNSUPPORTED_FILE,
                    'Send {"urls": ["https://..."], "source_type": "url"} with at least one URL.',
                )
            allow_private = bool(
                cfg.allow_private_urls
                if st.faults.allow_private_urls is None
                else st.faults.allow_private_urls
            )
            incoming: list[uploads.Incoming] = []
            try:
                for url in urls:
                    incoming.append(
                        await uploads.fetch_url(
                            str(url),
                            cfg.tmp_dir,
                            max_bytes,
                            st.faults.url_timeout_s or cfg.url_timeout_s,
                            allow_private=allow_private,
                        )
                    )
            except BaseException:
                for f in incoming:
                    f.discard()
                raise
        else:
            incoming = await uploads.receive_multipart(
                request.stream(), ctype, cfg.tmp_dir, max_bytes
            )
        try:
            infos = [await _probe(f) for f in incoming]
        except BaseException:
            for f in incoming:
                f.discard()
            raise
    except uploads.UploadError as exc:
        raise ApiError(exc.code, exc.message) from None

    rows: list[dict[str, Any]] = []
    kept: list[tuple[str, Path]] = []
    async with st.runner.lock(sid):
        try:
            if st.store.session(sid) is None:  # forgotten while the bytes were arriving
                raise ApiError(
                    schema.ErrorCode.SESSION_NOT_FOUND,
                    f"Session {sid!r} not found: create a new session and upload again.",
                )
            for f, info in zip(incoming, infos, strict=True):
                file_id, stored = uploads.keep(f, cfg.uploads_dir)
                kept.append((file_id, cfg.uploads_dir / stored))
                mime = (schema.media_type(f.filename) or ("", "application/octet-stream"))[1]
                digest = f.sha256.hexdigest()
                st.store.add_file(
                    {
                        "file_id": file_id,
                        "session_id": sid,
                        "user_id": tok["user_id"],
                        "filename": f.filename,
                        "stored_name": stored,
                        "file_type": info.file_type,
                        "mime": mime,
                        "size": f.size,
                        "hash": digest,
                        "duration": info.duration_s,
                        "width": info.width,
                        "height": info.height,
                        "fps": info.fps,
                        "has_audio": int(bool(info.has_audio)),
                        "created_at": time.time(),
                    }
                )
                rows.append(
                    {
                        "filename": f.filename,
                        "file_type": info.file_type,
                        "cdn_url": f"{st.base_url}/media/uploads/{stored}",
                        "duration": info.duration_s,
                        "width": info.width,
                        "height": info.height,
                        "fps": info.fps,
                        "hash": digest,
                        "file_id": file_id,
                        "size": f.size,
                        "has_audio": bool(info.has_audio),
                    }
                )
            state = st.store.state(sid)
            _apply_upload(state, rows)
            st.store.save_state(sid, state)
        except BaseException:
            # all or nothing: no file or row of this request survives a failure here
            for f in incoming:
                f.discard()
            for _, path in kept:
                path.unlink(missing_ok=True)
            st.store.delete_files([file_id for file_id, _ in kept])
            raise
    files = [{k: r[k] for k in (*schema.UPLOAD_FIELDS, "file_id", "size")} for r in rows]
    return ok({"files": files, "session_state_applied": True})


async def _probe(f: uploads.Incoming) -> Any:
    from . import media

    if f.size == 0:
        raise uploads.unsupported(f.filename, f"{f.filename!r} is empty (0 bytes)")
    try:
        return await asyncio.to_thread(media.probe, f.tmp_path)
    except media.MediaError as exc:
        reason = str(exc).replace(f.tmp_path.name, f.filename)
        raise uploads.unsupported(f.filename, reason.rstrip(".")) from None


# -- render -------------------------------------------------------------------------------------
def _render_view(st: Any, job: dict[str, Any]) -> dict[str, Any]:
    """The poll answer: a superset of every documented shape (contract §6.2)."""
    url = (
        f"{st.base_url}/media/renders/{job['output_name']}"
        if job["status"] == schema.RENDER_COMPLETED
        else None
    )
    created = int(job["created_at"] * 1000)
    completed = int(job["finished_at"] * 1000) if job["finished_at"] else None
    data = {
        "id": job["render_id"],
        "status": job["status"],
        "progress": job["progress"],
        "outputUrl": url,
        "createdAt": created,
        "completedAt": completed,
        "error": job["error"],
        "size": job["size"],
        "duration": job["duration"],
    }
    return {
        "success": True,
        "id": job["render_id"],
        "render_id": job["render_id"],
        "taskId": job["render_id"],
        "status": job["status"],
        "progress": job["progress"],
        "output": {"url": url, "duration": job["duration"], "size": job["size"]},
        "outputUrl": url,
        # no top-level "error" on success: clients read a top-level error as a failed call
        "data": data,
    }


def _job_for(request: Request, render_id: str) -> dict[str, Any]:
    tok = require_token(request, render=True)
    job = _state(request).store.render(render_id)
    if job is None or job["user_id"] != tok["user_id"]:
        raise ApiError(
            404, f"Render {render_id!r} not found; submit the export again.", 404, render=True
        )
    return job


async def render_submit(request: Request) -> Response:
    _check_fault(request, "render_submit", render=True)
    st = _state(request)
    body = await _json_body(request, render=True)
    sid = str(body.get("sessionId") or body.get("session_id") or "")
    if not sid:
        require_token(request, render=True)
        raise ApiError(
            400, "sessionId is required (camelCase in the render API).", 400, render=True
        )
    tok, session = require_session(request, sid, render=True)
    if not request.headers.get("x-skill-source"):
        raise ApiError(
            402,
            "Export blocked: the request has no X-Skill-Source / X-Skill-Version / "
            "X-Skill-Platform headers. Send them, or register or upgrade your plan to unlock "
            "export.",
            402,
            render=True,
        )
    draft = body.get("draft")
    if isinstance(draft, str):
        with contextlib.suppress(ValueError):
            draft = json.loads(draft)
    if not isinstance(draft, dict) or not any(
        isinstance(t, dict) and t.get(schema.SEGMENTS) for t in draft.get(schema.TRACKS) or []
    ):
        raise ApiError(
            400,
            "The draft has no track with segments: upload media (or ask for an edit) before "
            "exporting, and send data.state.draft as an object.",
            400,
            render=True,
        )
    output = body.get("output") or {}
    quality = str(output.get("quality") or "high")
    resolution = output.get("resolution")
    if quality not in schema.QUALITIES:
        raise ApiError(400, f"quality must be one of {schema.QUALITIES}.", 400, render=True)
    if resolution is not None and resolution not in schema.RESOLUTIONS:
        raise ApiError(
            400, f"resolution must be one of {tuple(schema.RESOLUTIONS)}.", 400, render=True
        )
    fmt = str(output.get("format") or "mp4")
    if fmt != "mp4":
        raise ApiError(400, "Only mp4 output is supported.", 400, render=True)
    render_id = str(body.get("id") or f"render_{uuid.uuid4().hex}")[:200]
    record = {
        "render_id": render_id,
        "session_id": session["session_id"],
        "user_id": tok["user_id"],
        "status": schema.RENDER_PENDING,
        "progress": 0,
        "quality": quality,
        "resolution": resolution,
        "draft": json.dumps(draft),
        "output_name": output_name(render_id),
        "created_at": time.time(),
    }
    if not st.renders.submit(record):
        raise ApiError(
            409,
            f"Render id {render_id!r} is already used: generate a new id and submit again.",
            409,
            render=True,
        )
    view = _render_view(st, st.store.render(render_id))
    return JSONResponse(view)


async def render_poll(request: Request) -> Response:
    _check_fault(request, "render_poll", render=True)
    job = _job_for(request, request.path_params["render_id"])
    return JSONResponse(_render_view(_state(request), job))


async def render_cancel(request: Request) -> Response:
    _check_fault(request, "render_cancel", render=True)
    st = _state(request)
    job = _job_for(request, request.path_params["render_id"])
    job = await asyncio.to_thread(st.renders.cancel, job["render_id"]) or job
    return JSONResponse(_render_view(st, job))


async def render_download(request: Request) -> Response:
    _check_fault(request, "render_download", render=True)
    st = _state(request)
    job = _job_for(request, request.path_params["render_id"])
    view = _render_view(st, job)
    if "application/json" in request.headers.get("accept", ""):
        return JSONResponse(view)
    if job["status"] != schema.RENDER_COMPLETED:
        raise ApiError(
            409,
            f"Render {job['render_id']!r} is {job['status']}"
            + (f" ({job['error']})" if job["error"] else "")
            + "; download it once it is completed.",
            409,
            render=True,
        )
    path = st.config.renders_dir / job["output_name"]
    if not path.is_file():
        raise ApiError(410, "The rendered file is gone; export again.", 410, render=True)
    return FileResponse(path, media_type="video/mp4", filename=f"{job['render_id']}.mp4")


# -- media, health, faults ----------------------------------------------------------------------
async def media_file(request: Request) -> Response:
    kind = request.path_params["kind"]
    name = request.path_params["name"]
    cfg: EngineConfig = _state(request).config
    folder = {"uploads": cfg.uploads_dir, "renders": cfg.renders_dir}.get(kind)
    if folder is None or not _MEDIA_NAME.match(name):
        return JSONResponse({"code": 404, "message": "Not found.", "data": None}, 404)
    path = folder / name
    if not path.is_file():
        return JSONResponse({"code": 404, "message": "Not found.", "data": None}, 404)
    mime = (schema.media_type(name) or ("", "application/octet-stream"))[1]
    return FileResponse(path, media_type=mime)


async def health(request: Request) -> Response:
    return JSONResponse(
        {
            "status": "ok",
            "version": __version__,
            "pid": __import__("os").getpid(),
            "intents": [i.name for i in REGISTRY.intents],
            "skill_errors": IMPORT_ERRORS,
        }
    )


def _is_loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


async def faults_endpoint(request: Request) -> Response:
    st = _state(request)
    if not st.config.enable_faults or not _is_loopback(request):
        return JSONResponse({"code": 404, "message": "Not found.", "data": None}, 404)
    if request.method == "POST":
        # JSON only: a browser page cannot send it without a CORS preflight we never answer
        if not request.headers.get("content-type", "").startswith("application/json"):
            raise ApiError(415, "Send the faults as application/json.", 415)
        body = await _json_body(request)
        try:
            st.faults.update(body)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, str(exc), 400) from None
        done: dict[str, Any] = {}
        if body.get("expire_tokens"):
            value = body["expire_tokens"]
            done["expired"] = st.store.expire_tokens(value if isinstance(value, str) else None)
        if body.get("forget_session"):
            value = body["forget_session"]
            done["forgotten"] = st.store.forget_session(value if isinstance(value, str) else None)
        if body.get("set_credits"):
            spec = body["set_credits"]
            st.store.set_balance(str(spec["user_id"]), int(spec["amount"]))
            done["credits"] = st.store.balance(str(spec["user_id"]))
        return ok({"faults": st.faults.as_dict(), **done})
    return ok({"faults": st.faults.as_dict()})


# -- the application ------------------------------------------------------------------------------
def _contributed_routes() -> list[Any]:
    routes: list[Any] = []
    for name in ROUTE_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                print(f"nemo-engine: routes of {name} not loaded: {exc}", file=sys.stderr)
            continue
        except Exception as exc:  # a broken extension must not take the engine down
            print(f"nemo-engine: routes of {name} not loaded: {exc}", file=sys.stderr)
            continue
        routes.extend(getattr(module, "routes", []))
    return routes


def create_app(config: EngineConfig, base_url: str, faults: Faults | None = None) -> Starlette:
    """Build the engine's Starlette app for ``config``, serving at ``base_url``."""
    for folder in (config.data_dir, config.uploads_dir, config.renders_dir, config.tmp_dir):
        folder.mkdir(parents=True, exist_ok=True)
    store = Store(config.db_path)
    store.base_url = base_url
    faults = faults or Faults()
    renders = RenderQueue(store, config, faults)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # leftovers of an interrupted upload are never valid; clear them
        for leftover in config.tmp_dir.glob("up-*"):
            leftover.unlink(missing_ok=True)
        failed = renders.start()
        if failed:
            print(f"nemo-engine: {failed} unfinished render(s) marked failed", file=sys.stderr)
        try:
            yield
        finally:
            for task in list(app.state.tasks):
                task.cancel()
            renders.stop()

    api = "/api"
    routes = [
        Route("/health", health, methods=["GET"]),
        Route(f"{api}/auth/anonymous-token", anonymous_token, methods=["POST"]),
        Route(f"{api}/auth/claim-token", claim_token, methods=["POST"]),
        Route(f"{api}/tasks/me/with-session/nemo_agent", create_session, methods=["POST"]),
        Route("/run_sse", run_sse, methods=["POST"]),
        Route(f"{api}/upload-video/nemo_agent/me/{{session_id}}", upload, methods=["POST"]),
        Route(f"{api}/upload-video/nemo_agent/{{uid}}/{{session_id}}", upload, methods=["POST"]),
        Route(f"{api}/credits/balance/simple", credits_balance, methods=["GET"]),
        Route(f"{api}/state/nemo_agent/me/{{session_id}}/latest", get_state, methods=["GET"]),
        Route(f"{api}/state/nemo_agent/{{uid}}/{{session_id}}/latest", get_state, methods=["GET"]),
        Route(f"{api}/render/proxy/lambda", render_submit, methods=["POST"]),
        Route(f"{api}/render/proxy/lambda/{{render_id}}", render_poll, methods=["GET"]),
        Route(f"{api}/render/proxy/lambda/{{render_id}}/cancel", render_cancel, methods=["POST"]),
        Route(f"{api}/render/proxy/{{render_id}}/download", render_download, methods=["GET"]),
        # the original render API paths (before /lambda), accepted because they are cheap
        Route(f"{api}/render/proxy/draft", render_submit, methods=["POST"]),
        Route(f"{api}/render/proxy/{{render_id}}", render_poll, methods=["GET"]),
        Route("/media/{kind}/{name}", media_file, methods=["GET", "HEAD"]),
        Route("/_faults", faults_endpoint, methods=["GET", "POST"]),
        *_contributed_routes(),
    ]
    app = Starlette(
        routes=routes, lifespan=lifespan, exception_handlers={ApiError: _api_error_handler}
    )
    app.state.config = config
    app.state.store = store
    app.state.faults = faults
    app.state.renders = renders
    app.state.runner = Runner(store, config.data_dir, rationing=config.ration_credits)
    app.state.base_url = base_url
    app.state.tasks = set()
    return app
