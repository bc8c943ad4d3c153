"""End to end through the public client against the real engine: edit, export, errors, recovery."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest

import nemo_widgets as nw
from nemo_widgets.engine.agent.edit_words import EDIT_COST
from nemo_widgets.engine.media import probe
from nemo_widgets.session import aconnect

TITLE = "add a title 'Urban Dreams' for 3 seconds at the top"


async def fast_sleep(seconds: float) -> None:
    """The client's waits (rate limit, recovery, render polls), shortened for tests."""
    await asyncio.sleep(min(seconds, 0.05))


@pytest.fixture
def fresh_client(engine, monkeypatch, tmp_path):
    """A new client identity per test (its own token, credits and caches)."""
    monkeypatch.setenv("NEMO_CLIENT_ID", f"e2e-{uuid.uuid4()}")
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEMO_WIDGETS_DATA_DIR", str(tmp_path / "client-data"))
    return engine


@pytest.fixture
def editing(engine):
    health = httpx.get(f"{engine.url}/health").json()
    if "titles" not in health["intents"]:  # the skill ships with the engine: fail, never skip
        pytest.fail(f"editing intents not loaded: {health['skill_errors'].get('editing')}")


async def open_session(engine, **kw):
    return await aconnect(
        base_url=engine.url, sleep=fast_sleep, recovery_delays_s=(0.1, 0.2, 0.2), **kw
    )


def test_sync_connect_upload_chat_export_download(fresh_client, editing, make_clip, tmp_path):
    engine = fresh_client
    clip = make_clip(tmp_path, seconds=3, size="640x360", name="city timelapse.mp4")
    s = nw.connect(base_url=engine.url)
    try:
        assert s.backend == "engine" and len(s.session_id) == 19
        (up,) = s.upload(clip)
        assert up.file_type == "video" and up.width == 640
        reply = s.chat(TITLE)
        # the engine, like the cloud, ends some edits without text (this message is one):
        # the reply then reports the edit from the state diff
        said = [reply.text, *reply.changes]
        assert any("Urban Dreams" in x for x in said), said
        assert "click Export" not in reply.text  # the client translates GUI talk
        state = s.state()
        texts = [seg for t in state.draft.tracks for seg in t.segments if "Urban" in str(seg)]
        assert texts, state.draft
        job = s.export(quality="low")
        job.wait(timeout=180)
        assert job.status == "completed" and job.url
        out = job.download(tmp_path / "out.mp4")
        info = probe(out)
        assert info.file_type == "video" and info.has_audio
        assert info.duration_s == pytest.approx(3.0, abs=0.25)
        assert (info.width, info.height) == (640, 360)
        assert out.stat().st_size > 10_000
        assert s.credits().available == 100 - EDIT_COST
    finally:
        s.close()


async def test_silent_edit_is_reported_from_the_state_diff(fresh_client, editing, make_clip):
    engine = fresh_client
    s = await open_session(engine)
    try:
        await s.aupload(make_clip())
        with engine.faults(silent="always"):
            reply = await s.achat(TITLE)
        assert reply.raw_text == "" and reply.changes
        assert any("Urban Dreams" in c for c in reply.changes)
    finally:
        await s.aclose()


async def test_dropped_stream_recovers_by_polling_state(fresh_client, editing, make_clip):
    engine = fresh_client
    s = await open_session(engine)
    try:
        await s.aupload(make_clip())
        with engine.faults(drop_stream=1):
            reply = await s.achat(TITLE)
        assert reply.dropped and any("Urban Dreams" in c for c in reply.changes)
        assert (await s.acredits()).available == 100 - EDIT_COST  # charged once, never re-sent
        # a drop with no change at all is reported as such, not as success
        with engine.faults(drop_stream=1), pytest.raises(nw.StreamDroppedError):
            await s.achat("help")
    finally:
        await s.aclose()


async def test_engine_errors_become_the_right_exceptions(
    fresh_client, editing, make_clip, tmp_path
):
    engine = fresh_client
    s = await open_session(engine)
    try:
        fake = tmp_path / "fake.mp4"
        fake.write_text("not a video\n" * 100)
        with pytest.raises(nw.UnsupportedFileError) as exc:
            await s.aupload(fake)
        assert exc.value.code == 4001 and "mp4, mov" in str(exc.value)
        # the engine's own reason (which file, what is wrong) reaches the user too
        assert "fake.mp4" in str(exc.value), str(exc.value)

        clip = make_clip()
        with engine.faults(max_upload_bytes=1000), pytest.raises(nw.FileTooLargeError) as exc:
            await s.aupload(clip)
        assert exc.value.code == 4002

        await s.aupload(clip)  # the session is still usable
        user_id = s._client.user_id
        with engine.faults(set_credits={"user_id": user_id, "amount": 0}):
            with pytest.raises(nw.OutOfCreditsError) as exc:
                await s.achat(TITLE)
            assert exc.value.code == 2001 and user_id in str(exc.value)

        with (
            engine.faults(fail=[{"call": "render_submit", "status": 402, "times": 2}]),
            pytest.raises(nw.ExportBlockedError),
        ):
            await s.aexport(quality="low")

        with (
            engine.faults(fail=[{"call": "state", "status": 429, "times": 2}]),
            pytest.raises(nw.RateLimitedError),
        ):
            await s.astate()

        with engine.faults(render_delay_s=30):
            job = await s.aexport(quality="low")
            await job.acancel()
            with pytest.raises(nw.RenderFailedError):
                await job.await_(timeout=20)

        with engine.faults(forget_session=s.session_id), pytest.raises(nw.SessionNotFoundError):
            await s.astate()
    finally:
        await s.aclose()


async def test_bad_explicit_token_is_token_expired_error(fresh_client):
    with pytest.raises(nw.TokenExpiredError) as exc:
        await aconnect(base_url=fresh_client.url, token="nmv_usr_fake-tok")
    assert "NEMO_TOKEN" in str(exc.value)  # says what to do next
    assert "nmv_usr_fake-tok" not in str(exc.value) + repr(exc.value)


async def test_expired_token_is_renewed_transparently(fresh_client, make_clip):
    engine = fresh_client
    s = await open_session(engine)
    try:
        before = s._client.user_id
        with engine.faults(expire_tokens=True):
            state = await s.astate()  # 1001 -> new anonymous token, same client id, retried
        assert state is not None
        assert s._client.user_id == before
        await s.aupload(make_clip())
    finally:
        await s.aclose()


async def test_transient_errors_are_retried(fresh_client, editing, make_clip):
    engine = fresh_client
    s = await open_session(engine)
    try:
        await s.aupload(make_clip(seconds=2, size="320x180"))
        with engine.faults(fail=[{"call": "state", "status": 429, "times": 1}]):
            await s.astate()  # waits (shortened) and retries once
        with engine.faults(fail=[{"call": "render_poll", "status": 503, "times": 2}]):
            job = await s.aexport(quality="low")
            await job.await_(timeout=180)
        assert job.status == "completed"
    finally:
        await s.aclose()


async def test_ip_token_cap_is_rate_limited_error(fresh_client):
    with fresh_client.faults(ip_token_cap=0), pytest.raises(nw.RateLimitedError):
        await open_session(fresh_client)
