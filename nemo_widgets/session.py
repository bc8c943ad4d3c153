"""The notebook facade: ``nw.connect()`` and :class:`Session`, sync calls with async twins.

Every sync method (``s.chat``) has an async twin (``await s.achat``); top-level ``await`` in a
cell is the primary path, the sync forms work in scripts and in cells (see ``_sync``). The
session id and the render jobs are remembered on disk (``NEMO_WIDGETS_DATA_DIR``), so
``connect(resume=True)`` or ``connect(session_id=...)`` after a kernel restart gets them back.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from . import _sync, schema
from ._display import short_id
from .api import config, intents
from .api import errors as E
from .api.chat import RECOVERY_DELAYS_S, Reply, run_turn
from .draft import Draft, SessionState
from .renders import RenderJob, RenderStore, jobs_frame

if TYPE_CHECKING:  # pragma: no cover
    import httpx

    from .api.client import Credits, NemoClient, UploadedFile
    from .api.skills import SkillProfile
    from .api.sse import Event

log = logging.getLogger("nemo_widgets")

Observer = Callable[[str, Any], Any]
_CAPTION_FORMATS = ("srt", "vtt", "ass", "json")


def _is_local(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return host in ("127.0.0.1", "localhost", "::1") or host.startswith("127.")


def _sessions_path(store_dir: Path) -> Path:
    return store_dir / "sessions.json"


def _session_key(backend: str, base_url: str, data_dir: Path | None) -> str:
    # The engine's port changes at every start, so its sessions are keyed by its data dir.
    if backend == "engine" and data_dir is not None:
        return f"engine:{data_dir}"
    return base_url.rstrip("/")


def _identity(token: str | None) -> str:
    """Who is connecting: an explicit token (by fingerprint, never the token), else the client.

    Sessions belong to an account: remembering them per (server, identity) means resuming
    as one identity never picks a session of another, and never overwrites its last one.
    """
    import hashlib

    explicit = token or os.environ.get("NEMO_TOKEN")
    if explicit:
        return "token:" + hashlib.sha256(explicit.encode()).hexdigest()[:16]
    from .api import auth

    return "client:" + auth.client_id()


class Session:
    """An editing session on NemoVideo or the embedded engine. Create it with :func:`connect`.

    Attributes
    ----------
    backend : str
        ``"engine"`` (local) or ``"cloud"``.
    base_url : str
    skill : SkillProfile
    session_id, task_id : str
    draft : Draft
        The timeline as last fetched (``s.state()`` refreshes it).
    """

    def __init__(
        self,
        client: NemoClient,
        *,
        session_id: str,
        task_id: str | None = None,
        backend: str = "cloud",
        language: str = "en",
        store_dir: Path | None = None,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        recovery_delays_s: Sequence[float] = RECOVERY_DELAYS_S,
        render_timeout_s: float = 300.0,
        engine: Any = None,
    ) -> None:
        self._client = client
        self.backend = backend
        self.base_url = client.base_url
        self.skill: SkillProfile = client.skill
        self.session_id = session_id
        self.task_id = task_id
        self.language = language
        self._store_dir = Path(store_dir) if store_dir else config.data_dir()
        self._sleep = sleep or asyncio.sleep
        self._recovery_delays_s = tuple(recovery_delays_s)
        self._render_timeout_s = render_timeout_s
        self._engine = engine
        self._state: SessionState | None = None
        self._credits: Credits | None = None
        self._observers: list[Observer] = []
        self._uploads: list[UploadedFile] = []
        self._render_store = RenderStore(self._store_dir / "renders", session_id)
        self._jobs: dict[str, RenderJob] = {}
        for record in self._render_store.load():
            job = self._make_job(record)
            self._jobs[job.id] = job

    # -- display ----------------------------------------------------------------------------

    def __repr__(self) -> str:
        credits = f" · {self._credits.available} credits" if self._credits else ""
        return (
            f"<nemo_widgets.Session {self.backend} · skill {self.skill.name} · "
            f"session {short_id(self.session_id)}{credits}>"
        )

    def _repr_html_(self) -> str:
        credits = f" · {self._credits.available} credits" if self._credits else ""
        tracks = f" · {len(self._state.draft.tracks)} tracks" if self._state else ""
        sid = html.escape(self.session_id)
        return (
            '<span style="font-family:var(--jp-ui-font-family,sans-serif)">🎬 <b>NemoVideo</b> '
            f"{html.escape(self.backend)} · <code>{html.escape(self.skill.name)}</code> · "
            f'session <code title="{sid}">{html.escape(short_id(self.session_id))}</code>'
            f"{tracks}{credits}</span>"
        )

    # -- observers --------------------------------------------------------------------------

    def observe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(kind, payload)`` on ``"draft"``, ``"renders"`` and ``"uploads"``.

        Returns a function that unsubscribes.
        """
        self._observers.append(callback)

        def unsubscribe() -> None:
            if callback in self._observers:
                self._observers.remove(callback)

        return unsubscribe

    def _notify(self, kind: str, payload: Any) -> None:
        for cb in list(self._observers):
            try:
                cb(kind, payload)
            except Exception:  # an observer's bug must not break the session
                log.exception("nemo: observer failed on %s", kind)

    # -- state ------------------------------------------------------------------------------

    @property
    def draft(self) -> Draft:
        """The timeline: current after every upload, chat turn, export and ``state()``.

        Everything this session does that changes the server's state (uploads from code or
        the picker, chat turns, undo, exports) fetches the state before it returns, so
        ``s.upload(clip); s.draft`` already shows the clip. Empty before the first of them.
        """
        return self._state.draft if self._state else Draft()

    async def astate(self) -> SessionState:
        """Fetch the session state (and refresh :attr:`draft`)."""
        state = SessionState.from_response(await self._client.state(self.session_id))
        old = self._state
        self._state = state
        if old is None or old.draft.raw != state.draft.raw:
            self._notify("draft", state.draft)
        return state

    def state(self) -> SessionState:
        """Fetch the session state: draft, uploads, canvas, captions, metadata, prompts."""
        return _sync.run(self.astate())

    async def acredits(self) -> Credits:
        """Credit balance (``available``, ``frozen``, ``total``)."""
        self._credits = await self._client.credits()
        return self._credits

    def credits(self) -> Credits:
        """Credit balance (``available``, ``frozen``, ``total``)."""
        return _sync.run(self.acredits())

    # -- uploads ----------------------------------------------------------------------------

    async def aupload(
        self, *items: str | os.PathLike[str] | Iterable[Any], on_progress: Any = None
    ) -> list[UploadedFile]:
        """Upload local files and/or import URLs; all are checked before any byte is sent.

        Parameters
        ----------
        *items : str, path or list of them
            Paths of video / image / audio files, or http(s) URLs.
        on_progress : callable, optional
            ``on_progress(bytes_sent, total)`` while local files are sent.
        """
        from .api.client import check_upload_path

        flat: list[Any] = []
        for item in items:
            if isinstance(item, (str, os.PathLike)):
                flat.append(item)
            else:
                flat.extend(item)
        if not flat:
            raise ValueError("Nothing to upload: pass file paths or URLs, e.g. s.upload('a.mp4').")
        urls = [str(x) for x in flat if str(x).startswith(("http://", "https://"))]
        paths = [x for x in flat if not str(x).startswith(("http://", "https://"))]
        for p in paths:
            check_upload_path(p)  # all local files are valid before the first request
        for u in urls:
            await self._client.check_url(u)
        files: list[UploadedFile] = []
        if paths:
            files += await self._client.upload_files(
                self.session_id, paths, on_progress=on_progress
            )
        try:
            if urls:
                files += await self._client.upload_urls(self.session_id, urls, checked=True)
        finally:
            self._uploads += files
            if files:
                # The server placed the clips on its draft: fetch it now, so `s.draft` and
                # every observing widget show them when this returns (one source of truth).
                await self._arefresh_after("upload")
                self._notify("uploads", files)
        return files

    async def _arefresh_after(self, what: str) -> None:
        """Fetch the state after ``what`` changed it; a failed fetch is logged, not raised.

        The change itself succeeded, so its result is returned either way; the next call
        that reads the state tries again.
        """
        try:
            await self.astate()
        except E.NemoError as exc:
            log.warning("nemo: could not refresh the draft after %s: %s", what, exc)

    def upload(
        self, *items: str | os.PathLike[str] | Iterable[Any], on_progress: Any = None
    ) -> list[UploadedFile]:
        """Upload files or URLs (sync); shows a progress bar inside a notebook."""
        from ._display import Progress

        bar = Progress("Uploading")
        cb = on_progress or (bar.bytes if bar.enabled else None)
        files = _sync.run(self.aupload(*items, on_progress=cb))
        bar.close(f"{len(files)} file(s)")
        return files

    @property
    def uploads(self) -> list[UploadedFile]:
        """Files uploaded through this Session object."""
        return list(self._uploads)

    # -- chat -------------------------------------------------------------------------------

    async def achat(
        self,
        message: str,
        *,
        on_event: Callable[[Event], Any] | None = None,
        route: bool = True,
    ) -> Reply:
        """Send one message to the editing agent and collect the reply.

        Like the seeds' routing table, "export", "credits", "status" and "upload" messages are
        answered directly without the agent (``route=False`` sends them to the agent anyway);
        ``Reply.route`` says which way a message went.

        When the reply has no text the state is read and the change reported in
        ``Reply.changes``; when the stream drops, the message is not re-sent: the state is
        polled (30 s, then 60 s, up to 5 checks) and the change, if any, reported.
        Cancelling the awaiting task closes the stream cleanly.
        """
        if not message or not message.strip():
            raise ValueError("Empty message: say what to do, e.g. s.chat('add captions').")
        where = intents.route(message) if route else "chat"
        if where != "chat":
            return await self._adirect(where, message)
        before = self._state.draft if self._state else (await self.astate()).draft

        async def snapshot() -> Draft:
            return (await self.astate()).draft

        reply = await run_turn(
            self._client.stream_chat(self.session_id, message),
            on_event=on_event,
            snapshot=snapshot,
            before=before,
            describe=lambda a, b: a.diff(b).lines,
            sleep=self._sleep,
            recovery_delays_s=self._recovery_delays_s,
            reachable=lambda: self._client.aping("checking on your message after the drop"),
        )
        # Every turn may have changed the draft (an edit, an undo, captions): read it once
        # more so `s.draft` and the widgets observing it are current when this returns.
        await self._arefresh_after("the chat turn")
        return reply

    async def _adirect(self, where: str, message: str) -> Reply:
        """Answer an export / credits / status / upload message without the agent."""
        if where == "export":
            job = await self.aexport(**intents.export_options(message))
            text = (
                f"Export started: render `{job.id}` ({job.status or 'pending'}). Wait for it "
                "with `s.render_jobs[-1].wait()`, or follow it in `s.renders_table()`."
            )
            return Reply(text=text, route=where, render=job)
        if where == "credits":
            c = await self.acredits()
            text = (
                f"Credits: **{c.available}** available ({c.frozen} reserved for running work, "
                f"{c.total} in total). Exporting is free."
            )
            return Reply(text=text, route=where)
        if where == "status":
            summary = (await self.astate()).draft.summary()
            text = summary or "The timeline is empty: upload a clip or ask for an edit."
            return Reply(text=text, route=where, actions=frozenset({"timeline"}))
        # Files never travel inside a chat message: point at the two ways to add them.
        text = (
            "To add media, run `s.upload('clip.mp4')` (a path or a URL) or use the upload "
            f"picker (`s.upload_picker()`). Accepted: {schema.SUPPORTED_FORMATS_TEXT}; up to "
            f"{schema.MAX_UPLOAD_BYTES // (1024 * 1024)} MB per file."
        )
        return Reply(text=text, route=where)

    def chat(
        self,
        message: str,
        *,
        on_event: Callable[[Event], Any] | None = None,
        route: bool = True,
    ) -> Reply:
        """Send one message (sync); inside a notebook the reply streams into the cell."""
        from ._display import TextStream
        from .api.sse import HeartbeatEvent, TextEvent

        stream = TextStream()
        last_text = time.monotonic()

        def _on_event(ev: Event) -> Any:
            nonlocal last_text
            if isinstance(ev, TextEvent):
                stream.feed(ev.text)
                last_text = time.monotonic()
            elif isinstance(ev, HeartbeatEvent) and time.monotonic() - last_text > 120:
                stream.status("⏳ Still working...")
                last_text = time.monotonic()
            return on_event(ev) if on_event is not None else None

        reply = _sync.run(self.achat(message, on_event=_on_event, route=route))
        if stream.close(str(reply)):
            reply._streamed = True  # shown already: the cell result does not repeat it
        return reply

    # -- export -----------------------------------------------------------------------------

    def _make_job(self, record: dict[str, Any]) -> RenderJob:
        return RenderJob.from_record(
            record,
            client=self._client,
            store=self._render_store,
            resubmit=self._resubmit_for(record.get("output") or {}),
            on_change=lambda job: self._notify("renders", job),
            sleep=self._sleep,
            timeout_s=self._render_timeout_s,
        )

    def _resubmit_for(self, output: dict[str, Any]) -> Callable[[], Awaitable[str]]:
        async def resubmit() -> str:
            from .api.render import new_render_id

            state = await self.astate()
            new_id = new_render_id()
            await self._client.submit_render(new_id, self.session_id, state.draft.to_dict(), output)
            return new_id

        return resubmit

    async def aexport(
        self, quality: str = "high", resolution: str | int | None = None
    ) -> RenderJob:
        """Start rendering the timeline to MP4; returns the :class:`RenderJob` (not waited).

        Parameters
        ----------
        quality : {"high", "medium", "low"}
        resolution : {"1080p", "720p", "480p"} or int, optional
        """
        from .api.render import new_render_id, parse_status

        if quality not in schema.QUALITIES:
            raise ValueError(f"quality must be one of {', '.join(schema.QUALITIES)}")
        output: dict[str, Any] = {"format": "mp4", "quality": quality}
        if resolution is not None:
            res = f"{resolution}p" if isinstance(resolution, int) else str(resolution).lower()
            if res not in schema.RESOLUTIONS:
                raise ValueError(
                    f"resolution must be one of {', '.join(schema.RESOLUTIONS)} (got {resolution})"
                )
            output["resolution"] = res
        state = await self.astate()
        if not state.draft.is_exportable:
            raise E.NemoError(
                "Nothing to export yet: the timeline is empty. Upload a clip with "
                "`s.upload(...)` or ask for an edit with `s.chat(...)` first."
            )
        render_id = new_render_id()
        try:
            body = await self._client.submit_render(
                render_id, self.session_id, state.draft.to_dict(), output
            )
        except (E.ExportBlockedError, E.SessionNotFoundError, E.OutOfCreditsError):
            raise
        except E.TokenExpiredError:
            raise
        except E.NemoError as exc:
            # "On a duplicate-id error or any failure, generate a new id and retry once."
            log.info("nemo: render submit failed (%s); retrying once with a new id", exc)
            render_id = new_render_id()
            body = await self._client.submit_render(
                render_id, self.session_id, state.draft.to_dict(), output
            )
        st = parse_status(body)
        job = self._make_job(
            {
                "id": render_id,
                "session_id": self.session_id,
                "status": st.status,
                "progress": st.progress,
                "output": output,
                "created_at": time.time(),
            }
        )
        self._jobs[job.id] = job
        job._changed()
        return job

    def export(self, quality: str = "high", resolution: str | int | None = None) -> RenderJob:
        """Start rendering (sync); call ``.wait()`` / ``.download(path)`` on the job."""
        return _sync.run(self.aexport(quality, resolution))

    @property
    def render_jobs(self) -> list[RenderJob]:
        """This session's render jobs (also those from before a kernel restart), oldest first."""
        jobs = {id(j): j for j in self._jobs.values()}
        return sorted(jobs.values(), key=lambda j: j.created_at or 0)

    @property
    def renders(self) -> Any:
        """A pandas DataFrame of this session's renders."""
        return jobs_frame(self.render_jobs)

    async def aresume_renders(self) -> list[RenderJob]:
        """Poll every unfinished job once (after a restart); returns the unfinished ones."""
        pending = [j for j in self.render_jobs if not j.done]
        for job in pending:
            try:
                await job.arefresh()
            except E.NemoError as exc:
                log.info("nemo: could not refresh render %s: %s", job.id, exc)
        return [j for j in pending if not j.done]

    # -- captions, metadata, prompts, links -----------------------------------------------------

    async def acaptions(self, lang: str | None = None, format: str = "srt") -> str:
        """The session's captions as SRT / VTT / ASS text (JSON: word level)."""
        fmt = format.lower().lstrip(".")
        if fmt not in _CAPTION_FORMATS:
            raise ValueError(f"format must be one of {', '.join(_CAPTION_FORMATS)}")
        return await self._client.captions(self.session_id, fmt=fmt, lang=lang)

    def captions(self, lang: str | None = None, format: str = "srt") -> str:
        """The session's captions as text (ask for captions in ``s.chat`` first)."""
        return _sync.run(self.acaptions(lang, format))

    def caption_report(self, lang: str | None = None) -> Any:
        """One row per cue (start, end, duration, cps, lines, chars, rules broken).

        Parameters
        ----------
        lang
            Language of the captions (default: the first the session has).

        Returns
        -------
        pandas.DataFrame
            See :func:`nemo_widgets.captions.caption_report`.
        """
        from .captions import caption_report

        return caption_report(self.state(), lang)

    async def adownload_captions(
        self, path: str | os.PathLike[str], format: str | None = None, lang: str | None = None
    ) -> Path:
        """Save captions to ``path`` (its folder must exist); format from its suffix, else SRT."""
        dest = Path(path).expanduser()
        fmt = (format or dest.suffix.lstrip(".") or "srt").lower()
        if dest.is_dir():
            dest = dest / f"captions{'.' + lang if lang else ''}.{fmt}"
        from .api.client import check_output_path

        check_output_path(dest)  # before the request, so a typo costs nothing
        text = await self.acaptions(lang, fmt)
        tmp = dest.with_name(dest.name + ".part")
        try:
            tmp.write_text(text, encoding="utf-8")
            tmp.replace(dest)
        except BaseException:  # e.g. a full disk: leave no half-written .part behind
            tmp.unlink(missing_ok=True)
            raise
        return dest

    def download_captions(
        self, path: str | os.PathLike[str], format: str | None = None, lang: str | None = None
    ) -> Path:
        """Save captions to a file (sync)."""
        return _sync.run(self.adownload_captions(path, format, lang))

    async def ametadata(self) -> Any:
        """Titles, description, tags and chapters (video-meta-ai) as pandas objects."""
        from .metadata import Metadata

        return Metadata.from_state(await self.astate())

    def metadata(self) -> Any:
        """Titles, description, tags and chapters (video-meta-ai) as pandas objects."""
        return _sync.run(self.ametadata())

    async def aprompts(self) -> Any:
        """Text-to-video prompts / storyboard (video-prompt-generation) as pandas objects."""
        from .prompts import Storyboard

        return Storyboard.from_state(await self.astate())

    def prompts(self) -> Any:
        """Text-to-video prompts / storyboard (video-prompt-generation) as pandas objects."""
        return _sync.run(self.aprompts())

    async def aclaim_link(self) -> str:
        """A browser link to this project (``…/workspace/claim?ct=…``; never the API token)."""
        return await self._client.claim_url(self.task_id, self.session_id)

    def claim_link(self) -> str:
        """A browser link to this project (sync)."""
        return _sync.run(self.aclaim_link())

    # -- widgets ----------------------------------------------------------------------------

    def studio(self) -> Any:
        """Upload, chat, timeline and renders in one widget."""
        from .widgets import Studio

        return Studio(self)

    def upload_picker(self) -> Any:
        """A file picker that uploads into this session."""
        from .widgets import UploadPicker

        return UploadPicker(self)

    def chat_cell(self) -> Any:
        """A streaming chat widget."""
        from .widgets import ChatCell

        return ChatCell(self)

    def timeline(self) -> Any:
        """The draft as an interactive timeline."""
        from .widgets import Timeline

        return Timeline(self)

    def renders_table(self) -> Any:
        """The renders as a live table with preview."""
        from .widgets import RendersTable

        return RendersTable(self)

    # -- lifetime ---------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close connections (the engine keeps running until the interpreter exits)."""
        await self._client.aclose()

    def close(self) -> None:
        _sync.run(self.aclose())

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


