"""The two skills' chat handlers with a Turn whose ``emit`` appends to a list (no server)."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from meta_scripts import SPEECH, multi_topic_words

from nemo_widgets import schema
from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent import AgentError, Media, Turn, load_skills, read_message
from nemo_widgets.engine.agent import base as agent_base
from nemo_widgets.engine.agent.runner import answer

PROMPT_SKILL = "video-prompt-generation"
META_SKILL = "video-meta-ai"
SEED_PROMPT = (
    "generate a detailed video prompt for a 30-second product showcase with cinematic lighting"
)


@pytest.fixture(autouse=True, scope="module")
def _skills() -> None:
    failed = load_skills()
    assert "metadata" not in failed and "prompts" not in failed, failed


async def chat(
    message: str, state: dict[str, Any], skill: str, media: list[Media] | None = None
) -> tuple[str, list[dict[str, Any]], Turn]:
    events: list[dict[str, Any]] = []

    async def emit(event: dict[str, Any]) -> None:
        events.append(event)

    turn = Turn(
        session_id="s1",
        message=message,
        emit=emit,
        state=state,
        media=media or [],
        skill=skill,
        history=tl.History(),
    )
    reading = read_message(message, state, media or [], skill=skill)
    assert reading.steps, message
    await turn.say((await answer(turn, reading)).text)
    return type(reading.steps[0].command).__name__, events, turn


def texts(events: list[dict[str, Any]]) -> str:
    return "\n".join(
        p["text"]
        for e in events
        for p in (e.get("content") or {}).get("parts", [])
        if "text" in p and not e.get("partial")
    )


def tool_names(events: list[dict[str, Any]]) -> list[str]:
    return [
        p["functionCall"]["name"]
        for e in events
        for p in (e.get("content") or {}).get("parts", [])
        if "functionCall" in p
    ]


def storyboard_tracks(state: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for t in state["draft"].get("t", []) if t.get("k") == "storyboard"]


@pytest.mark.parametrize(
    ("message", "skill", "expected"),
    [
        (SEED_PROMPT, PROMPT_SKILL, "GeneratePrompt"),
        ("generate a detailed video prompt for", PROMPT_SKILL, "GeneratePrompt"),
        ("generate my text descriptions", PROMPT_SKILL, "GeneratePrompt"),
        ("make it moodier", PROMPT_SKILL, "RefinePrompt"),
        ("for a vertical video", PROMPT_SKILL, "RefinePrompt"),
        ("more cinematic", PROMPT_SKILL, "RefinePrompt"),
        ("生成提示词：一个产品展示", PROMPT_SKILL, "GeneratePrompt"),
        (
            "generate titles, descriptions, and tags for my YouTube video",
            META_SKILL,
            "GenerateMetadata",
        ),
        ("generate titles, descriptions, and tags for", META_SKILL, "GenerateMetadata"),
        ("generate my text descriptions", META_SKILL, "GenerateMetadata"),
        ("生成标题和标签", META_SKILL, "GenerateMetadata"),
        ("generate my video clips", META_SKILL, "HowTo"),
        ("shorter titles", META_SKILL, "RefineMetadata"),
        ("more tags about solar panels", META_SKILL, "RefineMetadata"),
        ("no chapters please", META_SKILL, "RefineMetadata"),
    ],
)
def test_seed_prompts_route_to_the_right_intent(message: str, skill: str, expected: str) -> None:
    reading = read_message(message, skill=skill)
    assert [type(s.command).__name__ for s in reading.steps] == [expected]


async def test_prompt_request_builds_storyboard_on_an_empty_timeline() -> None:
    state: dict[str, Any] = {}
    _name, events, turn = await chat(SEED_PROMPT, state, PROMPT_SKILL)
    reply = texts(events)
    assert reply.startswith("**Storyboard**") and "30 s" in reply
    # No product named: the prompts say "the product" (nothing invented) and the reply says so.
    assert "rather than invent one" in reply
    assert all(s["subject"] == "the product" for s in state[schema.STATE_PROMPTS]["scenes"])
    assert tool_names(events) == ["generate_video_prompt"]
    board = state[schema.STATE_PROMPTS]
    assert board["duration_s"] == 30 and len(board["scenes"]) >= 5
    (track,) = storyboard_tracks(state)
    assert track["tt"] == schema.TrackType.TEXT
    assert [s["st"] for s in track["sg"]] == [s["start_ms"] for s in board["scenes"]]
    assert track["sg"][-1]["et"] == 30_000
    assert all(s["txt"].startswith(f"Scene {i}") for i, s in enumerate(track["sg"], 1))
    assert [s["prompt"] for s in track["sg"]] == [s["prompt"] for s in board["scenes"]]
    draft = state["draft"]
    assert draft["d"] == 30_000
    assert (draft["m"]["width"], draft["m"]["height"], draft["m"]["ratio"]) == (1920, 1080, "16:9")
    assert state["canvas_config"] == {"width": 1920, "height": 1080, "ratio": "16:9"}
    assert len(turn.history.undo) == 1  # one undo step for the turn
    assert turn.history.undo[0]["keys"]["draft"] == "__missing__"  # undo empties it again


async def test_follow_ups_refine_the_previous_storyboard() -> None:
    state: dict[str, Any] = {}
    await chat(SEED_PROMPT, state, PROMPT_SKILL)
    first = state[schema.STATE_PROMPTS]

    _, events, _ = await chat("make it moodier", state, PROMPT_SKILL)
    assert texts(events).startswith("Updated: moody")
    moody = state[schema.STATE_PROMPTS]
    assert [s["shot"] for s in moody["scenes"]] == [s["shot"] for s in first["scenes"]]
    assert moody["scenes"][0]["lighting"] != first["scenes"][0]["lighting"]
    assert len(storyboard_tracks(state)) == 1  # replaced, not stacked

    _, events, _ = await chat("for a vertical video", state, PROMPT_SKILL)
    assert "9:16" in texts(events)
    assert (state["draft"]["m"]["width"], state["draft"]["m"]["height"]) == (1080, 1920)
    assert state[schema.STATE_PROMPTS]["spec"]["moods"] == ["moody"]
    assert len(state[schema.STATE_PROMPTS]["history"]) == 2

    _, events, _ = await chat("make it 15 seconds", state, PROMPT_SKILL)
    assert state["draft"]["d"] == 15_000
    assert storyboard_tracks(state)[0]["sg"][-1]["et"] == 15_000

    with pytest.raises(AgentError, match="did not catch what to change"):
        await chat("make it 15 seconds", state, PROMPT_SKILL)  # nothing new to change


async def test_refine_without_a_prompt_and_empty_requests_explain() -> None:
    with pytest.raises(AgentError, match="no video prompt to refine yet"):
        await chat("make it moodier", {}, PROMPT_SKILL)
    state: dict[str, Any] = {}
    # nothing generated: a refusal (so the runner charges nothing), not a paid reply
    with pytest.raises(AgentError, match="Send me the text description"):
        await chat("generate my text descriptions", state, PROMPT_SKILL)
    assert state == {}
    with pytest.raises(AgentError, match="Tell me the idea"):
        await chat("generate a detailed video prompt for", {}, PROMPT_SKILL)


async def test_storyboard_next_to_footage_keeps_the_canvas() -> None:
    state = {
        "draft": {
            "d": 10_000,
            "m": {"width": 1280, "height": 720, "ratio": "16:9"},
            "t": [{"id": "v", "tt": 0, "k": "video", "sg": [{"st": 0, "et": 10_000}]}],
        }
    }
    await chat("a 20-second travel video of lisbon trams", state, PROMPT_SKILL)
    assert state["draft"]["d"] == 20_000
    assert state["draft"]["m"] == {"width": 1280, "height": 720, "ratio": "16:9"}
    assert [t["tt"] for t in state["draft"]["t"]] == [0, 7]


def _talk_state() -> tuple[dict[str, Any], Media, float]:
    words, _, duration = multi_topic_words(60.0)
    state = {
        "captions": {
            "en": {
                "language": "en",
                "model": "tiny.en",
                "words": [{"w": w.text, "st": w.start_s, "et": w.end_s, "p": 1.0} for w in words],
            }
        }
    }
    media = Media(
        cdn_url="/media/u/talk.mp4",
        path=Path("/nonexistent/talk.mp4"),  # never read: the captions carry the words
        filename="weekend_talk.mp4",
        file_type="video",
        duration_s=duration,
        width=1920,
        height=1080,
        has_audio=True,
    )
    return state, media, duration


@pytest.fixture
def no_recognition(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if a handler tries to recognise speech."""
    import nemo_widgets.engine.captions as captions

    def boom(*a: Any, **k: Any) -> None:
        raise AssertionError("transcribe() should not be called")

    monkeypatch.setattr(captions, "transcribe", boom)


