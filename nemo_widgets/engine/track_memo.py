"""Long timeline tracks remembered by object identity: read once, written once, facts once.

A chat turn reads the draft into the timeline model and writes it back; a 2 h caption track
has ~15,000 segments, so doing that per turn made every edit cost the transcript's length.
Tracks are immutable and the stored state shares unchanged values between turns
(``state_parts.py``), so a long track's dict and its :class:`~.timeline.Track` are remembered
both ways (``Track.from_dict`` of that very dict gives that very track, and ``to_dict`` of the
track gives the dict back, which the store then sees as unchanged), and facts about a track
(its end, whether it is in order, its highest id number) are worked out once per track.

Entries hold both objects, so an id is never reused while remembered; the oldest go first.
``NEMO_ENGINE_CHECK_STATE=1`` (the test suite) checks every hit against the track's own dict.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .timeline import Track

#: Tracks with at least this many segments are remembered (captions, footage cut many times).
MIN_SEGMENTS = 32
#: How many tracks (and dicts, and tracks' facts) are remembered at most.
SIZE = 32
_CHECK = os.environ.get("NEMO_ENGINE_CHECK_STATE", "") not in ("", "0")

_lock = threading.Lock()
_by_dict: dict[int, tuple[Mapping[str, Any], Track]] = {}
_by_track: dict[int, tuple[Track, dict[str, Any]]] = {}
_facts: dict[int, tuple[Track, dict[str, Any]]] = {}


def _trim(memo: dict[int, Any]) -> None:
    while len(memo) > SIZE:
        memo.pop(next(iter(memo)))


def track_of(d: Mapping[str, Any]) -> Track | None:
    """The track read from (or written as) this very dict, if remembered."""
    hit = _by_dict.get(id(d))
    if hit is None or hit[0] is not d:
        return None
    if _CHECK and hit[1]._dict() != d:
        raise AssertionError(f"track {hit[1].id!r}: its dict was changed in place after reading")
    return hit[1]


def dict_of(track: Track) -> dict[str, Any] | None:
    """The dict this very track was read from or written as, if remembered."""
    hit = _by_track.get(id(track))
    if hit is None or hit[0] is not track:
        return None
    if _CHECK and track._dict() != hit[1]:
        raise AssertionError(f"track {track.id!r}: its dict was changed in place after writing")
    return hit[1]


def remember(d: Mapping[str, Any], track: Track) -> None:
    """Remember that ``d`` and ``track`` are the same long track."""
    if len(track.segments) < MIN_SEGMENTS or not isinstance(d, dict):
        return
    with _lock:
        _by_dict[id(d)] = (d, track)
        _by_track[id(track)] = (track, d)
        _trim(_by_dict)
        _trim(_by_track)


def fact(track: Track, name: str, compute: Callable[[], Any]) -> Any:
    """``compute()``, worked out once per long track object (a short one is cheap anyway)."""
    if len(track.segments) < MIN_SEGMENTS:
        return compute()
    hit = _facts.get(id(track))
    if hit is None or hit[0] is not track:
        hit = (track, {})
        with _lock:
            _facts[id(track)] = hit
            _trim(_facts)
    if name not in hit[1]:
        hit[1][name] = compute()
    return hit[1][name]


__all__ = ["MIN_SEGMENTS", "SIZE", "dict_of", "fact", "remember", "track_of"]
