"""Skill profiles, platform detection, intent routing and GUI-talk translation."""

from __future__ import annotations

import pytest

from nemo_widgets.api.intents import route, translate_gui
from nemo_widgets.api.skills import SEED_SKILLS, available_skills, detect_platform, load_skill


def test_six_profiles_load():
    assert set(available_skills()) == {*SEED_SKILLS, "nemo-video"}
    for name in available_skills():
        p = load_skill(name)
        assert p.name == name and p.version and p.title and p.description
        assert len(p.try_saying) >= 3 and p.tips
    assert "export 1080p MP4" in load_skill("caption-generator-jobs").try_saying
    with pytest.raises(ValueError, match="ai-auto-caption"):
        load_skill("nope")


def test_headers_are_read_without_yaml_exactly_as_yaml_reads_them():
    import subprocess
    import sys

    import yaml

    from nemo_widgets.api.skills import header_fields

    for name in available_skills():
        raw = yaml.safe_load(load_skill(name).source)
        assert header_fields(load_skill(name).source) == {
            "name": raw["name"],
            "version": raw["version"],
        }
    # anything but a plain string scalar is left to YAML (which reads 1.10 as 1.1, no as False)
    for text in ("name: a\nversion: 1.10\n", "name: no\nversion: '1'\n", "name: a\n"):
        assert header_fields(text) == {}
    assert header_fields("name: 'a b'\nversion: \"2.0\"\n") == {"name": "a b", "version": "2.0"}
    # the headers need no YAML parser; the details load it when first read
    code = (
        "import sys; from nemo_widgets.api.skills import load_skill; p = load_skill(); "
        "p.headers(); a = 'yaml' in sys.modules; p.title; print(a, 'yaml' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_platform_detection(monkeypatch):
    monkeypatch.delenv("SKILL_SOURCE", raising=False)
    assert detect_platform("/home/u/.clawhub/skills/x/nemo_widgets") == "clawhub"
    assert detect_platform("/home/u/.cursor/skills/x") == "cursor"
    assert detect_platform("/usr/lib/python3/site-packages") == "unknown"
    monkeypatch.setenv("SKILL_SOURCE", "custom")
    assert detect_platform("/home/u/.clawhub/x") == "custom"
    assert load_skill("video-meta-ai").headers() == {
        "X-Skill-Source": "video-meta-ai",
        "X-Skill-Version": "1.0",
        "X-Skill-Platform": "custom",
    }


@pytest.mark.parametrize(
    ("message", "intent"),
    [
        ("export 1080p MP4", "export"),
        ("export", "export"),
        ("导出", "export"),
        ("download", "export"),
        ("send me the video", "export"),
        ("credits", "credits"),
        ("how many credits do I have?", "credits"),
        ("积分", "credits"),
        ("balance", "credits"),
        ("余额", "credits"),
        ("status", "status"),
        ("状态", "status"),
        ("show tracks", "status"),
        ("upload", "upload"),
        ("上传", "upload"),
        ("add captions in English and export", "chat"),
        ("generate titles, descriptions, and tags for my YouTube video", "chat"),
        ("add a title 'Hello' for 3 seconds", "chat"),
        ("what do statuses mean in the statusbar", "chat"),
        ("exported files look blurry, make it sharper", "chat"),
        ("download the srt", "chat"),
        ("添加字幕然后导出", "chat"),
        ("", "chat"),
    ],
)
def test_route(message, intent):
    assert route(message) == intent


@pytest.mark.parametrize(
    ("text", "needle", "actions"),
    [
        ("Done! Click Export to download.", "Run `s.export()` (or press Export)", {"export"}),
        (
            "Preview it in the timeline or click Export.",
            "or run `s.export()`",
            {"export", "timeline"},
        ),
        ("Use the Export button.", "`s.export()`", {"export"}),
        ("Preview it in the timeline.", "`s.timeline()`", {"timeline"}),
        ("Open the captions panel to edit.", "`s.state()`", {"state"}),
        ("Drag and drop the clip here.", "`s.chat(...)`", set()),
        ("完成！点击导出按钮下载。", "`s.export()`", {"export"}),
        ("打开字幕面板查看。", "`s.state()`", {"state"}),
        ("拖拽片段到时间线。", "`s.chat(...)`", set()),
        ("在时间线中预览效果。", "`s.timeline()`", {"timeline"}),
        ("Captions added in English.", "Captions added in English.", set()),
    ],
)
def test_translate_gui(text, needle, actions):
    out = translate_gui(text)
    assert needle in out.text and out.actions == actions
    assert not any(w in out.text.lower() for w in ("click export", "drag and drop"))
    again = translate_gui(out.text)  # idempotent: the widget may translate again
    assert again.text == out.text