async def aconnect(
    base_url: str | None = None,
    *,
    backend: str = "engine",
    skill: str = "nemo-video",
    language: str = "en",
    token: str | None = None,
    session_id: str | None = None,
    resume: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
    keep_engine: bool = False,
    store_dir: str | os.PathLike[str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    sleep: Callable[[float], Awaitable[Any]] | None = None,
    recovery_delays_s: Sequence[float] = RECOVERY_DELAYS_S,
) -> Session:
    """Async twin of :func:`connect`."""
    from .api.client import NemoClient

    if backend not in ("engine", "cloud"):
        raise ValueError('backend must be "engine" (local, offline) or "cloud" (NemoVideo)')
    engine = None
    engine_dir = Path(data_dir).expanduser() if data_dir else None
    if base_url is None and backend == "engine":
        from .engine.launcher import ensure_engine

        engine = await asyncio.to_thread(ensure_engine, engine_dir, keep=keep_engine)
        base_url = engine.url
        engine_dir = Path(getattr(engine, "data_dir", None) or engine_dir or ".")
    elif base_url is None:
        base_url = os.environ.get("NEMO_API_URL") or schema.DEFAULT_CLOUD_URL
    else:
        backend = "engine" if _is_local(base_url) else "cloud"
    # The engine serves the web app's pages itself (/register, /workspace/claim): links built
    # from web_url must point at it, not at nemovideo.com, which knows nothing of local work.
    web_url = base_url if backend == "engine" else None
    owner = None
    if backend == "engine" and transport is None:
        from .engine.launcher import owner_proof

        owner = owner_proof(base_url, engine_dir)
    client = NemoClient(
        base_url,
        token=token,
        skill=skill,
        transport=transport,
        sleep=sleep,
        web_url=web_url,
        engine_owner=owner,
    )
    stores = Path(store_dir).expanduser() if store_dir else config.data_dir()
    server = _session_key(backend, base_url, engine_dir if engine is not None else None)
    if backend == "engine":
        # an engine's port changes at each start: key its tokens (and, when it was started
        # by hand, its sessions) by the identity of its data folder instead
        instance = await client.engine_instance()
        if instance:
            client.cache_key = f"engine:{instance}"
            if engine is None:
                server = client.cache_key
    key = f"{server} {_identity(token)}"
    remembered = config.read_json(_sessions_path(stores), {})
    remembered = remembered if isinstance(remembered, dict) else {}
    task_id = None
    if session_id is None and resume:
        last = remembered.get(key) or {}
        session_id, task_id = last.get("session_id"), last.get("task_id")
        if not session_id:
            log.info("nemo: no previous session of this identity on %s; opening a new one", server)
    if session_id:
        data = await client.state(session_id)  # SessionNotFoundError if it is gone
        task_id = data.get("task_id") or task_id
    else:
        info = await client.create_session(language)
        session_id, task_id = info.session_id, info.task_id
    # only a session just proven to exist (for this identity) replaces the remembered one
    remembered[key] = {
        "session_id": session_id,
        "task_id": task_id,
        "base_url": base_url,
        "skill": client.skill.name,
        "updated": time.time(),
    }
    try:
        config.write_json(_sessions_path(stores), remembered)
    except OSError as exc:
        log.warning("nemo: could not remember the session: %s", exc)
    session = Session(
        client,
        session_id=str(session_id),
        task_id=task_id,
        backend=backend,
        language=language,
        store_dir=stores,
        sleep=sleep,
        recovery_delays_s=recovery_delays_s,
        engine=engine,
    )
    if session.render_jobs:
        await session.aresume_renders()
    return session


def connect(
    base_url: str | None = None,
    *,
    backend: str = "engine",
    skill: str = "nemo-video",
    language: str = "en",
    token: str | None = None,
    session_id: str | None = None,
    resume: bool = False,
    data_dir: str | os.PathLike[str] | None = None,
    keep_engine: bool = False,
    **kwargs: Any,
) -> Session:
    """Open an editing session.

    Parameters
    ----------
    base_url : str, optional
        Server to talk to. Default: start (or reuse) the embedded engine for
        ``backend="engine"``, or ``NEMO_API_URL`` / the NemoVideo cloud for ``"cloud"``.
    backend : {"engine", "cloud"}
    skill : str
        Skill profile (``nemo-video``, ``ai-auto-caption``, ``caption-generator-jobs``,
        ``ai-subtitles-for-video``, ``video-prompt-generation``, ``video-meta-ai``).
    language : str
        Language of the session (``en``, ``es``, ``zh-CN``...).
    token : str, optional
        API token; default ``NEMO_TOKEN``, else a free anonymous token (cached on disk).
    session_id : str, optional
        Reopen this session instead of creating one.
    resume : bool
        Reopen the last session used with this server (remembered on disk).
    data_dir : path, optional
        The embedded engine's data directory.
    keep_engine : bool
        Leave the engine running when Python exits.

    Returns
    -------
    Session

    Examples
    --------
    >>> s = nw.connect()                                    # doctest: +SKIP
    >>> s = nw.connect(backend="cloud", skill="ai-auto-caption")  # doctest: +SKIP
    """
    return _sync.run(
        aconnect(
            base_url,
            backend=backend,
            skill=skill,
            language=language,
            token=token,
            session_id=session_id,
            resume=resume,
            data_dir=data_dir,
            keep_engine=keep_engine,
            **kwargs,
        )
    )
