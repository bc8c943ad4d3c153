"""Issue 14: backend URLs in the renders widget (Python and ESM), long polls, and messages."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

import nemo_widgets as nw
from nemo_widgets.api import errors as E
from nemo_widgets.api.client import check_upload_path, size_over_limit
from nemo_widgets.api.render import parse_status
from nemo_widgets.widgets.renders import job_row, safe_url

BAD = ["javascript:alert(document.domain)", " JavaScript:alert(1)", "java\nscript:alert(1)",
       "data:text/html,<script>alert(1)</script>", "vbscript:x", "/relative.mp4", "file:///etc/x",
       ""]  # fmt: skip
GOOD = ["https://static1.nemovideo.ai/render-result/r.mp4", "http://127.0.0.1:8765/media/r.mp4"]


# -- 11. URLs ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url", BAD)
def test_unsafe_render_urls_never_reach_the_rows(url):
    st = parse_status({"success": True, "data": {"status": "completed", "outputUrl": url}})
    assert st.url is None
    job = type("J", (), {"id": "r", "status": "completed", "url": url})()
    assert job_row(job)["url"] is None and safe_url(url) is None


@pytest.mark.parametrize("url", GOOD)
def test_http_urls_pass(url):
    assert parse_status({"data": {"status": "completed", "outputUrl": url}}).url == url
    assert safe_url(url) == url and safe_url("blob:http://localhost:8888/1-2") is not None


@pytest.mark.skipif(shutil.which("node") is None, reason="node runs the ESM's own check")
def test_the_esm_allows_only_http_and_blob_urls():
    esm = Path(nw.__file__).parent / "static" / "renders.js"
    cases = [*BAD, *GOOD, "blob:http://localhost:8888/abc"]
    script = (
        f"import({json.dumps(esm.as_uri())}).then(m => console.log(JSON.stringify("
        f"{json.dumps(cases)}.map(u => m.safeUrl(u)))))"
    )
    out = subprocess.run(["node", "-e", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got[: len(BAD)] == [None] * len(BAD)
    assert got[len(BAD) :] == [*GOOD, "blob:http://localhost:8888/abc"]


def test_a_completed_render_with_a_refused_url_downloads_through_the_api(engine, make_clip,
                                                                          tmp_path):  # fmt: skip
    s = nw.connect(engine.url)
    try:
        s.upload(make_clip(tmp_path, seconds=1, size="160x90"))
        job = s.export(quality="low").wait(timeout=120)
        job.url = None  # as if the server had sent "javascript:..." (dropped by parse_status)
        out = job.download(tmp_path / "out.mp4")
        assert out.stat().st_size > 1000
    finally:
        s.close()


# -- 12 and issue 15: held polls ------------------------------------------------------------------
def test_a_poll_may_be_held_until_the_job_changes(engine, make_clip, tmp_path):
    s = nw.connect(engine.url)
    try:
        s.upload(make_clip(tmp_path, seconds=1, size="160x90"))
        job = s.export(quality="low")
        assert s._client.long_poll_max_s == 30  # the engine said so on the submit
        job.wait(timeout=120)  # wall-clock bound; held polls, no fake sleeps involved
        assert job.status == "completed"
        token = s._client._token.reveal()
        with engine.client(token) as c:
            r = c.get(f"/api/render/proxy/lambda/{job.id}", params={"wait": 30})
            assert r.status_code == 200 and r.json()["status"] == "completed"  # at once
            assert r.headers["x-nemo-long-poll"] == "30"
            for bad in ("-1", "31", "soon", "nan"):
                r = c.get(f"/api/render/proxy/lambda/{job.id}", params={"wait": bad})
                assert r.status_code == 400 and "wait" in r.json()["error"]
    finally:
        s.close()


# -- 13. messages ---------------------------------------------------------------------------------
def test_a_file_just_over_the_limit_says_by_how_much(tmp_path):
    assert "500 MB + 1 byte" in size_over_limit("a.mp4", 500 * 2**20 + 1)
    assert "612.3 MB" in size_over_limit("a.mp4", int(612.3 * 2**20))
    big = tmp_path / "big.mp4"
    with open(big, "wb") as fh:
        fh.truncate(500 * 2**20 + 1)  # sparse: no real 500 MB written
    with pytest.raises(E.FileTooLargeError, match=r"500 MB \+ 1 byte"):
        check_upload_path(big)


def test_file_urls_say_how_to_upload_a_local_file(engine):
    s = nw.connect(engine.url)
    try:
        with pytest.raises(ValueError, match="file:// URLs are not accepted") as exc:
            s.upload("file:///etc/passwd")
        assert "s.upload('/etc/passwd')" in str(exc.value)
    finally:
        s.close()
    # the engine's URL import says the same kind of thing
    tok = engine.new_token()
    sid = engine.new_session(tok["token"])["session_id"]
    with engine.client(tok["token"]) as c:
        r = c.post(f"/api/upload-video/nemo_agent/me/{sid}", json={"urls": ["file:///etc/passwd"]})
    assert r.status_code == 415 and "upload a local file" in r.json()["message"]


def test_upload_refusals_name_the_formats_once(engine, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("hello")
    s = nw.connect(engine.url)
    try:
        with pytest.raises(E.UnsupportedFileError) as exc:
            s.upload(notes)
        assert str(exc.value).count("Supported formats") == 1
        # through the server (the client's own check bypassed): still once
        tok = s._client._token.reveal()
        with engine.client(tok) as c:
            r = c.post(
                f"/api/upload-video/nemo_agent/me/{s.session_id}",
                files={"files": ("notes.txt", b"hello", "text/plain")},
            )
        from nemo_widgets.api import envelopes

        err = envelopes.error_for(envelopes.parse(r.status_code, r.json()), during="uploading")
        assert isinstance(err, E.UnsupportedFileError)
        assert str(err).count("Supported formats") == 1, str(err)
    finally:
        s.close()
