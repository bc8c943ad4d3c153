"""The engine's durable memory in SQLite: tokens, sessions and their state, files, renders, credits.

One connection shared by all threads behind a lock: every operation is a short statement, so the
lock is never held long, and WAL keeps readers from blocking on a writer. Media files live in
the data directory beside the database; rows only name them.

Bearer secrets (API tokens, claim tokens) are kept only as SHA-256 hashes: whoever reads the
database cannot use what it holds. A database written by an earlier version with plain-text
tokens is migrated when it is opened.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from .. import schema
from . import state_parts as sp

SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS users (
    user_id TEXT PRIMARY KEY,
    created_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (
    token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    client_id TEXT NOT NULL,
    ip TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS tokens_client ON tokens(client_id);
CREATE INDEX IF NOT EXISTS tokens_ip ON tokens(ip, created_at);
CREATE TABLE IF NOT EXISTS sessions (
    session_id TEXT PRIMARY KEY,
    task_id TEXT NOT NULL,
    task_name TEXT NOT NULL,
    user_id TEXT NOT NULL,
    language TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    state TEXT NOT NULL,
    history TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE IF NOT EXISTS files (
    file_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    filename TEXT NOT NULL,
    stored_name TEXT NOT NULL UNIQUE,
    file_type TEXT NOT NULL,
    mime TEXT NOT NULL,
    size INTEGER NOT NULL,
    hash TEXT NOT NULL,
    duration REAL,
    width INTEGER,
    height INTEGER,
    fps REAL,
    has_audio INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS files_session ON files(session_id);
CREATE TABLE IF NOT EXISTS renders (
    render_id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    status TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    quality TEXT NOT NULL,
    resolution TEXT,
    draft TEXT NOT NULL,
    output_name TEXT,
    size INTEGER,
    duration REAL,
    created_at REAL NOT NULL,
    started_at REAL,
    finished_at REAL
);
CREATE TABLE IF NOT EXISTS ledger (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id TEXT NOT NULL,
    delta INTEGER NOT NULL,
    reason TEXT NOT NULL,
    session_id TEXT,
    ts REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_user ON ledger(user_id);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS state_parts (
    body_id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    part TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS state_parts_session ON state_parts(session_id);
CREATE TABLE IF NOT EXISTS claims (
    claim_token TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    task_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    created_at REAL NOT NULL,
    expires_at REAL NOT NULL
);
"""

#: Media URLs written by an earlier run of the engine (another port); rewritten on read.
_OLD_MEDIA_URL = re.compile(r"http://127\.0\.0\.1:\d+/media/")

#: How many earlier drafts "undo" can go back through.
HISTORY_LIMIT = 20
#: How many sessions' states are kept in memory (the others are read again when used).
CACHED_SESSIONS = 16


def _private_files(db_path: Path) -> None:
    """The database and its WAL/SHM files readable by their owner only (0600)."""
    for suffix in ("", "-wal", "-shm"):
        p = db_path.with_name(db_path.name + suffix)
        with suppress(OSError):
            os.chmod(p, 0o600)


def empty_state() -> dict[str, Any]:
    """The state of a new session: nothing uploaded, an empty draft."""
    return {
        schema.STATE_DRAFT: {},
        schema.STATE_VIDEO_INFOS: [],
        schema.STATE_CANVAS: {},
        schema.STATE_ANALYSES: {},
        schema.STATE_GENERATED: [],
    }


#: Prefix of a stored secret's hash (a plain-text token of an older database has none).
_HASHED = "sha256:"


def secret_hash(secret: str) -> str:
    """What the store keeps of a bearer secret: ``sha256:<hex>`` (lookups hash the same way)."""
    return _HASHED + hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def new_session_id() -> str:
    """A 19-digit numeric string like the cloud's snowflake ids (first digit never 0)."""
    return str(secrets.randbelow(9 * 10**18) + 10**18)


