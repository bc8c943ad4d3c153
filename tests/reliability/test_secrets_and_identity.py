"""Issue 14, who may do what: file modes, token hashes, client ids, Host, CSRF, resume."""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import uuid
from pathlib import Path

import httpx
import pytest
from reliability_kit import session_with_clip, submit, wait_for

import nemo_widgets as nw
from nemo_widgets.api import errors as E


def _modes(root: Path) -> list[str]:
    """Every file not 0600 and every folder not 0700 under ``root``."""
    bad = []
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        if mode != want:
            bad.append(f"{oct(mode)} {path}")
    return bad


# -- 2. files, tokens, client ids ------------------------------------------------------------
def test_everything_written_is_private(own_engine, engine_env, make_clip, tmp_path):
    eng = own_engine(tmp_path / "engine")
    s = nw.connect(eng.url)
    try:
        s.upload(make_clip(tmp_path, seconds=1, size="160x90"))
        job = s.export(quality="low")
        job.wait(timeout=120)
        job.download(tmp_path / "out.mp4")
        s.claim_link()
    finally:
        s.close()
    eng.stop()
    assert _modes(tmp_path / "engine") == []
    # the client's own files: client id, token cache, sessions and render memory
    config_dir = Path(os.environ["NEMO_CONFIG_DIR"])
    data_dir = Path(engine_env["NEMO_WIDGETS_DATA_DIR"])
    (config_dir / "client_id").parent.mkdir(parents=True, exist_ok=True)
    from nemo_widgets.api import auth

    os.environ.pop("NEMO_CLIENT_ID")
    try:
        auth.client_id()  # the file is written only when no NEMO_CLIENT_ID is set
    finally:
        os.environ["NEMO_CLIENT_ID"] = f"pytest-{uuid.uuid4()}"
    assert _modes(config_dir) == []
    assert [m for m in _modes(data_dir) if "renders" in m or "sessions" in m] == []
    assert stat.S_IMODE((tmp_path / "out.mp4").stat().st_mode) == 0o600


def test_the_database_holds_token_hashes_only(own_engine, tmp_path):
    eng = own_engine(tmp_path / "engine")
    tok = eng.new_token()
    sid = eng.new_session(tok["token"])["session_id"]
    with eng.client(tok["token"]) as c:
        claim = c.post("/api/auth/claim-token", json={"session_id": sid}).json()["data"]
    eng.stop()
    raw = b"".join(p.read_bytes() for p in (tmp_path / "engine").glob("engine.sqlite3*"))
    assert tok["token"].encode() not in raw and claim["claim_token"].encode() not in raw
    assert b"nmv_usr_" not in raw and b"clm_" not in raw


def test_a_plain_text_database_is_migrated_on_start(own_engine, tmp_path):
    data = tmp_path / "engine"
    eng = own_engine(data)
    tok = eng.new_token()
    eng.stop()
    # an older engine wrote the token itself: put it back in plain text, as it would be
    db = sqlite3.connect(data / "engine.sqlite3")
    db.execute("UPDATE tokens SET token=?", (tok["token"],))
    db.commit()
    db.close()
    os.chmod(data / "engine.sqlite3", 0o644)
    eng = own_engine(data)
    with eng.client(tok["token"]) as c:  # the same token still works...
        assert c.get("/api/credits/balance/simple").status_code == 200
    eng.stop()
    raw = b"".join(p.read_bytes() for p in data.glob("engine.sqlite3*"))
    assert tok["token"].encode() not in raw  # ...and exists only as a hash now
    assert stat.S_IMODE((data / "engine.sqlite3").stat().st_mode) == 0o600


def test_a_client_id_alone_never_gets_the_token_again(engine):
    cid = f"shared-{uuid.uuid4()}"
    first = engine.new_token(cid)
    r = httpx.post(f"{engine.url}/api/auth/anonymous-token", headers={"X-Client-Id": cid})
    assert r.status_code == 429 and first["token"] not in r.text
    assert "X-Client-Id" in r.json()["message"]


def test_the_client_says_at_once_that_its_id_holds_a_token(engine, monkeypatch, tmp_path):
    cid = f"copied-{uuid.uuid4()}"
    engine.new_token(cid)  # someone else already holds this id's token
    monkeypatch.setenv("NEMO_CLIENT_ID", cid)
    # ... and this is another OS user: the engine's folder (its owner proof) is not theirs
    monkeypatch.setenv("NEMO_ENGINE_DIR", str(tmp_path / "not-the-engines-folder"))
    slept = []

    async def sleep(s):  # a long Retry-After is never waited out
        slept.append(s)

    with pytest.raises(E.RateLimitedError, match=r"tokens\.json"):
        nw.connect(engine.url, sleep=sleep)
    assert slept == []


def test_the_engines_owner_gets_a_new_token_after_losing_the_cache(
    own_engine, monkeypatch, tmp_path
):
    # a deleted ~/.config/nemovideo/tokens.json (or another config folder with the same client
    # id) must not lock the engine's own user out: reading the engine's 0700 folder proves who
    # they are, and they get a new token for the same account and sessions
    data = tmp_path / "engine"
    eng = own_engine(data)
    monkeypatch.setenv("NEMO_ENGINE_DIR", str(data))
    s = nw.connect(eng.url)
    sid, user = s.session_id, s._client.user_id
    old = s._client._token.reveal()
    s.close()
    (Path(os.environ["NEMO_CONFIG_DIR"]) / "tokens.json").unlink()
    s = nw.connect(eng.url, resume=True)
    try:
        assert (s.session_id, s._client.user_id) == (sid, user)
        assert s._client._token.reveal() != old
    finally:
        s.close()
    r = httpx.get(
        f"{eng.url}/api/credits/balance/simple", headers={"Authorization": f"Bearer {old}"}
    )
    assert r.json()["code"] == 1001  # the lost token no longer works anywhere


