"""Every documented frame style parsed into typed events, without duplicated text."""

from __future__ import annotations

import json

import pytest

from nemo_widgets.api.sse import (
    ErrorEvent,
    FrameParser,
    HeartbeatEvent,
    TextEvent,
    ToolCallEvent,
    ToolResultEvent,
    aiter_events,
)

from .fakes import sse


async def _chunks(body: bytes, size: int):
    text = body.decode()
    for i in range(0, len(text), size):
        yield text[i : i + size]


async def parse(body: bytes, size: int = 1 << 16) -> list:
    return [ev async for ev in aiter_events(_chunks(body, size))]


def text_of(events) -> str:
    return "".join(e.text for e in events if isinstance(e, TextEvent))


ADK = [
    {"content": {"parts": [{"text": "Sure — "}], "role": "model"}, "partial": True},
    {"content": {"parts": [{"text": "adding a title."}], "role": "model"}, "partial": True},
    {
        "content": {
            "parts": [
                {"functionCall": {"id": "adk-1", "name": "edit_multitrack", "args": {"a": 1}}}
            ]
        }
    },
    {
        "content": {
            "parts": [
                {
                    "functionResponse": {
                        "id": "adk-1",
                        "name": "edit_multitrack",
                        "response": {"ok": True},
                    }
                }
            ],
            "role": "user",
        }
    },
    {"content": {"parts": [{"text": "Sure — adding a title."}], "role": "model"}},  # aggregate
    {"content": {"parts": [{"text": " Done!"}], "role": "model"}, "partial": True},
    {"content": {"parts": [{"text": " Done!"}], "role": "model"}},
]


@pytest.mark.parametrize("size", [1, 7, 1 << 16])
async def test_adk_partials_and_final_do_not_duplicate(size):
    events = await parse(sse(*ADK), size)
    assert text_of(events) == "Sure — adding a title. Done!"
    calls = [e for e in events if isinstance(e, ToolCallEvent)]
    results = [e for e in events if isinstance(e, ToolResultEvent)]
    assert calls == [ToolCallEvent("edit_multitrack", {"a": 1}, "adk-1")]
    assert results == [ToolResultEvent("edit_multitrack", {"ok": True}, "adk-1")]


async def test_adk_final_only_and_final_with_extra_suffix():
    events = await parse(sse({"content": {"parts": [{"text": "Hello"}]}}))
    assert text_of(events) == "Hello"
    body = sse(
        {"content": {"parts": [{"text": "Hel"}]}, "partial": True},
        {"content": {"parts": [{"text": "Hello there"}]}},
    )
    assert text_of(await parse(body)) == "Hello there"


async def test_type_frames():
    body = sse(
        {"type": "text", "content": "I'll generate your video now..."},
        {"type": "tool_call", "name": "generate_video_with_seedance", "args": {"d": 10}},
        {"type": "tool_result", "name": "generate_video_with_seedance", "result": {"ok": 1}},
        {"type": "heartbeat"},
        {"type": "chunk", "content": "Al"},
        {"type": "chunk", "content": "most"},
        {"type": "text", "content": "Almost"},  # aggregate of the chunks: dropped
        {"type": "done"},
    )
    events = await parse(body)
    assert text_of(events) == "I'll generate your video now...Almost"
    assert ToolCallEvent("generate_video_with_seedance", {"d": 10}, None) in events
    assert ToolResultEvent("generate_video_with_seedance", {"ok": 1}, None) in events
    assert sum(isinstance(e, HeartbeatEvent) for e in events) == 1


async def test_heartbeats_comments_and_empty_data():
    body = b': keep-alive\n\ndata:\n\ndata: \n\n:ping\r\n\r\ndata: {"type":"heartbeat"}\r\n\r\n'
    events = await parse(body, 3)
    assert events == [HeartbeatEvent()] * 5


async def test_error_frames():
    body = sse(
        {"error": "Session not found"},
        {"type": "error", "message": "tool failed"},
        {"errorCode": "MAX_TOKENS", "errorMessage": "too long"},
    )
    events = await parse(body)
    assert [e.message for e in events if isinstance(e, ErrorEvent)] == [
        "Session not found",
        "tool failed",
        "too long",
    ]


async def test_multiline_data_and_unknown_frames():
    payload = json.dumps({"type": "text", "content": "a\nb"}, indent=1)
    body = ("".join(f"data: {line}\n" for line in payload.split("\n")) + "\n").encode()
    body += sse({"invocationId": "x", "actions": {}})  # ADK event without content: skipped
    assert text_of(await parse(body)) == "a\nb"


async def test_trailing_frame_without_blank_line_is_dispatched():
    body = b'data: {"type":"text","content":"last"}'
    assert text_of(await parse(body)) == "last"


def test_frame_parser_plain_text_and_thoughts():
    p = FrameParser()
    assert p.parse("not json") == [TextEvent("not json")]
    adk = {"content": {"parts": [{"text": "hidden", "thought": True}, {"text": "shown"}]}}
    assert p.parse(json.dumps(adk)) == [TextEvent("shown")]


# -- the line decoder and field decoding agree with httpx-sse's public EventSource ------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_text = st.text(st.characters(blacklist_characters="\r\n", codec="utf-8"), max_size=12)
_line = st.one_of(
    st.builds(lambda t: f"data: x{t}", _text),
    st.builds(lambda t: f"data:x{t}", _text),
    st.builds(lambda t: f": {t}", _text),
    st.builds(lambda t: f"event: {t}", _text),
    st.builds(lambda t: f"id: {t}", _text),
    st.just("retry: 10"),
)
_frames = st.lists(st.lists(_line, min_size=1, max_size=4), max_size=8)


@settings(max_examples=80, deadline=None)
@given(frames=_frames, eol=st.sampled_from(["\n", "\r\n", "\r"]), size=st.integers(1, 40))
def test_data_payloads_match_httpx_sse(frames, eol, size):
    import asyncio

    import httpx
    from httpx_sse import EventSource

    body = "".join(eol.join(lines) + eol + eol for lines in frames)
    response = httpx.Response(
        200, headers={"content-type": "text/event-stream"}, content=body.encode()
    )
    expected = [ev.data for ev in EventSource(response).iter_sse() if ev.data]

    async def chunks():
        for i in range(0, len(body), size):
            yield body[i : i + size]

    async def run():
        return [e.text async for e in aiter_events(chunks()) if isinstance(e, TextEvent)]

    assert asyncio.run(run()) == expected


def test_line_decoder_handles_every_line_end_and_cuts():
    from nemo_widgets.api.sse import LineDecoder

    d = LineDecoder()
    # a CRLF cut between two chunks is one line end, not two
    assert d.decode("data: a\r") == ["data: a"]
    assert d.decode("\ndata: b\rdata: c\n\n") == ["data: b", "data: c", ""]
    assert d.decode("data: d") == [] and d.decode("e\r\n") == ["data: de"]
    # form feed, vertical tab and U+2028 are data, not line ends
    assert d.decode("data: x\x0cy\u2028z\n") == ["data: x\x0cy\u2028z"]
    assert d.decode("") == [] and d.decode("tail") == [] and d.flush() == ["tail"]
    assert d.flush() == []
