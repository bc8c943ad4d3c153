"""What a widget needs from a session: the small typed contract between the widgets and ``Session``.

The widgets never import the facade (``Session.studio()`` imports them, not the other way
round) and never probe it with ``getattr``: they are typed against :class:`SessionLike`, which
:class:`nemo_widgets.Session` implements, and so does the test double in ``tests/widgets``. A
test checks both against this protocol (names and signatures), so a change to ``Session``
that would break a widget fails there first, the way lonboard types its controls.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:  # pragma: no cover
    import os

    from ..draft import Draft, SessionState

#: ``callback(kind, payload)``; kinds: ``"draft"`` (a Draft), ``"uploads"`` (a list of
#: uploaded files), ``"renders"`` (a RenderJob).
Observer = Callable[[str, Any], Any]


class SkillLike(Protocol):
    """The parts of a skill profile a widget shows."""

    name: str
    title: str
    try_saying: Sequence[str]


@runtime_checkable
class SessionLike(Protocol):
    """The session as the widgets use it.

    Attributes
    ----------
    backend : str
        ``"engine"`` or ``"cloud"`` (the renders table plays cloud URLs directly).
    session_id : str
    skill : SkillLike
        Title and "try saying" prompts for the chat.
    """

    backend: str
    session_id: str
    skill: Any  # SkillLike; Any so dataclasses with frozen fields match too

    @property
    def draft(self) -> Draft:
        """The draft as last fetched: always current after anything that changed it."""

    @property
    def uploads(self) -> list[Any]:
        """Files uploaded through this session (``filename, file_type, cdn_url, ...``)."""

    @property
    def render_jobs(self) -> list[Any]:
        """Render jobs, oldest first (``id, status, progress, arefresh(), acancel(), ...``)."""

    def observe(self, callback: Observer) -> Callable[[], None]:
        """Call ``callback(kind, payload)`` on every change; returns the unsubscribe."""

    async def astate(self) -> SessionState:
        """Fetch the state (and announce a changed draft to observers)."""

    def state(self) -> SessionState:
        """Fetch the state (sync)."""

    async def aupload(self, *items: str | os.PathLike[str], on_progress: Any = None) -> list[Any]:
        """Upload files or URLs; the draft is current when this returns."""

    async def achat(self, message: str, *, on_event: Any = None) -> Any:
        """One turn: a reply with ``text``, ``actions``, ``changes``."""

    async def aexport(self, quality: str = "high", resolution: str | int | None = None) -> Any:
        """Start a render; returns the RenderJob (not waited)."""
