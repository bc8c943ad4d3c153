"""Caption translation through pluggable offline providers (argostranslate when installed).

No provider, no translation: the engine never invents one. :func:`translate_cues` raises
:class:`TranslationUnavailable` whose message lists the languages it can produce offline and
the exact commands that add the missing pair.
"""

from __future__ import annotations

import importlib.util
import logging
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

from .cues import get_preset

log = logging.getLogger(__name__)

LANGUAGE_NAMES: dict[str, str] = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "ru": "Russian",
    "zh": "Chinese",
    "ja": "Japanese",
    "ko": "Korean",
    "ar": "Arabic",
    "hi": "Hindi",
    "tr": "Turkish",
    "pl": "Polish",
    "uk": "Ukrainian",
    "sv": "Swedish",
    "id": "Indonesian",
    "vi": "Vietnamese",
}


def language_name(code: str) -> str:
    return LANGUAGE_NAMES.get(code, code)


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


_PROVIDERS: list[Any] = [ArgosProvider()]


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
    for p in _PROVIDERS:
        if (source, target) in p.pairs():
            return p
    return None


def offline_targets(source: str) -> list[str]:
    """Languages captions in ``source`` can be translated into on this machine."""
    return sorted({t for p in _PROVIDERS for s, t in p.pairs() if s == source})


def install_hint(source: str, target: str) -> str:
    """The exact commands that make ``source`` -> ``target`` available offline."""
    steps = []
    if not ArgosProvider.installed():
        steps.append('pip install "nemo-widgets[translate]"')
    steps.append(f"argospm update && argospm install translate-{source}_{target}")
    return " then ".join(f"`{s}`" for s in steps)


class TranslationUnavailable(RuntimeError):
    """No offline provider for the pair; the message says what is possible and how to add it."""

    def __init__(self, source: str, target: str) -> None:
        self.source, self.target = source, target
        can = offline_targets(source)
        have = (
            "Offline I can translate "
            f"{language_name(source)} captions into {', '.join(map(language_name, can))}."
            if can
            else f"No offline translation of {language_name(source)} captions is installed."
        )
        super().__init__(
            f"{language_name(target)} captions are not available offline. {have} "
            f"To add {language_name(target)}, run {install_hint(source, target)}, "
            "then ask again."
        )


def translate_cues(
    cues: list[dict[str, Any]], source: str, target: str, preset: Any = None
) -> tuple[list[dict[str, Any]], str]:
    """Cues in ``target`` with the same timings, and the provider's name.

    Each cue is translated whole (its lines joined) and re-broken into lines by the preset's
    rules. Word timings are spread over the cue by character count (a translation has no
    word-level audio timing); they only drive the karaoke highlight.
    """
    from .cues import break_lines

    provider = provider_for(source, target)
    if provider is None:
        raise TranslationUnavailable(source, target)
    p = get_preset(preset)
    texts = [" ".join(str(c["text"]).split("\n")) for c in cues]
    translated = provider.translate(texts, source, target)
    if len(translated) != len(texts):
        raise RuntimeError(f"{provider.name} returned {len(translated)} texts for {len(texts)}")
    out = []
    for cue, text in zip(cues, translated, strict=True):
        tokens = text.split()
        lines = break_lines(tokens, p.max_chars, p.max_lines + 1, target) if tokens else [""]
        st, et = float(cue["st"]), float(cue["et"])
        total = float(sum(len(t) + 1 for t in tokens)) or 1.0
        words, t = [], st
        for tok in tokens:
            nt = t + (et - st) * (len(tok) + 1) / total
            words.append({"w": tok, "st": round(t, 3), "et": round(nt, 3), "p": 0.0})
            t = nt
        out.append({"st": st, "et": et, "text": "\n".join(lines), "words": words})
    return out, provider.name
