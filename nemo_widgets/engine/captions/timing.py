"""Word timings you can trust: recognised words kept inside their speech, refined within bounds.

faster-whisper's word timestamps (with its VAD) are the baseline. Two steps may change them,
and both are bounded so that no word can travel across a pause:

1. *keep inside speech*: Silero VAD (the ONNX model shipped with faster-whisper) finds the
   speech regions; a word reaching more than :data:`REGION_MARGIN_S` into silence is clipped
   back to its own region (whisper often starts the first word after a pause in the pause);
2. *bounded forced alignment* (English): pocketsphinx aligns each region's words against that
   region's audio only; a word boundary may move at most :data:`MAX_SHIFT_S` from the
   baseline and never out of the region. A region whose alignment fails, or disagrees with the
   baseline so much that most boundaries hit the bound, keeps its baseline timings.

On the reference timings of the shared speech, step 1 brings the worst start error from
0.77 s to 0.31 s and step 2 the mean boundary error from 0.12 s to 0.01 s
(``bench/bench_caption_timing.py`` measures it against the baseline in every run; those
references are pocketsphinx alignments too, hence the bound: elsewhere the refinement can
cost at most 0.2 s per boundary, never a move across a pause).

Every word keeps at least :data:`MIN_WORD_S` of time, starts never go backwards and words
never overlap. A fresh pocketsphinx decoder serves each call: a shared one carries its
cepstral mean (the CMN estimate) from one file into the next, which made the same file time
differently depending on what was aligned before it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from .align import norm_keys
from .recognize import SAMPLE_RATE, Word, audio_windows, pocketsphinx_decoder

log = logging.getLogger(__name__)

#: Silero VAD settings for speech regions: short pauses count, little padding.
VAD_MIN_SILENCE_MS = 150
VAD_PAD_MS = 30
#: How far a word may reach past its region (VAD onsets are late on soft consonants).
REGION_MARGIN_S = 0.1
#: A word wholly in silence moves to the nearest speech only this close (else VAD probably
#: missed quiet speech, and the word keeps its timing). A word overlapping speech is only
#: trimmed to it, never moved outside the time whisper gave it.
MAX_SNAP_S = 0.5
#: The largest move forced alignment may make to a word boundary.
MAX_SHIFT_S = 0.2
#: The shortest time a word is given.
MIN_WORD_S = 0.05
#: Regions longer than this are not force-aligned (search cost grows with length).
MAX_ALIGN_S = 30.0
#: Seconds of audio examined at a time (bounded memory on long files).
WINDOW_S = 300.0


@dataclass
class TimingReport:
    """What the refinement did (for logs, notes and the benchmark)."""

    words: int = 0
    clipped: int = 0  # words moved back inside their speech region
    aligned_regions: int = 0
    kept_regions: int = 0  # regions whose alignment failed or was not trusted
    aligned: bool = False  # forced alignment ran (English, pocketsphinx available)


def speech_regions(samples: np.ndarray, offset_s: float = 0.0) -> list[tuple[float, float]]:
    """Speech regions ``(start_s, end_s)`` of 16 kHz mono samples, by Silero VAD."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    if len(samples) < SAMPLE_RATE // 10:
        return []
    opts = VadOptions(min_silence_duration_ms=VAD_MIN_SILENCE_MS, speech_pad_ms=VAD_PAD_MS)
    found = get_speech_timestamps(samples, opts)
    return [(offset_s + r["start"] / SAMPLE_RATE, offset_s + r["end"] / SAMPLE_RATE) for r in found]


def _span(word: Word, regions: Sequence[tuple[float, float]]) -> tuple[float, float] | None:
    """The speech a word belongs to: the regions it overlaps, else the nearest one close by."""
    hit = [r for r in regions if min(word.end_s, r[1]) - max(word.start_s, r[0]) > 0]
    if hit:
        return hit[0][0], hit[-1][1]

    def distance(r: tuple[float, float]) -> float:
        return min(abs(word.start_s - r[1]), abs(r[0] - word.end_s))

    near = [r for r in regions if distance(r) <= MAX_SNAP_S]
    return min(near, key=distance) if near else None


