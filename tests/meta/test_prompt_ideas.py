"""Ideas in English, Chinese and Spanish: each prompt carries the idea's subject, none of the
request's instruction words, and is written in the idea's language."""

from __future__ import annotations

import re

import pytest

from nemo_widgets.engine.meta.language import detect_language
from nemo_widgets.engine.meta.prompts import build_storyboard, parse_idea

# idea -> (subject every scene prompt must carry, words no prompt may contain, language)
IDEAS: dict[str, tuple[str, tuple[str, ...], str]] = {
    # English
    "generate a detailed video prompt for a 30-second product showcase of a ceramic coffee mug": (
        "ceramic coffee mug",
        ("generate", "prompt", "detailed video"),
        "en",
    ),
    "write a text-to-video prompt for a fox running through fresh snow": (
        "fox running",
        ("write", "prompt", "text-to-video"),
        "en",
    ),
    "create a 15-second ad for a leather wallet": ("leather wallet", ("create", "15-second"), "en"),
    "make me a storyboard about a lighthouse keeper's last night": (
        "lighthouse keeper on their last night",
        ("make me", "storyboard about"),
        "en",
    ),
    "i need a prompt for a recipe video of lemon pasta": ("lemon pasta", ("i need",), "en"),
    "give me a prompt: a drone shot over Kyoto temples at dawn": (
        "Kyoto temples",
        ("give me",),
        "en",
    ),
    "a 20-second travel video of lisbon trams": ("lisbon trams", ("travel video",), "en"),
    "come up with a vertical prompt for a skateboarder doing a kickflip": (
        "skateboarder doing a kickflip",
        ("come up with",),
        "en",
    ),
    "produce a cinematic prompt for a vintage red bicycle in the rain": (
        "vintage red bicycle",
        ("produce",),
        "en",
    ),
    "a showcase of wireless earbuds with studio lighting": (
        "wireless earbuds",
        ("showcase of",),
        "en",
    ),
    "could you write a prompt about a cat chasing a laser pointer": (
        "cat chasing a laser pointer",
        ("could you", "write"),
        "en",
    ),
    "generate a prompt for a 30-second real estate tour of a loft apartment": (
        "loft apartment",
        ("generate", "real estate tour of"),
        "en",
    ),
    # Chinese: the object of 为…生成 / 给…做 / 关于…的, and bare descriptions
    "为咖啡杯生成一个30秒的产品展示视频提示词": ("咖啡杯", ("为咖啡杯", "生成", "提示词"), "zh"),
    "给我的小狗做一个生日派对视频提示词": ("小狗的生日派对", ("给我", "做一个", "提示词"), "zh"),
    "生成一个关于上海夜景的延时摄影提示词": ("上海夜景", ("关于", "生成", "提示词"), "zh"),
    "写一个小狗在雪地里奔跑的视频提示词": ("小狗在雪地里奔跑", ("写一个", "提示词"), "zh"),
    "请帮我为新款运动鞋生成一个15秒的广告视频提示词": (
        "新款运动鞋",
        ("请帮我", "生成", "提示词"),
        "zh",
    ),
    "为一瓶橄榄油制作一个竖屏的产品展示视频": ("一瓶橄榄油", ("制作", "竖屏的"), "zh"),
    "给一家小面包店拍一个宣传片": ("一家小面包店", ("给", "拍一个", "宣传片"), "zh"),
    "关于秋天森林的视频提示词，要电影感": ("秋天森林", ("关于", "提示词"), "zh"),
    "生成提示词：一只橘猫在窗台上晒太阳": ("橘猫在窗台上晒太阳", ("生成提示词",), "zh"),
    "帮我写一个以城市夜跑为主题的分镜": ("城市夜跑", ("帮我写", "为主题"), "zh"),
    "做一个30秒的手冲咖啡教程视频": ("手冲咖啡", ("做一个",), "zh"),
    "为我的陶瓷茶杯设计一个产品广告提示词": ("陶瓷茶杯", ("为我的", "设计", "提示词"), "zh"),
    # Spanish
    "genera un prompt para un anuncio de 30 segundos de una taza de café": (
        "una taza de café",
        ("genera un", "prompt", "anuncio de 30 segundos"),
        "es",
    ),
    "crea un prompt de vídeo sobre un zorro en la nieve al amanecer": (
        "un zorro",
        ("crea", "prompt"),
        "es",
    ),
    "escribe un guion gráfico de un faro al anochecer": (
        "un faro",
        ("escribe", "guion gráfico"),
        "es",
    ),
    "hazme un prompt para un vídeo de 15 segundos de unas zapatillas de running": (
        "unas zapatillas de running",
        ("hazme", "prompt"),
        "es",
    ),
    "necesito un prompt para una receta de paella": ("paella", ("necesito", "receta"), "es"),
    "dame un prompt de un perro corriendo por la playa": (
        "un perro corriendo por la playa",
        ("dame",),
        "es",
    ),
    "genera un vídeo vertical de una botella de aceite de oliva": (
        "una botella de aceite de oliva",
        ("genera un",),
        "es",
    ),
    "un anuncio de un reloj de pulsera con iluminación cinematográfica": (
        "un reloj de pulsera",
        ("anuncio de",),
        "es",
    ),
    "crea un prompt detallado para un tutorial de cómo hacer pan de masa madre": (
        "pan de masa madre",
        ("crea", "prompt detallado"),
        "es",
    ),
    "quiero un vídeo de viaje por las calles de Lisboa": (
        "Lisboa",
        ("quiero",),
        "es",
    ),
}


