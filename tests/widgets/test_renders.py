"""RendersTable without a browser: live rows, preview slices as buffers, save, cancel, engine."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from nemo_widgets import schema
from nemo_widgets._environment import environment as detect_environment
from nemo_widgets.widgets.renders import MAX_READ_BYTES, RendersTable

try:
    from .fakes import FakeSession as BaseFakeSession
except ImportError:  # tests/widgets is not a package
    from fakes import FakeSession as BaseFakeSession

MP4 = os.urandom(9 * 1024 * 1024 + 777)  # stands for a render: three slices and a tail


class FakeJob:
    """The documented RenderJob surface, advancing one step per refresh."""

    def __init__(self, job_id: str, steps: tuple[float, ...] = (30.0, 70.0), created: int = 0):
        self.id = job_id
        self.status = schema.RENDER_PENDING
        self.progress = 0.0
        self.url = f"http://127.0.0.1:9/media/renders/{job_id}.mp4"
        self.error = None
        self.created_at = dt.datetime(2026, 1, 1, 12, 0, created, tzinfo=dt.timezone.utc)
        self.finished_at = None
        self.size_bytes = None
        self.duration_s = None
        self._steps = list(steps)
        self.refreshes = 0

    async def arefresh(self) -> FakeJob:
        self.refreshes += 1
        if self.status in schema.RENDER_TERMINAL:
            return self
        if self._steps:
            self.status, self.progress = schema.RENDER_PROCESSING, self._steps.pop(0)
        else:
            self.status, self.progress = schema.RENDER_COMPLETED, 100.0
            self.finished_at = 1767268830000  # epoch ms, as the API sends
            self.size_bytes, self.duration_s = len(MP4), 4.0
        return self

    async def adownload(self, path: Any) -> Path:
        Path(path).write_bytes(MP4)
        return Path(path)

    async def acancel(self) -> FakeJob:
        self.status = schema.RENDER_CANCELLED
        return self


class FakeSession(BaseFakeSession):
    """The shared double, with render jobs that play through their statuses."""

    def __init__(self, jobs: list[FakeJob] | None = None) -> None:
        super().__init__()
        self._jobs = list(jobs or [])
        self.observers = self._observers

    async def aexport(self, quality: str = "high", resolution: str | int | None = None) -> FakeJob:
        self.exports.append({"quality": quality, "resolution": resolution})
        job = FakeJob(f"render_{len(self.exports)}", created=len(self.exports))
        self._jobs.append(job)
        return job


class Front:
    def __init__(self, widget: RendersTable) -> None:
        self.w = widget
        self.sent: list[tuple[dict[str, Any], list[Any]]] = []
        widget.send = lambda content, buffers=None: self.sent.append((content, buffers or []))
        self.n = 0

    async def request(self, kind: str, **body: Any) -> tuple[dict[str, Any], list[Any]]:
        self.n += 1
        mid = f"m{self.n}"
        self.w._handle_custom_msg({"id": mid, "kind": kind, **body}, [])
        # Wait for this reply only: the poller may still be running (it is a task too).
        for _ in range(10_000):
            found = [(c, b) for c, b in self.sent if c.get("id") == mid]
            if found:
                assert len(found) == 1
                return found[0]
            await asyncio.sleep(0.001)
        raise AssertionError(f"no reply to {kind}")


async def test_rows_follow_a_job_until_it_completes() -> None:
    job = FakeJob("render_a")
    table = RendersTable(FakeSession([job]), poll_interval_s=0.001)  # restored from disk
    seen: list[tuple[str, float]] = []
    table.observe(lambda ch: seen.append((ch.new[0]["status"], ch.new[0]["progress"])), "rows")
    await table._tasks.wait()  # the poller stops by itself once every job is terminal

    assert seen == [("processing", 30.0), ("processing", 70.0), ("completed", 100.0)]
    row = table.rows[0]
    assert row["created_at"] == "2026-01-01T12:00:00+00:00"
    assert row["finished_at"] == "2026-01-01T12:00:30+00:00"
    assert row["size_bytes"] == len(MP4) and row["duration_s"] == 4.0
    frame = table.frame
    assert list(frame["status"]) == ["completed"]
    assert isinstance(frame["created_at"].iloc[0], pd.Timestamp)
    assert len(pd.DataFrame(table.rows)) == 1


async def test_export_button_and_jobs_started_elsewhere_are_tracked() -> None:
    session = FakeSession()
    table = RendersTable(session, poll_interval_s=0.001)
    front = Front(table)
    reply, _ = await front.request("export", quality="medium", resolution="720p")
    assert reply == {"id": "m1", "kind": "export-response", "ok": True, "job": "render_1"}
    assert session.exports == [{"quality": "medium", "resolution": "720p"}]
    assert table.rows[0]["id"] == "render_1"
    await table._tasks.wait()
    assert table.rows[0]["status"] == "completed" and table.exporting is False

    job = await session.aexport()  # from code or the chat: the session notifies observers
    session.observers[0]("renders", job)
    assert [r["id"] for r in table.rows] == ["render_1", "render_2"]
    await table._tasks.wait()
    assert table.rows[1]["status"] == "completed"

    bad, _ = await front.request("export", quality="ultra")
    assert bad["ok"] is False and "quality must be one of" in table.error


async def test_preview_is_sent_as_binary_slices_of_the_mp4() -> None:
    job = FakeJob("render_p", steps=())
    table = RendersTable(FakeSession([job]), poll_interval_s=0.001)
    await table._tasks.wait()
    front = Front(table)
    head, _ = await front.request("open", job="render_p")
    assert head["ok"] and head["size"] == len(MP4) and head["mime"] == "video/mp4"

    parts, offset = [], 0
    while offset < head["size"]:
        reply, buffers = await front.request("read", job="render_p", offset=offset, length=10**9)
        assert reply["ok"] and len(buffers) == 1 and isinstance(buffers[0], bytes)
        assert len(buffers[0]) <= MAX_READ_BYTES  # never above the websocket limit
        parts.append(buffers[0])
        offset += reply["length"]
    assert len(parts) == 3 and b"".join(parts) == MP4
    # nothing binary ever travels inside the JSON part
    assert all(
        isinstance(v, str | int | float | bool | type(None))
        for c, _ in front.sent
        for v in c.values()
    )


async def test_preview_of_an_unfinished_render_says_to_wait() -> None:
    job = FakeJob("render_w", steps=(10.0,) * 1000)
    table = RendersTable(FakeSession([job]), poll_interval_s=10)
    front = Front(table)
    task = asyncio.ensure_future(front.request("open", job="render_w"))
    await asyncio.sleep(0.05)
    table._poller.cancel()
    reply, _ = await task
    assert reply["ok"] is False and "once it has completed" in reply["error"]


async def test_save_in_kernel_and_cancel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    done = FakeJob("render/../x", steps=())
    live = FakeJob("render_live", steps=(5.0,) * 1000, created=5)
    table = RendersTable(FakeSession([done, live]), poll_interval_s=0.01)
    front = Front(table)
    reply, _ = await front.request("save", job="render/../x")
    saved = Path(reply["path"])
    assert saved.parent == tmp_path and saved.read_bytes() == MP4
    assert table.rows[0]["saved_path"] == str(saved)

    reply, _ = await front.request("cancel", job="render_live")
    assert reply["ok"] and reply["status"] == "cancelled"
    await table._tasks.wait()  # polling ends: every job is terminal
    assert [r["status"] for r in table.rows] == ["completed", "cancelled"]
    unknown, _ = await front.request("cancel", job="nope")
    assert unknown["ok"] is False and "not known" in unknown["error"]


def test_preview_mode_per_front_end(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VSCODE_PID", raising=False)
    monkeypatch.delenv("VSCODE_CWD", raising=False)
    assert detect_environment() == "jupyter"
    assert RendersTable(FakeSession()).preview_mode == "blob"
    cloud = FakeSession()
    cloud.backend = "cloud"
    assert RendersTable(cloud).preview_mode == "url"
    monkeypatch.setenv("VSCODE_PID", "123")
    assert detect_environment() == "vscode"
    assert RendersTable(FakeSession()).preview_mode == "link"


# ------------------------------------------------------------------------ real engine
@pytest.mark.slow
async def test_export_on_the_real_engine_streams_a_playable_mp4(
    engine: Any, tmp_path: Path, make_clip: Any
) -> None:
    from nemo_widgets.session import aconnect

    session = await aconnect(base_url=engine.url)
    await session.aupload(make_clip(tmp_path, seconds=2, size="320x240"))
    table = RendersTable(session, poll_interval_s=0.2)
    front = Front(table)
    reply, _ = await front.request("export", quality="low")
    assert reply["ok"], reply
    await asyncio.wait_for(table._tasks.wait(), 120)
    row = table.rows[-1]
    assert row["status"] == "completed", row
    assert row["progress"] == 100.0 and row["finished_at"]
    head, _ = await front.request("open", job=row["id"])
    data = b""
    while len(data) < head["size"]:
        _, bufs = await front.request("read", job=row["id"], offset=len(data))
        data += bytes(bufs[0])
    assert data[4:8] == b"ftyp"  # an MP4 header

    # After a kernel restart the session layer restores the jobs from disk: same rows.
    restarted = await aconnect(base_url=engine.url, session_id=session.session_id)
    again = RendersTable(restarted)
    assert [(r["id"], r["status"]) for r in again.rows] == [(row["id"], "completed")]
