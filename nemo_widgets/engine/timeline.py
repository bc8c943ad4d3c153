"""The engine's one model of the timeline: a typed draft, pure edit operations, undo and redo.

Every part of the engine that changes or reads the draft (the agent's skills, uploads, the web
pages) goes through this module; nothing else reads or writes segment keys. A
:class:`Draft` is built from the state's ``draft`` dict (:meth:`Draft.from_dict`), changed
by the functions below (each returns a *new* draft and leaves its input alone; unchanged
tracks are shared, not copied) and written back with :meth:`Draft.to_dict`. A request that
cannot be done raises :class:`TimelineError`, whose message is shown to the user as is.

:class:`History` keeps undo and redo steps of the session state (one step per chat turn).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any, Protocol

from .. import schema
from . import track_memo as memo

#: How long a new title stays on screen when no length is asked for.
DEFAULT_TITLE_MS = 3000
#: How long a still image stays on the timeline when no length is asked for.
DEFAULT_IMAGE_MS = 3000
#: Longest a photo may stay on screen ("for 99999 seconds" is a slip, not a 28-hour video).
MAX_IMAGE_MS = 600_000
DEFAULT_MUSIC_VOLUME = 0.35
MIN_SPEED, MAX_SPEED = 0.25, 4.0
#: Size (px at 1080 p) of a new title, and of a new plain text overlay.
TITLE_SIZE, TEXT_SIZE = 72, 56

Style = Mapping[str, Any]
_EMPTY: Mapping[str, Any] = MappingProxyType({})


class TimelineError(Exception):
    """An edit that cannot be done; the message says why and what to do instead."""


def frozen(mapping: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A read-only copy of a mapping (styles inside the model are never changed in place)."""
    return MappingProxyType(dict(mapping)) if mapping else _EMPTY


def fmt_s(ms: int) -> str:
    """``5000`` -> ``"5 s"``, ``2500`` -> ``"2.5 s"``, ``75000`` -> ``"1:15"`` (for replies)."""
    s = ms / 1000
    if s >= 60:
        return f"{int(s // 60)}:{int(s % 60):02d}"
    return f"{s:.1f}".rstrip("0").rstrip(".") + " s"


def ratio_name(width: int, height: int) -> str:
    """``1920x1080`` -> ``"16:9"``; other shapes as the reduced ``W:H``."""
    for name, (w, h) in schema.ASPECT_RATIOS.items():
        if height and abs(width / height - w / h) < 0.02:
            return name
    g = math.gcd(int(width), int(height)) or 1
    return f"{int(width) // g}:{int(height) // g}"


# ================================================================================================
# The typed draft
# ================================================================================================
def _int(value: Any, default: int = 0) -> int:
    try:
        return round(float(value))
    except (TypeError, ValueError):
        return default


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _opt_float(value: Any) -> float | None:
    try:
        return None if value is None else float(value)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True, slots=True)
class Word:
    """One timed word of a caption segment (timeline ms)."""

    text: str
    start_ms: int
    end_ms: int
    p: float | None = None

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Word:
        return cls(
            str(d.get("w", "")), _int(d.get("st")), _int(d.get("et")), _opt_float(d.get("p"))
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"w": self.text, "st": self.start_ms, "et": self.end_ms}
        if self.p is not None:
            out["p"] = self.p
        return out


_SEG_KEYS = {
    schema.SEG_ID,
    schema.SEG_START,
    schema.SEG_END,
    schema.SEG_SOURCE,
    schema.SEG_SOURCE_OFFSET,
    schema.SEG_SPEED,
    schema.SEG_LABEL,
    schema.SEG_FIT,
    schema.SEG_TEXT,
    schema.SEG_STYLE,
    schema.SEG_WORDS,
    schema.SEG_VOLUME,
    schema.SEG_FADE_IN,
    schema.SEG_FADE_OUT,
}


