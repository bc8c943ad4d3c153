"""Skill profiles (package data ``skills/*.yaml``) and the attribution headers they drive.

Every request carries ``X-Skill-Source`` (the profile name), ``X-Skill-Version`` and
``X-Skill-Platform`` (contract §1.1): ``SKILL_SOURCE`` overrides the platform, else it is
``clawhub`` / ``cursor`` when nemo-widgets is installed under those tools' folders, else
``unknown``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

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
    #: the profile's YAML text; parsed (PyYAML) only when a field beyond the headers' is read,
    #: so a connect() imports no YAML parser (~30 ms of CPU, bench/bench_imports.py)
    source: str = field(default="", repr=False, compare=False)

    @cached_property
    def _details(self) -> dict[str, Any]:
        if not self.source:
            return {}
        import yaml

        raw = yaml.safe_load(self.source)
        return raw if isinstance(raw, dict) else {}

    @property
    def title(self) -> str:
        return str(self._details.get("title", ""))

    @property
    def description(self) -> str:
        return str(self._details.get("description", "")).strip()

    @property
    def try_saying(self) -> tuple[str, ...]:
        return tuple(str(x) for x in self._details.get("try_saying") or ())

    @property
    def tips(self) -> tuple[str, ...]:
        return tuple(str(x) for x in self._details.get("tips") or ())

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


#: a top-level ``name:`` / ``version:`` line holding a quoted or a plain word scalar
_HEADER_LINE = re.compile(
    r"""^(name|version):[ \t]*(?:"([^"\\]*)"|'([^']*)'|([A-Za-z][\w.+-]*))[ \t]*$"""
)
#: plain words YAML reads as something other than a string
_NOT_STRINGS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n"}


def header_fields(text: str) -> dict[str, str]:
    """``name`` and ``version`` of a profile read without a YAML parser, or ``{}`` when they
    are not simple top-level string scalars (the caller then parses the YAML). The bundled
    profiles are checked against PyYAML's reading in ``tests/api/test_skills_intents.py``."""
    found: dict[str, str] = {}
    for line in text.splitlines():
        m = _HEADER_LINE.match(line)
        if m:
            plain = m[4]
            if m[1] in found or (plain is not None and plain.lower() in _NOT_STRINGS):
                return {}  # a repeated key, or a word YAML reads as a bool: let YAML decide
            found[m[1]] = next(g for g in m.groups()[1:] if g is not None)
        elif line.startswith(("name:", "version:")):
            return {}  # a form this scan does not read (a number, a block, a comment...)
    return found if len(found) == 2 else {}


@cache
def load_skill(name: str = DEFAULT_SKILL) -> SkillProfile:
    """Load a bundled profile by name.

    Raises
    ------
    ValueError
        When no profile of that name is bundled (the message lists the ones that are).
    """
    res = resources.files(__package__).joinpath("skills", f"{name}.yaml")
    if not res.is_file():
        raise ValueError(f"Unknown skill {name!r}. Choose one of: {', '.join(available_skills())}.")
    text = res.read_text(encoding="utf-8")
    head = header_fields(text)
    if not head:
        import yaml

        raw = yaml.safe_load(text) or {}
        head = {"name": str(raw.get("name", name)), "version": str(raw.get("version", "1.0"))}
    return SkillProfile(name=head["name"], version=head["version"], source=text)
