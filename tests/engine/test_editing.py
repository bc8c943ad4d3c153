"""The editing rows: message -> draft change, for every row, English, Chinese and Spanish."""

from __future__ import annotations

from typing import Any

import pytest
from agent_kit import Chat as _Chat
from agent_kit import reads, rows, upload

from nemo_widgets import schema
from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent import edit_words, editing, runner, sound, titles
from nemo_widgets.engine.agent.base import AgentError, Media
from nemo_widgets.engine.agent.reader import normalize, percent, read_times, text_style, time_ms

VIDEO = upload(
    "city.mp4",
    "video",
    duration_s=10.0,
    width=1920,
    height=1080,
    fps=30.0,
    has_audio=True,
)
SONG = upload("lofi.mp3", "audio", duration_s=30.0, has_audio=True)
EDITING = {r.name for m in (titles, editing, sound) for r in m.ROWS}


def video_draft(ms: int = 10_000) -> dict[str, Any]:
    if ms == 10_000:
        return tl.place_first_clip(tl.Draft(), [VIDEO]).to_dict()
    raw = {
        "m": {"width": 1920, "height": 1080, "fps": 30, "title": "city"},
        "t": [
            {
                "id": "trk_v1",
                "tt": 0,
                "k": "video",
                "sg": [{"id": "s1", "st": 0, "et": ms, "so": 0, "src": VIDEO.cdn_url}],
            }
        ],
    }
    return tl.finalize(tl.Draft.from_dict(raw)).to_dict()


class Chat(_Chat):
    """A session holding the 10 s city clip (unless told otherwise)."""

    def __init__(self, draft: dict | None = None, media: list[Media] | None = None) -> None:
        super().__init__(
            draft if draft is not None else video_draft(), [VIDEO] if media is None else media
        )


def busy_state() -> dict:
    """A draft with footage, a title and music: what "it" and "the music" can mean."""
    d = tl.place_first_clip(tl.Draft(), [VIDEO])
    d = tl.add_title(d, "Urban Dreams")
    d = tl.add_music(d, SONG)
    return {"draft": d.to_dict()}


def route(message: str) -> str | None:
    names = rows(message, busy_state(), [VIDEO, SONG])
    mine = [n for n in names if n in EDITING]
    return mine[0] if mine and len(names) == 1 else None


def track(draft: dict, kind: str) -> dict:
    return next(t for t in draft["t"] if t.get("k") == kind)


def consistent(draft: dict) -> None:
    ends = [s["et"] for t in draft["t"] for s in t["sg"]]
    assert draft["d"] == max(ends)
    assert {"width", "height", "ratio", "fps", "title"} <= set(draft["m"])
    for t in draft["t"]:
        for s in t["sg"]:
            assert 0 <= s["st"] < s["et"] <= draft["d"]


# ------------------------------------------------------------------------------------ routing
@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("add a title 'Urban Dreams' for 3 seconds at the top", "titles"),
        ("Add a text overlay “Hello” in the center", "titles"),
        ("添加标题“城市之梦”，持续3秒", "titles"),
        ("put a title saying Welcome at the bottom", "titles"),
        ("make the title yellow and bigger", "titles"),
        ("move it to the top", "titles"),
        ("change the title to 'Night City'", "titles"),
        ("把标题改成黄色", "titles"),
        ("trim to the first 10 seconds", "trim"),
        ("cut from 0:05 to 0:08", "trim"),
        ("remove the first 2 seconds", "trim"),
        ("剪掉前两秒", "trim"),
        ("只保留前5秒", "trim"),
        ("make it 9:16", "ratio"),
        ("make it vertical for TikTok", "ratio"),
        ("square please", "ratio"),
        ("改成竖屏", "ratio"),
        ("add background music at 30% with a 2 second fade out", "sound"),
        ("添加背景音乐，音量30%，淡出2秒", "sound"),
        ("mute the original audio", "sound"),
        ("静音原声", "sound"),
        ("set the music volume to 20%", "sound"),
        ("make the music quieter", "sound"),
        ("remove the title", "titles"),
        ("删除标题", "titles"),
        ("remove the music", "sound"),
    ],
)
def test_routing(message: str, name: str) -> None:
    assert route(message) == name


