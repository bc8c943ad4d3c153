"""A session state kept as versioned parts: what the store writes, keeps in memory and sends.

The state splits into parts (``schema.state_parts``: each draft track, each captions language,
each other key). A part is written only when it changed, under the state's new version; the
store remembers, for every part, the version its body was written at and the version it last
changed at, so a client that holds version V is sent only the parts changed since V.

Undo steps refer to part bodies by ``(name, version)`` instead of copying them, so recording a
step costs what the step changed, not the size of the state. Caption words are stored once: a
cue names the run of its language's words it shows (``$wi``) instead of repeating them.

Values handed out are shared between the cache, the undo history and every caller: code that
changes the state assigns new values (the draft model, new dicts) and never edits one in place.
``NEMO_ENGINE_CHECK_STATE=1`` (set by the test suite) checks that on every read and write.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from .. import schema

#: Parts whose bodies pack caption words (``captions/<lang>``).
_CAPTIONS_PREFIX = schema.STATE_CAPTIONS + "/"
#: A packed cue's run of words: ``[first, end)`` indexes into its language's ``words``.
_WORD_RUN = "$wi"
#: Marks an undo step stored as parts (earlier versions stored whole values).
_STEP_PARTS = "$parts"
_REF = "$ref"
#: Verify that no shared value was changed in place (costly: tests only).
CHECK = os.environ.get("NEMO_ENGINE_CHECK_STATE", "") not in ("", "0")

Key = tuple[str, int]  # (part name, body version)


def payload(name: str, part: Any) -> Any:
    """The value a part's body holds: a key's value, or a track or language entry itself."""
    if "/" in name or is_skeleton(part):
        return part
    return part[schema.PART_VALUE]


def is_skeleton(part: Any) -> bool:
    return isinstance(part, dict) and schema.PART_ITEMS in part


# -- bodies: JSON text of one part, caption words once -------------------------------------------
def pack_words(entry: Any) -> Any:
    """A captions entry whose cues name their runs of ``words`` instead of copying them.

    A cue's words are the next run of the entry's words (how cues are built); a cue whose
    words are not (an entry edited by hand) keeps its own copy.
    """
    if not isinstance(entry, dict):
        return entry
    words, cues = entry.get("words"), entry.get("cues")
    if not isinstance(words, list) or not isinstance(cues, list):
        return entry
    packed, at = [], 0
    for cue in cues:
        cw = cue.get("words") if isinstance(cue, dict) else None
        if isinstance(cw, list) and cw and words[at : at + len(cw)] == cw:
            run = {_WORD_RUN: [at, len(cw)]}
            packed.append({k: v for k, v in cue.items() if k != "words"} | run)
            at += len(cw)
        else:
            packed.append(cue)
    return {**entry, "cues": packed}


def unpack_words(entry: Any) -> Any:
    """The inverse of :func:`pack_words`: each cue's words are its run of the entry's words."""
    if not isinstance(entry, dict) or not isinstance(entry.get("cues"), list):
        return entry
    words = entry.get("words") or []
    cues = []
    for cue in entry["cues"]:
        if isinstance(cue, dict) and _WORD_RUN in cue:
            first, n = cue[_WORD_RUN]
            cue = {k: v for k, v in cue.items() if k != _WORD_RUN}
            cue["words"] = words[first : first + n]
        cues.append(cue)
    return {**entry, "cues": cues}


def dump_body(name: str, value: Any) -> str:
    if name.startswith(_CAPTIONS_PREFIX):
        value = pack_words(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def load_body(name: str, text: str) -> Any:
    value = json.loads(text)
    return unpack_words(value) if name.startswith(_CAPTIONS_PREFIX) else value


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


# -- the cached state of one session -------------------------------------------------------------
@dataclass
class Cached:
    """One session's state as the store last read or wrote it."""

    version: int = 0
    #: part name -> [version its body was written at, version it last changed at]
    index: dict[str, list[int]] = field(default_factory=dict)
    #: part name -> current part (skeletons are small dicts; others are the shared values)
    parts: dict[str, Any] = field(default_factory=dict)
    #: every stored part still referenced (current state and undo steps)
    bodies: dict[Key, Any] = field(default_factory=dict)
    #: id(payload) -> its part's body, to refer to a value the store already holds
    ids: dict[int, Key] = field(default_factory=dict)
    history_text: str = "[]"
    history: list[dict[str, Any]] = field(default_factory=list)
    #: bodies' canonical JSON when they were stored (CHECK mode only)
    canon: dict[Key, str] = field(default_factory=dict)
    base_url: str = ""

    def remember(self, key: Key, part: Any) -> None:
        self.bodies[key] = part
        self.ids[id(payload(key[0], part))] = key
        if CHECK:
            self.canon[key] = canonical(part)

    def known(self, name: str, part: Any) -> Key | None:
        """The stored body that holds ``part``'s very value, if any (skeletons never match)."""
        if is_skeleton(part) and "/" not in name:
            return None
        value = payload(name, part)
        key = self.ids.get(id(value))
        if key is None or key[0] != name or key not in self.bodies:
            return None
        return key if payload(name, self.bodies[key]) is value else None

    def forget(self, keys: set[Key]) -> None:
        for key in keys:
            part = self.bodies.pop(key, None)
            if part is not None and self.ids.get(id(payload(key[0], part))) == key:
                del self.ids[id(payload(key[0], part))]
            self.canon.pop(key, None)

    def state(self) -> dict[str, Any]:
        return schema.joined_state(self.parts)

    def check(self, where: str) -> None:
        """Raise if a stored value was changed in place since it was stored (CHECK mode)."""
        if not CHECK:
            return
        for key, text in self.canon.items():
            if canonical(self.bodies[key]) != text:
                raise AssertionError(
                    f"state part {key[0]!r} (version {key[1]}) was changed in place ({where}): "
                    "assign a new value instead"
                )


