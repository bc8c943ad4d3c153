"""One phrasing of each command, end to end: the public Session against the real engine.

Each message goes through ``Session.achat`` -> ``/run_sse`` -> the reader -> the rows -> the
timeline model -> the saved state, and the test reads the state back through the client's
own draft model (``s.astate()``). Edits are never silent here (``silent="never"``) so each
reply can be checked too.
"""

from __future__ import annotations

import asyncio

import pytest

import nemo_widgets as nw
from nemo_widgets.engine.agent.edit_words import EDIT_COST
from nemo_widgets.engine.captions import translate
from nemo_widgets.session import aconnect


async def fast_sleep(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 0.05))


async def session(engine, **kw):
    return await aconnect(base_url=engine.url, sleep=fast_sleep, recovery_delays_s=(0.1,), **kw)


def kinds(state, kind: str) -> list:
    return [t for t in state.draft.tracks if t.kind == kind]


def titles(state) -> list[tuple[str, int, int]]:
    return [(s.text, s.start_ms, s.end_ms) for t in kinds(state, "title") for s in t.segments]


async def test_every_editing_command_through_the_session(engine, make_clip, tmp_path):
    s = await session(engine)
    try:
        await s.aupload(make_clip(tmp_path, seconds=6, name="city.mp4"))
        await s.aupload(make_clip(tmp_path, seconds=2, size="320x180", name="beach.mp4"))
        await s.aupload(nw.sample_path("music"))
        with engine.faults(silent="never"):

            async def say(message: str) -> str:
                reply = await s.achat(message, route=False)
                return reply.text

            # titles: add (every time form is in the phrase table), retime, restyle
            text = await say("put the words 'Summer Sale' on screen for the first 4 seconds")
            assert 'Added the title "Summer Sale"' in text
            assert titles(await s.astate()) == [("Summer Sale", 0, 4000)]
            await say("make the title last until 5 seconds")
            assert titles(await s.astate()) == [("Summer Sale", 0, 5000)]
            text = await say("make it yellow and move it to the bottom")
            (seg,) = kinds(await s.astate(), "title")[0].segments
            assert seg.style["color"] == "#FFD60A" and seg.style["pos"] == "bottom-center"
            # a compound request: two commands, one reply, one undo step
            text = await say("make it 9:16 and add a title 'Big News' at the start")
            state = await s.astate()
            assert (state.canvas["width"], state.canvas["height"]) == (1080, 1920)
            assert ("Big News", 0, 3000) in titles(state) and "Done:" in text
            # Chinese and Spanish
            await say("添加标题“你好”，持续2秒")
            await say("añade un título 'Hola' durante 2 segundos")
            assert {"你好", "Hola"} <= {t for t, _, _ in titles(await s.astate())}
            await say("remove the title '你好'")
            await say("quita el título 'Hola'")
            assert {t for t, _, _ in titles(await s.astate())} == {"Summer Sale", "Big News"}

            # sound
            text = await say("add background music at 30% with a 2 second fade out")
            assert "music.m4a" in text and "30%" in text
            await say("make the music quieter")
            (music,) = kinds(await s.astate(), "music")
            assert music.segments[0].volume == pytest.approx(0.18)
            await say("fade out the music over 3 seconds")
            assert music_fade(await s.astate()) == 3000
            await say("mute the original audio")
            assert kinds(await s.astate(), "video")[0].muted

            # footage
            await say("fade in from black")
            await say("speed it up 2x")
            assert (await s.astate()).draft.duration_ms == 3000
            await say("back to normal speed")
            assert (await s.astate()).draft.duration_ms == 6000
            text = await say("add beach.mp4 at the end")
            assert (await s.astate()).draft.duration_ms == 8000 and "beach.mp4" in text
            await say("cut the first 2 seconds")
            await say("trim to the first 5 seconds")
            assert (await s.astate()).draft.duration_ms == 5000

            # questions are answered from the draft, free
            before = (await s.acredits()).available
            assert "5 s long" in await say("how long is it?")
            assert '"Big News"' in await say("which titles are there?")
            assert "Timeline (" in await say("what's on my timeline?")
            assert (await s.acredits()).available == before

            # undo and redo, the same for every edit
            await say("remove the music")
            assert not kinds(await s.astate(), "music")
            assert "Undone" in await say("undo")
            assert kinds(await s.astate(), "music")
            assert "Redone" in await say("redo")
            assert not kinds(await s.astate(), "music")

            # partly possible: what was done, what was not and why; only the done part paid
            before = (await s.acredits()).available
            text = await say("make it square and mute the music")
            assert "Done:" in text and "Not done:" in text and "no background music" in text
            assert (await s.acredits()).available == before - EDIT_COST
            # impossible: nothing changed, nothing charged, what to do instead
            state_before = (await s.astate()).raw
            text = await say("subtitles in Klingon please")
            assert "Klingon" in text and "not a language" in text
            assert "already on the timeline" in await say("add my video files")
            assert (await s.astate()).raw == state_before
            assert (await s.acredits()).available == before - EDIT_COST
            # the seeds' direct actions, when they reach the agent, say how to do them here
            assert "s.export()" in await say("export 1080p MP4")
            assert "upload picker" in await say("upload")
    finally:
        await s.aclose()


