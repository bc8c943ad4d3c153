"""Regressions from a user's review: explicit scene counts and lengths are honoured, and the
subject phrase reads as English (no dangling possessive, no comma-spliced details)."""

from __future__ import annotations

import re

import pytest

from nemo_widgets.engine.meta.prompts import build_storyboard, parse_idea, render_markdown


def board(idea: str) -> dict:
    return build_storyboard(parse_idea(idea))


@pytest.mark.parametrize(
    ("idea", "scenes", "total_s"),
    [
        ("a 30-second storyboard in 4 scenes: a lighthouse keeper's last night", 4, 30),
        ("a 30s storyboard, five scenes: a cat chasing a laser pointer", 5, 30),
        ("half a minute, 3 shots: a barista pouring latte art", 3, 30),
        ("1 minute shot list, 6 shots: a child's first day at school", 6, 60),
        ("storyboard in 4 scenes for a 45 second real estate tour of a loft", 4, 45),
        ("分4个镜头：一个咖啡店的早晨，30秒", 4, 30),
        ("4个场景：城市夜景，一分钟", 4, 60),
        ("分镜，三个镜头：雨中的街道，20秒", 3, 20),
    ],
)
def test_explicit_scene_count_and_length_are_the_plan(idea: str, scenes: int, total_s: int) -> None:
    b = board(idea)
    assert len(b["scenes"]) == scenes, [s["role"] for s in b["scenes"]]
    assert b["duration_s"] == total_s
    lengths = [s["end_ms"] - s["start_ms"] for s in b["scenes"]]
    assert sum(lengths) == total_s * 1000 and b["scenes"][-1]["end_ms"] == total_s * 1000
    # Sensible lengths: none a sliver, none hogging the piece.
    assert all(0.5 * total_s * 1000 / scenes <= d <= 1.6 * total_s * 1000 / scenes for d in lengths)
    unit = "秒；" if b["language"] == "zh" else " s;"
    for s in b["scenes"]:
        assert f"{(s['end_ms'] - s['start_ms']) / 1000:g}{unit}" in s["prompt"]
    head = (
        f"**分镜脚本**：{scenes}个镜头，{total_s}秒"
        if b["language"] == "zh"
        else f"**Storyboard**: {scenes} scenes, {total_s} s"
    )
    assert render_markdown(b).startswith(head)


def test_storyboard_words_without_a_count_still_give_a_storyboard() -> None:
    for idea in ("a storyboard for a startup's launch video", "a shot list for a bakery promo"):
        assert len(board(idea)["scenes"]) > 1, idea
    # "drone shot" is not "one shot" and "a highlight reel" is not a vertical Reel.
    assert parse_idea("a drone shot over the city at sunset")["scene_count"] is None
    assert board("a wedding highlight reel")["aspect"] == "16:9"
    assert board("a man in shorts jogging")["aspect"] == "16:9"
    assert board("a 20-second clip for instagram reels")["aspect"] == "9:16"


IDEAS = {
    "a lighthouse keeper's last night": "lighthouse keeper on their last night",
    "a 30-second storyboard in 4 scenes: a lighthouse keeper's last night": (
        "lighthouse keeper on their last night"
    ),
    "a cat chasing a laser pointer": "cat chasing a laser pointer",
    "a baker's morning routine": "baker during their morning routine",
    "an old man's hands repairing a watch": "old man's hands repairing a watch",
    "4 shots of a barista's latte art": "barista's latte art",
    "a teenager's bedroom at midnight": "teenager's bedroom",
    "a travel vlog of Japan's cherry blossoms": "Japan's cherry blossoms",
    "a product showcase for my brand's new water bottle": "my brand's new water bottle",
    "a 30-second ad for a dog's favourite toy": "dog's favourite toy",
    "a girl's birthday party in the garden": "girl at their birthday party",
    "a 15-second recipe video for lemon pasta": "lemon pasta",
    "a 45-second real estate tour of a loft apartment": "loft apartment",
    "a 20-second fitness ad for a running shoe": "running shoe",
    "a skateboarder doing a kickflip in slow motion": "skateboarder doing a kickflip",
    "a street food vendor making tacos in Mexico City": "street food vendor making tacos",
    "一个咖啡店的早晨": "咖啡店的早晨",
}


