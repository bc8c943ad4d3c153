"""Text-to-video prompts and storyboards from a short idea: parse, plan scenes, write prompts.

A prompt follows the skeleton common to public prompt guides (``captions.md``): shot and lens,
subject with concrete details, action, setting, lighting and time of day, style and mood,
constraints (duration, aspect ratio, "no on-screen text"). The idea is parsed for its subject,
genre, moods, lighting, duration and aspect; every other choice comes from vocabularies per
genre and per scene role, drawn with a seed from a hash of the normalised idea, so the same
idea always gives the same prompts and different ideas differ. Refinements ("moodier",
"vertical", "more cinematic", "15 seconds") change the spec and rebuild with the same seed, so
only what they touch moves.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import math
import random
import re
from dataclasses import dataclass
from typing import Any

from ... import schema
from ..numbers import WORD_NUMBERS, cn_number

__all__ = [
    "GENRES",
    "build_storyboard",
    "parse_idea",
    "refine_spec",
    "render_markdown",
    "seed_of",
    "split_durations",
]

#: Longest single clip most text-to-video models make; longer requests become storyboards.
SINGLE_CLIP_MAX_S = 10.0
SINGLE_CLIP_DEFAULT_S = 8.0
MAX_DURATION_S = 600.0


@dataclass(frozen=True)
class Genre:
    """Vocabulary and pacing of one kind of video."""

    name: str
    label: str
    triggers: tuple[str, ...]  # regexes that name the genre
    subjects: tuple[str, ...]  # concrete subjects when the idea names none
    details: tuple[str, ...]  # concrete details appended to a user's subject
    settings: tuple[str, ...]
    middle: tuple[str, ...]  # scene roles between the opening and the closing
    closing: str  # role of the last scene
    shot_s: tuple[float, float]  # sensible shot length range for the genre
    default_s: float  # length of a multi-scene piece when none is asked for
    moods: tuple[str, ...]
    styles: tuple[str, ...]
    palettes: tuple[str, ...]
    lighting: tuple[str, ...]
    times: tuple[str, ...]
    actions: dict[str, tuple[str, ...]]


_COMMON_ACTIONS: dict[str, tuple[str, ...]] = {
    "establishing": (
        "is revealed as the camera settles on the scene",
        "sits in the scene while the space around it is shown",
        "comes into view as the frame opens up",
    ),
    "detail": (
        "is shown up close, texture and small details in sharp focus",
        "catches a sliver of light that travels slowly across its surface",
        "fills the frame as focus racks onto its finest detail",
    ),
    "hero": (
        "holds the centre of the frame in its defining moment",
        "turns slowly toward the camera as the light builds",
        "is framed at its most striking, everything else falling away",
    ),
    "in-use": (
        "is used naturally by a person, hands and motion in frame",
        "becomes part of an everyday moment, used without fuss",
        "is handled and used, showing how it fits real life",
    ),
    "process": (
        "moves through one clear step of the process",
        "shows the next step, one deliberate movement at a time",
        "changes visibly as the step is completed",
    ),
    "journey": (
        "moves through the scene, the camera following alongside",
        "crosses the frame at an unhurried pace",
        "advances toward the horizon as the scene unfolds",
    ),
    "closing": (
        "rests in a calm final composition",
        "holds still as the motion settles for a final beat",
        "is framed one last time as the camera eases away",
    ),
    "call-to-action": (
        "sits centred and still, clean negative space around it for an end card",
        "holds a confident final pose with empty space left for a logo added in the edit",
        "settles into a simple symmetrical composition, calm and uncluttered",
    ),
}


def _genre(name: str, label: str, triggers: tuple[str, ...], **kw: Any) -> Genre:
    actions = dict(_COMMON_ACTIONS)
    actions.update(kw.pop("actions", {}))
    return Genre(name=name, label=label, triggers=triggers, actions=actions, **kw)


GENRES: dict[str, Genre] = {
    g.name: g
    for g in (
        _genre(
            "product",
            "product showcase",
            (r"product", r"showcase", r"unboxing", r"commercial", r"\bad\b", r"advert", r"promo"),
            subjects=(
                "a matte-black wireless earbud case with a soft-touch finish",
                "a brushed-aluminium smartwatch with a sapphire-glass face",
                "a frosted-glass perfume bottle with a heavy brass cap",
                "a white ceramic pour-over coffee dripper with fine ribbing",
                "a pair of minimalist white leather sneakers with tonal stitching",
            ),
            details=(
                "its materials and finish rendered in crisp detail",
                "fine surface texture and clean edges visible",
                "every seam, edge and reflection sharply defined",
            ),
            settings=(
                "on a seamless charcoal studio backdrop",
                "on a polished black marble plinth with soft reflections",
                "on a raw concrete pedestal in a minimalist studio",
                "on a sand-coloured stone surface with a single dried palm leaf",
            ),
            middle=("detail", "hero", "in-use", "detail", "hero"),
            closing="call-to-action",
            shot_s=(3.0, 6.0),
            default_s=30.0,
            moods=("premium and confident", "sleek and aspirational", "calm and refined"),
            styles=(
                "high-end commercial product cinematography",
                "luxury advertising film look",
                "clean modern product film",
            ),
            palettes=(
                "charcoal, silver and soft white",
                "black and warm gold",
                "cool greys with one accent colour",
            ),
            lighting=(
                "soft overhead key light with crisp edge highlights",
                "large softbox key light with a thin rim light",
                "sculpted studio lighting with controlled reflections",
            ),
            times=("timeless studio light",),
        ),
        _genre(
            "travel",
            "travel film",
            (r"travel", r"trip", r"vacation", r"holiday", r"tourism", r"destination", r"city"),
            subjects=(
                "a traveller in a rust-coloured jacket with a canvas backpack",
                "a narrow cobblestone street lined with lantern-lit cafés",
                "a turquoise bay ringed by whitewashed houses",
                "a mountain ridge trail above a sea of clouds",
            ),
            details=(
                "local textures and signs of daily life all around",
                "the place's colours and architecture in rich detail",
            ),
            settings=(
                "in an old harbour town",
                "on a cliff path above the sea",
                "in a busy night market",
                "along a quiet mountain road",
            ),
            middle=("journey", "detail", "journey", "hero", "detail"),
            closing="closing",
            shot_s=(4.0, 8.0),
            default_s=30.0,
            moods=("adventurous and free", "awe-struck and serene", "warm and nostalgic"),
            styles=("cinematic travel documentary", "aerial travel film", "handheld travel diary"),
            palettes=("teal and orange", "sun-bleached pastels", "deep blues and warm ambers"),
            lighting=(
                "warm low sun with long shadows",
                "soft diffused daylight",
                "glowing street lights against a deep sky",
            ),
            times=("golden hour", "early morning", "blue hour", "late afternoon"),
        ),
        _genre(
            "food",
            "food film",
            (r"food", r"recipe", r"cooking", r"dish", r"restaurant", r"chef", r"coffee", r"bak"),
            subjects=(
                "a steaming bowl of ramen with a jammy soft-boiled egg",
                "a rustic sourdough loaf with a crackling dark crust",
                "a glossy chocolate tart with a dusting of cocoa",
                "a tall glass of iced coffee with cream swirling through it",
            ),
            details=(
                "steam, gloss and crumbs in appetising detail",
                "textures so close you can almost taste them",
            ),
            settings=(
                "on a worn oak kitchen table",
                "on a dark slate counter in a small restaurant kitchen",
                "on a linen cloth beside a sunny window",
            ),
            middle=("process", "detail", "process", "hero", "detail"),
            closing="hero",
            shot_s=(3.0, 6.0),
            default_s=20.0,
            moods=("warm and appetising", "cosy and homely", "indulgent"),
            styles=(
                "food commercial cinematography",
                "slow-motion food film",
                "editorial food film",
            ),
            palettes=("warm browns and creams", "rich reds and golds", "earthy greens and wood"),
            lighting=(
                "soft side light from a window",
                "warm backlight that makes steam glow",
                "single soft key light with gentle fill",
            ),
            times=("morning light", "late afternoon light"),
            actions={
                "process": (
                    "is prepared by hands in one clear step, ingredients falling into place",
                    "sizzles and changes colour as it cooks",
                    "is poured, sliced or plated with one confident motion",
                )
            },
        ),
        _genre(
            "tutorial",
            "tutorial",
            (r"tutorial", r"how[- ]to", r"explainer", r"lesson", r"guide", r"step[- ]by[- ]step"),
            subjects=(
                "a pair of hands working on a tidy desk",
                "a presenter in a plain sweater beside a whiteboard",
                "a laptop and notebook laid out on a clean workbench",
            ),
            details=("every step clearly visible", "tools and materials laid out neatly"),
            settings=(
                "at a bright, uncluttered workbench",
                "in a quiet home studio",
                "at a clean desk by a window",
            ),
            middle=("process", "detail", "process", "process", "detail"),
            closing="closing",
            shot_s=(5.0, 10.0),
            default_s=45.0,
            moods=("clear and friendly", "calm and focused", "encouraging"),
            styles=("clean educational video", "top-down tutorial film", "bright explainer look"),
            palettes=("clean whites with soft blues", "neutral greys with one accent colour"),
            lighting=("even soft light with no harsh shadows", "bright diffused daylight"),
            times=("daytime",),
        ),
        _genre(
            "real_estate",
            "property tour",
            (r"real[- ]estate", r"property", r"listing", r"apartment", r"house tour", r"home tour"),
            subjects=(
                "a bright open-plan living room with oak floors",
                "a modern two-storey house with large glass windows",
                "a loft apartment with exposed brick and tall windows",
            ),
            details=("clean lines and generous space", "natural materials and tidy staging"),
            settings=(
                "in a quiet tree-lined neighbourhood",
                "overlooking a city skyline",
                "with a landscaped garden",
            ),
            middle=("journey", "detail", "journey", "hero", "journey"),
            closing="call-to-action",
            shot_s=(5.0, 8.0),
            default_s=45.0,
            moods=("airy and inviting", "calm and upscale", "warm and welcoming"),
            styles=("architectural real-estate film", "smooth gimbal property tour"),
            palettes=("warm whites and natural wood", "soft neutrals with green accents"),
            lighting=("bright natural light flooding through windows", "warm interior lamps"),
            times=("late morning", "golden hour", "dusk with the lights on"),
        ),
        _genre(
            "fitness",
            "fitness film",
            (r"fitness", r"workout", r"gym", r"training", r"yoga", r"running", r"sport"),
            subjects=(
                "an athlete in a charcoal training top",
                "a runner in bright trail shoes",
                "a woman in a sage-green yoga set",
            ),
            details=("sweat and muscle definition visible", "focused expression, steady breath"),
            settings=(
                "in a concrete warehouse gym",
                "on an empty running track",
                "on a rooftop at the edge of the city",
            ),
            middle=("in-use", "detail", "hero", "in-use", "detail"),
            closing="call-to-action",
            shot_s=(2.0, 5.0),
            default_s=20.0,
            moods=("energetic and determined", "gritty and intense", "uplifting"),
            styles=("high-energy sports commercial", "gritty training film", "slow-motion sports"),
            palettes=("high-contrast black and red", "cool steel blues", "warm sunrise tones"),
            lighting=("hard directional light with deep shadows", "bright backlight with flare"),
            times=("sunrise", "night under floodlights", "early morning"),
            actions={
                "in-use": (
                    "pushes through one explosive repetition",
                    "drives forward in a powerful stride",
                    "holds a demanding pose with total control",
                )
            },
        ),
        _genre(
            "fashion",
            "fashion film",
            (r"fashion", r"outfit", r"clothing", r"lookbook", r"apparel", r"runway"),
            subjects=(
                "a model in a flowing ivory linen suit",
                "a model in an oversized camel wool coat",
            ),
            details=("fabric movement and texture clearly visible",),
            settings=("in an empty gallery with white walls", "on a windswept beach"),
            middle=("hero", "detail", "in-use", "hero", "detail"),
            closing="closing",
            shot_s=(3.0, 6.0),
            default_s=30.0,
            moods=("effortless and editorial", "bold and confident"),
            styles=("editorial fashion film", "runway film look"),
            palettes=("muted earth tones", "monochrome with a single red accent"),
            lighting=("soft window light", "hard sunlight with crisp shadows"),
            times=("midday", "golden hour"),
        ),
        _genre(
            "nature",
            "nature film",
            (r"nature", r"wildlife", r"forest", r"ocean", r"landscape", r"mountain"),
            subjects=(
                "a red fox padding through fresh snow",
                "a waterfall pouring into a mossy gorge",
                "a field of wildflowers moving in the wind",
            ),
            details=("natural textures in rich detail",),
            settings=("deep in an old forest", "on a windswept coastline", "in an alpine valley"),
            middle=("journey", "detail", "hero", "journey", "detail"),
            closing="closing",
            shot_s=(5.0, 9.0),
            default_s=30.0,
            moods=("serene and majestic", "wild and untamed", "quiet and contemplative"),
            styles=("nature documentary cinematography", "aerial landscape film"),
            palettes=("deep greens and mossy browns", "icy blues and whites", "golden ambers"),
            lighting=("soft light through mist", "low sun raking across the land"),
            times=("dawn", "golden hour", "overcast morning"),
        ),
        _genre(
            "generic",
            "short film",
            (),
            subjects=(
                "a lone figure in a long dark coat",
                "a vintage red bicycle leaning on a wall",
                "a small lighthouse on a rocky point",
            ),
            details=("small telling details in sharp focus",),
            settings=("in a quiet city street", "on an empty coastal road", "in a sunlit room"),
            middle=("journey", "detail", "hero", "journey", "detail"),
            closing="closing",
            shot_s=(4.0, 8.0),
            default_s=30.0,
            moods=("quietly cinematic", "hopeful", "mysterious"),
            styles=("cinematic short film", "naturalistic film look"),
            palettes=("muted teal and amber", "soft pastels", "desaturated earth tones"),
            lighting=("soft natural light", "motivated practical lights"),
            times=("golden hour", "blue hour", "overcast afternoon"),
        ),
    )
}

# Shot vocabulary by scene role: (shot, lens, camera move) pools.
_SHOTS: dict[str, tuple[str, ...]] = {
    "establishing": ("wide establishing shot", "extreme wide shot", "aerial drone shot"),
    "detail": ("extreme close-up", "macro insert shot", "tight close-up"),
    "hero": ("low-angle hero shot", "medium close-up", "centred medium shot"),
    "in-use": ("medium shot", "over-the-shoulder shot", "handheld tracking shot"),
    "process": ("top-down overhead shot", "tight medium shot", "close-up"),
    "journey": ("tracking shot", "wide follow shot", "side-on travelling shot"),
    "closing": ("wide shot", "slow pull-back wide shot", "static wide shot"),
    "call-to-action": ("centred static shot", "symmetrical medium shot", "slow push-in wide shot"),
}
_LENSES: dict[str, tuple[str, ...]] = {
    "establishing": ("24mm wide-angle lens", "18mm ultra-wide lens", "35mm lens"),
    "detail": ("100mm macro lens", "90mm macro lens", "85mm lens at f/2"),
    "hero": ("50mm lens at f/1.8", "85mm portrait lens", "35mm lens"),
    "in-use": ("35mm lens", "50mm lens", "28mm lens"),
    "process": ("35mm lens", "50mm lens", "100mm macro lens"),
    "journey": ("24mm lens", "35mm lens", "28mm lens"),
    "closing": ("24mm lens", "35mm lens", "50mm lens"),
    "call-to-action": ("50mm lens", "35mm lens", "85mm lens"),
}
_MOVES: dict[str, tuple[str, ...]] = {
    "establishing": ("slow dolly-in", "gentle crane down", "slow aerial push forward"),
    "detail": ("slow slider move", "subtle rack focus", "micro dolly along the surface"),
    "hero": ("slow 180-degree orbit", "slow push-in", "tilt-up reveal"),
    "in-use": ("handheld follow", "smooth gimbal move", "locked-off frame"),
    "process": ("locked-off frame", "slow top-down drift", "gentle push-in"),
    "journey": ("smooth gimbal tracking move", "steady side-on dolly", "slow forward glide"),
    "closing": ("slow pull-back", "gentle crane up", "locked-off frame"),
    "call-to-action": ("locked-off frame", "very slow push-in", "gentle settle to stillness"),
}
_CINEMATIC_LENSES = ("40mm anamorphic lens", "50mm anamorphic lens", "75mm anamorphic lens")
_CINEMATIC_MOVES = ("slow motorised dolly move", "smooth crane move", "slow Steadicam glide")

# Mood families the user can ask for (words in the idea or a refinement) and what they set.
_MOODS: dict[str, dict[str, Any]] = {
    "moody": {
        "words": r"mood(y|ier)|dark(er)?|noir|brooding|dramatic|gloomy|mysterious|shadowy",
        "mood": ("moody and dramatic", "brooding and mysterious", "dark and intimate"),
        "lighting": (
            "low-key lighting with deep shadows and a single hard side light",
            "chiaroscuro lighting, one narrow beam cutting through haze",
            "dim practical light pools with rich black shadows",
        ),
        "palette": ("desaturated deep blues and blacks", "inky shadows with amber highlights"),
        "times": ("night", "blue hour", "stormy dusk"),
    },
    "bright": {
        "words": r"bright(er)?|cheerful|happy|happier|upbeat|fun|playful|sunny|vibrant|light(er)?",
        "mood": ("bright and upbeat", "cheerful and playful", "fresh and optimistic"),
        "lighting": (
            "bright high-key lighting with soft shadows",
            "clean sunlit lighting with bounced fill",
        ),
        "palette": ("vivid saturated colours", "fresh whites with candy-coloured accents"),
        "times": ("midday", "bright morning"),
    },
    "calm": {
        "words": r"calm(er)?|serene|peaceful|relaxing|gentle|soft(er)?|minimal(ist)?|zen",
        "mood": ("calm and serene", "quiet and minimal"),
        "lighting": ("soft diffused light with gentle gradients", "soft window light"),
        "palette": ("soft neutrals and pale sage", "muted pastels"),
        "times": ("early morning", "overcast afternoon"),
    },
    "energetic": {
        "words": r"energetic|dynamic|exciting|intense|epic|powerful|bold",
        "mood": ("energetic and bold", "intense and driving"),
        "lighting": ("punchy contrasty light with bright rim highlights",),
        "palette": ("high-contrast bold colours", "electric blues and hot oranges"),
        "times": (),
    },
    "luxury": {
        "words": r"luxur(y|ious)|elegant|premium|classy|sophisticated|high[- ]end",
        "mood": ("elegant and luxurious", "refined and exclusive"),
        "lighting": ("sculpted low-key lighting with gleaming highlights",),
        "palette": ("black, champagne and gold", "deep emerald and brass"),
        "times": (),
    },
    "cozy": {
        "words": r"cozy|cosy|warm(er)?|nostalgic|homely|romantic",
        "mood": ("cosy and nostalgic", "warm and intimate"),
        "lighting": ("warm tungsten practicals and candle glow", "warm low sun through a window"),
        "palette": ("warm ambers and browns", "faded film tones"),
        "times": ("evening", "late afternoon"),
    },
}
_MOOD_ORDER = tuple(_MOODS)

# Lighting phrases the user may name; kept verbatim-ish in the prompt.
_LIGHTING_WORDS: dict[str, str] = {
    r"cinematic light(ing)?": (
        "cinematic lighting with a soft key, subtle rim light and gentle haze"
    ),
    r"natural light(ing)?": "soft natural light",
    r"studio light(ing)?": "controlled studio lighting",
    r"neon( light(s|ing)?)?": "neon light in magenta and cyan",
    r"golden[- ]hour": "warm golden-hour sunlight",
    r"candle ?light": "flickering candlelight",
    r"back ?lit|backlight(ing)?": "strong backlight with a glowing rim",
    r"soft light(ing)?": "soft diffused lighting",
    r"dramatic light(ing)?": "dramatic high-contrast lighting",
    r"moody light(ing)?": "moody low-key lighting",
}
_TIME_WORDS = (
    "sunrise",
    "dawn",
    "morning",
    "midday",
    "noon",
    "afternoon",
    "golden hour",
    "sunset",
    "dusk",
    "blue hour",
    "evening",
    "twilight",
    "night",
    "midnight",
)

_ASPECT_WORDS: tuple[tuple[str, str], ...] = (
    (
        r"9\s*:\s*16|vertical|portrait (?:video|format|mode|orientation)|in portrait|tik ?tok|"
        r"(?:instagram|ig|facebook|for|as)\s+(?:a\s+)?(?:reels?|stories)|(?:youtube|yt|for|as)\s+"
        r"shorts|story format|竖屏|抖音",
        "9:16",
    ),
    (r"1\s*:\s*1|square|instagram post|方形|正方形", "1:1"),
    (r"4\s*:\s*5", "4:5"),
    (r"16\s*:\s*9|horizontal|landscape|widescreen|youtube|横屏", "16:9"),
)

_NUMBER_WORDS = {**WORD_NUMBERS, "a": 1, "an": 1}
# Word boundaries on both sides: "drone shot" is not "one shot", "a shot" is not a count.
_NUM = r"\b(\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_COUNT = r"\b(\d+|" + "|".join(w for w in _NUMBER_WORDS if w not in ("a", "an")) + r")"
_DURATION_RE = re.compile(
    _NUM + r"\s*(?:-|\s)?\s*(seconds?|secs?|s|minutes?|mins?|m)\b(?!\s*:)(?:[\s-]+long\b)?",
    re.IGNORECASE,
)
_HALF_MINUTE_RE = re.compile(r"(?:a\s+)?half[- ]a[- ]minute(?:[\s-]+long\b)?|半分钟", re.IGNORECASE)
_ZH_NUM = r"(\d+(?:\.\d+)?|[零一两二三四五六七八九十]+)"
_ZH_DURATION_RE = re.compile(_ZH_NUM + r"\s*(秒钟?|分钟)")
_SCENES_RE = re.compile(
    r"(?:\b(?:in|into|across|over|with)\s+)?"
    + _COUNT
    + r"[\s-]*(scenes?|shots?|clips?|parts?|beats?|panels?)\b",
    re.IGNORECASE,
)
_ZH_SCENES_RE = re.compile(r"分?" + _ZH_NUM + r"\s*个?\s*(镜头|场景|分镜|画面|幕)")
_STORYBOARD_RE = re.compile(
    r"storyboard|scenes|shots|sequence|shot list|分镜|镜头|场景|commercial|\bad\b|advert|promo|"
    r"trailer|showcase|tour|montage|\breel\b|recipe video|workout video|travel video|tutorial",
    re.IGNORECASE,
)

# Command words in front of the idea ("generate a detailed video prompt for ...").
_PREAMBLE = re.compile(
    r"^\s*(?:please\s+)?(?:can you\s+|could you\s+)?"
    r"(?:generate|create|write|make|give me|draft|build|produce|come up with|i need|i want)?\s*"
    r"(?:me\s+)?(?:(?:a|an|the|some|my)\s+)?(?:detailed\s+|short\s+|cinematic\s+)?"
    r"(?:text[- ]to[- ]video\s+|ai\s+|video\s+)?"
    r"(?:prompts?|storyboards?|shot lists?|descriptions?|text descriptions?)?"
    r"(?:\s+(?:for|of|about|from|on))?\s*(?:(?:a|an)\s+storyboard\s*)?[:：]?\s*",
    re.IGNORECASE,
)
_ZH_PREAMBLE = re.compile(r"^(请)?(帮我)?(生成|写|创建)?(一个|一段)?(视频)?(提示词|分镜)[:：]?")


def normalise_idea(text: str) -> str:
    """The idea without command words, lower-case, single spaces, no trailing punctuation."""
    idea = " ".join((text or "").split())
    idea = _ZH_PREAMBLE.sub("", idea)
    head, colon, body = (
        re.split(r"([:：])", idea, maxsplit=1)
        if re.search("[:：]", idea)
        else (
            idea,
            "",
            "",
        )
    )
    if colon and body.strip():
        # "a 30-second storyboard in 4 scenes: <idea>" -> "<idea>, 30-second storyboard in
        # 4 scenes": the idea first (it names the piece), the constraints kept.
        head = _PREAMBLE.sub("", head, count=1)
        head = re.sub(r"^(?:(?:a|an|the)\s+)+", "", head.strip(), flags=re.IGNORECASE)
        head = head.strip(" .!?,;:\"'“”，")
        idea = body.strip() + (", " + head if head else "")
    idea = _PREAMBLE.sub("", idea, count=1)
    # "…prompt for a 30-second showcase" and "a 30-second showcase" are the same idea.
    idea = re.sub(r"^(?:(?:a|an|the)\s+)+", "", idea.strip(), flags=re.IGNORECASE)
    return idea.strip(" .!?,;:\"'“”").lower()


def seed_of(normalised: str) -> int:
    """A stable 32-bit seed for an idea (Python's ``hash`` is salted per process)."""
    return int.from_bytes(hashlib.sha256(normalised.encode("utf-8")).digest()[:4], "big")


def _to_number(token: str) -> float:
    token = token.lower()
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    zh = cn_number(token)
    return float(zh) if zh is not None else float(token)


def _duration_s(text: str) -> float | None:
    if _HALF_MINUTE_RE.search(text):
        return 30.0
    zh = _ZH_DURATION_RE.search(text)
    if zh:
        return _to_number(zh.group(1)) * (60 if zh.group(2) == "分钟" else 1)
    found = _DURATION_RE.search(text)
    if not found:
        return None
    value = _to_number(found.group(1))
    if found.group(2).lower().startswith("m"):
        value *= 60
    return value


def _scene_count(text: str) -> int | None:
    """An explicit number of scenes ("in 4 scenes", "five shots", "分4个镜头"), or None."""
    found = _SCENES_RE.search(text) or _ZH_SCENES_RE.search(text)
    if not found:
        return None
    return max(1, int(_to_number(found.group(1))))


def _aspect(text: str) -> str | None:
    for pattern, ratio in _ASPECT_WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            return ratio
    return None


def _moods(text: str) -> list[str]:
    return [name for name, m in _MOODS.items() if re.search(r"\b(" + m["words"] + r")\b", text)]


# Chinese names of the genres (no word boundaries in Chinese text, so matched as substrings).
_ZH_GENRES = {
    "product": r"产品|商品|广告|开箱",
    "travel": r"旅行|旅游|城市|风景区",
    "food": r"美食|食物|烹饪|菜谱|咖啡|餐厅",
    "tutorial": r"教程|教学|讲解",
    "real_estate": r"房产|房子|公寓|看房",
    "fitness": r"健身|运动|瑜伽|跑步|训练",
    "fashion": r"时尚|穿搭|服装",
    "nature": r"自然|森林|海洋|山|野生",
}


def _genre_of(text: str) -> str:
    best, best_pos = "generic", len(text) + 1
    for g in GENRES.values():
        triggers = [r"\b" + t for t in g.triggers]
        if g.name in _ZH_GENRES:
            triggers.append(_ZH_GENRES[g.name])
        for trig in triggers:
            found = re.search(trig, text)
            if found and found.start() < best_pos:
                best, best_pos = g.name, found.start()
    return best


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that may stand at the edges of what is left once constraints are cut out, but never
# start or end a subject ("… of a", "with", "for").
_EDGE_WORDS = _wordset(
    "a an the with and or in for of about featuring showing that which to on at from by "
    "into over under through across as is are please detailed long style format look feel "
    "vibe mood lighting light aspect ratio prompt prompts"
)
# Genre and form words say what kind of video, not what it is of; topic words that also pick
# a genre ("coffee", "forest") stay in the subject.
_GENRE_WORDS = re.compile(
    r"\b(product showcase|showcase|commercial|ad|advert\w*|promo\w*|unboxing|"
    r"travel vlog|travel|vlog|trip|vacation|holiday|tourism|recipe|cooking|tutorial|"
    r"explainer|lesson|guide|step[- ]by[- ]step|real[- ]estate|property|listing|house tour|"
    r"home tour|fitness|workout|lookbook|documentary|teaser|trailer|montage|"
    r"highlights? reel|highlights?|reel|tour|video|film|clip|footage|storyboard|shot list|"
    r"sequence|scenes?|shots?|drone|aerial|time[- ]?lapse|slow[- ]motion|slow[- ]mo|"
    r"close[- ]?up|wide|cinematic|noir|text[- ]to[- ]video)s?\b",
    re.IGNORECASE,
)
# Phrases after "in/at/on…" that are not places.
_NOT_A_PLACE = re.compile(
    r"^(?:the )?(?:spring|summer|autumn|fall|winter)$|slow[ -]motion|how to|real time|\d|"
    r"style|format|focus"
)
_TIME_PREPS = r"\b(?:at|during|in the|by|on a|at the|before|after)\s+"


def _trim_edges(phrase: str) -> str:
    words = phrase.split()
    while words and words[0].lower() in _EDGE_WORDS:
        words.pop(0)
    while words and (words[-1].lower() in _EDGE_WORDS or words[-1] in {"-", "'"}):
        words.pop()
    return " ".join(words)


def _subject_and_setting(idea: str, genre: Genre) -> tuple[str | None, str | None]:
    """What the idea is of, and where, once durations, genre and style words are removed.

    The subject is kept as the user's phrase ("lighthouse keeper's last night", "cat chasing
    a laser pointer"), cut only at its edges, never word by word.
    """
    text = idea
    text = _HALF_MINUTE_RE.sub(" , ", text)
    text = _DURATION_RE.sub(" , ", text)
    text = _SCENES_RE.sub(" , ", text)
    text = _ZH_SCENES_RE.sub("，", text)
    text = _ZH_DURATION_RE.sub("，", text)
    for pattern, _ in _ASPECT_WORDS:
        text = re.sub(r"\b(for an? |in )?(" + pattern + r")( video| format)?\b", " , ", text)
    for pattern in _LIGHTING_WORDS:
        text = re.sub(r"\b(with |in )?" + pattern, " , ", text)
    for m in _MOODS.values():
        text = re.sub(r"\b(" + m["words"] + r")\b", " ", text)
    # Times go only with their preposition ("at dawn"): a bare time word is part of the
    # subject ("a lighthouse keeper's last night", "a baker's morning routine").
    for tw in _TIME_WORDS:
        text = re.sub(_TIME_PREPS + tw + r"\b", " , ", text)
    setting = None
    place = re.search(
        r"\b(?:in|at|on|inside|across|through|along)\s+((?:the\s+)?[a-z][\w' -]{2,40})", text
    )
    if place:
        candidate = _trim_edges(place.group(1))
        if candidate and not _NOT_A_PLACE.search(candidate) and len(candidate.split()) <= 5:
            words = place.group(1).split()
            while words and words[-1] in _EDGE_WORDS:  # keep "the" in front, drop "… with"
                words.pop()
            setting = f"{place.group(0).split()[0]} {' '.join(words)}"
            text = text[: place.start()] + " , " + text[place.start() + len(place.group(0)) :]
    text = _GENRE_WORDS.sub(" , ", text)
    # "how to tie a tie" is the topic of a tutorial: hands showing it are the subject.
    text = re.sub(r"\bon (how to)\b", r", \1", text)
    # Chinese ideas: measure words and form words are not the subject; 的 inside a phrase
    # ("咖啡店的早晨") is kept.
    text = re.sub(r"竖屏|横屏|方形|正方形|抖音|视频|广告|展示|短片|提示词", "，", text)
    chunks = re.split(r"[,，。；;!?！？:：()\"“”]", text)
    best = ""
    for chunk in chunks:
        chunk = re.sub(r"^(?:[一两]?[个段支条]|的)+|的+$", "", chunk.strip())
        chunk = _trim_edges(re.sub(r"[^\w' -]", " ", chunk))
        if len(re.sub(r"[^\w]", "", chunk)) > len(re.sub(r"[^\w]", "", best)):
            best = chunk
    subject = best.strip(" -'") or None
    if subject and len(subject) < 3:
        subject = None
    return subject, setting


def _as_typed(phrase: str | None, original: str) -> str | None:
    """``phrase`` with the user's capitals ("lisbon trams" -> "Lisbon trams") when it occurs
    in the original text as typed."""
    if not phrase:
        return phrase
    found = re.search(re.escape(phrase), original, re.IGNORECASE)
    return found.group(0) if found else phrase


def parse_idea(text: str) -> dict[str, Any]:
    """Read a short idea into a prompt spec (a plain dict, stored in ``state["prompts"]``).

    Keys: ``idea`` (as typed), ``normalised``, ``seed``, ``genre``, ``subject`` (None when the
    idea names none), ``setting``, ``moods``, ``lighting``, ``time_of_day``, ``duration_s``,
    ``aspect``, ``scene_count`` (None = choose), ``storyboard``, ``cinematic``, ``pace``,
    ``refinements``.
    """
    norm = normalise_idea(text)
    if not norm or len(re.sub(r"[^\w]", "", norm)) < 3:
        raise ValueError(
            "Tell me the idea in a few words, e.g. 'a 30-second product showcase for a "
            "ceramic coffee mug with cinematic lighting' or 'a 10-second shot of a fox in snow'."
        )
    genre = GENRES[_genre_of(norm)]
    subject, setting = _subject_and_setting(norm, genre)
    subject, setting = _as_typed(subject, text), _as_typed(setting, text)
    # Length, scene count, frame and "storyboard" are read from the whole message: the
    # command words ("a storyboard for …") and a prefix before a colon carry them too.
    whole = " ".join((text or "").split()).lower()
    duration = _duration_s(whole)
    scene_count = _scene_count(whole)
    storyboard = bool(
        _STORYBOARD_RE.search(whole)
        or (duration and duration > SINGLE_CLIP_MAX_S)
        or (scene_count and scene_count > 1)
    )
    if duration is None:
        duration = genre.default_s if storyboard else SINGLE_CLIP_DEFAULT_S
    if duration <= 0 or duration > MAX_DURATION_S:
        raise ValueError(
            f"{duration:g} seconds is outside what I can plan (1 s to "
            f"{MAX_DURATION_S / 60:g} minutes); ask for a length in that range."
        )
    lighting = [v for p, v in _LIGHTING_WORDS.items() if re.search(r"\b" + p, norm)]
    times = [tw for tw in _TIME_WORDS if re.search(r"\b" + tw + r"\b", norm)]
    return {
        "idea": " ".join((text or "").split()),
        "normalised": norm,
        "seed": seed_of(norm),
        "genre": genre.name,
        "subject": subject,
        "setting": setting,
        "moods": _moods(norm),
        "lighting": lighting,
        "time_of_day": times[0] if times else None,
        "duration_s": float(duration),
        "aspect": _aspect(whole) or "16:9",
        "scene_count": scene_count,
        "storyboard": storyboard or bool(scene_count and scene_count > 1),
        "cinematic": int(bool(re.search(r"cinematic|film(ic)?\b|movie", norm))),
        "pace": 1.0,
        "refinements": [],
    }


# -- scene planning --------------------------------------------------------------------------
_ROLE_WEIGHT = {
    "establishing": 1.2,
    "hero": 1.25,
    "detail": 0.8,
    "in-use": 1.0,
    "process": 1.1,
    "journey": 1.1,
    "closing": 1.0,
    "call-to-action": 0.9,
}


def _roles(genre: Genre, n: int) -> list[str]:
    if n == 1:
        return ["hero"]
    if n == 2:
        return ["establishing", genre.closing]
    middle = [genre.middle[i % len(genre.middle)] for i in range(n - 2)]
    return ["establishing", *middle, genre.closing]


def split_durations(
    total_ms: int, roles: list[str], lo_s: float, hi_s: float, rng: random.Random
) -> list[int]:
    """Scene lengths in ms, each within ``[lo_s, hi_s]`` when that is possible, summing to
    exactly ``total_ms``; role weights and a little seeded jitter keep them from being equal.
    """
    n = len(roles)
    weights = [_ROLE_WEIGHT.get(r, 1.0) * rng.uniform(0.85, 1.15) for r in roles]
    lo, hi = lo_s * 1000, hi_s * 1000
    if n * lo > total_ms or n * hi < total_ms:  # infeasible: proportional, no bounds
        lo, hi = 0.0, float(total_ms)
    raw = [total_ms * w / sum(weights) for w in weights]
    for _ in range(20):  # clamp and spread the excess over the scenes that still have room
        clamped = [min(max(x, lo), hi) for x in raw]
        excess = total_ms - sum(clamped)
        if abs(excess) < 1:
            raw = clamped
            break
        room = [
            i
            for i, x in enumerate(clamped)
            if (excess > 0 and x < hi - 1e-6) or (excess < 0 and x > lo + 1e-6)
        ]
        share = sum(weights[i] for i in room) or 1.0
        raw = [x + (excess * weights[i] / share if i in room else 0) for i, x in enumerate(clamped)]
    # Whole tenths of a second read better (when scenes are long enough for it to be
    # harmless). The cut points are rounded, not each length: every scene is then within one
    # grid step of its planned length, where rounding lengths one by one piles the error of
    # all scenes onto the last one.
    grid = 100 if total_ms / n >= 1000 else 1
    cuts, acc = [0], 0.0
    for x in raw[:-1]:
        acc += x
        cuts.append(min(total_ms, int(round(acc / grid) * grid)))
    cuts.append(total_ms)
    out = [b - a for a, b in itertools.pairwise(cuts)]
    if min(out) <= 0:  # pathological rounding on tiny totals: fall back to an equal split
        base = total_ms // n
        out = [base] * (n - 1) + [total_ms - base * (n - 1)]
    return out


def _pick(pool: tuple[str, ...] | list[str], seed: int, *keys: Any) -> str:
    rng = random.Random(f"{seed}|" + "|".join(map(str, keys)))
    return rng.choice(list(pool))


def _mood_family(spec: dict[str, Any]) -> dict[str, Any] | None:
    moods = spec.get("moods") or []
    return _MOODS[moods[-1]] if moods and moods[-1] in _MOODS else None


# Nouns after a possessive that name a moment in someone's life rather than a thing: the
# subject is then the person ("a lighthouse keeper on their last night"), not the moment.
_MOMENT_ON = _wordset(
    "night day morning evening afternoon shift birthday weekend summer winter week"
)
_MOMENT_DURING = _wordset(
    "routine launch journey walk commute adventure performance race match game ride run "
    "swim dance visit class lesson date trip workout break"
)
_MOMENT_AT = frozenset(["party", "wedding", "concert", "graduation", "recital"])
# Places as subjects: they are shown, not "turning toward the camera", and are the setting.
_INTERIORS = _wordset(
    "room bedroom office kitchen bookshop bookstore shop café cafe bar apartment flat "
    "studio house home library classroom workshop garage attic cabin"
)
_PLACES = _INTERIORS | _wordset(
    "garden city street market beach forest park harbour harbor village town square skyline "
    "day afternoon"
)
_PLACE_ACTIONS: dict[str, tuple[str, ...]] = {
    "establishing": (
        "is revealed as the camera settles on the scene",
        "comes into view as the frame opens up",
    ),
    "hero": (
        "is framed at its most striking, everything else falling away",
        "is shown whole in one composed frame as the light builds",
    ),
    "detail": (
        "is shown in close details: textures, objects and traces of the people who use it",
        "gives up one telling detail as focus racks slowly across it",
    ),
}
# People and animals (they act, turn, breathe); a listed word rather than a suffix rule, which
# would take a "sneaker" or a "speaker" for a person.
_PEOPLE = _wordset(
    "man woman girl boy child kid baby person guy lady keeper baker chef cook barista "
    "astronaut grandmother grandfather grandma grandpa mother father mom mum dad parent "
    "teenager student teacher dog cat puppy kitten horse bird fox doctor nurse athlete "
    "family couple bride groom friend sailor pilot soldier fisherman farmer monk knight "
    "detective hero heroine robot runner dancer singer player driver worker painter writer "
    "skateboarder surfer climber hiker traveller traveler photographer designer gardener "
    "vendor founder owner boxer swimmer rider officer actor actress waiter waitress diver "
    "explorer fighter shepherd model presenter musician artist cyclist skier tourist crowd "
    "kids children people friends"
)
_PERSON_SUFFIX = re.compile(r"(?:ist|ian|man|woman|men|women)$")
# One-word activities as subjects ("a yoga video"): someone doing them is what is filmed.
_ACTIVITIES = _wordset(
    "yoga pilates boxing running surfing skiing dancing hiking cycling swimming climbing "
    "skateboarding baking cooking painting gardening meditation stretching"
)
_MOMENT_IN = _wordset("snow rain sea")
_PERSON_ACTIONS: dict[str, tuple[str, ...]] = {
    "establishing": (
        "is revealed as the camera settles on the scene",
        "comes into view as the frame opens up",
        "stands small in the scene while the space around them is shown",
    ),
    "detail": (
        "is seen in close detail, hands and small gestures in sharp focus",
        "pauses in a quiet close moment as focus racks onto their face",
        "fills the frame, a small telling gesture caught up close",
    ),
    "in-use": (
        "goes about one simple, natural action, hands and motion in frame",
        "moves through an everyday moment without fuss",
    ),
}
_DETERMINER = re.compile(r"^(?:a|an|the|my|our|your|his|her|their|this|that|some|one|two)\b")


def _head_noun(phrase: str) -> str:
    """The last word before a participle or a preposition ("woman boxing" -> "woman")."""
    core = re.split(r"\s+(?:\w+ing|on|in|at|of|with|over|under|by|for|from)(?:\s+|$)", phrase)[0]
    words = core.split()
    return words[-1].lower().strip("'") if words else ""


def _is_person(noun_phrase: str) -> bool:
    head = _head_noun(noun_phrase)
    singular = head[:-1] if head.endswith("s") and head[:-1] in _PEOPLE else head
    return singular in _PEOPLE or bool(_PERSON_SUFFIX.search(head))


def _indefinite(phrase: str) -> str:
    return ("an " if re.match(r"[aeiou]", phrase, re.IGNORECASE) else "a ") + phrase


def subject_phrase(subject: str) -> tuple[str, bool, bool]:
    """The user's subject as a grammatical noun phrase, and whether it is plural and a person.

    "lighthouse keeper's last night" -> "a lighthouse keeper on their last night";
    "teenager's bedroom" -> "the teenager's bedroom"; "Japan's cherry blossoms" stays;
    "how to tie a tie" -> "a pair of hands showing how to tie a tie".
    """
    subject = subject.strip()
    if re.match(r"how\b", subject, re.IGNORECASE):
        return f"a pair of hands showing {subject}", False, True
    if subject.lower() in _ACTIVITIES:
        verb = subject if subject.endswith("ing") else f"doing {subject}"
        return f"a person {verb}", False, True
    if not re.match(r"[A-Za-z]", subject):  # Chinese and other scripts: as typed, no article
        return subject, False, False
    poss = re.match(r"^(?:(?:a|an|the)\s+)?(?P<owner>[\w -]+?)'s\s+(?P<rest>.+)$", subject)
    if poss and _is_person(poss["owner"]):
        owner, rest = poss["owner"], poss["rest"]
        head = re.split(r"\s+(?:on|in|at|of|with)\s+", rest)[0].split()[-1].lower()
        who = owner if owner[:1].isupper() else _indefinite(owner)
        if head == "step":
            return f"{who} taking their {rest}", False, True
        if head in _MOMENT_ON:
            return f"{who} on their {rest}", False, True
        if head in _MOMENT_DURING:
            return f"{who} during their {rest}", False, True
        if head in _MOMENT_AT:
            return f"{who} at their {rest}", False, True
        if head in _MOMENT_IN:
            return f"{who} in their {rest}", False, True
    if poss and poss["owner"][:1].isupper():
        phrase = subject  # "Japan's cherry blossoms": the proper noun is the determiner
    elif _DETERMINER.match(subject):
        phrase = subject
    else:
        phrase = "the " + subject
    head = _head_noun(phrase)  # "hands" in "the old man's hands repairing a watch"
    plural = bool(re.search(r"[^s']s$", head)) and head not in {"this", "bus", "glass", "news"}
    return phrase, plural, _is_person(phrase)


def _place_head(phrase: str) -> str | None:
    """The place noun a subject phrase ends on ("the teenager's bedroom" -> "bedroom")."""
    words = re.split(r"\s+(?:\w+ing|on|in|at|of|with|over|by)\s+", phrase)[0].split()
    head = words[-1].lower() if words else ""
    return head if head in _PLACES else None


def _agree(action: str, plural: bool, person: bool) -> str:
    """The action's verb in the plural when the subject is ("hands are shown up close")."""
    if person or plural:
        action = re.sub(r"\bits\b", "their", action)
    if not plural:
        return action
    verb, _, rest = action.partition(" ")
    irregular = {"is": "are", "has": "have", "does": "do", "goes": "go"}
    if verb in irregular:
        verb = irregular[verb]
    elif re.search(r"(?:ch|sh|ss|x|z)es$", verb):
        verb = verb[:-2]
    elif verb.endswith("ies"):
        verb = verb[:-3] + "y"
    elif verb.endswith("s"):
        verb = verb[:-1]
    return f"{verb} {rest}"


def _subject_text(spec: dict[str, Any], genre: Genre, seed: int) -> tuple[str, str, bool, bool]:
    """The subject phrase, a concrete detail sentence ("" for built-in subjects, which are
    concrete already), and whether the subject is plural and a person."""
    if spec.get("subject"):
        phrase, plural, person = subject_phrase(spec["subject"])
        details = _pick(genre.details, seed, "detail")
        if not person and re.search(r"sweat|expression|breath|fabric", details):
            details = "fine surface texture and clean edges visible"
        return phrase, details, plural, person
    pool = list(genre.subjects)
    if spec.get("setting"):  # "… through the streets of Lisbon": someone in it, not elsewhere
        pool = [s for s in pool if _is_person(re.split(r"\s+(?:in|with|on)\s+", s)[0])] or pool
    phrase = _pick(pool, seed, "subject")
    return phrase, "", False, _is_person(re.split(r"\s+(?:in|with|on)\s+", phrase)[0])


def _scene(spec: dict[str, Any], genre: Genre, i: int, role: str, dur_ms: int) -> dict:
    seed = spec["seed"]
    fam = _mood_family(spec)
    cinematic = spec.get("cinematic")
    vertical = spec["aspect"] in ("9:16", "4:5")

    shot = _pick(_SHOTS[role], seed, i, role, "shot")
    if vertical and "wide" in shot:
        shot = shot.replace("extreme wide shot", "tall wide shot").replace(
            "wide establishing shot", "tall establishing shot"
        )
    lens = _pick(_CINEMATIC_LENSES if cinematic else _LENSES[role], seed, i, role, "lens")
    move = _pick(_CINEMATIC_MOVES if cinematic else _MOVES[role], seed, i, role, "move")
    subject, details, plural, person = _subject_text(spec, genre, seed)
    action = _pick(genre.actions.get(role, _COMMON_ACTIONS["hero"]), seed, i, role, "action")
    place = None if person else _place_head(subject)
    if place and role in _PLACE_ACTIONS:
        action = _pick(_PLACE_ACTIONS[role], seed, i, role, "place-action")
    elif person and role in _PERSON_ACTIONS and genre.actions[role] is _COMMON_ACTIONS[role]:
        # The shared pools describe objects ("across its surface"); a genre's own pool
        # (fitness: "drives forward in a powerful stride") is already about people.
        action = _pick(_PERSON_ACTIONS[role], seed, i, role, "person-action")
    action = _agree(action, plural, person)
    if genre.name == "product" and not spec.get("setting"):
        # A product on a studio plinth: no drone, no aerial move.
        shot = shot.replace("aerial drone shot", "wide establishing shot")
        move = move.replace("slow aerial push forward", "slow dolly-in")
    setting = spec.get("setting") or _pick(genre.settings, seed, "setting")
    if place in _INTERIORS and not spec.get("setting"):
        setting = f"inside {subject}, lived in, with its own clutter and light"
    if spec.get("setting") and role == "establishing":
        setting = f"{setting}, shown in full"

    if fam:
        lighting = _pick(fam["lighting"], seed, i, "lighting")
    elif spec.get("lighting"):
        lighting = spec["lighting"][0]
    else:
        lighting = _pick(genre.lighting, seed, i, "lighting")
    if spec.get("lighting") and fam and spec["lighting"][0] not in lighting:
        lighting = f"{lighting}, keeping the {spec['lighting'][0].split(' with ')[0]}"
    # A studio has no time of day; elsewhere a mood family brings its own (moody: night).
    studio = genre.name == "product"
    time_pool = (fam["times"] if fam and fam["times"] and not studio else None) or genre.times
    time_of_day = spec.get("time_of_day") or _pick(time_pool, seed, "time")

    mood = _pick(fam["mood"], seed, "mood") if fam else _pick(genre.moods, seed, "mood")
    palette = _pick(fam["palette"], seed, "palette") if fam else _pick(genre.palettes, seed, "pal")
    style = _pick(genre.styles, seed, "style")
    if cinematic:
        style += ", anamorphic bokeh, subtle film grain, shallow depth of field, 24 fps"
        if cinematic > 1:  # "more cinematic" again: grade, haze and deliberate pacing
            style += ", volumetric haze, teal-and-amber grade, slow deliberate camera"
    else:
        style += ", photorealistic, natural motion"
    w, h = schema.ASPECT_RATIOS.get(spec["aspect"], (1920, 1080))
    framing = "subject centred in a vertical frame, safe margins top and bottom" if vertical else ""
    constraints = [
        f"{dur_ms / 1000:g} s",
        f"{spec['aspect']} aspect ratio ({w}x{h})",
        "one continuous shot with a single action",
        "no on-screen text, no logos or watermarks",
    ]
    if framing:
        constraints.insert(2, framing)

    lens_article = "an" if re.match(r"(?:8|11|18)\d*mm", lens) else "a"
    # One sentence per skeleton slot: the subject and its action, then the details on their
    # own, so a subject phrase is never spliced to a detail with a comma.
    prompt = (
        f"{shot[:1].upper() + shot[1:]} on {lens_article} {lens}, {move}. "
        f"{subject[:1].upper() + subject[1:]} {action}. "
        + (f"{details[:1].upper() + details[1:]}. " if details else "")
        + f"Setting: {setting}. "
        f"Lighting: {lighting}, {time_of_day}. "
        f"Style: {style}; mood: {mood}; colour palette: {palette}. "
        f"Constraints: {'; '.join(constraints)}."
    )
    card = (
        f"Scene {i + 1} · {role.replace('-', ' ').title()}\n"
        f"{shot[:1].upper() + shot[1:]} — {subject}"
    )
    return {
        "index": i + 1,
        "role": role,
        "duration_s": dur_ms / 1000,
        "shot": shot,
        "lens": lens,
        "camera": move,
        "subject": subject,
        "details": details,
        "action": action,
        "setting": setting,
        "lighting": lighting,
        "time_of_day": time_of_day,
        "style": style,
        "mood": mood,
        "palette": palette,
        "constraints": constraints,
        "prompt": prompt,
        "card": card,
    }


def build_storyboard(spec: dict[str, Any]) -> dict[str, Any]:
    """The ``state["prompts"]`` value for a spec: the scenes with timings and prompts.

    Scene ``start_ms``/``end_ms`` tile ``[0, duration]`` exactly. ``prompt`` is the single
    prompt when there is one scene, else an overview followed by the numbered scene prompts.
    """
    genre = GENRES.get(spec["genre"], GENRES["generic"])
    total_ms = round(spec["duration_s"] * 1000)
    lo, hi = (x * spec.get("pace", 1.0) for x in genre.shot_s)
    if spec.get("scene_count"):
        # Half a second is the shortest shot anyone can read; more scenes than that is a typo.
        n = max(1, min(int(spec["scene_count"]), total_ms // 500, 60))
    elif not spec.get("storyboard") and spec["duration_s"] <= SINGLE_CLIP_MAX_S:
        n = 1
    else:
        mid = (lo + hi) / 2
        n = max(1, round(spec["duration_s"] / mid))
        n = min(max(n, math.ceil(spec["duration_s"] / hi)), max(1, int(spec["duration_s"] // lo)))
        n = min(n, 40)
    roles = _roles(genre, n)
    rng = random.Random(spec["seed"])
    lengths = split_durations(total_ms, roles, lo, hi, rng) if n > 1 else [total_ms]
    scenes = []
    t = 0
    for i, (role, dur) in enumerate(zip(roles, lengths, strict=True)):
        sc = _scene(spec, genre, i, role, dur)
        sc["start_ms"], sc["end_ms"] = t, t + dur
        scenes.append(sc)
        t += dur
    w, h = schema.ASPECT_RATIOS.get(spec["aspect"], (1920, 1080))
    if n == 1:
        prompt = scenes[0]["prompt"]
    else:
        subject = scenes[0]["subject"]
        overview = (
            f"A {spec['duration_s']:g}-second {genre.label} of {subject}, {n} shots, "
            f"{spec['aspect']} ({w}x{h}), {scenes[0]['mood']}; no on-screen text."
        )
        prompt = (
            overview
            + "\n\n"
            + "\n\n".join(
                f"Scene {s['index']} ({s['start_ms'] / 1000:g}–{s['end_ms'] / 1000:g} s, "
                f"{s['role']}): {s['prompt']}"
                for s in scenes
            )
        )
    return {
        "spec": copy.deepcopy(spec),
        "genre": genre.name,
        "aspect": spec["aspect"],
        "width": w,
        "height": h,
        "duration_s": total_ms / 1000,
        "prompt": prompt,
        "scenes": scenes,
    }


# -- refinements -----------------------------------------------------------------------------
_REFINE_ASPECT = re.compile(
    r"vertical|portrait|9\s*:\s*16|tik ?tok|reels?|shorts|square|1\s*:\s*1|4\s*:\s*5|"
    r"horizontal|landscape|widescreen|16\s*:\s*9",
    re.IGNORECASE,
)


def refine_spec(spec: dict[str, Any], message: str) -> tuple[dict[str, Any], list[str]]:
    """Apply a follow-up ("make it moodier", "for a vertical video", "more cinematic",
    "make it 15 seconds", "faster cuts", "the product is a leather wallet") to a spec.

    Returns the new spec and what changed, in words; an empty list means nothing was
    understood (the caller says so rather than rebuilding the same thing).
    """
    new = copy.deepcopy(spec)
    text = message.lower()
    changes: list[str] = []

    if _REFINE_ASPECT.search(text):
        ratio = _aspect(text)
        if ratio and ratio != new["aspect"]:
            new["aspect"] = ratio
            changes.append(f"aspect ratio {ratio}")
    if re.search(r"cinematic|film(ic)? look|like a movie", text) and not re.search(
        r"less cinematic", text
    ):
        level = int(new.get("cinematic") or 0)
        if level < 2:
            new["cinematic"] = level + 1
            changes.append(
                "cinematic lenses and camera moves" if level == 0 else "a graded, hazier film look"
            )
    elif re.search(r"less cinematic", text) and new.get("cinematic"):
        new["cinematic"] = 0
        changes.append("plainer lenses and moves")
    for mood in _moods(text):
        if not new["moods"] or new["moods"][-1] != mood:
            new["moods"] = [m for m in new["moods"] if m != mood] + [mood]
            changes.append(f"{mood} mood, lighting and palette")
    dur = _duration_s(text)
    if dur is None and re.search(r"\bshorter\b", text) and "title" not in text:
        dur = max(3.0, round(new["duration_s"] / 2))
    if dur is None and re.search(r"\blonger\b", text):
        dur = min(MAX_DURATION_S, round(new["duration_s"] * 1.5))
    if dur and dur != new["duration_s"] and 0 < dur <= MAX_DURATION_S:
        new["duration_s"] = float(dur)
        if dur > SINGLE_CLIP_MAX_S:
            new["storyboard"] = True
        new["scene_count"] = None
        changes.append(f"{dur:g} seconds")
    count = _scene_count(text)
    if count:
        new["scene_count"] = count
        new["storyboard"] = new["scene_count"] > 1
        changes.append(f"{new['scene_count']} scenes")
    if re.search(r"faster|quick(er)? cuts|snappier|more shots|punchier", text):
        new["pace"] = round(max(0.4, new.get("pace", 1.0) * 0.7), 3)
        new["scene_count"] = None
        changes.append("faster cuts")
    elif re.search(r"slower|fewer shots|longer shots|more relaxed", text):
        new["pace"] = round(min(2.0, new.get("pace", 1.0) * 1.4), 3)
        new["scene_count"] = None
        changes.append("longer shots")
    about = re.search(
        r"(?:the product is|it'?s (?:a|an|for)|make it about|subject is|use|feature|about)\s+"
        r"((?:a|an|the|my|our)?\s*[\w' -]{3,60})",
        text,
    )
    if about and not changes:
        subject = re.sub(r"\b(instead|please|as the subject|now)\b", "", about.group(1)).strip()
        if subject and subject != new.get("subject"):
            new["subject"] = subject
            changes.append(f"subject: {subject}")
    if changes:
        new["refinements"] = [*new.get("refinements", []), message.strip()]
    return new, changes


# -- text for the chat -----------------------------------------------------------------------
def render_markdown(board: dict[str, Any], *, changes: list[str] | None = None) -> str:
    """The chat reply for a storyboard: the prompt, or a numbered scene list."""
    scenes = board.get("scenes", [])
    head = []
    if changes:
        head.append("Updated: " + ", ".join(changes) + ".")
    if len(scenes) == 1:
        head.append(
            f"**Video prompt** ({board['duration_s']:g} s, {board['aspect']}, "
            f"{board['width']}x{board['height']})"
        )
        return "\n".join([*head, "", scenes[0]["prompt"]])
    head.append(
        f"**Storyboard**: {len(scenes)} scenes, {board['duration_s']:g} s, {board['aspect']} "
        f"({board['width']}x{board['height']})"
    )
    lines = [*head, ""]
    for s in scenes:
        lines.append(
            f"{s['index']}. **{s['start_ms'] / 1000:g}–{s['end_ms'] / 1000:g} s · "
            f"{s['role']}** — {s['prompt']}"
        )
    return "\n".join(lines)