@dataclass(frozen=True, slots=True)
class Segment:
    """A span of a track: footage, music, a title, a caption cue or a scene card."""

    id: str
    start_ms: int
    end_ms: int
    source: str | None = None  # the upload's cdn_url
    source_offset_ms: int | None = None  # where in the source the segment starts
    speed: float | None = None
    label: str | None = None
    fit: str | None = None  # contain | cover
    text: str | None = None
    style: Style | None = None
    words: tuple[Word, ...] | None = None
    volume: float | None = None
    fade_in_ms: int | None = None
    fade_out_ms: int | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)  # unknown keys, kept

    @property
    def length_ms(self) -> int:
        return self.end_ms - self.start_ms

    @property
    def rate(self) -> float:
        return self.speed or 1.0

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Segment:
        words = d.get(schema.SEG_WORDS)
        sty = d.get(schema.SEG_STYLE)
        start = _int(d.get(schema.SEG_START))
        return cls(
            id=str(d.get(schema.SEG_ID) or ""),
            start_ms=start,
            end_ms=_int(d.get(schema.SEG_END), start),
            source=d.get(schema.SEG_SOURCE),
            source_offset_ms=_opt_int(d.get(schema.SEG_SOURCE_OFFSET)),
            speed=_opt_float(d.get(schema.SEG_SPEED)),
            label=d.get(schema.SEG_LABEL),
            fit=d.get(schema.SEG_FIT),
            text=None if d.get(schema.SEG_TEXT) is None else str(d.get(schema.SEG_TEXT)),
            style=frozen(sty) if isinstance(sty, Mapping) else None,
            words=tuple(Word.from_dict(w) for w in words if isinstance(w, Mapping))
            if isinstance(words, list)
            else None,
            volume=_opt_float(d.get(schema.SEG_VOLUME)),
            fade_in_ms=_opt_int(d.get(schema.SEG_FADE_IN)),
            fade_out_ms=_opt_int(d.get(schema.SEG_FADE_OUT)),
            extra=frozen({k: v for k, v in d.items() if k not in _SEG_KEYS}),
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id:
            out[schema.SEG_ID] = self.id
        out[schema.SEG_START] = self.start_ms
        out[schema.SEG_END] = self.end_ms
        for key, value in (
            (schema.SEG_SOURCE_OFFSET, self.source_offset_ms),
            (schema.SEG_SOURCE, self.source),
            (schema.SEG_LABEL, self.label),
            (schema.SEG_SPEED, self.speed),
            (schema.SEG_FIT, self.fit),
            (schema.SEG_TEXT, self.text),
            (schema.SEG_VOLUME, self.volume),
            (schema.SEG_FADE_IN, self.fade_in_ms),
            (schema.SEG_FADE_OUT, self.fade_out_ms),
        ):
            if value is not None:
                out[key] = value
        if self.style is not None:
            out[schema.SEG_STYLE] = dict(self.style)
        if self.words is not None:
            out[schema.SEG_WORDS] = [w.to_dict() for w in self.words]
        out.update(self.extra)
        return out


_TRACK_KEYS = {
    schema.TRACK_ID,
    schema.TRACK_TYPE,
    schema.TRACK_NAME,
    schema.TRACK_KIND,
    schema.TRACK_LANG,
    schema.TRACK_HIDDEN,
    schema.TRACK_MUTED,
    schema.SEG_STYLE,
    schema.SEGMENTS,
}
_DEFAULT_KIND = {
    schema.TrackType.VIDEO: schema.TrackKind.VIDEO,
    schema.TrackType.AUDIO: schema.TrackKind.AUDIO,
    schema.TrackType.TEXT: schema.TrackKind.TITLE,
}


@dataclass(frozen=True, slots=True)
class Track:
    """A track: its type (``tt``), role (``k``) and segments in time order."""

    id: str
    type: int
    segments: tuple[Segment, ...] = ()
    name: str | None = None
    kind: str | None = None
    lang: str | None = None
    hidden: bool = False
    muted: bool = False
    style: Style | None = None  # caption tracks: the track's burn style
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    @property
    def role(self) -> str:
        """``kind``, or what a track of this type is by default (video, audio, title)."""
        return self.kind or _DEFAULT_KIND.get(self.type, "")

    @property
    def end_ms(self) -> int:
        return memo.fact(self, "end", lambda: max((s.end_ms for s in self.segments), default=0))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Track:
        known = memo.track_of(d)
        if known is not None:
            return known
        track = cls._parse(d)
        memo.remember(d, track)
        return track

    @classmethod
    def _parse(cls, d: Mapping[str, Any]) -> Track:
        sty = d.get(schema.SEG_STYLE)
        return cls(
            id=str(d.get(schema.TRACK_ID) or ""),
            type=_int(d.get(schema.TRACK_TYPE), -1),
            segments=tuple(
                Segment.from_dict(s) for s in d.get(schema.SEGMENTS) or [] if isinstance(s, Mapping)
            ),
            name=d.get(schema.TRACK_NAME),
            kind=d.get(schema.TRACK_KIND),
            lang=d.get(schema.TRACK_LANG),
            hidden=bool(d.get(schema.TRACK_HIDDEN)),
            muted=bool(d.get(schema.TRACK_MUTED)),
            style=frozen(sty) if isinstance(sty, Mapping) else None,
            extra=frozen({k: v for k, v in d.items() if k not in _TRACK_KEYS}),
        )

    def to_dict(self) -> dict[str, Any]:
        """The track's dict; for a long track, the very dict it was read from or last written
        as, so an edit elsewhere on the timeline neither rebuilds nor rewrites it."""
        known = memo.dict_of(self)
        if known is not None:
            return known
        out = self._dict()
        memo.remember(out, self)
        return out

    def _dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id:
            out[schema.TRACK_ID] = self.id
        out[schema.TRACK_TYPE] = self.type
        for key, value in (
            (schema.TRACK_NAME, self.name),
            (schema.TRACK_KIND, self.kind),
            (schema.TRACK_LANG, self.lang),
        ):
            if value is not None:
                out[key] = value
        if self.hidden:
            out[schema.TRACK_HIDDEN] = True
        if self.muted:
            out[schema.TRACK_MUTED] = True
        if self.style is not None:
            out[schema.SEG_STYLE] = dict(self.style)
        out[schema.SEGMENTS] = [s.to_dict() for s in self.segments]
        out.update(self.extra)
        return out


@dataclass(frozen=True, slots=True)
class Meta:
    """The draft's ``m``: canvas size and ratio, frame rate, the project's title."""

    width: int | None = None
    height: int | None = None
    fps: float | None = None
    ratio: str | None = None
    title: str | None = None
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Meta:
        d = d or {}
        known = {"width", "height", "fps", "ratio", "title"}
        return cls(
            width=_opt_int(d.get("width")),
            height=_opt_int(d.get("height")),
            fps=d.get("fps"),
            ratio=d.get("ratio"),
            title=d.get("title"),
            extra=frozen({k: v for k, v in d.items() if k not in known}),
        )

    def to_dict(self) -> dict[str, Any]:
        out = {
            k: v
            for k, v in (
                ("title", self.title),
                ("width", self.width),
                ("height", self.height),
                ("fps", self.fps),
                ("ratio", self.ratio),
            )
            if v is not None
        }
        out.update(self.extra)
        return out

    @property
    def empty(self) -> bool:
        return not self.to_dict()


@dataclass(frozen=True, slots=True)
class Draft:
    """The timeline: tracks, duration (ms) and metadata. Immutable; edits return new drafts."""

    tracks: tuple[Track, ...] = ()
    duration_ms: int = 0
    meta: Meta = field(default_factory=Meta)
    extra: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | Draft | None) -> Draft:
        if isinstance(d, Draft):  # already the model (a turn keeps it until it ends)
            return d
        d = d if isinstance(d, Mapping) else {}
        known = {schema.TRACKS, schema.DURATION, schema.META}
        return cls(
            tracks=tuple(
                Track.from_dict(t) for t in d.get(schema.TRACKS) or [] if isinstance(t, Mapping)
            ),
            duration_ms=_int(d.get(schema.DURATION)),
            meta=Meta.from_dict(d.get(schema.META)),
            extra=frozen({k: v for k, v in d.items() if k not in known}),
        )

    def to_dict(self) -> dict[str, Any]:
        if not self.tracks and not self.duration_ms and self.meta.empty and not self.extra:
            return {}  # what a new session's state holds
        out: dict[str, Any] = {
            schema.TRACKS: [t.to_dict() for t in self.tracks],
            schema.DURATION: self.duration_ms,
        }
        if not self.meta.empty:
            out[schema.META] = self.meta.to_dict()
        out.update(self.extra)
        return out

    # -- reading ------------------------------------------------------------------------------
    def tracks_of(self, tt: int | None = None, role: str | None = None) -> list[Track]:
        return [
            t
            for t in self.tracks
            if (tt is None or t.type == tt) and (role is None or t.role == role)
        ]

    @property
    def main(self) -> Track | None:
        """The main footage track: the first video track with the video role."""
        return next((t for t in self.tracks_of(schema.TrackType.VIDEO, "video")), None)

    @property
    def has_footage(self) -> bool:
        return any(t.segments for t in self.tracks_of(schema.TrackType.VIDEO))

    @property
    def footage_end_ms(self) -> int:
        return max((t.end_ms for t in self.tracks_of(schema.TrackType.VIDEO)), default=0)

    def titles(self) -> list[Segment]:
        """Titles and text overlays (not captions, not scene cards), in time order."""
        segs = [s for t in self.tracks_of(schema.TrackType.TEXT, "title") for s in t.segments]
        return sorted(segs, key=lambda s: s.start_ms)

    def caption_tracks(self) -> list[Track]:
        return self.tracks_of(schema.TrackType.TEXT, schema.TrackKind.CAPTION)

    def music(self) -> list[Track]:
        return self.tracks_of(schema.TrackType.AUDIO)

    def canvas(self) -> dict[str, Any] | None:
        """``canvas_config`` for the state (``{"width", "height", "ratio"}``), when known."""
        if self.meta.width and self.meta.height:
            return {"width": self.meta.width, "height": self.meta.height, "ratio": self.meta.ratio}
        return None

    def sources(self) -> set[str]:
        return {s.source for t in self.tracks for s in t.segments if s.source}


class Source(Protocol):
    """An uploaded file as the timeline needs it (the agent's ``Media`` is one)."""

    cdn_url: str
    filename: str
    file_type: str  # video | image | audio
    duration_s: float | None
    width: int | None
    height: int | None
    fps: float | None


