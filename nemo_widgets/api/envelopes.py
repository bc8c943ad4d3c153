"""Response bodies in every documented shape, and the error each one means (contract §1.2-1.3).

Shapes: ``{code, message|msg, data}``, ``{success, data, error}``, FastAPI ``{"detail": …}`` and
bare bodies. A response is an error when the HTTP status is not 2xx, ``code`` is non-zero,
``success`` is false or an ``error`` field is present. The body ``code`` decides the error class
first, the HTTP status second, so a server that sends HTTP 200 with ``code: 1001`` still works.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .. import schema
from . import errors as E

_MESSAGE_KEYS = ("message", "msg", "error", "detail", "reason", "errorMessage")


@dataclass(frozen=True)
class Envelope:
    """A decoded response body: whether it is an error, its code, message and payload."""

    ok: bool
    status: int
    code: int | None
    message: str | None
    data: Any


def _text(value: Any) -> str | None:
    if value is None or value is False or value is True:
        return None
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        for key in _MESSAGE_KEYS:
            text = _text(value.get(key))
            if text:
                return text
        return None
    if isinstance(value, list):  # FastAPI validation errors: [{"msg": ...}, ...]
        parts = [t for t in (_text(v) for v in value) if t]
        return "; ".join(parts) or None
    return str(value)


def _int(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    return None


def parse(status: int, body: Any) -> Envelope:
    """Decode ``body`` (parsed JSON, text or None) of a response with HTTP ``status``."""
    ok = 200 <= status < 300
    code: int | None = None
    message: str | None = None
    data: Any = body
    if isinstance(body, dict):
        code = _int(body.get("code"))
        if code is None and isinstance(body.get("error"), dict):
            code = _int(body["error"].get("code"))
        for key in _MESSAGE_KEYS:
            message = _text(body.get(key))
            if message:
                break
        if code not in (None, 0):
            ok = False
        if body.get("success") is False:
            ok = False
        if body.get("error") not in (None, "", False, {}):
            ok = False
        if "data" in body and ("code" in body or "success" in body):
            data = body["data"]
    elif isinstance(body, str) and not ok:
        message = body.strip()[:300] or None
    return Envelope(ok=ok, status=status, code=code, message=message, data=data)


def _with_hint(message: str | None, cls: type[E.NemoError]) -> str | None:
    """The server's own words (they name the file, the reason) followed by what to do next.

    Messages about files are specific on the server ("notes.mp4 is not a readable video"),
    and the class's default text carries the generic next step; a user needs both, but
    never twice: the list of supported formats is added only when the refusal is about the
    type and the server did not list them, and the generic next step only when the server's
    words carry none of their own ("...; compress or trim it and upload it again").
    """
    if not message or message.strip().rstrip(".").lower() in cls.default_message.lower():
        return None
    text = message.strip().rstrip(".")
    said = text.lower()
    parts = [f"{text}."]
    about_type = "type" in said or "format" in said or "extension" in said
    if cls is E.UnsupportedFileError and about_type and "supported formats" not in said:
        parts.append(f"Supported formats: {schema.SUPPORTED_FORMATS_TEXT}.")
    if not (";" in text or " again" in said):
        parts.append(cls.next_step or cls.default_message)
    return " ".join(parts)


#: ``during`` of a URL import: a refusal there is about the link, not about a file's type.
DURING_URL_IMPORT = "importing from a URL"
URL_HINT = (
    "Check that the link is public and points straight at a video, image or audio file, "
    "or download it yourself and upload the file."
)


def _upload_hint(message: str | None, cls: type[E.NemoError], during: str) -> str | None:
    """:func:`_with_hint`, except after a URL import, where "convert the file" is wrong.

    The server's refusals of a link ("… could not be found; check the URL.") usually carry
    their own next step after a semicolon; that one is kept alone, else the link hint is added.
    """
    if during != DURING_URL_IMPORT or not message:
        return _with_hint(message, cls)
    text = message.strip()
    stop = "" if text.endswith((".", "!", "?", "…")) else "."
    return f"{text}{stop}" if ";" in text else f"{text}{stop} {URL_HINT}"


def error_for(env: Envelope, *, bind_url: str | None = None, during: str = "") -> E.NemoError:
    """The exception class that matches an error envelope (body code first, then HTTP)."""
    code, status, msg = env.code, env.status, env.message
    kw: dict[str, Any] = {"code": code, "status": status, "details": env.data}
    C = schema.ErrorCode
    if code == C.TOKEN_INVALID:
        return E.TokenExpiredError(**kw)
    if code == C.SESSION_NOT_FOUND:
        return E.SessionNotFoundError(**kw)
    if code == C.NO_CREDITS:
        return E.OutOfCreditsError(bind_url=bind_url, **kw)
    if code == C.UNSUPPORTED_FILE:
        return E.UnsupportedFileError(_upload_hint(msg, E.UnsupportedFileError, during), **kw)
    if code == C.FILE_TOO_LARGE:
        return E.FileTooLargeError(_with_hint(msg, E.FileTooLargeError), **kw)
    if code in (None, 0) or code == status:
        if status == 401:
            return E.TokenExpiredError(**kw)
        if status == 402:
            return E.ExportBlockedError(_with_hint(msg, E.ExportBlockedError), **kw)
        if status == 404 and msg and "session" in msg.lower():
            return E.SessionNotFoundError(**kw)
        if status == 413:
            return E.FileTooLargeError(_with_hint(msg, E.FileTooLargeError), **kw)
        if status == 415:
            return E.UnsupportedFileError(_upload_hint(msg, E.UnsupportedFileError, during), **kw)
        if status == 429:
            return E.RateLimitedError(_with_hint(msg, E.RateLimitedError), **kw)
    where = f" while {during}" if during else ""
    label = f"HTTP {status}" + (f", code {code}" if code not in (None, 0) else "")
    text = (msg or "no details were given").strip()
    # the server's sentence may end in its own full stop: never add a second one ("..")
    stop = "" if text.endswith((".", "!", "?", "…")) else "."
    return E.NemoError(
        f"The server refused the request{where} ({label}): {text}{stop} "
        "If this keeps happening, check `s.state()` or open a new session with `nw.connect()`.",
        **kw,
    )


def unwrap(status: int, body: Any, *, during: str = "", bind_url: str | None = None) -> Any:
    """The payload of a successful response; raises the matching :class:`NemoError` otherwise."""
    env = parse(status, body)
    if not env.ok:
        raise error_for(env, bind_url=bind_url, during=during)
    return env.data
