"""Text-to-video prompts and storyboards of a session (video-prompt-generation) as pandas."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import schema
from .metadata import state_section

__all__ = ["Storyboard"]

_SCENE_COLUMNS = [
    "scene",
    "role",
    "start_s",
    "end_s",
    "duration_s",
    "shot",
    "lens",
    "camera",
    "subject",
    "action",
    "setting",
    "lighting",
    "time_of_day",
    "style",
    "mood",
    "palette",
    "prompt",
]


@dataclass
class Storyboard:
    """The latest prompt or storyboard written in the session.

    Attributes
    ----------
    prompt : str
        The whole text: one prompt, or an overview and the numbered scene prompts.
    idea : str
        The idea as the user typed it.
    aspect : str
        ``"16:9"``, ``"9:16"``, ``"1:1"`` or ``"4:5"``; ``width``/``height`` in pixels.
    duration_s : float
        Total length; the scenes' lengths add up to exactly this.
    language : str
        ``"en"``, ``"es"`` or ``"zh"``: the idea's language, which the prompts are written in.
    refinements : list of str
        Follow-ups applied so far ("make it moodier", ...).
    raw : dict
        ``state["prompts"]`` as the server sent it.
    """

    prompt: str = ""
    idea: str = ""
    aspect: str = ""
    width: int = 0
    height: int = 0
    duration_s: float = 0.0
    genre: str = ""
    language: str = ""
    refinements: list[str] = field(default_factory=list)
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_state(cls, state: Any) -> Storyboard:
        """Build from ``session.state()`` (a SessionState) or a plain state dict."""
        raw = state_section(state, schema.STATE_PROMPTS)
        spec = raw.get("spec") if isinstance(raw.get("spec"), Mapping) else {}
        return cls(
            prompt=str(raw.get("prompt") or ""),
            idea=str(spec.get("idea") or ""),
            aspect=str(raw.get("aspect") or ""),
            width=int(raw.get("width") or 0),
            height=int(raw.get("height") or 0),
            duration_s=float(raw.get("duration_s") or 0.0),
            genre=str(raw.get("genre") or ""),
            language=str(raw.get("language") or spec.get("language") or ""),
            refinements=[str(r) for r in spec.get("refinements") or []],
            raw=raw,
        )

    @property
    def empty(self) -> bool:
        """True until a prompt has been generated in this session."""
        return not self.raw.get("scenes")

    @property
    def scenes(self):
        """One row per scene: timing (seconds), the prompt's parts and the full ``prompt``."""
        import pandas as pd

        rows = []
        for s in self.raw.get("scenes") or []:
            if not isinstance(s, Mapping):
                continue
            row = {c: s.get(c) for c in _SCENE_COLUMNS}
            row["scene"] = s.get("index")
            row["start_s"] = float(s.get("start_ms", 0)) / 1000
            row["end_s"] = float(s.get("end_ms", 0)) / 1000
            row["duration_s"] = row["end_s"] - row["start_s"]
            rows.append(row)
        return pd.DataFrame(rows, columns=_SCENE_COLUMNS)

    @property
    def prompts(self) -> list[str]:
        """The scene prompts in order (one item for a single-shot prompt)."""
        return [str(s.get("prompt", "")) for s in self.raw.get("scenes") or []]

    def __len__(self) -> int:
        return len(self.raw.get("scenes") or [])

    def to_dict(self) -> dict[str, Any]:
        """Plain data: idea, aspect, duration and the scenes, JSON-ready."""
        return {
            "idea": self.idea,
            "aspect": self.aspect,
            "width": self.width,
            "height": self.height,
            "duration_s": self.duration_s,
            "prompt": self.prompt,
            "scenes": self.scenes.to_dict("records"),
        }

    def _header(self) -> str:
        kind = "Video prompt" if len(self) == 1 else f"Storyboard, {len(self)} scenes"
        return f"{kind}: {self.duration_s:g} s, {self.aspect} ({self.width}x{self.height})"

    def __str__(self) -> str:
        if self.empty:
            return (
                'No video prompt yet: ask e.g. "generate a detailed video prompt for a '
                '30-second product showcase with cinematic lighting".'
            )
        lines = [self._header(), ""]
        for row in self.scenes.itertuples(index=False):
            lines.append(f"{row.scene}. {row.start_s:g}-{row.end_s:g} s ({row.role}): {row.prompt}")
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        if self.empty:
            return f"*{self}*"
        lines = [f"**{self._header()}**", ""]
        for row in self.scenes.itertuples(index=False):
            lines.append(
                f"{row.scene}. **{row.start_s:g}–{row.end_s:g} s · {row.role}** — {row.prompt}"
            )
        return "\n".join(lines)
