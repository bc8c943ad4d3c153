"""Captioning as plain functions over files: speech with trusted word timings, then cues.

The HTTP app's captions skill, the command line (through the engine) and batch workers call
the same two functions, so the same file gives the same cues byte for byte wherever it is
captioned::

    from nemo_widgets.engine.captions.pipeline import caption, recognise

    transcript = recognise("talk.mp4")                      # words with trusted timings
    transcript, cues = caption("talk.mp4", preset="bbc")    # ... and cues that keep the preset

Word timings: faster-whisper's (with VAD) kept inside their speech and, in English, refined by
bounded forced alignment (:mod:`.timing`); times are whole milliseconds, as stored in the
session state, so cues rebuilt later from the state are the cues built now.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from .cues import Cue, CuePreset, build_cues, cue_rules, get_preset, summary_line
from .recognize import Transcript, transcribe
from .timing import refine_words

log = logging.getLogger(__name__)

__all__ = ["caption", "cue_entries", "cues_for", "recognise", "summary_for"]

#: Seed for whisper's temperature fallback (it samples when greedy decoding loops), so a
#: re-decoded window comes out the same every time.
DECODE_SEED = 1234
_DECODE_LOCK = threading.Lock()


def _seeded_transcribe(path: Path, language: str | None, model: str | None, on_progress) -> Any:
    try:
        import ctranslate2
    except ImportError:  # pragma: no cover - faster-whisper depends on it
        return transcribe(path, language=language, model=model, on_progress=on_progress)
    # the seed is process-wide: one recognition at a time keeps it meaningful (two at once
    # would share one core each anyway on the 2-thread model)
    with _DECODE_LOCK:
        ctranslate2.set_random_seed(DECODE_SEED)
        return transcribe(path, language=language, model=model, on_progress=on_progress)


def recognise(
    path: Path | str,
    *,
    language: str | None = None,
    model: str | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> Transcript:
    """The speech of a media file as words with timings you can trust.

    Parameters
    ----------
    path
        Any file ffmpeg reads (video or audio).
    language
        ISO 639-1 code of the speech, or ``None`` to detect it where the model can.
    model
        Recognizer override, see :func:`~.recognize.resolve_model`.
    on_progress
        Called with the seconds of audio recognised so far.

    Returns
    -------
    Transcript
        Words in source seconds (whole milliseconds), each inside its own speech and at least
        50 ms long; ``engine`` ends in ``+align`` where forced alignment refined them.
    """
    path = Path(path)
    t = _seeded_transcribe(path, language, model, on_progress)
    if not t.words:
        return t
    if t.engine == "pocketsphinx":  # its own timings are already acoustic alignments
        words, aligned = refine_words(path, t.words, language=t.language, align=False)[0], False
    else:
        words, report = refine_words(path, t.words, language=t.language)
        aligned = report.aligned_regions > 0
        log.info(
            "word timings: %d words, %d clipped into speech, %d regions aligned, %d kept",
            report.words,
            report.clipped,
            report.aligned_regions,
            report.kept_regions,
        )
    engine = f"{t.engine}+align" if aligned else t.engine
    return replace(t, words=words, engine=engine, notes=list(t.notes))


def cues_for(
    transcript: Transcript,
    preset: str | CuePreset | dict[str, Any] | None = "netflix",
    **overrides: Any,
) -> list[Cue]:
    """Cues for a transcript's words under a preset (no cue ends after the media)."""
    return build_cues(
        transcript.words,
        get_preset(preset, **overrides),
        duration_s=transcript.duration_s or None,
        language=transcript.language,
    )


def cue_entries(
    cues: list[Cue], preset: str | CuePreset | dict[str, Any] | None, transcript: Transcript
) -> list[dict[str, Any]]:
    """Cues as stored in ``state["captions"][lang]["cues"]``, each with the rules it breaks."""
    p = get_preset(preset)
    rules = cue_rules(
        cues, p, language=transcript.language, duration_s=transcript.duration_s or None
    )
    return [{**c.to_dict(), "rules": r} for c, r in zip(cues, rules, strict=True)]


def summary_for(
    cues: list[Cue], preset: str | CuePreset | dict[str, Any] | None, transcript: Transcript
) -> str:
    """The reply's last line: "42 cues, all within netflix" or the rules broken."""
    return summary_line(
        cues, preset, language=transcript.language, duration_s=transcript.duration_s or None
    )


def caption(
    path: Path | str,
    *,
    language: str | None = None,
    preset: str | CuePreset | dict[str, Any] | None = "netflix",
    transcript: Transcript | None = None,
    model: str | None = None,
    on_progress: Callable[[float], None] | None = None,
    **overrides: Any,
) -> tuple[Transcript, list[Cue]]:
    """Recognise a media file's speech and build its cues.

    Parameters
    ----------
    path
        The media file.
    language, model, on_progress
        As for :func:`recognise`.
    preset
        ``"netflix"`` (default), ``"bbc"``, ``"vertical"``, ``"subtitle-edit"``, a
        :class:`~.cues.CuePreset` or a dict of its fields.
    transcript
        A recognition of this file made earlier (reused, not redone).
    **overrides
        Any :class:`~.cues.CuePreset` field, e.g. ``max_chars=32``.

    Returns
    -------
    (Transcript, list[Cue])
        The words and the cues that show them, every word once and in order.
    """
    p = get_preset(preset, **overrides)  # a bad preset fails before the costly recognition
    if transcript is None:
        transcript = recognise(path, language=language, model=model, on_progress=on_progress)
    return transcript, cues_for(transcript, p)
