"""Benchmark: what "add captions" costs, per language, against faster-whisper called directly.

For each language (English: the shared LibriVox chapter + JFK; Spanish, French, Italian,
Russian: Debian's recorded Asterisk prompts, when installed) and each side, one fresh process
loads the model, then does the work; the pair's two processes run one after the other, sides
alternating first, and the median of the pairs is reported:

* anchor: ``WhisperModel.transcribe`` of faster-whisper on the same audio with the same model
  (the engine's choice for that language), the same settings (beam, VAD, int8, threads);
* ours: ``recognize.transcribe()`` with the language detected, as "add captions" runs it
  (for English also with ``language="en"``, as ``--lang en`` runs it);
* ours + cues: the whole "add captions" step, ``pipeline.recognise()`` (recognition, word
  timings kept inside their speech, English ones force-aligned within bounds) and the cues,
  next to the anchor plus the same cue building by hand (``bench_caption_timing.py``
  measures what the timing step buys).

Printed per language: WER and CER (lower case, no punctuation or diacritics), real-time
factor (CPU seconds / audio seconds), peak memory (max RSS of the process), and the ratios.
Goals: transcribe() <= 1.1x the anchor in CPU time and peak memory. Also printed: English
with tiny.en against base (why English keeps tiny.en) and beam 1 against 5 (why each model
has its beam), in full mode.

Run: ``HF_HUB_OFFLINE=1 .venv/bin/python bench/bench_recognition.py [--quick]``
(``--quick``: 2 pairs, English and Spanish only; the full run: 5 pairs, every language).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
import wave
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "captions"))
SPEECH = ROOT / "tests" / "data" / "speech"
GOAL = 1.1


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
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


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
    from nemo_widgets.engine.captions.cues import build_cues
    from nemo_widgets.engine.captions.pipeline import recognise

    code = None if lang == "auto" else lang
    choice = recognize._packaged(model_name)
    assert choice is not None, model_name
    wm = recognize.whisper_model(choice)  # loaded (and verified) before the clock starts
    if side.startswith("ours") and code is None:
        recognize.whisper_model(recognize.resolve_model())  # detection's model, as the engine
    if side == "ours+cues":  # the alignment decoder, as the engine's warm-up loads it
        from nemo_widgets.engine.captions import timing

        with timing.aligner():
            pass
    detect = "--detect" in sys.argv  # loaded before the clock starts, like every model
    detector = recognize.whisper_model(recognize.resolve_model()) if detect else None
    texts, seconds = [], 0.0
    t0, w0 = time.process_time(), time.perf_counter()
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
            if "--cues" in sys.argv:
                pieces = [(w.word, w.start, w.end, w.probability) for w in words]
                build_cues(recognize.merge_word_pieces(pieces), duration_s=info.duration)
        elif side == "ours":
            t = recognize.transcribe(f, language=code)
            texts.append(t.text)
            seconds += t.duration_s
        else:  # ours+cues: what the "add captions" turn does
            t = recognise(Path(f), language=code)
            build_cues(t.words, duration_s=t.duration_s)
            texts.append(t.text)
            seconds += t.duration_s
    return {
        "cpu": time.process_time() - t0,
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


def pairs(n: int, a: tuple, b: tuple) -> tuple[list[dict], list[dict]]:
    """``n`` interleaved pairs of runs (A first in even pairs, B first in odd ones)."""
    out_a, out_b = [], []
    for i in range(n):
        if i % 2 == 0:
            out_a.append(run_side(*a))
            out_b.append(run_side(*b))
        else:
            out_b.append(run_side(*b))
            out_a.append(run_side(*a))
    return out_a, out_b


def median(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def scores(run: dict, refs: list[str]) -> tuple[float, float]:
    hyp, ref = " ".join(run["texts"]), " ".join(refs)
    return wer(ref, hyp), cer(ref, hyp)


def report(label: str, runs: list[dict], refs: list[str]) -> dict:
    w, c = scores(runs[0], refs)
    cpu, wall, rss = median(runs, "cpu"), median(runs, "wall"), median(runs, "rss_mb")
    rtf = cpu / runs[0]["audio_s"]
    print(
        f"  {label:40s} WER {w:6.1%}  CER {c:6.1%}  RTF {rtf:.3f} (CPU)  "
        f"wall {wall:5.2f} s  peak {rss:5.0f} MB"
    )
    return {"cpu": cpu, "wall": wall, "rss": rss, "wer": w}


def verdict(name: str, ratio: float, goal: float) -> str:
    return f"{name} {ratio:.3f}x (goal <= {goal}x: {'met' if ratio <= goal else 'NOT met'})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="2 pairs, English and Spanish only")
    args = ap.parse_args()
    n = 2 if args.quick else 5
    from nemo_widgets.engine.captions import models, recognize

    with tempfile.TemporaryDirectory() as tmp:
        sets = material(Path(tmp), args.quick)
        print(f"{n} interleaved pairs per row, medians; threads {models.cpu_threads()}, int8")
        for lang, items in sets.items():
            files, refs = [p for p, _ in items], [r for _, r in items]
            model = recognize.resolve_model(language=lang).name
            seconds = sum(recognize.decode_audio(f).size for f in files) / 16000
            print(f"{recognize.language_name(lang)} ({lang}): model {model}, {seconds:.0f} s")
            # the anchor does the same work by hand: for English, base detects, tiny.en recognises
            detect = ("--detect",) if model == recognize.ENGLISH_MODEL else ()
            direct, ours = pairs(
                n, ("direct", lang, files, model, *detect), ("ours", "auto", files, model)
            )
            a = report("faster-whisper directly (anchor)", direct, refs)
            b = report("transcribe(), language detected", ours, refs)
            print(
                "  "
                + verdict("CPU", b["cpu"] / a["cpu"], GOAL)
                + "; "
                + verdict("peak memory", b["rss"] / a["rss"], GOAL)
            )
            if lang == "en":  # named (--lang en): no detection on either side
                plain, named = pairs(
                    n, ("direct", lang, files, model), ("ours", "en", files, model)
                )
                a = report("faster-whisper directly, no detection", plain, refs)
                c = report("transcribe(language='en')", named, refs)
                print(
                    "  "
                    + verdict("CPU", c["cpu"] / a["cpu"], GOAL)
                    + "; "
                    + verdict("peak memory", c["rss"] / a["rss"], GOAL)
                )
            anchor_cues, full = pairs(
                max(1, n // 2),
                ("direct", lang, files, model, "--cues", *detect),
                ("ours+cues", "auto", files, model),
            )
            d = report("anchor + the same cue building", anchor_cues, refs)
            e = report('"add captions" (recognise, refine, cues)', full, refs)
            print("  " + verdict("CPU", e["cpu"] / d["cpu"], 1.15) + " (issue 15's first captions)")
        if not args.quick:
            items = sets["en"]
            files, refs = [p for p, _ in items], [r for _, r in items]
            print("English: tiny.en against base, and each beam (faster-whisper directly)")
            for model in ("tiny.en", "base"):
                for beam in (1, 5):
                    runs = [run_side("direct", "en", files, model, "--beam", str(beam))]
                    runs.append(run_side("direct", "en", files, model, "--beam", str(beam)))
                    report(f"{model}, beam {beam}", runs, refs)
            for lang in [x for x in sets if x != "en"]:
                files, refs = [p for p, _ in sets[lang]], [r for _, r in sets[lang]]
                for beam in (1, 5):
                    runs = [run_side("direct", lang, files, "base", "--beam", str(beam))]
                    report(f"{lang}: base, beam {beam}", runs, refs)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        side, lang, model = sys.argv[2:5]
        rest = [a for a in sys.argv[5:] if a not in {"--cues", "--detect"}]
        beam = None
        if "--beam" in rest:
            beam = int(rest[rest.index("--beam") + 1])
            rest = rest[: rest.index("--beam")]
        print(json.dumps(worker(side, lang, rest, model, beam)))
    else:
        main()