@dataclass(frozen=True)
class Upload:
    """A :class:`Source` made from an upload record of ``state["video_infos"]``."""

    cdn_url: str
    filename: str
    file_type: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None

    @classmethod
    def from_record(cls, row: Mapping[str, Any]) -> Upload:
        return cls(
            cdn_url=str(row.get("cdn_url") or ""),
            filename=str(row.get("filename") or "media"),
            file_type=str(row.get("file_type") or ""),
            duration_s=_opt_float(row.get("duration")),
            width=_opt_int(row.get("width")),
            height=_opt_int(row.get("height")),
            fps=_opt_float(row.get("fps")),
        )


# ================================================================================================
# Helpers
# ================================================================================================
_ID_NUMBER = re.compile(r"^(.*?)(\d+)$")


@lru_cache(maxsize=4096)
def _suffix(ident: str, prefix: str) -> int | None:
    """The number after ``prefix`` in ``ident`` ("seg_t12" -> 12), else None."""
    if ident.startswith(prefix):
        tail = ident[len(prefix) :]
        if tail.isdigit():
            return int(tail)
    return None


def _new_id(draft: Draft, prefix: str) -> str:
    """``prefix`` + the next free number: deterministic and unique within the draft."""

    def highest(t: Track) -> int:
        found = (_suffix(ident, prefix) for ident in (t.id, *(s.id for s in t.segments)))
        return max((k for k in found if k is not None), default=0)

    n = max((memo.fact(t, "id:" + prefix, lambda t=t: highest(t)) for t in draft.tracks), default=0)
    return f"{prefix}{n + 1}"


def _clip_fades(seg: Segment) -> Segment:
    length = seg.length_ms
    fi = min(seg.fade_in_ms, length) if seg.fade_in_ms else seg.fade_in_ms
    fo = min(seg.fade_out_ms, length) if seg.fade_out_ms else seg.fade_out_ms
    if (fi, fo) == (seg.fade_in_ms, seg.fade_out_ms):
        return seg
    return replace(seg, fade_in_ms=fi, fade_out_ms=fo)


def _moved_words(
    words: tuple[Word, ...] | None, move: Callable[[int], int]
) -> tuple[Word, ...] | None:
    if words is None:
        return None
    return tuple(replace(w, start_ms=move(w.start_ms), end_ms=move(w.end_ms)) for w in words)


def _piece(seg: Segment, a: int, b: int, shift: int, new_id: str | None = None) -> Segment:
    """The part ``[a, b)`` of ``seg`` (timeline ms), moved by ``shift``; source offset kept true."""
    offset = seg.source_offset_ms
    if seg.source and a > seg.start_ms:
        offset = (offset or 0) + round((a - seg.start_ms) * seg.rate)
    words = seg.words
    if words is not None:
        words = tuple(
            replace(w, start_ms=max(w.start_ms, a) + shift, end_ms=min(w.end_ms, b) + shift)
            for w in words
            if w.end_ms > a and w.start_ms < b
        )
    out = replace(
        seg,
        id=new_id or seg.id,
        start_ms=a + shift,
        end_ms=b + shift,
        source_offset_ms=offset,
        words=words,
    )
    return _clip_fades(out)


def _in_order(segs: tuple[Segment, ...]) -> bool:
    return all(a.start_ms <= b.start_ms for a, b in pairwise(segs))


def finalize(draft: Draft) -> Draft:
    """Keep the draft consistent: no empty tracks, segments in order, ``d`` = the last end.

    Titles, captions and music never outlast the footage: when there is footage, other
    segments are cut where it ends (scene cards of a storyboard, a plan, are kept whole).
    """
    tracks = []
    for track in draft.tracks:
        segs = track.segments
        tidy = memo.fact(
            track,
            "tidy",
            lambda segs=segs: all(s.end_ms > s.start_ms for s in segs) and _in_order(segs),
        )
        if not tidy:
            segs = tuple(
                sorted((s for s in segs if s.end_ms > s.start_ms), key=lambda s: s.start_ms)
            )
        if segs:
            tracks.append(track if segs is track.segments else replace(track, segments=segs))
    footage = max((t.end_ms for t in tracks if t.type == schema.TrackType.VIDEO), default=0)
    if footage:
        clipped = []
        for track in tracks:
            keep = track.type == schema.TrackType.VIDEO or track.role == schema.TrackKind.STORYBOARD
            if keep or track.end_ms <= footage:
                clipped.append(track)  # nothing outlasts the footage
                continue
            segs = []
            for seg in track.segments:
                if seg.start_ms >= footage:
                    continue
                if seg.end_ms > footage:
                    seg = _clip_fades(replace(seg, end_ms=footage))
                segs.append(seg)
            if segs:
                clipped.append(
                    track if tuple(segs) == track.segments else replace(track, segments=tuple(segs))
                )
        tracks = clipped
    total = max((t.end_ms for t in tracks), default=0)
    meta = draft.meta
    if meta.width and meta.height:
        ratio = ratio_name(meta.width, meta.height)
        if meta.ratio != ratio:
            meta = replace(meta, ratio=ratio)
    return replace(draft, tracks=tuple(tracks), duration_ms=int(total), meta=meta)


def _swap(draft: Draft, old: Track, new: Track | None) -> Draft:
    """``draft`` with track ``old`` replaced by ``new`` (or removed when None)."""
    tracks = tuple(new if t is old else t for t in draft.tracks if t is not old or new is not None)
    return replace(draft, tracks=tracks)


def _require_footage(draft: Draft, verb: str, then: str = ", then ask again") -> None:
    if not draft.has_footage:
        raise TimelineError(f"There is no video to {verb} yet: upload a video first{then}.")


def _footage_ms(source: Source, image_ms: int) -> int:
    """How long an upload lasts on the timeline: a video its length, an image ``image_ms``."""
    length = round((source.duration_s or 0) * 1000)
    return length if source.file_type == "video" else max(image_ms, length)


def _label(source: Source) -> str:
    return Path(source.filename).stem or source.file_type or "media"


# ================================================================================================
# Footage: the first clip, more clips, trims, cuts, speed, fades, the canvas
# ================================================================================================
def place_first_clip(draft: Draft, uploads: Sequence[Source]) -> Draft:
    """Put the first uploaded video (else image) on a new main track, when there is no footage.

    What an upload does to the draft; other tracks are kept after it. Unchanged when the
    draft already has footage or nothing visual was uploaded.
    """
    if draft.has_footage:
        return draft
    first = next((u for u in uploads if u.file_type == "video"), None) or next(
        (u for u in uploads if u.file_type == "image"), None
    )
    if first is None:
        return draft
    length = _footage_ms(first, DEFAULT_IMAGE_MS)
    if length <= 0:
        return draft
    width, height = first.width or 1920, first.height or 1080
    label = _label(first)
    main = Track(
        id="trk_v1",
        type=schema.TrackType.VIDEO,
        name="Video",
        kind=schema.TrackKind.VIDEO,
        segments=(
            Segment("seg_v1", 0, length, source=first.cdn_url, source_offset_ms=0, label=label),
        ),
    )
    meta = replace(
        draft.meta,
        title=draft.meta.title or label,
        width=width,
        height=height,
        fps=first.fps or 30,
        ratio=ratio_name(width, height),
    )
    others = tuple(t for t in draft.tracks if t.segments and t.id != main.id)
    return finalize(replace(draft, tracks=(main, *others), meta=meta))


