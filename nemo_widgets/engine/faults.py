"""Fault injection: make a running engine misbehave on purpose, so clients' recovery is tested.

Faults come from ``--faults '<json>'`` / ``NEMO_ENGINE_FAULTS`` at start, or from
``POST /_faults`` (loopback only, and only when the engine runs with ``--enable-faults``).
The JSON object may hold these settings (persisting until changed):

``fail``
    list of ``{"call": <name>, "status": 503, "times": 1, "code": null}``: the next ``times``
    requests to ``call`` get that HTTP status (a 429 also gets ``Retry-After: 1``). Names:
    ``anonymous_token, create_session, claim_token, run_sse, upload, credits, state,
    render_submit, render_poll, render_cancel, render_download``.
``drop_stream``
    how many of the next chat turns lose their stream after the edit is applied and saved:
    tool frames go out, the text is held back, and the connection is cut without a clean
    end (the client must recover by polling state, never by re-sending).
``heartbeat_s`` / ``heartbeat_style``
    the heartbeat interval and form (``comment``, ``empty``, ``json``) for chat streams.
``turn_delay_s``
    each turn waits this long, sending only heartbeats, before the agent starts.
``silent``
    ``never`` (the default: the local engine always says what it did), ``auto`` (about 30 %
    of edits finish with no text, chosen by a hash of the message, as the cloud does) or
    ``always``. The client's state-diff path for wordless edits is tested with these.
``render_delay_s``
    each render job stays ``processing`` this long before rendering (cancellable).
``allow_private_urls``
    accept URL uploads from loopback/private hosts (so tests can serve files locally).
``ip_token_cap`` / ``max_upload_bytes`` / ``url_timeout_s``
    override the engine's configured limits (``null`` goes back to the configuration).

and these one-shot actions: ``expire_tokens`` (``true`` for all, or one token),
``forget_session`` (a session id, or ``true`` for all), ``set_credits``
(``{"user_id": …, "amount": n}``), ``reset`` (``true``: back to no faults).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any

CALLS = frozenset(
    {
        "anonymous_token",
        "create_session",
        "claim_token",
        "run_sse",
        "upload",
        "credits",
        "state",
        "render_submit",
        "render_poll",
        "render_cancel",
        "render_download",
    }
)
ACTIONS = frozenset({"expire_tokens", "forget_session", "set_credits", "reset"})


@dataclass
class FailRule:
    """Answer the next ``times`` requests to ``call`` with HTTP ``status``."""

    call: str
    status: int = 503
    times: int = 1
    code: int | None = None


@dataclass
class Faults:
    """The engine's current faults; thread-safe, shared by all requests."""

    fail: list[FailRule] = field(default_factory=list)
    drop_stream: int = 0
    heartbeat_s: float | None = None
    heartbeat_style: str | None = None
    turn_delay_s: float = 0.0
    silent: str = "never"
    render_delay_s: float = 0.0
    allow_private_urls: bool | None = None
    ip_token_cap: int | None = None
    max_upload_bytes: int | None = None
    url_timeout_s: float | None = None

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def update(self, settings: dict[str, Any]) -> None:
        """Apply the settings part of a faults object (actions are the app's business)."""
        unknown = set(settings) - {f for f in self.__dataclass_fields__} - ACTIONS
        if unknown:
            raise ValueError(
                f"unknown fault setting(s) {sorted(unknown)}; see nemo_widgets/engine/faults.py"
            )
        with self._lock:
            if settings.get("reset"):
                fresh = Faults()
                for name in self.__dataclass_fields__:
                    setattr(self, name, getattr(fresh, name))
            for key, value in settings.items():
                if key in ACTIONS:
                    continue
                if key == "fail":
                    rules = [FailRule(**r) for r in (value or [])]
                    bad = [r.call for r in rules if r.call not in CALLS]
                    if bad:
                        raise ValueError(f"unknown call(s) {bad}; known: {sorted(CALLS)}")
                    self.fail = rules
                elif key == "silent" and value not in ("auto", "always", "never"):
                    raise ValueError("silent must be 'auto', 'always' or 'never'")
                else:
                    setattr(self, key, value)

    def take_failure(self, call: str) -> FailRule | None:
        """The rule that fails this request, consuming one of its ``times``; else None."""
        with self._lock:
            for rule in self.fail:
                if rule.call == call and rule.times > 0:
                    rule.times -= 1
                    return rule
        return None

    def take_drop(self) -> bool:
        """True (once per count) when this turn's stream must be dropped."""
        with self._lock:
            if self.drop_stream > 0:
                self.drop_stream -= 1
                return True
        return False

    def as_dict(self) -> dict[str, Any]:
        with self._lock:
            return asdict(self)
