"""Benchmark: first captions on a fresh engine, and recognition per language, against
faster-whisper called by hand.

**First captions** (the goal, issue 15): a fresh engine (its own temporary data dir, the speech
models warming in the background as at every start) gets a session, the bundled sample
``speech.mp4`` (11 s) is uploaded, and, once the engine has settled (its CPU idle for 1 s: a
user types after the warm-up), the clock runs over one ``achat("add captions in English")``
through the public session until the reply: CPU of this process plus the engine process
(and its ffmpeg children), and wall time. Anchor, same run: in this process with the same
model already loaded (``recognize.whisper_model``, same threads, int8), faster-whisper's
``transcribe`` of the same file with the engine's settings (beam, VAD, word timestamps) and the
same cue building by hand with the engine's pure functions (``merge_word_pieces``,
``build_cues``, ``cue_rules``, ``summary_line``). The work side also does what the anchor does
not: HTTP, SSE, the session state, and bounded forced alignment of English word timings.
Goal: CPU <= 1.15x the anchor, median of interleaved pairs (``--pairs``, >= 5).

**Per language** (``--languages``): for each language (English: the shared LibriVox chapter +
JFK; Spanish, French, Italian, Russian: Debian's recorded Asterisk prompts, when installed)
each side runs in a fresh process that loads its model untimed, then recognises: the anchor
is faster-whisper's ``transcribe`` with the engine's model and settings, the work
``recognize.transcribe()`` with the language detected. Printed: WER and CER (lower case, no
punctuation or diacritics), real-time factor, peak memory. Goal: CPU <= 1.1x.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_recognition.py [--pairs 5] [--quick]
[--languages]``. ``--quick``: 5 pairs on one fresh engine, each run a new session's first
captions (the warm-up is waited for once; under 2 minutes here); the full run starts a fresh
engine for every run.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

import _sandbox  # noqa: F401  (nemo-widgets' folders in a temp dir, not the home)
import numpy as np
from _pairs import Goal, Timing, cpu_seconds, exit_code, pairs_from, parser, run_pairs
from rapidfuzz.distance import Levenshtein

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "captions"))
SPEECH = ROOT / "tests" / "data" / "speech"
GOAL = 1.1
FIRST_CAPTIONS_GOAL = 1.15
FIRST_MESSAGE = "add captions in English"


# ---------------------------------------------------------------------------------------------
# scoring
# ---------------------------------------------------------------------------------------------
def _words(text: str) -> list[str]:
    from captions_speech import number_words

    text = re.sub(r"\d+", lambda m: " " + number_words(int(m.group(0))) + " ", text.lower())
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    words = re.sub(r"[^\w']+", " ", bare.replace("’", "'")).split()
    abbrev = {"mr": "mister", "mrs": "missus", "dr": "doctor"}
    return [abbrev.get(w.strip("'"), w.strip("'")) for w in words if w.strip("'")]


def _distance(ref: list[str], hyp: list[str]) -> int:
    return Levenshtein.distance(ref, hyp)  # over words: substitutions, deletions, insertions


def wer(ref: str, hyp: str) -> float:
    r = _words(ref)
    return _distance(r, _words(hyp)) / max(1, len(r))


def cer(ref: str, hyp: str) -> float:
    r = list("".join(_words(ref)))
    return _distance(r, list("".join(_words(hyp)))) / max(1, len(r))


# ---------------------------------------------------------------------------------------------
# material
# ---------------------------------------------------------------------------------------------
def _write_wav(path: Path, audio: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes((np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def material(folder: Path, quick: bool) -> dict[str, list[tuple[Path, str]]]:
    """Language -> [(audio file, reference)]."""
    from nemo_widgets.engine.captions.recognize import decode_audio

    libri = sorted(SPEECH.glob("sense_and_sensibility_*.wav"))
    gap = np.zeros(8000, dtype=np.float32)
    chapter = _write_wav(
        folder / "chapter.wav", np.concatenate([x for c in libri for x in (decode_audio(c), gap)])
    )
    ref = " ".join(" ".join(c.with_suffix(".txt").read_text().split()) for c in libri)
    jfk = SPEECH / "jfk.flac"
    out = {"en": [(chapter, ref), (jfk, jfk.with_suffix(".txt").read_text())]}
    import speech_languages as sl

    if sl.missing():
        print(f"(no recorded multilingual speech: {sl.missing()})")
        return out
    for lang in ["es"] if quick else sorted(sl.PROMPTS):
        out[lang] = [sl.recording(lang, folder)]
    return out


# ---------------------------------------------------------------------------------------------
# one side of a pair, in its own process
# ---------------------------------------------------------------------------------------------
def worker(side: str, lang: str, files: list[str], model_name: str, beam: int | None) -> dict:
    from faster_whisper.audio import decode_audio

    from nemo_widgets.engine.captions import models, recognize

    code = None if lang == "auto" else lang
    choice = recognize._packaged(model_name)
    assert choice is not None, model_name
    wm = recognize.whisper_model(choice)  # loaded (and verified) before the clock starts
    if side == "ours" and code is None:
        recognize.whisper_model(recognize.resolve_model())  # detection's model, as the engine
    detect = "--detect" in sys.argv  # loaded before the clock starts, like every model
    detector = recognize.whisper_model(recognize.resolve_model()) if detect else None
    texts, seconds = [], 0.0
    t0, w0 = cpu_seconds(), time.perf_counter()  # with ffmpeg children (ours decodes with it)
    for f in files:
        if side == "direct":
            audio = decode_audio(f)  # once, for detection and recognition
            if detector is not None:  # base detects the language, as the engine does
                detector.detect_language(
                    audio=audio[: 30 * 16000], vad_filter=True, language_detection_segments=1
                )
            segments, info = wm.transcribe(
                audio,
                language="en" if choice.english_only else None,  # detected, as ours
                beam_size=beam or recognize.BEAM_SIZE.get(model_name, 5),
                word_timestamps=True,
                vad_filter=True,
                vad_parameters={"min_silence_duration_ms": 500},
            )
            words = [w for s in segments for w in s.words or ()]
            texts.append("".join(w.word for w in words))
            seconds += info.duration
        else:
            t = recognize.transcribe(f, language=code)
            texts.append(t.text)
            seconds += t.duration_s
    return {
        "cpu": cpu_seconds() - t0,
        "wall": time.perf_counter() - w0,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "texts": texts,
        "audio_s": seconds,
        "threads": models.cpu_threads(),
    }


def run_side(side: str, lang: str, files: list[Path], model: str, *extra: str) -> dict:
    cmd = [sys.executable, __file__, "--worker", side, lang, model, *map(str, files), *extra]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    if proc.returncode != 0:
        raise SystemExit(f"worker {side} {lang} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def self_timed(runs: list[dict], *side: Any) -> Callable[[], Timing]:
    """A side run in its own process, which times itself after loading its model."""

    def run() -> Timing:
        r = run_side(*side)
        runs.append(r)
        return Timing(r["wall"], r["cpu"])

    return run


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def scores(run: dict, refs: list[str]) -> tuple[float, float]:
    hyp, ref = " ".join(run["texts"]), " ".join(refs)
    return wer(ref, hyp), cer(ref, hyp)


def report(label: str, runs: list[dict], refs: list[str]) -> None:
    w, c = scores(runs[0], refs)
    rtf = median(runs, "cpu") / runs[0]["audio_s"]
    print(f"  {label:40s} WER {w:6.1%}  CER {c:6.1%}  RTF {rtf:.3f} (CPU)  "
          f"peak {median(runs, 'rss_mb'):5.0f} MB")  # fmt: skip


def languages(n: int) -> bool:
    """Per language: ``transcribe()`` against faster-whisper directly, in fresh processes."""
    from nemo_widgets.engine.captions import models, recognize

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        sets = material(Path(tmp), quick=False)
        print(f"per language, {n} interleaved pairs, threads {models.cpu_threads()}, int8")
        for lang, items in sets.items():
            files, refs = [p for p, _ in items], [r for _, r in items]
            model = recognize.resolve_model(language=lang).name
            seconds = sum(recognize.decode_audio(f).size for f in files) / 16000
            print(f"{recognize.language_name(lang)} ({lang}): model {model}, {seconds:.0f} s")
            # the anchor does the same work by hand: for English, base detects, tiny.en recognises
            detect = ("--detect",) if model == recognize.ENGLISH_MODEL else ()
            direct: list[dict] = []
            ours: list[dict] = []
            result = run_pairs(
                self_timed(direct, "direct", lang, files, model, *detect),
                self_timed(ours, "ours", "auto", files, model),
                pairs=n,
                warmup=False,
            )
            report("faster-whisper directly (anchor)", direct, refs)
            report("transcribe(), language detected", ours, refs)
            ok &= result.report(
                f"{lang}: transcribe()", Goal("<=", GOAL, "cpu"), anchor_name="faster-whisper"
            )
    return ok


# ---------------------------------------------------------------------------------------------
# first captions: a fresh engine's first "add captions" vs faster-whisper + cues by hand
# ---------------------------------------------------------------------------------------------
def settle(pid: int, idle_s: float = 1.0, limit_s: float = 120.0) -> tuple[float, float]:
    """Wait until process ``pid`` has used (almost) no CPU for ``idle_s``: (wall, CPU) waited."""
    w0, c0 = time.perf_counter(), cpu_seconds([pid])
    last, quiet_since = c0, time.perf_counter()
    while time.perf_counter() - w0 < limit_s:
        time.sleep(0.2)
        now = cpu_seconds([pid])
        if now - last > 0.02:
            quiet_since = time.perf_counter()
        last = now
        if time.perf_counter() - quiet_since >= idle_s:
            break
    return time.perf_counter() - w0, cpu_seconds([pid]) - c0


class FreshEngine:
    """An engine of its own (temporary data dir), settled after its start-up warm-up."""

    def __init__(self, root: Path, warmups: list[tuple[float, float]]) -> None:
        from nemo_widgets.engine.launcher import ensure_engine

        self.folder = Path(tempfile.mkdtemp(dir=root))
        self.engine = ensure_engine(self.folder / "engine", extra_args=["--anon-credits", "100000"])
        self.warmups = warmups
        self.settled = False

    def first_captions(self, media: Path) -> Timing:
        """A new session and the upload (untimed), then its first "add captions" (timed)."""
        from nemo_widgets import aconnect

        loop = asyncio.new_event_loop()
        try:
            client = Path(tempfile.mkdtemp(dir=self.folder))
            s = loop.run_until_complete(aconnect(self.engine.url, store_dir=client))
            loop.run_until_complete(s.aupload(media))
            if not self.settled:  # the user types once the start-up warm-up is over
                self.warmups.append(settle(self.engine.pid))
                self.settled = True
            pids = [self.engine.pid]
            c0, w0 = cpu_seconds(pids), time.perf_counter()
            reply = loop.run_until_complete(s.achat(FIRST_MESSAGE))
            took = Timing(time.perf_counter() - w0, cpu_seconds(pids) - c0)
            assert "cue" in reply.text.lower(), reply.text  # the captions were made
            loop.run_until_complete(s.aclose())
        finally:
            loop.close()
        return took

    def stop(self) -> None:
        self.engine.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def by_hand(media: Path, detections: list[Timing]) -> Callable[[], object]:
    """The same work with faster-whisper, models loaded: base tells the language of the first
    30 s (as the engine must: "captions in English" names the captions, not the speech),
    tiny.en recognises, the engine's pure functions build the cues. ``detections`` gets the
    detection's own timing, so the figure without it can be printed too."""
    from faster_whisper.audio import decode_audio

    from nemo_widgets.engine.captions import recognize
    from nemo_widgets.engine.captions.cues import build_cues, cue_rules, get_preset, summary_line

    choice = recognize.resolve_model(language="en")
    wm = recognize.whisper_model(choice)  # loaded before the clock, like the warm engine's
    detector = recognize.whisper_model(recognize.resolve_model())
    preset = get_preset("netflix")

    def run() -> str:
        audio = decode_audio(str(media))
        c0, w0 = cpu_seconds(), time.perf_counter()
        detector.detect_language(
            audio=audio[: 30 * 16000], vad_filter=True, language_detection_segments=1
        )
        detections.append(Timing(time.perf_counter() - w0, cpu_seconds() - c0))
        segments, info = wm.transcribe(
            audio,
            language="en",
            beam_size=recognize.BEAM_SIZE.get(choice.name, recognize.DEFAULT_BEAM_SIZE),
            word_timestamps=True,
            vad_filter=True,
            vad_parameters={"min_silence_duration_ms": 500},
            condition_on_previous_text=True,
        )
        words = []
        for seg in segments:
            pieces = [(w.word, w.start, w.end, w.probability) for w in seg.words or ()]
            words.extend(recognize.merge_word_pieces(pieces))
        cues = build_cues(words, preset, duration_s=info.duration, language="en")
        cue_rules(cues, preset, language="en", duration_s=info.duration)
        return summary_line(cues, preset, language="en", duration_s=info.duration)

    return run


