"""Script alignment: put a known script's exact words on the audio's timeline.

Creators who have the script want its words, spelled their way, not the recognizer's guesses.
Two steps:

1. *anchors*: for audio longer than :data:`DIRECT_MAX_S`, whisper recognises the audio and the
   script is matched to the recognised words (``difflib``); unmatched script words get
   timings interpolated between their matched neighbours (by character count);
2. *forced alignment*: pocketsphinx (whose English model ships in its wheel) aligns the script
   against the audio, in pieces of at most :data:`PIECE_S` seconds cut at anchored pauses, so
   memory and search stay bounded; a piece that pocketsphinx cannot align keeps its anchor
   timings. Words missing from pocketsphinx's dictionary (names, numbers) are interpolated.
"""

from __future__ import annotations

import difflib
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .recognize import (
    SAMPLE_RATE,
    Transcript,
    Word,
    audio_windows,
    pocketsphinx_decoder,
    transcribe,
)

log = logging.getLogger(__name__)

#: Audio up to this long is force-aligned in one pass without recognising it first.
DIRECT_MAX_S = 60.0
#: Longest piece handed to the forced aligner at once.
PIECE_S = 30.0
#: Audio kept before the first and after the last word of the file (anchors drift).
MARGIN_S = 0.4

_ABBREVIATIONS = {"mr": "mister", "mrs": "missus", "dr": "doctor", "st": "saint", "vs": "versus"}


def norm_keys(token: str) -> list[str]:
    """Lower-case matching keys of a script token ("Cold-hearted," -> ["cold", "hearted"])."""
    t = unicodedata.normalize("NFKC", token).lower().replace("’", "'")
    parts = [p.strip("'") for p in re.split(r"[^\w']+", t)]
    return [_ABBREVIATIONS.get(p, p) for p in parts if p]


def script_tokens(script: str) -> list[str]:
    """The script's words as the user wrote them (punctuation attached), in order."""
    return [t for t in script.split() if norm_keys(t)]


@dataclass
class _Slot:
    """One script token and its timing while alignment is under way."""

    text: str
    keys: list[str]
    start: float | None = None
    end: float | None = None
    prob: float = 0.0


def interpolate(slots: list[_Slot], duration_s: float) -> None:
    """Give untimed slots timings between their timed neighbours, shared by character count."""
    n = len(slots)
    i = 0
    while i < n:
        if slots[i].start is not None:
            i += 1
            continue
        j = i
        while j < n and slots[j].start is None:
            j += 1
        lo = slots[i - 1].end if i > 0 else 0.0
        hi = slots[j].start if j < n else duration_s
        lo = lo if lo is not None else 0.0
        hi = max(hi if hi is not None else lo, lo)
        weights = [max(len(s.text), 1) for s in slots[i:j]]
        total = float(sum(weights))
        t = lo
        for s, w in zip(slots[i:j], weights, strict=True):
            s.start = t
            t = t + (hi - lo) * w / total
            s.end = t
        i = j


def _anchor(slots: list[_Slot], recognised: list[Word]) -> int:
    """Copy timings of recognised words onto matching script slots; returns matches count."""
    flat: list[tuple[int, str]] = [(k, key) for k, s in enumerate(slots) for key in s.keys]
    rec_flat: list[tuple[int, str]] = [
        (k, key) for k, w in enumerate(recognised) for key in norm_keys(w.text)
    ]
    sm = difflib.SequenceMatcher(
        a=[key for _, key in flat], b=[key for _, key in rec_flat], autojunk=False
    )
    matched = 0
    for block in sm.get_matching_blocks():
        for d in range(block.size):
            slot = slots[flat[block.a + d][0]]
            word = recognised[rec_flat[block.b + d][0]]
            slot.start = word.start_s if slot.start is None else min(slot.start, word.start_s)
            slot.end = word.end_s if slot.end is None else max(slot.end, word.end_s)
            slot.prob = word.probability
            matched += 1
    return matched


class _AudioCursor:
    """Sequential access to [start, end] ranges of a file's audio with bounded memory."""

    def __init__(self, path: Path) -> None:
        self._windows = audio_windows(path, window_s=60.0)
        self._buf = np.zeros(0, dtype=np.float32)
        self._buf_start = 0.0

    def get(self, start_s: float, end_s: float) -> tuple[float, np.ndarray]:
        while self._buf_start + len(self._buf) / SAMPLE_RATE < end_s:
            nxt = next(self._windows, None)
            if nxt is None:
                break
            self._buf = np.concatenate([self._buf, nxt[1]])
        drop = int(max(0.0, start_s - self._buf_start) * SAMPLE_RATE)
        if drop:
            self._buf = self._buf[drop:]
            self._buf_start += drop / SAMPLE_RATE
        i0 = int(max(0.0, start_s - self._buf_start) * SAMPLE_RATE)
        i1 = int(max(0.0, end_s - self._buf_start) * SAMPLE_RATE)
        return self._buf_start + i0 / SAMPLE_RATE, self._buf[i0:i1]


