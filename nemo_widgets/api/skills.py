"""Skill profiles (package data ``skills/*.yaml``) and the attribution headers they drive.

Every request carries ``X-Skill-Source`` (the profile name), ``X-Skill-Version`` and
``X-Skill-Platform`` (contract §1.1): ``SKILL_SOURCE`` overrides the platform, else it is
``clawhub`` / ``cursor`` when nemo-widgets is installed under those tools' folders, else
``unknown``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

SEED_SKILLS = (
    "caption-generator-jobs",
    "ai-auto-caption",
    "ai-subtitles-for-video",
    "video-prompt-generation",
    "video-meta-ai",
)
DEFAULT_SKILL = "nemo-video"


@dataclass(frozen=True)
class SkillProfile:
    """What a skill is called, what it does and what to try first.

    Attributes
    ----------
    name, version : str
        Sent as ``X-Skill-Source`` and ``X-Skill-Version``.
    title, description : str
        Shown in the studio widget and in ``Session`` reprs.
    try_saying : tuple of str
        Example prompts.
    tips : tuple of str
        Short advice.
    """

    name: str
    version: str
    title: str = ""
    description: str = ""
    try_saying: tuple[str, ...] = field(default_factory=tuple)
    tips: tuple[str, ...] = field(default_factory=tuple)

    def headers(self) -> dict[str, str]:
        """The three attribution headers for this profile."""
        return {
            "X-Skill-Source": self.name,
            "X-Skill-Version": self.version,
            "X-Skill-Platform": detect_platform(),
        }


def detect_platform(install_path: str | os.PathLike[str] | None = None) -> str:
    """``X-Skill-Platform``: ``SKILL_SOURCE`` if set, else from the install path."""
    env = os.environ.get("SKILL_SOURCE", "").strip()
    if env:
        return env
    path = Path(install_path or __file__).expanduser().resolve().as_posix()
    if "/.clawhub/" in path:
        return "clawhub"
    if "/.cursor/skills/" in path:
        return "cursor"
    return "unknown"


def available_skills() -> list[str]:
    """Names of the bundled skill profiles."""
    root = resources.files(__package__).joinpath("skills")
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


@cache
def load_skill(name: str = DEFAULT_SKILL) -> SkillProfile:
    """Load a bundled profile by name.

    Raises
    ------
    ValueError
        When no profile of that name is bundled (the message lists the ones that are).
    """
    import yaml

    res = resources.files(__package__).joinpath("skills", f"{name}.yaml")
    if not res.is_file():
        raise ValueError(f"Unknown skill {name!r}. Choose one of: {', '.join(available_skills())}.")
    raw = yaml.safe_load(res.read_text(encoding="utf-8")) or {}
    return SkillProfile(
        name=str(raw.get("name", name)),
        version=str(raw.get("version", "1.0")),
        title=str(raw.get("title", "")),
        description=str(raw.get("description", "")).strip(),
        try_saying=tuple(str(x) for x in raw.get("try_saying") or ()),
        tips=tuple(str(x) for x in raw.get("tips") or ()),
    )