def insert_clip(
    draft: Draft, source: Source, *, at: str = "end", image_ms: int = DEFAULT_IMAGE_MS
) -> Draft:
    """Put an uploaded video or image at the ``"end"`` or ``"start"`` of the main track."""
    if source.file_type not in ("video", "image"):
        raise TimelineError(
            f"{source.filename} is an audio file; to use it, say: add background music."
        )
    if source.file_type == "image":
        if image_ms <= 0:
            raise TimelineError("A photo needs a length above 0 s; say e.g. for 3 seconds.")
        if image_ms > MAX_IMAGE_MS:
            raise TimelineError(
                f"A photo can stay on screen for at most {fmt_s(MAX_IMAGE_MS)}; ask for a "
                "shorter time, e.g. for 5 seconds."
            )
    main = draft.main
    if main is None or not main.segments:
        placed = place_first_clip(replace(draft, tracks=()), [source])
        if not placed.has_footage:
            raise TimelineError(f"{source.filename} has no playable length; upload it again.")
        return finalize(replace(placed, tracks=(*placed.tracks, *draft.tracks)))
    length = _footage_ms(source, image_ms)
    if length <= 0:
        raise TimelineError(f"{source.filename} has no playable length; upload it again.")
    old_total = draft.duration_ms
    fit = next((s.fit for s in main.segments if s.fit), None)  # a reframed video stays so
    seg = Segment(
        _new_id(draft, "seg_v"), 0, length, source=source.cdn_url, source_offset_ms=0,
        label=_label(source), fit=fit,
    )  # fmt: skip
    tracks = []
    if at == "start":
        for track in draft.tracks:
            if track.role == schema.TrackKind.MUSIC:
                segs = tuple(
                    replace(s, end_ms=old_total + length) if s.end_ms >= old_total else s
                    for s in track.segments
                )
            else:
                segs = tuple(
                    replace(
                        s,
                        start_ms=s.start_ms + length,
                        end_ms=s.end_ms + length,
                        words=_moved_words(s.words, lambda t: t + length),
                    )
                    for s in track.segments
                )
            if track is main:
                segs = (seg, *segs)
            tracks.append(replace(track, segments=segs))
    else:
        end = main.end_ms
        seg = replace(seg, start_ms=end, end_ms=end + length)
        for track in draft.tracks:
            if track is main:
                track = replace(track, segments=(*track.segments, seg))
            elif track.role == schema.TrackKind.MUSIC:
                track = replace(
                    track,
                    segments=tuple(
                        replace(s, end_ms=end + length) if s.end_ms >= old_total else s
                        for s in track.segments
                    ),
                )
            tracks.append(track)
    return finalize(replace(draft, tracks=tuple(tracks)))


def _range_inside(draft: Draft, start_ms: int, end_ms: int, verb: str) -> tuple[int, int, int]:
    _require_footage(draft, verb)
    total = draft.duration_ms
    start_ms, end_ms = max(0, start_ms), min(end_ms, total)
    if end_ms - start_ms <= 0:
        raise TimelineError(
            f"That range is outside the video, which is {fmt_s(total)} long. Pick times "
            "between 0:00 and the end."
        )
    return start_ms, end_ms, total


def keep_range(draft: Draft, start_ms: int, end_ms: int) -> Draft:
    """Keep only ``[start_ms, end_ms)`` of the timeline, moved to start at 0 (a trim)."""
    start_ms, end_ms, total = _range_inside(draft, start_ms, end_ms, "trim")
    if start_ms == 0 and end_ms >= total:
        raise TimelineError(
            f"The video is already {fmt_s(total)} long, so there is nothing to trim. Ask for a "
            "shorter length, e.g. trim to the first 5 seconds."
        )
    tracks = []
    for track in draft.tracks:
        pieces = []
        for seg in track.segments:
            a, b = max(seg.start_ms, start_ms), min(seg.end_ms, end_ms)
            if b > a:
                pieces.append(_piece(seg, a, b, -start_ms))
        tracks.append(replace(track, segments=tuple(pieces)))
    return finalize(replace(draft, tracks=tuple(tracks)))


def cut_range(draft: Draft, start_ms: int, end_ms: int) -> Draft:
    """Remove ``[start_ms, end_ms)`` from the timeline and close the gap (a ripple delete)."""
    start_ms, end_ms, total = _range_inside(draft, start_ms, end_ms, "cut")
    if start_ms == 0 and end_ms >= total:
        raise TimelineError(
            "That would remove the whole video. Cut a shorter part, e.g. remove the first "
            "2 seconds."
        )
    gap = end_ms - start_ms
    tracks = []
    for track in draft.tracks:
        out: list[Segment] = []
        # footage (and its own sound) is split; music and text run across the cut, shortened
        split = track.type == schema.TrackType.VIDEO or (
            track.type == schema.TrackType.AUDIO and track.role != schema.TrackKind.MUSIC
        )
        for seg in track.segments:
            s, e = seg.start_ms, seg.end_ms
            if e <= start_ms:
                out.append(seg)
            elif s >= end_ms:
                out.append(_piece(seg, s, e, -gap))
            elif not split:
                new_start = min(s, start_ms)
                offset = seg.source_offset_ms
                if s >= start_ms and seg.source:  # starts inside the cut: skip that much
                    offset = (offset or 0) + (end_ms - s)
                words = seg.words
                if words is not None:
                    words = tuple(w for w in words if w.end_ms <= start_ms) + tuple(
                        replace(w, start_ms=w.start_ms - gap, end_ms=w.end_ms - gap)
                        for w in words
                        if w.start_ms >= end_ms
                    )
                new_end = max(new_start, e - gap if e > end_ms else start_ms)
                out.append(
                    _clip_fades(
                        replace(
                            seg,
                            start_ms=new_start,
                            end_ms=new_end,
                            source_offset_ms=offset,
                            words=words,
                        )
                    )
                )
            else:
                # the two sides of the cut join without a fade at the join
                if s < start_ms:
                    out.append(replace(_piece(seg, s, start_ms, 0), fade_out_ms=None))
                if e > end_ms:
                    tail_id = _new_id(draft, f"{seg.id or 'seg'}_") if s < start_ms else None
                    out.append(replace(_piece(seg, end_ms, e, -gap, tail_id), fade_in_ms=None))
        tracks.append(replace(track, segments=tuple(out)))
    return finalize(replace(draft, tracks=tuple(tracks)))


def set_ratio(draft: Draft, ratio: str, *, fit: str = "cover") -> Draft:
    """Change the canvas to ``ratio`` (``9:16`` ...); ``fit`` cover crops to fill, contain pads."""
    if ratio not in schema.ASPECT_RATIOS:
        raise TimelineError(
            f"I can make the video {', '.join(schema.ASPECT_RATIOS)}; {ratio} is not one of them."
        )
    if not draft.has_footage:
        raise TimelineError(
            "There is no video to reframe yet: upload a video first, then ask for 9:16, 1:1..."
        )
    width, height = schema.ASPECT_RATIOS[ratio]
    same_size = (draft.meta.width, draft.meta.height) == (width, height)
    tracks, fit_changed = [], False
    for track in draft.tracks:
        if track.type == schema.TrackType.VIDEO:
            segs = []
            for s in track.segments:
                fit_changed |= (s.fit or "contain") != fit
                segs.append(replace(s, fit=fit))
            track = replace(track, segments=tuple(segs))
        tracks.append(track)
    if same_size and not fit_changed:
        raise TimelineError(f"The video is already {ratio}.")
    meta = replace(draft.meta, width=width, height=height, ratio=ratio)
    return finalize(replace(draft, tracks=tuple(tracks), meta=meta))


