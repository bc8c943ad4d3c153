"""The engine's browser pages (``/register?bind=``, ``/workspace/claim?ct=``) through the real
engine and the public client, and the cloud keeping nemovideo.com for the same links."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from api.fakes import FakeNemo  # tests/ is on sys.path

import nemo_widgets as nw

TITLE = "add a title 'Urban Dreams' for 3 seconds at the top"


async def fast_sleep(seconds: float) -> None:
    import asyncio

    await asyncio.sleep(min(seconds, 0.05))


@pytest.fixture
def editing(engine):
    health = httpx.get(f"{engine.url}/health").json()
    if "titles" not in health["intents"]:  # the skill ships with the engine: fail, never skip
        pytest.fail(f"editing intents not loaded: {health['skill_errors'].get('editing')}")


def _no_secret(page: str) -> None:
    assert "nmv_usr_" not in page and "Bearer" not in page


def _csrf(page: str) -> str:
    m = re.search(r"name='csrf' value='([^']+)'", page)
    assert m, page
    return m.group(1)


def _balance(page: str) -> int:
    m = re.search(r"id='balance'>(-?\d+)<", page)
    assert m, page
    return int(m.group(1))


def test_out_of_credits_links_to_the_engines_register_page(engine, editing, make_clip, tmp_path):
    s = nw.connect(base_url=engine.url, sleep=fast_sleep)
    try:
        s.upload(make_clip(tmp_path, seconds=2))
        user_id = s._client.user_id
        with (
            engine.faults(set_credits={"user_id": user_id, "amount": 0}),
            pytest.raises(nw.OutOfCreditsError) as exc,
        ):
            s.chat(TITLE)
        bind_url = exc.value.bind_url
        assert bind_url == f"{engine.url}/register?bind={user_id}"
        assert bind_url in str(exc.value) and "nemovideo.com" not in str(exc.value)

        page = httpx.get(bind_url)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert _balance(page.text) == 0 and "local" in page.text
        assert f"name='bind' value='{user_id}'" in page.text
        _no_secret(page.text)

        # a form posted by a page of another site is refused and grants nothing, even with
        # a token of a real page (issue 14: and without one, even from a loopback origin)
        csrf = _csrf(page.text)
        evil = httpx.post(
            f"{engine.url}/register",
            data={"bind": user_id, "csrf": csrf},
            headers={"Origin": "https://evil.example"},
        )
        assert evil.status_code == 403 and s.credits().available == 0
        local = httpx.post(
            f"{engine.url}/register",
            data={"bind": user_id},
            headers={"Origin": "http://localhost:3000"},
        )
        assert local.status_code == 403 and s.credits().available == 0

        page = httpx.get(bind_url)
        form = {"bind": user_id, "csrf": _csrf(page.text)}
        done = httpx.post(f"{engine.url}/register", data=form)
        assert done.status_code == 200 and "1000 credits added" in done.text
        assert _balance(done.text) == 1000
        _no_secret(done.text)
        assert s.credits().available == 1000
        reply = s.chat(TITLE)  # the session was kept and works again
        assert "Urban Dreams" in reply.text and not reply.errors, reply
        after_turn = s.credits().available
        assert after_turn < 1000

        again = httpx.post(f"{engine.url}/register", data=form)  # a second click
        assert again.status_code == 200 and "already registered" in again.text
        assert _balance(again.text) == after_turn == s.credits().available
        # the GET page says so too, without a form
        shown = httpx.get(bind_url).text
        assert "already registered" in shown and "<form" not in shown

        missing = httpx.get(f"{engine.url}/register?bind=anon_nobody")
        assert missing.status_code == 404 and "run the chat cell again" in missing.text
        assert httpx.get(f"{engine.url}/register").status_code == 404
    finally:
        s.close()


def test_claim_page_shows_timeline_and_finished_renders(engine, make_clip, tmp_path):
    s = nw.connect(base_url=engine.url, sleep=fast_sleep)
    try:
        s.upload(make_clip(tmp_path, seconds=2, name="beach walk.mp4"))
        job = s.export(quality="low")
        job.wait(timeout=120)
        assert job.url

        link = s.claim_link()
        assert link.startswith(f"{engine.url}/workspace/claim?ct=clm_")
        page = httpx.get(link)
        assert page.status_code == 200
        text = page.text
        assert "Timeline (1 track): 1. Video: beach walk (0-2s)" in text
        assert s.session_id in text and "beach walk.mp4" in text and "2.0 s" in text
        assert f"href='{html.escape(job.url)}'" in text
        _no_secret(text)
        mp4 = httpx.get(job.url)
        assert mp4.status_code == 200 and mp4.headers["content-type"] == "video/mp4"

        for bad in ("clm_nope", ""):
            gone = httpx.get(f"{engine.url}/workspace/claim", params={"ct": bad})
            assert gone.status_code == 404 and "s.claim_link()" in gone.text
    finally:
        s.close()


def test_pages_show_markup_as_text(engine, editing, make_clip, tmp_path):
    tok = engine.new_token()
    evil = "<script>alert(1)</script>"
    with engine.client(tok["token"]) as c:
        r = c.post(
            "/api/tasks/me/with-session/nemo_agent", json={"task_name": evil, "language": "en"}
        )
        sid = r.json()["data"]["session_id"]
    s = nw.connect(base_url=engine.url, token=tok["token"], session_id=sid, sleep=fast_sleep)
    try:
        s.upload(make_clip(tmp_path, seconds=2))
        s.chat("add a title '<b>bold</b> & co' for 3 seconds at the top")
        page = httpx.get(s.claim_link()).text
        assert "<script>" not in page and "<b>" not in page
        assert html.escape(evil) in page
        assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in page, page
        bad = httpx.get(f"{engine.url}/register", params={"bind": evil})
        assert bad.status_code == 404 and "<script>" not in bad.text
        assert html.escape(evil) in bad.text
    finally:
        s.close()


def test_cloud_links_keep_the_web_app(tmp_path, monkeypatch):
    monkeypatch.setenv("NEMO_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("NEMO_WIDGETS_DATA_DIR", str(tmp_path / "data"))
    for var in ("NEMO_TOKEN", "NEMO_WEB_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NEMO_API_URL", "http://api.test")  # the fake cloud's host
    fake = FakeNemo()
    cloud = nw.connect(backend="cloud", transport=fake.transport, sleep=fast_sleep)
    assert cloud.backend == "cloud"
    assert cloud.claim_link().startswith("https://nemovideo.com/workspace/claim?ct=")
    assert cloud._client.bind_url.startswith("https://nemovideo.com/register?bind=anon_")
    monkeypatch.setenv("NEMO_WEB_URL", "https://staging.example/")
    staged = nw.connect("http://api.test", transport=fake.transport, sleep=fast_sleep)
    assert staged.claim_link().startswith("https://staging.example/workspace/claim?ct=")

    # a loopback base URL is an engine: its links stay on it, even with NEMO_WEB_URL set
    def as_fake(request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_with(host="api.test")  # the fake answers api.test only
        return fake.handle(request)

    local = nw.connect(
        "http://127.0.0.1:9", transport=httpx.MockTransport(as_fake), sleep=fast_sleep
    )
    assert local.backend == "engine"
    assert local.claim_link().startswith("http://127.0.0.1:9/workspace/claim?ct=")
    for s in (cloud, staged, local):
        s.close()