@pytest.mark.parametrize(
    "message",
    [
        "add captions",
        "generate subtitles in Spanish",
        "write a title and description for YouTube",
        "suggest some titles",
        "hello",
        "export",
    ],
)
def test_not_mine(message: str) -> None:
    assert not EDITING & set(rows(message, busy_state(), [VIDEO, SONG]))


# ------------------------------------------------------------------------------------ parsing
def test_parse_times() -> None:
    assert time_ms("0:05") == 5000
    assert time_ms("1:02:03.5") == 3_723_500
    assert time_ms("2.5 seconds") == 2500
    assert time_ms("1 min") == 60_000
    assert time_ms("5秒") == 5000
    assert time_ms("1m30s") == 90_000
    assert read_times("cut from 0:05 to 0:08").range == (5000, 8000)
    assert read_times("remove 5-8s").range == (5000, 8000)
    assert read_times("从5秒到8秒").range == (5000, 8000)
    assert read_times("between 2 and 4 seconds").range == (2000, 4000)
    assert read_times("make it 9:16").range is None


def test_parse_words_and_chinese_numbers() -> None:
    assert normalize("前两秒", "zh") == "前2秒"
    assert normalize("二十五秒", "zh") == "25秒"
    assert read_times(normalize("for three seconds", "en")).length == 3000
    assert percent(normalize("volume 30 percent", "en")) == pytest.approx(0.3)
    assert percent(normalize("音量百分之20", "zh")) == pytest.approx(0.2)
    assert edit_words.fades(normalize("with a 2 second fade out", "en")) == (0, 2000)
    assert edit_words.fades("fade in over 1.5s and fade out 3 seconds") == (1500, 3000)
    assert edit_words.fades(normalize("淡入1秒，淡出2秒", "zh")) == (1000, 2000)


@pytest.mark.parametrize(
    ("message", "text"),
    [
        ("add a title 'Urban Dreams' for 3 seconds", "Urban Dreams"),
        ("add a title “Urban Dreams” at the top", "Urban Dreams"),
        ('add a title "Don\'t Stop" now', "Don't Stop"),
        ("add a title 'Don't Stop' now", "Don't Stop"),
        ("添加标题「城市之梦」", "城市之梦"),
        ("add a title Urban Dreams for 3 seconds", "Urban Dreams"),
        ("add a title at the top saying Hello World", "Hello World"),
    ],
)
def test_title_text(message: str, text: str) -> None:
    (command,) = reads(message, {"draft": video_draft()}, [VIDEO])
    assert command.text == text


def test_parse_style() -> None:
    from nemo_widgets.engine.agent.reader import sized

    sty = sized(text_style("make it yellow and bigger with a black box"), 60)
    assert sty == {"color": "#FFD60A", "size": 78, "box": "#000000B3"}
    assert text_style("move it to the bottom left")["pos"] == "bottom-left"
    assert text_style("标题改成红色，放在顶部，加粗") == {
        "color": "#FF3B30",
        "pos": "top-center",
        "bold": True,
    }
    assert text_style("size 90 px")["size"] == 90


# ------------------------------------------------------------------------------------ titles
async def test_add_title() -> None:
    chat = Chat()
    await chat.send("add a title 'Urban Dreams' for 3 seconds at the top")
    seg = track(chat.draft, "title")["sg"][0]
    assert (seg["txt"], seg["st"], seg["et"]) == ("Urban Dreams", 0, 3000)
    assert seg["sty"]["pos"] == "top-center"
    assert chat.draft["m"]["title"] == "Urban Dreams"
    assert len(chat.history.undo) == 1  # one undo step
    call = chat.tool_calls()[0]
    assert call["name"] == "edit_multitrack" and call["args"]["action"] == "add_text"
    assert "Urban Dreams" in chat.texts()[-1] and "Export" in chat.texts()[-1]
    consistent(chat.draft)


