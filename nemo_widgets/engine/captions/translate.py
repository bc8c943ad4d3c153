"""Caption translation offline, only where a real translator exists; honest refusals elsewhere.

Three routes, best first:

* **Whisper speech translation** (any language Whisper knows -> English): the multilingual model
  translates the speech itself (``recognize.transcribe(task="translate")``), so the English
  captions are timed to the speech. See :func:`speech_translation_available`.
* **argostranslate** (neural, optional extra) with the language packs installed on the machine.
* **Apertium** (rule-based, Debian packages such as ``apertium-eng-spa``): a quick draft, and
  labelled so wherever it shows ("rule-based draft" in the reply and the track name).

No route, no translation: :func:`translate_cues` raises :class:`TranslationUnavailable`, whose
message says what can be done offline and what would do the missing pair (the NemoVideo cloud,
a pack installed while online, or a Debian Apertium pair).
"""

from __future__ import annotations

import functools
import importlib.util
import logging
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from . import scripts
from .cues import get_preset
from .recognize import language_name

log = logging.getLogger(__name__)

__all__ = [
    "ApertiumProvider",
    "ArgosProvider",
    "TranslationProvider",
    "TranslationUnavailable",
    "install_hint",
    "language_name",
    "offline_targets",
    "provider_for",
    "register_provider",
    "speech_translation_available",
    "translate_cues",
    "unregister_provider",
]


@runtime_checkable
class TranslationProvider(Protocol):
    """Something that translates short texts offline between some language pairs."""

    name: str

    def pairs(self) -> set[tuple[str, str]]:
        """``(source, target)`` language codes it can translate now."""
        ...

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        """One translation per text, in order."""
        ...


class ArgosProvider:
    """argostranslate with the language packages installed on this machine."""

    name = "argostranslate"
    draft = False

    @staticmethod
    def installed() -> bool:
        return importlib.util.find_spec("argostranslate") is not None

    def pairs(self) -> set[tuple[str, str]]:
        if not self.installed():
            return set()
        try:
            from argostranslate import translate as at

            out = set()
            for lang in at.get_installed_languages():
                for tr in getattr(lang, "translations_from", []):
                    out.add((lang.code, tr.to_lang.code))
            return out
        except Exception as exc:  # a broken install must not break captions
            log.warning("argostranslate unusable: %s", exc)
            return set()

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        from argostranslate import translate as at

        return [at.translate(t, source, target) if t.strip() else t for t in texts]


#: Apertium's ISO 639-3 (and old two-letter) codes -> the ISO 639-1 codes captions use.
_APERTIUM_CODES = {
    "eng": "en", "spa": "es", "cat": "ca", "fra": "fr", "ita": "it", "por": "pt", "glg": "gl",
    "ron": "ro", "eus": "eu", "oci": "oc", "isl": "is", "mkd": "mk", "bul": "bg", "nno": "nn",
    "nob": "no", "ind": "id", "zlm": "ms", "rus": "ru", "ukr": "uk", "urd": "ur", "hin": "hi",
    "bel": "be", "afr": "af", "nld": "nl", "dan": "da", "swe": "sv", "pol": "pl", "epo": "eo",
    "bre": "br", "hbs": "sr", "srd": "sc", "arg": "an", "ast": "ast",
}  # fmt: skip
#: Debian's Apertium pair packages, by the ISO 639-1 pair they translate (both directions).
DEBIAN_APERTIUM = {
    frozenset(pair): package
    for pair, package in (
        (("en", "es"), "apertium-eng-spa"), (("en", "ca"), "apertium-eng-cat"),
        (("en", "gl"), "apertium-en-gl"), (("en", "eo"), "apertium-eo-en"),
        (("en", "eu"), "apertium-eu-en"), (("en", "is"), "apertium-isl-eng"),
        (("en", "sr"), "apertium-hbs-eng"), (("en", "mk"), "apertium-mkd-eng"),
        (("es", "ca"), "apertium-spa-cat"), (("es", "it"), "apertium-spa-ita"),
        (("es", "pt"), "apertium-es-pt"), (("es", "fr"), "apertium-fr-es"),
        (("es", "gl"), "apertium-es-gl"), (("es", "ro"), "apertium-es-ro"),
        (("es", "eu"), "apertium-eu-es"), (("es", "oc"), "apertium-oc-es"),
        (("es", "eo"), "apertium-eo-es"), (("es", "an"), "apertium-spa-arg"),
        (("fr", "ca"), "apertium-fra-cat"), (("fr", "oc"), "apertium-oci-fra"),
        (("fr", "eo"), "apertium-eo-fr"), (("fr", "br"), "apertium-br-fr"),
        (("ca", "it"), "apertium-cat-ita"), (("pt", "ca"), "apertium-por-cat"),
        (("pt", "gl"), "apertium-pt-gl"), (("ru", "uk"), "apertium-rus-ukr"),
        (("ru", "be"), "apertium-bel-rus"), (("ur", "hi"), "apertium-urd-hin"),
        (("mk", "bg"), "apertium-mkd-bul"), (("id", "ms"), "apertium-ind-zlm"),
        (("nn", "no"), "apertium-nno-nob"), (("sv", "da"), "apertium-swe-dan"),
        (("sv", "no"), "apertium-swe-nor"), (("da", "no"), "apertium-dan-nor"),
        (("is", "sv"), "apertium-isl-swe"), (("af", "nl"), "apertium-afr-nld"),
    )
}  # fmt: skip
APERTIUM_MODES = Path("/usr/share/apertium/modes")


