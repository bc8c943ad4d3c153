"""Titles, description, tags and chapters of a session (video-meta-ai) as pandas objects."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import schema

__all__ = ["Metadata", "state_section"]


def state_section(state: Any, key: str) -> dict[str, Any]:
    """``state[key]`` from a SessionState, a state dict or a ``{"state": {...}}`` response."""
    value = getattr(state, key, None) if not isinstance(state, Mapping) else None
    if isinstance(value, Mapping):
        return dict(value)
    raw = getattr(state, "raw", None)
    if isinstance(raw, Mapping) and not isinstance(state, Mapping):
        state = raw
    if isinstance(state, Mapping):
        inner = state.get("state")
        st = inner if isinstance(inner, Mapping) else state
        found = st.get(key)
        return dict(found) if isinstance(found, Mapping) else {}
    if state is None:
        return {}
    raise TypeError(
        f"expected a SessionState or a state dict, got {type(state).__name__}; "
        "pass session.state() or its .raw"
    )


@dataclass
class Metadata:
    """What video-meta-ai wrote for the session's video.

    Attributes
    ----------
    description : str
        The full description: hook, summary, chapters, hashtags.
    hashtags : list of str
        Up to three hashtags such as ``"#SolarPanels"`` (YouTube shows three).
    hook : str
        The description's first line (at most 150 characters, shown above the fold).
    key_phrase : str
        The main subject: the best key phrase of the transcript.
    language : str
        ``"en"``, ``"es"`` or ``"zh"``: the language spoken, which everything is written in.
    raw : dict
        ``state["metadata"]`` as the server sent it.
    """

    description: str = ""
    hashtags: list[str] = field(default_factory=list)
    hook: str = ""
    key_phrase: str = ""
    language: str = ""
    raw: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_state(cls, state: Any) -> Metadata:
        """Build from ``session.state()`` (a SessionState) or a plain state dict."""
        raw = state_section(state, schema.STATE_METADATA)
        return cls(
            description=str(raw.get("description") or ""),
            hashtags=[str(h) for h in raw.get("hashtags") or []],
            hook=str(raw.get("hook") or ""),
            key_phrase=str(raw.get("key_phrase") or ""),
            language=str(raw.get("language") or (raw.get("facts") or {}).get("language") or ""),
            raw=raw,
        )

    @property
    def empty(self) -> bool:
        """True until metadata has been generated in this session."""
        return not self.raw.get("titles")

    @property
    def titles(self):
        """Title variants, best first: ``title``, ``chars``."""
        import pandas as pd

        rows = [
            {"title": t.get("text", ""), "chars": len(t.get("text", ""))}
            for t in self.raw.get("titles") or []
            if isinstance(t, Mapping)
        ]
        return pd.DataFrame(rows, columns=["title", "chars"])

    @property
    def tags(self):
        """Tags ranked by relevance: ``tag``, ``score`` (0-1, higher is better), ``chars``."""
        import pandas as pd

        rows = [
            {"tag": t.get("tag", ""), "score": float(t.get("score", 0.0)), "chars": len(t["tag"])}
            for t in self.raw.get("tags") or []
            if isinstance(t, Mapping) and t.get("tag")
        ]
        return pd.DataFrame(rows, columns=["tag", "score", "chars"])

    @property
    def chapters(self):
        """Chapters: ``timestamp`` (``"1:05"``), ``title``, ``start_s``, ``end_s``."""
        import pandas as pd

        rows = [
            {
                "timestamp": c.get("stamp", ""),
                "title": c.get("title", ""),
                "start_s": float(c.get("start_s", 0.0)),
                "end_s": float(c.get("end_s", 0.0)),
            }
            for c in self.raw.get("chapters") or []
            if isinstance(c, Mapping)
        ]
        return pd.DataFrame(rows, columns=["timestamp", "title", "start_s", "end_s"])

    @property
    def tag_list(self) -> list[str]:
        """The tags as plain strings, best first (paste into YouTube Studio)."""
        return [t["tag"] for t in self.raw.get("tags") or [] if isinstance(t, Mapping)]

    def to_dict(self) -> dict[str, Any]:
        """The plain data (titles, description, tags, hashtags, chapters), JSON-ready."""
        return {
            "titles": [t["title"] for t in self.titles.to_dict("records")],
            "description": self.description,
            "tags": self.tag_list,
            "hashtags": list(self.hashtags),
            "chapters": self.chapters.to_dict("records"),
        }

    def __str__(self) -> str:
        if self.empty:
            return (
                'No metadata yet: upload a video and ask "generate titles, descriptions, and '
                'tags for my YouTube video".'
            )
        lines = ["Titles:"]
        lines += [f"  {i}. {t}" for i, t in enumerate(self.titles["title"], 1)]
        lines += ["", "Description:", self.description, "", "Tags: " + ", ".join(self.tag_list)]
        return "\n".join(lines)

    def _repr_markdown_(self) -> str:
        if self.empty:
            return f"*{self}*"
        lines = ["**Titles**", ""]
        lines += [f"{i}. {t}" for i, t in enumerate(self.titles["title"], 1)]
        desc = self.description.replace("\n", "  \n")  # markdown hard line breaks
        lines += ["", "**Description**", "", desc, "", "**Tags**", "", ", ".join(self.tag_list)]
        return "\n".join(lines)
