"""Text-to-video prompts and storyboards: structure, exact timings, determinism, refinements."""

from __future__ import annotations

import itertools
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemo_widgets.engine.meta.prompts import (
    GENRES,
    build_storyboard,
    normalise_idea,
    parse_idea,
    refine_spec,
    render_markdown,
    split_durations,
)

SEED_PROMPT = (
    "generate a detailed video prompt for a 30-second product showcase with cinematic lighting"
)
PARTS = ("shot", "lens", "camera", "subject", "action", "setting", "lighting", "style", "mood")


def board(idea: str) -> dict:
    return build_storyboard(parse_idea(idea))


def test_seed_prompt_gives_a_30_second_storyboard_with_every_element() -> None:
    b = board(SEED_PROMPT)
    spec = b["spec"]
    assert spec["genre"] == "product" and spec["duration_s"] == 30 and spec["aspect"] == "16:9"
    scenes = b["scenes"]
    assert 5 <= len(scenes) <= 10
    assert sum(s["end_ms"] - s["start_ms"] for s in scenes) == 30_000
    assert scenes[0]["start_ms"] == 0 and scenes[-1]["end_ms"] == 30_000
    for a, c in itertools.pairwise(scenes):
        assert a["end_ms"] == c["start_ms"]
    lo, hi = GENRES["product"].shot_s
    assert all(lo * 1000 <= s["end_ms"] - s["start_ms"] <= hi * 1000 for s in scenes)
    assert scenes[0]["role"] == "establishing" and scenes[-1]["role"] == "call-to-action"
    for s in scenes:
        for part in PARTS:
            assert s[part], (part, s)
            assert s[part].split(",")[0].lower() in s["prompt"].lower(), part
        assert "cinematic lighting" in s["lighting"]
        assert "no on-screen text" in s["prompt"]
        assert "16:9" in s["prompt"] and "1920x1080" in s["prompt"]
        assert f"{(s['end_ms'] - s['start_ms']) / 1000:g} s" in s["prompt"]
    # Shots differ across roles: not one template with a blank.
    assert len({s["shot"] for s in scenes}) >= 4
    assert len({s["action"] for s in scenes}) >= 4


def test_same_idea_same_prompt_and_command_words_do_not_matter() -> None:
    a = board(SEED_PROMPT)
    b = board("A 30-second product showcase with cinematic lighting.")
    assert a["prompt"] == b["prompt"]
    assert normalise_idea("write text-to-video prompts for a storyboard: a fox in snow") == (
        "fox in snow"
    )


def test_different_ideas_give_different_prompts() -> None:
    ideas = [
        "a 30-second product showcase for a ceramic coffee mug",
        "a 20-second travel video of kyoto temples at dawn",
        "a 15-second recipe video for lemon pasta",
        "a 45-second real estate tour of a loft apartment",
        "a 20-second fitness workout video with energetic mood",
        "a 10-second shot of a fox in snow",
    ]
    boards = [board(i) for i in ideas]
    assert len({b["prompt"] for b in boards}) == len(ideas)
    assert [b["genre"] for b in boards] == [
        "product",
        "travel",
        "food",
        "real_estate",
        "fitness",
        "generic",
    ]
    assert "ceramic coffee mug" in boards[0]["scenes"][0]["subject"]
    assert "kyoto temples" in boards[1]["scenes"][0]["subject"]
    assert boards[1]["scenes"][0]["time_of_day"] == "dawn"
    assert boards[5]["scenes"][0]["setting"] == "in snow"
    assert len(boards[5]["scenes"]) == 1 and boards[5]["duration_s"] == 10
    for b, idea in zip(boards, ideas, strict=False):
        total = parse_idea(idea)["duration_s"]
        assert sum(s["end_ms"] - s["start_ms"] for s in b["scenes"]) == round(total * 1000)


def test_aspect_words_and_explicit_scene_counts() -> None:
    v = board("a cozy coffee shop morning for a vertical video")
    assert (v["aspect"], v["width"], v["height"]) == ("9:16", 1080, 1920)
    assert "vertical frame" in v["scenes"][0]["prompt"]
    assert board("a square 12-second teaser of a sneaker, 3 scenes")["aspect"] == "1:1"
    five = board("a one-minute travel film in 5 scenes")
    assert len(five["scenes"]) == 5 and five["duration_s"] == 60
    zh = parse_idea("生成提示词：a 15 second sushi ad")
    assert zh["duration_s"] == 15 and zh["subject"] == "sushi"