@pytest.mark.parametrize("idea", sorted(IDEAS))
def test_subject_phrase_is_intact_and_grammatical(idea: str) -> None:
    b = board(idea)
    phrase = IDEAS[idea]
    for s in b["scenes"]:
        p = s["prompt"]
        assert phrase.lower() in p.lower(), (phrase, p)
        assert not re.search(r"'s[,.;:]", p), p  # no dangling possessive
        assert not re.search(r"'s\s+(?:is|are|holds|sits|turns)\b", p), p
        # The subject is followed by its verb, never by ", <detail>" (the old splice).
        stop = "。" if b["language"] == "zh" else ". "
        subject_sentence = p.split(stop, 2)[1]  # after "<shot> on <lens>, <move>."
        assert phrase.lower() in subject_sentence.lower(), p
        assert not re.search(re.escape(phrase) + r"\s*,", subject_sentence, re.IGNORECASE), p
        assert "small telling details in sharp focus holds" not in p.lower()
        assert not re.search(r"\ba (?:8|11|18)\d*mm", p), p  # "an 85mm lens", never "a 85mm"
        assert not re.search(r"\b(?:a|an|the) (?:a|an|the)\b", p, re.IGNORECASE), p
        assert "  " not in p and " ." not in p and " ," not in p
    assert phrase.lower() in b["prompt"].lower()


def test_no_detail_is_comma_spliced_onto_the_subject() -> None:
    for idea in IDEAS:
        b = board(idea)
        space, stop = ("", "。") if b["language"] == "zh" else (" ", ".")
        for s in b["scenes"]:
            subj = s["subject"][:1].upper() + s["subject"][1:]
            assert f"{subj}{space}{s['action']}{stop}" in s["prompt"], (subj, s["prompt"])
            if s["details"]:
                assert f"{s['details'][:1].upper()}{s['details'][1:]}{stop}" in s["prompt"]


def test_plural_subjects_take_plural_verbs() -> None:
    hands = board("an old man's hands repairing a watch")["scenes"][0]
    assert re.match(r"(are|hold|catch|fill|turn)\b", hands["action"]), hands["action"]
    fox = board("a 10-second shot of a fox in snow")["scenes"][0]
    assert not fox["action"].startswith("are ")


def test_same_idea_same_prompt_different_ideas_differ() -> None:
    prompts = [board(i)["prompt"] for i in IDEAS]
    assert prompts == [board(i)["prompt"] for i in IDEAS]
    assert len(set(prompts)) == len(prompts)


def test_people_objects_and_activities_get_fitting_pronouns_and_phrases() -> None:
    woman = board("a 20-second fitness ad with a woman boxing at sunrise")
    assert all(" its " not in s["prompt"] for s in woman["scenes"])
    sneaker = board("a sneaker unboxing for tiktok")["scenes"][0]["prompt"]
    assert " their " not in sneaker and "The sneaker " in sneaker  # an "-er" word, not a person
    assert "A person doing yoga " in board("a 25 second yoga video on a beach")["prompt"]
    solar = board("an explainer about how solar panels work")["prompt"]
    assert "showing how solar panels work" in solar and "The how" not in solar


@pytest.mark.parametrize(
    "message",
    [
        "a 30-second storyboard in 4 scenes: a lighthouse keeper's last night",
        "five scenes: a cat chasing a laser pointer",
        "a lighthouse keeper's last night, 4 shots",
        "4个场景：城市夜景",
        "分4个镜头：一个咖啡店的早晨，30秒",
    ],
)
def test_scene_requests_reach_the_prompt_skill(message: str) -> None:
    from nemo_widgets.engine.agent import read_message

    reading = read_message(message, skill="video-prompt-generation")
    assert [type(s.command).__name__ for s in reading.steps] == ["GeneratePrompt"]