async def test_add_title_with_range_color_and_chinese() -> None:
    chat = Chat()
    await chat.send("add a yellow title 'Night' from 0:02 to 0:05 at the bottom with a fade in")
    seg = track(chat.draft, "title")["sg"][0]
    assert (seg["st"], seg["et"]) == (2000, 5000)
    assert seg["sty"]["color"] == "#FFD60A" and seg["sty"]["pos"] == "bottom-center"
    assert seg["sty"]["anim"] == "fade-in"
    await chat.send("添加标题“城市之梦”，持续5秒，放在底部")
    seg = next(s for s in track(chat.draft, "title")["sg"] if s["txt"] != "Night")
    assert (seg["txt"], seg["st"], seg["et"]) == ("城市之梦", 0, 5000)
    assert seg["sty"]["pos"] == "bottom-center"
    consistent(chat.draft)


async def test_add_title_at_end_and_clipped_to_video() -> None:
    chat = Chat()
    await chat.send("add a title 'The End' for 4 seconds at the end")
    seg = track(chat.draft, "title")["sg"][0]
    assert (seg["st"], seg["et"]) == (6000, 10_000)
    await chat.send("add a title 'Long' at 8s for 10 seconds")
    seg = next(s for s in track(chat.draft, "title")["sg"] if s["txt"] == "Long")
    assert (seg["st"], seg["et"]) == (8000, 10_000)
    assert chat.draft["d"] == 10_000


async def test_a_title_at_the_same_place_and_time_is_said_to_be_stacked() -> None:
    chat = Chat()
    await chat.send("add a title 'Welcome' at the top for the first 3 seconds")
    assert "stacked" not in chat.texts()[-1]
    await chat.send("add a title 'Hello' at the top from 2s to 5s")
    assert "same time and place as “Welcome”" in chat.texts()[-1]
    await chat.send("add a title 'Later' at the top from 6s to 8s")  # no overlap in time
    await chat.send("add a title 'Low' at the bottom for the first 3 seconds")  # other place
    assert all("stacked" not in t for t in chat.texts()[-2:])


async def test_add_title_refusals() -> None:
    chat = Chat()
    with pytest.raises(AgentError, match="What should the title say"):
        await chat.send("add a title")
    with pytest.raises(AgentError, match="only 10 s long"):
        await chat.send("add a title 'Late' at 0:30")
    assert chat.history.undo == [] and "t" in chat.draft and len(chat.draft["t"]) == 1


async def test_style_text() -> None:
    chat = Chat()
    await chat.send("add a title 'Urban Dreams' for 3 seconds")
    await chat.send("make the title yellow and bigger")
    sty = track(chat.draft, "title")["sg"][0]["sty"]
    assert sty["color"] == "#FFD60A" and sty["size"] == round(72 * 1.3)
    await chat.send("move it to the bottom")
    assert track(chat.draft, "title")["sg"][0]["sty"]["pos"] == "bottom-center"
    await chat.send("把标题改成红色")
    assert track(chat.draft, "title")["sg"][0]["sty"]["color"] == "#FF3B30"
    await chat.send("change the title to 'Night City'")
    assert track(chat.draft, "title")["sg"][0]["txt"] == "Night City"
    await chat.send("make the title last 5 seconds")
    assert track(chat.draft, "title")["sg"][0]["et"] == 5000
    await chat.send("give the title a black box")
    assert track(chat.draft, "title")["sg"][0]["sty"]["box"] == "#000000B3"
    await chat.send("remove the box from the title")
    assert "box" not in track(chat.draft, "title")["sg"][0]["sty"]
    with pytest.raises(AgentError, match="already looks like that"):
        await chat.send("remove the box from the title")  # a no-op is said, not reported done
    assert len(chat.history.undo) == 8
    consistent(chat.draft)