def first_captions(n: int, *, shared: bool) -> bool:
    from nemo_widgets import sample_path

    media = sample_path("speech")
    detections: list[Timing] = []
    anchor = by_hand(media, detections)
    anchor()  # first-call allocations, as the engine's warm-up does them
    warmups: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-first-captions-") as tmp:
        one = FreshEngine(Path(tmp), warmups) if shared else None

        def work() -> Timing:
            engine = one or FreshEngine(Path(tmp), warmups)
            try:
                return engine.first_captions(media)
            finally:
                if engine is not one:
                    engine.stop()

        try:
            result = run_pairs(anchor, work, pairs=n, warmup=False)
        finally:
            if one is not None:
                one.stop()
    where = "one fresh engine, a new session each run" if shared else "a fresh engine each run"
    w = statistics.median(x for x, _ in warmups)
    c = statistics.median(x for _, x in warmups)
    print(f"first captions of {media.name}, {FIRST_MESSAGE!r}: {where}; the engine settled "
          f"{w:.1f} s after the upload ({c:.2f} CPU-s of start-up warm-up, median)")  # fmt: skip
    ok = result.report(
        "first captions",
        Goal("<=", FIRST_CAPTIONS_GOAL, "cpu"),
        anchor_name="faster-whisper + cues by hand",
        work_name="achat(add captions)",
    )
    detect = statistics.median(t.cpu for t in detections[1:])
    plain = [
        w.cpu / max(a.cpu - d.cpu, 1e-9)
        for a, w, d in zip(result.anchor, result.work, detections[1:], strict=True)
    ]
    alone = statistics.median(plain)
    print(f"  of the anchor, language detection (base) is {detect:.2f} CPU-s; against "
          f"recognition + cues alone the ratio is {alone:.3f}x (CPU)")  # fmt: skip
    return ok


def main() -> int:
    ap = parser(__doc__)
    ap.add_argument("--languages", action="store_true", help="also every language, fresh procs")
    args = ap.parse_args()
    n = pairs_from(args)
    met = [first_captions(n, shared=args.quick)]
    if args.languages:
        met.append(languages(n))
    return exit_code(*met)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        side, lang, model = sys.argv[2:5]
        rest = [a for a in sys.argv[5:] if a not in {"--detect"}]
        beam = None
        if "--beam" in rest:
            beam = int(rest[rest.index("--beam") + 1])
            rest = rest[: rest.index("--beam")]
        print(json.dumps(worker(side, lang, rest, model, beam)))
    else:
        raise SystemExit(main())
