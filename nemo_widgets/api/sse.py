"""``/run_sse`` frames in every documented style, parsed into typed events (contract §3).

Styles: Google-ADK events (``content.parts[].text | functionCall | functionResponse`` with
``partial``), ``{"type": …}`` frames, ``{"error": …}``, SSE comment lines and empty ``data:``
heartbeats. Lines and fields are decoded by httpx-sse; its decoder drops comment lines
silently, so they are intercepted first and turned into :class:`HeartbeatEvent` (a proxy's
``: keep-alive`` must still tell the client the server is working).

Duplicates: an ADK stream sends partial chunks and then one final event repeating the whole
text; ``{"type": "chunk"}`` streams may end with a ``{"type": "text"}`` aggregate. Both
aggregates are dropped (only a suffix that the chunks did not carry is kept).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from httpx_sse._decoders import SSEDecoder, SSELineDecoder  # no public line-level hook


@dataclass(frozen=True, slots=True)
class TextEvent:
    """Text of the assistant's reply (a chunk; concatenate them)."""

    text: str
    partial: bool = False


@dataclass(frozen=True, slots=True)
class ToolCallEvent:
    """The agent called a tool."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(frozen=True, slots=True)
class ToolResultEvent:
    """A tool returned."""

    name: str
    result: Any = None
    id: str | None = None


@dataclass(frozen=True, slots=True)
class HeartbeatEvent:
    """The server is still working (comment line, empty ``data:`` or a heartbeat frame)."""


@dataclass(frozen=True, slots=True)
class ErrorEvent:
    """The agent reported an error inside the stream."""

    message: str
    code: str | int | None = None


Event = TextEvent | ToolCallEvent | ToolResultEvent | HeartbeatEvent | ErrorEvent
HEARTBEAT = HeartbeatEvent()
_TEXT_TYPES = frozenset({"text", "chunk", "delta", "message", "content"})
_CALL_TYPES = frozenset({"tool_call", "tool_start", "function_call", "tool_use"})
_RESULT_TYPES = frozenset({"tool_result", "tool_end", "function_response", "tool_output"})


def _str(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


class FrameParser:
    """Turns the ``data`` of each SSE frame into events; keeps the de-duplication state."""

    __slots__ = ("_chunks",)

    def __init__(self) -> None:
        self._chunks: list[str] = []  # partial text since the last final / aggregate

    def _final_text(self, text: str) -> TextEvent | None:
        # An aggregate after chunks repeats them: keep only what they did not already carry.
        if self._chunks:
            seen = "".join(self._chunks)
            self._chunks.clear()
            if text.startswith(seen):
                rest = text[len(seen) :]
                return TextEvent(rest) if rest else None
            if seen.startswith(text) or text in seen:
                return None
        return TextEvent(text) if text else None

    def parse(self, data: str) -> list[Event]:
        """Events carried by one frame's ``data`` (an empty data line is a heartbeat)."""
        if not data or data.isspace():
            return [HEARTBEAT]
        try:
            obj = json.loads(data)
        except ValueError:
            # Not JSON: a proxy that streams plain text lines.
            return [TextEvent(data)]
        if not isinstance(obj, dict):
            return [TextEvent(_str(obj))] if obj not in (None, "") else [HEARTBEAT]
        content = obj.get("content")
        if isinstance(content, dict) and "parts" in content:
            return self._adk(obj, content)
        kind = obj.get("type")
        if isinstance(kind, str):
            return self._typed(kind.lower(), obj)
        if obj.get("error") not in (None, ""):
            err = obj["error"]
            msg = _str(err.get("message") if isinstance(err, dict) else err)
            return [ErrorEvent(msg or "unknown error", obj.get("code"))]
        if obj.get("errorMessage") or obj.get("errorCode"):
            return [ErrorEvent(_str(obj.get("errorMessage")) or "error", obj.get("errorCode"))]
        return []

    def _adk(self, obj: dict[str, Any], content: dict[str, Any]) -> list[Event]:
        events: list[Event] = []
        partial = bool(obj.get("partial"))
        texts: list[str] = []
        for part in content.get("parts") or ():
            if not isinstance(part, dict):
                continue
            if "text" in part and not part.get("thought"):
                texts.append(_str(part["text"]))
            elif "functionCall" in part or "function_call" in part:
                call = part.get("functionCall") or part.get("function_call") or {}
                events.append(
                    ToolCallEvent(_str(call.get("name")), call.get("args") or {}, call.get("id"))
                )
            elif "functionResponse" in part or "function_response" in part:
                resp = part.get("functionResponse") or part.get("function_response") or {}
                events.append(
                    ToolResultEvent(_str(resp.get("name")), resp.get("response"), resp.get("id"))
                )
        if texts:
            text = "".join(texts)
            if partial:
                self._chunks.append(text)
                if text:
                    events.insert(0, TextEvent(text, partial=True))
            else:
                ev = self._final_text(text)
                if ev is not None:
                    events.insert(0, ev)
        if obj.get("errorMessage") or obj.get("errorCode"):
            events.append(
                ErrorEvent(_str(obj.get("errorMessage")) or "error", obj.get("errorCode"))
            )
        return events

    def _typed(self, kind: str, obj: dict[str, Any]) -> list[Event]:
        if kind in _TEXT_TYPES:
            text = _str(obj.get("content") or obj.get("text") or obj.get("delta"))
            if kind in ("chunk", "delta") or obj.get("partial"):
                self._chunks.append(text)
                return [TextEvent(text, partial=True)] if text else []
            ev = self._final_text(text)
            return [ev] if ev is not None else []
        if kind in ("heartbeat", "ping", "keepalive", "keep-alive"):
            return [HEARTBEAT]
        if kind in _CALL_TYPES:
            name = _str(obj.get("name") or obj.get("tool") or obj.get("tool_name"))
            args = obj.get("args") or obj.get("arguments") or obj.get("input") or {}
            return [ToolCallEvent(name, args, obj.get("id"))]
        if kind in _RESULT_TYPES:
            name = _str(obj.get("name") or obj.get("tool") or obj.get("tool_name"))
            result = obj.get("result", obj.get("output"))
            return [ToolResultEvent(name, result, obj.get("id"))]
        if kind == "error":
            err = obj.get("error") or obj.get("message") or obj.get("content")
            msg = _str(err.get("message") if isinstance(err, dict) else err)
            return [ErrorEvent(msg or "unknown error", obj.get("code"))]
        return []  # "done" and unknown frame types: the end is the connection closing


async def aiter_events(chunks: AsyncIterator[str]) -> AsyncIterator[Event]:
    """Typed events from the text chunks of an event stream (``response.aiter_text()``).

    Comment lines (``: keep-alive``) become heartbeats before httpx-sse's decoder would drop
    them; every other line goes through :class:`httpx_sse.SSEDecoder` unchanged.
    """
    lines = SSELineDecoder()
    decoder = SSEDecoder()
    parser = FrameParser()
    async for text in chunks:
        for line in lines.decode(text):
            if line[:1] == ":":
                yield HEARTBEAT
                continue
            sse = decoder.decode(line)
            if sse is not None:
                for event in parser.parse(sse.data):
                    yield event
    for line in [*lines.flush(), ""]:
        if line[:1] == ":":
            yield HEARTBEAT
            continue
        sse = decoder.decode(line)
        if sse is not None:
            for event in parser.parse(sse.data):
                yield event
