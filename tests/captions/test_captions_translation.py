"""Translation backends: round trips where one is installed, plain refusals where none is."""

from __future__ import annotations

import shutil

import pytest

from nemo_widgets.engine.captions import scripts, translate

#: A small parallel text (English / Spanish), short caption-like sentences.
PARALLEL = [
    ("The house is big.", "La casa es grande."),
    ("My friend lives in the city.", "Mi amigo vive en la ciudad."),
    ("We have two black cats.", "Tenemos dos gatos negros."),
    ("Today the weather is good.", "Hoy el tiempo es bueno."),
]
apertium_en_es = pytest.mark.skipif(
    ("en", "es") not in translate.ApertiumProvider().pairs(),
    reason="Apertium's English-Spanish pair is not installed: run `make system` (as root)",
)


def words(text: str) -> set[str]:
    return {w.strip(".,;:!?¿¡").lower() for w in text.split()}


def cues(texts: list[str]) -> list[dict]:
    return [
        {"st": 2.0 * i, "et": 2.0 * i + 1.8, "text": t, "words": []} for i, t in enumerate(texts)
    ]


@apertium_en_es
def test_apertium_round_trip_on_a_parallel_text() -> None:
    provider = translate.ApertiumProvider()
    english = [en for en, _ in PARALLEL]
    spanish = provider.translate(english, "en", "es")
    assert len(spanish) == len(english)
    hits = sum(
        len(words(got) & words(want)) for got, (_, want) in zip(spanish, PARALLEL, strict=True)
    )
    total = sum(len(words(want)) for _, want in PARALLEL)
    assert hits / total >= 0.6, spanish  # a literal draft, but Spanish
    back = provider.translate(spanish, "es", "en")
    hits = sum(len(words(b) & words(a)) for a, b in zip(english, back, strict=True))
    assert hits / sum(len(words(a)) for a in english) >= 0.6, back


@apertium_en_es
def test_translated_cues_keep_timings_and_say_they_are_a_draft() -> None:
    out, name = translate.translate_cues(cues([en for en, _ in PARALLEL]), "en", "es")
    assert name == "apertium (rule-based draft)"
    assert [(c["st"], c["et"]) for c in out] == [(2.0 * i, 2.0 * i + 1.8) for i in range(4)]
    assert "casa" in out[0]["text"].lower()
    for c in out:  # karaoke words spread over the cue, in order
        assert c["words"][0]["st"] == c["st"] and c["words"][-1]["et"] == pytest.approx(c["et"])


def test_argostranslate_round_trip_or_a_plain_absence() -> None:
    argos = translate.ArgosProvider()
    if not argos.pairs():
        # not installed here (it needs torch and downloads its packs): it offers nothing
        assert ("en", "es") not in argos.pairs()
        return
    pair = sorted(argos.pairs())[0]  # pragma: no cover - a machine with a pack installed
    there = argos.translate(["Hello, my friend."], *pair)
    back = argos.translate(there, pair[1], pair[0])
    assert len(back) == 1 and back[0].strip()


def test_no_translator_means_a_clear_refusal(monkeypatch) -> None:
    with pytest.raises(translate.TranslationUnavailable) as err:
        translate.translate_cues(cues(["Good morning."]), "en", "ja")
    msg = str(err.value)
    assert "Japanese captions were not made" in msg and "nothing was charged" in msg
    assert "NemoVideo cloud" in msg and "argospm install translate-en_ja" in msg
    assert "apertium" not in msg  # Debian has no English-Japanese pair: none is named
    monkeypatch.setattr(translate, "_PROVIDERS", [])
    with pytest.raises(translate.TranslationUnavailable, match="apt install apertium-eng-spa"):
        translate.translate_cues(cues(["Good morning."]), "en", "es")


def test_speech_translation_is_offered_into_english_only() -> None:
    assert translate.speech_translation_available("es", "en")
    assert translate.speech_translation_available("zh", "en")
    assert not translate.speech_translation_available("en", "es")
    assert not translate.speech_translation_available("es", "fr")
    assert "en" in translate.offline_targets("ru")


class ChineseProvider:
    """A test provider that answers in Chinese (through the public provider interface)."""

    name = "zh-test"

    def pairs(self):
        return {("en", "zh")}

    def translate(self, texts, source, target):
        return ["今天我们一起来学习怎样做一道非常好吃的红烧肉，其实一点都不难。" for _ in texts]


def test_translations_into_chinese_are_broken_by_characters() -> None:
    provider = ChineseProvider()
    translate.register_provider(provider)
    try:
        out, name = translate.translate_cues(cues(["A long English sentence."]), "en", "zh")
    finally:
        translate.unregister_provider(provider)
    assert name == "zh-test"
    lines = out[0]["text"].split("\n")
    assert len(lines) >= 2 and all(scripts.text_length(line) <= 16 for line in lines)
    assert all(" " not in line for line in lines)
    assert "".join(lines) == ChineseProvider().translate([""], "en", "zh")[0]


def test_apertium_absent_offers_nothing(tmp_path, monkeypatch) -> None:
    assert translate.ApertiumProvider(modes=tmp_path).pairs() == set()
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert translate.ApertiumProvider().pairs() == set()
