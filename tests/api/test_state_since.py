"""The client's since-version state reads against servers the engine is not: the cloud (no
versions), a server that ignores ``since``, and answers the client cannot merge."""

from __future__ import annotations

import copy
import json
from typing import Any

import httpx

from nemo_widgets import schema

from .fakes import SAMPLE_DRAFT, SID, TASK


def _states(fake) -> list[httpx.Request]:
    return fake.calls("GET /api/state/")


async def test_cloud_without_versions_is_read_whole_every_time(client, fake):
    fake.state = {"draft": copy.deepcopy(SAMPLE_DRAFT), "video_infos": []}
    first = await client.state(SID)
    fake.state = {**fake.state, "canvas_config": {"width": 1080, "height": 1920}}
    second = await client.state(SID)
    assert first["state"]["draft"] == SAMPLE_DRAFT
    assert second["state"] == fake.state
    assert all("since" not in r.url.params for r in _states(fake))


def _versioned(fake, version: int, state: dict[str, Any]) -> None:
    data = {"session_id": SID, "task_id": TASK, "state": state, schema.STATE_VERSION: version}
    fake.queue(r"GET /api/state/", fake.ok(data))


async def test_a_server_that_ignores_since_still_works(client, fake):
    one = {"draft": copy.deepcopy(SAMPLE_DRAFT), "video_infos": []}
    two = {**one, "video_infos": [{"filename": "a.mp4"}]}
    _versioned(fake, 3, one)
    _versioned(fake, 4, two)  # asked since 3, answers whole
    assert (await client.state(SID))["state"] == one
    assert (await client.state(SID))["state"] == two
    assert _states(fake)[1].url.params["since"] == "3"


async def test_changed_parts_are_merged_into_the_state_held(client, fake):
    one = {"draft": copy.deepcopy(SAMPLE_DRAFT), "video_infos": [], "captions": {"en": {"x": 1}}}
    _versioned(fake, 3, one)
    await client.state(SID)
    two = copy.deepcopy(one)
    two["draft"]["t"][2]["sg"][0]["txt"] = "New title"
    two["draft"]["d"] = 9000
    parts = schema.state_parts(two)
    changed = {n: parts[n] for n in ("draft", "draft/t/trk_t1")}
    index = {n: (4 if n in changed else 1) for n in parts}
    data = {
        "session_id": SID,
        schema.STATE_VERSION: 4,
        schema.STATE_SINCE: 3,
        schema.STATE_INDEX: index,
        schema.STATE_PARTS: json.loads(json.dumps(changed)),
    }
    fake.queue(r"GET /api/state/", fake.ok(data))
    merged = await client.state(SID)
    assert merged["state"] == two
    assert schema.STATE_PARTS not in merged and schema.STATE_INDEX not in merged
    assert _states(fake)[1].url.params["since"] == "3"


async def test_an_answer_naming_a_part_never_received_is_read_again_whole(client, fake):
    one = {"draft": copy.deepcopy(SAMPLE_DRAFT), "video_infos": []}
    _versioned(fake, 3, one)
    await client.state(SID)
    data = {
        "session_id": SID,
        schema.STATE_VERSION: 5,
        schema.STATE_SINCE: 3,
        schema.STATE_INDEX: {"draft": 5, "draft/t/unknown": 2, "video_infos": 1},
        schema.STATE_PARTS: {"draft": {"rest": {}, "items": ["draft/t/unknown"]}},
    }
    fake.queue(r"GET /api/state/", fake.ok(data))
    whole = {**one, "canvas_config": {}}
    _versioned(fake, 5, whole)
    assert (await client.state(SID))["state"] == whole
    asked = _states(fake)
    assert asked[1].url.params["since"] == "3" and "since" not in asked[2].url.params


def test_parts_round_trip_and_share_values():
    state = {
        "draft": copy.deepcopy(SAMPLE_DRAFT),
        "captions": {"es": {"cues": []}, "en": {"cues": [1]}},
        "video_infos": [{"filename": "a.mp4"}],
    }
    state["draft"]["t"].append({"tt": 7, "sg": []})  # no id: named by position
    state["draft"]["t"].append({"id": "trk_v1", "tt": 0, "sg": []})  # a repeated id, too
    parts = schema.state_parts(state)
    assert schema.joined_state(parts) == state
    assert list(schema.joined_state(parts)["captions"]) == ["es", "en"]  # order kept
    assert parts["draft/t/trk_v1"] is state["draft"]["t"][0]
    assert {"draft/t/#3", "draft/t/#4"} <= set(parts)
