"""The studio: upload picker, chat, timeline and renders table of one session, in one widget.

The four widgets share the session, and the session's ``observe`` events keep them in step:
an upload ("uploads") and every edit from the chat or from code ("draft") redraw the
timeline; an export, from the chat or from code ("renders"), appears in the renders table.
The studio only adds what the events do not carry: the chat's "Preview timeline" action
refreshes the timeline, and the header says which backend and session this is.
"""

from __future__ import annotations

import html
from typing import Any

import ipywidgets

from .._display import short_id
from ._protocol import SessionLike
from ._tasks import TaskGroup, error_text
from .chat import ChatCell
from .renders import RendersTable
from .timeline import Timeline
from .upload import UploadPicker


def _section(title: str, child: ipywidgets.Widget, **layout: Any) -> ipywidgets.VBox:
    head = ipywidgets.HTML(f"<div class='nw-studio-h'>{html.escape(title)}</div>")
    box = ipywidgets.VBox([head, child], layout=ipywidgets.Layout(margin="0 8px 10px 0", **layout))
    box.add_class("nw-studio-section")
    return box


class Studio(ipywidgets.VBox):
    """Upload, chat, timeline and renders of a :class:`~nemo_widgets.Session`, wired together.

    Parameters
    ----------
    session : Session
        The session every part works on.
    chat_options : dict, optional
        Keyword arguments for :class:`ChatCell` (e.g. ``still_working_after_s``).

    Attributes
    ----------
    upload : UploadPicker
    chat : ChatCell
    timeline : Timeline
    renders : RendersTable

    Examples
    --------
    >>> s = nw.connect()          # doctest: +SKIP
    >>> s.studio()                # same as nw.widgets.Studio(s)
    """

    def __init__(
        self,
        session: SessionLike,
        *,
        chat_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        self._session = session
        self.upload = UploadPicker(session)
        # The studio's header already names the skill: no second title over the chat.
        self.chat = ChatCell(session, **{"title": "", **(chat_options or {})})
        self.timeline = Timeline(session)
        self.renders = RendersTable(session)
        self.errors = ipywidgets.Output()
        self._tasks = TaskGroup(self._show_error)
        self.chat.on_action(self._on_chat_action)

        top = ipywidgets.HBox(
            [
                _section("Upload", self.upload, flex="1 1 34%", min_width="260px"),
                _section("Chat", self.chat, flex="2 1 62%", min_width="340px"),
            ],
            layout=ipywidgets.Layout(width="100%", flex_flow="row wrap"),
        )
        children = [
            ipywidgets.HTML(self._header_html()),
            top,
            _section("Timeline", self.timeline, width="100%"),
            _section("Renders", self.renders, width="100%"),
            self.errors,
        ]
        kwargs.setdefault("layout", ipywidgets.Layout(width="100%"))
        super().__init__(children, **kwargs)
        self.add_class("nw-studio")

    def _header_html(self) -> str:
        s = self._session
        title = s.skill.title or "NemoVideo studio"
        where = "embedded engine · offline" if s.backend == "engine" else "NemoVideo cloud"
        sid = str(s.session_id or "")
        sid_text = (
            f" · session <code title='{html.escape(sid)}'>{html.escape(short_id(sid))}</code>"
            if sid
            else ""
        )
        # Colours come from the widgets' tokens (common.css, loaded with the anywidgets).
        return (
            "<div class='nw-studio-head' style='display:flex;align-items:baseline;gap:10px;"
            "flex-wrap:wrap'>"
            f"<span style='font-size:16px;font-weight:600'>{html.escape(title)}</span>"
            f"<span class='nw-muted' style='font-size:12px'>{html.escape(where)}{sid_text}"
            "</span></div>"
        )

    def _on_chat_action(self, kind: str, _message: dict[str, Any]) -> None:
        # An export reaches the renders table through the session's "renders" event and
        # every draft change through its "draft" event; "Preview timeline" and "status" read
        # the state again, in case it changed elsewhere (another notebook on the same session).
        if kind in ("timeline", "state", "status"):
            self._tasks.start(self.timeline.arefresh())

    def _show_error(self, exc: BaseException) -> None:
        self.errors.clear_output()
        with self.errors:
            print(error_text(exc))

    async def wait(self) -> None:
        """Await the background work of every part (tests use this)."""
        await self.chat.wait()
        await self._tasks.wait()
        await self.timeline.wait()

    def close(self) -> None:
        """Close every part and stop following the session."""
        for part in (self.upload, self.chat, self.timeline, self.renders):
            part.close()
        self._tasks.cancel_all()
        super().close()
