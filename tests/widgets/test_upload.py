"""UploadPicker without a browser: chunk protocol, checks, cancel, and a run on the real engine."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from nemo_widgets import schema
from nemo_widgets.widgets.upload import UploadPicker, check_media, safe_filename

try:
    from .fakes import FakeSession as BaseFakeSession
except ImportError:  # tests/widgets is not a package
    from fakes import FakeSession as BaseFakeSession


class FakeSession(BaseFakeSession):
    """The shared double, with an ``aupload`` that keeps what it received."""

    def __init__(self, fail: Exception | None = None) -> None:
        super().__init__()
        self.received: list[tuple[str, bytes]] = []
        self.fail = fail
        self.observers = self._observers

    async def aupload(self, *sources: Any, on_progress: Any = None) -> list[Any]:
        out = []
        for src in sources:
            if self.fail is not None:
                raise self.fail
            data = Path(src).read_bytes()
            self.received.append((Path(src).name, data))
            if on_progress is not None:
                on_progress(len(data) // 2, len(data))
                on_progress(len(data), len(data))
            out.append(
                SimpleNamespace(
                    filename=Path(src).name,
                    file_type="video",
                    cdn_url=f"http://127.0.0.1/media/{Path(src).name}",
                    duration=2.5,
                    width=320,
                    height=240,
                    fps=25.0,
                )
            )
        self._uploads += out
        return out


class Front:
    """Plays the browser's part: sends custom messages and collects the kernel's replies."""

    def __init__(self, widget: UploadPicker) -> None:
        self.w = widget
        self.sent: list[tuple[dict[str, Any], list[Any]]] = []
        widget.send = lambda content, buffers=None: self.sent.append((content, buffers or []))
        self.n = 0

    def msg(self, kind: str, buffers: list[bytes] | None = None, **body: Any) -> str:
        self.n += 1
        mid = f"m{self.n}"
        self.w._handle_custom_msg({"id": mid, "kind": kind, **body}, buffers or [])
        return mid

    def reply(self, mid: str) -> dict[str, Any]:
        found = [c for c, _ in self.sent if c.get("id") == mid]
        assert len(found) == 1, f"expected one reply to {mid}, got {found}"
        return found[0]

    async def request(self, kind: str, buffers: list[bytes] | None = None, **body: Any):
        mid = self.msg(kind, buffers, **body)
        await self.w._tasks.wait()
        return self.reply(mid)


def _payload(n: int) -> bytes:
    return os.urandom(n)


async def _send_file(front: Front, name: str, data: bytes, chunk: int) -> tuple[str, list[dict]]:
    begin = await front.request("begin", name=name, size=len(data), mime="video/mp4")
    assert begin["ok"], begin
    tid = begin["transfer"]
    acks = []
    for offset in range(0, len(data), chunk):
        acks.append(
            await front.request(
                "chunk", [data[offset : offset + chunk]], transfer=tid, offset=offset
            )
        )
    end = await front.request("end", transfer=tid)
    assert end["ok"], end
    await front.w._tasks.wait()
    return tid, acks


async def test_chunks_assemble_the_exact_bytes_and_each_is_acknowledged() -> None:
    session = FakeSession()
    w = UploadPicker(session, chunk_bytes=1024 * 1024)
    front = Front(w)
    data = _payload(5 * 1024 * 1024 + 12345)  # five full chunks and a short tail
    _, acks = await _send_file(front, "../../etc/My clip.mp4", data, w.chunk_bytes)

    assert [a["kind"] for a in acks] == ["chunk-response"] * 6
    assert all(a["ok"] for a in acks)
    assert [a["received"] for a in acks] == [
        min((i + 1) * 1024 * 1024, len(data)) for i in range(6)
    ]
    # The API saw exactly the bytes, under a sanitised name that kept the extension.
    assert session.received == [("My clip.mp4", data)]
    assert w.files == [
        {
            "name": "My clip.mp4",
            "file_type": "video",
            "cdn_url": "http://127.0.0.1/media/My clip.mp4",
            "duration_s": 2.5,
            "width": 320,
            "height": 240,
            "fps": 25.0,
        }
    ]
    assert w.transfers == [] and w.error == ""
    # Nothing of the kernel side leaks into the synced state but the file rows.
    assert "127.0.0.1/media" in str(w.get_state()["files"])


async def test_temporary_copy_lives_in_a_fresh_dir_and_is_deleted_after_upload() -> None:
    w = UploadPicker(FakeSession())
    front = Front(w)
    begin = await front.request("begin", name="a.mp4", size=4, mime="video/mp4")
    tr = w._transfers[begin["transfer"]]
    assert tr.path is not None and tr.path.parent.name.startswith("nemo-upload-")
    tmpdir = tr.path.parent
    await front.request("chunk", [b"abcd"], transfer=tr.id, offset=0)
    await front.request("end", transfer=tr.id)
    await w._tasks.wait()
    assert not tmpdir.exists()


@pytest.mark.parametrize(
    ("name", "size", "needle"),
    [
        ("notes.txt", 10, "not supported"),
        ("noext", 10, "not supported"),
        ("big.mp4", schema.MAX_UPLOAD_BYTES + 1, "maximum is 500 MB"),
        ("empty.mov", 0, "empty"),
    ],
)
async def test_type_and_size_are_refused_before_any_byte(name: str, size: int, needle: str) -> None:
    w = UploadPicker(FakeSession())
    front = Front(w)
    reply = await front.request("begin", name=name, size=size, mime="")
    assert reply["kind"] == "begin-response" and reply["ok"] is False
    assert needle in reply["error"]
    assert needle in w.error  # shown under the widget too
    assert w._transfers == {} and w.transfers == []


def test_the_browser_and_kernel_share_the_accept_list_and_limit() -> None:
    w = UploadPicker(FakeSession())
    assert set(w.accept) == set(schema.MEDIA_TYPES)
    assert w.max_bytes == schema.MAX_UPLOAD_BYTES
    assert 1024 * 1024 <= w.chunk_bytes <= 4 * 1024 * 1024
    assert check_media("clip.MP4", 10) is None
    assert safe_filename("..") == "upload"
    assert safe_filename("C:\\Users\\x\\evil/../../a b?.mov") == "a b_.mov"


async def test_cancel_stops_the_transfer_and_deletes_the_partial_file() -> None:
    session = FakeSession()
    w = UploadPicker(session, chunk_bytes=1024 * 1024)
    front = Front(w)
    data = _payload(3 * 1024 * 1024)
    begin = await front.request("begin", name="clip.mp4", size=len(data), mime="video/mp4")
    tid = begin["transfer"]
    await front.request("chunk", [data[: 1024 * 1024]], transfer=tid, offset=0)
    partial = w._transfers[tid].path
    assert partial is not None and partial.stat().st_size == 1024 * 1024
    assert w.transfers[0]["phase"] == "sending" and w.transfers[0]["progress"] == pytest.approx(
        1 / 3, abs=1e-3
    )

    cancel = await front.request("cancel", transfer=tid)
    assert cancel["ok"]
    assert not partial.exists() and not partial.parent.exists()
    assert w.transfers == []
    late = await front.request("chunk", [data[1024 * 1024 :]], transfer=tid, offset=1024 * 1024)
    assert late["ok"] is False and "pick the file again" in late["error"]
    assert session.received == []


async def test_chunks_out_of_order_within_the_window_are_written_in_byte_order() -> None:
    session = FakeSession()
    w = UploadPicker(session, window=4)
    front = Front(w)
    data = _payload(16)
    tid = (await front.request("begin", name="c.mp4", size=16, mime="video/mp4"))["transfer"]
    acks = []
    for offset in (4, 12, 0, 8):  # the window lets later chunks overtake earlier ones
        acks.append(
            await front.request("chunk", [data[offset : offset + 4]], transfer=tid, offset=offset)
        )
    assert all(a["ok"] for a in acks), acks
    # held chunks are not "received" until the gap before them is filled
    assert [a["received"] for a in acks] == [0, 0, 8, 16]
    assert w._transfers[tid].early == {}
    assert (await front.request("end", transfer=tid))["ok"]
    await w._tasks.wait()
    assert session.received == [("c.mp4", data)]


async def test_bad_chunks_are_refused_and_nothing_is_kept() -> None:
    w = UploadPicker(FakeSession(), window=2)
    front = Front(w)
    tid = (await front.request("begin", name="c.mp4", size=8, mime="video/mp4"))["transfer"]
    too_many = await front.request("chunk", [b"123456789"], transfer=tid, offset=0)
    assert too_many["ok"] is False and "more bytes" in too_many["error"]
    assert w.transfers[0]["phase"] == "error"
    assert w._transfers[tid].path is None or not w._transfers[tid].path.exists()
    dismissed = await front.request("dismiss", transfer=tid)
    assert dismissed["ok"] and w.transfers == [] and w.error == ""

    # a chunk over bytes already written (a repeat) is refused
    tid = (await front.request("begin", name="d.mp4", size=8, mime="video/mp4"))["transfer"]
    assert (await front.request("chunk", [b"1234"], transfer=tid, offset=0))["ok"]
    repeat = await front.request("chunk", [b"1234"], transfer=tid, offset=0)
    assert repeat["ok"] is False and "does not fit" in repeat["error"]

    # more chunks ahead of a gap than the window allows: the browser is not to be trusted
    tid = (await front.request("begin", name="e.mp4", size=20, mime="video/mp4"))["transfer"]
    for offset in (4, 8):
        assert (await front.request("chunk", [b"abcd"], transfer=tid, offset=offset))["ok"]
    flood = await front.request("chunk", [b"abcd"], transfer=tid, offset=12)
    assert flood["ok"] is False and "out of order" in flood["error"]
    assert w._transfers[tid].early == {}  # memory released with the partial file


def test_window_is_bounded() -> None:
    assert UploadPicker(FakeSession(), window=0).window == 1
    assert UploadPicker(FakeSession(), window=10_000).window == 64
    assert UploadPicker(FakeSession()).window >= 2


async def test_api_error_is_shown_under_the_widget_and_the_temp_copy_removed() -> None:
    from nemo_widgets.api.errors import FileTooLargeError

    w = UploadPicker(
        FakeSession(fail=FileTooLargeError("clip.mp4 is too large: 600 MB; max 500MB."))
    )
    front = Front(w)
    tid = (await front.request("begin", name="clip.mp4", size=3, mime="video/mp4"))["transfer"]
    tmpdir = w._transfers[tid].path.parent
    await front.request("chunk", [b"abc"], transfer=tid, offset=0)
    await front.request("end", transfer=tid)
    await w._tasks.wait()
    assert "too large" in w.error
    assert w.transfers[0]["phase"] == "error" and "too large" in w.transfers[0]["error"]
    assert not tmpdir.exists()


async def test_kernel_paths_and_missing_paths(tmp_path: Path) -> None:
    session = FakeSession()
    w = UploadPicker(session)
    front = Front(w)
    clip = tmp_path / "local.mp4"
    clip.write_bytes(b"\0" * 100)
    rows = await w.add(clip)
    assert [r["name"] for r in rows] == ["local.mp4"] and len(w.files) == 1
    missing = await front.request("add", source=str(tmp_path / "nope.mp4"))
    assert missing["ok"] is False and "No file at" in missing["error"]
    wrong = await front.request("add", source=str(tmp_path))
    assert wrong["ok"] is False


async def test_uploads_made_from_code_appear_in_the_list() -> None:
    session = FakeSession()
    w = UploadPicker(session)
    files = await session.aupload(__file__.replace(".py", ".py"))  # any readable file
    session.observers[0]("uploads", files)
    session.observers[0]("uploads", files)  # the same upload twice is listed once
    session.observers[0]("renders", object())
    assert len(w.files) == 1
    w.close()
    assert session.observers == []


# ------------------------------------------------------------------------ real engine
def _clip(path: Path, seconds: int = 2) -> Path:
    import imageio_ffmpeg

    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-y",
         "-f", "lavfi", "-i", f"testsrc2=size=320x240:rate=25:duration={seconds}",
         "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}",
         "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-c:a", "aac",
         "-shortest", str(path)],
        check=True,
    )  # fmt: skip
    return path


async def test_chunked_upload_reaches_the_real_engine(engine: Any, tmp_path: Path) -> None:
    from nemo_widgets.session import aconnect

    session = await aconnect(base_url=engine.url)
    w = UploadPicker(session, chunk_bytes=64 * 1024)
    front = Front(w)
    data = _clip(tmp_path / "engine clip.mp4").read_bytes()
    await _send_file(front, "engine clip.mp4", data, w.chunk_bytes)
    assert w.error == ""
    assert len(w.files) == 1
    row = w.files[0]
    assert row["file_type"] == "video" and (row["width"], row["height"]) == (320, 240)
    assert row["duration_s"] == pytest.approx(2.0, abs=0.2)
    state = await session.astate()
    assert len(state.video_infos) == 1
    # No token in the synced state or in any message to the browser.
    secret = getattr(session._client, "_token", None)  # private: only to prove it never leaks
    token = secret.reveal() if secret is not None else None
    seen = json.dumps([w.get_state(), [c for c, _ in front.sent]], default=str)
    assert "nmv_usr_" not in seen and "Bearer" not in seen
    assert token and token not in seen
    # A picker made later lists what the session uploaded before it existed.
    assert UploadPicker(session).files == w.files


# ------------------------------------------------------------------ the server route's tickets
def _server_writes(folder: Path, secret: str, data: bytes) -> Path:
    """What the server extension does with a ticket (``upload_server.py``): claim it, write."""
    from nemo_widgets import upload_tickets

    ticket = upload_tickets.claim(folder, secret)
    assert ticket is not None and ticket.size == len(data)
    ticket.path.write_bytes(data)
    return ticket.path


async def test_a_direct_begin_gets_a_one_time_ticket_and_the_server_writes_the_file(
    tmp_path: Path,
) -> None:
    session = FakeSession()
    w = UploadPicker(session)
    w._ticket_folder = tmp_path / "tickets"
    front = Front(w)
    data = _payload(200_000)
    begin = await front.request(
        "begin", name="clip.mp4", size=len(data), mime="video/mp4", direct=True
    )
    assert begin["ok"] and len(begin["ticket"]) >= 40
    # Stored by its hash only, readable by the user alone, never in the widget's state.
    (ticket_file,) = (tmp_path / "tickets").glob("*.json")
    assert begin["ticket"] not in ticket_file.name
    assert ticket_file.stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "tickets").stat().st_mode & 0o777 == 0o700
    assert begin["ticket"] not in json.dumps(w.get_state(), default=str)

    tr = w._transfers[begin["transfer"]]
    assert tr.fh is None  # the kernel does not open the file the server will write
    written = _server_writes(tmp_path / "tickets", begin["ticket"], data)
    assert written == tr.path.resolve()
    front.msg("progress", transfer=tr.id, received=len(data) // 2)
    assert w.transfers[0]["received"] == len(data) // 2
    end = await front.request("end", transfer=tr.id, via="server")
    assert end["ok"], end
    await w._tasks.wait()
    assert session.received == [("clip.mp4", data)]
    assert w.last_transport == "server" and "last_transport" not in w.get_state()
    assert w.transfers == [] and not written.parent.exists()


async def test_without_the_server_the_same_transfer_falls_back_to_chunks(tmp_path: Path) -> None:
    session = FakeSession()
    w = UploadPicker(session, chunk_bytes=64 * 1024)
    w._ticket_folder = tmp_path / "tickets"
    front = Front(w)
    data = _payload(150_000)
    begin = await front.request(
        "begin", name="clip.mp4", size=len(data), mime="video/mp4", direct=True
    )
    tid, secret = begin["transfer"], begin["ticket"]
    for offset in range(0, len(data), 64 * 1024):
        ack = await front.request(
            "chunk", [data[offset : offset + 64 * 1024]], transfer=tid, offset=offset
        )
        assert ack["ok"], ack
    # The first chunk withdrew the ticket: no server may write this file now.
    from nemo_widgets import upload_tickets

    assert upload_tickets.claim(tmp_path / "tickets", secret) is None
    end = await front.request("end", transfer=tid, via="comm", why="test")
    assert end["ok"]
    await w._tasks.wait()
    assert session.received == [("clip.mp4", data)] and w.last_transport == "comm"


async def test_chunks_are_refused_while_the_server_writes_the_file(tmp_path: Path) -> None:
    w = UploadPicker(FakeSession())
    w._ticket_folder = tmp_path / "tickets"
    front = Front(w)
    begin = await front.request("begin", name="clip.mp4", size=4, mime="video/mp4", direct=True)
    from nemo_widgets import upload_tickets

    assert upload_tickets.claim(tmp_path / "tickets", begin["ticket"]) is not None
    ack = await front.request("chunk", [b"abcd"], transfer=begin["transfer"], offset=0)
    assert ack["ok"] is False and "Jupyter server" in ack["error"]


async def test_a_short_file_from_the_server_is_refused_and_deleted(tmp_path: Path) -> None:
    session = FakeSession()
    w = UploadPicker(session)
    w._ticket_folder = tmp_path / "tickets"
    front = Front(w)
    begin = await front.request("begin", name="clip.mp4", size=1000, mime="video/mp4", direct=True)
    tr = w._transfers[begin["transfer"]]
    tr.path.write_bytes(b"x" * 999)  # as if the server had renamed a short file into place
    end = await front.request("end", transfer=tr.id, via="server")
    assert end["ok"] is False and "received 999 of 1000" in end["error"]
    assert session.received == [] and not tr.path.parent.exists()


async def test_cancel_on_the_server_route_withdraws_the_ticket_and_the_folder(
    tmp_path: Path,
) -> None:
    w = UploadPicker(FakeSession())
    w._ticket_folder = tmp_path / "tickets"
    front = Front(w)
    begin = await front.request("begin", name="clip.mp4", size=10, mime="video/mp4", direct=True)
    tr = w._transfers[begin["transfer"]]
    folder = tr.path.parent
    cancel = await front.request("cancel", transfer=tr.id)
    assert cancel["ok"]
    assert list((tmp_path / "tickets").glob("*.json")) == [] and not folder.exists()
    assert w.transfers == []


async def test_no_ticket_folder_means_no_ticket(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    w = UploadPicker(FakeSession())
    w._ticket_folder = blocked / "tickets"  # cannot be created: the view uses chunks
    front = Front(w)
    begin = await front.request("begin", name="clip.mp4", size=10, mime="video/mp4", direct=True)
    assert begin["ok"] and "ticket" not in begin