def refs_of(history: list[dict[str, Any]]) -> set[Key]:
    """The bodies encoded undo steps refer to."""
    out: set[Key] = set()
    for entry in history:
        keys = entry.get("undo", entry.get("redo"))
        if isinstance(keys, dict) and isinstance(keys.get(_STEP_PARTS), dict):
            for name, part in keys[_STEP_PARTS].items():
                if isinstance(part, dict) and _REF in part:
                    out.add((name, int(part[_REF])))
    return out


def encode_step(keys: dict[str, Any], store_body: Any) -> dict[str, Any]:
    """An undo step's values as parts: skeletons inline, every other part a body reference.

    ``store_body(name, part) -> Key`` returns the body that holds a part (writing it if new).
    """
    out: dict[str, Any] = {}
    for name, part in schema.state_parts(keys).items():
        if is_skeleton(part) and "/" not in name:
            out[name] = part
        else:
            out[name] = {_REF: store_body(name, part)[1]}
    return {_STEP_PARTS: out}


def decode_step(keys: Any, body: Any) -> Any:
    """The values of an encoded step (``body(name, version)`` gives a stored part)."""
    if not (isinstance(keys, dict) and isinstance(keys.get(_STEP_PARTS), dict)):
        return keys  # written by an earlier version: whole values
    parts: dict[str, Any] = {}
    for name, part in keys[_STEP_PARTS].items():
        is_ref = isinstance(part, dict) and _REF in part and len(part) == 1
        parts[name] = body(name, int(part[_REF])) if is_ref else part
    return schema.joined_state(parts)


__all__ = [
    "CHECK",
    "Cached",
    "Key",
    "canonical",
    "decode_step",
    "dump_body",
    "encode_step",
    "is_skeleton",
    "load_body",
    "pack_words",
    "payload",
    "refs_of",
    "unpack_words",
]
