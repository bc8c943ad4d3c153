"""Every "Try saying" line of the seeds gets a sensible answer from the real engine.

Sensible: done, or a reply that says how to do it here; never the engine's "can't do that"
fallback, never an error. Each line is sent to the agent (``route=False``: the session would
answer export/credits/status/upload itself) in its own skill, once before anything is
uploaded and once with the sample speech clip on the timeline.
"""

from __future__ import annotations

import asyncio

import pytest

import nemo_widgets as nw
from nemo_widgets.api.skills import available_skills, load_skill
from nemo_widgets.session import aconnect

pytestmark = pytest.mark.slow

#: the seeds' lines as written there (some end mid-sentence)
AS_WRITTEN = {
    "caption-generator-jobs": ["add my video files", "generate accurate captions in English and"],
    "ai-subtitles-for-video": ["add a 3-minute YouTube tutorial recording into a 1080p MP4"],
    "video-prompt-generation": [
        "generate my text descriptions",
        "generate a detailed video prompt for",
    ],
    "video-meta-ai": ["generate my video clips", "generate titles, descriptions, and tags for"],
}


async def fast_sleep(seconds: float) -> None:
    await asyncio.sleep(min(seconds, 0.05))


def lines_of(skill: str) -> list[str]:
    return list(dict.fromkeys([*load_skill(skill).try_saying, *AS_WRITTEN.get(skill, [])]))


@pytest.mark.parametrize("skill", sorted(available_skills()))
async def test_every_try_saying_line_gets_a_sensible_answer(engine, skill):
    for with_upload in (False, True):
        s = await aconnect(base_url=engine.url, skill=skill, sleep=fast_sleep)
        try:
            if with_upload:
                await s.aupload(nw.sample_path("speech"))
            for line in lines_of(skill):
                reply = await s.achat(line, route=False)
                said = " ".join([reply.text, *reply.changes])
                where = f"{skill} {'with' if with_upload else 'without'} an upload: {line!r}"
                assert said.strip(), where
                assert "can't do that in the offline engine" not in said, (where, said)
                assert not reply.errors, (where, reply.errors)
        finally:
            await s.aclose()
