"""Issue 14, render requests: length cap, sources, ids, malformed bodies (HTTP and client)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from reliability_kit import session_with_clip, submit

import nemo_widgets as nw
from nemo_widgets._sync import run
from nemo_widgets.api import errors as E


@pytest.fixture
def sess(engine, make_clip, tmp_path):
    return session_with_clip(engine, make_clip(tmp_path, seconds=2, size="320x180"))


def _body(sess, draft=None, **extra):
    return {
        "id": f"render_{uuid.uuid4().hex}",
        "sessionId": sess["sid"],
        "draft": draft if draft is not None else sess["draft"],
        **extra,
    }


def _video(src, st=0, et=1000, **seg):
    return {"t": [{"id": "trk_v1", "tt": 0, "sg": [{"id": "seg_v1", "st": st, "et": et,
                                                     "src": src, **seg}]}]}  # fmt: skip


def _refused(r: httpx.Response, *words: str) -> str:
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["success"] is False and body["code"] == 400
    for w in words:
        assert w in body["error"], body["error"]
    return body["error"]


def _no_job(engine, sess):
    with engine.client(sess["token"]) as c:
        state = c.get(f"/api/state/nemo_agent/me/{sess['sid']}/latest").json()["data"]
    assert state["session_id"] == sess["sid"]  # the session is untouched and still answers


# -- 1. length -------------------------------------------------------------------------------
def test_a_115_day_segment_is_refused_before_it_is_queued(engine, sess):
    src = sess["file"]["cdn_url"]
    msg = _refused(submit(engine, sess["token"], _body(sess, _video(src, 0, 10_000_000_000))),
                   "seg_v1", "4.0 h")  # fmt: skip
    assert "days" in msg
    _no_job(engine, sess)


def test_a_segment_past_its_media_is_refused_naming_it(engine, sess):
    src = sess["file"]["cdn_url"]
    _refused(submit(engine, sess["token"], _body(sess, _video(src, 0, 60_000))),
             "seg_v1", "2.0 s long")  # fmt: skip
    # reading from an offset past the end, or fast-forwarded past it, is the same mistake
    _refused(submit(engine, sess["token"], _body(sess, _video(src, 0, 1500, so=1500))), "seg_v1")
    _refused(submit(engine, sess["token"], _body(sess, _video(src, 0, 1500, spd=4))), "seg_v1")
    # within the media: accepted
    ok = submit(engine, sess["token"], _body(sess, _video(src, 0, 1000, so=500, spd=1.5)))
    assert ok.status_code == 200, ok.text


def test_text_outside_the_draft_and_backwards_segments_are_refused(engine, sess):
    src = sess["file"]["cdn_url"]
    draft = _video(src, 0, 2000)
    draft["d"] = 2000
    draft["t"].append({"id": "trk_t", "tt": 7, "sg": [{"id": "late", "st": 5000, "et": 6000,
                                                        "txt": "hi"}]})  # fmt: skip
    _refused(submit(engine, sess["token"], _body(sess, draft)), "'late'", "outside the draft")
    _refused(submit(engine, sess["token"], _body(sess, _video(src, 1500, 500))), "ends", "before")


def test_the_client_gets_the_refusal_as_an_error(engine, sess, tmp_path):
    s = nw.connect(engine.url, token=sess["token"], session_id=sess["sid"])
    try:
        draft = _video(sess["file"]["cdn_url"], 0, 10_000_000_000)
        with pytest.raises(E.NemoError, match="seg_v1") as exc:
            run(s._client.submit_render("render_cap1", s.session_id, draft, {}))
        assert exc.value.status == 400
        assert s.state().session_id == sess["sid"]  # still usable
    finally:
        s.close()


# -- 10. sources belong to the session ---------------------------------------------------------
def test_another_sessions_upload_is_not_a_source(engine, sess, make_clip, tmp_path):
    other = engine.new_token()  # another user
    other_sid = engine.new_session(other["token"])["session_id"]
    theft = {"id": f"render_{uuid.uuid4().hex}", "sessionId": other_sid, "draft": sess["draft"]}
    msg = _refused(submit(engine, other["token"], theft), sess["file"]["cdn_url"], "session")
    assert "upload" in msg
    # the same user's other session: refused as well (the error names the source)
    mine_sid = engine.new_session(sess["token"])["session_id"]
    again = {**theft, "sessionId": mine_sid}
    _refused(submit(engine, sess["token"], again), sess["file"]["cdn_url"])


def test_a_finished_render_of_the_session_may_be_a_source(engine, sess):
    import time

    first = submit(engine, sess["token"], _body(sess, output={"quality": "low"}))
    rid = first.json()["data"]["id"]
    with engine.client(sess["token"]) as c:
        deadline = time.monotonic() + 120
        while True:
            view = c.get(f"/api/render/proxy/lambda/{rid}", params={"wait": 10}).json()
            if view["status"] in ("completed", "failed") or time.monotonic() > deadline:
                break
    assert view["status"] == "completed", view
    again = _body(sess, _video(view["outputUrl"], 0, 1000), output={"quality": "low"})
    assert submit(engine, sess["token"], again).status_code == 200


# -- 9. render ids -------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["../../../../tmp/x", "render\nx", "a" * 129, "", "r id", "é"])
def test_render_ids_outside_the_alphabet_are_refused(engine, sess, bad):
    body = _body(sess)
    body["id"] = bad
    _refused(submit(engine, sess["token"], body), "id")


def test_polls_of_bad_ids_are_400_not_404(engine, sess):
    with engine.client(sess["token"]) as c:
        for bad in ("a%0Ab", "x" * 200, "%2E%2E"):
            for path in (f"/api/render/proxy/lambda/{bad}", f"/api/render/proxy/{bad}/download"):
                r = c.get(path)
                assert r.status_code == 400 and "letters, digits" in r.json()["error"], path
        assert c.get("/api/render/proxy/lambda/render_unknown").status_code == 404


def test_the_client_refuses_a_bad_id_through_the_server(engine, sess):
    s = nw.connect(engine.url, token=sess["token"], session_id=sess["sid"])
    try:
        with pytest.raises(E.NemoError, match="letters, digits") as exc:
            run(s._client.submit_render("../../x", s.session_id, sess["draft"], {}))
        assert exc.value.status == 400
    finally:
        s.close()


# -- 5. malformed bodies --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("output", "field", "expected"),
    [
        ("x", "output", "dictionary"),
        ({"resolution": [1]}, "output.resolution", "'1080p'"),
        ({"quality": 3}, "output.quality", "'high'"),
        ({"format": "gif"}, "output.format", "'mp4'"),
    ],
)
def test_bad_output_is_400_naming_the_field(engine, sess, output, field, expected):
    _refused(submit(engine, sess["token"], _body(sess, output=output)), field, expected)


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        ("not json", "draft"),
        ({"t": "x"}, "draft.t"),
        ({"t": [{"sg": [{"st": "soon"}]}]}, "draft.t[0].sg[0].st"),
        ({"t": [{"sg": [{"st": -5, "et": 10}]}]}, "draft.t[0].sg[0].st"),
        ({"t": [{"sg": [{"st": 0, "et": 1, "spd": 0}]}]}, "spd"),
        ({"t": [{"sg": "x"}]}, "draft.t[0].sg"),
    ],
)
def test_bad_drafts_are_400_naming_the_field(engine, sess, draft, field):
    _refused(submit(engine, sess["token"], _body(sess, draft)), field)


def test_other_routes_validate_their_bodies(engine, sess):
    tok = sess["token"]
    with engine.client(tok) as c:
        r = c.post("/api/tasks/me/with-session/nemo_agent", json={"task_name": ["x"]})
        assert r.status_code == 400 and "task_name" in r.json()["message"]
        r = c.post("/run_sse", json={"session_id": sess["sid"], "new_message": "hi"})
        assert r.status_code == 400 and "new_message" in r.json()["message"]
        r = c.post("/api/auth/claim-token", json={"session_id": {"a": 1}})
        assert r.status_code == 400 and "session_id" in r.json()["message"]
        r = c.post(f"/api/upload-video/nemo_agent/me/{sess['sid']}", json={"urls": "http://x"})
        assert r.status_code == 400 and "urls" in r.json()["message"]
        r = c.post("/api/render/proxy/lambda", content=b"[1, 2]")
        assert r.status_code == 400 and "JSON object" in r.json()["error"]