def test_the_owner_proof_goes_to_its_own_engine_only(own_engine, tmp_path):
    from nemo_widgets import schema
    from nemo_widgets.engine.launcher import owner_proof

    data = tmp_path / "engine"
    eng = own_engine(data)
    key = (data / schema.ENGINE_OWNER_FILE).read_text().strip()
    assert stat.S_IMODE((data / schema.ENGINE_OWNER_FILE).stat().st_mode) == 0o600
    assert owner_proof(eng.url, data) == key
    assert owner_proof("http://127.0.0.1:1", data) is None  # another server never sees it
    assert owner_proof(eng.url, tmp_path / "elsewhere") is None
    wrong = httpx.post(
        f"{eng.url}/api/auth/anonymous-token",
        headers={"X-Client-Id": "cid-x", schema.ENGINE_OWNER_HEADER: "guess"},
    )
    again = httpx.post(
        f"{eng.url}/api/auth/anonymous-token",
        headers={"X-Client-Id": "cid-x", schema.ENGINE_OWNER_HEADER: "guess"},
    )
    assert wrong.status_code == 200 and again.status_code == 429  # a wrong proof is no proof


def test_a_restarted_engine_keeps_the_clients_token(own_engine, tmp_path):
    # the engine's port changes at each start; the token cache is keyed by its data folder
    data = tmp_path / "engine"
    eng = own_engine(data)
    s = nw.connect(eng.url)
    sid = s.session_id
    s.close()
    eng.stop()
    eng = own_engine(data)
    s = nw.connect(eng.url, resume=True)
    try:
        assert s.session_id == sid
    finally:
        s.close()


# -- 6. DNS rebinding -------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1",
                                  "localhost", "127.0.0.1:{port}.evil.example"])  # fmt: skip
def test_foreign_host_headers_are_refused(engine, host):
    port = engine.url.rsplit(":", 1)[1]
    h = {"Host": host.format(port=port), "X-Client-Id": str(uuid.uuid4())}
    r = httpx.post(f"{engine.url}/api/auth/anonymous-token", headers=h)
    assert r.status_code == 400 and r.json()["data"] is None  # no token issued
    assert "Host" in r.json()["message"]
    assert httpx.get(f"{engine.url}/health", headers={"Host": h["Host"]}).status_code == 400


def test_loopback_names_with_the_engines_port_are_served(engine):
    port = engine.url.rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}"):
        assert httpx.get(f"{engine.url}/health", headers={"Host": host}).status_code == 200


# -- 7. register only from the engine's own page -------------------------------------------------
def test_register_needs_the_pages_own_form_token(engine):
    tok = engine.new_token()
    user = tok["user_id"]

    def credits():
        with engine.client(tok["token"]) as c:
            return c.get("/api/credits/balance/simple").json()["data"]["available"]

    before = credits()
    port = engine.url.rsplit(":", 1)[1]
    for origin in ("http://localhost:3000", "http://127.0.0.1:9", f"https://127.0.0.1:{port}"):
        r = httpx.post(f"{engine.url}/register", data={"bind": user}, headers={"Origin": origin})
        assert r.status_code == 403
    page = httpx.get(f"{engine.url}/register", params={"bind": user}).text
    csrf = re.search(r"name='csrf' value='([^']+)'", page).group(1)
    other = engine.new_token()["user_id"]  # a token of one account's page is not another's
    assert (
        httpx.post(f"{engine.url}/register", data={"bind": other, "csrf": csrf}).status_code == 403
    )
    assert credits() == before
    page = httpx.get(f"{engine.url}/register", params={"bind": user}).text
    csrf = re.search(r"name='csrf' value='([^']+)'", page).group(1)
    origin = {"Origin": engine.url}
    ok = httpx.post(f"{engine.url}/register", data={"bind": user, "csrf": csrf}, headers=origin)
    assert ok.status_code == 200 and credits() == before + 1000


# -- 8. resume per identity -----------------------------------------------------------------------
def test_resume_never_picks_or_overwrites_another_identitys_session(engine, make_clip, tmp_path):
    mine = nw.connect(engine.url)
    s1 = mine.session_id
    mine.close()
    other = session_with_clip(engine, make_clip(tmp_path, seconds=1, size="160x90"))
    theirs = nw.connect(engine.url, token=other["token"], session_id=other["sid"])
    theirs.close()
    back = nw.connect(engine.url, resume=True)  # as myself again: my last session
    try:
        assert back.session_id == s1
        back.state()
    finally:
        back.close()
    again = nw.connect(engine.url, token=other["token"], resume=True)
    try:
        assert again.session_id == other["sid"]
    finally:
        again.close()
    text = (Path(os.environ["NEMO_WIDGETS_DATA_DIR"]) / "sessions.json").read_text()
    assert other["token"] not in text


def test_render_ids_and_submit_stay_usable_after_refusals(engine, make_clip, tmp_path):
    sess = session_with_clip(engine, make_clip(tmp_path, seconds=1, size="160x90"))
    body = {"id": "bad id", "sessionId": sess["sid"], "draft": sess["draft"]}
    assert submit(engine, sess["token"], body).status_code == 400
    body["id"] = f"render_{uuid.uuid4().hex}"
    body["output"] = {"quality": "low"}
    r = submit(engine, sess["token"], body)
    assert r.status_code == 200

    def done():
        with engine.client(sess["token"]) as c:
            view = c.get(f"/api/render/proxy/lambda/{body['id']}", params={"wait": 5}).json()
        return view if view["status"] in ("completed", "failed") else None

    assert wait_for(done, what="the render")["status"] == "completed"
