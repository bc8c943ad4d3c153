"""``python -m nemo_widgets.engine`` / ``nemo-engine``: run the embedded engine on 127.0.0.1.

Prints the engine's URL on stdout once the port is bound and records ``{"url", "pid"}`` in
``<data_dir>/engine.json`` so launchers can find (and reuse) it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import sys
from pathlib import Path

from .config import HEARTBEAT_STYLES, EngineConfig


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="nemo-engine",
        description="The nemo-widgets embedded engine: a local NemoVideo-compatible server.",
    )
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    p.add_argument("--data-dir", type=Path, default=None, help="database and media folder")
    p.add_argument("--max-upload-mb", type=float, default=None, help="upload size cap (MB)")
    p.add_argument("--ip-token-cap", type=int, default=None, help="anonymous tokens per IP")
    p.add_argument(
        "--anon-credits", type=int, default=None, help="credits of a new anonymous token (100)"
    )
    p.add_argument(
        "--ration-credits",
        action="store_true",
        default=None,
        help="refuse and charge paid turns like the cloud (off: local work is free)",
    )
    p.add_argument("--heartbeat-s", type=float, default=None, help="chat heartbeat interval")
    p.add_argument("--heartbeat-style", choices=HEARTBEAT_STYLES, default=None)
    p.add_argument("--render-workers", type=int, choices=(1, 2), default=None)
    p.add_argument(
        "--enable-faults",
        action="store_true",
        default=None,
        help="answer POST /_faults (tests only)",
    )
    p.add_argument(
        "--faults", default=None, help="initial faults as JSON (also $NEMO_ENGINE_FAULTS)"
    )
    p.add_argument("--verbose", action="store_true", help="log every request")
    return p


def _write_info(path: Path, url: str) -> None:
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps({"url": url, "pid": os.getpid()}))
    os.replace(tmp, path)


def _remove_info(path: Path) -> None:
    with contextlib.suppress(OSError, ValueError):
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()


def _live_engine(path: Path) -> dict | None:
    """The engine recorded in ``engine.json`` if it is another process that still answers."""
    try:
        info = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or info.get("pid") == os.getpid() or not info.get("url"):
        return None
    import httpx

    try:
        ok = httpx.get(f"{info['url']}/health", timeout=2).json().get("pid") == info.get("pid")
    except (httpx.HTTPError, ValueError, AttributeError):
        return None
    return info if ok else None


def main(argv: list[str] | None = None) -> int:
    """Run the engine until interrupted (SIGINT / SIGTERM)."""
    # everything this process (and its ffmpeg children) writes is the user's alone: the
    # database, uploads, renders and temp files get 0600, folders 0700
    os.umask(0o077)
    args = _parser().parse_args(argv)
    import uvicorn

    from .app import create_app
    from .faults import Faults

    config = EngineConfig.from_env(
        port=args.port,
        data_dir=args.data_dir,
        max_upload_bytes=int(args.max_upload_mb * 1024 * 1024) if args.max_upload_mb else None,
        ip_token_cap=args.ip_token_cap,
        anon_credits=args.anon_credits,
        ration_credits=args.ration_credits,
        heartbeat_s=args.heartbeat_s,
        heartbeat_style=args.heartbeat_style,
        render_workers=args.render_workers,
        enable_faults=args.enable_faults,
        verbose=args.verbose or None,
    )
    faults = Faults()
    initial = args.faults or os.environ.get("NEMO_ENGINE_FAULTS")
    if initial:
        faults.update(json.loads(initial))

    config.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    other = _live_engine(config.info_path)
    if other:
        # two engines on one data dir would fight over renders and state; use the live one
        print(
            f"nemo-engine: another engine (pid {other['pid']}) already serves {config.data_dir} "
            f"at {other['url']}; use it, or stop it first.",
            file=sys.stderr,
        )
        return 3
    # bind first, so port 0 becomes a real port we can announce before serving
    # (proto IPPROTO_TCP so asyncio sets TCP_NODELAY on accepted sockets; with proto 0 it
    # does not, and Nagle + delayed ACK add ~40 ms to every keep-alive response)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((config.host, config.port))
    except OSError as exc:
        print(f"nemo-engine: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
        return 2
    sock.listen(128)
    port = sock.getsockname()[1]
    url = f"http://{config.host}:{port}"
    app = create_app(config, url, faults)

    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="info" if config.verbose else "warning",
            access_log=config.verbose,
            timeout_graceful_shutdown=3,
            lifespan="on",
        )
    )
    info = config.info_path
    _write_info(info, url)
    print(url, flush=True)
    # uvicorn re-raises SIGTERM after its graceful shutdown; turning it into SystemExit here
    # lets the cleanup below run (engine.json removed, database closed)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        server.run(sockets=[sock])
    finally:
        _remove_info(info)
        app.state.store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
