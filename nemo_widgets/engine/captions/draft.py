"""Caption tracks in the draft: cues (source seconds) -> ``tt`` 7 tracks (timeline ms).

A caption track is ``{"tt": 7, "k": "caption", "lang": "en", "n": "Captions (en)",
"sty": {...}, "sg": [...]}``; each segment holds the cue text (``\\n`` line breaks), its
``st``/``et`` in ms and its words (``w``) with ms timings. One language is shown; the others
are kept with ``"hid": true``. Source times are mapped through the video track's segments
(``st``/``et``/``so``), so captions follow cuts; words of cut-out parts are left out.
"""

from __future__ import annotations

from typing import Any

from ... import schema

#: A new caption track's style; sizes, outline and position come from the burn style's defaults
#: (``burn.STYLE_DEFAULTS``) unless the user changes them.
DEFAULT_STYLE: dict[str, Any] = {schema.STYLE_PRESET: "plain"}


def track_id(lang: str) -> str:
    return f"captions-{lang}"


def _video_segments(draft: dict[str, Any], source: str | None) -> list[dict[str, Any]]:
    """Main-footage segments showing ``source`` (all video segments when it is unknown)."""
    out = []
    for track in draft.get(schema.TRACKS) or []:
        if track.get(schema.TRACK_TYPE) != schema.TrackType.VIDEO:
            continue
        if track.get(schema.TRACK_KIND) not in (None, schema.TrackKind.VIDEO):
            continue
        for seg in track.get(schema.SEGMENTS) or []:
            if source is None or seg.get(schema.SEG_SOURCE) in (None, source):
                out.append(seg)
    return out


class TimeMap:
    """Source seconds -> timeline ms through the video segments (identity when there are none)."""

    def __init__(self, draft: dict[str, Any], source: str | None) -> None:
        self.spans: list[tuple[float, float, float, float]] = []  # so_s, end_so_s, st_ms, spd
        for seg in _video_segments(draft, source):
            st, et = int(seg.get(schema.SEG_START) or 0), int(seg.get(schema.SEG_END) or 0)
            so = float(seg.get(schema.SEG_SOURCE_OFFSET) or 0) / 1000.0
            spd = float(seg.get(schema.SEG_SPEED) or 1.0) or 1.0
            if et > st:
                self.spans.append((so, so + (et - st) / 1000.0 * spd, float(st), spd))
        self.spans.sort(key=lambda s: s[2])

    def __call__(self, t_s: float) -> int | None:
        if not self.spans:
            return round(t_s * 1000)
        for so, end, st_ms, spd in self.spans:
            if so - 1e-6 <= t_s <= end + 1e-6:
                return round(st_ms + (t_s - so) * 1000.0 / spd)
        return None


def caption_segments(
    cues: list[dict[str, Any]],
    *,
    lang: str,
    style: dict[str, Any] | None = None,
    time_map: TimeMap | None = None,
) -> list[dict[str, Any]]:
    """Draft segments for cues (``state["captions"][lang]["cues"]``)."""
    sty = {**DEFAULT_STYLE, **(style or {})}
    out = []
    for i, cue in enumerate(cues):
        to_ms = time_map or (lambda t: round(t * 1000))
        st, et = to_ms(float(cue["st"])), to_ms(float(cue["et"]))
        if st is None or et is None:
            continue  # the cue's speech was cut out of the edit
        words = []
        for w in cue.get("words", []):
            ws, we = to_ms(float(w["st"])), to_ms(float(w["et"]))
            if ws is not None and we is not None:
                words.append({"w": w["w"], "st": ws, "et": max(we, ws), "p": w.get("p", 1.0)})
        out.append(
            {
                schema.SEG_ID: f"cap-{lang}-{i}",
                schema.SEG_START: st,
                schema.SEG_END: max(et, st + 1),
                schema.SEG_TEXT: cue["text"],
                schema.SEG_WORDS: words,
                schema.SEG_STYLE: dict(sty),
            }
        )
    return out


def caption_track(
    entry: dict[str, Any],
    *,
    style: dict[str, Any] | None = None,
    hidden: bool = False,
    time_map: TimeMap | None = None,
) -> dict[str, Any]:
    """The draft track for one language entry of ``state["captions"]``."""
    lang = str(entry.get("language") or "en")
    sty = {**DEFAULT_STYLE, **(style or {})}
    track: dict[str, Any] = {
        schema.TRACK_ID: track_id(lang),
        schema.TRACK_TYPE: schema.TrackType.TEXT,
        schema.TRACK_KIND: schema.TrackKind.CAPTION,
        schema.TRACK_LANG: lang,
        # a draft translation says so wherever the track is listed
        schema.TRACK_NAME: f"Captions ({lang}, {entry['label']})"
        if entry.get("label")
        else f"Captions ({lang})",
        schema.SEG_STYLE: sty,
        schema.SEGMENTS: caption_segments(
            entry.get("cues", []), lang=lang, style=sty, time_map=time_map
        ),
    }
    if hidden:
        track[schema.TRACK_HIDDEN] = True
    return track


def caption_tracks(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        t
        for t in draft.get(schema.TRACKS) or []
        if t.get(schema.TRACK_TYPE) == schema.TrackType.TEXT
        and t.get(schema.TRACK_KIND) == schema.TrackKind.CAPTION
    ]


def put_caption_track(draft: dict[str, Any], track: dict[str, Any]) -> None:
    """Insert or replace the caption track of ``track``'s language (after other tracks)."""
    tracks = draft.setdefault(schema.TRACKS, [])
    for i, t in enumerate(tracks):
        if t.get(schema.TRACK_KIND) == schema.TrackKind.CAPTION and t.get(
            schema.TRACK_LANG
        ) == track.get(schema.TRACK_LANG):
            tracks[i] = track
            return
    tracks.append(track)


def show_only(draft: dict[str, Any], lang: str) -> None:
    """Show the caption track of ``lang``; hide the other caption tracks."""
    for t in caption_tracks(draft):
        if t.get(schema.TRACK_LANG) == lang:
            t.pop(schema.TRACK_HIDDEN, None)
        else:
            t[schema.TRACK_HIDDEN] = True


def restyle(draft: dict[str, Any], changes: dict[str, Any], lang: str | None = None) -> int:
    """Apply style changes to caption tracks (one language, or all); returns tracks changed."""
    n = 0
    for t in caption_tracks(draft):
        if lang and t.get(schema.TRACK_LANG) != lang:
            continue
        sty = {**DEFAULT_STYLE, **(t.get(schema.SEG_STYLE) or {}), **changes}
        t[schema.SEG_STYLE] = sty
        for seg in t.get(schema.SEGMENTS) or []:
            seg[schema.SEG_STYLE] = {**(seg.get(schema.SEG_STYLE) or {}), **changes}
        n += 1
    return n