def test_bad_ideas_say_what_to_send() -> None:
    with pytest.raises(ValueError, match="Tell me the idea"):
        parse_idea("generate a detailed video prompt for")
    with pytest.raises(ValueError, match="outside what I can plan"):
        parse_idea("a 90-minute documentary about bees")


def test_refinements_change_only_what_they_should() -> None:
    spec = parse_idea(SEED_PROMPT)
    base = build_storyboard(spec)

    moody, changes = refine_spec(spec, "make it moodier")
    assert changes and moody["moods"][-1] == "moody"
    mb = build_storyboard(moody)
    for a, b in zip(base["scenes"], mb["scenes"], strict=False):
        assert a["shot"] == b["shot"] and a["subject"] == b["subject"]
        assert a["start_ms"] == b["start_ms"]
    pairs = zip(base["scenes"], mb["scenes"], strict=True)
    assert all(a["lighting"] != b["lighting"] for a, b in pairs)
    assert base["scenes"][0]["mood"] != mb["scenes"][0]["mood"]

    vert, _ = refine_spec(moody, "now for a vertical video")
    vb = build_storyboard(vert)
    assert (vb["width"], vb["height"]) == (1080, 1920)
    assert vb["scenes"][0]["mood"] == mb["scenes"][0]["mood"]  # earlier refinement kept
    assert vert["refinements"] == ["make it moodier", "now for a vertical video"]

    plain = parse_idea("a 30-second product showcase")
    cine, changes = refine_spec(plain, "more cinematic")
    assert changes
    assert "anamorphic" in build_storyboard(cine)["scenes"][0]["lens"]
    assert "anamorphic" not in build_storyboard(plain)["scenes"][0]["lens"]

    short, _ = refine_spec(spec, "make it 15 seconds")
    sb = build_storyboard(short)
    assert sb["duration_s"] == 15
    assert sum(s["end_ms"] - s["start_ms"] for s in sb["scenes"]) == 15000

    wallet, changes = refine_spec(spec, "the product is a leather wallet")
    assert "leather wallet" in build_storyboard(wallet)["scenes"][0]["subject"]

    fast, _ = refine_spec(spec, "faster cuts")
    assert len(build_storyboard(fast)["scenes"]) > len(base["scenes"])

    same, changes = refine_spec(spec, "hmm, not sure")
    assert changes == [] and same == spec


def test_markdown_reply() -> None:
    text = render_markdown(board(SEED_PROMPT))
    assert text.startswith("**Storyboard**") and "1. **0–" in text
    single = render_markdown(board("a 6-second shot of rain on a window"))
    assert single.startswith("**Video prompt** (6 s")


@settings(max_examples=200, deadline=None)
@given(
    total_ms=st.integers(min_value=1_000, max_value=600_000),
    n=st.integers(min_value=1, max_value=40),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_split_durations_always_sums_exactly(total_ms: int, n: int, seed: int) -> None:
    n = max(1, min(n, total_ms // 500))  # build_storyboard never asks for sub-0.5 s scenes
    roles = ["establishing", *(["detail"] * max(0, n - 2)), "closing"][:n]
    out = split_durations(total_ms, roles, 3.0, 6.0, random.Random(seed))
    assert len(out) == n and sum(out) == total_ms and all(d > 0 for d in out)
    if n * 3000 <= total_ms - 200 and total_ms + 200 <= n * 6000:  # feasible with rounding slack
        assert all(2_850 <= d <= 6_150 for d in out), out


def test_chinese_ideas() -> None:
    spec = parse_idea("生成提示词：一个30秒的咖啡产品广告，竖屏")
    assert (spec["duration_s"], spec["aspect"], spec["storyboard"]) == (30.0, "9:16", True)
    assert spec["subject"] == "咖啡产品"
    b = build_storyboard(spec)
    assert sum(s["end_ms"] - s["start_ms"] for s in b["scenes"]) == 30_000
    assert "咖啡产品" in b["scenes"][0]["prompt"]
    assert parse_idea("分镜：半分钟的健身视频")["genre"] == "fitness"
