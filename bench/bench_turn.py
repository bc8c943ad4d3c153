"""Per-turn cost: a chat turn with a 2 h captioned transcript in the state vs. an empty state.

What: ``Session.chat("add a title 'Hi N' at the start")`` end to end against a real engine
(temporary data dir): the message stream, the engine reading and applying it, saving the
state and its undo step, and the client's draft refresh after the turn. CPU is this process
plus the engine process (read from ``/proc``), since the work is split between them.

Anchor: the same turn, in the same run, on a session whose state is empty (a new session).
The measured side's session holds a 2 h talk, captioned with the engine's real caption
functions on synthetic words (``tests/state_kit.py``: ~14,600 words, ~2.4 MB of state JSON),
written into the engine's database before the pairs.

Goal: CPU (and wall) <= 1.5x the anchor, median of >= 5 interleaved pairs. Each side of a
pair is ``--turns`` turns in a row (CPU clocks tick in 10 ms steps and one turn costs about
that), each adding a new title. Also checked (printed, same
verdict style): every caption word is stored once in the database (the captions part holds
as many word entries as the transcript has words).

Run: ``python bench/bench_turn.py [--quick] [--pairs N] [--turns N] [--hours H]``.
"""

from __future__ import annotations

import itertools
import sqlite3
import sys
import tempfile
from pathlib import Path

import httpx

sys.path[:0] = [
    str(Path(__file__).resolve().parent),
    str(Path(__file__).resolve().parents[1] / "tests"),
]

from _pairs import Goal, pairs_from, parser, run_pairs  # noqa: E402
from state_kit import captioned_state, put_state  # noqa: E402

import nemo_widgets as nw  # noqa: E402
from nemo_widgets.engine.launcher import ensure_engine  # noqa: E402

GOAL = Goal("<=", 1.5, "cpu")
MESSAGE = "add a title 'Hi {n}' at the start"


def stored_word_entries(db: Path) -> int:
    """Word entries (``"w":``) in the stored captions parts of every session."""
    with sqlite3.connect(db) as con:
        rows = con.execute("SELECT body FROM state_parts WHERE part LIKE 'captions/%'")
        return sum(body.count('"w":') for (body,) in rows)


def answer_bytes(url: str, session: nw.Session) -> tuple[int, int]:
    """Bytes of the whole state answer, and of the since-version answer after one more turn."""
    headers = {
        "Authorization": f"Bearer {session._client._token.reveal()}",
        "X-Skill-Source": "nemo-video",
    }
    path = f"{url}/api/state/nemo_agent/me/{session.session_id}/latest"
    before = httpx.get(path, headers=headers, timeout=60)
    session.chat(MESSAGE.format(n="last"))
    since = before.json()["data"]["state_version"]
    after = httpx.get(path, headers=headers, params={"since": since}, timeout=60)
    return len(before.content), len(after.content)


def main() -> None:
    ap = parser(__doc__)
    ap.add_argument("--hours", type=float, default=2.0, help="length of the captioned talk")
    ap.add_argument("--turns", type=int, default=10, help="chat turns per side of a pair")
    args = ap.parse_args()
    turns = max(1, 5 if args.quick else args.turns)
    pairs = pairs_from(args)
    with tempfile.TemporaryDirectory(prefix="nemo-bench-turn-") as tmp:
        data_dir = Path(tmp) / "engine"
        engine = ensure_engine(data_dir, env={"NEMO_ENGINE_WARM": "0"}, timeout=60)
        try:
            empty = nw.connect(engine.url, data_dir=data_dir)
            big = nw.connect(engine.url, data_dir=data_dir)
            state = captioned_state(args.hours * 3600, engine.url)
            words = len(state["captions"]["en"]["words"])
            put_state(data_dir, big.session_id, state)
            big.state()
            numbers = itertools.count()

            def turn(session: nw.Session) -> None:
                for _ in range(turns):
                    reply = session.chat(MESSAGE.format(n=next(numbers)))
                    if reply.text and "Added the title" not in reply.text:
                        raise SystemExit(f"the turn was not done: {reply.text[:200]}")

            result = run_pairs(
                anchor=lambda: turn(empty),
                work=lambda: turn(big),
                pairs=pairs,
                pids=lambda: [engine.pid],  # the engine's CPU counts: it does the turn
            )
            print(f"state: {args.hours:g} h talk, {words} caption words; {turns} turns a side")
            result.report(
                "chat turn, captioned state vs empty state", GOAL, anchor_name="empty state"
            )
            whole, delta = answer_bytes(engine.url, big)
            print(
                f"state answer after a turn: {delta:,} bytes since the version before it, "
                f"{whole:,} bytes whole ({delta / whole:.4f}x)"
            )
            stored = stored_word_entries(data_dir / "engine.sqlite3")
            once = stored == words
            print(
                f"caption words stored: {stored} word entries for {words} words "
                f"({stored / max(words, 1):.2f} per word)"
            )
            print(f"goal: every caption word stored once -> {'met' if once else 'NOT met'}")
        finally:
            engine.stop()


if __name__ == "__main__":
    main()
