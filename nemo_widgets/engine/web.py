"""Engine extension: the browser pages behind the cloud's links, served by the local engine.

``GET/POST /register?bind=<user id>`` stands in for ``nemovideo.com/register?bind=`` (the link
of the out-of-credits error): registering an anonymous account here grants a one-time local
top-up. ``GET /workspace/claim?ct=<claim token>`` stands in for the web app's claim page: a
read-only view of the session (timeline summary, uploads, finished renders). Loopback only;
every value shown is HTML-escaped, and no page or link carries an API token.

The register form carries a one-time CSRF token made for that page: only a page this engine
served can post it (a page on another site, even one on another loopback port, cannot read
it), so no other page can grant credits.
"""

from __future__ import annotations

import contextlib
import html
import ipaddress
import secrets
import threading
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from .. import schema
from . import timeline as tl

#: Credits a local registration adds, once per anonymous account.
REGISTER_CREDITS = 1000
#: The ledger reason of that grant (the "once" check keys on it).
REGISTER_REASON = "register"

_CSS = """
body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
color:#1f2328;background:#fff}
h1{font-size:1.4rem;margin:0 0 .25rem}
.sub{color:#59636e;margin:0 0 1.5rem}
.box{border:1px solid #d1d9e0;border-radius:8px;padding:1rem 1.25rem;margin:1rem 0}
.ok{border-color:#1a7f37;background:#f0fff4}
.warn{border-color:#9a6700;background:#fff8c5}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #eaeef2}
code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}
button{font:inherit;padding:.4rem 1rem;border-radius:6px;border:1px solid #1f883d;
background:#1f883d;color:#fff;cursor:pointer}
"""

_e = html.escape

#: How long a register page's form stays valid.
CSRF_TTL_S = 3600.0


class FormTokens:
    """One-time tokens of the register form: made per page, bound to its account."""

    def __init__(self) -> None:
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def issue(self, user_id: str) -> str:
        token = secrets.token_urlsafe(24)
        now = time.monotonic()
        with self._lock:
            self._tokens = {k: v for k, v in self._tokens.items() if v[1] > now}
            self._tokens[token] = (user_id, now + CSRF_TTL_S)
        return token

    def redeem(self, token: str, user_id: str) -> bool:
        """True (once) when ``token`` was issued for ``user_id`` and has not expired."""
        with self._lock:
            entry = self._tokens.pop(token, None)
        return entry is not None and entry[0] == user_id and entry[1] > time.monotonic()


def _form_tokens(request: Request) -> FormTokens:
    st = request.app.state
    tokens = getattr(st, "form_tokens", None)
    if tokens is None:
        tokens = st.form_tokens = FormTokens()
    return tokens


def _page(title: str, body: str, status: int = 200) -> HTMLResponse:
    """A whole HTML page; ``body`` is already-escaped markup, ``title`` is plain text."""
    doc = (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width,initial-scale=1'>"
        f"<title>{_e(title)} · nemo-widgets engine</title><style>{_CSS}</style></head><body>"
        f"<h1>{_e(title)}</h1><p class='sub'>The local nemo-widgets engine on this computer "
        "(offline; nothing here is sent to nemovideo.com).</p>"
        f"{body}</body></html>"
    )
    # no-store: the claim page lists a session's contents; referrer off: its URL holds the ct
    headers = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
    return HTMLResponse(doc, status_code=status, headers=headers)


def _loopback(request: Request) -> bool:
    host = request.client.host if request.client else ""
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _not_found(what: str) -> HTMLResponse:
    return _page("Not found", f"<div class='box warn'>{what}</div>", 404)


def _foreign_origin(request: Request) -> bool:
    """A form posted by another page than the engine's own (browsers send ``Origin``).

    Any other origin is foreign, a page on another loopback port included.
    """
    origin = request.headers.get("origin")
    if origin is None:
        return False
    parsed = urlparse(origin)
    own = urlparse(request.app.state.base_url)
    host = (parsed.hostname or "").lower()
    loopback = host == "localhost"
    with contextlib.suppress(ValueError):
        loopback = loopback or ipaddress.ip_address(host).is_loopback
    return not (loopback and parsed.scheme == "http" and parsed.port == own.port)