async def test_style_addresses_one_title_by_quote() -> None:
    chat = Chat()
    await chat.send("add a title 'One' for 2 seconds")
    await chat.send("add a title 'Two' from 3s to 5s")
    await chat.send("make 'One' red")
    segs = track(chat.draft, "title")["sg"]
    assert segs[0]["sty"]["color"] == "#FF3B30" and segs[1]["sty"]["color"] == "#FFFFFF"


async def test_style_refusals() -> None:
    chat = Chat()
    with pytest.raises(AgentError, match="no title or text"):
        await chat.send("make the title yellow")
    await chat.send("add a title 'X'")
    with pytest.raises(AgentError, match='no title saying "Nope"'):
        await chat.send("make 'Nope' yellow")


# ------------------------------------------------------------------------------------ trims
async def test_trim_to_first_seconds() -> None:
    chat = Chat(media=[VIDEO, SONG])
    await chat.send("add background music at 30%")
    await chat.send("trim to the first 4 seconds")
    assert chat.draft["d"] == 4000
    v = track(chat.draft, "video")["sg"]
    assert [(s["st"], s["et"], s["so"]) for s in v] == [(0, 4000, 0)]
    assert track(chat.draft, "music")["sg"][0]["et"] == 4000
    consistent(chat.draft)


async def test_cut_range_ripples() -> None:
    chat = Chat()
    await chat.send("add a title 'Hi' from 0:04 to 0:09")
    await chat.send("cut from 0:05 to 0:08")
    assert chat.draft["d"] == 7000
    v = track(chat.draft, "video")["sg"]
    assert [(s["st"], s["et"], s["so"]) for s in v] == [(0, 5000, 0), (5000, 7000, 8000)]
    t = track(chat.draft, "title")["sg"][0]
    assert (t["st"], t["et"]) == (4000, 6000)
    call = chat.tool_calls()[-1]
    assert call["args"] == {"action": "cut", "start_ms": 5000, "end_ms": 8000}
    consistent(chat.draft)


async def test_remove_first_and_last_seconds() -> None:
    chat = Chat()
    await chat.send("remove the first 2 seconds")
    v = track(chat.draft, "video")["sg"]
    assert [(s["st"], s["et"], s["so"]) for s in v] == [(0, 8000, 2000)]
    await chat.send("delete the last 3 seconds")
    assert chat.draft["d"] == 5000
    await chat.send("剪掉前两秒")
    v = track(chat.draft, "video")["sg"]
    assert [(s["st"], s["et"], s["so"]) for s in v] == [(0, 3000, 4000)]
    consistent(chat.draft)


async def test_keep_middle_and_chinese_keep() -> None:
    chat = Chat()
    await chat.send("keep 0:02 to 0:06")
    assert [(s["st"], s["et"], s["so"]) for s in track(chat.draft, "video")["sg"]] == [
        (0, 4000, 2000)
    ]
    chat = Chat()
    await chat.send("只保留前5秒")
    assert chat.draft["d"] == 5000
    chat = Chat()
    await chat.send("make it 6 seconds long")
    assert chat.draft["d"] == 6000


async def test_trim_refusals() -> None:
    with pytest.raises(AgentError, match="no video to trim"):
        await Chat(draft={}, media=[]).send("trim to the first 10 seconds")
    chat = Chat()
    with pytest.raises(AgentError, match="nothing to trim"):
        await chat.send("trim to the first 20 seconds")
    with pytest.raises(AgentError, match="whole video"):
        await chat.send("cut from 0:00 to 0:10")
    with pytest.raises(AgentError, match="outside the video"):
        await chat.send("cut from 0:20 to 0:30")
    with pytest.raises(AgentError, match="Which part"):
        await chat.send("trim it")
    assert chat.history.undo == [] and chat.draft["d"] == 10_000


