"""Captions in the language spoken: recorded Spanish, French, Italian and Russian speech.

Each recording (Debian's Asterisk prompts, see ``speech_languages.py``) is captioned through the
public Session and the CLI against the real engine, and scored by WER next to faster-whisper
called directly with the same model on the same audio: the engine must detect the language and
lose nothing against the library it wraps.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pysubs2
import pytest
import speech_languages as sl
from captions_speech import JFK
from test_captions_agent import jfk_clip
from test_cli import run_cli

import nemo_widgets as nw
from nemo_widgets.engine.captions import recognize

pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(sl.missing()), reason=str(sl.missing()))]
#: How much worse than faster-whisper directly the engine may score (the same model and audio;
#: the engine decodes with ffmpeg, windows long files and carries a prompt between windows).
MARGIN = 0.05


@pytest.fixture(scope="module")
def recordings(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("speech")
    return {lang: sl.recording(lang, folder) for lang in sl.PROMPTS}


@pytest.fixture(scope="module")
def direct(recordings):
    """WER and detected language of faster-whisper's own ``transcribe`` (the anchor), per
    language on first use."""
    model = recognize.whisper_model(recognize.resolve_model())  # base, as the engine loads it
    cache: dict[str, tuple[float, str]] = {}

    def score(lang: str) -> tuple[float, str]:
        if lang not in cache:
            wav, ref = recordings[lang]
            segments, info = model.transcribe(
                str(wav), beam_size=5, word_timestamps=True, vad_filter=True
            )
            text = "".join(w.word for s in segments for w in s.words or ())
            cache[lang] = (sl.wer(ref, text), info.language)
        return cache[lang]

    return score


def srt_text(srt: str) -> str:
    return " ".join(ev.plaintext for ev in pysubs2.SSAFile.from_string(srt, format_="srt"))


def session(engine) -> nw.Session:
    tok = engine.new_token()
    sess = engine.new_session(tok["token"])
    return nw.connect(
        base_url=engine.url,
        token=tok["token"],
        session_id=sess["session_id"],
        skill="ai-auto-caption",
    )


@pytest.mark.parametrize("lang", sorted(sl.PROMPTS))
def test_spoken_language_is_detected_and_captioned_through_the_session(
    engine, recordings, direct, lang: str
) -> None:
    wav, ref = recordings[lang]
    s = session(engine)
    s.upload(wav)
    reply = s.chat("add captions")  # no language named: detected
    assert f"Added {recognize.language_name(lang)} captions" in reply.text, reply.text
    entry = s.state().captions[lang]
    assert entry["language"] == lang and entry["model"] == "base"
    ours, (anchor, detected) = sl.wer(ref, srt_text(s.captions(lang=lang))), direct(lang)
    print(f"{lang}: engine WER {ours:.1%}, faster-whisper directly {anchor:.1%}")
    assert detected == lang
    assert ours <= anchor + MARGIN, (lang, ours, anchor)
    assert ours <= 0.35, (lang, ours)  # telephone prompts (8 kHz), references with typos


def test_cli_captions_a_named_and_a_detected_language(engine, recordings, direct, tmp_path) -> None:
    wav, ref = recordings["ru"]
    out = tmp_path / "ru.srt"
    proc = run_cli("caption", str(wav), "--lang", "ru", "-o", str(out), "--base-url", engine.url)
    assert proc.returncode == 0, proc.stderr
    assert "the speech is in Russian" in proc.stderr
    assert sl.wer(ref, srt_text(out.read_text())) <= direct("ru")[0] + MARGIN
    assert any("\u0400" <= ch <= "\u04ff" for ch in out.read_text())  # Cyrillic, not English
    wav, ref = recordings["fr"]
    out = tmp_path / "fr.vtt"
    proc = run_cli("caption", str(wav), "-o", str(out), "-q", "--base-url", engine.url)
    assert proc.returncode == 0, proc.stderr
    vtt = out.read_text()
    assert vtt.startswith("WEBVTT") and "numéro" in vtt.lower()
    # an unknown language: refused, nothing written, nothing charged
    proc = run_cli("caption", str(wav), "--lang", "xx", "-o", str(tmp_path / "x.srt"),
                   "--base-url", engine.url)  # fmt: skip
    assert proc.returncode == 1 and "xx" in proc.stderr and "charged" in proc.stderr
    assert not (tmp_path / "x.srt").exists()


def test_english_speech_keeps_the_english_model() -> None:
    t = recognize.transcribe(JFK)  # detected with base, recognised with tiny.en
    assert (t.language, t.model) == ("en", recognize.ENGLISH_MODEL)
    assert t.language_probability is not None and t.language_probability > 0.6
    assert "country" in t.text.lower()


def test_two_languages_from_spanish_speech_and_from_english_speech(
    engine, recordings, tmp_path: Path
) -> None:
    wav, _ = recordings["es"]
    s = session(engine)
    s.upload(wav)
    before = s.credits().available
    reply = s.chat("add captions in Spanish and English")
    assert "Added Spanish captions" in reply.text, reply.text
    assert "translated from the Spanish speech by Whisper" in reply.text, reply.text
    english = srt_text(s.captions(lang="en")).lower()
    assert "agent" in english and "number" in english  # Whisper's own speech translation
    assert s.credits().available == before - 10
    # new rules re-cue the speech translation from its own timed words (never re-translated)
    reply = s.chat("use the bbc preset")
    assert "bbc rules" in reply.text, reply.text
    entry = s.state().captions["en"]
    assert entry["speech_translation"] and entry["preset"]["name"] == "bbc"
    assert srt_text(s.captions(lang="en")).lower().split() == english.split()
    # English speech -> Spanish: Apertium's rule-based pair (Debian), labelled a draft
    jfk = jfk_clip(tmp_path)
    s = session(engine)
    s.upload(jfk)
    reply = s.chat("add captions in English and Spanish")
    assert "apertium (rule-based draft)" in reply.text, reply.text
    spanish = srt_text(s.captions(lang="es")).lower()
    assert "país" in spanish  # "your country" -> "vuestro país"
    draft = s.state().raw["state"]["draft"]
    names = [t.get("n") for t in draft["t"] if t.get("k") == "caption"]
    assert "Captions (es, rule-based draft)" in names
    # a pair nothing here translates: said plainly, and only the made part is charged
    before = s.credits().available
    reply = s.chat("add Japanese captions")
    assert "Japanese captions were not made" in reply.text and "nothing was charged" in reply.text
    assert "NemoVideo cloud" in reply.text
    assert s.credits().available == before


def test_unknown_spoken_language_is_refused_without_charge(engine, recordings) -> None:
    wav, _ = recordings["it"]
    s = session(engine)
    s.upload(wav)
    before = s.credits().available
    reply = s.chat("add captions, the speech is in Klingon")
    assert "charged nothing" in reply.text or "not a language" in reply.text, reply.text
    assert s.credits().available == before
    assert not s.state().captions


def test_ffmpeg_reads_the_test_recordings(recordings) -> None:
    # the recordings are real 16 kHz WAV files (made from 8 kHz telephone prompts)
    wav, _ = recordings["es"]
    probe = subprocess.run(
        [recognize.ffmpeg_exe(), "-hide_banner", "-i", str(wav)], capture_output=True, text=True
    )
    assert "16000 Hz" in probe.stderr and "mono" in probe.stderr
