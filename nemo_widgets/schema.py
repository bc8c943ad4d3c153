"""Pure data shared by the client and the embedded engine: draft keys, error codes, media types.

This module is the one place both sides of the wire may import (see ``design.md``): it holds
no behaviour beyond tiny lookups, imports nothing heavy, and must stay that way.

The draft's top-level keys (``t``, ``tt``, ``sg``, ``d``, ``m``) are documented by NemoVideo.
Segment-level keys are *not* public; the ones below are this project's definition, used by the
embedded engine and read (among other candidate names) by the client's draft model.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

# --------------------------------------------------------------------------------------------
# Draft: top level (documented) -- all times are integer milliseconds
# --------------------------------------------------------------------------------------------
TRACKS: Final = "t"  # list of tracks
TRACK_TYPE: Final = "tt"  # int, see TrackType
SEGMENTS: Final = "sg"  # list of segments of a track
DURATION: Final = "d"  # draft duration in ms
META: Final = "m"  # {"title", "width", "height", "fps", "ratio"}


class TrackType:
    """Documented track types; any other integer is kept and shown as "Track type N"."""

    VIDEO: Final = 0
    AUDIO: Final = 1
    TEXT: Final = 7

    NAMES: Final = {0: "Video", 1: "Audio", 7: "Text"}

    @classmethod
    def name(cls, tt: int | None) -> str:
        return cls.NAMES.get(tt, f"Track type {tt}") if tt is not None else "Track"


# --------------------------------------------------------------------------------------------
# Draft: track keys (this project's definition)
# --------------------------------------------------------------------------------------------
TRACK_ID: Final = "id"
TRACK_NAME: Final = "n"  # human name: "Video", "BGM", "Title", "Captions (en)"
TRACK_KIND: Final = "k"  # finer role of a track; see TrackKind
TRACK_LANG: Final = "lang"  # caption tracks: BCP-47-ish language code ("en", "es")
TRACK_HIDDEN: Final = "hid"  # bool: caption track kept but not shown / burned in
TRACK_MUTED: Final = "mute"  # bool: audio of this track is silenced in the render


class TrackKind:
    """Roles of tracks beyond ``tt`` (a caption track and a title track are both ``tt`` 7)."""

    VIDEO: Final = "video"  # main footage (tt 0)
    OVERLAY: Final = "overlay"  # images / picture-in-picture (tt 0)
    MUSIC: Final = "music"  # background music (tt 1)
    AUDIO: Final = "audio"  # other audio (tt 1)
    TITLE: Final = "title"  # titles and text overlays (tt 7)
    CAPTION: Final = "caption"  # captions / subtitles from speech (tt 7)
    STORYBOARD: Final = "storyboard"  # scene prompts rendered as title cards (tt 7)


# --------------------------------------------------------------------------------------------
# Draft: segment keys (this project's definition; the client also reads other candidates)
# --------------------------------------------------------------------------------------------
SEG_ID: Final = "id"
SEG_START: Final = "st"  # start on the timeline, ms
SEG_END: Final = "et"  # end on the timeline, ms
SEG_SOURCE_OFFSET: Final = "so"  # where in the source file the segment starts, ms
SEG_SOURCE: Final = "src"  # source media URL (the upload's cdn_url)
SEG_LABEL: Final = "nm"  # human label ("city timelapse", "Lo-fi")
SEG_TEXT: Final = "txt"  # text of a title / caption / scene card
SEG_STYLE: Final = "sty"  # dict, see STYLE_* keys
SEG_VOLUME: Final = "vol"  # 0..1 (the client also accepts 0..100)
SEG_FADE_IN: Final = "fi"  # ms
SEG_FADE_OUT: Final = "fo"  # ms
SEG_WORDS: Final = "w"  # caption segments: [{"w": word, "st": ms, "et": ms}, ...]
SEG_SPEED: Final = "spd"  # playback speed factor, 1.0 = normal
SEG_FIT: Final = "fit"  # visual segments: "contain" (letterbox, default) | "cover" (crop to fill)

# Candidate names the client's draft model tries, in order (contract §5.3).
START_KEYS: Final = ("st", "s", "start", "in", "b")
END_KEYS: Final = ("et", "e", "end", "out")
DURATION_KEYS: Final = ("d", "dur", "duration")
LABEL_KEYS: Final = ("nm", "name", "txt", "text", "title")
TEXT_KEYS: Final = ("txt", "text", "title")
VOLUME_KEYS: Final = ("vol", "volume")
SOURCE_KEYS: Final = ("src", "source", "url", "cdn_url", "path")

# --------------------------------------------------------------------------------------------
# Text style keys (inside SEG_STYLE)
# --------------------------------------------------------------------------------------------
STYLE_PRESET: Final = "preset"  # plain | boxed | karaoke | vertical | title
STYLE_COLOR: Final = "color"  # "#RRGGBB"
STYLE_HIGHLIGHT: Final = "hl"  # karaoke: colour of the active word
STYLE_SIZE: Final = "size"  # font size in px at 1080 px canvas height
STYLE_POSITION: Final = "pos"  # see POSITIONS
STYLE_FONT: Final = "font"  # font family name
STYLE_BOX: Final = "box"  # background box colour "#RRGGBBAA" or None
STYLE_OUTLINE: Final = "outline"  # outline width in px
STYLE_ANIMATION: Final = "anim"  # "fade-in" | "fade" | None
STYLE_BOLD: Final = "bold"

POSITIONS: Final = (
    "top-left",
    "top-center",
    "top-right",
    "center-left",
    "center",
    "center-right",
    "bottom-left",
    "bottom-center",
    "bottom-right",
)
CAPTION_STYLES: Final = ("plain", "boxed", "karaoke", "vertical", "title")

# --------------------------------------------------------------------------------------------
# Session state keys (``data.state`` of GET /api/state/.../latest)
# --------------------------------------------------------------------------------------------
STATE_DRAFT: Final = "draft"
STATE_VIDEO_INFOS: Final = "video_infos"  # list of upload records (UPLOAD_FIELDS + "file_id")
STATE_CANVAS: Final = "canvas_config"  # {"width", "height", "ratio"}
STATE_ANALYSES: Final = "video_analyses"  # {cdn_url: {"transcript": ..., "language": ...}}
STATE_GENERATED: Final = "generated_media"  # list of generated artefacts
STATE_METADATA: Final = "metadata"  # titles / description / tags / chapters (video-meta-ai)
STATE_PROMPTS: Final = "prompts"  # text-to-video prompts / storyboard (video-prompt-generation)
STATE_CAPTIONS: Final = "captions"  # {lang: {"words": [...], "cues": [...], "model": ...}}

UPLOAD_FIELDS: Final = (
    "filename",
    "file_type",
    "cdn_url",
    "duration",  # seconds (float), unlike the draft
    "width",
    "height",
    "fps",
    "hash",
)

# --------------------------------------------------------------------------------------------
# Canvas
# --------------------------------------------------------------------------------------------
ASPECT_RATIOS: Final = {
    "16:9": (1920, 1080),
    "9:16": (1080, 1920),
    "1:1": (1080, 1080),
    "4:5": (1080, 1350),
}
RESOLUTIONS: Final = {"1080p": 1080, "720p": 720, "480p": 480}  # short side in px
QUALITIES: Final = ("high", "medium", "low")

# --------------------------------------------------------------------------------------------
# Media types accepted by the upload endpoint (contract §4)
# --------------------------------------------------------------------------------------------
MEDIA_TYPES: Final = {
    # extension: (file_type, MIME)
    "mp4": ("video", "video/mp4"),
    "mov": ("video", "video/quicktime"),
    "avi": ("video", "video/x-msvideo"),
    "webm": ("video", "video/webm"),
    "mkv": ("video", "video/x-matroska"),
    "jpg": ("image", "image/jpeg"),
    "jpeg": ("image", "image/jpeg"),
    "png": ("image", "image/png"),
    "gif": ("image", "image/gif"),
    "webp": ("image", "image/webp"),
    "mp3": ("audio", "audio/mpeg"),
    "wav": ("audio", "audio/wav"),
    "m4a": ("audio", "audio/mp4"),
    "aac": ("audio", "audio/aac"),
}
SUPPORTED_FORMATS_TEXT: Final = "mp4, mov, avi, webm, mkv, jpg, png, gif, webp, mp3, wav, m4a, aac"
MAX_UPLOAD_BYTES: Final = 500 * 1024 * 1024  # "Max file size is 500MB" (all five seeds)


def media_type(filename: str) -> tuple[str, str] | None:
    """``(file_type, mime)`` for a file name, or None when the extension is not accepted."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return MEDIA_TYPES.get(ext)


