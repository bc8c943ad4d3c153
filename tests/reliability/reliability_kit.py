"""Helpers of the reliability suite (a module name no other folder shares; see engine_kit)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from engine_kit import Engine


def upload(eng: Engine, token: str, sid: str, path: Path) -> dict[str, Any]:
    """Upload ``path`` into session ``sid``; the file record (``cdn_url``, ``duration``...)."""
    with eng.client(token) as c, open(path, "rb") as fh:
        r = c.post(
            f"/api/upload-video/nemo_agent/me/{sid}", files={"files": (path.name, fh, "video/mp4")}
        )
    assert r.status_code == 200, r.text
    return r.json()["data"]["files"][0]


def session_with_clip(eng: Engine, clip: Path) -> dict[str, Any]:
    """A fresh account and session holding ``clip``: token, session id, file and draft."""
    tok = eng.new_token()
    sess = eng.new_session(tok["token"])
    sid = sess["session_id"]
    f = upload(eng, tok["token"], sid, clip)
    with eng.client(tok["token"]) as c:
        draft = c.get(f"/api/state/nemo_agent/me/{sid}/latest").json()["data"]["state"]["draft"]
    return {"token": tok["token"], "user_id": tok["user_id"], "sid": sid, "file": f, "draft": draft}


def submit(eng: Engine, token: str, body: dict[str, Any]) -> httpx.Response:
    with eng.client(token) as c:
        return c.post("/api/render/proxy/lambda", json=body)


def wait_for(
    condition: Callable[[], Any], *, timeout_s: float = 120.0, every_s: float = 0.1, what: str = ""
) -> Any:
    """Poll ``condition()`` until it is truthy; fail after ``timeout_s`` of wall-clock time."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"not within {timeout_s:g} s: {what or condition}")
        time.sleep(every_s)
