"""Issue 14: every route of a real engine, fed hypothesis-made JSON and headers, never 500.

The engine runs without fault injection (``/_faults`` answers 404), so fuzzing cannot switch
faults on. Bodies are drawn both as free JSON and as near-valid shapes of each route (right
keys, wrong values), with a real token and session most of the time, so the requests get
past authentication into the handlers' parsing. Examples are bounded to keep CI short.
"""

from __future__ import annotations

import json
import uuid

import httpx
import pytest
from engine_kit import SKILL_HEADERS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.slow

MAX_EXAMPLES = 40


@pytest.fixture(scope="module")
def target(tmp_path_factory, engine_env):
    data = tmp_path_factory.mktemp("fuzz-engine")
    # no --enable-faults: the test flags of start_engine, minus the faults switch
    from nemo_widgets.engine.launcher import ensure_engine

    handle = ensure_engine(data, extra_args=["--ip-token-cap", "100000"], timeout=60)
    try:
        tok = httpx.post(
            f"{handle.url}/api/auth/anonymous-token", headers={"X-Client-Id": "fuzz"}
        ).json()["data"]["token"]
        auth = {**SKILL_HEADERS, "Authorization": f"Bearer {tok}"}
        sid = httpx.post(
            f"{handle.url}/api/tasks/me/with-session/nemo_agent", headers=auth, json={}
        ).json()["data"]["session_id"]
        with httpx.Client(base_url=handle.url, timeout=30) as c:
            yield {"url": handle.url, "client": c, "auth": auth, "sid": sid}
    finally:
        handle.stop()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=8), kids, max_size=4)
    ),
    max_leaves=12,
)
numbers = st.none() | st.integers(-(10**12), 10**12) | st.floats() | st.text(max_size=5)


def _segment():
    return st.fixed_dictionaries(
        {},
        optional={k: numbers for k in ("st", "et", "so", "spd", "vol", "fi", "fo")}
        | {"src": json_values, "txt": json_values, "sty": json_values, "id": json_values},
    )


drafts = json_values | st.fixed_dictionaries(
    {
        "t": st.lists(
            st.fixed_dictionaries(
                {},
                optional={
                    "tt": numbers,
                    "k": json_values,
                    "sg": json_values | st.lists(_segment(), max_size=3),
                },
            ),
            max_size=3,
        )
    },
    optional={"d": numbers, "m": json_values},
)
header_text = (
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=40)
    .map(str.strip)
    .filter(bool)
)


def _shaped(sid: str):
    """Near-valid bodies per route: the right keys, any values."""
    return {
        "session": st.fixed_dictionaries(
            {}, optional={"task_name": json_values, "language": json_values}
        ),
        "claim": st.fixed_dictionaries(
            {}, optional={"session_id": st.just(sid) | json_values, "task_id": json_values}
        ),
        "chat": st.fixed_dictionaries(
            {"session_id": st.just(sid) | json_values},
            optional={
                "new_message": json_values
                | st.fixed_dictionaries(
                    {
                        "parts": json_values
                        | st.lists(
                            st.fixed_dictionaries({}, optional={"text": json_values}), max_size=3
                        )
                    }
                )
            },
        ),
        "upload": st.fixed_dictionaries(
            {}, optional={"urls": json_values, "url": json_values, "source_type": json_values}
        ),
        "render": st.fixed_dictionaries(
            {"sessionId": st.just(sid) | json_values},
            optional={
                "id": json_values,
                "draft": drafts,
                "output": json_values
                | st.fixed_dictionaries(
                    {},
                    optional={
                        "quality": json_values,
                        "resolution": json_values,
                        "format": json_values,
                    },
                ),
            },
        ),
    }


ROUTES = [  # (method, path template, body kind)
    ("POST", "/api/auth/anonymous-token", None),
    ("POST", "/api/auth/claim-token", "claim"),
    ("POST", "/api/tasks/me/with-session/nemo_agent", "session"),
    ("POST", "/run_sse", "chat"),
    ("POST", "/api/upload-video/nemo_agent/me/{sid}", "upload"),
    ("POST", "/api/upload-video/nemo_agent/{text}/{sid}", "upload"),
    ("GET", "/api/credits/balance/simple", None),
    ("GET", "/api/state/nemo_agent/me/{text}/latest", None),
    ("GET", "/api/state/nemo_agent/me/{sid}/latest", None),
    ("POST", "/api/render/proxy/lambda", "render"),
    ("POST", "/api/render/proxy/draft", "render"),
    ("GET", "/api/render/proxy/lambda/{text}", None),
    ("POST", "/api/render/proxy/lambda/{text}/cancel", None),
    ("GET", "/api/render/proxy/{text}/download", None),
    ("GET", "/api/render/proxy/{text}", None),
    ("GET", "/api/captions/nemo_agent/me/{sid}", None),
    ("GET", "/media/{text}/{text}", None),
    ("GET", "/register", None),
    ("POST", "/register", None),
    ("GET", "/workspace/claim", None),
    ("GET", "/health", None),
    ("GET", "/_faults", None),
    ("POST", "/_faults", None),
]


@st.composite
def requests(draw, sid: str):
    method, template, kind = draw(st.sampled_from(ROUTES))
    chars = st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="/?#%")
    segment = draw(st.text(chars, min_size=1, max_size=30))
    path = template.replace("{sid}", sid).replace("{text}", segment, 1).replace("{text}", "x")
    params = draw(
        st.dictionaries(
            st.sampled_from(["wait", "format", "lang", "bind", "ct", "q"]), header_text, max_size=3
        )
    )
    shapes = _shaped(sid)
    body = draw(shapes[kind] if kind and draw(st.booleans()) else json_values)
    raw = draw(st.sampled_from(["json", "bytes", "none"]))
    content = (
        json.dumps(body).encode()
        if raw == "json"
        else draw(st.binary(max_size=64))
        if raw == "bytes"
        else b""
    )
    headers = draw(
        st.dictionaries(
            st.sampled_from(
                [
                    "Content-Type",
                    "X-Client-Id",
                    "Accept",
                    "Origin",
                    "X-Skill-Source",
                    "Authorization",
                ]
            ),
            header_text,
            max_size=3,
        )
    )
    return method, path, params, content, headers, draw(st.booleans())


def test_no_route_answers_500(target):
    @settings(
        max_examples=MAX_EXAMPLES * 6,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        derandomize=True,
    )
    @given(requests(target["sid"]))
    def check(req):
        method, path, params, content, headers, authed = req
        sent = {**(target["auth"] if authed else {}), **headers}
        if authed and "Authorization" in headers:
            sent["Authorization"] = target["auth"]["Authorization"]
        sent.setdefault("X-Client-Id", f"fuzz-{uuid.uuid4()}")
        try:
            r = target["client"].request(
                method, path, params=params, content=content, headers=sent, timeout=30
            )
        except httpx.ReadTimeout:
            pytest.fail(f"{method} {path} hung: {content[:80]!r}")
        assert r.status_code < 500, f"{method} {path} {params} {content[:200]!r}: {r.text[:300]}"
        if r.status_code >= 400 and "json" in r.headers.get("content-type", ""):
            assert r.json().get("message") or r.json().get("error")

    check()
    # and the engine still works after all that
    r = target["client"].get(
        f"/api/state/nemo_agent/me/{target['sid']}/latest", headers=target["auth"]
    )
    assert r.status_code == 200
