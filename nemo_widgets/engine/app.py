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
import hmac
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
from starlette.types import ASGIApp, Receive, Scope, Send

from .. import __version__, schema
from . import bodies, uploads
from . import timeline as tl
from .agent import IMPORT_ERRORS, ROWS
from .agent.runner import Runner, media_for, message_text
from .config import EngineConfig
from .faults import Faults
from .jobs import RenderQueue, output_name
from .store import Store

#: Modules that may contribute a ``routes`` list (imported if present).
ROUTE_MODULES = ("nemo_widgets.engine.captions.routes", "nemo_widgets.engine.web")

_MEDIA_NAME = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9]+$")
_DONE = object()


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


#: Largest JSON body the engine reads (a 4 h draft with word-level captions is ~10 MB).
MAX_JSON_BYTES = 32 * 1024 * 1024


async def _raw_object(request: Request, *, render: bool = False) -> dict[str, Any]:
    """The request body as a JSON object (400 when it is not one)."""
    declared = request.headers.get("content-length") or ""
    if declared.isdigit() and int(declared) > MAX_JSON_BYTES:
        raise ApiError(
            413,
            f"The request body is over {MAX_JSON_BYTES // 2**20} MB; send a smaller one.",
            413,
            render=render,
        )
    try:
        return bodies.load_object(await request.body())
    except bodies.BodyError as exc:
        raise ApiError(400, str(exc), 400, render=render) from None


async def parse_body(request: Request, model: type[Any], *, render: bool = False) -> Any:
    """The request body validated as ``model`` (``bodies``); 400 naming the field otherwise."""
    return _validated(model, await _raw_object(request, render=render), render=render)


def _validated(model: type[Any], data: dict[str, Any], *, render: bool = False) -> Any:
    try:
        return bodies.validate(model, data)
    except bodies.BodyError as exc:
        raise ApiError(400, str(exc), 400, render=render) from None


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
    proof = request.headers.get(schema.ENGINE_OWNER_HEADER, "")
    owner = bool(proof) and hmac.compare_digest(proof.encode(), st.owner_key.encode())
    held = st.store.live_token_for_client(client_id, now)
    reissue = held is not None and owner
    if reissue:
        # the engine's owner lost its cached token (a deleted cache, another config folder):
        # the old token stops working and a new one is issued for the same account (a
        # replacement, so it does not count against the per-address cap)
        st.store.expire_client_tokens(client_id, now)
        held = None
    if held is not None:
        # one token per client per 7 days (the cloud's rule). The engine keeps only the
        # token's hash, and handing a live token to whoever knows a client id would let
        # anyone who can read that id act as its owner.
        wait_s = max(1, int(held["expires_at"] - now))
        raise ApiError(
            429,
            "An anonymous token was already issued to this X-Client-Id (valid until "
            f"{_iso(held['expires_at'])}) and a client id alone never gets it again. Use the "
            "token your client cached when it was issued (nemo-widgets keeps it in "
            "~/.config/nemovideo/tokens.json), or send a new X-Client-Id (NEMO_CLIENT_ID) for "
            "a new anonymous account.",
            429,
            headers={"Retry-After": str(wait_s)},
        )
    ip = request.client.host if request.client else "unknown"
    cfg: EngineConfig = st.config
    cap = cfg.ip_token_cap if st.faults.ip_token_cap is None else st.faults.ip_token_cap
    if not reissue and st.store.tokens_from_ip_since(ip, now - cfg.token_ttl_s) >= cap:
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
    body: bodies.CreateSession = await parse_body(request, bodies.CreateSession)
    task_name = body.task_name or "project"
    language = body.language or "en"
    return ok(_state(request).store.create_session(tok["user_id"], task_name, language))


async def claim_token(request: Request) -> Response:
    _check_fault(request, "claim_token")
    raw = await _raw_object(request)
    require_token(request)  # an unauthenticated caller learns nothing about the body
    body: bodies.ClaimToken = _validated(bodies.ClaimToken, raw)
    tok, session = require_session(request, body.session_id)
    if body.task_id and body.task_id != session["task_id"]:
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
    """The session state, whole (the contract), or with ``?since=V`` (an engine extension,
    advertised by the ``X-Nemo-State-Version`` header) only the parts changed since version V.
    """
    _check_fault(request, "state")
    _, session = require_session(request, request.path_params["session_id"])
    store = _state(request).store
    sid = session["session_id"]
    data: dict[str, Any] = {
        "session_id": sid,
        "task_id": session["task_id"],
        "task_name": session["task_name"],
        "user_id": session["user_id"],
    }
    since = _since_param(request)
    delta = store.state_since(sid, since) if since is not None else None
    if delta is not None:
        version, index, parts = delta
        data.update(
            {
                schema.STATE_VERSION: version,
                schema.STATE_SINCE: since,
                schema.STATE_INDEX: index,
                schema.STATE_PARTS: parts,
            }
        )
    else:  # whole: what the contract answers (also for a version this state never had)
        version, state = store.versioned_state(sid)
        data.update({"state": state, schema.STATE_VERSION: version})
    response = ok(data)
    response.headers[schema.STATE_VERSION_HEADER] = str(version)
    return response