def speed_of(draft: Draft) -> float:
    """The playback speed of the main footage (1.0 = normal)."""
    main = draft.main
    return main.segments[0].rate if main and main.segments else 1.0


def set_speed(draft: Draft, factor: float) -> Draft:
    """Play the footage ``factor`` times faster (0.5 = slow motion); the timeline follows.

    Captions and titles move with the picture (a title keeps its length where it fits); music
    keeps its own pace and still runs to the end.
    """
    _require_footage(draft, "speed up or slow down", then="")
    speeds = [s.rate * factor for t in draft.tracks_of(schema.TrackType.VIDEO) for s in t.segments]
    if factor <= 0 or any(not (MIN_SPEED - 1e-6 <= v <= MAX_SPEED + 1e-6) for v in speeds):
        raise TimelineError(
            f"I can play the video between {MIN_SPEED:g}x and {MAX_SPEED:g}x its normal speed; "
            f"that would make it {speeds[0]:g}x."
        )
    if abs(factor - 1.0) < 1e-6:
        raise TimelineError("The video already plays at that speed.")
    old_total = draft.duration_ms
    new_total = round(old_total / factor)
    tracks = []
    for track in draft.tracks:
        segs = []
        for seg in track.segments:
            if track.role == schema.TrackKind.MUSIC:
                if seg.end_ms >= old_total:  # music under the whole video keeps covering it
                    seg = replace(seg, end_ms=new_total)
                if seg.end_ms > new_total:  # past the new end: cut it there
                    seg = replace(seg, end_ms=new_total)
                if seg.start_ms >= new_total:
                    continue  # it started after the (shorter) video ends
                segs.append(_clip_fades(seg))  # a shorter bed keeps fades that fit it
                continue
            start = round(seg.start_ms / factor)
            if track.type == schema.TrackType.TEXT and track.role != schema.TrackKind.CAPTION:
                end = min(start + seg.length_ms, new_total)
            else:
                end = round(seg.end_ms / factor)
            speed = seg.speed
            if track.type in (schema.TrackType.VIDEO, schema.TrackType.AUDIO):
                speed = round(seg.rate * factor, 4)
                speed = None if abs(speed - 1.0) < 1e-6 else speed
            segs.append(
                _clip_fades(
                    replace(
                        seg,
                        start_ms=start,
                        end_ms=end,
                        speed=speed,
                        words=_moved_words(seg.words, lambda t: round(t / factor)),
                    )
                )
            )
        tracks.append(replace(track, segments=tuple(segs)))
    return finalize(replace(draft, tracks=tuple(tracks)))


def set_video_fades(draft: Draft, fade_in_ms: int | None, fade_out_ms: int | None) -> Draft:
    """Fade the footage in from black at its start and/or out to black at its end.

    ``None`` leaves that side as it is; 0 removes the fade. The video's own sound fades alike.
    """
    _require_footage(draft, "fade")
    main = draft.main or draft.tracks_of(schema.TrackType.VIDEO)[0]
    segs = list(main.segments)
    for index, attr, value in ((0, "fade_in_ms", fade_in_ms), (-1, "fade_out_ms", fade_out_ms)):
        if value is None:
            continue
        seg = segs[index]
        segs[index] = replace(seg, **{attr: min(int(value), seg.length_ms) if value > 0 else None})
    return finalize(_swap(draft, main, replace(main, segments=tuple(segs))))


def video_fades(draft: Draft) -> tuple[int, int]:
    """The fade-in and fade-out (ms) of the main footage."""
    main = draft.main
    if not main or not main.segments:
        return 0, 0
    return main.segments[0].fade_in_ms or 0, main.segments[-1].fade_out_ms or 0


# ================================================================================================
# Titles and text overlays
# ================================================================================================
@dataclass(frozen=True)
class TitleRef:
    """Which titles an edit means: those containing ``text``, else the last one (or ``all``)."""

    text: str | None = None
    all: bool = False

    def pick(self, draft: Draft) -> list[Segment]:
        titles = draft.titles()
        if self.text is not None:
            found = [s for s in titles if self.text.lower() in (s.text or "").lower()]
            if not found:
                raise TimelineError(f'There is no title saying "{self.text}" on the timeline.')
            return found
        if not titles:
            raise TimelineError(
                "There is no title or text on the timeline to change yet. Add one first, e.g. "
                "add a title 'Urban Dreams' for 3 seconds at the top."
            )
        if self.all:
            return titles
        # "the title" is the one added last (the highest number in its id), else the latest
        return [max(titles, key=_added_order)]


def _added_order(seg: Segment) -> tuple[int, int]:
    return _id_number(seg.id), seg.start_ms


@lru_cache(maxsize=4096)
def _id_number(ident: str) -> int:
    digits = len(ident) - len(ident.rstrip("0123456789"))
    return int(ident[-digits:]) if digits else -1


def add_title(
    draft: Draft,
    text: str,
    *,
    start_ms: int = 0,
    end_ms: int | None = None,
    style: Style | None = None,
    overlay: bool = False,
) -> Draft:
    """Add a title (``overlay``: a plain text overlay, centred and smaller).

    ``end_ms`` None means :data:`DEFAULT_TITLE_MS` later; a title never outlasts the video.
    """
    text = text.strip()
    if not text:
        raise TimelineError("The title has no text. Put it in quotes, e.g. add a title 'Hello'.")
    total = draft.duration_ms if draft.has_footage else 0
    if start_ms < 0:
        raise TimelineError("A title can't start before 0:00; pick a time inside the video.")
    if total and start_ms >= total:
        raise TimelineError(
            f"The video is only {fmt_s(total)} long, so a title can't start at "
            f"{fmt_s(start_ms)}. Pick a time inside the video."
        )
    if end_ms is None:
        end_ms = start_ms + DEFAULT_TITLE_MS
    if total:
        end_ms = min(end_ms, total)
    if end_ms <= start_ms:
        raise TimelineError("The title would not be on screen at all; give it a positive duration.")
    sty: dict[str, Any] = {
        schema.STYLE_COLOR: "#FFFFFF",
        schema.STYLE_SIZE: TEXT_SIZE if overlay else TITLE_SIZE,
        schema.STYLE_POSITION: "center" if overlay else "top-center",
        schema.STYLE_BOLD: True,
    }
    sty.update({k: v for k, v in (style or {}).items() if v is not None})
    seg = Segment(_new_id(draft, "seg_t"), int(start_ms), int(end_ms), text=text, style=frozen(sty))
    titles = draft.tracks_of(schema.TrackType.TEXT, "title")
    if titles:
        track = titles[-1]
        new = _swap(draft, track, replace(track, segments=(*track.segments, seg)))
    else:
        track = Track(
            _new_id(draft, "trk_t"), schema.TrackType.TEXT, (seg,), name="Title",
            kind=schema.TrackKind.TITLE,
        )  # fmt: skip
        new = replace(draft, tracks=(*draft.tracks, track))
    if not draft.titles():
        # the project is known by its first title, like the cloud's
        new = replace(new, meta=replace(new.meta, title=text))
    return finalize(new)