def test_cut_keeps_caption_words_in_step() -> None:
    draft = video_draft()
    draft["t"].append(
        {
            "id": "c",
            "tt": 7,
            "k": "caption",
            "lang": "en",
            "sg": [
                {
                    "st": 1000,
                    "et": 9000,
                    "txt": "a b c",
                    "w": [
                        {"w": "a", "st": 1000, "et": 2000},
                        {"w": "b", "st": 5500, "et": 6000},
                        {"w": "c", "st": 8500, "et": 9000},
                    ],
                }
            ],
        }
    )
    out = tl.cut_range(tl.Draft.from_dict(draft), 5000, 8000).to_dict()
    seg = track(out, "caption")["sg"][0]
    assert (seg["st"], seg["et"]) == (1000, 6000)
    assert [(w["w"], w["st"], w["et"]) for w in seg["w"]] == [("a", 1000, 2000), ("c", 5500, 6000)]
    assert draft["d"] == 10_000  # the input is not changed


# ------------------------------------------------------------------------------------ canvas
@pytest.mark.parametrize(
    ("message", "size", "fit"),
    [
        ("make it 9:16", (1080, 1920), "cover"),
        ("reframe it vertical for TikTok", (1080, 1920), "cover"),
        ("make it square with black bars", (1080, 1080), "contain"),
        ("改成竖屏", (1080, 1920), "cover"),
        ("4:5 for instagram", (1080, 1350), "cover"),
    ],
)
async def test_aspect(message: str, size: tuple[int, int], fit: str) -> None:
    chat = Chat()
    await chat.send(message)
    m = chat.draft["m"]
    assert (m["width"], m["height"]) == size
    assert chat.state["canvas_config"]["width"] == size[0]
    assert all(s["fit"] == fit for s in track(chat.draft, "video")["sg"])
    consistent(chat.draft)


async def test_aspect_refusals() -> None:
    chat = Chat()
    await chat.send("make it 9:16")
    with pytest.raises(AgentError, match="already 9:16"):
        await chat.send("make it vertical")
    with pytest.raises(AgentError, match="already 16:9"):
        await Chat().send("make it landscape")
    fresh = Chat()
    await fresh.send("make it 16:9 and crop to fill")
    assert track(fresh.draft, "video")["sg"][0]["fit"] == "cover"
    with pytest.raises(AgentError, match="no video to reframe"):
        await Chat(draft={}, media=[]).send("make it square")


# ------------------------------------------------------------------------------------ audio
async def test_music() -> None:
    chat = Chat(media=[VIDEO, SONG])
    await chat.send("add background music at 30% with a 2 second fade out")
    seg = track(chat.draft, "music")["sg"][0]
    assert (seg["src"], seg["vol"], seg["fo"], seg["st"], seg["et"]) == (
        SONG.cdn_url,
        0.3,
        2000,
        0,
        10_000,
    )
    assert "fi" not in seg
    assert "30%" in chat.texts()[-1]
    await chat.send("添加背景音乐，音量百分之二十，淡入1秒，并静音原声")
    music = [t for t in chat.draft["t"] if t.get("k") == "music"]
    assert len(music) == 1  # replaced, not stacked
    seg = music[0]["sg"][0]
    assert (seg["vol"], seg["fi"]) == (0.2, 1000)
    assert track(chat.draft, "video").get("mute") is True
    consistent(chat.draft)


async def test_music_refused_without_audio_upload() -> None:
    chat = Chat()
    with pytest.raises(AgentError, match="no audio file"):
        await chat.send("add background music")
    assert chat.history.undo == [] and not chat.tool_calls()