def _since_param(request: Request) -> int | None:
    raw = request.query_params.get(schema.STATE_SINCE)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise ApiError(
            400,
            f"since={raw!r} is not a state version: send the {schema.STATE_VERSION} of an "
            "earlier answer (a whole number), or leave it out for the whole state.",
            400,
        ) from None


# -- chat -----------------------------------------------------------------------------------------
def _heartbeat(style: str) -> ServerSentEvent:
    if style == "empty":
        return ServerSentEvent(data="")
    if style == "json":
        return ServerSentEvent(data='{"type":"heartbeat"}')
    return ServerSentEvent(comment="keep-alive")


def check_credits(st: Any, tok: dict[str, Any], cost: int) -> None:
    """Refuse a turn (2001) the account cannot pay for, before its stream starts."""
    runner: Runner = st.runner
    if cost > 0 and runner.available(tok["user_id"]) < cost:
        raise ApiError(
            schema.ErrorCode.NO_CREDITS,
            f"Not enough credits for this edit (needs {cost}, you have "
            f"{runner.available(tok['user_id'])}): register at "
            f"{st.base_url}/register?bind={tok['user_id']} to get more (free on this local "
            "engine).",
        )


class _StreamDropped(Exception):
    """Raised inside the SSE body to cut the connection without a clean end (fault)."""


async def run_sse(request: Request) -> Response:
    _check_fault(request, "run_sse")
    st = _state(request)
    raw = await _raw_object(request)
    require_token(request)
    body: bodies.RunSse = _validated(bodies.RunSse, raw)
    sid = body.session_id or ""
    if not sid:
        raise ApiError(
            400,
            "session_id is required (snake_case body: app_name, user_id, session_id, new_message).",
            400,
        )
    tok, session = require_session(request, sid)
    message = message_text(raw) or body.text()
    if not message:
        raise ApiError(
            400, 'new_message.parts[].text is empty: send {"parts":[{"text":"..."}]}.', 400
        )
    skill = request.headers.get("x-skill-source", "") or "nemo-video"
    runner: Runner = st.runner
    cfg: EngineConfig = st.config
    media = media_for(st.store, sid, st.base_url, cfg.uploads_dir)
    # read first (pure, linear in the message's length): the cost is known before the stream;
    # in a thread, so a very long message never holds the event loop
    reading = await asyncio.to_thread(
        runner.read,
        message,
        state=st.store.state(sid),
        media=media,
        skill=skill,
        language=session["language"],
    )
    # credits are checked (2001) and reserved only when the engine rations like the cloud
    cost = reading.cost if runner.rationing else 0
    check_credits(st, tok, cost)
    runner.reserve(tok["user_id"], cost)
    faults: Faults = st.faults
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
                media=media,
                reading=reading,
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
def _apply_upload(state: dict[str, Any], rows: list[dict[str, Any]]) -> None:
    """Add uploads to ``video_infos``; the first video goes on the draft's main track."""
    # a new list, not extended in place: the stored state's values are shared (state_parts.py)
    state[schema.STATE_VIDEO_INFOS] = [*(state.get(schema.STATE_VIDEO_INFOS) or []), *rows]
    draft = tl.Draft.from_dict(state.get(schema.STATE_DRAFT))
    placed = tl.place_first_clip(
        draft, [tl.Upload.from_record(r) for r in rows if r["file_type"] == "video"]
    )
    if placed is draft:
        return
    state[schema.STATE_DRAFT] = placed.to_dict()
    canvas = placed.canvas()
    if canvas:
        state[schema.STATE_CANVAS] = canvas


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
            body: bodies.UploadUrls = await parse_body(request, bodies.UploadUrls)
            urls = body.all_urls()
            if not urls:
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
    problem = bodies.check_render_id(render_id)
    if problem:
        raise ApiError(400, problem, 400, render=True)
    job = _state(request).store.render(render_id)
    if job is None or job["user_id"] != tok["user_id"]:
        raise ApiError(
            404, f"Render {render_id!r} not found; submit the export again.", 404, render=True
        )
    return job


