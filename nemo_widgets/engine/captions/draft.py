"""Caption tracks in the draft: cues (source seconds) -> ``tt`` 7 tracks (timeline ms).

A caption track is ``{"tt": 7, "k": "caption", "lang": "en", "n": "Captions (en)",
"sty": {...}, "sg": [...]}``; each segment holds the cue text (``\\n`` line breaks), its
``st``/``et`` in ms and its words (``w``) with ms timings. One language is shown; the others
are kept with ``"hid": true``. Source times are mapped through the video track's segments
(``st``/``et``/``so``), so captions follow cuts; words of cut-out parts are left out.

Tracks are built and placed through :mod:`..timeline` (the one model of the draft); the
dict functions here are the captions package's view of it.
"""

from __future__ import annotations

from typing import Any

from ... import schema
from .. import timeline as tl

#: A new caption track's style; sizes, outline and position come from the burn style's defaults
#: (``burn.STYLE_DEFAULTS``) unless the user changes them.
DEFAULT_STYLE: dict[str, Any] = {schema.STYLE_PRESET: "plain"}


def track_id(lang: str) -> str:
    return tl.caption_track_id(lang)


def _model(draft: dict[str, Any] | tl.Draft) -> tl.Draft:
    return draft if isinstance(draft, tl.Draft) else tl.Draft.from_dict(draft)


class TimeMap:
    """Source seconds -> timeline ms through the video segments (identity when there are none)."""

    def __init__(self, draft: dict[str, Any] | tl.Draft, source: str | None) -> None:
        self.spans: list[tuple[float, float, float, float]] = []  # so_s, end_so_s, st_ms, spd
        for track in _model(draft).tracks_of(schema.TrackType.VIDEO, schema.TrackKind.VIDEO):
            for seg in track.segments:
                if source is not None and seg.source not in (None, source):
                    continue
                so = (seg.source_offset_ms or 0) / 1000.0
                if seg.end_ms > seg.start_ms:
                    self.spans.append(
                        (so, so + seg.length_ms / 1000.0 * seg.rate, float(seg.start_ms), seg.rate)
                    )
        self.spans.sort(key=lambda s: s[2])

    def __call__(self, t_s: float) -> int | None:
        if not self.spans:
            return round(t_s * 1000)
        for so, end, st_ms, spd in self.spans:
            if so - 1e-6 <= t_s <= end + 1e-6:
                return round(st_ms + (t_s - so) * 1000.0 / spd)
        return None


def segments_of(
    cues: list[dict[str, Any]],
    *,
    lang: str,
    style: dict[str, Any] | None = None,
    time_map: TimeMap | None = None,
) -> tuple[tl.Segment, ...]:
    """Timeline segments for cues (``state["captions"][lang]["cues"]``, source seconds)."""
    sty = {**DEFAULT_STYLE, **(style or {})}
    to_ms = time_map or (lambda t: round(t * 1000))
    out = []
    for i, cue in enumerate(cues):
        st, et = to_ms(float(cue["st"])), to_ms(float(cue["et"]))
        if st is None or et is None:
            continue  # the cue's speech was cut out of the edit
        words = []
        for w in cue.get("words", []):
            ws, we = to_ms(float(w["st"])), to_ms(float(w["et"]))
            if ws is not None and we is not None:
                words.append(tl.Word(str(w["w"]), ws, max(we, ws), float(w.get("p", 1.0))))
        out.append(
            tl.Segment(
                f"cap-{lang}-{i}",
                st,
                max(et, st + 1),
                text=str(cue["text"]),
                words=tuple(words),
                style=tl.frozen(sty),
            )
        )
    return tuple(out)


def caption_segments(
    cues: list[dict[str, Any]],
    *,
    lang: str,
    style: dict[str, Any] | None = None,
    time_map: TimeMap | None = None,
) -> list[dict[str, Any]]:
    """Draft segments (dicts) for cues."""
    return [s.to_dict() for s in segments_of(cues, lang=lang, style=style, time_map=time_map)]


def track_of(
    entry: dict[str, Any],
    *,
    style: dict[str, Any] | None = None,
    hidden: bool = False,
    time_map: TimeMap | None = None,
) -> tl.Track:
    """The timeline track for one language entry of ``state["captions"]``."""
    lang = str(entry.get("language") or "en")
    sty = {**DEFAULT_STYLE, **(style or {})}
    return tl.Track(
        track_id(lang),
        schema.TrackType.TEXT,
        segments_of(entry.get("cues", []), lang=lang, style=sty, time_map=time_map),
        name=f"Captions ({lang})",
        kind=schema.TrackKind.CAPTION,
        lang=lang,
        hidden=hidden,
        style=tl.frozen(sty),
    )


def caption_track(
    entry: dict[str, Any],
    *,
    style: dict[str, Any] | None = None,
    hidden: bool = False,
    time_map: TimeMap | None = None,
) -> dict[str, Any]:
    """The draft track (a dict) for one language entry of ``state["captions"]``."""
    return track_of(entry, style=style, hidden=hidden, time_map=time_map).to_dict()


def caption_tracks(draft: dict[str, Any]) -> list[dict[str, Any]]:
    """The caption tracks of a draft dict (as dicts)."""
    return [t.to_dict() for t in _model(draft).caption_tracks()]


def _put(draft: dict[str, Any], new: tl.Draft) -> None:
    # the dict API changes the caller's draft in place
    draft.clear()
    draft.update(new.to_dict())


def put_caption_track(draft: dict[str, Any], track: dict[str, Any]) -> None:
    """Insert or replace the caption track of ``track``'s language (after other tracks)."""
    _put(draft, tl.set_caption_track(_model(draft), tl.Track.from_dict(track)))


def show_only(draft: dict[str, Any], lang: str) -> None:
    """Show the caption track of ``lang``; hide the other caption tracks."""
    _put(draft, tl.show_captions(_model(draft), lang))


def restyle(draft: dict[str, Any], changes: dict[str, Any], lang: str | None = None) -> int:
    """Apply style changes to caption tracks (one language, or all); returns tracks changed."""
    new, n = tl.restyle_captions(_model(draft), changes, lang, base=DEFAULT_STYLE)
    _put(draft, new)
    return n