def _clip(word: Word, span: tuple[float, float]) -> Word:
    """``word`` inside ``span`` (plus the margin), at least MIN_WORD_S long."""
    lo, hi = span[0] - REGION_MARGIN_S, span[1] + REGION_MARGIN_S
    st, et = max(word.start_s, lo), min(word.end_s, hi)
    if et - st < MIN_WORD_S:  # the word lay (almost) wholly in the silence: put it at the edge
        length = min(max(word.end_s - word.start_s, MIN_WORD_S), hi - lo)
        if word.end_s <= span[0]:
            st, et = span[0], span[0] + length
        elif word.start_s >= span[1]:
            st, et = span[1] - length, span[1]
        else:
            mid = (st + et) / 2
            st, et = mid - MIN_WORD_S / 2, mid + MIN_WORD_S / 2
    return replace(word, start_s=st, end_s=et)


def _align_region(
    decoder: object,
    words: list[Word],
    span: tuple[float, float],
    offset_s: float,
    samples: np.ndarray,
) -> list[Word] | None:
    """Forced alignment of one region's words; None when it fails or is not trusted."""
    lo = max(offset_s, span[0] - REGION_MARGIN_S)
    hi = min(offset_s + len(samples) / SAMPLE_RATE, span[1] + REGION_MARGIN_S)
    if hi - lo > MAX_ALIGN_S or hi - lo < 0.1:
        return None
    keyed = [(k, key) for k, w in enumerate(words) for key in norm_keys(w.text)]
    known = [(k, key) for k, key in keyed if decoder.lookup_word(key) is not None]  # type: ignore[attr-defined]
    if not known:
        return None
    piece = samples[int((lo - offset_s) * SAMPLE_RATE) : int((hi - offset_s) * SAMPLE_RATE)]
    try:
        decoder.set_align_text(" ".join(key for _, key in known))  # type: ignore[attr-defined]
        decoder.start_utt()  # type: ignore[attr-defined]
        decoder.process_raw(  # type: ignore[attr-defined]
            (np.clip(piece, -1, 1) * 32767).astype("<i2").tobytes(), full_utt=True
        )
        decoder.end_utt()  # type: ignore[attr-defined]
    except RuntimeError as exc:  # pocketsphinx found no path through the text
        log.info("forced alignment failed for a region at %.2f s: %s", span[0], exc)
        return None
    frate = decoder.config["frate"]  # type: ignore[attr-defined]
    # no path through the text (noise, music): seg() gives None, not an empty list
    found = decoder.seg() or ()  # type: ignore[attr-defined]
    segs = [s for s in found if not s.word.startswith(("<", "["))]
    if len(segs) != len(known):
        return None
    times: dict[int, list[float]] = {}
    for (k, _), seg in zip(known, segs, strict=True):
        st, et = lo + seg.start_frame / frate, lo + (seg.end_frame + 1) / frate
        cur = times.setdefault(k, [st, et])
        cur[0], cur[1] = min(cur[0], st), max(cur[1], et)
    out = list(words)
    at_bound = 0
    for k, (st, et) in times.items():
        w = words[k]
        if abs(st - w.start_s) > MAX_SHIFT_S:
            at_bound += 1
        if abs(et - w.end_s) > MAX_SHIFT_S:
            at_bound += 1
        st = min(max(st, w.start_s - MAX_SHIFT_S), w.start_s + MAX_SHIFT_S)
        et = min(max(et, w.end_s - MAX_SHIFT_S), w.end_s + MAX_SHIFT_S)
        st, et = max(st, lo), min(et, hi)
        if et - st >= MIN_WORD_S:
            out[k] = replace(w, start_s=st, end_s=et)
    if at_bound > len(times):  # most boundaries disagree with whisper: trust neither blindly
        return None
    return out