async def render_submit(request: Request) -> Response:
    _check_fault(request, "render_submit", render=True)
    st = _state(request)
    raw = await _raw_object(request, render=True)
    require_token(request, render=True)
    body: bodies.RenderSubmit = _validated(bodies.RenderSubmit, raw, render=True)
    sid = body.session_id or ""
    if not sid:
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
    draft = raw.get("draft")
    if isinstance(draft, str):
        draft = json.loads(draft)  # the schema already read it as a JSON object
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
    output = body.output or bodies.Output()
    quality = output.quality or "high"
    resolution = output.resolution
    from . import render

    try:
        await asyncio.to_thread(
            render.validate_draft, draft, st.renders.resolver(session["session_id"])
        )
    except render.RenderError as exc:
        raise ApiError(400, str(exc), 400, render=True) from None
    render_id = body.id or f"render_{uuid.uuid4().hex}"
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
    return JSONResponse(view, headers=_LONG_POLL_HEADER)


#: How long ``GET .../render/...?wait=`` may hold its answer (engine extension).
MAX_WAIT_S = 30.0
#: While a job runs, a held poll answers a progress change after this long (a status change
#: or the end answers at once): progress bars move, without a request every 0.25 s.
PROGRESS_EVERY_S = 1.0
#: Tells clients that polls here may be held (``?wait=``): the cloud sends no such header.
_LONG_POLL_HEADER = {"X-Nemo-Long-Poll": f"{MAX_WAIT_S:g}"}


def _wait_param(request: Request) -> float:
    raw = request.query_params.get("wait")
    if raw is None or raw == "":
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_WAIT_S or value != value:
        raise ApiError(
            400,
            f"wait must be a number of seconds from 0 to {MAX_WAIT_S:g} (got {raw[:20]!r}).",
            400,
            render=True,
        )
    return value


async def _held(request: Request, job: dict[str, Any], wait_s: float) -> dict[str, Any]:
    """``job`` once it changed (status at once, progress after a second) or ``wait_s`` passed."""
    st = _state(request)
    if wait_s <= 0 or job["status"] in schema.RENDER_TERMINAL:
        return job
    render_id = job["render_id"]
    start = time.monotonic()
    deadline = start + wait_s
    first = (job["status"], job["progress"])
    changed = asyncio.Event()
    waiters = st.render_waiters.setdefault(render_id, set())
    waiters.add(changed)
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or await request.is_disconnected():
                break
            with contextlib.suppress(asyncio.TimeoutError):
                # wake at least every second: to notice a client that went away
                await asyncio.wait_for(changed.wait(), timeout=min(left, 1.0))
            changed.clear()
            job = st.store.render(render_id) or job
            if job["status"] in schema.RENDER_TERMINAL or job["status"] != first[0]:
                break
            if job["progress"] != first[1] and time.monotonic() - start >= PROGRESS_EVERY_S:
                break
    finally:
        waiters.discard(changed)
        if not waiters:
            st.render_waiters.pop(render_id, None)
    return job


async def render_poll(request: Request) -> Response:
    _check_fault(request, "render_poll", render=True)
    job = _job_for(request, request.path_params["render_id"])
    job = await _held(request, job, _wait_param(request))
    return JSONResponse(_render_view(_state(request), job), headers=_LONG_POLL_HEADER)


async def render_cancel(request: Request) -> Response:
    _check_fault(request, "render_cancel", render=True)
    st = _state(request)
    job = _job_for(request, request.path_params["render_id"])
    job = await asyncio.to_thread(st.renders.cancel, job["render_id"]) or job
    return JSONResponse(_render_view(st, job), headers=_LONG_POLL_HEADER)


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
            "instance": _state(request).store.instance_id,
            "intents": [r.name for r in ROWS],
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
        body = await _raw_object(request)
        actions: bodies.FaultActions = _validated(bodies.FaultActions, body)
        try:
            st.faults.update(body)
        except (TypeError, ValueError) as exc:
            raise ApiError(400, str(exc), 400) from None
        done: dict[str, Any] = {}
        if actions.expire_tokens:
            value = actions.expire_tokens
            done["expired"] = st.store.expire_tokens(value if isinstance(value, str) else None)
        if actions.forget_session:
            value = actions.forget_session
            done["forgotten"] = st.store.forget_session(value if isinstance(value, str) else None)
        if actions.set_credits:
            spec = actions.set_credits
            st.store.set_balance(spec.user_id, spec.amount)
            done["credits"] = st.store.balance(spec.user_id)
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


