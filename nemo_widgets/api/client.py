"""Async client for every endpoint of the NemoVideo contract (``api/nemo-api.md`` §1.4).

One :class:`NemoClient` per base URL. The transport is a constructor argument so tests run
every protocol variant through ``httpx.MockTransport``; sleeps (rate-limit wait) are
injectable for the same reason. The token lives in a :class:`~nemo_widgets.api.auth.Secret`
and is only revealed into the ``Authorization`` header of requests to the base URL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from . import _httpx  # noqa: F401  (first: httpx then loads without its command-line client)

# isort: split
import httpx

from .. import schema
from . import auth, envelopes
from . import errors as E
from .skills import SkillProfile, load_skill
from .sse import Event, aiter_events

log = logging.getLogger("nemo_widgets.api")

ProgressCallback = Callable[[int, int], Any]
Sleep = Callable[[float], Awaitable[Any]]

SSE_MAX_S = 15 * 60  # curl --max-time 900 in every vendor doc
SSE_READ_TIMEOUT_S = 10 * 60  # nothing at all (not even a heartbeat) for 10 min = dropped
RATE_LIMIT_WAIT_S = 30.0  # "retry in 30s once"


@dataclass(frozen=True)
class Credits:
    """Credit balance: ``available`` to spend, ``frozen`` by running jobs, ``total``."""

    available: int
    frozen: int = 0
    total: int = 0

    @classmethod
    def from_data(cls, data: Any) -> Credits:
        d = data if isinstance(data, dict) else {}
        available = int(d.get("available") or d.get("credits") or d.get("balance") or 0)
        frozen = int(d.get("frozen") or 0)
        return cls(available, frozen, int(d.get("total") or available + frozen))


@dataclass(frozen=True)
class UploadedFile:
    """One uploaded file as the server recorded it (identity: ``cdn_url``)."""

    filename: str
    file_type: str
    cdn_url: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None
    hash: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> UploadedFile:
        known = {"filename", "file_type", "cdn_url", "duration", "width", "height", "fps", "hash"}
        return cls(
            filename=str(d.get("filename") or d.get("name") or ""),
            file_type=str(d.get("file_type") or d.get("type") or ""),
            cdn_url=str(d.get("cdn_url") or d.get("url") or ""),
            duration_s=_num(d.get("duration")),
            width=_int(d.get("width")),
            height=_int(d.get("height")),
            fps=_num(d.get("fps")),
            hash=d.get("hash"),
            extra={k: v for k, v in d.items() if k not in known},
        )


@dataclass(frozen=True)
class SessionInfo:
    """Ids returned by create-session."""

    session_id: str
    task_id: str | None = None
    user_id: str | None = None


def _num(v: Any) -> float | None:
    try:
        return None if v is None or isinstance(v, bool) else float(v)
    except (TypeError, ValueError):
        return None


def _int(v: Any) -> int | None:
    n = _num(v)
    return None if n is None else int(n)


#: Bytes per read of an uploaded file. httpx asks its multipart file fields for 64 KiB at a
#: time; on loopback that many small writes cost ~20 % of curl's throughput (bench_upload.py),
#: while 1 MiB reaches it. Memory stays bounded: one chunk is in flight at a time.
UPLOAD_READ_BYTES = 1 << 20


class _ProgressReader:
    """A binary file wrapper that reports bytes read; httpx's multipart streams from it.

    httpx seeks to 0 before each attempt, so a retried request re-reads from disk and the
    progress restarts instead of double counting. Reads are at least ``UPLOAD_READ_BYTES``.
    """

    def __init__(self, path: Path, counter: _Counter) -> None:
        self._fh = path.open("rb")
        self._counter = counter
        self._read = 0

    def read(self, n: int = -1) -> bytes:
        chunk = self._fh.read(max(n, UPLOAD_READ_BYTES) if n >= 0 else n)
        self._read += len(chunk)
        self._counter.add(len(chunk))
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        pos = self._fh.seek(offset, whence)
        if whence == 0 and offset == 0 and self._read:
            self._counter.add(-self._read)
            self._read = 0
        return pos

    def tell(self) -> int:
        return self._fh.tell()

    def fileno(self) -> int:
        return self._fh.fileno()

    def close(self) -> None:
        self._fh.close()


class _Counter:
    def __init__(self, total: int, callback: ProgressCallback | None) -> None:
        self.total, self.sent, self.callback = total, 0, callback

    def add(self, n: int) -> None:
        self.sent += n
        if self.callback is not None:
            self.callback(self.sent, self.total)


#: The engine's "no captions (in that language) yet" code (its captions extension, not the cloud).
NO_CAPTIONS_CODE = 4004


def check_output_path(dest: Path) -> Path:
    """Refuse an output file whose folder does not exist (a typo must not create a tree).

    Raises
    ------
    FileNotFoundError
        With the folder to create, before anything is fetched or written.
    """
    if not dest.parent.is_dir():
        raise FileNotFoundError(
            f"The folder {dest.parent} does not exist. Create it first "
            f"(Path({str(dest.parent)!r}).mkdir(parents=True)) or save to another path."
        )
    return dest


def size_over_limit(name: str, size: int, limit: int = schema.MAX_UPLOAD_BYTES) -> str:
    """ "clip.mp4 is 612.3 MB, over the 500 MB limit", with the precision that makes the point.

    A file just over the limit would read "500 MB, over the 500 MB limit" when rounded;
    then the exact excess is shown ("500 MB + 1 byte").
    """
    mb, limit_mb = size / 2**20, limit / 2**20
    shown = f"{mb:,.1f} MB"
    if f"{mb:.1f}" == f"{limit_mb:.1f}" or mb < limit_mb + 0.05:
        extra = size - limit
        unit = "byte" if extra == 1 else "bytes"
        shown = f"{limit_mb:g} MB + {extra:,} {unit}"
    return f"{name} is {shown}, over the {limit_mb:g} MB ({limit:,}-byte) limit"


def check_upload_path(path: str | os.PathLike[str]) -> tuple[Path, str, int]:
    """Validate a local file before any byte is sent: ``(path, mime, size)``.

    Raises
    ------
    FileNotFoundError, UnsupportedFileError, FileTooLargeError
    """
    text = os.fspath(path)
    scheme = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*):/", text) if isinstance(text, str) else None
    if scheme and len(scheme.group(1)) > 1:  # "C:/clip.mp4" is a Windows path, not a URL
        name = scheme.group(1).lower()
        if name == "file":
            local = unquote(urlparse(text).path) or "/path/to/clip.mp4"
            raise ValueError(
                f"file:// URLs are not accepted ({text}). To upload a local file, pass its "
                f"path: s.upload({local!r}), or pick it in s.upload_picker()."
            )
        raise ValueError(
            f"{name}:// URLs cannot be imported ({text}): only http:// and https:// links are. "
            "Download the file yourself and pass its path, e.g. s.upload('clip.mp4')."
        )
    p = Path(path).expanduser()
    if p.is_dir():
        raise IsADirectoryError(
            f"{p} is a folder, not a file. Pass the clips in it, e.g. "
            f"s.upload(sorted(Path({str(p)!r}).glob('*.mp4')))."
        )
    if not p.is_file():
        raise FileNotFoundError(f"No such file: {p}. Check the path (relative to {Path.cwd()}).")
    kind = schema.media_type(p.name)
    if kind is None:
        raise E.UnsupportedFileError(
            f"{p.name}: this file type is not supported. Supported formats: "
            f"{schema.SUPPORTED_FORMATS_TEXT}. Convert it (e.g. to MP4) and upload it again."
        )
    size = p.stat().st_size
    if size > schema.MAX_UPLOAD_BYTES:
        raise E.FileTooLargeError(
            f"{size_over_limit(p.name, size)}. Trim it to the part you need or compress it "
            "(lower resolution or bitrate) and upload it again."
        )
    return p, kind[1], size


#: ``data`` fields of a since-version state answer that are not the contract's.
_DELTA_FIELDS = frozenset({schema.STATE_INDEX, schema.STATE_PARTS, schema.STATE_SINCE})


class NemoClient:
    """Async client of one NemoVideo-compatible server.

    Parameters
    ----------
    base_url : str
        Server root, e.g. ``https://mega-api-prod.nemovideo.ai`` or the embedded engine's URL.
    token : str, optional
        API token; default ``NEMO_TOKEN``, else an anonymous token (cached per base URL).
    skill : str or SkillProfile
        Profile that drives the attribution headers.
    transport : httpx.AsyncBaseTransport, optional
        The seam for tests (``httpx.MockTransport``).
    sleep : callable, optional
        ``async sleep(seconds)`` used for the rate-limit wait; tests pass a fake.
    rate_limit_wait_s : float
        How long to wait after HTTP 429 before the single retry.
    web_url : str, optional
        Web app root for claim and registration links (``NEMO_WEB_URL``).
    engine_owner
        The embedded engine's owner proof (an engine extension): with it, a client whose cached
        token was lost gets a new one for the same anonymous account. Never sent elsewhere.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        skill: str | SkillProfile = "nemo-video",
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep | None = None,
        rate_limit_wait_s: float = RATE_LIMIT_WAIT_S,
        timeout_s: float = 60.0,
        web_url: str | None = None,
        engine_owner: str | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        # the embedded engine's owner proof (read from its data folder by ``connect``): sent
        # only when asking for an anonymous token, so a lost token cache is not a dead end
        self._engine_owner = auth.Secret(engine_owner) if engine_owner else None
        self.skill = load_skill(skill) if isinstance(skill, str) else skill
        self.web_url = (web_url or os.environ.get("NEMO_WEB_URL") or schema.DEFAULT_WEB_URL).rstrip(
            "/"
        )
        explicit = token or os.environ.get("NEMO_TOKEN") or None
        self._token: auth.Secret | None = auth.Secret(explicit) if explicit else None
        self._explicit_token = explicit is not None
        self.user_id: str | None = None  # anonymous id, for the ?bind= registration link
        #: (server, session id) -> (state version, its parts), on a server that sends what
        #: changed; keyed by the server's identity too, so another engine's data is never merged
        self._states: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self._transport = transport
        self._sleep: Sleep = sleep or asyncio.sleep
        self.rate_limit_wait_s = rate_limit_wait_s
        self._timeout = httpx.Timeout(timeout_s, connect=15.0)
        self._http_client: httpx.AsyncClient | None = None
        self._http_loop: asyncio.AbstractEventLoop | None = None
        self._token_lock: asyncio.Lock | None = None
        #: what cached tokens are filed under: the base URL, or for the embedded engine (whose
        #: port changes at every start) its data folder's identity (set by ``connect``)
        self.cache_key = self.base_url
        #: seconds a render poll may be held by the server (its ``X-Nemo-Long-Poll`` header,
        #: an engine extension); None: poll at the contract's pace
        self.long_poll_max_s: float | None = None

    @property
    def is_local(self) -> bool:
        """Whether the server is on this machine (the embedded engine or one started by hand)."""
        host = (urlparse(self.base_url).hostname or "").lower()
        return host in ("localhost", "::1") or host.startswith("127.")

    def _unreachable(self, during: str, exc: BaseException) -> E.ServerUnreachableError:
        if self.is_local:
            return E.ServerUnreachableError(
                f"Cannot reach {self.base_url} while {during}: the engine at {self.base_url} "
                "is not running (nothing answers there). Start it again with "
                "`s = nw.connect(resume=True)` (the session resumes from the engine's data "
                "folder), or `nemo-widgets engine` in a terminal."
            )
        return E.ServerUnreachableError(
            f"Cannot reach {self.base_url} while {during} ({type(exc).__name__}). Check the URL "
            "and your connection, then try again."
        )

    def _note(self, resp: httpx.Response) -> None:
        held = resp.headers.get("x-nemo-long-poll")
        if held:
            with contextlib.suppress(ValueError):
                self.long_poll_max_s = max(0.0, min(float(held), 60.0)) or None

    def __repr__(self) -> str:
        return f"NemoClient({self.base_url!r}, skill={self.skill.name!r})"

    # -- plumbing ---------------------------------------------------------------------------

    @property
    def _http(self) -> httpx.AsyncClient:
        # httpx pools are bound to the event loop they were first used on; a sync call run on
        # a private loop and an ``await`` in the kernel's loop each get their own client.
        loop = asyncio.get_running_loop()
        if self._http_client is None or self._http_loop is not loop:
            self._http_client = httpx.AsyncClient(
                base_url=self.base_url,
                transport=self._transport,
                timeout=self._timeout,
                follow_redirects=True,
            )
            self._http_loop = loop
            self._token_lock = asyncio.Lock()
        return self._http_client

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._http_client is not None:
            client, self._http_client = self._http_client, None
            with contextlib.suppress(RuntimeError):  # created on another (closed) loop
                await client.aclose()

    @property
    def has_token(self) -> bool:
        return bool(self._token)

    @property
    def bind_url(self) -> str | None:
        """Registration link that keeps an anonymous account's work, when its id is known."""
        if self._explicit_token or not self.user_id:
            return None
        return f"{self.web_url}/register?bind={quote(self.user_id)}"

    def _headers(self, *, auth_header: bool = True) -> dict[str, str]:
        headers = self.skill.headers()
        if auth_header and self._token:
            headers["Authorization"] = f"Bearer {self._token.reveal()}"
        return headers

    async def ensure_token(self) -> None:
        """Make sure a token is available: explicit, cached, or a new anonymous one."""
        if self._token:
            return
        self._http  # noqa: B018 - binds the lock to this loop
        assert self._token_lock is not None
        async with self._token_lock:
            if self._token:
                return
            cached = auth.load_token(self.cache_key)
            if cached is not None:
                self._token, self.user_id = cached.token, cached.user_id
                return
            await self._acquire_anonymous_token()

    async def _acquire_anonymous_token(self) -> None:
        headers = self._headers(auth_header=False)
        headers["X-Client-Id"] = auth.client_id()
        if self._engine_owner is not None:
            headers[schema.ENGINE_OWNER_HEADER] = self._engine_owner.reveal()
        try:
            data = await self._send(
                "POST", "/api/auth/anonymous-token", headers=headers, during="getting a free token"
            )
        except E.RateLimitedError:
            # one token per client id: another notebook (or client object) of this user may
            # have just been given it and be saving it to the shared cache; use that one
            for _ in range(10):
                cached = auth.load_token(self.cache_key)
                if cached is not None:
                    self._token, self.user_id = cached.token, cached.user_id
                    return
                await asyncio.sleep(0.2)
            raise
        token = (data or {}).get("token") if isinstance(data, dict) else None
        if not token:
            raise E.NemoError(
                "The server did not return a token. Set NEMO_TOKEN to an API token and retry."
            )
        expires = auth.parse_expiry(data.get("expires_at")) or time.time() + schema.TOKEN_TTL_S
        cached = auth.CachedToken(auth.Secret(token), data.get("user_id"), expires)
        auth.save_token(self.cache_key, cached)
        self._token, self.user_id = cached.token, cached.user_id or self.user_id
        log.info("nemo: got an anonymous token for %s", self.base_url)

    async def _renew_token(self, used: auth.Secret | None = None) -> None:
        """Replace an expired anonymous token (same client id), once for concurrent callers."""
        if self._explicit_token:
            raise E.TokenExpiredError(
                "The API token you gave (NEMO_TOKEN or token=...) is invalid or expired. Create "
                "a new token in your NemoVideo account, or unset it to use a free anonymous token."
            )
        self._http  # noqa: B018 - binds the lock to this loop
        assert self._token_lock is not None
        async with self._token_lock:
            if used is not None and self._token is not used:
                return  # another request renewed it meanwhile
            log.info("nemo: token expired; renewing it with the same client id")
            auth.forget_token(self.cache_key)
            self._token = None
            await self._acquire_anonymous_token()

    async def _send(
        self,
        method: str,
        path: str,
        *,
        headers: dict[str, str],
        during: str,
        raw: bool = False,
        rate_retry: bool = True,
        **kwargs: Any,
    ) -> Any:
        """One request + envelope decoding, with the single 429 retry (no auth renewal)."""
        for attempt in (0, 1):
            try:
                resp = await self._http.request(method, path, headers=headers, **kwargs)
            except httpx.TimeoutException as exc:
                raise E.NemoError(
                    f"The server at {self.base_url} did not answer in time while {during}. "
                    "Check your connection and try again.",
                    status=408,
                ) from exc
            except httpx.ConnectError as exc:
                raise self._unreachable(during, exc) from exc
            except httpx.TransportError as exc:
                raise E.NemoError(
                    f"Cannot reach {self.base_url} while {during} ({type(exc).__name__}). "
                    "Check the URL and your connection, then try again.",
                ) from exc
            log.debug("nemo: %s %s -> %s", method, path, resp.status_code)
            self._note(resp)
            body = _body(resp)
            env = envelopes.parse(resp.status_code, body)
            if env.ok:
                return body if raw else env.data
            err = envelopes.error_for(env, bind_url=self.bind_url, during=during)
            # "wait 30 s and retry once", unless the server says the wait is longer (one token
            # per client per 7 days): then waiting here would only delay the same refusal
            if (
                isinstance(err, E.RateLimitedError)
                and attempt == 0
                and rate_retry
                and _retry_after_s(resp) <= 2 * self.rate_limit_wait_s
            ):
                log.info(
                    "nemo: rate limited; waiting %.0f s before one retry", self.rate_limit_wait_s
                )
                await self._sleep(self.rate_limit_wait_s)
                continue
            raise err
        raise AssertionError("unreachable")

    async def request(
        self,
        method: str,
        path: str,
        *,
        during: str = "",
        raw: bool = False,
        rate_retry: bool = True,
        **kwargs: Any,
    ) -> Any:
        """Authenticated request to the API; returns the unwrapped ``data``.

        A 1001 (token expired) renews an anonymous token once with the same client id and
        retries the call; a 429 waits ``rate_limit_wait_s`` and retries once.
        """
        await self.ensure_token()
        extra = kwargs.pop("headers", None) or {}
        for attempt in (0, 1):
            used = self._token
            try:
                return await self._send(
                    method,
                    path,
                    headers={**self._headers(), **extra},
                    during=during or f"calling {path}",
                    raw=raw,
                    rate_retry=rate_retry,
                    **kwargs,
                )
            except E.TokenExpiredError:
                if attempt:
                    raise
                await self._renew_token(used)
        raise AssertionError("unreachable")

    # -- sessions ---------------------------------------------------------------------------

    async def create_session(self, language: str = "en", task_name: str = "project") -> SessionInfo:
        """``POST /api/tasks/me/with-session/nemo_agent``: a new task and editing session."""
        data = await self.request(
            "POST",
            f"/api/tasks/me/with-session/{schema.APP_NAME}",
            json={"task_name": task_name, "language": language or "en"},
            during="creating a session",
        )
        d = data if isinstance(data, dict) else {}
        sid = d.get("session_id") or d.get("sessionId")
        if not sid:
            raise E.NemoError("The server did not return a session id. Try `nw.connect()` again.")
        if d.get("user_id"):
            self.user_id = str(d["user_id"])
        return SessionInfo(str(sid), d.get("task_id") or d.get("taskId"), self.user_id)

    async def claim_token(self, task_id: str | None, session_id: str) -> str:
        """``POST /api/auth/claim-token``: a browser claim token (never the API token)."""
        data = await self.request(
            "POST",
            "/api/auth/claim-token",
            json={"task_id": task_id, "session_id": session_id},
            during="creating a browser link",
        )
        ct = data.get("claim_token") if isinstance(data, dict) else None
        if not ct:
            raise E.NemoError("The server did not return a claim token; try again later.")
        return str(ct)

    async def claim_url(self, task_id: str | None, session_id: str) -> str:
        """Browser link that opens this project: ``<web>/workspace/claim?ct=<claim token>``."""
        ct = await self.claim_token(task_id, session_id)
        return f"{self.web_url}/workspace/claim?ct={quote(ct)}"

    # -- chat -------------------------------------------------------------------------------

    async def stream_chat(
        self, session_id: str, message: str, *, read_timeout_s: float = SSE_READ_TIMEOUT_S
    ) -> AsyncIterator[Event]:
        """``POST /run_sse``: the reply as typed events, until the server closes the stream.

        Raises :class:`StreamDroppedError` when the connection breaks mid-stream (the caller
        must not re-send the message). An auth error before any byte streamed is retried once
        with a renewed token: the server refused the message, so nothing was processed.
        """
        await self.ensure_token()
        body = {
            "app_name": schema.APP_NAME,
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"parts": [{"text": message}]},
        }
        timeout = httpx.Timeout(
            self._timeout.connect or 15.0, read=read_timeout_s, write=60.0, pool=60.0
        )
        for attempt in (0, 1):
            used = self._token
            headers = {
                **self._headers(),
                "Accept": "text/event-stream",
                "Cache-Control": "no-store",
            }
            started = False
            try:
                async with self._http.stream(
                    "POST", "/run_sse", json=body, headers=headers, timeout=timeout
                ) as resp:
                    ctype = resp.headers.get("content-type", "")
                    if resp.status_code >= 300 or "json" in ctype:
                        await resp.aread()
                        env = envelopes.parse(resp.status_code, _body(resp))
                        if env.ok:  # a JSON body instead of a stream: treat it as one frame
                            from .sse import FrameParser

                            for ev in FrameParser().parse(resp.text):
                                yield ev
                            return
                        err = envelopes.error_for(env, bind_url=self.bind_url, during="chatting")
                        if isinstance(err, E.TokenExpiredError) and attempt == 0:
                            await self._renew_token(used)
                            continue
                        raise err
                    started = True
                    async for event in aiter_events(resp.aiter_text()):
                        yield event
                    return
            except (httpx.TransportError, httpx.StreamError) as exc:
                if not started and isinstance(exc, httpx.ConnectError):
                    raise self._unreachable(
                        "sending the message (it was not sent; send it again once it answers)",
                        exc,
                    ) from exc
                raise E.StreamDroppedError(
                    f"The reply stream broke off ({type(exc).__name__}).", status=None
                ) from exc

    # -- uploads ----------------------------------------------------------------------------

    async def upload_files(
        self,
        session_id: str,
        paths: Sequence[str | os.PathLike[str]],
        *,
        on_progress: ProgressCallback | None = None,
    ) -> list[UploadedFile]:
        """Multipart upload (field ``files``, repeatable), streamed from disk in 64 KiB chunks.

        Every file is checked (exists, supported type, ≤ 500 MB) before any byte is sent.
        ``on_progress(bytes_sent, total)`` is called as the body goes out.
        """
        checked = [check_upload_path(p) for p in paths]
        if not checked:
            return []
        counter = _Counter(sum(size for _, _, size in checked), on_progress)
        readers = [_ProgressReader(p, counter) for p, _, _ in checked]
        try:
            files = [
                ("files", (p.name, r, mime))
                for (p, mime, _), r in zip(checked, readers, strict=True)
            ]
            data = await self.request(
                "POST",
                f"/api/upload-video/{schema.APP_NAME}/me/{quote(session_id)}",
                files=files,
                during="uploading",
                timeout=httpx.Timeout(30.0, read=600.0, write=600.0),
            )
        finally:
            for r in readers:
                r.close()
        if on_progress is not None and counter.sent != counter.total:
            on_progress(counter.total, counter.total)
        return _uploaded(data)

    async def upload_urls(
        self, session_id: str, urls: Sequence[str], *, checked: bool = False
    ) -> list[UploadedFile]:
        """URL upload (``{"urls": [...], "source_type": "url"}``), checked first.

        The type comes from the URL's extension when it has one; the size from a HEAD request
        to the URL's own host (sent without any of our headers) when that host answers.
        """
        if not checked:
            for url in urls:
                await self.check_url(url)
        data = await self.request(
            "POST",
            f"/api/upload-video/{schema.APP_NAME}/me/{quote(session_id)}",
            json={"urls": list(urls), "source_type": "url"},
            during=envelopes.DURING_URL_IMPORT,
        )
        return _uploaded(data)

    async def check_url(self, url: str) -> None:
        """Raise before sending when a URL's extension or announced size is not accepted."""
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise ValueError(f"{url!r} is not an http(s) URL nor an existing file path.")
        name = parsed.path.rsplit("/", 1)[-1]
        if "." in name and schema.media_type(name) is None:
            raise E.UnsupportedFileError(
                f"{name}: this file type is not supported. Supported formats: "
                f"{schema.SUPPORTED_FORMATS_TEXT}."
            )
        try:
            # A separate request without auth: the token must never go to a third-party host.
            resp = await self._http.head(url, headers={}, timeout=10.0)
            size = int(resp.headers.get("content-length", "0") or 0)
        except (httpx.HTTPError, ValueError):
            return  # unknown size: let the server decide
        if size > schema.MAX_UPLOAD_BYTES:
            raise E.FileTooLargeError(
                f"{size_over_limit(name or url, size)}. Trim or compress it first, then upload "
                "the file."
            )

    # -- state, credits, captions -------------------------------------------------------------

    async def credits(self) -> Credits:
        """``GET /api/credits/balance/simple``."""
        data = await self.request("GET", "/api/credits/balance/simple", during="reading credits")
        return Credits.from_data(data)

    async def state(self, session_id: str) -> dict[str, Any]:
        """``GET /api/state/nemo_agent/me/{sid}/latest``: ``data`` with ``state`` inside.

        A server that numbers its state versions (the engine: ``state_version``) is asked only
        for the parts changed since the version this client holds (``?since=V``), which are
        merged into the state it has; any other server (the cloud) is read whole, as the
        contract says. Either way the answer is the whole ``data``.
        """
        key = (self.cache_key, session_id)
        known = self._states.get(key)
        data = await self._get_state(session_id, known[0] if known else None)
        if known is not None and schema.STATE_PARTS in data:
            merged = (
                self._merged(known[1], data) if data.get(schema.STATE_SINCE) == known[0] else None
            )
            if merged is None:  # a part the answer counts on is not here: read it whole
                self._states.pop(key, None)
                data = await self._get_state(session_id, None)
            else:
                data = {k: v for k, v in data.items() if k not in _DELTA_FIELDS}
                data["state"] = schema.joined_state(merged)
                self._states[key] = (int(data[schema.STATE_VERSION]), merged)
                return data
        version = data.get(schema.STATE_VERSION)
        state = data.get("state")
        if isinstance(version, int) and not isinstance(version, bool) and isinstance(state, dict):
            self._states[key] = (version, schema.state_parts(state))
        else:
            self._states.pop(key, None)
        return data

    async def _get_state(self, session_id: str, since: int | None) -> dict[str, Any]:
        data = await self.request(
            "GET",
            f"/api/state/{schema.APP_NAME}/me/{quote(session_id)}/latest",
            params=None if since is None else {schema.STATE_SINCE: str(since)},
            during="reading the session state",
        )
        data = data if isinstance(data, dict) else {}
        for key in ("user_id", "anon_id", "bind_id"):
            if data.get(key) and not self.user_id:
                self.user_id = str(data[key])
        return data

    @staticmethod
    def _merged(parts: dict[str, Any], data: dict[str, Any]) -> dict[str, Any] | None:
        """The parts of ``data``'s version: the ones sent, and the unchanged ones held here."""
        index, sent = data.get(schema.STATE_INDEX), data.get(schema.STATE_PARTS)
        if not isinstance(index, dict) or not isinstance(sent, dict):
            return None
        if not isinstance(data.get(schema.STATE_VERSION), int):
            return None
        out: dict[str, Any] = {}
        for name in index:
            if name in sent:
                out[name] = sent[name]
            elif name in parts:
                out[name] = parts[name]
            else:
                return None
        return out

    async def captions(self, session_id: str, *, fmt: str = "srt", lang: str | None = None) -> str:
        """Engine extension: the session's captions as SRT / VTT / ASS / JSON text."""
        params = {"format": fmt}
        if lang:
            params["lang"] = lang
        await self.ensure_token()
        try:
            resp = await self._http.get(
                f"/api/captions/{schema.APP_NAME}/me/{quote(session_id)}",
                params=params,
                headers=self._headers(),
            )
        except httpx.TransportError as exc:
            raise E.NemoError(f"Cannot reach {self.base_url} to read captions.") from exc
        ctype = resp.headers.get("content-type", "")
        if resp.status_code >= 300:
            env = envelopes.parse(resp.status_code, _body(resp))
            if env.code == NO_CAPTIONS_CODE and env.message:
                # The engine's words already name what to ask for; the generic tail ("open a
                # new session") would send the user the wrong way.
                raise E.NemoError(env.message, code=env.code, status=env.status)
            if resp.status_code == 404 and env.code in (None, 0, 404):
                raise E.NemoError(
                    f"{self.base_url} has no captions endpoint (it is an extension of the local "
                    "engine; NemoVideo's cloud burns captions into the export instead). Export "
                    "with s.export(), or use nw.connect() for SRT / VTT / ASS files.",
                    status=404,
                )
        if resp.status_code >= 300 or ("json" in ctype and fmt != "json"):
            envelopes.unwrap(resp.status_code, _body(resp), during="reading captions")
        return resp.text

    # -- render -------------------------------------------------------------------------------

    async def submit_render(
        self, render_id: str, session_id: str, draft: dict[str, Any], output: dict[str, Any]
    ) -> Any:
        """``POST /api/render/proxy/lambda`` (``sessionId`` is camelCase by contract)."""
        return await self.request(
            "POST",
            "/api/render/proxy/lambda",
            json={"id": render_id, "sessionId": session_id, "draft": draft, "output": output},
            during="starting the export",
            raw=True,
        )

    async def poll_render(self, render_id: str, *, wait_s: float | None = None) -> Any:
        """``GET /api/render/proxy/lambda/{id}``: the raw body (shapes vary, see ``render``).

        ``wait_s``: on a server that holds polls (the engine, ``X-Nemo-Long-Poll``), let it
        answer as soon as the job changes, within that many seconds; elsewhere ignored.
        """
        kwargs: dict[str, Any] = {}
        if wait_s and self.long_poll_max_s:
            wait = min(wait_s, self.long_poll_max_s)
            kwargs["params"] = {"wait": f"{wait:g}"}
            kwargs["timeout"] = httpx.Timeout(wait + 30.0, connect=15.0)
        return await self.request(
            "GET",
            f"/api/render/proxy/lambda/{quote(render_id)}",
            during="checking the export",
            raw=True,
            rate_retry=False,
            **kwargs,
        )

    async def aping(self, during: str = "checking the server") -> None:
        """Raise :class:`ServerUnreachableError` when nothing answers at the base URL.

        Any HTTP answer (even 404) means the server is there; only a refused or failed
        connection counts as unreachable.
        """
        for attempt in range(2):
            try:
                await self._http.get(
                    "/health", headers={}, timeout=httpx.Timeout(10.0, connect=5.0)
                )
            except httpx.ConnectError as exc:
                raise self._unreachable(during, exc) from exc
            except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError):
                # a pooled keep-alive connection to a server that just died fails like this:
                # the second try opens a new connection, which is refused if nothing listens
                if attempt == 0:
                    continue
                return
            except httpx.HTTPError:
                return  # it answered something, slowly or oddly: not "unreachable"
            return

    async def engine_instance(self) -> str | None:
        """The embedded engine's data-folder id (``GET /health``, an engine extension).

        None when the server is not an engine (or does not answer): the caller then keys its
        memory by the base URL.
        """
        try:
            resp = await self._http.get("/health", headers={}, timeout=5.0)
            body = resp.json() if resp.status_code == 200 else {}
        except (httpx.HTTPError, ValueError):
            return None
        value = body.get("instance") if isinstance(body, dict) else None
        return str(value) if isinstance(value, str) and value else None

    async def cancel_render(self, render_id: str) -> Any:
        """``POST /api/render/proxy/lambda/{id}/cancel``."""
        return await self.request(
            "POST",
            f"/api/render/proxy/lambda/{quote(render_id)}/cancel",
            during="cancelling the export",
            raw=True,
        )

    async def download(
        self,
        url: str | None,
        dest: str | os.PathLike[str],
        *,
        render_id: str | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> Path:
        """Stream a render to ``dest`` (via ``.part`` + rename, so no half file is left).

        The output URL is fetched without any headers (it is a public CDN link); without one,
        the authenticated fallback ``GET /api/render/proxy/{id}/download`` is used.
        """
        dest = Path(dest).expanduser()
        if dest.is_dir():
            dest = dest / f"{render_id or 'render'}.mp4"
        check_output_path(dest)
        part = dest.with_name(dest.name + ".part")
        if url:
            headers: dict[str, str] = {}
            target = url
        else:
            if not render_id:
                raise ValueError("download needs an output URL or a render id")
            await self.ensure_token()
            headers = self._headers()
            target = f"/api/render/proxy/{quote(render_id)}/download"
        try:
            async with self._http.stream("GET", target, headers=headers) as resp:
                if resp.status_code >= 300:
                    await resp.aread()
                    envelopes.unwrap(resp.status_code, _body(resp), during="downloading")
                total = int(resp.headers.get("content-length", "0") or 0)
                done = 0
                # 0600 like everything the toolkit writes (the video may be private)
                fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    async for chunk in resp.aiter_bytes(1 << 20):
                        fh.write(chunk)
                        done += len(chunk)
                        if on_progress is not None:
                            on_progress(done, total or done)
            part.replace(dest)
        except httpx.TransportError as exc:
            part.unlink(missing_ok=True)
            raise E.NemoError(
                f"The download broke off ({type(exc).__name__}); call download() again."
            ) from exc
        except BaseException:
            part.unlink(missing_ok=True)
            raise
        return dest


def _retry_after_s(resp: httpx.Response) -> float:
    try:
        return float(resp.headers.get("retry-after") or 0)
    except ValueError:
        return 0.0


def _body(resp: httpx.Response) -> Any:
    ctype = resp.headers.get("content-type", "")
    if "json" in ctype or resp.content[:1] in (b"{", b"["):
        try:
            return resp.json()
        except ValueError:
            pass
    return resp.text


def _uploaded(data: Any) -> list[UploadedFile]:
    items = data.get("files") if isinstance(data, dict) else data
    if isinstance(items, dict):
        items = [items]
    return [UploadedFile.from_data(f) for f in items or () if isinstance(f, dict)]