def edit_titles(
    draft: Draft,
    ref: TitleRef,
    *,
    text: str | None = None,
    start_ms: int | None = None,
    end_ms: int | None = None,
    length_ms: int | None = None,
    style: Style | None = None,
) -> tuple[Draft, list[Segment]]:
    """Rename, move, retime and/or restyle titles; returns the new draft and the new segments.

    ``start_ms`` alone moves a title (keeping its length); ``end_ms`` alone changes when it
    ends; ``length_ms`` keeps its start. A style value of None removes that style key.
    """
    targets = ref.pick(draft)
    if text is None and start_ms is None and end_ms is None and length_ms is None and not style:
        raise TimelineError(
            "I could not tell how to change the title. Name a colour, a size (bigger, "
            "smaller, 80 px), a position (top, center, bottom), bold, a box, a fade, new "
            "text or new times."
        )
    if text is not None and not text.strip():
        raise TimelineError("The new title text is empty. Put it in quotes, e.g. 'Night City'.")
    total = draft.duration_ms if draft.has_footage else 0
    changed: dict[int, Segment] = {}
    for seg in targets:
        s0, e0 = seg.start_ms, seg.end_ms
        s1 = s0 if start_ms is None else start_ms
        if end_ms is not None:
            e1 = end_ms
        elif length_ms is not None:
            e1 = s1 + length_ms
        else:
            e1 = s1 + (e0 - s0)
        if s1 < 0:
            raise TimelineError("A title can't start before 0:00; pick a time inside the video.")
        if total and s1 >= total:
            raise TimelineError(
                f"The video is only {fmt_s(total)} long, so the title can't start at "
                f"{fmt_s(s1)}. Pick a time inside the video."
            )
        if total:
            e1 = min(e1, total)
        if e1 <= s1:
            raise TimelineError("That timing would leave the title with no time on screen.")
        sty = dict(seg.style or {})
        sty.update(style or {})
        sty = {k: v for k, v in sty.items() if v is not None}
        changed[id(seg)] = replace(
            seg,
            text=text.strip() if text is not None else seg.text,
            start_ms=s1,
            end_ms=e1,
            style=frozen(sty),
        )
    tracks = tuple(
        replace(t, segments=tuple(changed.get(id(s), s) for s in t.segments))
        if t.type == schema.TrackType.TEXT
        else t
        for t in draft.tracks
    )
    new = finalize(replace(draft, tracks=tracks))
    ids = {c.id for c in changed.values()}
    return new, [s for s in new.titles() if s.id in ids]


def remove_titles(draft: Draft, ref: TitleRef) -> tuple[Draft, int]:
    """Remove the titles ``ref`` names (``TitleRef(all=True)``: every title and scene card)."""
    if ref.all and ref.text is None:
        gone = [
            t
            for t in draft.tracks
            if t.type == schema.TrackType.TEXT
            and t.role in (schema.TrackKind.TITLE, schema.TrackKind.STORYBOARD)
        ]
        count = sum(len(t.segments) for t in gone)
        if not count:
            raise TimelineError("There is no title or text on the timeline to remove.")
        return finalize(
            replace(draft, tracks=tuple(t for t in draft.tracks if t not in gone))
        ), count
    if not draft.titles():
        raise TimelineError("There is no title or text on the timeline to remove.")
    targets = {id(s) for s in ref.pick(draft)}
    tracks = tuple(
        replace(t, segments=tuple(s for s in t.segments if id(s) not in targets))
        for t in draft.tracks
    )
    return finalize(replace(draft, tracks=tracks)), len(targets)


def remove_overlays(draft: Draft) -> Draft:
    """Remove picture-in-picture images and overlays."""
    kept = tuple(t for t in draft.tracks if t.role != schema.TrackKind.OVERLAY)
    if len(kept) == len(draft.tracks):
        raise TimelineError("There is no image or overlay on the timeline to remove.")
    return finalize(replace(draft, tracks=kept))


# ================================================================================================
# Sound: music, volume, mute, fades
# ================================================================================================
def add_music(
    draft: Draft,
    music: Source,
    *,
    volume: float = DEFAULT_MUSIC_VOLUME,
    fade_in_ms: int = 0,
    fade_out_ms: int = 0,
    start_ms: int = 0,
    end_ms: int | None = None,
) -> Draft:
    """Put ``music`` on a background-music track (replacing earlier music); loops if short."""
    if volume < 0:
        raise TimelineError(
            "A volume can't be negative. Say a level from 0% to 100%, e.g. set the music "
            "volume to 20%, or make the music quieter."
        )
    total = draft.duration_ms if draft.has_footage else 0
    if not total:
        total = round((music.duration_s or 0) * 1000)
    if total <= 0:
        raise TimelineError(f"{music.filename} has no playable length; upload it again.")
    end = min(end_ms or total, total)
    if start_ms >= end:
        raise TimelineError(
            f"The video is {fmt_s(total)} long, so music can't start at {fmt_s(start_ms)}."
        )
    length = end - start_ms
    seg = Segment(
        _new_id(draft, "seg_a"),
        start_ms,
        end,
        source=music.cdn_url,
        source_offset_ms=0,
        label=_label(music),
        volume=round(max(0.0, min(1.0, volume)), 3),
        fade_in_ms=min(int(fade_in_ms), length) if fade_in_ms else None,
        fade_out_ms=min(int(fade_out_ms), length) if fade_out_ms else None,
    )
    track = Track(
        _new_id(draft, "trk_a"), schema.TrackType.AUDIO, (seg,), name="BGM",
        kind=schema.TrackKind.MUSIC,
    )  # fmt: skip
    tracks = (*tuple(t for t in draft.tracks if t.role != schema.TrackKind.MUSIC), track)
    new = replace(draft, tracks=tracks)
    if not draft.has_footage:
        new = replace(new, duration_ms=total)
    return finalize(new)


def _sound_tracks(draft: Draft, target: str, purpose: str) -> list[Track]:
    """The tracks whose sound ``target`` names: ``music`` (audio tracks) or ``original``."""
    tracks = draft.music() if target == "music" else draft.tracks_of(schema.TrackType.VIDEO)
    if not tracks:
        what = "background music" if target == "music" else "video"
        raise TimelineError(f"There is no {what} on the timeline to {purpose}.")
    return tracks


def set_muted(draft: Draft, target: str, muted: bool = True) -> Draft:
    """Mute (or unmute) the video's own sound (``original``) or the ``music``."""
    tracks = _sound_tracks(draft, target, "mute" if muted else "unmute")
    if all(t.muted == muted for t in tracks):
        what = "The music is" if target == "music" else "The original audio is"
        raise TimelineError(f"{what} already {'muted' if muted else 'playing'}.")
    new = draft
    for t in tracks:
        new = _swap(new, t, replace(t, muted=muted))
    return finalize(new)