def _prompts(idea: str) -> tuple[dict, list[str]]:
    board = build_storyboard(parse_idea(idea))
    return board, [s["prompt"] for s in board["scenes"]]


def test_the_table_covers_three_languages() -> None:
    langs = [lang for _, _, lang in IDEAS.values()]
    assert len(IDEAS) >= 30 and {"en", "zh", "es"} <= set(langs)
    assert min(langs.count(x) for x in ("en", "zh", "es")) >= 10


@pytest.mark.parametrize("idea", list(IDEAS))
def test_prompt_carries_the_subject_not_the_instructions(idea: str) -> None:
    subject, forbidden, lang = IDEAS[idea]
    board, prompts = _prompts(idea)
    assert board["language"] == lang
    for p in prompts:
        assert subject.lower() in p.lower(), (subject, p)
        for word in forbidden:
            assert word.lower() not in p.lower(), (word, p)
    # Storyboards keep one subject throughout.
    assert len({s["subject"] for s in board["scenes"]}) == 1


@pytest.mark.parametrize("idea", list(IDEAS))
def test_prompt_is_written_in_the_ideas_language(idea: str) -> None:
    _, _, lang = IDEAS[idea]
    _, prompts = _prompts(idea)
    for p in prompts:
        assert detect_language(p) == lang, p
        if lang == "zh":
            # Only numbers, units and the user's own Latin words are not Chinese.
            latin = set(re.findall(r"[A-Za-z]{3,}", p))
            assert latin <= {"fps"}, latin
        if lang == "es":
            assert "Iluminación:" in p and "Lighting:" not in p
        if lang == "en":
            assert "Lighting:" in p and "光线" not in p


def test_no_invented_products_people_or_brands() -> None:
    # The idea names no product: every scene says "the product" and nothing else stands in.
    for idea, placeholder in [
        ("generate a detailed video prompt for a 30-second product showcase with cinematic "
         "lighting", "the product"),
        ("genera un prompt para un anuncio de producto de 30 segundos", "el producto"),
        ("生成一个30秒的产品展示视频提示词", "产品"),
    ]:  # fmt: skip
        board = build_storyboard(parse_idea(idea))
        for s in board["scenes"]:
            assert s["subject"].lower() == placeholder, s["subject"]
            assert not re.search(r"perfume|earbud|smartwatch|sneaker|bottle|香水|耳机", s["prompt"])


def test_spanish_subjects_agree_with_their_verbs() -> None:
    board = build_storyboard(parse_idea("un anuncio de 20 segundos de unas zapatillas de running"))
    plural = [s["action"] for s in board["scenes"]]
    assert any(re.match(r"(?:se \w+n|\w+n)\b", a) for a in plural), plural


@pytest.mark.parametrize("skill", ["video-prompt-generation", "nemo-video"])
def test_the_agent_reads_each_idea_whole_as_a_prompt_request(skill: str) -> None:
    # The reader must hand the builder the whole idea: in Chinese the idea comes before the
    # keyword (为咖啡杯生成一个30秒的产品展示视频提示词), so a split there loses the subject.
    from nemo_widgets.engine.agent import read_message

    for idea, (subject, _, _) in IDEAS.items():
        if skill == "nemo-video" and not re.search(
            r"prompt|storyboard|提示词|分镜|guion|descripci", idea, re.I
        ):
            continue  # a bare description is an idea only in the prompt skill
        reading = read_message(idea, skill=skill)
        names = [type(s.command).__name__ for s in reading.steps]
        assert names == ["GeneratePrompt"], (idea, names, reading.unread)
        assert not reading.unread, (idea, reading.unread)
        _, prompts = _prompts(reading.steps[0].command.idea)
        assert all(subject.lower() in p.lower() for p in prompts), (idea, prompts[0])
