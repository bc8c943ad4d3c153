"""Endpoints, headers, token handling, uploads and secrecy of the protocol client."""

from __future__ import annotations

import json
import logging
import os
import stat
from pathlib import Path

import httpx
import pytest

from nemo_widgets import schema
from nemo_widgets.api import auth
from nemo_widgets.api import errors as E
from nemo_widgets.api.client import NemoClient

from .fakes import ANON, SID, TASK, FakeNemo, sse


def new_client(fake: FakeNemo, sleeper=None, **kw) -> NemoClient:
    return NemoClient("http://api.test", transport=fake.transport, sleep=sleeper, **kw)


async def test_headers_on_every_call_and_client_id_only_on_token_call(client, fake):
    info = await client.create_session("en")
    await client.credits()
    await client.state(info.session_id)
    [ev async for ev in client.stream_chat(info.session_id, "hi")]
    for req in fake.requests:
        assert req.headers["X-Skill-Source"] == "nemo-video"
        assert req.headers["X-Skill-Version"] == "1.9"
        assert req.headers["X-Skill-Platform"] == "unknown"
        is_token_call = req.url.path == "/api/auth/anonymous-token"
        assert ("X-Client-Id" in req.headers) == is_token_call
        assert ("Authorization" in req.headers) != is_token_call
    body = json.loads(fake.calls("/run_sse")[0].content)
    assert body == {
        "app_name": "nemo_agent",
        "user_id": "me",
        "session_id": SID,
        "new_message": {"parts": [{"text": "hi"}]},
    }
    assert fake.calls("/run_sse")[0].headers["Accept"] == "text/event-stream"
    assert json.loads(fake.calls("with-session")[0].content) == {
        "task_name": "project",
        "language": "en",
    }


async def test_skill_profile_and_platform_override(fake, monkeypatch):
    monkeypatch.setenv("SKILL_SOURCE", "jupyter")
    c = new_client(fake, skill="ai-auto-caption")
    await c.credits()
    req = fake.calls("credits")[0]
    assert req.headers["X-Skill-Source"] == "ai-auto-caption"
    assert req.headers["X-Skill-Platform"] == "jupyter"


async def test_client_id_file_created_once_and_env_wins(client, fake, monkeypatch):
    await client.credits()
    path = Path(os.environ["NEMO_CONFIG_DIR"]) / "client_id"
    cid = path.read_text().strip()
    assert fake.client_ids == [cid] and 0 < len(cid) <= 64
    assert auth.client_id() == cid
    monkeypatch.setenv("NEMO_CLIENT_ID", "x" * 100)
    assert auth.client_id() == "x" * 64


async def test_token_cached_0600_and_reused_after_restart(fake):
    await new_client(fake).credits()
    cache = Path(os.environ["NEMO_CONFIG_DIR"]) / "tokens.json"
    assert stat.S_IMODE(cache.stat().st_mode) == 0o600
    # A "kernel restart": a new client object finds the cached token, asks for none.
    await new_client(fake).credits()
    assert fake.tokens_issued == 1
    # Another base URL has its own entry.
    other = NemoClient("http://api.test:8080", transport=fake.transport)
    await other.ensure_token()
    assert fake.tokens_issued == 2


async def test_explicit_token_env_is_used_and_never_renewed(fake, monkeypatch):
    fake.valid.add("nmv_usr_FROMENV123456")
    monkeypatch.setenv("NEMO_TOKEN", "nmv_usr_FROMENV123456")
    c = new_client(fake)
    await c.credits()
    assert fake.tokens_issued == 0
    fake.expire_tokens()
    with pytest.raises(E.TokenExpiredError, match="Create a new token"):
        await c.credits()
    assert fake.tokens_issued == 0


async def test_token_expiry_mid_session_reacquires_once_with_same_client_id(client, fake):
    info = await client.create_session()
    fake.expire_tokens()  # the 7 days are over
    state = await client.state(info.session_id)
    assert state["session_id"] == SID
    assert fake.tokens_issued == 2
    assert len(set(fake.client_ids)) == 1  # same X-Client-Id
    retried = fake.calls("/latest")
    assert (
        len(retried) == 2
        and retried[0].headers["Authorization"] != retried[1].headers["Authorization"]
    )
    # A server that keeps refusing: renew once, then give up with a clear error.
    fake.queue("latest", fake.err(401, 1001))
    fake.queue("latest", fake.err(401, 1001))
    with pytest.raises(E.TokenExpiredError):
        await client.state(SID)
    assert fake.tokens_issued == 3