async def test_mute_unmute_and_volume() -> None:
    chat = Chat(media=[VIDEO, SONG])
    await chat.send("mute the original audio")
    assert track(chat.draft, "video")["mute"] is True
    assert chat.texts()[-1] == f"Muted the original audio. {runner.NEXT_STEP}"
    with pytest.raises(AgentError, match="already muted"):
        await chat.send("mute the original audio")
    await chat.send("unmute the original audio")
    assert "mute" not in track(chat.draft, "video")
    assert chat.texts()[-1] == f"Turned the original audio back on. {runner.NEXT_STEP}"
    with pytest.raises(AgentError, match="no background music"):
        await chat.send("set the music volume to 20%")
    await chat.send("add music")
    await chat.send("set the music volume to 20%")
    assert track(chat.draft, "music")["sg"][0]["vol"] == 0.2
    await chat.send("make the music quieter")
    assert track(chat.draft, "music")["sg"][0]["vol"] == pytest.approx(0.12)
    await chat.send("静音原声")
    assert track(chat.draft, "video")["mute"] is True


async def test_remove_tracks() -> None:
    chat = Chat(media=[VIDEO, SONG])
    with pytest.raises(AgentError, match="no title"):
        await chat.send("remove the title")
    await chat.send("add a title 'A' for 2 seconds")
    await chat.send("add a title 'B' from 0:03 to 0:05")
    await chat.send("remove the title 'A'")
    assert [s["txt"] for s in track(chat.draft, "title")["sg"]] == ["B"]
    assert chat.texts()[-1] == f"Removed the title. {runner.NEXT_STEP}"
    await chat.send("删除标题")
    assert not any(t.get("k") == "title" for t in chat.draft["t"])
    await chat.send("add background music")
    await chat.send("remove the music")
    assert not any(t["tt"] == 1 for t in chat.draft["t"])
    assert chat.texts()[-1] == f"Removed the background music. {runner.NEXT_STEP}"
    with pytest.raises(AgentError, match="no background music"):
        await chat.send("remove the music")
    consistent(chat.draft)


async def test_undo_history_restores_previous_draft() -> None:
    chat = Chat()
    before = chat.draft
    await chat.send("make it 9:16")
    assert chat.history.undo[-1]["keys"]["draft"] == before
    assert chat.history.undo[-1]["keys"]["draft"] is not chat.draft


async def test_builds_draft_from_uploads_when_empty() -> None:
    chat = Chat(draft={}, media=[VIDEO])
    await chat.send("add a title 'Hello'")
    kinds = [t["k"] for t in chat.draft["t"]]
    assert kinds == ["video", "title"] and chat.draft["d"] == 10_000
    assert schema.STATE_CANVAS in chat.state


# ------------------------------------------------------------------------------------ speed
@pytest.mark.parametrize(
    ("message", "speed", "duration"),
    [
        ("speed it up 2x", 2.0, 5000),
        ("play at 1.5x", 1.5, 6667),
        ("slow motion please", 0.5, 20_000),
        ("2倍速", 2.0, 5000),
        ("慢放", 0.5, 20_000),
    ],
)
async def test_speed(message: str, speed: float, duration: int) -> None:
    chat = Chat(media=[VIDEO, SONG])
    await chat.send("add a title 'Hi' from 0:04 to 0:06")
    await chat.send("add background music")
    await chat.send(message)
    v = track(chat.draft, "video")["sg"][0]
    assert v["spd"] == speed and (v["st"], v["et"]) == (0, duration)
    assert chat.draft["d"] == duration
    t = track(chat.draft, "title")["sg"][0]
    assert t["st"] == round(4000 / speed) and t["et"] - t["st"] == min(2000, duration - t["st"])
    assert track(chat.draft, "music")["sg"][0]["et"] == duration  # music still covers it all
    consistent(chat.draft)


async def test_speed_back_to_normal_and_limits() -> None:
    chat = Chat()
    await chat.send("2x speed")
    await chat.send("back to normal speed")
    v = track(chat.draft, "video")["sg"][0]
    assert "spd" not in v and chat.draft["d"] == 10_000
    with pytest.raises(AgentError, match=r"between 0\.25x and 4x"):
        await chat.send("play at 8x")
    with pytest.raises(AgentError, match="already plays"):
        await chat.send("play at 1x speed")


