"""``/run_sse`` frames in every documented style, parsed into typed events (contract §3).

Styles: Google-ADK events (``content.parts[].text | functionCall | functionResponse`` with
``partial``), ``{"type": …}`` frames, ``{"error": …}``, SSE comment lines and empty ``data:``
heartbeats. Comment lines (a proxy's ``: keep-alive``) become :class:`HeartbeatEvent`: they
must still tell the client the server is working.

Duplicates: an ADK stream sends partial chunks and then one final event repeating the whole
text; ``{"type": "chunk"}`` streams may end with a ``{"type": "text"}`` aggregate. Both
aggregates are dropped (only a suffix that the chunks did not carry is kept).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

try:  # JSON decoding dominates the cost of a stream; orjson is ~4x faster than json
    from orjson import JSONDecodeError as _JSONError
    from orjson import loads as _loads
except ImportError:  # pragma: no cover - orjson is a dependency, but keep working without it
    from json import JSONDecodeError as _JSONError
    from json import loads as _loads


@dataclass(slots=True)
class TextEvent:
    """Text of the assistant's reply (a chunk; concatenate them)."""

    text: str
    partial: bool = False


@dataclass(slots=True)
class ToolCallEvent:
    """The agent called a tool."""

    name: str
    args: dict[str, Any] = field(default_factory=dict)
    id: str | None = None


@dataclass(slots=True)
class ToolResultEvent:
    """A tool returned."""

    name: str
    result: Any = None
    id: str | None = None


@dataclass(slots=True)
class HeartbeatEvent:
    """The server is still working (comment line, empty ``data:`` or a heartbeat frame)."""


@dataclass(slots=True)
class ErrorEvent:
    """The agent reported an error inside the stream."""

    message: str
    code: str | int | None = None


Event = TextEvent | ToolCallEvent | ToolResultEvent | HeartbeatEvent | ErrorEvent
HEARTBEAT = HeartbeatEvent()
_TEXT_TYPES = frozenset({"text", "chunk", "delta", "message", "content"})
_CALL_TYPES = frozenset({"tool_call", "tool_start", "function_call", "tool_use"})
_RESULT_TYPES = frozenset({"tool_result", "tool_end", "function_response", "tool_output"})


#: The three line ends of the event-stream format (and no others: ``str.splitlines`` would
#: also split on form feeds, vertical tabs and U+2028, which are data here).
_EOL = re.compile(r"\r\n|\r|\n")


class LineDecoder:
    """Lines of an event stream from its text chunks, however the chunks cut the lines.

    The WHATWG event-stream format ends a line with CRLF, LF or CR; a CRLF may be cut between
    two chunks, so a chunk ending in CR remembers it and drops a LF that starts the next.
    Written here because httpx-sse keeps its line decoder private (``_decoders``); its
    public ``EventSource`` drops comment lines, which are heartbeats in this protocol.
    """

    __slots__ = ("_cr", "_tail")

    def __init__(self) -> None:
        self._tail = ""  # an unfinished line
        self._cr = False  # the last chunk ended with CR: a LF at the next one's start is its pair

    def decode(self, text: str) -> list[str]:
        """The lines completed by ``text`` (without their line ends)."""
        if self._cr and text[:1] == "\n":
            text = text[1:]
        if not text:
            return []
        self._cr = text[-1] == "\r"
        lines = _EOL.split(self._tail + text)
        self._tail = lines.pop()  # "" when the text ended with a line end
        return lines

    def flush(self) -> list[str]:
        """The last line when the stream ends without a line end."""
        tail, self._tail, self._cr = self._tail, "", False
        return [tail] if tail else []


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
        try:
            obj = _loads(data)
        except (_JSONError, ValueError):
            # Not JSON: blank (a heartbeat) or a proxy that streams plain text lines.
            return [HEARTBEAT] if data.isspace() or not data else [TextEvent(data)]
        if type(obj) is not dict:
            return [TextEvent(_str(obj))] if obj not in (None, "") else [HEARTBEAT]
        content = obj.get("content")
        if type(content) is dict and "parts" in content:
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
        text: str | None = None
        for part in content.get("parts") or ():
            if type(part) is not dict:
                continue
            t = part.get("text")
            if t is not None:
                if not part.get("thought"):  # model "thinking" is not part of the reply
                    text = _str(t) if text is None else text + _str(t)
                continue
            call = part.get("functionCall") or part.get("function_call")
            if call is not None:
                events.append(ToolCallEvent(_str(call.get("name")), call.get("args") or {},
                                            call.get("id")))  # fmt: skip
                continue
            resp = part.get("functionResponse") or part.get("function_response")
            if resp is not None:
                events.append(ToolResultEvent(_str(resp.get("name")), resp.get("response"),
                                              resp.get("id")))  # fmt: skip
        if text is not None:
            if obj.get("partial"):
                self._chunks.append(text)
                if text:
                    events.insert(0, TextEvent(text, True))
            else:
                ev = self._final_text(text)
                if ev is not None:
                    events.insert(0, ev)
        if "errorMessage" in obj or "errorCode" in obj:
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

    Lines are split by :class:`LineDecoder` (CR / LF / CRLF, lines cut across chunks) and
    fields read here rather than by httpx-sse, for two reasons: its decoder drops comment
    lines, which are heartbeats here, and it was ~40 % of the cost of a stream
    (``bench/bench_sse.py``). Only ``data`` matters in this protocol; a frame with only other
    fields (``event:``, ``id:``, ``retry:``) counts as a heartbeat. A test checks the data
    payloads against httpx-sse's public ``EventSource`` on generated streams.
    """
    lines = LineDecoder()
    parse = FrameParser().parse
    data: list[str] = []
    other = False  # the frame had fields but no data
    async for text in chunks:
        for line in lines.decode(text):
            if line:
                if line[0] == ":":
                    yield HEARTBEAT
                elif line.startswith("data:"):
                    value = line[5:]
                    data.append(value[1:] if value[:1] == " " else value)
                elif line == "data":
                    data.append("")
                else:
                    other = True
                continue
            # A blank line ends the frame.
            if data:
                payload = data[0] if len(data) == 1 else "\n".join(data)
                data = []
                if payload:
                    for event in parse(payload):
                        yield event
                else:
                    yield HEARTBEAT
            elif other:
                yield HEARTBEAT
            other = False
    for line in lines.flush():
        if line[:1] == ":":
            yield HEARTBEAT
        elif line.startswith("data:"):
            value = line[5:]
            data.append(value[1:] if value[:1] == " " else value)
    # The spec drops a frame without its closing blank line; a server that closes right after
    # its last ``data:`` line still meant it, so it is kept.
    if data:
        payload = "\n".join(data)
        for event in parse(payload) if payload else [HEARTBEAT]:
            yield event