async def test_metadata_from_session_captions_and_follow_ups(no_recognition: None) -> None:
    state, media, duration = _talk_state()
    _, events, _ = await chat(
        "generate titles, descriptions, and tags for my YouTube video", state, META_SKILL, [media]
    )
    reply = texts(events)
    assert "**Title ideas**" in reply and "**Description**" in reply and "**Tags**" in reply
    assert re.search(r"^0:00 ", reply, re.M)
    assert tool_names(events) == ["generate_metadata"]
    meta = state["metadata"]
    assert meta["source"]["words_from"] == "captions"
    assert len(meta["chapters"]) >= 3 and meta["chapters"][-1]["end_s"] == pytest.approx(duration)
    assert "sourdough starter" in [t["tag"] for t in meta["tags"][:10]]

    _, events, _ = await chat("shorter titles", state, META_SKILL, [media])
    assert texts(events).startswith("Updated: titles of at most 60 characters")
    assert all(len(t["text"]) <= 60 for t in state["metadata"]["titles"])
    assert state["metadata"]["source"]["words_from"] == "cache"

    _, events, _ = await chat("more tags about solar panels", state, META_SKILL, [media])
    assert state["metadata"]["tags"][0]["tag"] == "solar panels"
    assert all(len(t["text"]) <= 60 for t in state["metadata"]["titles"])  # kept

    _, events, _ = await chat("more tags about quantum computing", state, META_SKILL, [media])
    assert "never said in the video" in texts(events)


