"""Captions as pandas tables: cues and words from the captions endpoint's JSON or the state.

``s.captions(format="json")`` (word level) or ``s.state()`` give the raw data; these helpers
turn it into DataFrames a notebook can sort, plot and check::

    import nemo_widgets as nw
    from nemo_widgets.captions import cues_frame, words_frame, check_cues

    cues = cues_frame(s.captions(format="json"))
    check_cues(cues, max_chars=42, max_cps=17).query("too_fast")
    s.caption_report()          # one row per cue with the preset's rules it breaks
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["caption_languages", "caption_report", "check_cues", "cues_frame", "words_frame"]

CUE_COLUMNS = ["start_s", "end_s", "duration_s", "text", "lines", "chars", "words", "cps"]
WORD_COLUMNS = ["word", "start_s", "end_s", "probability", "cue"]
REPORT_COLUMNS = ["start", "end", "duration", "cps", "lines", "chars", "text", "rules", "ok"]


def _payload(data: Any, lang: str | None) -> dict[str, Any]:
    """The ``{"cues": [...], "words": [...]}`` entry from JSON text, a dict or the state."""
    if isinstance(data, (str, bytes)):
        data = json.loads(data)
    if isinstance(getattr(data, "captions", None), Mapping):  # a SessionState
        data = {"captions": data.captions}
    if not isinstance(data, Mapping):
        raise TypeError(
            "Pass the text of s.captions(format='json'), its parsed dict, or the session state."
        )
    if "state" in data and isinstance(data["state"], Mapping):  # a state envelope
        data = data["state"]
    if "cues" in data:
        return dict(data)
    caps = data.get("captions")
    if isinstance(caps, Mapping) and caps:
        key = lang or next(iter(caps))
        if key not in caps:
            raise KeyError(f"No {key!r} captions; there are: {', '.join(caps)}")
        return dict(caps[key])
    raise ValueError("No captions in this data yet: ask for them first (s.chat('add captions')).")


def caption_languages(data: Any) -> list[str]:
    """Languages with captions in a session state (``s.state()`` or its dict)."""
    caps = getattr(data, "captions", None)
    if caps is None and isinstance(data, Mapping):
        caps = (data.get("state") or data).get("captions")
    return list(caps) if isinstance(caps, Mapping) else []


def cues_frame(data: Any, lang: str | None = None) -> Any:
    """One row per cue: times in seconds, text, line count, characters, reading speed.

    Parameters
    ----------
    data
        ``s.captions(format="json")`` (text or parsed), or the session state.
    lang
        Language to read from a state with several (default: the first).

    Returns
    -------
    pandas.DataFrame
        Columns ``start_s, end_s, duration_s, text, lines, chars, words, cps``; ``cps`` is
        characters per second on screen (spaces and punctuation included, as style guides
        count them).
    """
    import pandas as pd

    rows = []
    for cue in _payload(data, lang).get("cues", []):
        text = str(cue.get("text", ""))
        start, end = float(cue["st"]), float(cue["et"])
        chars = len(" ".join(text.split("\n")))
        dur = max(end - start, 1e-9)
        rows.append(
            {
                "start_s": start,
                "end_s": end,
                "duration_s": round(end - start, 3),
                "text": text,
                "lines": text.count("\n") + 1,
                "chars": chars,
                "words": len(cue.get("words") or text.split()),
                "cps": round(chars / dur, 2),
            }
        )
    return pd.DataFrame(rows, columns=CUE_COLUMNS)


def words_frame(data: Any, lang: str | None = None) -> Any:
    """One row per word with its timing, recognizer confidence and the cue that shows it."""
    import pandas as pd

    rows = []
    for i, cue in enumerate(_payload(data, lang).get("cues", [])):
        for w in cue.get("words") or []:
            rows.append(
                {
                    "word": w.get("w"),
                    "start_s": float(w["st"]),
                    "end_s": float(w["et"]),
                    "probability": float(w.get("p", 1.0)),
                    "cue": i,
                }
            )
    return pd.DataFrame(rows, columns=WORD_COLUMNS)


def check_cues(
    frame: Any,
    *,
    max_chars: int = 42,
    max_lines: int = 2,
    max_cps: float = 17.0,
    min_duration_s: float = 0.833,
    max_duration_s: float = 7.0,
) -> Any:
    """``frame`` with boolean columns flagging cues outside the limits (Netflix by default).

    Adds ``long_line``, ``too_many_lines``, ``too_fast``, ``too_short``, ``too_long`` and
    ``ok`` (none of those).
    """
    out = frame.copy()
    longest = out["text"].map(lambda t: max((len(x) for x in str(t).split("\n")), default=0))
    out["long_line"] = longest > max_chars
    out["too_many_lines"] = out["lines"] > max_lines
    out["too_fast"] = out["cps"] > max_cps
    out["too_short"] = out["duration_s"] < min_duration_s
    out["too_long"] = out["duration_s"] > max_duration_s
    flags = ["long_line", "too_many_lines", "too_fast", "too_short", "too_long"]
    out["ok"] = ~out[flags].any(axis=1)
    return out


def _basic_rules(cues: list[dict[str, Any]], preset: Mapping[str, Any]) -> list[list[str]]:
    """The numeric rules, for cues stored without their check (older sessions, translations).

    The engine checks the language rules too (line breaks inside phrases); this fallback only
    measures what the numbers say.
    """
    out = []
    for i, cue in enumerate(cues):
        start, end = float(cue["st"]), float(cue["et"])
        lines = str(cue.get("text", "")).split("\n")
        chars = len(" ".join(lines))
        words = len(cue.get("words") or " ".join(lines).split())
        broken = []
        if end - start < float(preset.get("min_duration_s", 0.833)) - 1e-3:
            broken.append("min_duration")
        if words > 1 and end - start > float(preset.get("max_duration_s", 7.0)) + 1e-3:
            broken.append("max_duration")
        cps = float(preset.get("max_cps") or 0)
        if words > 1 and cps and chars > cps * (end - start) + 1e-6:
            broken.append("reading_speed")
        if words > 1 and max(len(x) for x in lines) > int(preset.get("max_chars", 42)):
            broken.append("line_length")
        if len(lines) > int(preset.get("max_lines", 2)):
            broken.append("lines")
        gap = float(preset.get("min_gap_s", 0.0))
        if i + 1 < len(cues) and float(cues[i + 1]["st"]) - end < gap - 1e-3:
            broken.append("gap")
        out.append(broken)
    return out


def caption_report(data: Any, lang: str | None = None) -> Any:
    """One row per cue: timing, reading speed, size, and the preset's rules it breaks.

    Parameters
    ----------
    data
        The session state (``s.state()`` or its dict); ``s.caption_report()`` passes it.
    lang
        Language to report on (default: the first with captions).

    Returns
    -------
    pandas.DataFrame
        Columns ``start, end, duration`` (seconds of the source), ``cps`` (characters per
        second, spaces included), ``lines``, ``chars``, ``text``, ``rules`` (the names of the
        rules the cue breaks, e.g. ``["reading_speed"]``; ``fast_speech`` means above the
        reading speed only where the speech itself is faster than the preset allows) and
        ``ok`` (no rule broken). ``frame.attrs["preset"]`` holds the preset's limits.
    """
    import pandas as pd

    entry = _payload(data, lang)
    cues = list(entry.get("cues", []))
    preset = entry.get("preset") if isinstance(entry.get("preset"), Mapping) else {}
    fallback = None
    if any("rules" not in c for c in cues):
        fallback = _basic_rules(cues, preset or {})
    rows = []
    for i, cue in enumerate(cues):
        text = str(cue.get("text", ""))
        start, end = float(cue["st"]), float(cue["et"])
        chars = len(" ".join(text.split("\n")))
        rules = list(cue["rules"]) if "rules" in cue else list(fallback[i])  # type: ignore[index]
        rows.append(
            {
                "start": start,
                "end": end,
                "duration": round(end - start, 3),
                "cps": round(chars / max(end - start, 1e-9), 2),
                "lines": text.count("\n") + 1,
                "chars": chars,
                "text": text,
                "rules": rules,
                "ok": not rules,
            }
        )
    frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    frame.attrs["preset"] = dict(preset or {})
    return frame