async def test_token_expiry_on_chat_before_stream_retries_without_duplicate(client, fake):
    await client.ensure_token()
    fake.expire_tokens()
    events = [ev async for ev in client.stream_chat(SID, "add a title")]
    assert events and fake.tokens_issued == 2
    # the first attempt was refused (401) before any processing; only one reached the agent
    assert len(fake.calls("/run_sse")) == 2


async def test_rate_limit_waits_30s_and_retries_once(fake, sleeper):
    fake.queue("anonymous-token", fake.err(429, message="Too Many Requests"))
    c = new_client(fake, sleeper)
    await c.credits()
    assert sleeper.calls == [30.0]
    fake.queue("credits", httpx.Response(429, json={"detail": "slow down"}))
    fake.queue("credits", httpx.Response(429, json={"detail": "slow down"}))
    with pytest.raises(E.RateLimitedError, match="Wait"):
        await c.credits()
    assert sleeper.calls == [30.0, 30.0]


async def test_missing_client_id_400_is_reported(fake):
    fake.queue("anonymous-token", fake.err(400, message="X-Client-Id header is required"))
    with pytest.raises(E.NemoError, match="X-Client-Id"):
        await new_client(fake).credits()


async def test_session_not_found_and_credits_errors(client, fake):
    with pytest.raises(E.SessionNotFoundError, match="connect"):
        await client.state("nope")
    await client.create_session()  # learns the anon user id
    fake.queue("credits", fake.err(402, 2001, "insufficient credits"))
    with pytest.raises(E.OutOfCreditsError) as info:
        await client.credits()
    assert f"register?bind={ANON}" in str(info.value)


async def test_credits_and_claim_link(client, fake):
    credits = await client.credits()
    assert (credits.available, credits.frozen, credits.total) == (25000, 40, 25040)
    url = await client.claim_url(TASK, SID)
    assert url == "https://nemovideo.com/workspace/claim?ct=clm_123"
    assert "nmv_usr" not in url
    assert json.loads(fake.calls("claim-token")[0].content) == {"task_id": TASK, "session_id": SID}


async def test_upload_streams_from_disk_with_progress(client, fake, tmp_path, monkeypatch):
    from nemo_widgets.api import client as client_mod

    a = tmp_path / "a.mp4"
    size = 3 * client_mod.UPLOAD_READ_BYTES + 300_000  # several reads, the last one short
    a.write_bytes(os.urandom(size))
    b = tmp_path / "b.PNG"
    b.write_bytes(b"x" * 1000)
    reads: list[int] = []
    real_read = client_mod._ProgressReader.read

    def spy(self, n=-1):
        chunk = real_read(self, n)
        reads.append(len(chunk))
        return chunk

    monkeypatch.setattr(client_mod._ProgressReader, "read", spy)
    progress: list[tuple[int, int]] = []
    files = await client.upload_files(SID, [a, b], on_progress=lambda s, t: progress.append((s, t)))
    assert [f.filename for f in files] == ["a.mp4", "b.PNG"]
    assert files[0].cdn_url.endswith("/a.mp4") and files[0].duration_s == 3.0
    # never a whole-file read: bounded chunks only (1 MiB: 64 KiB writes cost throughput)
    assert max(reads) == client_mod.UPLOAD_READ_BYTES and sum(reads) == size + 1000
    assert progress[-1] == (size + 1000, size + 1000)
    assert len(progress) > 3 and [s for s, _ in progress] == sorted(s for s, _ in progress)
    req = fake.calls("upload-video")[0]
    assert req.headers["content-type"].startswith("multipart/form-data")
    assert req.content.count(b'name="files"') == 2
    assert b'filename="a.mp4"' in req.content and b"video/mp4" in req.content