async def test_metadata_needs_a_video_and_says_so() -> None:
    with pytest.raises(AgentError, match="Upload the video first"):
        await chat("generate titles, descriptions, and tags for", {}, META_SKILL)
    with pytest.raises(AgentError, match="no titles or tags to refine"):
        await chat("shorter titles", {}, META_SKILL)
    _, events, _ = await chat("generate my video clips", {}, META_SKILL)
    assert "does not film new clips" in texts(events)


async def test_missing_recognizer_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    _, media, _ = _talk_state()
    monkeypatch.setitem(sys.modules, "nemo_widgets.engine.captions", None)
    with pytest.raises(AgentError, match="Speech recognition is not available"):
        await chat("generate titles and tags for my video", {}, META_SKILL, [media])


@pytest.mark.slow
async def test_metadata_recognises_speech_when_there_are_no_captions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(agent_base, "HEARTBEAT_S", 0.2)  # see heartbeats within a short clip
    media = Media(
        cdn_url="/media/u/jfk.flac",
        path=SPEECH / "jfk.flac",
        filename="jfk.flac",
        file_type="audio",
        duration_s=11.0,
        has_audio=True,
    )
    state: dict[str, Any] = {}
    _, events, _ = await chat("generate titles, descriptions and tags", state, META_SKILL, [media])
    assert tool_names(events) == ["transcribe", "generate_metadata"]
    assert any(e.get("type") == "heartbeat" for e in events)
    meta = state["metadata"]
    assert meta["source"]["words_from"] == "recognition"
    assert meta["chapters"] == []  # 11 s: too short for chapters
    assert "fellow americans" in [t["tag"] for t in meta["tags"][:3]]


def test_generated_text_is_never_withheld_as_a_silent_edit() -> None:
    from nemo_widgets.engine.agent.runner import is_silent

    # This message falls in the engine's ~30 % "edit without text" bucket; a prompt is not an
    # edit, its text is the product.
    message = "a 12-second travel video of lisbon trams at sunset"
    reading = read_message(message, skill=PROMPT_SKILL)
    assert reading.cost > 0 and not is_silent(message, reading)
    for msg, skill in [(SEED_PROMPT, PROMPT_SKILL), ("generate titles and tags", META_SKILL)]:
        assert not is_silent(msg, read_message(msg, skill=skill))


async def test_a_chinese_idea_gets_a_chinese_prompt_and_reply() -> None:
    state: dict[str, Any] = {}
    name, events, _ = await chat("为咖啡杯生成一个30秒的产品展示视频提示词", state, PROMPT_SKILL)
    reply = texts(events)
    assert name == "GeneratePrompt" and reply.startswith("**分镜脚本**")
    board = state[schema.STATE_PROMPTS]
    assert board["language"] == "zh" and board["duration_s"] == 30
    assert all(s["subject"] == "咖啡杯" for s in board["scenes"])
    assert "为咖啡杯生成" not in board["prompt"] and "sits in the scene" not in board["prompt"]
    assert "分镜已作为字幕卡" in reply
    _, events, _ = await chat("更暗一点", state, PROMPT_SKILL)
    assert texts(events).startswith("已更新：")
    assert state[schema.STATE_PROMPTS]["spec"]["moods"] == ["moody"]


async def test_a_spanish_request_on_english_speech_says_what_language_it_wrote_in(
    no_recognition: None,
) -> None:
    state, media, _ = _talk_state()
    _, events, _ = await chat(
        "genera títulos, descripción y etiquetas para mi vídeo", state, META_SKILL, [media]
    )
    reply = texts(events)
    assert "**Ideas de título**" in reply and "**Etiquetas**" in reply
    assert "están en inglés, el idioma que se habla en el vídeo" in reply
    assert state["metadata"]["language"] == "en"
