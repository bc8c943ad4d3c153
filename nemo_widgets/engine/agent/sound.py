"""Sound rows: background music added, faded, set louder or quieter, removed; muting.

Each row reads a clause into typed commands (English, Chinese, Spanish; see ``reader``) and
applies one command with a pure operation of :mod:`..timeline`, then commits the new draft
with one ``edit_multitrack`` tool call.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .. import timeline as tl
from .base import AgentError, Media, Turn
from .edit_words import (
    ADD,
    CAPTIONS,
    EDIT_COST,
    FADE,
    FILE_NAME,
    METADATA,
    MUSIC,
    ORIGINAL,
    REMOVE,
    TITLE_NOUN,
    _re,
    fades,
)
from .reader import (
    Clause,
    Command,
    Context,
    Refused,
    Row,
)


# ================================================================================================
# Sound: music, volume, mute
# ================================================================================================
@dataclass(frozen=True)
class AddMusic(Command):
    """Background music from an audio upload (``file``, else the newest one)."""

    file: str | None = None
    volume: float | None = None
    fade_in_ms: int = 0
    fade_out_ms: int = 0
    mute_original: bool = False
    cost = EDIT_COST


@dataclass(frozen=True)
class SetVolume(Command):
    """The volume of the ``music`` or the ``original`` sound: a level, or times ``factor``."""

    target: str = "music"
    level: float | None = None
    factor: float | None = None
    cost = EDIT_COST


@dataclass(frozen=True)
class Mute(Command):
    target: str = "original"
    muted: bool = True
    cost = EDIT_COST


@dataclass(frozen=True)
class RemoveMusic(Command):
    cost = EDIT_COST


_QUIETER = _re(
    r"quieter|softer|lower|turn (?:it |the \w+ )?down|reduce|decrease|less loud|降低|小一|小点|"
    r"调小|"
    r"\bbaja\w*|más bajo|m[aá]s suave|menos volumen"
)
_LOUDER = _re(
    r"louder|raise|turn (?:it |the \w+ )?up|increase|boost|提高|大一|大点|调大|\bsube\w*|más alto|"
    r"m[aá]s fuerte|más volumen"
)
_VOLUME = _re(r"\bvolume\b|音量|\bvolumen\b|\blevel\b")
_MUTE = _re(
    r"\b(?:un)?mute\b|\bsilence\b|取消静音|静音|\bsilencia\w*|\bquita\w* el (?:sonido|audio)\b|"
    r"\bwithout (?:the )?(?:original )?(?:audio|sound)\b|\bno (?:original )?(?:audio|sound)\b|"
    r"\b(?:turn off|disable|kill) the (?:original )?(?:audio|sound)\b|关闭原声|去掉原声|去除原声|"
    r"删除原声|"
    r"关掉原声|不要原声|原声.{0,3}(?:关掉|关闭|去掉)|声音.{0,3}(?:关掉|关闭)|\bsin (?:sonido|"
    r"audio)\b"
)
_UNMUTE = _re(
    r"\bunmute\b|取消静音|恢复原声|打开原声|turn (?:the )?(?:sound|audio) back on|"
    r"quita\w* el silencio|"
    r"activa el sonido"
)


def _target(n: str) -> str:
    if ORIGINAL.search(n) or re.search(r"\bthe video\b|\bdel video\b|视频", n):
        return "original"
    if MUSIC.search(n):
        return "music"
    return "original"


def parse_sound(clause: Clause, ctx: Context) -> list[Command] | None:
    n = clause.norm
    music = bool(MUSIC.search(n))
    original = bool(ORIGINAL.search(n))
    if CAPTIONS.search(n) or METADATA.search(n):
        return None
    if TITLE_NOUN.search(n) and not (music or original):
        return None
    from .reader import percent

    level = percent(n)
    if _MUTE.search(n):
        unmute = bool(_UNMUTE.search(n))
        if music and ADD.search(n) and not unmute:
            pass  # "add music and mute the original": read below as music
        else:
            return [Mute(_target(n), muted=not unmute)]
    if music and REMOVE.search(n) and not ADD.search(n):
        return [RemoveMusic()]
    adding_music = ADD.search(n) or re.search(r"\b(?:use|play)\b|配上|用|使用|\busa\b", n)
    if (
        music
        and adding_music
        and (not ctx.has_music or not (_VOLUME.search(n) and not ADD.search(n)))
    ):
        if level is not None and level < 0:
            return [
                Refused(
                    reason="A volume can't be negative. Say a level from 0% to 100%, e.g. set "
                    "the music volume to 20%, or make the music quieter."
                )
            ]
        if re.search(
            r"\b(?:generate|compose|create|make)\b.{0,80}\bmusic\b|生成.{0,20}音乐|"
            r"genera\w* m[uú]sica",
            n,
        ):
            pass
        volume = level
        if volume is None and re.search(r"\b(?:quiet|soft|low|subtle)\b|小声|轻|suave|baj[oa]", n):
            volume = 0.2
        elif volume is None and re.search(r"\bloud\b|大声|fuerte", n):
            volume = 0.8
        fi, fo = fades(n)
        mute_original = bool(
            re.search(
                r"\bmute\b.{0,80}\b(?:original|video)|静音原声|去掉原声|关闭原声|"
                r"silencia\w* (?:el )?(?:audio|"
                r"sonido)",
                n,
            )
        )
        file = FILE_NAME.search(clause.low)
        return [AddMusic(file.group(0).strip() if file else None, volume, fi, fo, mute_original)]
    if (music or original or _VOLUME.search(n)) and (
        _VOLUME.search(n) or _QUIETER.search(n) or _LOUDER.search(n) or level is not None
    ):
        if FADE.search(n):
            return None
        target = _target(n) if (music or original) else ("music" if ctx.has_music else "original")
        if level is not None and level < 0:
            return [
                Refused(
                    reason="A volume can't be negative. Say a level from 0% to 100%, e.g. set "
                    "the music volume to 20%, or make the music quieter."
                )
            ]
        if level is not None:
            return [SetVolume(target, level=level)]
        if _QUIETER.search(n):
            return [SetVolume(target, factor=0.6)]
        if _LOUDER.search(n):
            return [SetVolume(target, factor=1.5)]
        return [
            Refused(
                reason="What volume should it be? Say e.g. set the music volume to 20%, or make "
                "the music quieter."
            )
        ]
    return None


def _pick_audio(media: list[Media], name: str | None) -> Media:
    audio = [m for m in media if m.file_type == "audio"]
    if not audio:
        raise AgentError(
            "There is no audio file in this session to use as background music, and the offline "
            "engine cannot generate music. Upload an mp3, wav, m4a or aac file, then ask again."
        )
    if name:
        for m in reversed(audio):
            if (
                m.filename.lower() == name.lower()
                or Path(m.filename).stem.lower() == Path(name.lower()).stem
            ):
                return m
    return audio[-1]


async def apply_sound(cmd: Command, turn: Turn) -> str:
    draft = turn.timeline()
    if isinstance(cmd, AddMusic):
        music = _pick_audio(turn.media, cmd.file)
        volume = tl.DEFAULT_MUSIC_VOLUME if cmd.volume is None else cmd.volume
        new = tl.add_music(
            draft, music, volume=volume, fade_in_ms=cmd.fade_in_ms, fade_out_ms=cmd.fade_out_ms
        )
        if cmd.mute_original and new.has_footage:
            new = tl.set_muted(new, "original", True)
        seg = new.music()[0].segments[0]
        args = {
            "file": music.filename,
            "mute_original": cmd.mute_original,
            "volume": seg.volume,
            "fade_in_ms": seg.fade_in_ms or 0,
            "fade_out_ms": seg.fade_out_ms or 0,
        }
        await turn.commit(new, "add_music", args)
        extras = []
        if seg.fade_in_ms:
            extras.append(f"a {tl.fmt_s(seg.fade_in_ms)} fade-in")
        if seg.fade_out_ms:
            extras.append(f"a {tl.fmt_s(seg.fade_out_ms)} fade-out")
        tail = f" with {' and '.join(extras)}" if extras else ""
        loop = ""
        if music.duration_s and music.duration_s * 1000 < seg.length_ms:
            loop = " It is shorter than the video, so it loops."
        muted = " The original audio is muted." if cmd.mute_original else ""
        return (
            f"Added {music.filename} as background music at {round((seg.volume or 0) * 100)}% "
            f"volume{tail}.{loop}{muted}"
        )
    if isinstance(cmd, SetVolume):
        new = tl.set_volume(draft, cmd.target, cmd.level, cmd.factor)
        level = tl.volume_of(new, cmd.target)
        await turn.commit(new, "volume", {"target": cmd.target, "volume": level})
        what = "background music" if cmd.target == "music" else "original audio"
        return f"Set the {what} to {round(level * 100)}% volume."
    if isinstance(cmd, Mute):
        new = tl.set_muted(draft, cmd.target, cmd.muted)
        await turn.commit(new, "mute" if cmd.muted else "unmute", {"target": cmd.target})
        what = "the background music" if cmd.target == "music" else "the original audio"
        return f"Muted {what}." if cmd.muted else f"Turned {what} back on."
    new = tl.remove_music(draft)
    await turn.commit(new, "remove", {"what": "music"})
    return "Removed the background music."


# ================================================================================================
# The rows
# ================================================================================================
ROWS = [
    Row(
        "sound",
        parse_sound,
        apply_sound,
        about=r"music|bgm|song|audio|sound|volume|mute|voice|音乐|配乐|原声|音量|静音|m[uú]sica|volumen|sonido",
        subject="music",
        cost=EDIT_COST,
        edits=True,
        help='"add background music at 30% with a 2 second fade out" (your uploaded audio), '
        '"mute the original audio", "set the music volume to 20%"',
    ),
]

__all__ = [
    "ROWS",
    "AddMusic",
    "Mute",
    "RemoveMusic",
    "SetVolume",
]
