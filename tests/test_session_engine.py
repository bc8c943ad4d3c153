"""End to end through the public client against the real embedded engine (no mocks):
connect -> upload a generated clip -> chat -> state -> export -> wait -> download."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

import nemo_widgets as nw


@pytest.mark.slow
def test_title_edit_export_and_download(engine, make_clip, tmp_path: Path) -> None:
    s = nw.connect(base_url=engine.url, skill="ai-auto-caption")
    assert s.backend == "engine" and s.session_id
    token = s._client._token.reveal()
    assert token not in repr(s) and token not in s._repr_html_()

    clip = make_clip(tmp_path, seconds=3, size="640x360")
    files = s.upload(clip)
    assert files[0].file_type == "video" and abs(files[0].duration_s - 3.0) < 0.2

    reply = s.chat("add a title 'Hello' for 3 seconds")
    assert 'Added the title "Hello"' in reply.text and not reply.errors, reply
    state = s.state()
    titles = [
        seg
        for track in state.draft.tracks
        if track.type == 7
        for seg in track.segments
        if seg.text == "Hello"
    ]
    assert titles and titles[0].start_ms == 0 and titles[0].end_ms == 3000
    assert '"Hello" (0-3s)' in state.draft.summary()
    assert state.video_infos and state.video_infos[0].cdn_url == files[0].cdn_url

    job = s.export()
    job.wait(timeout=180)
    assert job.status == "completed" and job.url
    out = job.download(tmp_path / "out.mp4")
    assert out.stat().st_size > 10_000

    import imageio_ffmpeg

    probe = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-i", str(out)],
        capture_output=True,
        text=True,
    )
    assert "Video: h264" in probe.stderr and "Duration: 00:00:03" in probe.stderr

    assert list(s.renders["status"]) == ["completed"]
    # A "kernel restart": the job is remembered on disk for the same session.
    s2 = nw.connect(base_url=engine.url, session_id=s.session_id)
    assert [j.id for j in s2.render_jobs] == [job.id]
    assert s2.render_jobs[0].path == str(out)


def test_chat_routes_direct_intents_without_the_agent(engine, make_clip, tmp_path):
    """s.chat("export 720p") starts a render; "credits"/"status" read the API, free of charge."""
    import nemo_widgets as nw

    s = nw.connect(base_url=engine.url)
    try:
        s.upload(make_clip(tmp_path, seconds=2))
        before = s.credits().available
        status = s.chat("show tracks")
        assert status.route == "status" and status.text.startswith("Timeline (1 track)")
        credits = s.chat("credits")
        assert credits.route == "credits" and str(before) in credits.text
        export = s.chat("export 720p MP4")
        assert export.route == "export" and export.render is s.render_jobs[-1]
        export.render.wait(timeout=120)
        assert export.render.status == "completed"
        assert s.credits().available == before  # no agent turn was charged
        # route=False sends the same words to the agent instead
        agent = s.chat("status", route=False)
        assert agent.route == "chat"
    finally:
        s.close()


def test_the_draft_is_current_after_every_change_with_no_state_call(engine, make_clip, tmp_path):
    """One source of truth: uploads, chat turns and undo refresh `s.draft` and the observers."""
    s = nw.connect(base_url=engine.url)
    seen: list[str] = []
    s.observe(lambda kind, payload: seen.append(f"{kind}:{getattr(payload, 'summary', str)()}"))
    try:
        s.upload(make_clip(tmp_path, seconds=2, size="320x180", name="first clip.mp4"))
        # no s.state() in between: the upload itself brought the new draft
        assert s.draft.summary().startswith("Timeline (1 track): 1. Video: first clip")
        assert seen and seen[0].startswith("draft:Timeline (1 track)"), seen
        assert seen[-1].startswith("uploads:")  # after the draft: observers see it current

        s.chat("add a title 'Hello' for 1 second")
        assert '"Hello" (0-1s)' in s.draft.summary()
        s.chat("undo")
        assert "Hello" not in s.draft.summary()
        assert sum(x.startswith("draft:") for x in seen) == 3, seen

        # after a second upload the draft is already what the server has
        s.upload(make_clip(tmp_path, seconds=2, size="320x180", name="second clip.mp4"))
        shown = s.draft.raw
        assert s.state().draft.raw == shown
    finally:
        s.close()
