"""Client-side Metadata and Storyboard: pandas views of state["metadata"] / state["prompts"]."""

from __future__ import annotations

import pytest
from meta_scripts import multi_topic_words

from nemo_widgets.draft import SessionState
from nemo_widgets.engine.meta.prompts import build_storyboard, parse_idea
from nemo_widgets.engine.meta.titles import build_metadata
from nemo_widgets.metadata import Metadata
from nemo_widgets.prompts import Storyboard


@pytest.fixture(scope="module")
def state() -> dict:
    words, _, duration = multi_topic_words(60.0)
    return {
        "metadata": build_metadata(words, duration_s=duration, filename="talk.mp4"),
        "prompts": build_storyboard(parse_idea("a 30-second product showcase for a mug")),
        "draft": {"t": []},
    }


def test_metadata_from_a_state_dict_a_response_and_a_session_state(state: dict) -> None:
    plain = Metadata.from_state(state)
    wrapped = Metadata.from_state({"state": state, "session_id": "s"})
    session_state = Metadata.from_state(SessionState.from_response({"state": state}))
    for m in (plain, wrapped, session_state):
        assert not m.empty
        assert list(m.titles.columns) == ["title", "chars"] and 3 <= len(m.titles) <= 5
        assert (m.titles["chars"] <= 70).all() and m.language == "en"
        assert list(m.tags.columns) == ["tag", "score", "chars"]
        assert m.tags["score"].between(0, 1).all()
        assert m.tags["tag"].tolist() == m.tag_list
        assert list(m.chapters.columns) == ["timestamp", "title", "start_s", "end_s"]
        assert m.chapters["timestamp"].iloc[0] == "0:00" and len(m.chapters) >= 3
        assert m.description.startswith(m.hook) and 1 <= len(m.hashtags) <= 3
    assert plain.to_dict() == session_state.to_dict()
    text = str(plain)
    assert text.startswith("Titles:\n  1. ") and "Description:" in text and "Tags: " in text
    md = plain._repr_markdown_()
    assert "**Titles**" in md and "**Tags**" in md and "0:00" in md


def test_storyboard_scenes_frame(state: dict) -> None:
    board = Storyboard.from_state(SessionState.from_response({"state": state}))
    assert not board.empty and len(board) == len(state["prompts"]["scenes"])
    df = board.scenes
    assert df["start_s"].iloc[0] == 0 and df["end_s"].iloc[-1] == 30
    assert df["duration_s"].sum() == pytest.approx(30)
    assert df["prompt"].str.contains("no on-screen text").all()
    assert "mug" in df["subject"].iloc[0]
    assert (board.aspect, board.width, board.height) == ("16:9", 1920, 1080)
    assert board.language == "en"
    assert board.idea == "a 30-second product showcase for a mug"
    assert str(board).startswith("Storyboard, ") and "1. 0-" in str(board)
    assert board._repr_markdown_().startswith("**Storyboard, ")
    assert board.to_dict()["scenes"][0]["scene"] == 1


def test_empty_session_says_what_to_ask() -> None:
    m, b = Metadata.from_state({}), Storyboard.from_state(SessionState())
    assert m.empty and b.empty and len(b) == 0
    assert m.titles.empty and m.tags.empty and b.scenes.empty
    assert "generate titles, descriptions, and tags" in str(m)
    assert "generate a detailed video prompt" in str(b)
    with pytest.raises(TypeError, match=r"pass session\.state"):
        Metadata.from_state(42)