class Store:
    """SQLite-backed records of one engine data directory.

    Parameters
    ----------
    path
        The database file; created with its tables when missing.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.base_url = ""  # set once the server knows its port; used to rebase media URLs
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(SCHEMA_SQL)
        self._add_state_columns()
        #: the states of the sessions used last (values shared with callers; see state_parts)
        self._cache: OrderedDict[str, sp.Cached] = OrderedDict()
        self._hash_plain_secrets()
        self.instance_id = self._instance_id()
        _private_files(path)

    def _hash_plain_secrets(self) -> None:
        """Migrate a database that kept tokens (and claim tokens) in plain text: hash them."""
        migrated = 0
        with self._tx() as db:
            for table, column in (("tokens", "token"), ("claims", "claim_token")):
                rows = db.execute(
                    f"SELECT {column} FROM {table} WHERE {column} NOT LIKE ?", (_HASHED + "%",)
                ).fetchall()
                for (plain,) in rows:
                    db.execute(
                        f"UPDATE {table} SET {column}=? WHERE {column}=?",
                        (secret_hash(plain), plain),
                    )
                migrated += len(rows)
        if migrated:
            # the plain text may survive in free pages and in the WAL: rewrite both
            with self._lock:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                self._db.execute("VACUUM")
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def _add_state_columns(self) -> None:
        """Columns of the state in parts, added to a database written by an earlier version
        (its sessions' whole states are split into parts when first read)."""
        have = {r[1] for r in self._db.execute("PRAGMA table_info(sessions)")}
        with self._tx() as db:
            if "state_version" not in have:
                db.execute(
                    "ALTER TABLE sessions ADD COLUMN state_version INTEGER NOT NULL DEFAULT 0"
                )
            if "state_index" not in have:
                db.execute("ALTER TABLE sessions ADD COLUMN state_index TEXT")

    def _instance_id(self) -> str:
        """A random id of this data directory, made once: clients key their memory by it."""
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key='instance'").fetchone()
            if row is not None:
                return str(row[0])
            value = "eng_" + secrets.token_hex(8)
            db.execute("INSERT INTO meta VALUES ('instance', ?)", (value,))
            return value

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(sql, args).fetchone()
        return dict(row) if row else None

    def _all(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._db.execute(sql, args).fetchall()]

    def _rebase(self, text: str) -> str:
        if self.base_url:
            return _OLD_MEDIA_URL.sub(self.base_url + "/media/", text)
        return text

    # -- tokens and users -----------------------------------------------------------------------
    def live_token_for_client(self, client_id: str, now: float) -> dict[str, Any] | None:
        return self._one(
            "SELECT * FROM tokens WHERE client_id=? AND expires_at>? "
            "ORDER BY created_at DESC LIMIT 1",
            client_id,
            now,
        )

    def expire_client_tokens(self, client_id: str, now: float) -> None:
        """End every live token of ``client_id`` (a new one replaces them)."""
        with self._tx() as db:
            db.execute(
                "UPDATE tokens SET expires_at=? WHERE client_id=? AND expires_at>?",
                (now, client_id, now),
            )

    def tokens_from_ip_since(self, ip: str, since: float) -> int:
        row = self._one("SELECT COUNT(*) AS n FROM tokens WHERE ip=? AND created_at>?", ip, since)
        return int(row["n"]) if row else 0

    def user_for_client(self, client_id: str) -> str | None:
        """The anonymous user a client id had before, so credits survive token renewal."""
        row = self._one(
            "SELECT user_id FROM tokens WHERE client_id=? ORDER BY created_at DESC LIMIT 1",
            client_id,
        )
        return row["user_id"] if row else None

    def create_token(
        self, client_id: str, ip: str, ttl_s: float, credits: int, now: float
    ) -> dict[str, Any]:
        """A new ``nmv_usr_`` token; a client id seen before keeps its user and balance."""
        token = schema.TOKEN_PREFIX + secrets.token_urlsafe(32)
        user_id = self.user_for_client(client_id)
        with self._tx() as db:
            if user_id is None:
                user_id = "anon_" + secrets.token_hex(8)
                db.execute("INSERT INTO users VALUES (?, ?)", (user_id, now))
                db.execute(
                    "INSERT INTO ledger (user_id, delta, reason, session_id, ts) "
                    "VALUES (?, ?, 'welcome', NULL, ?)",
                    (user_id, credits, now),
                )
            db.execute(
                "INSERT INTO tokens VALUES (?, ?, ?, ?, ?, ?)",
                (secret_hash(token), user_id, client_id, ip, now, now + ttl_s),
            )
        # the only moment the token exists in plain text: handed to the caller, never stored
        return {"token": token, "user_id": user_id, "expires_at": now + ttl_s}

    def token(self, token: str) -> dict[str, Any] | None:
        """The row of a presented token (found by its hash); None when unknown."""
        return self._one("SELECT * FROM tokens WHERE token=?", secret_hash(token))

    def expire_tokens(self, token: str | None = None) -> int:
        """Make one token (or every token) expired now; used by fault injection."""
        with self._tx() as db:
            if token:
                cur = db.execute(
                    "UPDATE tokens SET expires_at=? WHERE token=?",
                    (time.time() - 1, secret_hash(token)),
                )
            else:
                cur = db.execute("UPDATE tokens SET expires_at=?", (time.time() - 1,))
            return cur.rowcount

    # -- credits --------------------------------------------------------------------------------
    def balance(self, user_id: str) -> int:
        row = self._one("SELECT COALESCE(SUM(delta), 0) AS b FROM ledger WHERE user_id=?", user_id)
        return int(row["b"]) if row else 0

    def charge(self, user_id: str, amount: int, reason: str, session_id: str | None) -> None:
        if amount <= 0:
            return
        with self._tx() as db:
            db.execute(
                "INSERT INTO ledger (user_id, delta, reason, session_id, ts) VALUES (?,?,?,?,?)",
                (user_id, -amount, reason, session_id, time.time()),
            )

    def set_balance(self, user_id: str, amount: int) -> None:
        """Adjust the ledger so the balance is ``amount`` (fault injection / tests)."""
        delta = amount - self.balance(user_id)
        if delta:
            with self._tx() as db:
                db.execute(
                    "INSERT INTO ledger (user_id, delta, reason, session_id, ts) "
                    "VALUES (?, ?, 'adjust', NULL, ?)",
                    (user_id, delta, time.time()),
                )

    def user_exists(self, user_id: str) -> bool:
        return self._one("SELECT 1 AS x FROM users WHERE user_id=?", user_id) is not None

    def granted(self, user_id: str, reason: str) -> bool:
        """Whether ``user_id`` already received a grant recorded as ``reason``."""
        row = self._one("SELECT 1 AS x FROM ledger WHERE user_id=? AND reason=?", user_id, reason)
        return row is not None

    def grant_once(self, user_id: str, amount: int, reason: str) -> bool:
        """Credit ``amount`` to ``user_id`` unless a grant with ``reason`` exists; True if granted.

        Check and insert share one transaction, so two concurrent requests grant once.
        """
        with self._tx() as db:
            seen = db.execute(
                "SELECT 1 FROM ledger WHERE user_id=? AND reason=?", (user_id, reason)
            ).fetchone()
            if seen is not None:
                return False
            db.execute(
                "INSERT INTO ledger (user_id, delta, reason, session_id, ts) "
                "VALUES (?, ?, ?, NULL, ?)",
                (user_id, amount, reason, time.time()),
            )
        return True

    # -- sessions -------------------------------------------------------------------------------
    def create_session(self, user_id: str, task_name: str, language: str) -> dict[str, Any]:
        now = time.time()
        sid = new_session_id()
        task_id = "task_" + secrets.token_hex(8)
        with self._tx() as db:
            db.execute(
                "INSERT INTO sessions (session_id, task_id, task_name, user_id, language, "
                "created_at, updated_at, state, history) VALUES (?, ?, ?, ?, ?, ?, ?, '', '[]')",
                (sid, task_id, task_name, user_id, language, now, now),
            )
            self._write_state(db, sid, sp.Cached(), empty_state(), [])
        return {"session_id": sid, "task_id": task_id, "user_id": user_id}

    def session(self, session_id: str) -> dict[str, Any] | None:
        row = self._one(
            "SELECT session_id, task_id, task_name, user_id, language, created_at, updated_at "
            "FROM sessions WHERE session_id=?",
            session_id,
        )
        return row

    def forget_session(self, session_id: str | None = None) -> int:
        """Delete a session (or all) as if the cloud had dropped it; fault injection."""
        with self._tx() as db:
            if session_id:
                self._cache.pop(session_id, None)
                db.execute("DELETE FROM state_parts WHERE session_id=?", (session_id,))
                return db.execute("DELETE FROM sessions WHERE session_id=?", (session_id,)).rowcount
            self._cache.clear()
            db.execute("DELETE FROM state_parts")
            return db.execute("DELETE FROM sessions").rowcount

    def state(self, session_id: str) -> dict[str, Any]:
        """The session's state (``KeyError`` when unknown).

        Its values are shared with the store and its undo steps: change the state by assigning
        new values to its keys, never by editing a value in place.
        """
        with self._lock:
            cached = self._load(session_id)
            cached.check("read")
            return cached.state()

    def versioned_state(self, session_id: str) -> tuple[int, dict[str, Any]]:
        """``(version, state)`` read together."""
        with self._lock:
            cached = self._load(session_id)
            cached.check("read")
            return cached.version, cached.state()

    def state_since(
        self, session_id: str, since: int
    ) -> tuple[int, dict[str, int], dict[str, Any]] | None:
        """``(version, index, parts)``: the parts that changed after version ``since``.

        ``index`` names every current part with the version it last changed at. None when
        ``since`` is not a version this state has had (the caller then sends it whole).
        """
        with self._lock:
            cached = self._load(session_id)
            cached.check("read")
            if not 0 < since <= cached.version:
                return None
            index = {name: at for name, (_, at) in cached.index.items()}
            changed = {n: cached.parts[n] for n, at in index.items() if at > since}
            return cached.version, index, changed

    def history(self, session_id: str) -> list[dict[str, Any]]:
        """The undo steps (``History.to_list``), their values shared like :meth:`state`'s."""
        with self._lock:
            try:
                return list(self._load(session_id).history)
            except KeyError:
                return []

    def save_state(
        self,
        session_id: str,
        state: dict[str, Any],
        history: list[dict[str, Any]] | None = None,
    ) -> None:
        """Write the parts of ``state`` that changed (and, when given, the undo history).

        One transaction; a part equal to the stored one is not written again, and undo steps
        refer to stored bodies rather than copying them.
        """
        with self._tx() as db:
            cached = self._load(session_id)
            cached.check("before saving")
            self._write_state(db, session_id, cached, state, history)

    def _load(self, session_id: str) -> sp.Cached:
        """The cached state, read again from the database when another writer changed it."""
        row = self._db.execute(
            "SELECT state_version, state_index, state, history FROM sessions WHERE session_id=?",
            (session_id,),
        ).fetchone()
        if row is None:
            self._cache.pop(session_id, None)
            raise KeyError(session_id)
        cached = self._cache.get(session_id)
        if (
            cached is not None
            and cached.version == row["state_version"]
            and cached.base_url == self.base_url
            and row["state_index"] is not None
        ):
            self._cache.move_to_end(session_id)
            return cached
        if row["state_index"] is None:  # an earlier version's whole state: split it once
            from .timeline import History

            legacy = json.loads(self._rebase(row["state"] or "{}"))
            history = History.from_list(json.loads(self._rebase(row["history"] or "[]")))
            if self._db.in_transaction:
                self._write_state(self._db, session_id, sp.Cached(), legacy, history.to_list())
            else:
                with self._tx() as db:
                    self._write_state(db, session_id, sp.Cached(), legacy, history.to_list())
            return self._cache[session_id]
        old = cached if cached is not None and cached.base_url == self.base_url else sp.Cached()
        fresh = sp.Cached(version=row["state_version"], base_url=self.base_url)

        def body(name: str, body_id: int) -> Any:
            key = (name, body_id)
            if key in fresh.bodies:
                return fresh.bodies[key]
            if key in old.bodies:  # unchanged since this store last read it: not parsed again
                value = old.bodies[key]
            else:
                got = self._db.execute(
                    "SELECT body FROM state_parts WHERE body_id=? AND session_id=? AND part=?",
                    (body_id, session_id, name),
                ).fetchone()
                if got is None:
                    raise KeyError(f"{session_id}: state part {name} #{body_id} is missing")
                value = sp.load_body(name, self._rebase(got[0]))
            fresh.remember(key, value)
            return value

        fresh.index = {name: list(v) for name, v in json.loads(row["state_index"]).items()}
        for name, (body_id, _) in fresh.index.items():
            fresh.parts[name] = body(name, body_id)
        fresh.history_text = row["history"] or "[]"
        fresh.history = [
            {**e, kind: sp.decode_step(e[kind], body)}
            for e in json.loads(self._rebase(fresh.history_text))
            for kind in ("undo", "redo")
            if isinstance(e, dict) and kind in e
        ]
        self._keep(session_id, fresh)
        return fresh

    def _write_state(
        self,
        db: sqlite3.Connection,
        session_id: str,
        cached: sp.Cached,
        state: dict[str, Any],
        history: list[dict[str, Any]] | None,
    ) -> None:
        version = cached.version + 1
        new = sp.Cached(version=version, base_url=self.base_url)
        new.bodies, new.ids, new.canon = dict(cached.bodies), dict(cached.ids), dict(cached.canon)
        wrote = False

        def store_body(name: str, part: Any) -> sp.Key:
            nonlocal wrote
            key = new.known(name, part)
            if key is None:
                cur = db.execute(
                    "INSERT INTO state_parts (session_id, part, body) VALUES (?, ?, ?)",
                    (session_id, name, sp.dump_body(name, part)),
                )
                key = (name, int(cur.lastrowid or 0))
                new.remember(key, part)
                wrote = True
            return key

        for name, part in schema.state_parts(state).items():
            old = cached.parts.get(name)
            if name in cached.index and (part is old or part == old):
                new.index[name], new.parts[name] = list(cached.index[name]), old
                continue
            key = store_body(name, part)
            new.index[name], new.parts[name] = [key[1], version], new.bodies[key]
        changed = new.index != cached.index
        if history is None:
            new.history, new.history_text = cached.history, cached.history_text
        else:
            new.history = history[-HISTORY_LIMIT:]
            encoded = [
                {**e, kind: sp.encode_step(e[kind], store_body)}
                for e in new.history
                for kind in ("undo", "redo")
                if kind in e
            ]
            new.history_text = json.dumps(encoded, separators=(",", ":"), ensure_ascii=False)
            changed = changed or new.history_text != cached.history_text
        if not changed and not wrote and cached.index:
            return
        db.execute(
            "UPDATE sessions SET state_version=?, state_index=?, history=?, updated_at=? "
            "WHERE session_id=?",
            (
                version,
                json.dumps(new.index, separators=(",", ":")),
                new.history_text,
                time.time(),
                session_id,
            ),
        )
        # bodies neither the state nor an undo step refers to any more are dropped
        keep = {(n, v) for n, (v, _) in new.index.items()} | sp.refs_of(
            json.loads(new.history_text)
        )
        gone = {
            (r[0], r[1])
            for r in db.execute(
                "SELECT part, body_id FROM state_parts WHERE session_id=?", (session_id,)
            )
        } - keep
        db.executemany("DELETE FROM state_parts WHERE body_id=?", [(b,) for _, b in gone])
        new.forget(gone | (set(new.bodies) - keep))
        self._keep(session_id, new)

    def _keep(self, session_id: str, cached: sp.Cached) -> None:
        self._cache[session_id] = cached
        self._cache.move_to_end(session_id)
        while len(self._cache) > CACHED_SESSIONS:
            self._cache.popitem(last=False)

    # -- claims ---------------------------------------------------------------------------------
    def create_claim(self, user_id: str, task_id: str, session_id: str, ttl_s: float) -> str:
        claim = "clm_" + secrets.token_urlsafe(24)
        now = time.time()
        with self._tx() as db:
            db.execute(
                "INSERT INTO claims VALUES (?, ?, ?, ?, ?, ?)",
                (secret_hash(claim), user_id, task_id, session_id, now, now + ttl_s),
            )
        return claim

    def claim(self, claim_token: str, now: float | None = None) -> dict[str, Any] | None:
        """The claim row of ``claim_token`` while it is valid; None when unknown or expired."""
        return self._one(
            "SELECT * FROM claims WHERE claim_token=? AND expires_at>?",
            secret_hash(claim_token),
            time.time() if now is None else now,
        )

    # -- files ----------------------------------------------------------------------------------
    def add_file(self, record: dict[str, Any]) -> None:
        cols = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        with self._tx() as db:
            db.execute(f"INSERT INTO files ({cols}) VALUES ({marks})", tuple(record.values()))

    def delete_files(self, file_ids: list[str]) -> None:
        if not file_ids:
            return
        marks = ", ".join("?" for _ in file_ids)
        with self._tx() as db:
            db.execute(f"DELETE FROM files WHERE file_id IN ({marks})", tuple(file_ids))

    def files(self, session_id: str) -> list[dict[str, Any]]:
        return self._all("SELECT * FROM files WHERE session_id=? ORDER BY created_at", session_id)

    # -- renders --------------------------------------------------------------------------------
    def add_render(self, record: dict[str, Any]) -> bool:
        """Insert a render job; False when the id is already taken."""
        cols = ", ".join(record)
        marks = ", ".join("?" for _ in record)
        try:
            with self._tx() as db:
                db.execute(f"INSERT INTO renders ({cols}) VALUES ({marks})", tuple(record.values()))
        except sqlite3.IntegrityError:
            return False
        return True

    def render(self, render_id: str) -> dict[str, Any] | None:
        return self._one("SELECT * FROM renders WHERE render_id=?", render_id)

    def renders_for_session(self, session_id: str) -> list[dict[str, Any]]:
        """Every render job of a session, oldest first."""
        return self._all("SELECT * FROM renders WHERE session_id=? ORDER BY created_at", session_id)

    def update_render(self, render_id: str, **fields: Any) -> None:
        sets = ", ".join(f"{k}=?" for k in fields)
        with self._tx() as db:
            db.execute(
                f"UPDATE renders SET {sets} WHERE render_id=?", (*fields.values(), render_id)
            )

    def fail_unfinished_renders(self, reason: str) -> int:
        """Mark jobs a previous run left pending/processing as failed (never stuck)."""
        with self._tx() as db:
            return db.execute(
                "UPDATE renders SET status=?, error=?, finished_at=? WHERE status IN (?, ?)",
                (
                    schema.RENDER_FAILED,
                    reason,
                    time.time(),
                    schema.RENDER_PENDING,
                    schema.RENDER_PROCESSING,
                ),
            ).rowcount
