"""Render polling: every poll shape, back-off, transient retry on the same id, time-out."""

from __future__ import annotations

import httpx
import pytest

from nemo_widgets.api import errors as E
from nemo_widgets.api import render as R

URL = "https://static1.nemovideo.ai/render-result/render_x.mp4"


@pytest.mark.parametrize(
    "body",
    [
        {"success": True, "data": {"id": "r", "status": "completed", "progress": 100,
                                   "outputUrl": URL, "createdAt": 1773423613616,
                                   "completedAt": 1773423641222}},
        {"status": "completed", "progress": 100, "output": {"url": URL}},
        {"success": True, "status": "completed", "output": {"url": URL, "size": 10},
         "data": {"id": "r"}},
        {"taskId": "r", "status": "completed", "progress": 100,
         "output": {"url": URL, "duration": 30.5, "size": 15728640}},
        {"success": True, "status": "completed", "progress": 100,
         "output": {"url": URL, "duration": 1.0, "size": 5},
         "data": {"id": "r", "status": "completed", "progress": 100, "outputUrl": URL}},
        {"data": {"status": "completed", "output": {"url": URL}}},
    ],
)  # fmt: skip
def test_every_poll_shape(body):
    st = R.parse_status(body)
    assert st.status == "completed" and st.url == URL and st.progress == 100 and st.done


def test_status_details():
    st = R.parse_status({"success": True, "data": {"status": "failed", "error": "bad draft"}})
    assert st.status == "failed" and st.error == "bad draft"
    st = R.parse_status({"data": {"status": "processing", "progress": 42.5, "createdAt": 1e12}})
    assert (st.status, st.progress, st.url, st.created_at) == ("processing", 42.5, None, 1e9)
    assert R.parse_status({}).status == "pending"


def test_ids_are_unique():
    ids = {R.new_render_id() for _ in range(200)}
    assert len(ids) == 200 and all(i.startswith("render_") for i in ids)


class Poller:
    def __init__(self, *items):
        self.items = list(items)
        self.calls = 0

    async def __call__(self):
        self.calls += 1
        item = self.items.pop(0) if len(self.items) > 1 else self.items[0]
        if isinstance(item, Exception):
            raise item
        return item


async def test_backoff_2s_x15_capped_at_15s(sleeper):
    poll = Poller(*[{"status": "processing"}] * 8, {"status": "completed", "output": {"url": URL}})
    st = await R.poll_until_done(poll, sleep=sleeper, timeout_s=3600)
    assert st.url == URL
    assert sleeper.calls == [2.0, 3.0, 4.5, 6.75, 10.125, 15.0, 15.0, 15.0]


async def test_completed_without_url_keeps_polling(sleeper):
    poll = Poller({"status": "completed"}, {"status": "completed", "outputUrl": URL})
    assert (await R.poll_until_done(poll, sleep=sleeper)).url == URL
    assert poll.calls == 2


async def test_transient_errors_retry_same_poll(sleeper):
    poll = Poller(
        E.NemoError("down", status=503),
        E.NemoError("slow", status=429),
        E.NemoError("timeout", status=408),
        E.NemoError("Cannot reach"),  # transport error wrapped by the client
        {"status": "completed", "outputUrl": URL},
    )
    assert (await R.poll_until_done(poll, sleep=sleeper)).url == URL
    assert poll.calls == 5


@pytest.mark.parametrize("status", [400, 401])
async def test_client_errors_are_not_retried(sleeper, status):
    poll = Poller(E.NemoError("bad", status=status), {"status": "completed", "outputUrl": URL})
    with pytest.raises(E.NemoError):
        await R.poll_until_done(poll, sleep=sleeper)
    assert poll.calls == 1


async def test_total_timeout(sleeper):
    poll = Poller({"status": "processing", "progress": 10})
    with pytest.raises(E.RenderFailedError, match="did not finish within 60 s"):
        # issue 14: the time-out is wall-clock time, so a fake sleep needs its fake clock
        await R.poll_until_done(poll, sleep=sleeper, timeout_s=60, clock=sleeper.clock)
    assert sum(sleeper.calls) <= 60


async def test_failed_status_is_returned(sleeper):
    poll = Poller({"success": True, "data": {"status": "failed", "error": "x"}})
    assert (await R.poll_until_done(poll, sleep=sleeper)).status == "failed"


async def test_client_poll_through_transport(client, fake, sleeper):
    await client.ensure_token()
    fake.renders["render_1"] = [
        httpx.Response(502, text="Bad Gateway"),
        httpx.Response(429, json={"detail": "slow"}),
        {"status": "processing", "progress": 50},
        {"status": "completed", "output": {"url": URL}},
    ]
    st = await R.poll_until_done(lambda: client.poll_render("render_1"), sleep=sleeper)
    assert st.url == URL
    polls = fake.calls("GET /api/render/proxy/lambda/render_1")
    assert len(polls) == 4  # same id each time; 429 handled by back-off, not a 30 s wait
    assert 30.0 not in sleeper.calls


async def test_a_server_without_held_polls_is_polled_at_the_contracts_pace(client, fake, sleeper):
    # issue 15: only a server that says it holds polls (X-Nemo-Long-Poll) is asked to wait
    await client.ensure_token()
    fake.renders["render_2"] = [
        {"status": "processing", "progress": 10},
        {"status": "processing", "progress": 60},
        {"status": "completed", "output": {"url": URL}},
    ]
    st = await R.poll_until_done(
        lambda wait=None: client.poll_render("render_2", wait_s=wait),
        sleep=sleeper,
        held=lambda: client.long_poll_max_s,
    )
    assert st.url == URL and client.long_poll_max_s is None
    assert sleeper.calls == [2.0, 3.0]
    polls = fake.calls("GET /api/render/proxy/lambda/render_2")
    assert all("wait" not in str(p.url) for p in polls)
