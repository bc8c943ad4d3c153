"""The decoded timeline draft (``t``/``tt``/``sg``/``d``/``m``) and the whole session state.

Only the draft's top-level keys are documented; segment keys are not, so each field is read
from several candidate names (``schema.START_KEYS`` etc., contract §5.3) and every segment,
track and state keeps its raw dict, so unknown keys survive a round trip.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from . import schema

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .api.client import UploadedFile

_MANY = 4  # tracks with more segments than this are summarised as a count ("42 cues")
#: Tracks of at least this many segments are read once per dict received (``Track.from_raw``).
_MEMO_SEGMENTS = 32
_MEMO_SIZE = 32
_read_tracks: dict[int, tuple[Mapping[str, Any], Track]] = {}


def _first(d: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for k in keys:
        v = d.get(k)
        if v not in (None, ""):
            return v
    return None


def _ms(v: Any) -> int | None:
    if isinstance(v, bool) or v is None:
        return None
    try:
        return round(float(v))
    except (TypeError, ValueError):
        return None


def fmt_s(ms: int | float | None) -> str:
    """Milliseconds as compact seconds: 10000 -> "10", 2500 -> "2.5"."""
    if ms is None:
        return "?"
    s = round(ms / 1000, 2)
    return str(int(s)) if s == int(s) else f"{s:g}"


@dataclass
class Segment:
    """A clip on a track. Times are integer milliseconds; ``raw`` keeps every original key."""

    id: str | None
    start_ms: int
    end_ms: int
    label: str | None = None
    text: str | None = None
    volume: float | None = None  # 0..1
    source: str | None = None
    style: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Segment:
        raw = dict(raw)
        start = _ms(_first(raw, schema.START_KEYS)) or 0
        end = _ms(_first(raw, schema.END_KEYS))
        if end is None:
            dur = _ms(_first(raw, schema.DURATION_KEYS))
            end = start + (dur or 0)
        vol = _first(raw, schema.VOLUME_KEYS)
        volume = None
        if isinstance(vol, (int, float)) and not isinstance(vol, bool):
            volume = vol / 100 if vol > 1 else float(vol)
        text = _first(raw, schema.TEXT_KEYS)
        label = _first(raw, schema.LABEL_KEYS)
        source = _first(raw, schema.SOURCE_KEYS)
        style = raw.get(schema.SEG_STYLE)
        return cls(
            id=None if raw.get(schema.SEG_ID) is None else str(raw[schema.SEG_ID]),
            start_ms=start,
            end_ms=max(end, start),
            label=None if label is None else str(label),
            text=None if text is None else str(text),
            volume=volume,
            source=source if isinstance(source, str) else None,
            style=dict(style) if isinstance(style, dict) else {},
            raw=raw,
        )

    @property
    def start_s(self) -> float:
        return self.start_ms / 1000

    @property
    def end_s(self) -> float:
        return self.end_ms / 1000

    @property
    def duration_ms(self) -> int:
        return self.end_ms - self.start_ms

    def describe(self, *, quoted: bool = False) -> str:
        """``city timelapse (0-10s)``, ``Lo-fi (0-10s, 35%)`` or ``"Urban Dreams" (0-3s)``."""
        if quoted and self.text:
            name = f'"{self.text}"'
        else:
            name = self.label or (self.source or "").rsplit("/", 1)[-1] or "clip"
        extra = f", {round(self.volume * 100)}%" if self.volume is not None else ""
        return f"{name} ({fmt_s(self.start_ms)}-{fmt_s(self.end_ms)}s{extra})"


@dataclass
class Track:
    """A track: its type (``tt``), a human name and its segments."""

    id: str | None
    type: int | None
    name: str
    segments: list[Segment] = field(default_factory=list)
    kind: str | None = None
    lang: str | None = None
    hidden: bool = False
    muted: bool = False
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> Track:
        # a long track (captions) the client already read is the same object in the next state
        # fetched (only changed parts are sent): read it once, not once per chat turn
        hit = _read_tracks.get(id(raw))
        if hit is not None and hit[0] is raw:
            return hit[1]
        track = cls._read(raw)
        if len(track.segments) >= _MEMO_SEGMENTS:
            _read_tracks[id(raw)] = (raw, track)  # holds raw: its id is not reused meanwhile
            while len(_read_tracks) > _MEMO_SIZE:
                _read_tracks.pop(next(iter(_read_tracks)))
        return track

    @classmethod
    def _read(cls, raw: Mapping[str, Any]) -> Track:
        raw = dict(raw)
        tt = raw.get(schema.TRACK_TYPE)
        tt = tt if isinstance(tt, int) and not isinstance(tt, bool) else _ms(tt)
        name = raw.get(schema.TRACK_NAME) or raw.get("name")
        segs = raw.get(schema.SEGMENTS) or []
        return cls(
            id=None if raw.get(schema.TRACK_ID) is None else str(raw[schema.TRACK_ID]),
            type=tt,
            name=str(name) if name else schema.TrackType.name(tt),
            segments=[Segment.from_raw(s) for s in segs if isinstance(s, Mapping)],
            kind=raw.get(schema.TRACK_KIND),
            lang=raw.get(schema.TRACK_LANG),
            hidden=bool(raw.get(schema.TRACK_HIDDEN)),
            muted=bool(raw.get(schema.TRACK_MUTED)),
            raw=raw,
        )

    @property
    def type_name(self) -> str:
        """``Video``, ``Audio``, ``Text`` or ``Track type N`` for undocumented types."""
        return schema.TrackType.name(self.type)

    @property
    def is_text(self) -> bool:
        return self.type == schema.TrackType.TEXT

    @property
    def unit(self) -> str:
        return "cues" if self.kind == schema.TrackKind.CAPTION else "segments"

    def describe_segment(self, seg: Segment) -> str:
        return seg.describe(quoted=self.is_text)

    def describe(self) -> str:
        """``Video: city timelapse (0-10s)``; many segments become a count."""
        if not self.segments:
            return f"{self.name}: empty"
        if len(self.segments) > _MANY:
            lo = min(s.start_ms for s in self.segments)
            hi = max(s.end_ms for s in self.segments)
            body = f"{len(self.segments)} {self.unit} ({fmt_s(lo)}-{fmt_s(hi)}s)"
        else:
            body = ", ".join(self.describe_segment(s) for s in self.segments)
        return f"{self.name}: {body}" + (" [hidden]" if self.hidden else "")


@dataclass
class DraftDiff:
    """What changed between two drafts, as human lines (``Title added: "Urban Dreams" (0-3s)``)."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)

    @property
    def lines(self) -> list[str]:
        return [*self.added, *self.removed, *self.changed]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def __iter__(self) -> Iterator[str]:
        return iter(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def __str__(self) -> str:
        return "\n".join(self.lines) or "No changes."

    def _repr_markdown_(self) -> str:
        return "\n".join(f"- {x}" for x in self.lines) or "No changes."


_STYLE_WORDS = {
    schema.SEG_STYLE: "style",
    schema.SEG_FADE_IN: "fade-in",
    schema.SEG_FADE_OUT: "fade-out",
    schema.SEG_SOURCE_OFFSET: "source offset",
    schema.SEG_SPEED: "speed",
    schema.SEG_WORDS: "word timings",
}


def _keyed(items: list[Any], key_of: Any) -> dict[Any, Any]:
    out: dict[Any, Any] = {}
    for i, item in enumerate(items):
        k = key_of(item, i)
        out[k if k not in out else (k, i)] = item
    return out


@dataclass
class Draft:
    """The timeline: tracks of segments, a duration (ms) and metadata (``m``).

    Build one with :meth:`from_state` from a state response, a state dict or a draft dict.
    """

    tracks: list[Track] = field(default_factory=list)
    duration_ms: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_state(cls, value: Any) -> Draft:
        """Decode a draft from ``data`` of the state endpoint, ``data.state``, or the draft.

        Accepts a JSON string too (some servers send the draft serialised).
        """
        if isinstance(value, SessionState):
            return value.draft
        if isinstance(value, (str, bytes)):
            try:
                value = json.loads(value)
            except ValueError:
                value = {}
        d = value if isinstance(value, Mapping) else {}
        if isinstance(d.get("state"), Mapping):
            d = d["state"]
        if schema.STATE_DRAFT in d and schema.TRACKS not in d:
            d = d[schema.STATE_DRAFT]
            if isinstance(d, (str, bytes)):
                return cls.from_state(d)
        d = dict(d) if isinstance(d, Mapping) else {}
        tracks = [Track.from_raw(t) for t in d.get(schema.TRACKS) or [] if isinstance(t, Mapping)]
        meta = d.get(schema.META)
        duration = _ms(d.get(schema.DURATION))
        if duration is None and tracks:
            duration = max((s.end_ms for t in tracks for s in t.segments), default=0)
        return cls(tracks, duration, dict(meta) if isinstance(meta, Mapping) else {}, d)

    # -- views ----------------------------------------------------------------------------------

    @property
    def is_exportable(self) -> bool:
        """True when at least one track has a segment (the contract's export rule)."""
        return any(t.segments for t in self.tracks)

    @property
    def duration_s(self) -> float | None:
        return None if self.duration_ms is None else self.duration_ms / 1000

    @property
    def segments(self) -> list[Segment]:
        return [s for t in self.tracks for s in t.segments]

    def summary(self) -> str:
        """One line in the seeds' form.

        Examples
        --------
        ``Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%)
        3. Title: "Urban Dreams" (0-3s)``
        """
        n = len(self.tracks)
        head = f"Timeline ({n} track{'s' if n != 1 else ''}):"
        if not n:
            return f"{head} empty"
        return " ".join([head, *(f"{i}. {t.describe()}" for i, t in enumerate(self.tracks, 1))])

    def __str__(self) -> str:
        return self.summary()

    def _repr_markdown_(self) -> str:
        if not self.tracks:
            return "**Timeline:** empty"
        lines = [f"**Timeline** ({fmt_s(self.duration_ms)} s, {len(self.tracks)} tracks)"]
        lines += [f"{i}. {t.describe()}" for i, t in enumerate(self.tracks, 1)]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The draft as the server sent it (for the render request)."""
        return self.raw

    def to_frame(self) -> pd.DataFrame:
        """One row per segment: track, type, label, text, times in seconds and ms, volume.

        A caption's lines are joined by a space in ``text`` (a line break would show as a
        literal ``\\n`` in the table); ``lines`` says how many there were, and the segments
        themselves keep the breaks.
        """
        import pandas as pd

        rows = []
        for ti, t in enumerate(self.tracks):
            for si, s in enumerate(t.segments):
                rows.append(
                    {
                        "track": ti,
                        "track_name": t.name,
                        "track_type": t.type_name,
                        "tt": t.type,
                        "kind": t.kind,
                        "segment": si,
                        "segment_id": s.id,
                        "label": _one_line(s.label),
                        "text": _one_line(s.text),
                        "lines": len(s.text.splitlines()) if s.text else 0,
                        "start_s": s.start_s,
                        "end_s": s.end_s,
                        "duration_s": s.duration_ms / 1000,
                        "start_ms": s.start_ms,
                        "end_ms": s.end_ms,
                        "volume": s.volume,
                        "source": s.source,
                    }
                )
        columns = [
            "track", "track_name", "track_type", "tt", "kind", "segment", "segment_id", "label",
            "text", "lines", "start_s", "end_s", "duration_s", "start_ms", "end_ms", "volume",
            "source",
        ]  # fmt: skip
        return pd.DataFrame(rows, columns=columns)

    # -- diff ----------------------------------------------------------------------------------

    def diff(self, other: Draft) -> DraftDiff:
        """What changed going from ``self`` (before) to ``other`` (after)."""
        out = DraftDiff()
        old = _keyed(self.tracks, lambda t, i: t.id or (i, t.type))
        new = _keyed(other.tracks, lambda t, i: t.id or (i, t.type))
        for key, t in new.items():
            if key not in old:
                if not t.segments:
                    out.added.append(f"Track added: {t.name}")
                elif len(t.segments) > _MANY:
                    out.added.append(f"{t.name} added: {t.describe().split(': ', 1)[1]}")
                else:
                    out.added += [f"{t.name} added: {t.describe_segment(s)}" for s in t.segments]
                continue
            if old[key] is not t:  # the very same track (unchanged and not sent again): no diff
                _diff_segments(old[key], t, out)
        for key, t in old.items():
            if key not in new:
                if not t.segments or len(t.segments) > _MANY:
                    out.removed.append(f"Track removed: {t.name}")
                else:
                    out.removed += [
                        f"{t.name} removed: {t.describe_segment(s)}" for s in t.segments
                    ]
        if self.duration_ms != other.duration_ms and (self.tracks or other.tracks):
            out.changed.append(
                f"Duration changed: {fmt_s(self.duration_ms)}s → {fmt_s(other.duration_ms)}s"
            )
        for key, word in (("ratio", "Aspect ratio"), ("title", "Project title")):
            if self.meta.get(key) != other.meta.get(key) and other.meta.get(key) is not None:
                out.changed.append(f"{word} changed: {self.meta.get(key)} → {other.meta.get(key)}")
        return out


def _diff_segments(before: Track, after: Track, out: DraftDiff) -> None:
    name = after.name
    if before.hidden != after.hidden:
        out.changed.append(f"{name} {'hidden' if after.hidden else 'shown'}")
    if before.muted != after.muted:
        out.changed.append(f"{name} {'muted' if after.muted else 'unmuted'}")
    old = _keyed(before.segments, lambda s, i: s.id or i)
    new = _keyed(after.segments, lambda s, i: s.id or i)
    added = [s for k, s in new.items() if k not in old]
    removed = [s for k, s in old.items() if k not in new]
    changed = [(old[k], s) for k, s in new.items() if k in old and old[k].raw != s.raw]
    if len(added) + len(removed) + len(changed) > _MANY:
        parts = [
            f"{n} {after.unit} {verb}"
            for n, verb in (
                (len(added), "added"),
                (len(removed), "removed"),
                (len(changed), "changed"),
            )
            if n
        ]
        out.changed.append(f"{name} changed: {', '.join(parts)}")
        return
    out.added += [f"{name} added: {after.describe_segment(s)}" for s in added]
    out.removed += [f"{name} removed: {before.describe_segment(s)}" for s in removed]
    for a, b in changed:
        da, db = before.describe_segment(a), after.describe_segment(b)
        if da != db:
            out.changed.append(f"{name} changed: {da} → {db}")
        else:
            keys = sorted(k for k in {*a.raw, *b.raw} if a.raw.get(k) != b.raw.get(k))
            words = ", ".join(dict.fromkeys(_STYLE_WORDS.get(k, k) for k in keys))
            out.changed.append(f"{name} changed: {db} ({words})")


@dataclass
class SessionState:
    """The whole session state: draft, uploads, canvas, captions, metadata, prompts.

    Unknown keys are kept in :attr:`extra`; :attr:`raw` is the response ``data`` unchanged.
    """

    session_id: str | None = None
    task_id: str | None = None
    task_name: str | None = None
    draft: Draft = field(default_factory=Draft)
    video_infos: list[UploadedFile] = field(default_factory=list)
    canvas: dict[str, Any] = field(default_factory=dict)
    analyses: dict[str, Any] = field(default_factory=dict)
    generated_media: Any = None
    captions: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    prompts: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    _KNOWN = frozenset(
        {
            schema.STATE_DRAFT,
            schema.STATE_VIDEO_INFOS,
            schema.STATE_CANVAS,
            schema.STATE_ANALYSES,
            schema.STATE_GENERATED,
            schema.STATE_CAPTIONS,
            schema.STATE_METADATA,
            schema.STATE_PROMPTS,
        }
    )

    @classmethod
    def from_response(cls, data: Any) -> SessionState:
        """From ``data`` of ``GET /api/state/.../latest`` (``{"state": {...}, "session_id"}``)."""
        from .api.client import UploadedFile

        d = data if isinstance(data, Mapping) else {}
        st = d.get("state") if isinstance(d.get("state"), Mapping) else d
        infos = st.get(schema.STATE_VIDEO_INFOS) or []

        def _dict(key: str) -> dict[str, Any]:
            v = st.get(key)
            return dict(v) if isinstance(v, Mapping) else {}

        return cls(
            session_id=d.get("session_id"),
            task_id=d.get("task_id"),
            task_name=d.get("task_name"),
            draft=Draft.from_state(st.get(schema.STATE_DRAFT) or {}),
            video_infos=[UploadedFile.from_data(v) for v in infos if isinstance(v, Mapping)],
            canvas=_dict(schema.STATE_CANVAS),
            analyses=_dict(schema.STATE_ANALYSES),
            generated_media=st.get(schema.STATE_GENERATED),
            captions=_dict(schema.STATE_CAPTIONS),
            metadata=_dict(schema.STATE_METADATA),
            prompts=_dict(schema.STATE_PROMPTS),
            extra={k: v for k, v in st.items() if k not in cls._KNOWN},
            raw=dict(d),
        )

    @property
    def state(self) -> dict[str, Any]:
        """The inner ``state`` dict, as sent."""
        st = self.raw.get("state")
        return dict(st) if isinstance(st, Mapping) else dict(self.raw)

    def __getitem__(self, key: str) -> Any:
        return self.state[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self.state.get(key, default)

    @property
    def has_uploads(self) -> bool:
        return bool(self.video_infos)

    def summary(self) -> str:
        ups = len(self.video_infos)
        langs = ", ".join(sorted(self.captions)) or "none"
        return (
            f"{self.draft.summary()}\nUploads: {ups}; captions: {langs}; "
            f"exportable: {'yes' if self.draft.is_exportable else 'no'}"
        )

    def __str__(self) -> str:
        return self.summary()

    def _repr_markdown_(self) -> str:
        return f"{self.draft._repr_markdown_()}\n\n" + self.summary().split("\n", 1)[1]


def _one_line(text: str | None) -> str | None:
    """Lines joined by a space (a DataFrame shows a line break as a literal ``\\n``)."""
    return " ".join(line.strip() for line in text.splitlines()) if text else text