class LoopbackHosts:
    """Answer only requests whose ``Host`` is a loopback name with the engine's own port.

    A web page on another site can make a browser send requests to ``127.0.0.1`` under its
    own host name (DNS rebinding); checking ``Host`` stops that. Starlette's
    ``TrustedHostMiddleware`` ignores the port and answers in plain text, so this small
    middleware checks the exact ``name:port`` pairs and answers in the API's envelope.
    """

    NAMES = ("127.0.0.1", "localhost", "[::1]")

    def __init__(self, app: ASGIApp, port: int) -> None:
        self.app = app
        self.allowed = {f"{name}:{port}".encode() for name in self.NAMES}
        if port == 80:  # a browser leaves the default port out
            self.allowed |= {name.encode() for name in self.NAMES}
        self.example = f"127.0.0.1:{port}"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        hosts = [v for k, v in scope.get("headers") or () if k == b"host"]
        if len(hosts) == 1 and hosts[0].lower() in self.allowed:
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        body = {
            "code": 400,
            "message": f"This engine answers only requests to {self.example} (or localhost "
            "with that port); the Host header named another server.",
            "data": None,
        }
        await JSONResponse(body, status_code=400)(scope, receive, send)


async def _unexpected(request: Request, exc: Exception) -> Response:
    """Last resort for a bug: the contract's envelope, never a bare "Internal Server Error"."""
    import traceback

    traceback.print_exception(exc, file=sys.stderr)
    return JSONResponse(
        {
            "code": 500,
            "message": f"The engine failed on this request ({type(exc).__name__}); this is a "
            "bug: see engine.log in the engine's data folder, and try again.",
            "data": None,
        },
        status_code=500,
    )


def _owner_key(data_dir: Path) -> str:
    """The owner proof in ``data_dir`` (``schema.ENGINE_OWNER_FILE``), made once, 0600."""
    import os
    import secrets

    path = data_dir / schema.ENGINE_OWNER_FILE
    with contextlib.suppress(OSError, UnicodeDecodeError):
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
    key = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key + "\n")
    os.replace(tmp, path)
    return key


def private_dirs(config: EngineConfig) -> None:
    """Create the engine's folders 0700 (and tighten ones an older version made 0755)."""
    import os

    for folder in (
        config.data_dir,
        config.data_dir / "media",
        config.uploads_dir,
        config.renders_dir,
        config.tmp_dir,
    ):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(folder, 0o700)
    for media in (config.uploads_dir, config.renders_dir):
        for path in media.iterdir():
            with contextlib.suppress(OSError):
                if path.is_file() and path.stat().st_mode & 0o077:
                    os.chmod(path, 0o600)
    for name in ("engine.json", "engine.log", "engine.lock"):
        with contextlib.suppress(OSError):
            os.chmod(config.data_dir / name, 0o600)


def create_app(config: EngineConfig, base_url: str, faults: Faults | None = None) -> ASGIApp:
    """Build the engine's ASGI app for ``config``, serving at ``base_url``.

    The Starlette app is wrapped in :class:`LoopbackHosts`; ``app.state`` of the returned
    object is the Starlette app's state.
    """
    private_dirs(config)
    owner_key = _owner_key(config.data_dir)
    store = Store(config.db_path)
    store.base_url = base_url
    faults = faults or Faults()
    renders = RenderQueue(store, config, faults)
    waiters: dict[str, set[asyncio.Event]] = {}

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        loop = asyncio.get_running_loop()

        def wake(render_id: str) -> None:  # in the event loop: wake held polls of the job
            for event in list(waiters.get(render_id, ())):
                event.set()

        # render workers are threads: they hand the news to the loop
        renders.listeners.append(lambda rid: loop.call_soon_threadsafe(wake, rid))
        from .captions.recognize import warm_up_in_background

        warm_up_in_background()  # first captions then cost what later ones cost
        failed = renders.start()  # also sweeps partial files an interrupted run left
        if failed:
            print(f"nemo-engine: {failed} unfinished render(s) marked failed", file=sys.stderr)
        try:
            yield
        finally:
            for task in list(app.state.tasks):
                task.cancel()
            await asyncio.to_thread(renders.stop)

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
        routes=routes,
        lifespan=lifespan,
        exception_handlers={ApiError: _api_error_handler, Exception: _unexpected},
    )
    app.state.config = config
    app.state.store = store
    app.state.faults = faults
    app.state.renders = renders
    app.state.render_waiters = waiters
    app.state.runner = Runner(store, config.data_dir, rationing=config.ration_credits)
    app.state.base_url = base_url
    app.state.owner_key = owner_key
    app.state.tasks = set()
    port = int(base_url.rsplit(":", 1)[-1].split("/")[0])
    guarded = LoopbackHosts(app, port)
    guarded.state = app.state  # type: ignore[attr-defined]
    return guarded
