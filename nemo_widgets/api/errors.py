"""Exceptions a notebook user can catch by meaning; every message says what to do next.

Messages pass through :func:`redact` so that a token can never leak through an exception,
a traceback or a log line built from one.
"""

from __future__ import annotations

import re
from typing import Any

from .. import schema

# Tokens look like ``nmv_usr_…``; anything after "Bearer " is a secret too. Extra secrets
# (a user's NEMO_TOKEN in another shape) are registered by ``auth`` at run time.
_TOKEN_RE = re.compile(r"(nmv_usr_|Bearer\s+)[A-Za-z0-9._~+/=\-]+")
_EXTRA_SECRETS: set[str] = set()


def register_secret(secret: str) -> None:
    """Remember a secret so :func:`redact` hides it even when it has no known prefix."""
    if secret and len(secret) >= 8:
        _EXTRA_SECRETS.add(secret)


def redact(text: str) -> str:
    """Replace every token-looking substring of ``text`` with a fixed mask."""
    if not text:
        return text
    for secret in _EXTRA_SECRETS:
        if secret in text:
            text = text.replace(secret, "***")
    return _TOKEN_RE.sub(lambda m: m.group(1) + "***", text)


class NemoError(Exception):
    """Base class of every error raised by nemo-widgets' client.

    Attributes
    ----------
    code : int or None
        The body ``code`` of the API response, when there was one.
    status : int or None
        The HTTP status, when the error came from a response.
    """

    default_message = "The NemoVideo service returned an error."
    #: What to do next, added after a server's own (more specific) words; None: the default.
    next_step: str | None = None

    def __init__(
        self,
        message: str | None = None,
        *,
        code: int | None = None,
        status: int | None = None,
        details: Any = None,
    ) -> None:
        self.message = redact(message or self.default_message)
        self.code = code
        self.status = status
        self.details = details
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code}, status={self.status})"


class TokenExpiredError(NemoError):
    """The token is invalid or expired (code 1001) and could not be renewed."""

    default_message = (
        "Your NemoVideo token is invalid or has expired. Unset NEMO_TOKEN to get a fresh free "
        "token automatically, or create a new API token in your account and set NEMO_TOKEN."
    )


class SessionNotFoundError(NemoError):
    """The editing session does not exist any more (code 1002)."""

    default_message = (
        "This editing session no longer exists on the server. Open a new one with "
        "`s = nw.connect()` (your uploads and timeline have to be redone there)."
    )


class OutOfCreditsError(NemoError):
    """The account has no credits left (code 2001)."""

    def __init__(self, message: str | None = None, *, bind_url: str | None = None, **kw: Any):
        self.bind_url = bind_url
        if bind_url:
            hint = (
                f"You are out of free credits. Register at {bind_url} to keep this session "
                "and get more credits (exporting stays free)."
            )
        else:
            hint = "You are out of credits. Top up credits in your NemoVideo account."
        super().__init__(f"{message}. {hint}" if message else hint, **kw)


class UnsupportedFileError(NemoError):
    """The file type is not accepted (code 4001)."""

    default_message = (
        f"This file type is not supported. Supported formats: {schema.SUPPORTED_FORMATS_TEXT}. "
        "Convert the file (e.g. to MP4) and upload it again."
    )
    next_step = "Convert the file (e.g. to MP4) and upload it again."


class FileTooLargeError(NemoError):
    """The file is over the upload limit (code 4002)."""

    default_message = (
        f"The file is larger than {schema.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Trim it to the "
        "part you need or compress it (e.g. lower resolution or bitrate) and upload it again."
    )
    next_step = (
        "Trim it to the part you need or compress it (e.g. lower resolution or bitrate) and "
        "upload it again."
    )


class ExportBlockedError(NemoError):
    """Export refused by the plan (HTTP 402 without code 2001): not a credit problem."""

    default_message = (
        "Export is blocked for this plan (this is not about credits). Register or upgrade your "
        "plan to unlock export; see `s.claim_link()` to open this project in the browser."
    )


class RateLimitedError(NemoError):
    """Too many requests (HTTP 429), still refused after one retry."""

    default_message = (
        "The service is rate limiting this client (free tokens: one per client per 7 days). "
        "Wait a few minutes and try again, or set NEMO_TOKEN to an existing token."
    )


class ServerUnreachableError(NemoError):
    """Nothing answers at the server's address (connection refused, no route, DNS failure).

    Raised at once, without waiting out retry schedules: a server that is not there will not
    answer the next check either.
    """

    default_message = (
        "The server cannot be reached. Check the URL and your connection, then try again."
    )


class RenderFailedError(NemoError):
    """A render (export) failed, timed out or was cancelled."""

    default_message = (
        "The export failed. Check the timeline with `s.state()` and call `s.export()` again."
    )


class StreamDroppedError(NemoError):
    """The chat stream broke off and the state never showed a change."""

    default_message = (
        "The connection to the assistant dropped and the session state did not change. "
        "Your message was not re-sent (to avoid paying twice); check `s.state()` and send it "
        "again if nothing happened."
    )
