"""Engine API: anonymous tokens, sessions, claim tokens, credits, state, error envelopes."""

from __future__ import annotations

import re
import uuid

import httpx

from nemo_widgets import schema


def _err(r: httpx.Response, status: int, code: int) -> str:
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code
    assert body["data"] is None
    assert body["message"]
    return body["message"]


def test_health(engine):
    r = httpx.get(f"{engine.url}/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["version"]
    assert {"help", "questions", "history", "titles", "captions"} <= set(body["intents"])


def test_anonymous_token_shape_and_one_per_client(engine):
    cid = f"client-{uuid.uuid4()}"
    a = engine.new_token(cid)
    assert a["token"].startswith(schema.TOKEN_PREFIX)
    assert re.fullmatch(r"anon_[0-9a-f]+", a["user_id"])
    assert a["credits"] == schema.ANON_CREDITS
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", a["expires_at"])
    # issue 14: a client id alone never gets its live token again (whoever can read the id
    # would act as its owner); one token per client per 7 days, as in the cloud
    r = httpx.post(f"{engine.url}/api/auth/anonymous-token", headers={"X-Client-Id": cid})
    msg = _err(r, 429, 429)
    assert a["token"] not in r.text and "tokens.json" in msg and "NEMO_CLIENT_ID" in msg
    assert int(r.headers["retry-after"]) > 6 * 24 * 3600
    assert engine.new_token()["token"] != a["token"]


def test_anonymous_token_needs_client_id(engine):
    r = httpx.post(f"{engine.url}/api/auth/anonymous-token")
    msg = _err(r, 400, 400)
    assert "X-Client-Id" in msg
    r = httpx.post(f"{engine.url}/api/auth/anonymous-token", headers={"X-Client-Id": "x" * 65})
    _err(r, 400, 400)


def test_ip_token_cap_gives_429(engine):
    with engine.faults(ip_token_cap=0):
        r = httpx.post(
            f"{engine.url}/api/auth/anonymous-token", headers={"X-Client-Id": str(uuid.uuid4())}
        )
        msg = _err(r, 429, 429)
        assert "retry" in msg.lower()
        assert r.headers.get("retry-after")


def test_bad_and_missing_token_give_1001(engine):
    with engine.client() as c:
        r = c.get("/api/credits/balance/simple")
        assert "Authorization" in _err(r, 401, 1001)
        r = c.get("/api/credits/balance/simple", headers={"Authorization": "Bearer nmv_usr_nope"})
        assert "X-Client-Id" in _err(r, 401, 1001)


def test_expired_token_gives_1001_and_renewal_keeps_the_user(engine):
    cid = f"client-{uuid.uuid4()}"
    tok = engine.new_token(cid)
    sess = engine.new_session(tok["token"])
    with engine.faults(expire_tokens=tok["token"]):
        with engine.client(tok["token"]) as c:
            r = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest")
            assert "expired" in _err(r, 401, 1001)
        fresh = engine.new_token(cid)
        assert fresh["token"] != tok["token"]
        assert fresh["user_id"] == tok["user_id"]
        with engine.client(fresh["token"]) as c:
            r = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest")
            assert r.status_code == 200


def test_create_session_and_state(engine):
    tok = engine.new_token()
    with engine.client(tok["token"]) as c:
        r = c.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": "My Video"})
        data = r.json()["data"]
        assert r.json()["code"] == 0
        assert re.fullmatch(r"[1-9]\d{18}", data["session_id"])
        assert data["task_id"].startswith("task_")
        assert data["user_id"] == tok["user_id"]
        # a body is optional
        assert c.post("/api/tasks/me/with-session/nemo_agent").json()["code"] == 0
        r = c.get(f"/api/state/nemo_agent/me/{data['session_id']}/latest")
        body = r.json()
        assert body["code"] == 0
        d = body["data"]
        assert (d["session_id"], d["task_id"], d["task_name"]) == (
            data["session_id"],
            data["task_id"],
            "My Video",
        )
        state = d["state"]
        for key in ("draft", "video_infos", "canvas_config", "video_analyses", "generated_media"):
            assert key in state
        # the historical path with an explicit user id works too
        r = c.get(f"/api/state/nemo_agent/{tok['user_id']}/{data['session_id']}/latest")
        assert r.json()["data"]["session_id"] == data["session_id"]


def test_unknown_or_foreign_session_gives_1002(engine):
    a, b = engine.new_token(), engine.new_token()
    sess = engine.new_session(a["token"])
    with engine.client(b["token"]) as c:
        r = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest")
        assert "create a new session" in _err(r, 404, 1002)
        r = c.get("/api/state/nemo_agent/me/1234567890123456789/latest")
        _err(r, 404, 1002)


def test_forgotten_session_gives_1002(engine):
    tok = engine.new_token()
    sess = engine.new_session(tok["token"])
    with engine.faults(forget_session=sess["session_id"]), engine.client(tok["token"]) as c:
        r = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest")
        _err(r, 404, 1002)


def test_claim_token(engine):
    tok = engine.new_token()
    sess = engine.new_session(tok["token"])
    with engine.client(tok["token"]) as c:
        r = c.post(
            "/api/auth/claim-token",
            json={"task_id": sess["task_id"], "session_id": sess["session_id"]},
        )
        data = r.json()["data"]
        assert data["claim_token"].startswith("clm_")
        assert data["expires_in"] == 604800
        assert tok["token"] not in data["claim_token"]
        r = c.post("/api/auth/claim-token", json={"task_id": "t", "session_id": "1" * 19})
        _err(r, 404, 1002)


def test_credits_balance(engine):
    tok = engine.new_token()
    with engine.client(tok["token"]) as c:
        data = c.get("/api/credits/balance/simple").json()["data"]
    assert data == {"available": 100, "frozen": 0, "total": 100}


def test_injected_5xx_and_429_then_recovery(engine):
    tok = engine.new_token()
    with (
        engine.faults(fail=[{"call": "credits", "status": 503, "times": 2}]),
        engine.client(tok["token"]) as c,
    ):
        assert c.get("/api/credits/balance/simple").status_code == 503
        assert c.get("/api/credits/balance/simple").status_code == 503
        assert c.get("/api/credits/balance/simple").status_code == 200
    with (
        engine.faults(fail=[{"call": "state", "status": 429, "times": 1}]),
        engine.client(tok["token"]) as c,
    ):
        r = c.get("/api/state/nemo_agent/me/1/latest")
        assert r.status_code == 429 and r.headers["retry-after"] == "1"


def test_faults_endpoint_refuses_non_json_and_unknown_settings(engine):
    r = httpx.post(f"{engine.url}/_faults", content=b"{}", headers={"Content-Type": "text/plain"})
    assert r.status_code == 415
    r = httpx.post(f"{engine.url}/_faults", json={"explode": True})
    assert r.status_code == 400 and "unknown" in r.json()["message"]


def test_unknown_route_is_404(engine):
    assert httpx.post(f"{engine.url}/api/v1/generate", json={}).status_code == 404