def music_fade(state) -> int:
    return int(kinds(state, "music")[0].segments[0].raw.get("fo") or 0)


@pytest.mark.slow
async def test_captions_and_metadata_commands_through_the_session(engine):
    s = await session(engine, skill="ai-auto-caption")
    try:
        await s.aupload(nw.sample_path("speech"))
        reply = await s.achat("add captions in English and Spanish")
        assert "Added English captions" in reply.text
        if translate.provider_for("en", "es") is None:  # said, not hidden
            assert "Spanish captions were not made" in reply.text
            assert [t.lang for t in kinds(await s.astate(), "caption")] == ["en"]
        else:  # Apertium's pair from Debian (make system): a draft, and labelled so
            assert "rule-based draft" in reply.text
            assert [t.lang for t in kinds(await s.astate(), "caption")] == ["en", "es"]
        await s.achat("make the captions yellow and bigger")
        assert kinds(await s.astate(), "caption")[0].raw["sty"]["color"] == "#FFD60A"
        reply = await s.achat("use the vertical preset")
        assert "vertical rules" in reply.text
        await s.achat("hide the captions")
        assert kinds(await s.astate(), "caption")[0].hidden
        await s.achat("show the English captions")
        assert not kinds(await s.astate(), "caption")[0].hidden
        before = (await s.acredits()).available
        reply = await s.achat("添加中文字幕")  # English speech, no offline translation
        assert "Chinese" in reply.text and "nothing was charged" in reply.text
        assert (await s.acredits()).available == before
        reply = await s.achat("generate titles, descriptions, and tags for my YouTube video")
        assert "**Title ideas**" in reply.text
        reply = await s.achat("shorter titles")
        assert reply.text.startswith("Updated: titles of at most")
        await s.achat("remove the captions")
        assert not kinds(await s.astate(), "caption")
    finally:
        await s.aclose()


async def test_prompt_commands_through_the_session(engine):
    s = await session(engine, skill="video-prompt-generation")
    try:
        reply = await s.achat("generate a detailed video prompt for a 30-second product showcase")
        assert reply.text.startswith("**Storyboard**")
        assert (await s.astate()).draft.duration_ms == 30_000
        reply = await s.achat("make it moodier and for a vertical video")
        assert "moody" in reply.text and "9:16" in reply.text
        assert (await s.astate()).canvas["height"] == 1920
        reply = await s.achat("a 20-second travel video of lisbon trams")
        assert (await s.astate()).draft.duration_ms == 20_000
    finally:
        await s.aclose()


async def test_a_long_message_is_answered_not_refused(engine, make_clip, tmp_path):
    s = await session(engine)
    try:
        await s.aupload(make_clip(tmp_path, seconds=3))
        # ~200 requests in one message cost ~400 credits: give this account enough
        engine.faults(set_credits={"user_id": (await s.astate()).raw["user_id"], "amount": 1000})
        unit = "add a title 'Hi' for 2 seconds and make it yellow. "
        n = 10_000 // len(unit)
        reply = await s.achat(unit * n)  # ~10,000 characters; bench/bench_agent.py times it
        assert reply.text.startswith("Done:") and '"Hi"' in reply.text
        assert "Not understood" not in reply.text
        assert len(titles(await s.astate())) == n
        assert (await s.achat("help")).text  # the session still works
    finally:
        await s.aclose()
