"""Caption chat intents in process (a Turn with a list as its stream) and through the engine."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest
from agent_kit import rows
from captions_speech import JFK

from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent import AgentError, Media, Turn, caption_languages, read_message
from nemo_widgets.engine.agent import captions as cap_agent
from nemo_widgets.engine.agent.runner import answer
from nemo_widgets.engine.captions import translate

pytestmark = pytest.mark.slow
FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


def jfk_clip(directory: Path, name: str = "jfk talk.mp4", size: str = "320x240") -> Path:
    """A video of the JFK speech: a plain colour picture and the real audio."""
    out = directory / name
    cmd = [FFMPEG, "-y", "-loglevel", "error", "-f", "lavfi", "-i", f"color=c=navy:s={size}:r=25"]
    cmd += ["-i", str(JFK), "-shortest", "-c:v", "libx264", "-preset", "ultrafast"]
    cmd += ["-pix_fmt", "yuv420p", "-c:a", "aac", str(out)]
    subprocess.run(cmd, check=True, timeout=120)
    return out


@pytest.fixture(scope="module")
def clip(tmp_path_factory) -> Path:
    return jfk_clip(tmp_path_factory.mktemp("jfk"))


def make_turn(message: str, clip: Path, state: dict | None = None) -> tuple[Turn, list]:
    events: list = []

    async def emit(ev):
        events.append(ev)

    url = "http://engine/media/uploads/jfk.mp4"
    state = state or {
        "draft": {
            "t": [{"tt": 0, "k": "video", "sg": [{"st": 0, "et": 11000, "so": 0, "src": url}]}]
        }
    }
    media = [Media(url, clip, clip.name, "video", 11.0, 320, 240, 25.0, has_audio=True)]
    turn = Turn("sid", message, emit, state, media, skill="ai-auto-caption", history=tl.History())
    return turn, events


def texts(events: list) -> str:
    return "\n".join(
        p["text"] for e in events for p in e.get("content", {}).get("parts", []) if "text" in p
    )


async def run(message: str, clip: Path, state: dict | None = None) -> tuple[Turn, list]:
    turn, events = make_turn(message, clip, state)
    reading = read_message(message, turn.state, turn.media, skill="ai-auto-caption")
    assert reading.steps, message
    await turn.say((await answer(turn, reading)).text)
    return turn, events


CAPTIONS_STATE = {
    "draft": {"t": [{"tt": 0, "k": "video", "sg": [{"st": 0, "et": 11000, "so": 0}]}]},
    "captions": {"en": {"language": "en", "cues": [], "words": []}},
}


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("generate accurate captions in English and Spanish for this video", "AddCaptions"),
        ("add captions in English and Spanish automatically", "AddCaptions"),
        ("burn in subtitles", "AddCaptions"),
        ("add captions to my TikTok video", "AddCaptions"),
        ("添加字幕", "AddCaptions"),
        ("use this script: and so my fellow americans", "CaptionScript"),
        ("make the captions yellow and bigger", "StyleCaptions"),
        ("use karaoke style", "StyleCaptions"),
        ("move them to the top", "StyleCaptions"),
        ("use the vertical preset", "CaptionPreset"),
        ("max 32 characters per line", "CaptionPreset"),
        ("hide the subtitles", "HideCaptions"),
        ("remove the captions", "HideCaptions"),
        ("show the Spanish captions", "ShowCaptions"),
        # what `nemo-widgets caption --preset/--style` sends
        ("use the subtitle-edit preset for the captions", "CaptionPreset"),
        ("make the captions vertical style", "StyleCaptions"),
        ("make the captions boxed style", "StyleCaptions"),
    ],
)
def test_routing(message: str, name: str) -> None:
    reading = read_message(message, CAPTIONS_STATE, skill="ai-subtitles-for-video")
    assert [type(s.command).__name__ for s in reading.steps] == [name]


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("make the captions yellow and bigger", {"color": "#FFD60A", "size": 68}),
        ("move them to the top", {"pos": "top-center"}),
        ("use karaoke style with a red highlight", {"preset": "karaoke", "hl": "#FF3B30"}),
        ("make the captions boxed style", {"preset": "boxed", "box": "#000000A6"}),
        ("make the captions vertical style", {"preset": "vertical"}),
        ("set the caption font size to 40", {"size": 40}),
    ],
)
def test_style_changes(message: str, expected: dict) -> None:
    assert cap_agent.style_changes(message, {"preset": "plain"}) == expected


def test_preset_changes() -> None:
    assert cap_agent.preset_changes("use the BBC rules") == ("bbc", {})
    assert cap_agent.preset_changes("max 32 characters per line, two lines") == (
        None,
        {"max_chars": 32, "max_lines": 2},
    )
    assert cap_agent.preset_changes("use the vertical preset, 3 words per cue")[1] == {
        "max_words": 3
    }


def test_other_skills_requests_are_not_taken() -> None:
    for message in (
        "write a YouTube description from the transcript",
        "add a title Hello",
        "write an Instagram caption for this video",
        "generate a TikTok caption with hashtags",
    ):
        assert not any(n.startswith("captions") for n in rows(message)), message


def tool_calls(events: list) -> list[str]:
    return [
        p["functionCall"]["name"]
        for e in events
        for p in e.get("content", {}).get("parts", [])
        if "functionCall" in p
    ]


class TinyProvider:
    """An in-test provider through the public interface (upper-cases; clearly not Spanish)."""

    name = "tiny-test-provider"

    def pairs(self):
        return {("en", "es")}

    def translate(self, texts, source, target):
        return [t.upper() for t in texts]


async def test_english_and_spanish_without_and_with_a_provider(clip: Path, monkeypatch) -> None:
    # no text translator at all (argostranslate is not installed here; Apertium set aside)
    monkeypatch.setattr(translate, "_PROVIDERS", [translate.ArgosProvider()])
    assert translate.provider_for("en", "es") is None
    monkeypatch.setattr("nemo_widgets.engine.agent.base.HEARTBEAT_S", 0.05)
    turn, events = await run("add captions in English and Spanish", clip)
    assert tool_calls(events) == ["transcribe_audio", "translate_captions"]
    assert any(e.get("type") == "heartbeat" for e in events)  # streamed while recognising
    reply = texts(events)
    assert "Added English captions" in reply and "tiny.en" in reply
    assert "Spanish captions were not made" in reply and "nothing was charged" in reply
    assert "NemoVideo cloud" in reply  # what would do it, online or elsewhere
    assert 'pip install "nemo-widgets[translate]"' in reply
    assert "argospm install translate-en_es" in reply
    assert "apt install apertium-eng-spa" in reply
    caps = turn.state["captions"]
    assert set(caps) == {"en"} and caps["en"]["model"] == "tiny.en"
    tracks = [t for t in turn.draft["t"] if t.get("k") == "caption"]
    assert len(tracks) == 1 and tracks[0]["tt"] == 7 and tracks[0]["n"] == "Captions (en)"
    seg = tracks[0]["sg"][0]
    assert seg["st"] < 1000 and seg["w"] and isinstance(seg["w"][0]["st"], int)
    words = " ".join(w["w"] for t in tracks for s in t["sg"] for w in s["w"]).lower()
    assert "fellow americans" in words and "country" in words

    provider = TinyProvider()
    translate.register_provider(provider)
    try:
        turn, events = await run("add captions in English and Spanish", clip, turn.state)
    finally:
        translate.unregister_provider(provider)
    assert "Spanish captions translated offline with tiny-test-provider" in texts(events)
    tracks = {t["lang"]: t for t in turn.draft["t"] if t.get("k") == "caption"}
    assert set(tracks) == {"en", "es"}
    assert not tracks["en"].get("hid") and tracks["es"]["hid"] is True
    assert "COUNTRY" in " ".join(s["txt"] for s in tracks["es"]["sg"])
    assert tool_calls(events) == ["translate_captions"]  # the recognition was reused

    # style and preset edits work on the same state
    state = turn.state
    turn, events = await run("make the captions yellow and bigger", clip, state)
    sty = next(t for t in turn.draft["t"] if t.get("lang") == "en")["sty"]
    assert sty["color"] == "#FFD60A" and sty["size"] > 54
    turn, events = await run("use the vertical preset", clip, state)
    cues = state["captions"]["en"]["cues"]
    assert all(len(c["words"]) <= 4 for c in cues) and "vertical" in texts(events)
    turn, events = await run("hide the subtitles", clip, state)
    assert all(t.get("hid") for t in turn.draft["t"] if t.get("k") == "caption")
    turn, events = await run("max 20 characters per line", clip, state)
    assert all(t.get("hid") for t in turn.draft["t"] if t.get("k") == "caption")  # still hidden
    assert all(
        len(line) <= 20
        for c in state["captions"]["en"]["cues"]
        for line in c["text"].split("\n")
        if " " in line
    )


async def test_script_alignment_by_chat_and_clear_errors(clip: Path, tmp_path: Path) -> None:
    script = "And so, my fellow Americans: ask not what your country can do for you — ask "
    script += "what you can do for your country."
    turn, events = await run(f"use this script: {script}", clip)
    assert "aligned your script" in texts(events)
    got = [w["w"] for w in turn.state["captions"]["en"]["words"]]
    assert got == [t for t in script.split() if t != "—"]
    with pytest.raises(AgentError, match="Upload a video first"):
        t, _ = make_turn("add captions", clip)
        t.media = []
        await cap_agent.apply_captions(cap_agent.AddCaptions(), t)
    with pytest.raises(AgentError, match="no captions yet"):
        await run("use karaoke style", clip)


async def test_no_speech_and_no_audio_are_clear(make_clip, tmp_path: Path) -> None:
    tone = make_clip(tmp_path, seconds=2.0)  # a sine tone: sound, but no speech
    with pytest.raises(AgentError, match="no speech"):
        await run("add captions", tone)
    silent = make_clip(tmp_path, seconds=1.0, audio=False, name="mute.mp4")
    turn, _ = make_turn("add captions", silent)
    turn.media[0].has_audio = False
    with pytest.raises(AgentError, match="no audio track"):
        await cap_agent.apply_captions(cap_agent.AddCaptions(), turn)
    from nemo_widgets.engine.captions.recognize import RecognitionError, transcribe

    with pytest.raises(RecognitionError, match="could not read the audio"):
        transcribe(silent)


def test_caption_answers_are_never_silent() -> None:
    from nemo_widgets.engine.agent.runner import is_silent

    for message in ("add captions", "add captions in English and Spanish", "添加字幕"):
        reading = read_message(message, skill="ai-auto-caption")
        assert reading.steps and not is_silent(message, reading, "auto")


async def test_unknown_language_is_refused_before_any_work(clip: Path) -> None:
    # Klingon is no language at all: refused before anything is recognised
    for message, name in (
        ("subtitles in Klingon please", "Klingon"),
        ("subtítulos en klingon", "klingon"),
        ("add Elvish subtitles", "Elvish"),
    ):
        turn, events = make_turn(message, clip)
        with pytest.raises(AgentError, match=rf"can't make {name} captions"):
            await run(message, clip, turn.state)
        assert "captions" not in turn.state  # nothing recognised or written
    turn, events = make_turn("add captions, the speech is in Klingon", clip)
    reading = read_message(turn.message, turn.state, turn.media, skill="ai-auto-caption")
    with pytest.raises(AgentError, match="not a language"):
        await answer(turn, reading)
    assert "captions" not in turn.state and not tool_calls(events)


async def test_languages_no_model_or_translator_here_can_make_are_refused_uncharged(
    clip: Path, monkeypatch
) -> None:
    # Swahili, Vietnamese and Chinese are languages the multilingual model recognises; the
    # JFK clip is English speech and nothing here translates English into them: said after
    # the recognition, nothing kept
    monkeypatch.setattr(translate, "_PROVIDERS", [translate.ArgosProvider()])
    for message, name in (
        ("add captions in Swahili", "Swahili"),
        ("add Vietnamese subtitles", "Vietnamese"),
        ("添加中文字幕", "Chinese"),
    ):
        turn, events = make_turn(message, clip)
        reading = read_message(message, turn.state, turn.media, skill="ai-auto-caption")
        with pytest.raises(AgentError, match=rf"{name} captions were not made") as err:
            await answer(turn, reading)
        assert "nothing was charged" in str(err.value) and "The speech is in English" in str(
            err.value
        )
        assert "captions" not in turn.state
    # with only an English model, the same requests are refused before any work
    monkeypatch.setattr(
        "nemo_widgets.engine.captions.recognize.supported_languages", lambda: frozenset({"en"})
    )
    for message, name in (("add captions in Swahili", "Swahili"), ("添加中文字幕", "Chinese")):
        turn, events = make_turn(message, clip)
        with pytest.raises(AgentError, match=rf"can't make {name} captions"):
            await run(message, clip, turn.state)
        assert "captions" not in turn.state and not tool_calls(events)
    turn, events = make_turn("add captions, the speech is in Spanish", clip)
    reading = read_message(turn.message, turn.state, turn.media, skill="ai-auto-caption")
    with pytest.raises(AgentError, match="can't recognise Spanish speech") as err:
        await answer(turn, reading)
    assert "charged nothing" in str(err.value) and not tool_calls(events)
    # style words shaped like language names are not languages
    for message in ("add captions in italic", "add automatic captions", "add captions in bold"):
        assert caption_languages.unknown_language(message) is None, message


async def test_bilingual_captions_are_shown_together_and_stay_so(clip: Path, monkeypatch) -> None:
    from nemo_widgets.engine import textburn

    monkeypatch.setattr(translate, "_PROVIDERS", [TinyProvider()])
    turn, events = await run("add captions in English and Spanish and show both", clip)
    assert "Both English and Spanish captions are shown" in texts(events)

    def tracks(t):
        return [x for x in t.draft["t"] if x.get("k") == "caption"]

    assert [(x["lang"], bool(x.get("hid"))) for x in tracks(turn)] == [("en", False), ("es", False)]
    es = tracks(turn)[1]
    assert es["sty"]["color"] == es["sg"][0]["sty"]["color"] == "#FFE08A"  # styled apart
    doc = textburn.build_ass(turn.draft, 1280, 720)
    low = {ev.text: ev.marginv for ev in doc.events if ev.start < 1500}
    assert max(v for k, v in low.items() if k.isupper()) > min(low.values())  # es above en
    state = turn.state
    turn, _ = await run("use the bbc preset", clip, state)  # new cues, still bilingual
    assert [bool(x.get("hid")) for x in tracks(turn)] == [False, False]
    assert tracks(turn)[1]["sty"]["color"] == "#FFE08A"
    turn, _ = await run("show the Spanish captions", clip, state)  # one language again
    assert [(x["lang"], bool(x.get("hid"))) for x in tracks(turn)] == [("en", True), ("es", False)]
    assert tracks(turn)[1]["sty"].get("color") != "#FFE08A"
    turn, events = await run("show both", clip, state)
    assert "together" in texts(events) and not any(x.get("hid") for x in tracks(turn))


async def test_named_languages_reach_the_recognizer_as_the_detection_hint(
    clip: Path, monkeypatch
) -> None:
    from nemo_widgets.engine.captions import pipeline

    calls: list[dict] = []
    real = pipeline.transcribe

    def spy(path, **kwargs):
        calls.append(kwargs)
        return real(path, **kwargs)

    monkeypatch.setattr(pipeline, "transcribe", spy)
    monkeypatch.setattr(translate, "_PROVIDERS", [TinyProvider()])
    turn, _ = await run("add Spanish and English captions", clip)
    assert calls[0]["expected"] == ("es", "en") and calls[0]["language"] is None
    assert set(turn.state["captions"]) == {"en", "es"}  # English speech: detected so
    calls.clear()
    turn, _ = await run("add captions; the speech is in English", clip)
    assert calls[0]["language"] == "en"