def _force_align(decoder, slots: list[_Slot], offset: float, samples: np.ndarray) -> bool:
    """pocketsphinx forced alignment of ``slots`` on ``samples``; True when it succeeded."""
    keyed = [(k, key) for k, s in enumerate(slots) for key in s.keys]
    known = [(k, key) for k, key in keyed if decoder.lookup_word(key) is not None]
    if not known or len(samples) < SAMPLE_RATE // 10:
        return False
    try:
        decoder.set_align_text(" ".join(key for _, key in known))
        decoder.start_utt()
        decoder.process_raw(
            (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes(), full_utt=True
        )
        decoder.end_utt()
    except RuntimeError as exc:
        log.info("pocketsphinx could not align a piece: %s", exc)
        return False
    frate = decoder.config["frate"]
    # no path through the text: seg() gives None, not an empty list
    segs = [s for s in decoder.seg() or () if not s.word.startswith(("<", "["))]
    if len(segs) != len(known):
        return False
    times: dict[int, list[float]] = {}
    for (k, _), seg in zip(known, segs, strict=True):
        st, et = offset + seg.start_frame / frate, offset + (seg.end_frame + 1) / frate
        cur = times.setdefault(k, [st, et])
        cur[0], cur[1] = min(cur[0], st), max(cur[1], et)
    for k, slot in enumerate(slots):
        if k in times:
            slot.start, slot.end, slot.prob = times[k][0], times[k][1], 1.0
        else:
            slot.start = slot.end = None  # out of the dictionary: interpolated later
    return True


def _fresh_decoder() -> object:
    """A new aligning decoder for each script (~0.3 s to load).

    One shared decoder carried its cepstral mean normalisation over from the last file it
    aligned, so the same file aligned differently depending on what came before it.
    """
    return pocketsphinx_decoder(bestpath=False)


def _pieces(slots: list[_Slot]) -> Iterable[tuple[int, int]]:
    """Split anchored slots into pieces of at most PIECE_S s, cutting at the widest gaps."""
    i, n = 0, len(slots)
    while i < n:
        start = slots[i].start or 0.0
        j = i + 1
        best, best_gap = None, -1.0
        while j < n and (slots[j].end or 0.0) - start <= PIECE_S:
            gap = (slots[j].start or 0.0) - (slots[j - 1].end or 0.0)
            # cut in the second half of the piece, at its widest pause: no tiny pieces
            if (slots[j].start or 0.0) - start >= PIECE_S / 2 and gap >= best_gap:
                best, best_gap = j, gap
            j += 1
        cut = n if j >= n else (best if best is not None and best > i else j)
        yield i, cut
        i = cut


#: Neighbouring words aligned with a piece (and then dropped) so the audio of words just
#: outside it is not pulled into its first and last words.
CONTEXT_WORDS = 3


def _align_piece(
    decoder: object, cursor: _AudioCursor, slots: list[_Slot], a: int, b: int, duration: float
) -> None:
    """Force-align ``slots[a:b]`` (with context words) in their anchored window.

    On failure the anchor timings stay; words out of the dictionary are left untimed for
    :func:`interpolate` between their aligned neighbours.
    """
    ca, cb = max(0, a - CONTEXT_WORDS), min(len(slots), b + CONTEXT_WORDS)
    # The window ends inside the context words (they absorb anchor errors and are dropped);
    # only where there is no context (the file's first or last words) is a margin added.
    lo = (slots[ca].start or 0.0) - (MARGIN_S if ca == a else 0.0)
    hi = (slots[cb - 1].end or 0.0) + (MARGIN_S if cb == b else 0.0)
    lo, hi = max(0.0, lo), min(duration, hi)
    piece = [_Slot(s.text, s.keys, s.start, s.end, s.prob) for s in slots[ca:cb]]
    offset, samples = cursor.get(lo, hi)
    if _force_align(decoder, piece, offset, samples):
        slots[a:b] = piece[a - ca : b - ca]


def align_script(
    path: Path | str,
    script: str,
    *,
    transcript: Transcript | None = None,
    model: str | None = None,
    on_progress: Callable[[float], None] | None = None,
) -> Transcript:
    """Time every word of ``script`` against the speech in ``path``.

    Parameters
    ----------
    path
        The media file.
    script
        What is said, as the creator wrote it; its words are kept verbatim (punctuation and
        case included) and in order.
    transcript
        A recognition of the same file to anchor long audio (made when needed).
    model
        Recognizer for the anchors, see :func:`~.recognize.resolve_model`.

    Returns
    -------
    Transcript
        ``engine="script"``; every script word has a timing (estimated where the audio did
        not give one: ``probability`` 0).
    """
    path = Path(path)
    slots = [_Slot(t, norm_keys(t)) for t in script_tokens(script)]
    if not slots:
        raise ValueError("The script has no words: paste the text that is spoken in the video.")
    notes: list[str] = []
    direct_ok = False
    model_name = "pocketsphinx en-us (forced alignment)"
    if transcript is None or transcript.duration_s <= DIRECT_MAX_S:
        # read just past DIRECT_MAX_S: short audio is aligned in one pass (no recognition)
        offset, samples = _AudioCursor(path).get(0.0, DIRECT_MAX_S + 0.5)
        duration = len(samples) / SAMPLE_RATE
        if duration <= DIRECT_MAX_S:
            direct_ok = _force_align(_fresh_decoder(), slots, offset, samples)
        del samples
    if not direct_ok:
        if transcript is None:
            transcript = transcribe(path, model=model, on_progress=on_progress)
        duration = transcript.duration_s
        matched = _anchor(slots, transcript.words)
        model_name = f"{transcript.model} + pocketsphinx en-us"
        if matched < max(1, len(slots) // 5):
            notes.append(
                "The script matched little of the recognised speech: check that it is the "
                "script of this video. Timings are estimated."
            )
        interpolate(slots, duration)
        cursor = _AudioCursor(path)
        decoder = _fresh_decoder()
        for a, b in _pieces(slots):
            _align_piece(decoder, cursor, slots, a, b, duration)
    interpolate(slots, duration)
    from .timing import tidy_words  # every word at least 50 ms, none overlapping

    words = tidy_words(
        [Word(s.text, float(s.start or 0.0), float(s.end or 0.0), s.prob) for s in slots]
    )
    return Transcript(
        words=words,
        language="en",
        model=model_name,
        duration_s=round(duration, 3),
        engine="script",
        notes=notes,
    )