# --------------------------------------------------------------------------------------------
# Error codes (contract §1.3) and the HTTP status the engine pairs them with
# --------------------------------------------------------------------------------------------
class ErrorCode:
    OK: Final = 0
    TOKEN_INVALID: Final = 1001
    SESSION_NOT_FOUND: Final = 1002
    NO_CREDITS: Final = 2001
    UNSUPPORTED_FILE: Final = 4001
    FILE_TOO_LARGE: Final = 4002


ERROR_HTTP_STATUS: Final = {
    ErrorCode.TOKEN_INVALID: 401,
    ErrorCode.SESSION_NOT_FOUND: 404,
    ErrorCode.NO_CREDITS: 402,
    ErrorCode.UNSUPPORTED_FILE: 415,
    ErrorCode.FILE_TOO_LARGE: 413,
}

# --------------------------------------------------------------------------------------------
# Render status values (contract §6.2)
# --------------------------------------------------------------------------------------------
RENDER_PENDING: Final = "pending"
RENDER_PROCESSING: Final = "processing"
RENDER_COMPLETED: Final = "completed"
RENDER_FAILED: Final = "failed"
RENDER_CANCELLED: Final = "cancelled"  # engine extension; clients treat it as terminal
RENDER_TERMINAL: Final = frozenset({RENDER_COMPLETED, RENDER_FAILED, RENDER_CANCELLED})

