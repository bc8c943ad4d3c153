"""Engine extension: ``GET /api/captions/nemo_agent/me/{session_id}?format=srt|vtt|ass|json&lang=``.

Serves a session's captions as a file body, timed on the draft's timeline (the caption track);
ASS carries the track's burn style. No captions yet: HTTP 404 with code 4004 and what to do.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ... import schema
from .draft import caption_tracks
from .formats import FORMATS, FormatError, entry_from_track, export_captions

#: Error code of "no captions yet" (engine extension, paired with HTTP 404).
NO_CAPTIONS = 4004
NO_CAPTIONS_MESSAGE = "No captions yet: ask for captions first, e.g. s.chat('add captions')."


def shown_language(state: dict[str, Any]) -> str | None:
    """The language of the caption track shown in the draft, else the first one stored."""
    draft = state.get(schema.STATE_DRAFT) or {}
    for t in caption_tracks(draft):
        if not t.get(schema.TRACK_HIDDEN):
            return str(t.get(schema.TRACK_LANG))
    caps = state.get(schema.STATE_CAPTIONS) or {}
    return next(iter(caps), None)


async def get_captions(request: Request) -> Response:
    from ..app import ApiError, require_session

    _, session = require_session(request, request.path_params["session_id"])
    state = request.app.state.store.state(session["session_id"])
    caps: dict[str, Any] = state.get(schema.STATE_CAPTIONS) or {}
    fmt = (request.query_params.get("format") or "srt").lower()
    if fmt not in FORMATS:
        raise ApiError(4000, f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.", 400)
    lang = request.query_params.get("lang") or shown_language(state)
    if not caps or lang is None:
        raise ApiError(NO_CAPTIONS, NO_CAPTIONS_MESSAGE, 404)
    if lang not in caps:
        raise ApiError(
            NO_CAPTIONS,
            f"No {lang!r} captions in this session (there are: {', '.join(caps)}). Ask for "
            f"them, e.g. s.chat('add captions in {lang}').",
            404,
        )
    draft = state.get(schema.STATE_DRAFT) or {}
    track = next((t for t in caption_tracks(draft) if t.get(schema.TRACK_LANG) == lang), None)
    canvas = state.get(schema.STATE_CANVAS) or {}
    try:
        entry = entry_from_track(track, caps[lang]) if track else caps[lang]
        body, media_type = export_captions(
            entry,
            fmt,
            track=track,
            width=int(canvas.get("width") or 1920),
            height=int(canvas.get("height") or 1080),
        )
    except FormatError as exc:
        raise ApiError(4000, str(exc), 400) from exc
    filename = f"captions.{lang}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(body, media_type=media_type, headers=headers)


routes = [
    Route("/api/captions/nemo_agent/me/{session_id}", get_captions, methods=["GET"]),
]
