"""Settings of one engine process: where it keeps data, its limits, and test switches."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import schema

#: Where the engine keeps its database and media when no data dir is given.
DEFAULT_DATA_DIR = Path("~/.local/share/nemo-widgets/engine")

HEARTBEAT_STYLES = ("comment", "empty", "json")


def default_data_dir() -> Path:
    """``$NEMO_ENGINE_DIR``, else ``~/.local/share/nemo-widgets/engine``."""
    return Path(os.environ.get("NEMO_ENGINE_DIR") or DEFAULT_DATA_DIR).expanduser()


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def _env_float(name: str, default: float) -> float:
    value = os.environ.get(name)
    return float(value) if value else default


@dataclass
class EngineConfig:
    """Everything an engine process can be told at start (CLI flags or ``NEMO_ENGINE_*``)."""

    data_dir: Path = field(default_factory=default_data_dir)
    host: str = "127.0.0.1"
    port: int = 0
    max_upload_bytes: int = schema.MAX_UPLOAD_BYTES
    #: distinct anonymous tokens one IP may obtain per token lifetime (cloud: 10 per 7 days)
    ip_token_cap: int = 10
    token_ttl_s: int = schema.TOKEN_TTL_S
    anon_credits: int = schema.ANON_CREDITS
    #: Refuse paid turns without credits (2001) and charge them, like the cloud. Off by
    #: default: a local engine is free, so it never refuses work for credits (the balance
    #: stays where it is); tests of the 2001 paths and cloud-like budgets switch it on.
    ration_credits: bool = False
    heartbeat_s: float = 5.0
    heartbeat_style: str = "comment"  # comment | empty | json (see HEARTBEAT_STYLES)
    render_workers: int = 1
    url_timeout_s: float = 120.0
    #: URL uploads from loopback/private hosts are refused unless this is set (tests only)
    allow_private_urls: bool = False
    #: ``POST /_faults`` answers only when this is set (tests); faults may also come from
    #: ``NEMO_ENGINE_FAULTS`` (JSON) at start
    enable_faults: bool = False
    verbose: bool = False

    @classmethod
    def from_env(cls, **overrides: object) -> EngineConfig:
        """Defaults, then ``NEMO_ENGINE_*`` environment variables, then ``overrides``."""
        cfg = cls(
            max_upload_bytes=_env_int("NEMO_ENGINE_MAX_UPLOAD_BYTES", schema.MAX_UPLOAD_BYTES),
            ip_token_cap=_env_int("NEMO_ENGINE_IP_TOKEN_CAP", 10),
            anon_credits=_env_int("NEMO_ENGINE_ANON_CREDITS", schema.ANON_CREDITS),
            ration_credits=os.environ.get("NEMO_ENGINE_RATION_CREDITS", "") == "1",
            heartbeat_s=_env_float("NEMO_ENGINE_HEARTBEAT_S", 5.0),
            heartbeat_style=os.environ.get("NEMO_ENGINE_HEARTBEAT_STYLE", "comment"),
            render_workers=_env_int("NEMO_ENGINE_RENDER_WORKERS", 1),
            allow_private_urls=os.environ.get("NEMO_ENGINE_ALLOW_PRIVATE_URLS", "") == "1",
            enable_faults=os.environ.get("NEMO_ENGINE_ENABLE_FAULTS", "") == "1",
        )
        for key, value in overrides.items():
            if value is not None:
                setattr(cfg, key, value)
        cfg.data_dir = Path(cfg.data_dir).expanduser().resolve()
        if cfg.heartbeat_style not in HEARTBEAT_STYLES:
            raise ValueError(
                f"heartbeat style {cfg.heartbeat_style!r} is not one of {HEARTBEAT_STYLES}"
            )
        return cfg

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "media" / "uploads"

    @property
    def renders_dir(self) -> Path:
        return self.data_dir / "media" / "renders"

    @property
    def tmp_dir(self) -> Path:
        return self.data_dir / "tmp"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "engine.sqlite3"

    @property
    def info_path(self) -> Path:
        return self.data_dir / "engine.json"