def set_volume(
    draft: Draft, target: str, volume: float | None = None, factor: float | None = None
) -> Draft:
    """Set (or scale by ``factor``) the volume (0-1) of the music or of the original audio."""
    if volume is not None and volume < 0:
        raise TimelineError(
            "A volume can't be negative. Say a level from 0% to 100%, e.g. set the music "
            "volume to 20%, or make the music quieter."
        )
    tracks = _sound_tracks(draft, target, "change the volume of")
    new = draft
    for t in tracks:
        segs = tuple(
            replace(
                s,
                volume=round(
                    max(
                        0.0,
                        min(
                            1.0,
                            volume
                            if volume is not None
                            else (s.volume if s.volume is not None else 1.0) * (factor or 1.0),
                        ),
                    ),
                    3,
                ),
            )
            for s in t.segments
        )
        unmute = target == "original" and t.muted and bool(volume or factor)
        new = _swap(new, t, replace(t, segments=segs, muted=False if unmute else t.muted))
    return finalize(new)


def volume_of(draft: Draft, target: str) -> float:
    """The volume (0-1) of the first segment of the music or of the footage."""
    tracks = draft.music() if target == "music" else draft.tracks_of(schema.TrackType.VIDEO)
    for t in tracks:
        for s in t.segments:
            return 1.0 if s.volume is None else s.volume
    return 1.0


def set_music_fades(draft: Draft, fade_in_ms: int, fade_out_ms: int) -> Draft:
    """Set the fade-in / fade-out (ms; 0 leaves that side alone) of the background music."""
    tracks = draft.music()
    if not tracks:
        raise TimelineError("There is no background music on the timeline to fade.")
    new = draft
    for t in tracks:
        segs = list(t.segments)
        if fade_in_ms:
            segs[0] = replace(segs[0], fade_in_ms=int(fade_in_ms))
        if fade_out_ms:
            segs[-1] = replace(segs[-1], fade_out_ms=int(fade_out_ms))
        new = _swap(new, t, replace(t, segments=tuple(_clip_fades(s) for s in segs)))
    return finalize(new)


def music_fades(draft: Draft) -> tuple[int, int]:
    tracks = draft.music()
    if not tracks or not tracks[0].segments:
        return 0, 0
    segs = tracks[0].segments
    return segs[0].fade_in_ms or 0, segs[-1].fade_out_ms or 0


def remove_music(draft: Draft) -> Draft:
    """Remove the background music (every audio track)."""
    if not draft.music():
        raise TimelineError("There is no background music on the timeline to remove.")
    return finalize(
        replace(draft, tracks=tuple(t for t in draft.tracks if t.type != schema.TrackType.AUDIO))
    )


# ================================================================================================
# Caption tracks
# ================================================================================================
def caption_track_id(lang: str) -> str:
    return f"captions-{lang}"


def set_caption_track(draft: Draft, track: Track) -> Draft:
    """Insert or replace the caption track of ``track.lang`` (new ones go after other tracks)."""
    for t in draft.caption_tracks():
        if t.lang == track.lang:
            return finalize(_swap(draft, t, track))
    return finalize(replace(draft, tracks=(*draft.tracks, track)))


def show_captions(draft: Draft, lang: str | None) -> Draft:
    """Show the caption track of ``lang`` and hide the others (None: hide them all)."""
    new = draft
    for t in draft.caption_tracks():
        hidden = t.lang != lang
        if t.hidden != hidden:
            new = _swap(new, t, replace(t, hidden=hidden))
    return new


def show_captions_together(draft: Draft, first: str, second: str) -> Draft:
    """Bilingual captions: show the tracks of ``first`` and ``second``, hide the others.

    The burn-in stacks a visible caption track beyond the visible ones before it in the draft
    (one language per line), so ``second``'s track is placed right after ``first``'s.
    """
    tracks = {t.lang: t for t in draft.caption_tracks()}
    if first not in tracks or second not in tracks or first == second:
        raise TimelineError(
            f"Showing two caption languages together needs captions in both "
            f"({first} and {second}); add the missing one first."
        )
    new = draft
    for t in draft.caption_tracks():
        hidden = t.lang not in (first, second)
        if t.hidden != hidden:
            new = _swap(new, t, replace(t, hidden=hidden))

    def is_caption(t: Track, lang: str) -> bool:
        return t.role == schema.TrackKind.CAPTION and t.lang == lang

    moved = next(t for t in new.tracks if is_caption(t, second))
    order = [t for t in new.tracks if t is not moved]
    at = next(k for k, t in enumerate(order) if is_caption(t, first))
    order.insert(at + 1, moved)
    return replace(new, tracks=tuple(order))


def remove_captions(draft: Draft, langs: Iterable[str]) -> Draft:
    """Remove the caption tracks of ``langs``."""
    gone = set(langs)
    return finalize(
        replace(
            draft,
            tracks=tuple(
                t
                for t in draft.tracks
                if not (t.role == schema.TrackKind.CAPTION and t.lang in gone)
            ),
        )
    )


def restyle_captions(
    draft: Draft, changes: Style, lang: str | None = None, base: Style | None = None
) -> tuple[Draft, int]:
    """Apply style changes to caption tracks (one language, or all); returns tracks changed.

    A value of None removes that key (back to the burn style's default).
    """
    new, n = draft, 0
    for t in draft.caption_tracks():
        if lang and t.lang != lang:
            continue

        def merged(old: Style | None) -> Mapping[str, Any]:
            sty = {**(base or {}), **(old or {}), **changes}
            return frozen({k: v for k, v in sty.items() if v is not None})

        segs = tuple(replace(s, style=merged(s.style)) for s in t.segments)
        new = _swap(new, t, replace(t, style=merged(t.style), segments=segs))
        n += 1
    return new, n


# ================================================================================================
# Storyboards (video-prompt-generation)
# ================================================================================================
STORYBOARD_TRACK = "trk_storyboard"


def set_storyboard(draft: Draft, board: Mapping[str, Any]) -> Draft:
    """Lay a storyboard's scenes on the draft as title cards (replacing an earlier one).

    With no footage the storyboard defines the piece: its length and its frame.
    """
    segments = tuple(
        Segment(
            f"seg_sb{s['index']}",
            int(s["start_ms"]),
            int(s["end_ms"]),
            label=f"Scene {s['index']}: {s['role']}",
            text=str(s["card"]),
            extra=frozen({"prompt": s["prompt"]}),
        )
        for s in board["scenes"]
    )
    track = Track(
        STORYBOARD_TRACK, schema.TrackType.TEXT, segments, name="Storyboard",
        kind=schema.TrackKind.STORYBOARD,
    )  # fmt: skip
    kept = tuple(t for t in draft.tracks if t.role != schema.TrackKind.STORYBOARD)
    new = replace(draft, tracks=(*kept, track))
    total = round(float(board["duration_s"]) * 1000)
    if draft.has_footage:
        return replace(new, duration_ms=max(draft.duration_ms, total))
    meta = replace(
        draft.meta,
        width=int(board["width"]),
        height=int(board["height"]),
        ratio=str(board["aspect"]),
        fps=draft.meta.fps or 30,
        title=draft.meta.title or str(board.get("title") or "storyboard"),
    )
    return replace(new, duration_ms=total, meta=meta)


# ================================================================================================
# Reading the timeline back (summaries and answers)
# ================================================================================================
def _compact_s(ms: int) -> str:
    s = ms / 1000.0
    return str(int(s)) if s == int(s) else f"{s:.1f}".rstrip("0").rstrip(".")


