"""Transcripts with known topics for the meta tests: real speech references and a generated talk."""

from __future__ import annotations

import json
import random
from pathlib import Path

from nemo_widgets.engine.meta.words import TimedWord

SPEECH = Path(__file__).resolve().parents[1] / "data" / "speech"

# Four topics, each with its own vocabulary; the key phrase of each is repeated the way a
# presenter repeats the subject of a section.
TOPICS = {
    "sourdough starter": [
        "the sourdough starter needs flour and water every morning",
        "a healthy sourdough starter doubles in size within six hours",
        "feed the starter with rye flour when the kitchen is cold",
        "wild yeast and lactic bacteria give the bread its sour flavour",
        "keep the sourdough starter in a glass jar with a loose lid",
        "a sluggish starter often means the water is too cold",
        "discard half of the starter before each feeding",
        "the dough rises slowly overnight thanks to the wild yeast",
    ],
    "mountain bike brakes": [
        "mountain bike brakes wear out faster on muddy trails",
        "check the brake pads for grit before every ride",
        "hydraulic disc brakes need bleeding once a season",
        "a spongy brake lever usually means air in the hydraulic line",
        "align the caliper so the rotor spins without rubbing",
        "clean the brake rotor with isopropyl alcohol, never with grease",
        "bed in new brake pads with ten hard stops on a quiet road",
        "mountain bike brakes squeal when the pads are contaminated",
    ],
    "rooftop solar panels": [
        "rooftop solar panels work best on a south facing roof",
        "the inverter turns direct current from the panels into household power",
        "solar panels lose a little efficiency on very hot afternoons",
        "a battery stores surplus solar energy for the evening",
        "net metering credits the electricity your panels export to the grid",
        "clean the solar panels after dust storms to keep output high",
        "shade from a chimney can cut the output of a whole string of panels",
        "microinverters let each rooftop solar panel work on its own",
    ],
    "houseplant watering": [
        "most houseplants die from too much watering, not too little",
        "check the potting soil with a finger before watering",
        "a pot with drainage holes keeps the roots from rotting",
        "succulents and cacti need watering only every few weeks",
        "ferns and calathea like humid air and evenly moist soil",
        "water houseplants less in winter when growth slows down",
        "yellow leaves often mean the roots sit in soggy soil",
        "bottom watering lets the soil soak up exactly what it needs",
    ],
}


def multi_topic_words(
    seconds_per_topic: float = 60.0, seed: int = 7
) -> tuple[list[TimedWord], list[float], float]:
    """A talk about the four TOPICS in order, with word times at ~2.6 words per second.

    Returns the words, the true topic start times (after the first) and the duration.
    """
    rng = random.Random(seed)
    words: list[TimedWord] = []
    shifts: list[float] = []
    t = 1.0
    for n, (_, sentences) in enumerate(TOPICS.items()):
        if n:
            shifts.append(t)
        topic_end = t + seconds_per_topic
        i = 0
        while t < topic_end:
            sent = sentences[i % len(sentences)] if i < len(sentences) else rng.choice(sentences)
            i += 1
            tokens = sent.split()
            for k, tok in enumerate(tokens):
                dur = 0.22 + 0.03 * len(tok) / 3
                text = tok[:1].upper() + tok[1:] if k == 0 else tok
                if k == len(tokens) - 1:
                    text += "."
                words.append(TimedWord(text, round(t, 3), round(t + dur, 3)))
                t += dur + 0.08
            t += 0.45  # pause between sentences
        t += 0.8  # a longer pause between sections
    return words, shifts, round(t + 1.0, 3)


def speech_reference_words() -> list[TimedWord]:
    """The five LibriVox clips' forced alignments laid end to end (about 25 s of speech)."""
    words: list[TimedWord] = []
    offset = 0.0
    for path in sorted(SPEECH.glob("sense_and_sensibility_*.json")):
        data = json.loads(path.read_text())
        for w in data["w"]:
            tok = w["t"].split("(")[0]
            if tok.startswith("<"):
                continue
            words.append(TimedWord(tok, offset + w["b"], offset + w["b"] + w["d"]))
        offset += data["d"] + 0.5
    return words


SAMPLES = Path(__file__).resolve().parents[2] / "nemo_widgets" / "samples"

# Talks in Spanish and Chinese, written here, with the topics a creator would tag.
SPANISH_TALKS = {
    "tortilla": (
        "Hoy vamos a preparar una tortilla de patatas como la de mi abuela. La tortilla de "
        "patatas es el plato más típico de España. Primero pelamos las patatas y las cortamos "
        "en láminas finas. Después freímos las patatas en aceite de oliva a fuego lento durante "
        "veinte minutos. Mientras tanto batimos seis huevos con una pizca de sal. Mezclamos las "
        "patatas con los huevos y dejamos reposar la mezcla cinco minutos. Cuajamos la tortilla "
        "en la sartén y le damos la vuelta con un plato. ¿Cuál es el secreto de una buena "
        "tortilla de patatas? El secreto es un buen aceite de oliva y paciencia."
    ),
    "paneles": (
        "En este vídeo os explico cómo funcionan los paneles solares en una casa. Los paneles "
        "solares convierten la luz del sol en electricidad. Un inversor transforma la corriente "
        "continua en corriente alterna para los enchufes de casa. Las baterías guardan la "
        "energía solar que sobra para la noche. Los paneles solares rinden mejor en un tejado "
        "orientado al sur. Conviene limpiar los paneles solares dos veces al año. Con el "
        "autoconsumo la factura de la luz baja mucho."
    ),
}
CHINESE_TALKS = {
    "多肉": (
        "大家好，今天我们来聊聊多肉植物的养护。多肉植物不需要经常浇水，土壤干透再浇。多肉植物喜欢"
        "阳光，但是夏天要避免暴晒。冬天的时候，多肉植物要放在室内。选择透气的花盆和颗粒土，多肉植物"
        "的根系才不会腐烂。如果叶片发软，说明多肉植物缺水了。"
    ),
    "咖啡": (
        "手冲咖啡其实很简单。首先把咖啡豆磨成中细粉。然后用九十二度左右的热水先闷蒸三十秒。接着"
        "分三次注水，整个过程控制在两分钟左右。手冲咖啡的关键是水温和研磨度。好的咖啡豆加上正确的"
        "手法，就能冲出一杯香甜的手冲咖啡。"
    ),
}


def timed(text: str, *, per_char: bool | None = None) -> list[TimedWord]:
    """``text`` as a recogniser gives it: words with times; Chinese as single characters
    (punctuation attached to the character before it)."""
    import re

    cjk = bool(re.search(r"[\u4e00-\u9fff]", text)) if per_char is None else per_char
    tokens = (
        re.findall(r"[\u4e00-\u9fff][，。！？、；：]?|[^\s\u4e00-\u9fff]+", text)
        if cjk
        else text.split()
    )
    out: list[TimedWord] = []
    t = 0.2
    for tok in tokens:
        dur = 0.18 if cjk else 0.12 + 0.05 * len(tok)
        out.append(TimedWord(tok, round(t, 3), round(t + dur, 3)))
        t += dur + (0.5 if tok[-1] in ".?!。？！" else 0.06)
    return out


def alignment_words(path: Path) -> list[TimedWord]:
    """One clip's forced alignment (``*.json``) as timed words."""
    data = json.loads(path.read_text())
    return [
        TimedWord(w["t"].split("(")[0], w["b"], w["b"] + w["d"])
        for w in data["w"]
        if not w["t"].startswith("<")
    ]