# -- /register ------------------------------------------------------------------------------------
async def register(request: Request) -> Response:
    """``GET`` shows the account and a register button; ``POST`` (form field ``bind``) grants."""
    if not _loopback(request):
        return _not_found("This page is only served to this computer.")
    st = request.app.state
    refused = _page(
        "Refused",
        "<div class='box warn'>This form did not come from this engine's register page "
        "(or it expired). Open the register link from your notebook again and press "
        "the button there.</div>",
        403,
    )
    csrf = ""
    if request.method == "POST":
        if _foreign_origin(request):
            return refused
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        user_id = (form.get("bind") or [""])[0].strip()
        csrf = (form.get("csrf") or [""])[0]
    else:
        user_id = (request.query_params.get("bind") or "").strip()
    if not user_id or not st.store.user_exists(user_id):
        shown = f" <code>{_e(user_id)}</code>" if user_id else ""
        return _not_found(
            f"This engine has no anonymous account{shown}. Accounts belong to one engine data "
            "directory: run the chat cell again in your notebook and open the link of the new "
            "out-of-credits message (it names your account with <code>?bind=</code>)."
        )
    runner = st.runner
    granted = None
    # a post for an account that registered already grants nothing: it only shows that
    if request.method == "POST" and not st.store.granted(user_id, REGISTER_REASON):
        if not _form_tokens(request).redeem(csrf, user_id):
            return refused
        granted = st.store.grant_once(user_id, REGISTER_CREDITS, REGISTER_REASON)
    registered = st.store.granted(user_id, REGISTER_REASON)
    balance = runner.available(user_id)
    account = (
        f"<p>Account <code>{_e(user_id)}</code> · balance <strong id='balance'>"
        f"{_e(str(balance))}</strong> credits</p>"
    )
    if granted:
        body = (
            f"<div class='box ok'>Registered: {REGISTER_CREDITS} credits added. "
            "Go back to your notebook and run the cell again; this session is kept.</div>" + account
        )
        return _page("Registered", body)
    if registered:
        body = (
            "<div class='box warn'>This account is already registered on this engine; "
            "registration adds credits once, so nothing was added.</div>" + account
        )
        return _page("Already registered", body)
    body = (
        "<p>Credits on this engine are free and local: they only pace the edits of the "
        "embedded agent (exporting is free). Registering this anonymous account here adds "
        f"<strong>{REGISTER_CREDITS}</strong> credits, once, and keeps your current session.</p>"
        + account
        + "<form method='post' action='/register'>"
        f"<input type='hidden' name='bind' value='{_e(user_id)}'>"
        f"<input type='hidden' name='csrf' value='{_e(_form_tokens(request).issue(user_id))}'>"
        "<button type='submit'>Register locally</button></form>"
    )
    return _page("Register this anonymous account", body)


# -- /workspace/claim -----------------------------------------------------------------------------
def _seconds(value: Any) -> str:
    if value is None:
        return "—"
    try:
        return f"{float(value):.1f} s"
    except (TypeError, ValueError):
        return "?"


def _uploads_table(files: list[dict[str, Any]]) -> str:
    if not files:
        return "<p>No uploads yet.</p>"
    rows = "".join(
        f"<tr><td>{_e(str(f['filename']))}</td><td>{_e(str(f['file_type']))}</td>"
        f"<td>{_e(_seconds(f['duration']))}</td></tr>"
        for f in files
    )
    return f"<table><tr><th>file</th><th>type</th><th>duration</th></tr>{rows}</table>"


def _renders_table(base_url: str, jobs: list[dict[str, Any]]) -> str:
    done = [j for j in jobs if j["status"] == schema.RENDER_COMPLETED and j["output_name"]]
    if not done:
        return "<p>No finished exports yet: run <code>s.export()</code> in the notebook.</p>"
    rows = []
    for j in done:
        url = f"{base_url}/media/renders/{j['output_name']}"
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(j["finished_at"] or j["created_at"]))
        size = f"{(j['size'] or 0) / 1e6:.1f} MB"
        rows.append(
            f"<tr><td><a href='{_e(url)}'>{_e(str(j['render_id']))}.mp4</a></td>"
            f"<td>{_e(str(j['quality']))}</td><td>{_e(_seconds(j['duration']))}</td>"
            f"<td>{_e(size)}</td><td>{_e(when)}</td></tr>"
        )
    head = "<tr><th>MP4</th><th>quality</th><th>duration</th><th>size</th><th>finished</th></tr>"
    return f"<table>{head}{''.join(rows)}</table>"


async def claim(request: Request) -> Response:
    """The session a claim token names, read-only."""
    if not _loopback(request):
        return _not_found("This page is only served to this computer.")
    st = request.app.state
    ct = (request.query_params.get("ct") or "").strip()
    row = st.store.claim(ct) if ct else None
    session = st.store.session(row["session_id"]) if row else None
    if session is None:
        return _not_found(
            "This project link is unknown or has expired (links last 7 days). Run "
            "<code>s.claim_link()</code> in your notebook again and open the new link."
        )
    sid = session["session_id"]
    state = st.store.state(sid)
    caps = sorted((state.get(schema.STATE_CAPTIONS) or {}).keys())
    captions = (
        "<p>Captions: "
        + ", ".join(f"<code>{_e(str(lang))}</code>" for lang in caps)
        + " — download them from the notebook with <code>s.download_captions(path)</code>.</p>"
        if caps
        else ""
    )
    summary = tl.summary(tl.Draft.from_dict(state.get(schema.STATE_DRAFT)))
    body = (
        "<div class='box'>"
        f"<p>Project <strong id='task'>{_e(str(session['task_name']))}</strong> · session "
        f"<code>{_e(sid)}</code></p>"
        f"<p id='timeline'>{_e(summary)}</p>{captions}</div>"
        f"<h2>Uploads</h2>{_uploads_table(st.store.files(sid))}"
        f"<h2>Exports</h2>{_renders_table(st.base_url, st.store.renders_for_session(sid))}"
    )
    return _page("Project", body)


routes = [
    Route("/register", register, methods=["GET", "POST"]),
    Route("/workspace/claim", claim, methods=["GET"]),
]
