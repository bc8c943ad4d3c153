"""Recorded non-English speech with reference transcripts, from Debian's Asterisk prompt packages.

``asterisk-core-sounds-{es,fr,it,ru}-wav`` hold professional voice recordings (Spanish by
Allison Smith, Canadian French by June Wallack, Italian by Carlo Flora, Russian by IvrvoiceRU;
CC-BY-SA-3.0 / CC-BY-3.0, Debian main), and ``asterisk-core-sounds-{es,fr,it,ru}`` their
transcripts (``/usr/share/doc/…/core-sounds-LANG.txt.gz``). The Makefile's ``system`` target
installs them. A few prompts per language are joined (0.5 s apart) into one recording, like a
short video, and scored by WER against their joined transcripts.

The transcripts have a few typos and missing accents of their own ("ingese", "contrasena"), so
scoring strips diacritics and punctuation on both sides; the recognizer is compared with
faster-whisper called directly on the same audio, so such reference noise cancels out.
"""

from __future__ import annotations

import gzip
import re
import unicodedata
import wave
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

SOUNDS = Path("/usr/share/asterisk/sounds")
VOICES = {
    "es": "es_MX_f_Allison",
    "fr": "fr_CA_f_June",
    "it": "it_IT_m_Carlo",
    "ru": "ru_RU_f_IvrvoiceRU",
}
#: Prompts per language: full sentences without digits (the references spell no numbers).
PROMPTS: dict[str, tuple[str, ...]] = {
    "es": ("agent-alreadyon", "confbridge-pin-bad", "conf-invalid", "conf-kicked"),
    "fr": ("agent-newlocation", "conf-invalid", "demo-enterkeywords", "confbridge-pin-bad"),
    "it": ("agent-alreadyon", "confbridge-pin", "auth-incorrect", "conf-getconfno"),
    "ru": ("agent-alreadyon", "confbridge-pin-bad", "privacy-unident", "followme/status"),
}
SAMPLE_RATE = 16_000


def missing() -> str | None:
    """Why the recordings cannot be used here, or None."""
    for lang, voice in VOICES.items():
        if not (SOUNDS / voice).is_dir() or not _doc(lang).is_file():
            return (
                f"Debian's asterisk-core-sounds-{lang}(-wav) is not installed: run `make system` "
                "(as root) for the recorded multilingual speech"
            )
    return None


def _doc(lang: str) -> Path:
    return Path(f"/usr/share/doc/asterisk-core-sounds-{lang}/core-sounds-{lang}.txt.gz")


def transcripts(lang: str) -> dict[str, str]:
    """Prompt name -> reference text, from the package's list of prompts."""
    out = {}
    with gzip.open(_doc(lang), "rt", encoding="utf-8", errors="replace") as f:
        for line in f:
            name, sep, text = line.partition(":")
            if sep and not name.startswith(";"):
                out[name.strip()] = text.strip()
    return out


def _read(path: Path) -> np.ndarray:
    with wave.open(str(path)) as w:
        rate, raw = w.getframerate(), w.readframes(w.getnframes())
    audio = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if rate != SAMPLE_RATE:  # 8 kHz telephone prompts: linear resampling is enough for tests
        n = round(len(audio) * SAMPLE_RATE / rate)
        audio = np.interp(np.linspace(0, len(audio) - 1, n), np.arange(len(audio)), audio)
    return audio.astype(np.float32)


def recording(lang: str, folder: Path) -> tuple[Path, str]:
    """The language's prompts joined into one 16 kHz WAV in ``folder``, and its reference."""
    refs = transcripts(lang)
    gap = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    parts, texts = [], []
    for name in PROMPTS[lang]:
        parts += [_read(SOUNDS / VOICES[lang] / f"{name}.wav"), gap]
        texts.append(refs[name])
    path = folder / f"asterisk-{lang}.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(SAMPLE_RATE)
        w.writeframes((np.clip(np.concatenate(parts), -1, 1) * 32767).astype("<i2").tobytes())
    return path, " ".join(texts)


def normalise(text: str) -> list[str]:
    """Words for WER: lower case, no diacritics (ё -> е), no punctuation (hyphens split)."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[^\w']+", " ", bare.replace("’", "'")).split()


def word_errors(ref: list[str], hyp: list[str]) -> int:
    return Levenshtein.distance(ref, hyp)  # over words: substitutions, deletions, insertions


def wer(ref_text: str, hyp_text: str) -> float:
    ref = normalise(ref_text)
    return word_errors(ref, normalise(hyp_text)) / max(1, len(ref))