# ------------------------------------------------------------------------------------ clips
CLIP2 = upload(
    "beach.mp4",
    "video",
    duration_s=4.0,
    width=1280,
    height=720,
    fps=25.0,
    has_audio=True,
)
PHOTO = upload("logo.png", "image", width=400, height=400)


async def test_add_clip_at_end_and_photo_at_start() -> None:
    chat = Chat(media=[VIDEO, SONG, CLIP2, PHOTO])
    await chat.send("add background music")
    assert route("add the second clip at the end") == "clips"
    await chat.send("add beach.mp4 at the end")
    v = track(chat.draft, "video")["sg"]
    assert [(s["src"], s["st"], s["et"]) for s in v][-1] == (CLIP2.cdn_url, 10_000, 14_000)
    assert chat.draft["d"] == 14_000 and track(chat.draft, "music")["sg"][0]["et"] == 14_000
    await chat.send("add a title 'Hi' for 2 seconds")
    await chat.send("put logo.png at the start for 2 seconds")
    v = track(chat.draft, "video")["sg"]
    assert (v[0]["src"], v[0]["st"], v[0]["et"]) == (PHOTO.cdn_url, 0, 2000)
    assert track(chat.draft, "title")["sg"][0]["st"] == 2000  # moved with the footage
    assert chat.draft["d"] == 16_000
    consistent(chat.draft)
    with pytest.raises(AgentError, match="already on the timeline"):
        await chat.send("add the next clip at the end")
    with pytest.raises(AgentError, match="audio file"):
        await chat.send("add lofi.mp3 at the end")
    assert "clips" not in rows("add captions to the video", {"draft": video_draft()}, [VIDEO])


# ------------------------------------------------------------------------------------ fades
@pytest.mark.parametrize(
    ("message", "fi", "fo"),
    [
        ("fade in from black", 1000, None),
        ("fade to black at the end over 2 seconds", None, 2000),
        ("fade the video in and out", 1000, 1000),
        ("add a 1.5 second fade in and a 3 second fade out", 1500, 3000),
        ("视频开头淡入2秒", 2000, None),
    ],
)
async def test_video_fades(message: str, fi: int | None, fo: int | None) -> None:
    chat = Chat()
    assert route(message) == "fades"
    await chat.send(message)
    v = track(chat.draft, "video")["sg"][0]
    assert (v.get("fi"), v.get("fo")) == (fi, fo)
    await chat.send("remove the fades")
    v = track(chat.draft, "video")["sg"][0]
    assert "fi" not in v and "fo" not in v


async def test_fade_words_elsewhere_are_not_video_fades() -> None:
    assert route("make the title fade in") == "titles"
    assert route("add background music with a 2 second fade out") == "sound"
    with pytest.raises(AgentError, match="no video to fade"):
        await Chat(draft={}, media=[]).send("fade in from black")


def test_cut_inside_a_faded_clip_does_not_fade_at_the_join() -> None:
    draft = tl.set_video_fades(tl.Draft.from_dict(video_draft()), 1000, 1000)
    out = tl.cut_range(draft, 4000, 6000).to_dict()
    head, tail = track(out, "video")["sg"]
    assert (head.get("fi"), head.get("fo")) == (1000, None)
    assert (tail.get("fi"), tail.get("fo")) == (None, 1000)


async def test_music_fades_and_title_fade_via_add() -> None:
    chat = Chat(media=[VIDEO, SONG])
    with pytest.raises(AgentError, match="no background music"):
        await chat.send("fade out the music over 3 seconds")
    await chat.send("add background music")
    await chat.send("fade out the music over 3 seconds")
    seg = track(chat.draft, "music")["sg"][0]
    assert seg["fo"] == 3000 and "fi" not in seg
    await chat.send("音乐淡入2秒")
    assert track(chat.draft, "music")["sg"][0]["fi"] == 2000
    await chat.send("add a title 'Hi'")
    await chat.send("add a fade-in to the title")
    assert track(chat.draft, "title")["sg"][0]["sty"]["anim"] == "fade-in"
    assert len(track(chat.draft, "title")["sg"]) == 1  # changed, not a second title