def tidy_words(words: Sequence[Word]) -> list[Word]:
    """Starts never go backwards, words never overlap, each at least MIN_WORD_S long."""
    out: list[Word] = []
    for w in words:
        st, et = w.start_s, w.end_s
        if out:
            prev = out[-1]
            st = max(st, prev.start_s + MIN_WORD_S)
            if prev.end_s > st:  # overlap: the earlier word ends where this one starts
                cut = round(max(prev.start_s + MIN_WORD_S, st), 3)
                out[-1] = replace(prev, end_s=cut)
                st = max(st, cut)
        et = max(et, st + MIN_WORD_S)
        out.append(replace(w, start_s=round(st, 3), end_s=round(et, 3)))
    return out


def refine_words(
    path: Path | str, words: Sequence[Word], *, language: str | None = "en", align: bool = True
) -> tuple[list[Word], TimingReport]:
    """Recognised words with timings kept inside their speech and, in English, force-aligned.

    Parameters
    ----------
    path
        The media file the words were recognised from.
    words
        The recognizer's words (source seconds, in speaking order).
    language
        Forced alignment runs for English (pocketsphinx's model); other languages only get
        the first step.
    align
        ``False`` skips forced alignment (words that already come from pocketsphinx).

    Returns
    -------
    (words, report)
        The same words (text, order and probability unchanged) with new timings.
    """
    report = TimingReport(words=len(words))
    if not words:
        return [], report
    todo = sorted(range(len(words)), key=lambda k: words[k].start_s)
    out = list(words)
    decoder = None
    want_align = align and (language or "en").split("-")[0].lower() == "en"
    pos = 0
    for offset, samples in audio_windows(Path(path), window_s=WINDOW_S):
        end = offset + len(samples) / SAMPLE_RATE
        mine: list[int] = []
        while pos < len(todo):
            w = words[todo[pos]]
            if (w.start_s + w.end_s) / 2 >= end:
                break
            mine.append(todo[pos])
            pos += 1
        if not mine:
            continue
        regions = speech_regions(samples, offset)
        groups: dict[tuple[float, float], list[int]] = {}
        for k in mine:
            span = _span(out[k], regions)
            if span is None:
                continue
            clipped = _clip(out[k], span)
            if (clipped.start_s, clipped.end_s) != (out[k].start_s, out[k].end_s):
                report.clipped += 1
            out[k] = clipped
            groups.setdefault(span, []).append(k)
        if not want_align:
            continue
        for span, ks in _merged(groups):
            if decoder is None:
                try:
                    decoder = pocketsphinx_decoder(bestpath=False)
                except Exception as exc:  # pocketsphinx missing or broken: step 1 stands
                    log.warning("no forced alignment (%s); keeping the recognised timings", exc)
                    want_align = False
                    break
                report.aligned = True
            try:
                aligned = _align_region(decoder, [out[k] for k in ks], span, offset, samples)
            except Exception as exc:  # a refinement never costs the recognition
                log.warning("forced alignment failed at %.2f s (%s); timings kept", span[0], exc)
                aligned = None
            if aligned is None:
                report.kept_regions += 1
                continue
            report.aligned_regions += 1
            for k, w in zip(ks, aligned, strict=True):
                out[k] = w
    return tidy_words(out), report


def _merged(
    groups: dict[tuple[float, float], list[int]],
) -> list[tuple[tuple[float, float], list[int]]]:
    """Groups whose spans overlap joined into one (a word spanning two regions links them)."""
    items = sorted(groups.items())
    merged: list[tuple[tuple[float, float], list[int]]] = []
    for span, ks in items:
        if merged and span[0] <= merged[-1][0][1]:
            (a, b), prev = merged[-1]
            merged[-1] = ((a, max(b, span[1])), sorted(prev + ks))
        else:
            merged.append((span, sorted(ks)))
    return merged
