"""The engine process: launcher reuse, start failures with the log tail, engine.json, CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest

from nemo_widgets.engine.launcher import EngineStartError, ensure_engine


def test_reuses_a_live_engine(engine):
    again = ensure_engine(engine.data_dir)
    assert again.url == engine.url and not again.owned
    again.stop()  # a reused engine is not ours to stop
    assert httpx.get(f"{engine.url}/health").status_code == 200
    info = json.loads((engine.data_dir / "engine.json").read_text())
    assert info["url"] == engine.url and isinstance(info["pid"], int)


def test_start_failure_shows_the_engine_log(tmp_path):
    with pytest.raises(EngineStartError) as exc:
        ensure_engine(tmp_path / "eng", extra_args=["--heartbeat-style", "smoke-signals"])
    assert "exited with code" in str(exc.value)
    assert "smoke-signals" in str(exc.value)  # the tail of the engine's own error


def test_port_in_use_is_a_clear_error(engine, tmp_path):
    port = int(engine.url.rsplit(":", 1)[1])
    with pytest.raises(EngineStartError) as exc:
        ensure_engine(tmp_path / "eng", port=port)
    assert "cannot listen" in str(exc.value)


def test_stale_engine_json_is_ignored_and_stop_cleans_up(tmp_path):
    data = tmp_path / "eng"
    data.mkdir()
    (data / "engine.json").write_text(json.dumps({"url": "http://127.0.0.1:9", "pid": 1}))
    handle = ensure_engine(data)
    try:
        assert handle.owned and handle.url != "http://127.0.0.1:9"
        assert httpx.get(f"{handle.url}/health").json()["pid"] == handle.pid
    finally:
        handle.stop()
    assert handle.process.returncode is not None
    assert not (data / "engine.json").exists()  # removed on a clean shutdown


def test_module_prints_its_url_and_binds_loopback(tmp_path):
    proc = subprocess.Popen(
        [sys.executable, "-m", "nemo_widgets.engine", "--data-dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ},
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        for _ in range(100):
            try:
                assert httpx.get(f"{url}/health").json()["status"] == "ok"
                break
            except httpx.TransportError:
                import time

                time.sleep(0.05)
    finally:
        proc.terminate()
        proc.wait(10)


def test_faults_from_the_environment(tmp_path):
    from engine_kit import start_engine

    eng = start_engine(tmp_path / "eng", env={"NEMO_ENGINE_FAULTS": '{"silent": "always"}'})
    try:
        assert httpx.get(f"{eng.url}/_faults").json()["data"]["faults"]["silent"] == "always"
    finally:
        eng.stop()


def test_a_second_engine_on_the_same_data_dir_refuses_to_start(engine):
    proc = subprocess.run(
        [sys.executable, "-m", "nemo_widgets.engine", "--data-dir", str(engine.data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 3
    assert "already serves" in proc.stderr and engine.url in proc.stderr
    assert httpx.get(f"{engine.url}/health").status_code == 200


def test_health_check_knows_its_engine_and_nothing_else(engine, tmp_path):
    # the launcher's check is plain http.client (no TLS context per poll): it must still tell
    # the recorded engine from another process, a closed port and a URL it cannot be
    from nemo_widgets.engine.launcher import _healthy

    pid = json.loads((engine.data_dir / "engine.json").read_text())["pid"]
    assert _healthy(engine.url, pid=pid)
    assert not _healthy(engine.url, pid=pid + 1)  # another process answers on that port
    assert not _healthy(engine.url.replace("http://", "https://"))
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    assert not _healthy(f"http://127.0.0.1:{closed}", timeout=1.0)