class ApertiumProvider:
    """Apertium's rule-based translation, with the pairs Debian packages installed.

    Fast (about half a second) and literal: its output is a draft for a person to correct,
    and is labelled so.
    """

    name = "apertium"
    draft = True

    def __init__(self, modes: Path = APERTIUM_MODES) -> None:
        self.modes = modes

    def _mode_of(self) -> dict[tuple[str, str], str]:
        if shutil.which("apertium") is None or not self.modes.is_dir():
            return {}
        out: dict[tuple[str, str], str] = {}
        for mode in sorted(self.modes.glob("*.mode")):
            m = re.fullmatch(r"([a-z]{2,3})-([a-z]{2,3})", mode.stem)  # variants (_US) skipped
            if not m:
                continue
            src = _APERTIUM_CODES.get(m.group(1), m.group(1))
            tgt = _APERTIUM_CODES.get(m.group(2), m.group(2))
            out.setdefault((src, tgt), mode.stem)
        return out

    def pairs(self) -> set[tuple[str, str]]:
        return set(self._mode_of())

    def translate(self, texts: Sequence[str], source: str, target: str) -> list[str]:
        mode = self._mode_of().get((source, target))
        if mode is None:
            raise TranslationUnavailable(source, target)
        # one text per line: Apertium keeps line breaks as formatting, so they come back in place
        lines = [" ".join(t.split()) for t in texts]
        proc = subprocess.run(
            ["apertium", "-u", mode],
            input="\n".join(lines) + "\n",
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        out = proc.stdout.split("\n")[: len(lines)]
        if proc.returncode != 0 or len(out) != len(lines):
            raise RuntimeError(f"apertium {mode} failed: {proc.stderr.strip()[-300:]}")
        return [o.strip() for o in out]


_PROVIDERS: list[Any] = [ArgosProvider(), ApertiumProvider()]


def register_provider(provider: TranslationProvider, *, first: bool = True) -> None:
    """Add a provider (tried before the others unless ``first=False``)."""
    unregister_provider(provider)
    if first:
        _PROVIDERS.insert(0, provider)
    else:
        _PROVIDERS.append(provider)


def unregister_provider(provider: TranslationProvider) -> None:
    _PROVIDERS[:] = [p for p in _PROVIDERS if p is not provider]


def provider_for(source: str, target: str) -> TranslationProvider | None:
    """The first provider that translates ``source`` -> ``target`` here (neural before rules)."""
    for p in _PROVIDERS:
        if (source, target) in p.pairs():
            return p
    return None


def is_draft(provider: Any) -> bool:
    """Whether a provider's output is a rule-based draft (labelled so for the user)."""
    return bool(getattr(provider, "draft", False))


@functools.lru_cache(maxsize=1)
def _multilingual_installed() -> bool:
    from . import models

    return any(not m.english_only for m in models.installed_models())


def speech_translation_available(source: str, target: str) -> bool:
    """Whether Whisper can translate ``source`` speech into ``target`` here (English only)."""
    from .recognize import supported_languages

    return (
        target == "en"
        and source != "en"
        and _multilingual_installed()
        and source in supported_languages()
    )


def offline_targets(source: str) -> list[str]:
    """Languages captions in ``source`` can be translated into on this machine."""
    out = {t for p in _PROVIDERS for s, t in p.pairs() if s == source}
    if speech_translation_available(source, "en"):
        out.add("en")
    return sorted(out)


def install_hint(source: str, target: str) -> str:
    """What would make ``source`` -> ``target`` available, for the user to choose from."""
    ways = ["the NemoVideo cloud (nw.connect(backend='cloud')) translates it"]
    argos = (
        "while online, "
        + ("" if ArgosProvider.installed() else '`pip install "nemo-widgets[translate]"` then ')
        + f"`argospm update && argospm install translate-{source}_{target}`"
    )
    ways.append(argos)
    package = DEBIAN_APERTIUM.get(frozenset((source, target)))
    if package:
        ways.append(f"on Debian/Ubuntu, `apt install {package}` (a rule-based draft)")
    return "; ".join(ways)


class TranslationUnavailable(RuntimeError):
    """No offline route for the pair; the message says what is possible and what would do it."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target
        can = offline_targets(source)
        have = (
            f"Offline I can translate {language_name(source)} captions into "
            f"{', '.join(map(language_name, can))}."
            if can
            else f"No offline translator for {language_name(source)} is installed."
        )
        super().__init__(
            f"{language_name(target)} captions were not made: no translator on this machine "
            f"does {language_name(source)} -> {language_name(target)}, and nothing was charged "
            f"for them. {have} To get them: {install_hint(source, target)}."
        )


def _tokens(text: str) -> list[str]:
    return scripts.tokens(text)


def translate_cues(
    cues: list[dict[str, Any]], source: str, target: str, preset: Any = None
) -> tuple[list[dict[str, Any]], str]:
    """Cues in ``target`` with the same timings, and the provider's name.

    Each cue is translated whole (its lines joined) and re-broken into lines by the preset's
    rules for the target's script (no spaces inserted between CJK characters). Word timings
    are spread over the cue by character count (a translation has no word-level audio
    timing); they only drive the karaoke highlight. A rule-based draft's name says so.
    """
    from .cues import break_lines

    provider = provider_for(source, target)
    if provider is None:
        raise TranslationUnavailable(source, target)
    texts = [scripts.join_words(str(c["text"]).split("\n")) for c in cues]
    translated = provider.translate(texts, source, target)
    if len(translated) != len(texts):
        raise RuntimeError(f"{provider.name} returned {len(translated)} texts for {len(texts)}")
    p = scripts.fit_preset(get_preset(preset), translated)
    out = []
    for cue, text in zip(cues, translated, strict=True):
        tokens = _tokens(text)
        lines = break_lines(tokens, p.max_chars, p.max_lines + 1, target) if tokens else [""]
        st, et = float(cue["st"]), float(cue["et"])
        weights = [scripts.text_length(t) + 1 for t in tokens]
        total = float(sum(weights)) or 1.0
        words, t = [], st
        for tok, wt in zip(tokens, weights, strict=True):
            nt = t + (et - st) * wt / total
            words.append({"w": tok, "st": round(t, 3), "et": round(nt, 3), "p": 0.0})
            t = nt
        out.append({"st": st, "et": et, "text": "\n".join(lines), "words": words})
    name = f"{provider.name} (rule-based draft)" if is_draft(provider) else provider.name
    return out, name