# --------------------------------------------------------------------------------------------
# Identity of the agent app (ADK app_name) and anonymous accounts
# --------------------------------------------------------------------------------------------
APP_NAME: Final = "nemo_agent"
TOKEN_PREFIX: Final = "nmv_usr_"
#: The embedded engine's owner proof: a secret file in its (0700) data folder and the header that
#: carries it on ``POST /api/auth/anonymous-token``. Whoever can read the file is the OS user who
#: runs the engine, so a client that lost its cached token gets a new one for the same account
#: (a client id alone never does). An engine extension; the cloud never sees it.
ENGINE_OWNER_FILE: Final = "owner.key"
ENGINE_OWNER_HEADER: Final = "X-Engine-Owner"
ANON_CREDITS: Final = 100
TOKEN_TTL_S: Final = 7 * 24 * 3600
DEFAULT_CLOUD_URL: Final = "https://mega-api-prod.nemovideo.ai"
DEFAULT_WEB_URL: Final = "https://nemovideo.com"

# --------------------------------------------------------------------------------------------
# State in parts (engine extension): ``GET /api/state/.../latest?since=V``
# --------------------------------------------------------------------------------------------
#: Response header (and ``data`` field) of the state's version on an engine that can send only
#: the parts changed since a version; a server without it (the cloud) is read whole.
STATE_VERSION_HEADER: Final = "X-Nemo-State-Version"
STATE_VERSION: Final = "state_version"
#: ``data`` fields of a since-version answer: every current part's name -> the version it last
#: changed at, and the parts changed since the version asked about.
STATE_INDEX: Final = "state_index"
STATE_PARTS: Final = "state_parts"
STATE_SINCE: Final = "since"
#: Skeleton parts: a draft's track list, the captions' languages, or a plain value.
PART_ITEMS: Final = "items"
PART_REST: Final = "rest"
PART_VALUE: Final = "value"


def state_parts(state: Mapping[str, Any]) -> dict[str, Any]:
    """A session state as named parts: each draft track, each captions language, each key.

    ``draft`` becomes a skeleton (its keys but ``t``, and the names of its tracks in order)
    plus one part per track (``draft/t/<id>``, or ``draft/t/#<i>`` without a unique id);
    ``captions`` becomes its languages in order plus ``captions/<lang>``; any other key is one
    part. Values are shared, not copied. :func:`joined_state` is the inverse.
    """
    parts: dict[str, Any] = {}
    for key, value in state.items():
        draft = key == STATE_DRAFT and isinstance(value, Mapping)
        if draft and isinstance(value.get(TRACKS), list):
            names, seen = [], set()
            for i, track in enumerate(value[TRACKS]):
                tid = track.get(TRACK_ID) if isinstance(track, Mapping) else None
                name = f"{key}/{TRACKS}/{tid}" if isinstance(tid, str) and tid else ""
                if not name or name in seen:
                    name = f"{key}/{TRACKS}/#{i}"
                seen.add(name)
                names.append(name)
                parts[name] = track
            rest = {k: v for k, v in value.items() if k != TRACKS}
            parts[key] = {PART_REST: rest, PART_ITEMS: names}
        elif key == STATE_CAPTIONS and isinstance(value, Mapping) and value:
            names = [f"{key}/{lang}" for lang in value]
            parts.update(zip(names, value.values(), strict=True))
            parts[key] = {PART_ITEMS: names}
        else:
            parts[key] = {PART_VALUE: value}
    return parts


def joined_state(parts: Mapping[str, Any]) -> dict[str, Any]:
    """The state of :func:`state_parts`' parts (new outer dicts; the parts' values shared)."""
    state: dict[str, Any] = {}
    for name, part in parts.items():
        if "/" in name:
            continue  # an item of a skeleton, placed with it
        if PART_VALUE in part:
            state[name] = part[PART_VALUE]
        elif PART_REST in part:
            rest = dict(part[PART_REST])
            tracks = [parts[n] for n in part[PART_ITEMS]]
            # the tracks go where the draft had them: ``t`` first, as Draft.to_dict writes it
            state[name] = {TRACKS: tracks, **rest}
        else:
            state[name] = {n.split("/", 1)[1]: parts[n] for n in part[PART_ITEMS]}
    return state