def _track_line(index: int, track: Track) -> str:
    name = track.name or schema.TrackType.name(track.type)
    if not track.segments:
        return f"{index}. {name}: (empty)"
    first = track.segments[0]
    if track.type == schema.TrackType.TEXT:
        label = f'"{first.text or first.label or ""}"'
    else:
        label = str(first.label or first.text or name.lower())
    if len(track.segments) > 1:
        label += f" +{len(track.segments) - 1} more"
    start = min(s.start_ms for s in track.segments)
    extras = [f"{_compact_s(start)}-{_compact_s(track.end_ms)}s"]
    if track.type == schema.TrackType.AUDIO and first.volume is not None:
        pct = first.volume * 100 if first.volume <= 1 else first.volume
        extras.append(f"{pct:.0f}%")
    if track.hidden:
        extras.append("hidden")
    if track.muted:
        extras.append("muted")
    return f"{index}. {name}: {label} ({', '.join(extras)})"


def summary(draft: Draft) -> str:
    """The cloud's one-line timeline summary, e.g.
    ``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) ...``.
    """
    if not draft.tracks:
        return "Timeline (0 tracks): empty."
    noun = "track" if len(draft.tracks) == 1 else "tracks"
    lines = " ".join(_track_line(i, t) for i, t in enumerate(draft.tracks, 1))
    return f"Timeline ({len(draft.tracks)} {noun}): {lines}"


def problems(draft: Draft, media_ms: Mapping[str, int | None] | None = None) -> list[str]:
    """What makes a draft invalid (empty when it is valid); ``media_ms``: source lengths.

    Valid: every span is positive and starts at or after 0, the duration is the last end,
    fades fit their segments, and footage never reads past the end of its source file.
    """
    out = []
    media_ms = media_ms or {}
    last = 0
    for t in draft.tracks:
        for s in t.segments:
            last = max(last, s.end_ms)
            if s.start_ms < 0 or s.end_ms <= s.start_ms:
                out.append(f"{t.id}/{s.id}: span {s.start_ms}-{s.end_ms}")
            for fade in (s.fade_in_ms, s.fade_out_ms):
                if fade is not None and not 0 < fade <= s.length_ms:
                    out.append(f"{t.id}/{s.id}: fade {fade} in {s.length_ms} ms")
            if s.source_offset_ms is not None and s.source_offset_ms < 0:
                out.append(f"{t.id}/{s.id}: negative source offset")
            length = media_ms.get(s.source or "")
            if t.type == schema.TrackType.VIDEO and length:
                read = (s.source_offset_ms or 0) + s.length_ms * s.rate
                if read > length + 2:  # rounding of retimed pieces
                    out.append(f"{t.id}/{s.id}: reads {read:.0f} ms of a {length} ms source")
            if s.speed is not None and not MIN_SPEED - 1e-6 <= s.speed <= MAX_SPEED + 1e-6:
                out.append(f"{t.id}/{s.id}: speed {s.speed}")
    if draft.tracks and draft.duration_ms != last:
        out.append(f"duration {draft.duration_ms} != last end {last}")
    return out


# ================================================================================================
# Undo and redo
# ================================================================================================
#: The state keys an undo step restores (uploads are files, never undone).
UNDOABLE = (
    schema.STATE_DRAFT,
    schema.STATE_CANVAS,
    schema.STATE_CAPTIONS,
    schema.STATE_METADATA,
    schema.STATE_PROMPTS,
)
_MISSING = "__missing__"


@dataclass
class History:
    """Undo and redo steps of a session's state; one step per turn that changed something.

    A step holds, for each key of :data:`UNDOABLE` the turn changed, its value before the
    turn (``undo`` entries) or after it (``redo`` entries), and what the turn did (``what``).
    Stored by the engine as one JSON list (``to_list``/``from_list``); entries of earlier
    versions (bare drafts) read as undo steps of the draft.
    """

    undo: list[dict[str, Any]] = field(default_factory=list)
    redo: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_list(cls, entries: Iterable[Any]) -> History:
        h = cls()
        for e in entries or []:
            if isinstance(e, dict) and "undo" in e and isinstance(e["undo"], dict):
                h.undo.append({"keys": e["undo"], "what": e.get("what", "")})
            elif isinstance(e, dict) and "redo" in e and isinstance(e["redo"], dict):
                h.redo.append({"keys": e["redo"], "what": e.get("what", "")})
            elif isinstance(e, dict):
                h.undo.append({"keys": {schema.STATE_DRAFT: e}, "what": ""})
        return h

    def to_list(self) -> list[dict[str, Any]]:
        return [{"undo": s["keys"], "what": s["what"]} for s in self.undo] + [
            {"redo": s["keys"], "what": s["what"]} for s in self.redo
        ]

    @staticmethod
    def _take(state: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
        # shared, not copied: state values are replaced by edits, never changed in place
        # (see engine/state_parts.py), so a step costs what it changed
        return {k: state.get(k, _MISSING) for k in keys}

    @staticmethod
    def _put(state: dict[str, Any], values: Mapping[str, Any]) -> None:
        for k, v in values.items():
            if v == _MISSING:
                state.pop(k, None)
            else:
                state[k] = v

    def record(self, before: Mapping[str, Any], after: Mapping[str, Any], what: str) -> bool:
        """Remember a turn that changed ``before`` into ``after``; a new step clears redo."""
        changed = [k for k in UNDOABLE if before.get(k, _MISSING) != after.get(k, _MISSING)]
        if not changed:
            return False
        self.undo.append({"keys": self._take(before, changed), "what": what})
        self.redo.clear()
        return True

    def step_back(self, state: dict[str, Any]) -> str | None:
        """Undo the last step in ``state`` (in place); returns what it did, None if none."""
        if not self.undo:
            return None
        step = self.undo.pop()
        self.redo.append({"keys": self._take(state, step["keys"]), "what": step["what"]})
        self._put(state, step["keys"])
        return step["what"]

    def step_forward(self, state: dict[str, Any]) -> str | None:
        """Redo the last undone step in ``state`` (in place); returns what it did, or None."""
        if not self.redo:
            return None
        step = self.redo.pop()
        self.undo.append({"keys": self._take(state, step["keys"]), "what": step["what"]})
        self._put(state, step["keys"])
        return step["what"]


__all__ = [
    "DEFAULT_IMAGE_MS",
    "DEFAULT_MUSIC_VOLUME",
    "DEFAULT_TITLE_MS",
    "MAX_IMAGE_MS",
    "UNDOABLE",
    "Draft",
    "History",
    "Meta",
    "Segment",
    "Source",
    "TimelineError",
    "TitleRef",
    "Track",
    "Upload",
    "Word",
    "add_music",
    "add_title",
    "caption_track_id",
    "cut_range",
    "edit_titles",
    "finalize",
    "fmt_s",
    "insert_clip",
    "keep_range",
    "place_first_clip",
    "problems",
    "ratio_name",
    "remove_captions",
    "remove_music",
    "remove_overlays",
    "remove_titles",
    "restyle_captions",
    "set_caption_track",
    "set_muted",
    "set_ratio",
    "set_speed",
    "set_storyboard",
    "set_video_fades",
    "set_volume",
    "show_captions",
    "show_captions_together",
    "summary",
]
