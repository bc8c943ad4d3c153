"""The notebook facade over a scripted server (httpx.MockTransport): connect, upload, chat,
state, export, renders memory across a restart, captions, observers, sync-in-a-loop."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from api.fakes import SID, BrokenStream, FakeNemo, sample_draft, sse  # tests/ is on sys.path

import nemo_widgets as nw
from nemo_widgets.api import errors as E


class Sleeper:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, s: float) -> None:
        self.calls.append(s)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEMO_WIDGETS_DATA_DIR", str(tmp_path / "data"))
    for var in ("NEMO_TOKEN", "NEMO_CLIENT_ID", "SKILL_SOURCE", "NEMO_API_URL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def fake() -> FakeNemo:
    return FakeNemo()


@pytest.fixture
def sleeper() -> Sleeper:
    return Sleeper()


def connect(fake: FakeNemo, sleeper: Sleeper, **kw) -> nw.Session:
    return nw.connect(
        "http://api.test", transport=fake.transport, sleep=sleeper, skill="ai-auto-caption", **kw
    )


def test_full_flow_sync(fake, sleeper, tmp_path):
    s = connect(fake, sleeper)
    assert s.session_id == SID and s.backend == "cloud" and s.skill.name == "ai-auto-caption"
    events: list[tuple[str, object]] = []
    unsubscribe = s.observe(lambda kind, payload: events.append((kind, payload)))

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00" * 2048)
    files = s.upload(clip)
    assert files[0].filename == "clip.mp4"

    # An edit that streams no text: the reply reports the draft change instead.
    def edit() -> None:
        fake.state["draft"] = sample_draft()

    fake.after_chat = edit
    fake.sse_body = sse({"content": {"parts": [{"functionCall": {"name": "edit_multitrack"}}]}})
    reply = s.chat("add a title 'Urban Dreams'")
    assert reply.text == "" and reply.tool_calls[0].name == "edit_multitrack"
    assert 'Title added: "Urban Dreams" (0-3s)' in reply.changes
    assert s.draft.summary().startswith("Timeline (3 tracks)")

    fake.after_chat = None
    fake.sse_body = sse({"type": "text", "content": "Done! Click Export to get the file."})
    reply = s.chat("make it pop")
    assert "s.export()" in reply.text and reply.actions == {"export"}

    assert s.credits().available == 25000
    assert "25000 credits" in repr(s)

    job = s.export(quality="high", resolution="1080p")
    assert job.id.startswith("render_") and job.status == "pending"
    body = json.loads(fake.calls("POST /api/render/proxy/lambda")[0].content)
    assert body["sessionId"] == SID and body["draft"] == sample_draft()
    assert body["output"] == {"format": "mp4", "quality": "high", "resolution": "1080p"}
    assert job.wait() is job and job.status == "completed" and job.url
    out = job.download(tmp_path / "out.mp4")
    assert out.read_bytes().startswith(b"\x00\x00\x00\x18ftyp")
    cdn = [r for r in fake.requests if r.url.host != "api.test" and r.method == "GET"]
    assert cdn and "Authorization" not in cdn[0].headers  # the CDN never sees the token

    df = s.renders
    assert list(df["id"]) == [job.id] and df.loc[0, "status"] == "completed"
    kinds = {k for k, _ in events}
    assert {"uploads", "draft", "renders"} <= kinds
    unsubscribe()
    n = len(events)
    s.state()
    assert len(events) == n

    token = s._client._token.reveal()
    assert token not in repr(s) and token not in s._repr_html_() and token not in repr(job)
    assert token not in json.dumps([r for r in s._render_store.load()])


def test_export_needs_a_timeline_and_retries_once_with_new_id(fake, sleeper):
    s = connect(fake, sleeper)
    with pytest.raises(E.NemoError, match="Nothing to export"):
        s.export()
    assert not fake.calls("POST /api/render/proxy/lambda")
    fake.state["draft"] = sample_draft()
    fake.default_poll = [{"success": True, "data": {"status": "failed", "error": "codec"}}]
    job = s.export()
    first = job.id
    fake.default_poll = [{"status": "completed", "output": {"url": "https://cdn.x/o.mp4"}}]
    job.wait()
    assert job.status == "completed" and job.id != first and job.attempts == [first, job.id]
    assert len(fake.calls("POST /api/render/proxy/lambda")) == 2
    assert [r["id"] for r in s._render_store.load()] == [job.id]  # replaced, not duplicated
    fake.default_poll = [{"success": True, "data": {"status": "failed", "error": "codec"}}]
    job2 = s.export()
    with pytest.raises(E.RenderFailedError, match="codec"):
        job2.wait()
    with pytest.raises(ValueError, match="quality"):
        s.export(quality="ultra")


def test_renders_survive_a_kernel_restart(fake, sleeper):
    s = connect(fake, sleeper)
    fake.state["draft"] = sample_draft()
    fake.default_poll = [{"status": "processing", "progress": 30}]
    job = s.export()
    job.refresh()
    assert job.status == "processing"
    # "restart": a brand-new session object for the same session id, from disk only
    fake.default_poll = [{"status": "completed", "outputUrl": "https://cdn.x/o.mp4"}]
    fake.renders[job.id] = list(fake.default_poll)
    s2 = connect(fake, sleeper, session_id=SID)
    assert [j.id for j in s2.render_jobs] == [job.id]
    assert s2.render_jobs[0].status == "completed"  # unfinished jobs resumed polling
    s3 = connect(fake, sleeper, resume=True)
    assert s3.session_id == SID and s3.task_id == "task_abc"
    assert fake.tokens_issued == 1  # the cached token survived both "restarts"


def test_reopening_a_vanished_session_says_what_to_do(fake, sleeper):
    with pytest.raises(E.SessionNotFoundError, match=r"nw\.connect"):
        connect(fake, sleeper, session_id="gone")


def test_dropped_stream_polls_state_and_never_resends(fake, sleeper):
    s = connect(fake, sleeper)
    s.state()
    reads = {"n": 0}
    real = fake.handle

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/latest"):
            reads["n"] += 1
            if reads["n"] == 3:  # the edit lands while the client waits
                fake.state["draft"] = sample_draft()
        return real(request)

    fake.transport = httpx.MockTransport(handle)
    s._client._transport = fake.transport
    s._client._http_client = None
    fake.sse_body = lambda: httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=BrokenStream([sse({"content": {"parts": [{"text": "Adding"}]}, "partial": True})]),
    )
    reply = s.chat("add a title")
    assert reply.dropped and any("Title added" in c for c in reply.changes)
    assert sleeper.calls[:2] == [30.0, 60.0]
    assert len(fake.calls("/run_sse")) == 1  # never re-sent


def test_captions_and_download_captions(fake, sleeper, tmp_path):
    s = connect(fake, sleeper)
    with pytest.raises(E.NemoError, match="captions first"):
        s.captions()
    fake.state["captions"] = {"en": {"cues": []}}
    assert "Hello (srt)" in s.captions()
    path = s.download_captions(tmp_path / "subs.vtt", lang="en")
    assert path.read_text().endswith("Hello (vtt)\n")
    assert fake.calls("captions")[-1].url.params["format"] == "vtt"
    with pytest.raises(ValueError):
        s.captions(format="docx")


def test_downloads_refuse_a_missing_folder_before_any_request(fake, sleeper, tmp_path):
    s = connect(fake, sleeper)
    fake.state["captions"] = {"en": {"cues": []}}
    missing = tmp_path / "no" / "such"
    n = len(fake.requests)
    with pytest.raises(FileNotFoundError, match=r"does not exist\. Create it first"):
        s.download_captions(missing / "x.srt")
    assert len(fake.requests) == n  # nothing fetched
    assert not (tmp_path / "no").exists()  # and no folder made on a typo
    fake.state["draft"] = sample_draft()
    job = s.export()
    n = len(fake.requests)
    with pytest.raises(FileNotFoundError, match=str(missing)):
        job.download(missing / "out.mp4")
    assert len(fake.requests) == n and not (tmp_path / "no").exists()
    # The session is still usable: the same call with a real folder works.
    assert s.download_captions(tmp_path / "x.srt").read_text().endswith("Hello (srt)\n")
    assert not list(tmp_path.glob("*.part"))


def test_claim_link_and_upload_checks(fake, sleeper, tmp_path):
    s = connect(fake, sleeper)
    assert s.claim_link() == "https://nemovideo.com/workspace/claim?ct=clm_123"
    bad = tmp_path / "x.txt"
    bad.write_text("x")
    good = tmp_path / "a.mp4"
    good.write_bytes(b"0")
    n = len(fake.requests)
    with pytest.raises(nw.UnsupportedFileError):
        s.upload(good, bad)  # the valid one is not sent either
    assert len(fake.requests) == n
    with pytest.raises(ValueError):
        s.upload()


async def test_sync_calls_work_inside_a_running_loop(fake, sleeper):
    # What a notebook cell does: a sync call while the kernel's loop is running.
    s = await nw.session.aconnect("http://api.test", transport=fake.transport, sleep=sleeper)
    state = s.state()  # nest_asyncio2 path
    assert state.session_id == SID
    state2 = await s.astate()  # the async twin on the same loop
    assert state2.session_id == SID
    reply = await s.achat("hello")
    assert reply.text == "Done."


async def test_cancelling_achat_closes_the_stream(fake, sleeper):
    s = await nw.session.aconnect("http://api.test", transport=fake.transport, sleep=sleeper)
    await s.astate()
    stream = BrokenStream([sse({"type": "text", "content": "a"})])

    class Slow(httpx.AsyncByteStream):
        async def __aiter__(self):
            yield sse({"type": "text", "content": "a"})
            await asyncio.sleep(3600)

        async def aclose(self) -> None:
            stream.closed = True

    fake.sse_body = lambda: httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=Slow()
    )
    got = asyncio.Event()
    task = asyncio.create_task(s.achat("long job", on_event=lambda ev: got.set()))
    await asyncio.wait_for(got.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert stream.closed and len(fake.calls("/run_sse")) == 1


def test_import_stays_light():
    import subprocess
    import sys

    code = (
        "import sys, nemo_widgets as nw; nw.Draft; nw.NemoError; "
        "print(sorted(m for m in ('pandas', 'httpx', 'ipywidgets', 'plotly', 'anywidget', "
        "'yaml', 'nemo_widgets.engine.app') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plan_and_credit_errors_reach_the_user_with_next_steps(fake, sleeper):
    s = connect(fake, sleeper)
    fake.state["draft"] = sample_draft()
    fake.queue("POST /api/render/proxy/lambda", httpx.Response(402, json={"detail": "Payment"}))
    with pytest.raises(nw.ExportBlockedError, match="Register or upgrade"):
        s.export()
    assert len(fake.calls("POST /api/render/proxy/lambda")) == 1  # a plan refusal is not retried
    fake.sse_body = lambda: httpx.Response(402, json={"code": 2001, "message": "no credits"})
    with pytest.raises(nw.OutOfCreditsError, match=r"register\?bind=anon_abc123"):
        s.chat("generate a 10 s video")


def test_metadata_and_prompts_delegate_to_their_modules(fake, sleeper):
    s = connect(fake, sleeper)
    fake.state["metadata"] = {"description": "A city at night", "hashtags": ["#city"]}
    fake.state["prompts"] = {"prompt": "Neon streets", "spec": {"idea": "city"}}
    meta = s.metadata()
    assert type(meta).__name__ == "Metadata" and meta.description == "A city at night"
    board = s.prompts()
    assert type(board).__name__ == "Storyboard" and board.prompt == "Neon streets"


def test_cancel_a_render(fake, sleeper):
    s = connect(fake, sleeper)
    fake.state["draft"] = sample_draft()
    fake.default_poll = [{"status": "pending"}]
    job = s.export()
    assert job.cancel().status == "cancelled"
    assert fake.calls(f"POST /api/render/proxy/lambda/{job.id}/cancel")
    with pytest.raises(nw.RenderFailedError, match="cancelled"):
        job.wait()
    assert s.renders.loc[0, "status"] == "cancelled"