async def test_upload_checks_type_and_size_before_any_byte(client, fake, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello")
    with pytest.raises(E.UnsupportedFileError, match="mp4, mov"):
        await client.upload_files(SID, [bad])
    big = tmp_path / "big.mp4"
    with big.open("wb") as fh:  # sparse: no disk space used
        fh.truncate(schema.MAX_UPLOAD_BYTES + 1)
    ok = tmp_path / "ok.mp4"
    ok.write_bytes(b"0" * 10)
    with pytest.raises(E.FileTooLargeError, match="Trim"):
        await client.upload_files(SID, [ok, big])
    with pytest.raises(FileNotFoundError, match="No such file"):
        await client.upload_files(SID, [tmp_path / "missing.mp4"])
    with pytest.raises(IsADirectoryError, match=r"is a folder, not a file\. Pass the clips"):
        await client.upload_files(SID, [tmp_path])  # was "No such file" for a folder that exists
    assert fake.requests == []  # nothing was sent, not even a token request


async def test_url_upload_is_checked_then_sent_without_our_headers(client, fake):
    files = await client.upload_urls(SID, ["https://example.com/video.mp4"])
    assert files[0].filename == "video.mp4"
    head = next(r for r in fake.requests if r.method == "HEAD")
    assert "Authorization" not in head.headers and "X-Skill-Source" not in head.headers
    body = json.loads(fake.calls("upload-video")[0].content)
    assert body == {"urls": ["https://example.com/video.mp4"], "source_type": "url"}
    n = len(fake.requests)
    with pytest.raises(E.FileTooLargeError):
        await client.upload_urls(SID, ["https://example.com/huge.mp4"])
    with pytest.raises(E.UnsupportedFileError):
        await client.upload_urls(SID, ["https://example.com/doc.pdf"])
    assert not fake.calls("upload-video")[1:] and len(fake.requests) == n + 1  # the HEAD only


async def test_captions_endpoint(client, fake):
    with pytest.raises(E.NemoError, match="captions first") as info:
        await client.captions(SID)
    # the engine's own next step alone, not the generic "open a new session" tail
    assert str(info.value) == "No captions yet: ask for captions first" and info.value.code == 4004
    # a server without the engine's extension (the cloud): say where captions are instead
    fake.queue("captions", httpx.Response(404, json={"detail": "Not Found"}))
    with pytest.raises(E.NemoError, match=r"no captions endpoint.*s\.export\(\)") as info:
        await client.captions(SID)
    assert not isinstance(info.value, E.SessionNotFoundError)
    fake.queue("captions", fake.err(404, 1002, "Session not found"))
    with pytest.raises(E.SessionNotFoundError):
        await client.captions(SID)
    fake.state["captions"] = {"en": {}}
    text = await client.captions(SID, fmt="vtt", lang="en")
    assert "Hello (vtt)" in text
    assert fake.calls("captions")[-1].url.params["lang"] == "en"


async def test_stream_chat_json_error_body_and_drop(client, fake):
    fake.sse_body = lambda: httpx.Response(404, json={"detail": "Session not found"})
    with pytest.raises(E.SessionNotFoundError):
        [ev async for ev in client.stream_chat(SID, "x")]
    from .fakes import BrokenStream

    fake.sse_body = lambda: httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=BrokenStream([sse({"type": "text", "content": "working"})]),
    )
    got = []
    with pytest.raises(E.StreamDroppedError):
        async for ev in client.stream_chat(SID, "x"):
            got.append(ev)
    assert got and got[0].text == "working"


async def test_token_never_leaks(client, fake, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    info = await client.create_session()
    token = client._token.reveal()
    assert token.startswith("nmv_usr_")
    texts = [repr(client), str(client), repr(client._token), str(client._token),
             f"{client._token}", repr(info)]  # fmt: skip
    fake.queue("credits", fake.err(500, message=f"bad token {token} Bearer {token}"))
    with pytest.raises(E.NemoError) as exc_info:
        await client.credits()
    texts += [str(exc_info.value), repr(exc_info.value)]
    texts += [r.getMessage() for r in caplog.records] + [caplog.text]
    assert texts and all(token not in t for t in texts)
    assert "bad token ***" in str(exc_info.value)
    with pytest.raises(TypeError):
        import pickle

        pickle.dumps(client._token)


async def test_concurrent_expiry_renews_the_token_once(client, fake):
    import asyncio

    await client.ensure_token()
    fake.expire_tokens()
    results = await asyncio.gather(*(client.credits() for _ in range(4)))
    assert all(r.available == 25000 for r in results)
    assert fake.tokens_issued == 2  # one renewal shared by the four calls
