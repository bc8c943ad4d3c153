"""The agent in process: read a message and apply its commands to a state, no server.

``Chat(...).send(message)`` does what a turn does inside the runner (``reader.read`` then
``runner.answer``) with a list as the stream, so rows are tested through the same path the
engine takes; a refusal raises ``AgentError`` as the runner would show it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent import Media, Turn, load_skills, read_message
from nemo_widgets.engine.agent.runner import Answer, answer


def upload(filename: str, file_type: str, **info: Any) -> Media:
    """An upload as the agent sees it (the file itself is never read by these tests)."""
    return Media(
        cdn_url=f"http://engine/media/uploads/{filename}",
        path=Path(f"/nonexistent/{filename}"),
        filename=filename,
        file_type=file_type,
        **info,
    )


def reads(message: str, state: dict | None = None, media: list[Media] | None = None, **kw) -> list:
    """The commands ``message`` is read into."""
    return [s.command for s in read_message(message, state or {}, media or [], **kw).steps]


def rows(message: str, state: dict | None = None, media: list[Media] | None = None, **kw) -> list:
    """The names of the rows that read ``message`` (one per command)."""
    return [s.row.name for s in read_message(message, state or {}, media or [], **kw).steps]


class Chat:
    """A session in memory: ``state``, uploads, undo history and every event sent."""

    def __init__(
        self,
        draft: dict | None = None,
        media: list[Media] | None = None,
        *,
        state: dict | None = None,
        skill: str = "nemo-video",
        language: str = "en",
    ) -> None:
        load_skills()
        self.media = media if media is not None else []
        self.state: dict[str, Any] = state if state is not None else {"draft": draft or {}}
        self.history = tl.History()
        self.events: list[dict] = []
        self.skill, self.language = skill, language
        self.last: Answer | None = None

    async def send(self, message: str) -> Turn:
        async def emit(event: dict) -> None:
            self.events.append(event)

        reading = read_message(
            message, self.state, self.media, skill=self.skill, language=self.language
        )
        turn = Turn(
            session_id="s1",
            message=message,
            emit=emit,
            state=self.state,
            media=self.media,
            history=self.history,
            skill=self.skill,
            language=self.language,
        )
        self.last = await answer(turn, reading)
        await turn.say(self.last.text)
        return turn

    @property
    def draft(self) -> dict:
        return self.state["draft"]

    def texts(self) -> list[str]:
        return [
            p["text"]
            for e in self.events
            for p in (e.get("content") or {}).get("parts", [])
            if "text" in p and not e.get("partial")
        ]

    def text(self) -> str:
        return self.texts()[-1]

    def tool_calls(self) -> list[dict]:
        return [
            p["functionCall"]
            for e in self.events
            for p in (e.get("content") or {}).get("parts", [])
            if "functionCall" in p
        ]

    def tool_names(self) -> list[str]:
        return [c["name"] for c in self.tool_calls()]
