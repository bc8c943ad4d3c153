"""Captions as pandas tables: cues and words from the captions endpoint's JSON or the state.

``s.captions(format="json")`` (word level) or ``s.state()`` give the raw data; these helpers
turn it into DataFrames a notebook can sort, plot and check::

    import nemo_widgets as nw
    from nemo_widgets.captions import cues_frame, words_frame, check_cues

    cues = cues_frame(s.captions(format="json"))
    check_cues(cues, max_chars=42, max_cps=17).query("too_fast")
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

__all__ = ["caption_languages", "check_cues", "cues_frame", "words_frame"]

CUE_COLUMNS = ["start_s", "end_s", "duration_s", "text", "lines", "chars", "words", "cps"]
WORD_COLUMNS = ["word", "start_s", "end_s", "probability", "cue"]


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
