"""Engine API: multipart and URL uploads, bad input, the state they produce, media serving."""

from __future__ import annotations

import functools
import http.server
import threading
import time
from pathlib import Path

import httpx
import pytest

from nemo_widgets import schema


@pytest.fixture
def sess(engine):
    tok = engine.new_token()
    s = engine.new_session(tok["token"])
    return {**s, "token": tok["token"]}


def _upload(engine, sess, *files: tuple[str, bytes | Path]) -> httpx.Response:
    parts = []
    for name, content in files:
        data = content.read_bytes() if isinstance(content, Path) else content
        parts.append(("files", (name, data, "application/octet-stream")))
    with engine.client(sess["token"]) as c:
        return c.post(f"/api/upload-video/nemo_agent/me/{sess['session_id']}", files=parts)


def _state(engine, sess) -> dict:
    with engine.client(sess["token"]) as c:
        r = c.get(f"/api/state/nemo_agent/me/{sess['session_id']}/latest")
    return r.json()["data"]["state"]


def _assert_untouched(engine, sess) -> None:
    state = _state(engine, sess)
    assert state["video_infos"] == [] and state["draft"] == {}
    assert not any((engine.data_dir / "tmp").glob("up-*")), "a partial file was left behind"


def test_upload_clip_fills_state_and_draft(engine, sess, make_clip, tmp_path):
    clip = make_clip(tmp_path, seconds=3, size="640x360")
    r = _upload(engine, sess, ("city timelapse.mp4", clip))
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["session_state_applied"] is True
    (f,) = data["files"]
    for key in schema.UPLOAD_FIELDS:
        assert key in f
    assert f["filename"] == "city timelapse.mp4"
    assert f["file_type"] == "video"
    assert (f["width"], f["height"]) == (640, 360)
    assert f["duration"] == pytest.approx(3.0, abs=0.15)
    assert f["fps"] == pytest.approx(25, abs=0.5)
    assert len(f["hash"]) == 64

    state = _state(engine, sess)
    assert [v["cdn_url"] for v in state["video_infos"]] == [f["cdn_url"]]
    draft = state["draft"]
    assert draft["m"]["width"] == 640 and draft["m"]["ratio"] == "16:9"
    assert draft["d"] == pytest.approx(3000, abs=150)
    (track,) = draft["t"]
    assert track["tt"] == schema.TrackType.VIDEO
    (seg,) = track["sg"]
    assert seg["src"] == f["cdn_url"] and seg["st"] == 0 and seg["nm"] == "city timelapse"
    assert state["canvas_config"] == {"width": 640, "height": 360, "ratio": "16:9"}

    # the cdn_url serves the bytes, without auth, with Range support for seeking
    assert f["cdn_url"].startswith(engine.url + "/media/uploads/")
    full = httpx.get(f["cdn_url"])
    assert full.status_code == 200 and full.content == clip.read_bytes()
    assert full.headers["content-type"] == "video/mp4"
    part = httpx.get(f["cdn_url"], headers={"Range": "bytes=100-199"})
    assert part.status_code == 206 and part.content == clip.read_bytes()[100:200]


def test_several_files_in_one_request_and_second_video_keeps_draft(
    engine, sess, make_clip, tmp_path
):
    a = make_clip(tmp_path, seconds=2)
    b = make_clip(tmp_path, seconds=3, size="320x240", audio=False)
    r = _upload(engine, sess, ("a.mp4", a), ("b.MP4", b))
    assert r.status_code == 200, r.text
    files = r.json()["data"]["files"]
    assert [f["filename"] for f in files] == ["a.mp4", "b.MP4"]
    state = _state(engine, sess)
    assert len(state["video_infos"]) == 2
    (track,) = state["draft"]["t"]
    assert track["sg"][0]["src"] == files[0]["cdn_url"]


def test_odd_names_are_stored_safely(engine, sess, make_clip, tmp_path):
    name = "ünïcode 'quoted' \"clip\" ; rm -rf.mp4"
    r = _upload(engine, sess, (name, make_clip(tmp_path)))
    assert r.status_code == 200, r.text
    f = r.json()["data"]["files"][0]
    assert f["filename"] == name
    stored = f["cdn_url"].rsplit("/", 1)[-1]
    assert stored.isascii() and " " not in stored and "'" not in stored
    assert httpx.get(f["cdn_url"]).status_code == 200


@pytest.mark.parametrize(
    ("name", "content", "expect"),
    [
        ("notes.txt", b"hello", "not a supported file type"),
        ("empty.mp4", b"", "empty"),
        ("fake.mp4", b"this is a text file, not a video\n" * 50, "fake.mp4"),
    ],
)
def test_bad_files_get_4001_and_leave_nothing(engine, sess, name, content, expect):
    r = _upload(engine, sess, (name, content))
    assert r.status_code == 415, r.text
    body = r.json()
    assert body["code"] == schema.ErrorCode.UNSUPPORTED_FILE
    assert expect in body["message"]
    assert "mp4, mov" in body["message"]  # says what is accepted
    assert "up-" not in body["message"]  # never leaks the engine's temporary names
    _assert_untouched(engine, sess)