async def test_bad_input_is_refused_cleanly_and_the_session_stays_usable() -> None:
    chat = Chat(media=[VIDEO, SONG])
    # a backwards or empty range is refused, not read as "from the first time to the end"
    with pytest.raises(AgentError, match=r"ends \(5 s\) before it starts \(8 s\)"):
        await chat.send("cut from 0:08 to 0:05")
    with pytest.raises(AgentError, match="starts and ends at 5 s"):
        await chat.send("cut from 5 to 5 seconds")
    # blank quotes are no title text
    for message in ("add a title '' for 3 seconds", 'add a title "   "', "添加标题“ ”"):
        with pytest.raises(AgentError, match="What should the title say"):
            await chat.send(message)
    with pytest.raises(AgentError, match="nothing to trim"):
        await chat.send("trim to the first 99999 seconds")
    with pytest.raises(AgentError, match="can't be negative"):
        await chat.send("add background music at -50%")
    assert chat.history.undo == [] and chat.draft["d"] == 10_000 and len(chat.draft["t"]) == 1
    # the session still works; unicode titles go through unchanged
    await chat.send("add a title '🎬 Café 城市' for 3 seconds")
    assert track(chat.draft, "title")["sg"][0]["txt"] == "🎬 Café 城市"
    consistent(chat.draft)


async def test_fade_longer_than_the_clip_reports_what_was_applied() -> None:
    chat = Chat(media=[VIDEO, SONG])
    await chat.send("fade in 99999 seconds")
    assert track(chat.draft, "video")["sg"][0]["fi"] == 10_000
    assert "over 10 s" in chat.texts()[-1] and "1666" not in chat.texts()[-1]
    assert chat.tool_calls()[-1]["args"]["fade_in_ms"] == 10_000
    await chat.send("add background music")
    await chat.send("fade out the music over 99999 seconds")
    assert track(chat.draft, "music")["sg"][0]["fo"] == 10_000
    assert "fades out over 10 s" in chat.texts()[-1]


async def test_title_and_photo_lengths_that_make_no_sense_are_refused() -> None:
    chat = Chat(media=[VIDEO, upload("photo.jpg", "image", width=800, height=600)])
    with pytest.raises(AgentError, match=r"ends \(2 s\) before it starts \(5 s\)"):
        await chat.send("add a title 'x' from 0:05 to 0:02")
    with pytest.raises(AgentError, match="A title needs a length above 0 s"):
        await chat.send("add a title 'x' for 0 seconds")
    with pytest.raises(AgentError, match="at most 10:00"):
        await chat.send("put photo.jpg at the start for 99999 seconds")
    with pytest.raises(AgentError, match="A photo needs a length above 0 s"):
        await chat.send("put photo.jpg at the end for 0 seconds")
    assert chat.history.undo == [] and chat.draft["d"] == 10_000 and len(chat.draft["t"]) == 1
    await chat.send("put photo.jpg at the end for 4 seconds")  # still usable
    assert chat.draft["d"] == 14_000
    consistent(chat.draft)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十", 10),
        ("二十五", 25),
        ("两", 2),
        ("八", 8),
        ("一百二十", 120),
        ("三十", 30),
        ("十五", 15),
    ],
)
def test_chinese_numerals_are_read_one_way_for_every_skill(text, value):
    from nemo_widgets.engine.meta.prompts import _to_number
    from nemo_widgets.engine.numbers import cn_number

    assert cn_number(text) == value
    assert _to_number(text) == value
    assert cn_number("十x") is None and cn_number("") is None