def test_truncated_mp4_is_refused_and_session_stays_usable(engine, sess, make_clip, tmp_path):
    clip = make_clip(tmp_path, seconds=3)
    data = clip.read_bytes()
    r = _upload(engine, sess, ("cut.mp4", data[: len(data) // 2]))
    assert r.status_code == 415, r.text
    assert "cut.mp4" in r.json()["message"]
    _assert_untouched(engine, sess)
    # a good file and a bad one in the same request: all or nothing
    r = _upload(engine, sess, ("good.mp4", clip), ("bad.mp4", b"nope"))
    assert r.status_code == 415
    _assert_untouched(engine, sess)
    r = _upload(engine, sess, ("good.mp4", clip))
    assert r.status_code == 200


def test_too_large_is_refused_while_streaming(engine, sess, make_clip, tmp_path):
    clip = make_clip(tmp_path, seconds=3)
    with engine.faults(max_upload_bytes=clip.stat().st_size // 3):
        r = _upload(engine, sess, ("big.mp4", clip))
    assert r.status_code == 413, r.text
    body = r.json()
    assert body["code"] == schema.ErrorCode.FILE_TOO_LARGE
    assert "compress or trim" in body["message"]
    _assert_untouched(engine, sess)


def test_upload_needs_token_and_known_session(engine, sess, make_clip):
    clip = make_clip()
    with engine.client() as c:
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{sess['session_id']}",
            files=[("files", ("a.mp4", clip.read_bytes()))],
        )
    assert r.json()["code"] == 1001
    with engine.client(sess["token"]) as c:
        r = c.post(
            "/api/upload-video/nemo_agent/me/1000000000000000000",
            files=[("files", ("a.mp4", clip.read_bytes()))],
        )
        assert r.json()["code"] == 1002
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{sess['session_id']}",
            files=[("other", ("a.mp4", clip.read_bytes()))],
        )
        assert r.json()["code"] == 4001 and "'files'" in r.json()["message"]


@pytest.mark.parametrize(
    ("url", "expect"),
    [
        ("file:///etc/passwd", "Only http"),
        ("ftp://example.com/a.mp4", "Only http"),
        ("http://127.0.0.1:1/a.mp4", "private, loopback"),
        ("http://localhost/a.mp4", "private, loopback"),
        ("http://10.1.2.3/a.mp4", "private, loopback"),
        ("http://169.254.169.254/latest/meta-data", "private, loopback"),
        ("http://[::1]/a.mp4", "private, loopback"),
    ],
)
def test_url_upload_refusals(engine, sess, url, expect):
    with engine.client(sess["token"]) as c:
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{sess['session_id']}",
            json={"urls": [url], "source_type": "url"},
        )
    assert r.status_code == 415, r.text
    assert r.json()["code"] == 4001
    assert expect in r.json()["message"]
    _assert_untouched(engine, sess)


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; ``/slow.mp4`` trickles bytes forever (for the time limit)."""

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path != "/slow.mp4":
            return super().do_GET()
        self.send_response(200)
        self.send_header("Content-Type", "video/mp4")
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        try:
            for _ in range(600):
                self.wfile.write(b"\0" * 100)
                self.wfile.flush()
                time.sleep(0.05)
        except OSError:
            pass


@pytest.fixture
def file_server(tmp_path):
    handler = functools.partial(_Handler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_url_upload_works_and_is_capped(engine, sess, make_clip, file_server):
    root, base = file_server
    make_clip(root, seconds=2, name="remote clip.mp4")
    (root / "page.html").write_text("<html></html>")
    with engine.faults(allow_private_urls=True), engine.client(sess["token"]) as c:
        path = f"/api/upload-video/nemo_agent/me/{sess['session_id']}"
        r = c.post(path, json={"urls": [f"{base}/page.html"], "source_type": "url"})
        assert r.json()["code"] == 4001
        r = c.post(path, json={"urls": [f"{base}/missing.mp4"], "source_type": "url"})
        assert r.json()["code"] == 4001 and "404" in r.json()["message"]
        engine.faults(allow_private_urls=True, max_upload_bytes=1000)
        r = c.post(path, json={"urls": [f"{base}/remote%20clip.mp4"], "source_type": "url"})
        assert r.json()["code"] == 4002
        _assert_untouched(engine, sess)
        engine.faults(max_upload_bytes=None)
        r = c.post(path, json={"urls": [f"{base}/remote%20clip.mp4"], "source_type": "url"})
        assert r.status_code == 200, r.text
        (f,) = r.json()["data"]["files"]
        assert f["filename"] == "remote clip.mp4" and f["file_type"] == "video"


def test_media_paths_are_confined(engine):
    for path in ("/media/uploads/..%2Fengine.sqlite3", "/media/other/x.mp4", "/media/uploads/x"):
        assert httpx.get(engine.url + path).status_code == 404


def test_url_upload_is_time_limited(engine, sess, file_server):
    _, base = file_server
    with (
        engine.faults(allow_private_urls=True, url_timeout_s=0.5),
        engine.client(sess["token"]) as c,
    ):
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{sess['session_id']}",
            json={"urls": [f"{base}/slow.mp4"], "source_type": "url"},
        )
    assert r.json()["code"] == 4001 and "took longer than 0.5 s" in r.json()["message"]
    _assert_untouched(engine, sess)
