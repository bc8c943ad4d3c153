"""The phrase table: what people type -> the typed commands the reader makes of it.

English, Chinese and Spanish; quoted and unquoted text; every time form ("from 5s to 8s",
"for the first 4 seconds", "until 6 seconds", "the last 3 seconds", "at the end", numbers
in words, Chinese numerals); compound requests; questions; refusals. Each phrase is read
against a session state (``video``: one 10 s clip; ``titled``: with a title; ``captioned``:
with captions; ``empty``) in the skill its prefix names (``P:`` prompts, ``M:`` metadata).
The end-to-end tests (``test_agent_e2e.py``) run one phrasing of each command for real.
"""

from __future__ import annotations

import pytest
from agent_kit import upload

from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent import read_message
from nemo_widgets.engine.agent.captions import (
    AddCaptions,
    CaptionPreset,
    CaptionScript,
    HideCaptions,
    ShowBothCaptions,
    ShowCaptions,
    StyleCaptions,
)
from nemo_widgets.engine.agent.editing import (
    AddClip,
    AddUploads,
    FadeMusic,
    FadeVideo,
    SetRatio,
    SetSpeed,
    Trim,
)
from nemo_widgets.engine.agent.general import Ask, Greet, Help, HowTo, Redo, Undo
from nemo_widgets.engine.agent.metadata import GenerateMetadata, RefineMetadata
from nemo_widgets.engine.agent.prompts import GeneratePrompt
from nemo_widgets.engine.agent.reader import Refused, When
from nemo_widgets.engine.agent.sound import AddMusic, Mute, RemoveMusic, SetVolume
from nemo_widgets.engine.agent.titles import AddTitle, EditTitle, RemoveTitle

VIDEO = upload(
    "city.mp4", "video", duration_s=10.0, width=1920, height=1080, fps=30.0, has_audio=True
)
SONG = upload("lofi.mp3", "audio", duration_s=30.0, has_audio=True)
BEACH = upload(
    "beach.mp4", "video", duration_s=4.0, width=1280, height=720, fps=25.0, has_audio=True
)
LOGO = upload("logo.png", "image", width=400, height=400)
MEDIA = [VIDEO, SONG, BEACH, LOGO]
SKILLS = {"P": "video-prompt-generation", "M": "video-meta-ai"}


def _video() -> tl.Draft:
    return tl.place_first_clip(tl.Draft(), [VIDEO])


STATES = {
    "empty": dict,
    "video": lambda: {"draft": _video().to_dict()},
    "titled": lambda: {"draft": tl.add_title(_video(), "Urban Dreams").to_dict()},
    "captioned": lambda: {
        "draft": _video().to_dict(),
        "captions": {"en": {"language": "en", "cues": [], "words": []}},
    },
}

BACKWARDS_TITLE = (
    "That range ends (2 s) before it starts (5 s). Say the earlier time first, e.g. "
    "from 0:02 to 0:05."
)
WHAT_TEXT = (
    "What should the title say? Put the text in quotes, e.g. add a title 'Urban "
    "Dreams' for 3 seconds at the top."
)
WHICH_PART = (
    "Which part should I trim? Say it with times, e.g. trim to the first 10 seconds, "
    "cut from 0:05 to 0:08, or remove the first 2 seconds."
)
BACKWARDS_CUT = (
    "That range ends (5 s) before it starts (8 s). Say the earlier time first, e.g. "
    "cut from 0:05 to 0:08."
)
NEGATIVE = (
    "A volume can't be negative. Say a level from 0% to 100%, e.g. set the music "
    "volume to 20%, or make the music quieter."
)

PHRASES = [
    (
        "video",
        "add a title 'Urban Dreams' for 3 seconds at the top",
        [AddTitle(text="Urban Dreams", when=When(length_ms=3000), style={"pos": "top-center"})],
    ),
    (
        "video",
        'add a title "Hello" from 5s to 8s',
        [AddTitle(text="Hello", when=When(start_ms=5000, end_ms=8000))],
    ),
    (
        "video",
        "put the words 'Summer Sale' on screen for the first 4 seconds",
        [AddTitle(text="Summer Sale", when=When(start_ms=0, end_ms=4000), overlay=True)],
    ),
    (
        "video",
        "put 'Subscribe!' at the bottom from 5s to 8s",
        [
            AddTitle(
                text="Subscribe!",
                when=When(start_ms=5000, end_ms=8000),
                style={"pos": "bottom-center"},
            )
        ],
    ),
    (
        "video",
        "add a title 'The End' at the end",
        [AddTitle(text="The End", when=When(from_end=True))],
    ),
    (
        "video",
        "add a title 'Outro' for the last 3 seconds",
        [AddTitle(text="Outro", when=When(length_ms=3000, from_end=True))],
    ),
    (
        "video",
        "add a title 'Intro' until 6 seconds",
        [AddTitle(text="Intro", when=When(end_ms=6000))],
    ),
    (
        "video",
        "add the text “Big Sale” in the center at 0:02 for 2.5 seconds",
        [
            AddTitle(
                text="Big Sale",
                when=When(start_ms=2000, length_ms=2500),
                style={"pos": "center"},
                overlay=True,
            )
        ],
    ),
    (
        "video",
        "add a title saying Welcome Home at the bottom",
        [AddTitle(text="Welcome Home", style={"pos": "bottom-center"})],
    ),
    (
        "video",
        "add a title Urban Dreams for three seconds",
        [AddTitle(text="Urban Dreams", when=When(length_ms=3000))],
    ),
    (
        "video",
        "show 'Limited offer' from 1:05 to 1:10",
        [AddTitle(text="Limited offer", when=When(start_ms=65000, end_ms=70000))],
    ),
    (
        "video",
        "add a yellow title 'Night' from 0:02 to 0:05 at the bottom with a fade in",
        [
            AddTitle(
                text="Night",
                when=When(start_ms=2000, end_ms=5000),
                style={"color": "#FFD60A", "pos": "bottom-center", "anim": "fade-in"},
            )
        ],
    ),
    (
        "video",
        "add a title 'Hi' between 2 and 4 seconds",
        [AddTitle(text="Hi", when=When(start_ms=2000, end_ms=4000))],
    ),
    (
        "video",
        "add a title 'Whole' throughout the whole video",
        [AddTitle(text="Whole", when=When(whole=True))],
    ),
    (
        "video",
        "add a title 'x' from 0:05 to 0:02",
        [Refused(reason=BACKWARDS_TITLE)],
    ),
    (
        "video",
        "add a title",
        [Refused(reason=WHAT_TEXT)],
    ),
    (
        "video",
        "add a title '' for 3 seconds",
        [Refused(reason=WHAT_TEXT)],
    ),
    (
        "video",
        "add a title 'Two' for two and a half seconds",
        [AddTitle(text="Two", when=When(length_ms=2500))],
    ),
    (
        "video",
        "add a title 'Min' for half a minute",
        [AddTitle(text="Min", when=When(length_ms=30000))],
    ),
    (
        "video",
        "put the caption text 'Now' at the top right",
        [AddTitle(text="Now", style={"pos": "top-right"}, overlay=True)],
    ),
    (
        "video",
        "添加标题“城市之梦”，持续3秒",
        [AddTitle(text="城市之梦", when=When(length_ms=3000))],
    ),
    (
        "video",
        "添加标题「你好」，放在底部",
        [AddTitle(text="你好", style={"pos": "bottom-center"})],
    ),
    (
        "video",
        "在第5秒加上文字“订阅”",
        [AddTitle(text="订阅", when=When(start_ms=5000), overlay=True)],
    ),
    (
        "video",
        "给视频加一个标题“新品发布”，持续三秒",
        [AddTitle(text="新品发布", when=When(length_ms=3000))],
    ),
    ("video", "给视频加标题“新品发布”", [AddTitle(text="新品发布", when=When())]),
    (
        "video",
        "加一个标题“开始”，从2秒到5秒",
        [AddTitle(text="开始", when=When(start_ms=2000, end_ms=5000))],
    ),
    (
        "video",
        "添加文字“限时优惠”，持续五秒，放在顶部",
        [
            AddTitle(
                text="限时优惠",
                when=When(length_ms=5000),
                style={"pos": "top-center"},
                overlay=True,
            )
        ],
    ),
    ("video", "在开头添加标题“欢迎”", [AddTitle(text="欢迎", when=When(start_ms=0))]),
    ("video", "在结尾加上标题“谢谢观看”", [AddTitle(text="谢谢观看", when=When(from_end=True))]),
    (
        "video",
        "añade un título 'Hola' durante 3 segundos",
        [AddTitle(text="Hola", when=When(length_ms=3000))],
    ),
    (
        "video",
        "pon el texto 'Oferta' de 5 a 8 segundos",
        [AddTitle(text="Oferta", when=When(start_ms=5000, end_ms=8000), overlay=True)],
    ),
    ("video", "añade un título 'Fin' al final", [AddTitle(text="Fin", when=When(from_end=True))]),
    (
        "video",
        'agrega el título "Bienvenidos" arriba durante los primeros 4 segundos',
        [
            AddTitle(
                text="Bienvenidos", when=When(start_ms=0, end_ms=4000), style={"pos": "top-center"}
            )
        ],
    ),
    (
        "video",
        "pon 'Suscríbete' abajo desde 5s hasta 8s",
        [
            AddTitle(
                text="Suscríbete",
                when=When(start_ms=5000, end_ms=8000),
                style={"pos": "bottom-center"},
            )
        ],
    ),
    (
        "titled",
        "make the title yellow and bigger",
        [EditTitle(style={"color": "#FFD60A", "size*": 1.3})],
    ),
    ("titled", "move it to the top", [EditTitle(style={"pos": "top-center"})]),
    # a title's own text quoted: a second title with the same words, a style for that title,
    # or a rename from one quoted text to another
    ("titled", "add a title 'Urban Dreams' at the start", [AddTitle("Urban Dreams", When(0))]),
    (
        "titled",
        "add a fade in to 'Urban Dreams'",
        [EditTitle(target="Urban Dreams", style={"anim": "fade-in"})],
    ),
    ("titled", "rename 'Urban Dreams' to 'City'", [EditTitle(target="Urban Dreams", text="City")]),
    ("titled", "把“Urban Dreams”改成“城市”", [EditTitle(target="Urban Dreams", text="城市")]),
    (
        "titled",
        "cambia 'Urban Dreams' por 'Ciudad'",
        [EditTitle(target="Urban Dreams", text="Ciudad")],
    ),
    ("titled", "make the title last until 6 seconds", [EditTitle(when=When(end_ms=6000))]),
    ("titled", "make the title last 5 seconds", [EditTitle(when=When(length_ms=5000))]),
    ("titled", "change the title to 'Night City'", [EditTitle(text="Night City")]),
    ("titled", 'rename the title to "Downtown"', [EditTitle(text="Downtown")]),
    (
        "titled",
        "make 'Urban Dreams' red",
        [EditTitle(target="Urban Dreams", style={"color": "#FF3B30"})],
    ),
    ("titled", "move the title to 0:05", [EditTitle(when=When(start_ms=5000), move=True)]),
    (
        "titled",
        "make the title bold with a black box",
        [EditTitle(style={"box": "#000000B3", "bold": True})],
    ),
    ("titled", "remove the box from the title", [EditTitle(style={"box": None})]),
    ("titled", "make the title fade in", [EditTitle(style={"anim": "fade-in"})]),
    (
        "titled",
        "put 'Urban Dreams' at the bottom",
        [EditTitle(target="Urban Dreams", style={"pos": "bottom-center"})],
    ),
    ("titled", "把标题改成红色", [EditTitle(style={"color": "#FF3B30"})]),
    ("titled", "把标题移到底部", [EditTitle(style={"pos": "bottom-center"})]),
    ("titled", "标题改成“夜之城”", [EditTitle(text="夜之城")]),
    ("titled", "haz el título más grande", [EditTitle(style={"size*": 1.3})]),
    ("titled", "cambia el título a 'Noche'", [EditTitle(text="Noche")]),
    ("titled", "pon el título en amarillo", [EditTitle(style={"color": "#FFD60A"})]),
    ("titled", "remove the title", [RemoveTitle()]),
    ("titled", "remove the title 'Urban Dreams'", [RemoveTitle(target="Urban Dreams")]),
    ("titled", "delete all titles", [RemoveTitle()]),
    ("titled", "删除标题", [RemoveTitle()]),
    ("titled", "quita el título", [RemoveTitle()]),
    ("video", "make it 9:16", [SetRatio(ratio="9:16")]),
    ("video", "make it vertical for TikTok", [SetRatio(ratio="9:16")]),
    ("video", "square please", [SetRatio(ratio="1:1")]),
    (
        "video",
        "make it square with black bars",
        [SetRatio(ratio="1:1", fit="contain", fit_asked=True)],
    ),
    ("video", "4:5 for instagram", [SetRatio(ratio="4:5")]),
    ("video", "改成竖屏", [SetRatio(ratio="9:16")]),
    ("video", "变成正方形", [SetRatio(ratio="1:1")]),
    ("video", "hazlo vertical", [SetRatio(ratio="9:16")]),
    ("video", "formato cuadrado", [SetRatio(ratio="1:1")]),
    ("video", "make it landscape", [SetRatio(ratio="16:9")]),
    ("video", "convert to 9 by 16", [SetRatio(ratio="9:16")]),
    ("video", "trim to the first 10 seconds", [Trim(when=When(start_ms=0, end_ms=10000))]),
    ("video", "cut from 0:05 to 0:08", [Trim(when=When(start_ms=5000, end_ms=8000), keep=False)]),
    ("video", "remove the first 2 seconds", [Trim(when=When(start_ms=0, end_ms=2000), keep=False)]),
    (
        "video",
        "delete the last 3 seconds",
        [Trim(when=When(length_ms=3000, from_end=True), keep=False)],
    ),
    ("video", "keep 0:02 to 0:06", [Trim(when=When(start_ms=2000, end_ms=6000))]),
    ("video", "make it 6 seconds long", [Trim(when=When(start_ms=0, end_ms=6000))]),
    ("video", "trim it to five seconds", [Trim(when=When(start_ms=0, end_ms=5000))]),
    ("video", "cut everything after 0:07", [Trim(when=When(start_ms=7000), keep=False)]),
    ("video", "剪掉前两秒", [Trim(when=When(start_ms=0, end_ms=2000), keep=False)]),
    ("video", "只保留前5秒", [Trim(when=When(start_ms=0, end_ms=5000))]),
    ("video", "删除最后三秒", [Trim(when=When(length_ms=3000, from_end=True), keep=False)]),
    ("video", "从2秒剪到4秒", [Trim(when=When(start_ms=2000, end_ms=4000), keep=False)]),
    (
        "video",
        "recorta los primeros 2 segundos",
        [Trim(when=When(start_ms=0, end_ms=2000), keep=False)],
    ),
    (
        "video",
        "quita los últimos 3 segundos",
        [Trim(when=When(length_ms=3000, from_end=True), keep=False)],
    ),
    ("video", "corta de 5 a 8 segundos", [Trim(when=When(start_ms=5000, end_ms=8000), keep=False)]),
    (
        "video",
        "trim it",
        [Refused(reason=WHICH_PART)],
    ),
    (
        "video",
        "cut from 0:08 to 0:05",
        [Refused(reason=BACKWARDS_CUT)],
    ),
    ("video", "speed it up 2x", [SetSpeed(factor=2.0)]),
    ("video", "play at 1.5x", [SetSpeed(speed=1.5)]),
    ("video", "slow motion please", [SetSpeed(factor=0.5)]),
    ("video", "back to normal speed", [SetSpeed(speed=1.0)]),
    ("video", "2倍速", [SetSpeed(speed=2.0)]),
    ("video", "慢放", [SetSpeed(factor=0.5)]),
    ("video", "a cámara lenta", [SetSpeed(factor=0.5)]),
    ("video", "make it twice as fast", [SetSpeed(factor=2.0)]),
    ("video", "add beach.mp4 at the end", [AddClip(file="beach.mp4")]),
    (
        "video",
        "put logo.png at the start for 2 seconds",
        [AddClip(file="logo.png", at="start", length_ms=2000)],
    ),
    ("video", "add the second clip at the end", [AddClip()]),
    ("video", "add my video files", [AddUploads()]),
    (
        "video",
        "add a 3-minute YouTube tutorial recording into a 1080p MP4",
        [AddUploads(export="1080p MP4")],
    ),
    ("video", "fade in from black", [FadeVideo(fade_in_ms=1000)]),
    ("video", "fade to black at the end over 2 seconds", [FadeVideo(fade_out_ms=2000)]),
    ("video", "fade the video in and out", [FadeVideo(fade_in_ms=1000, fade_out_ms=1000)]),
    (
        "video",
        "add a 1.5 second fade in and a 3 second fade out",
        [FadeVideo(fade_in_ms=1500, fade_out_ms=3000)],
    ),
    ("video", "视频开头淡入2秒", [FadeVideo(fade_in_ms=2000)]),
    ("video", "remove the fades", [FadeVideo(fade_in_ms=0, fade_out_ms=0)]),
    (
        "video",
        "add background music at 30% with a 2 second fade out",
        [AddMusic(volume=0.3, fade_out_ms=2000)],
    ),
    ("video", "add music", [AddMusic()]),
    ("video", "add some quiet background music", [AddMusic(volume=0.2)]),
    ("video", "添加背景音乐，音量30%，淡出2秒", [AddMusic(volume=0.3, fade_out_ms=2000)]),
    ("video", "añade música de fondo al 20%", [AddMusic(volume=0.2)]),
    ("video", "mute the original audio", [Mute()]),
    ("video", "unmute the original audio", [Mute(muted=False)]),
    ("video", "静音原声", [Mute()]),
    ("video", "silencia el audio original", [Mute()]),
    ("video", "set the music volume to 20%", [SetVolume(level=0.2)]),
    ("video", "make the music quieter", [SetVolume(factor=0.6)]),
    ("video", "turn the music up", [SetVolume(factor=1.5)]),
    ("video", "把音乐音量调到百分之二十", [SetVolume(level=0.2)]),
    ("video", "baja la música", [SetVolume(factor=0.6)]),
    ("video", "fade out the music over 3 seconds", [FadeMusic(fade_out_ms=3000)]),
    ("video", "音乐淡入2秒", [FadeMusic(fade_in_ms=2000)]),
    ("video", "remove the music", [RemoveMusic()]),
    ("video", "删除背景音乐", [RemoveMusic()]),
    (
        "video",
        "add background music at -50%",
        [Refused(reason=NEGATIVE)],
    ),
    ("video", "add captions", [AddCaptions()]),
    ("video", "add captions in English and Spanish", [AddCaptions(languages=("en", "es"))]),
    (
        "video",
        "generate accurate captions in English and Spanish for this video",
        [AddCaptions(languages=("en", "es"))],
    ),
    ("video", "generate accurate captions in English and", [AddCaptions(languages=("en",))]),
    (
        "video",
        "add captions in English and Spanish automatically",
        [AddCaptions(languages=("en", "es"))],
    ),
    (
        "video",
        "adding subtitles to YouTube videos for YouTubers and content creators",
        [AddCaptions()],
    ),
    ("video", "subtitles in Klingon please", [AddCaptions(unknown=("Klingon",))]),
    ("video", "添加中文字幕", [AddCaptions(languages=("zh",))]),
    ("video", "加上英文和西班牙语字幕", [AddCaptions(languages=("en", "es"))]),
    ("video", "añade subtítulos en español", [AddCaptions(languages=("es",))]),
    ("video", "burn in subtitles", [AddCaptions(burn=True)]),
    (
        "video",
        "add yellow captions at the top",
        [AddCaptions(), StyleCaptions(changes={"color": "#FFD60A", "pos": "top-center"})],
    ),
    (
        "captioned",
        "make the captions yellow and bigger",
        [StyleCaptions(changes={"color": "#FFD60A", "size*": 1.25})],
    ),
    ("captioned", "move them to the top", [StyleCaptions(changes={"pos": "top-center"})]),
    ("captioned", "use karaoke style", [StyleCaptions(changes={"preset": "karaoke"})]),
    ("captioned", "use the vertical preset", [CaptionPreset(name="vertical")]),
    ("captioned", "max 32 characters per line", [CaptionPreset(overrides={"max_chars": 32})]),
    ("captioned", "hide the subtitles", [HideCaptions()]),
    ("captioned", "remove the captions", [HideCaptions(remove=True)]),
    ("captioned", "show the Spanish captions", [ShowCaptions(language="es")]),
    # the language spoken, said or detected; several caption languages; bilingual captions
    ("video", "add captions, the speech is in Spanish", [AddCaptions(spoken="es")]),
    (
        "video",
        "add captions in Russian; the speech is in Russian",  # what `caption --lang ru` sends
        [AddCaptions(languages=("ru",), spoken="ru")],
    ),
    (
        "video",
        "add English captions. The speech is in French.",
        [AddCaptions(languages=("en",), spoken="fr")],
    ),
    ("video", "caption the Italian audio", [AddCaptions(spoken="it")]),
    ("video", "语音是中文，添加字幕", [AddCaptions(spoken="zh")]),
    (
        "video",
        "subtítulos en español, el audio está en inglés",
        [AddCaptions(languages=("es",), spoken="en")],
    ),
    ("video", "caption this video in Spanish", [AddCaptions(languages=("es",))]),
    (
        "video",
        "add captions, the speech is in Klingon",
        [AddCaptions(unknown=("Klingon",), spoken="Klingon")],
    ),
    ("video", "add English and Spanish captions", [AddCaptions(languages=("en", "es"))]),
    (
        "video",
        "add English, French and German subtitles",
        [AddCaptions(languages=("en", "fr", "de"))],
    ),
    (
        "video",
        "add bilingual English and Spanish captions",
        [AddCaptions(languages=("en", "es"), both=True)],
    ),
    (
        "video",
        "add captions in English and Spanish and show both",
        [AddCaptions(languages=("en", "es"), both=True)],
    ),
    ("video", "加上中英双语字幕", [AddCaptions(languages=("zh", "en"), both=True)]),
    (
        "captioned",
        "show the English and Spanish captions together",
        [ShowBothCaptions(languages=("en", "es"))],
    ),
    ("captioned", "display bilingual subtitles", [ShowBothCaptions()]),
    ("captioned", "把字幕改成黄色", [StyleCaptions(changes={"color": "#FFD60A"})]),
    (
        "video",
        "use this script: And so, my fellow Americans, ask not.",
        [CaptionScript(script="And so, my fellow Americans, ask not.")],
    ),
    (
        "M:video",
        "generate titles, descriptions, and tags for my YouTube video",
        [GenerateMetadata()],
    ),
    ("M:video", "generate titles, descriptions, and tags for", [GenerateMetadata()]),
    ("M:video", "generate my video clips", [HowTo(topic="footage")]),
    ("M:video", "shorter titles", [RefineMetadata(shorter=True)]),
    ("M:video", "more tags about solar panels", [RefineMetadata(focus=("solar panels",))]),
    ("M:video", "生成标题和标签", [GenerateMetadata()]),
    ("video", "write a YouTube description and tags", [GenerateMetadata()]),
    (
        "P:empty",
        "generate a detailed video prompt for a 30-second product showcase with cinematic lighting",
        [
            GeneratePrompt(
                idea="generate a detailed video prompt for a 30-second product showcase with "
                "cinematic lighting"
            )
        ],
    ),
    (
        "P:empty",
        "generate a detailed video prompt for",
        [GeneratePrompt(idea="generate a detailed video prompt for")],
    ),
    (
        "P:empty",
        "generate my text descriptions",
        [GeneratePrompt(idea="generate my text descriptions")],
    ),
    (
        "P:empty",
        "a 20-second travel video of lisbon trams",
        [GeneratePrompt(idea="a 20-second travel video of lisbon trams")],
    ),
    (
        "video",
        "generate a storyboard for a 30-second video about a lighthouse keeper's last night",
        [
            GeneratePrompt(
                idea="generate a storyboard for a 30-second video about a lighthouse keeper's "
                "last night"
            )
        ],
    ),
    ("video", "what's on my timeline?", [Ask()]),
    ("video", "how long is it?", [Ask(topic="duration")]),
    ("titled", "which titles are there?", [Ask(topic="titles")]),
    ("video", "status", [Ask()]),
    ("video", "¿qué hay en mi línea de tiempo?", [Ask()]),
    ("video", "视频多长？", [Ask(topic="duration")]),
    ("titled", "undo", [Undo()]),
    ("titled", "redo", [Redo()]),
    ("titled", "undo the last 2 edits", [Undo(steps=2)]),
    ("titled", "撤销", [Undo()]),
    ("video", "deshacer", [Undo()]),
    ("video", "help", [Help()]),
    ("video", "what can you do?", [Help()]),
    # greetings, thanks and goodbyes alone are answered; beside a request they are filler
    ("empty", "hi!", [Greet()]),
    ("video", "Hello there", [Greet()]),
    ("video", "good morning :)", [Greet()]),
    ("video", "thank you so much!!", [Greet(kind="thanks")]),
    ("video", "perfect, thanks", [Greet(kind="thanks")]),
    ("video", "ok", [Greet(kind="ok")]),
    ("video", "bye", [Greet(kind="bye")]),
    ("video", "hola", [Greet(language="es")]),
    ("video", "¡muchas gracias!", [Greet(kind="thanks", language="es")]),
    ("video", "你好", [Greet(language="zh")]),
    ("video", "谢谢！", [Greet(kind="thanks", language="zh")]),
    ("video", "hi, make it 9:16", [SetRatio(ratio="9:16")]),
    (
        "video",
        "add a title 'Hi' for 2 seconds, thanks",
        [AddTitle(text="Hi", when=When(length_ms=2000))],
    ),
    ("video", "hi there, what can you do?", [Help()]),
    ("video", "export 1080p MP4", [HowTo(topic="export", detail="1080p")]),
    ("video", "upload", [HowTo(topic="upload")]),
    ("video", "how many credits do I have?", [HowTo(topic="credits")]),
    ("video", "generate a video of a city at night", [HowTo(topic="footage")]),
    (
        "video",
        "make it 9:16 and add a title 'Big News' at the start",
        [SetRatio(ratio="9:16"), AddTitle(text="Big News", when=When(start_ms=0))],
    ),
    (
        "video",
        "make it 9:16, add English captions and a title 'Hi' for 2 seconds",
        [
            SetRatio(ratio="9:16"),
            AddCaptions(languages=("en",)),
            AddTitle(text="Hi", when=When(length_ms=2000)),
        ],
    ),
    (
        "video",
        "add a title 'A' and make it yellow",
        [AddTitle(text="A", style={"color": "#FFD60A"})],
    ),
    (
        "video",
        "cut the first 2 seconds, then add a title 'Welcome' at the start",
        [
            Trim(when=When(start_ms=0, end_ms=2000), keep=False),
            AddTitle(text="Welcome", when=When(start_ms=0)),
        ],
    ),
    (
        "video",
        "mute the original audio and add background music at 20%",
        [Mute(), AddMusic(volume=0.2)],
    ),
    ("video", "把视频改成竖屏，并添加标题“你好”", [SetRatio(ratio="9:16"), AddTitle(text="你好")]),
    (
        "video",
        "hazlo vertical y añade un título 'Hola'",
        [SetRatio(ratio="9:16"), AddTitle(text="Hola")],
    ),
    (
        "video",
        "add a title 'Hi' and make me a sandwich",
        [AddTitle(text="Hi")],
        ["make me a sandwich"],
    ),
    ("video", "please fold my laundry", [], ["please fold my laundry"]),
    ("video", "remove silences", [HowTo(topic="silence")]),
    (
        "video",
        "add a title 'Sale' starting at 3 seconds",
        [AddTitle(text="Sale", when=When(start_ms=3000))],
    ),
    (
        "video",
        'put "Hello world" in the middle for 5 sec',
        [AddTitle(text="Hello world", when=When(length_ms=5000), style={"pos": "center"})],
    ),
    (
        "video",
        "overlay the text 'Live' at the top left",
        [AddTitle(text="Live", style={"pos": "top-left"}, overlay=True)],
    ),
    (
        "video",
        "add a title 'Chapter 1' at 1:30",
        [AddTitle(text="Chapter 1", when=When(start_ms=90000))],
    ),
    ("video", "add a title 'Quick' for 500ms", [AddTitle(text="Quick", when=When(length_ms=500))]),
    (
        "video",
        "add the heading 'News' from 2 to 6 seconds",
        [AddTitle(text="News", when=When(start_ms=2000, end_ms=6000))],
    ),
    (
        "video",
        "añade el texto 'Hola mundo' en el centro",
        [AddTitle(text="Hola mundo", style={"pos": "center"}, overlay=True)],
    ),
    (
        "video",
        "pon un título 'Adiós' en los últimos 2 segundos",
        [AddTitle(text="Adiós", when=When(length_ms=2000, from_end=True))],
    ),
    (
        "video",
        "添加标题“最后”在最后三秒",
        [AddTitle(text="最后", when=When(length_ms=3000, from_end=True))],
    ),
    (
        "video",
        "在屏幕上显示“新品上市”五秒钟",
        [AddTitle(text="新品上市", when=When(length_ms=5000), overlay=True)],
    ),
    ("titled", "make the title white", [EditTitle(style={"color": "#FFFFFF"})]),
    ("titled", "make the title 90 px", [EditTitle(style={"size": 90})]),
    ("titled", "make it smaller", [EditTitle(style={"size*": 0.7692307692307692})]),
    ("titled", "center the title", [EditTitle(style={"pos": "center"})]),
    (
        "titled",
        "make the title red and move it to the bottom left",
        [EditTitle(style={"color": "#FF3B30", "pos": "bottom-left"})],
    ),
    ("titled", "make the title stay until the end", [EditTitle(when=When(to_end=True))]),
    ("titled", "标题放大一点", [EditTitle(style={"size*": 1.3})]),
    ("titled", "把标题改成加粗", [EditTitle(style={"bold": True})]),
    ("video", "make it portrait", [SetRatio(ratio="9:16")]),
    ("video", "reframe for instagram reels", [SetRatio(ratio="9:16")]),
    ("video", "make it 16:9 and crop to fill", [SetRatio(ratio="16:9", fit_asked=True)]),
    ("video", "竖屏", [SetRatio(ratio="9:16")]),
    ("video", "改成1:1", [SetRatio(ratio="1:1")]),
    ("video", "shorten it to 0:08", [Trim(when=When(start_ms=0, end_ms=8000))]),
    ("video", "keep only the first 7 seconds", [Trim(when=When(start_ms=0, end_ms=7000))]),
    (
        "video",
        "trim the last 2 seconds",
        [Trim(when=When(length_ms=2000, from_end=True), keep=False)],
    ),
    ("video", "cut 2 to 4 seconds", [Trim(when=When(start_ms=2000, end_ms=4000), keep=False)]),
    (
        "video",
        "cut the part between 0:03 and 0:06",
        [Trim(when=When(start_ms=3000, end_ms=6000), keep=False)],
    ),
    ("video", "前3秒不要", [Trim(when=When(start_ms=0, end_ms=3000), keep=False)]),
    ("video", "recorta el video a 5 segundos", [Trim(when=When(start_ms=0, end_ms=5000))]),
    ("video", "play it at half speed", [SetSpeed(factor=0.5)]),
    ("video", "slow it down", [SetSpeed(factor=0.5)]),
    ("video", "加速", [SetSpeed(factor=1.5)]),
    ("video", "velocidad 2x", [SetSpeed(speed=2.0)]),
    ("video", "fade out at the end", [FadeVideo(fade_out_ms=1000)]),
    ("video", "fade in over 2 seconds", [FadeVideo(fade_in_ms=2000)]),
    ("video", "淡出3秒", [FadeVideo(fade_out_ms=3000)]),
    ("video", "fundido a negro al final", [FadeVideo(fade_out_ms=1000)]),
    ("video", "add lofi.mp3 as background music", [AddMusic(file="lofi.mp3")]),
    ("video", "play some music at 10% volume", [AddMusic(volume=0.1)]),
    (
        "video",
        "use lofi.mp3 as the soundtrack with a 1 second fade in",
        [AddMusic(file="lofi.mp3", fade_in_ms=1000)],
    ),
    ("video", "加点背景音乐", [AddMusic()]),
    ("video", "make the original audio louder", [SetVolume(target="original", factor=1.5)]),
    ("video", "lower the volume of the video", [SetVolume(target="original", factor=0.6)]),
    ("video", "mute the music", [Mute(target="music")]),
    ("video", "unmute the music", [Mute(target="music", muted=False)]),
    ("video", "取消静音", [Mute(muted=False)]),
    ("video", "quita la música", [RemoveMusic()]),
    ("video", "add captions in French", [AddCaptions(languages=("fr",))]),
    ("video", "add English subtitles", [AddCaptions(languages=("en",))]),
    ("video", "caption this video", [AddCaptions()]),
    ("video", "transcribe the video", [AddCaptions()]),
    ("video", "添加英文字幕", [AddCaptions(languages=("en",))]),
    ("video", "生成字幕", [AddCaptions()]),
    ("video", "pon subtítulos en inglés", [AddCaptions(languages=("en",))]),
    ("video", "add captions and burn them in", [AddCaptions(burn=True)]),
    ("captioned", "make the subtitles bigger", [StyleCaptions(changes={"size*": 1.25})]),
    (
        "captioned",
        "change the caption color to white",
        [StyleCaptions(changes={"color": "#FFFFFF"})],
    ),
    ("captioned", "use the netflix preset for the captions", [CaptionPreset(name="netflix")]),
    ("captioned", "two lines max per cue", [CaptionPreset(overrides={"max_lines": 2})]),
    ("captioned", "3 words per caption", [CaptionPreset(overrides={"max_words": 3})]),
    ("captioned", "show the English captions", [ShowCaptions(language="en")]),
    ("captioned", "字幕放到顶部", [StyleCaptions(changes={"pos": "top-center"})]),
    ("captioned", "remove the Spanish subtitles", [HideCaptions(languages=("es",), remove=True)]),
    ("M:video", "write a description for this video", [GenerateMetadata()]),
    ("M:video", "suggest some titles for YouTube", [GenerateMetadata()]),
    ("M:video", "no chapters please", [RefineMetadata(chapters=False)]),
    ("M:video", "give me hashtags", [GenerateMetadata()]),
    (
        "P:empty",
        "create a storyboard in 4 scenes: a cat chasing a laser pointer",
        [GeneratePrompt(idea="create a storyboard in 4 scenes: a cat chasing a laser pointer")],
    ),
    (
        "P:empty",
        "write a text-to-video prompt for a fox in fresh snow at dawn",
        [GeneratePrompt(idea="write a text-to-video prompt for a fox in fresh snow at dawn")],
    ),
    (
        "P:empty",
        "生成提示词：一个产品展示",
        [GeneratePrompt(idea="生成提示词:一个产品展示", language="zh")],
    ),
    ("video", "what is the aspect ratio?", [Ask(topic="ratio")]),
    ("video", "is there music?", [Ask(topic="music")]),
    ("video", "how many tracks are there?", [Ask(topic="tracks")]),
    ("video", "what did I upload?", [Ask(topic="uploads")]),
    ("captioned", "which captions are there?", [Ask(topic="captions")]),
    ("video", "what's the duration of the video?", [Ask(topic="duration")]),
    ("titled", "undo twice", [Undo(steps=2)]),
    ("titled", "go back", [Undo()]),
    ("video", "rehacer", [Redo()]),
    ("video", "what else can you do", [Help()]),
    ("video", "ayuda", [Help()]),
    ("video", "帮助", [Help()]),
    ("video", "download the video", [HowTo(topic="export")]),
    ("video", "导出", [HowTo(topic="export")]),
    ("video", "upload a video", [HowTo(topic="upload")]),
    ("video", "上传", [HowTo(topic="upload")]),
    ("video", "credits", [HowTo(topic="credits")]),
    ("video", "create a new clip of a sunset", [HowTo(topic="footage")]),
    ("video", "make a video about dogs", [HowTo(topic="footage")]),
    (
        "video",
        "add captions, make them yellow and put them at the top",
        [AddCaptions(), StyleCaptions(changes={"color": "#FFD60A", "pos": "top-center"})],
    ),
    (
        "video",
        "trim to the first 8 seconds and add background music",
        [Trim(when=When(start_ms=0, end_ms=8000)), AddMusic()],
    ),
    (
        "video",
        "make it vertical, then add captions in English",
        [SetRatio(ratio="9:16"), AddCaptions(languages=("en",))],
    ),
    (
        "video",
        "add a title 'Start' at the start and a title 'End' at the end",
        [
            AddTitle(text="Start", when=When(start_ms=0)),
            AddTitle(text="End", when=When(from_end=True)),
        ],
    ),
    ("video", "添加背景音乐并静音原声", [AddMusic(), Mute()]),
    (
        "video",
        "剪掉前两秒，然后改成竖屏",
        [Trim(when=When(start_ms=0, end_ms=2000), keep=False), SetRatio(ratio="9:16")],
    ),
    ("video", "silencia el audio y añade música de fondo", [Mute(), AddMusic()]),
    (
        "video",
        "speed it up 2x and fade out at the end",
        [SetSpeed(factor=2.0), FadeVideo(fade_out_ms=1000)],
    ),
    ("video", "remove the title and the music", [RemoveTitle(), RemoveMusic()]),
    # more everyday phrasings
    (
        "video",
        'Can you add the title "Welcome to Lisbon" at the beginning?',
        [AddTitle(text="Welcome to Lisbon", when=When(start_ms=0))],
    ),
    (
        "video",
        "I'd like a caption that says Thanks for watching at the end",
        [AddTitle(text="Thanks for watching", when=When(from_end=True))],
    ),
    (
        "video",
        'Please put "Episode 3" in the top right corner for 5 seconds',
        [AddTitle(text="Episode 3", when=When(length_ms=5000), style={"pos": "top-right"})],
    ),
    (
        "video",
        'write "Hello" on the screen from 3 to 6 seconds',
        [AddTitle(text="Hello", when=When(start_ms=3000, end_ms=6000), overlay=True)],
    ),
    (
        "video",
        "show the text 'Sale ends Friday' for the last 4 seconds",
        [AddTitle(text="Sale ends Friday", when=When(length_ms=4000, from_end=True), overlay=True)],
    ),
    (
        "video",
        "add a big red title 'BREAKING' at 0:01",
        [AddTitle(text="BREAKING", when=When(start_ms=1000), style={"color": "#FF3B30"})],
    ),
    ("video", "add subtitles", [AddCaptions()]),
    ("video", "could you add English captions?", [AddCaptions(languages=("en",))]),
    ("video", "I need Spanish subtitles", [AddCaptions(languages=("es",))]),
    ("video", "make this a vertical video", [SetRatio(ratio="9:16")]),
    ("video", "crop it to square", [SetRatio(ratio="1:1", fit_asked=True)]),
    ("video", "convert the video to portrait mode for instagram stories", [SetRatio(ratio="9:16")]),
    ("video", "make it 1:1", [SetRatio(ratio="1:1")]),
    ("video", "cut out 3s to 5s", [Trim(when=When(start_ms=3000, end_ms=5000), keep=False)]),
    ("video", "remove everything after 7 seconds", [Trim(when=When(start_ms=7000), keep=False)]),
    (
        "video",
        "only keep the middle part from 2s to 8s",
        [Trim(when=When(start_ms=2000, end_ms=8000))],
    ),
    ("video", "shorten the video to 5 seconds", [Trim(when=When(start_ms=0, end_ms=5000))]),
    (
        "video",
        "get rid of the first second",
        [Trim(when=When(start_ms=0, end_ms=1000), keep=False)],
    ),
    ("video", "make the video faster", [SetSpeed(factor=1.5)]),
    ("video", "play it twice as slow", [SetSpeed(factor=0.5)]),
    ("video", "add some background music", [AddMusic()]),
    ("video", "lower the music to 10%", [SetVolume(level=0.1)]),
    ("video", "turn off the sound", [Mute()]),
    ("video", "make the audio louder", [SetVolume(target="original", factor=1.5)]),
    ("video", "fade out the ending", [FadeVideo(fade_out_ms=1000)]),
    ("video", "add a fade at the start", [FadeVideo(fade_in_ms=1000)]),
    ("titled", "change the title color to blue", [EditTitle(style={"color": "#0A84FF"})]),
    ("titled", "make the heading larger", [EditTitle(style={"size*": 1.3})]),
    ("titled", "move the title down", [EditTitle(style={"pos": "bottom-center"})]),
    ("titled", "put the title in the middle", [EditTitle(style={"pos": "center"})]),
    ("titled", "delete the text", [RemoveTitle()]),
    ("titled", "change the title text to 'Goodbye'", [EditTitle(text="Goodbye")]),
    (
        "titled",
        "make the title appear at 2 seconds",
        [EditTitle(when=When(start_ms=2000), move=True)],
    ),
    ("titled", "make the title disappear at 4 seconds", [EditTitle(when=When(end_ms=4000))]),
    ("video", "what's the video length?", [Ask(topic="duration")]),
    ("video", "what have I done so far?", [Ask(topic="edits")]),
    ("video", "how many credits are left?", [HowTo(topic="credits")]),
    ("titled", "undo that", [Undo()]),
    ("titled", "oops, undo", [Undo()]),
    ("video", "给视频加上标题“你好世界”", [AddTitle(text="你好世界")]),
    ("video", "把视频裁剪到前十秒", [Trim(when=When(start_ms=0, end_ms=10000))]),
    ("video", "去掉最后两秒", [Trim(when=When(length_ms=2000, from_end=True), keep=False)]),
    ("video", "把画面改成9:16", [SetRatio(ratio="9:16")]),
    ("video", "加背景音乐，音量调到20%", [AddMusic(volume=0.2)]),
    ("video", "把原声关掉", [Mute()]),
    ("video", "添加英文字幕，然后导出", [AddCaptions(languages=("en",)), HowTo(topic="export")]),
    ("video", "视频有多长", [Ask(topic="duration")]),
    (
        "video",
        "pon subtítulos en inglés y hazlo vertical",
        [AddCaptions(languages=("en",)), SetRatio(ratio="9:16")],
    ),
    ("video", "agrega música de fondo suave", [AddMusic(volume=0.2)]),
    (
        "video",
        "corta los primeros tres segundos",
        [Trim(when=When(start_ms=0, end_ms=3000), keep=False)],
    ),
    (
        "video",
        'añade el título "Verano" al principio durante cinco segundos',
        [AddTitle(text="Verano", when=When(start_ms=0, length_ms=5000))],
    ),
    ("video", "¿cuánto dura el video?", [Ask(topic="duration")]),
    ("video", "deshaz el último cambio", [Undo()]),
    (
        "video",
        "make it 9:16 and then cut the last 2 seconds, and add a title 'End' at the end",
        [
            SetRatio(ratio="9:16"),
            Trim(when=When(length_ms=2000, from_end=True), keep=False),
            AddTitle(text="End", when=When(from_end=True)),
        ],
    ),
    (
        "video",
        "add a title 'Hi'; make it red; move it to the bottom",
        [AddTitle(text="Hi", style={"color": "#FF3B30", "pos": "bottom-center"})],
    ),
]


def test_the_table_is_large_and_covers_three_languages():
    messages = [p[1] for p in PHRASES]
    assert len(set(messages)) >= 150
    assert sum(any("\u4e00" <= c <= "\u9fff" for c in m) for m in messages) >= 25
    spanish = ("añade", "pon ", "haz", "quita", "recorta", "subtítulos", "segundos", "música")
    assert sum(any(w in m for w in spanish) for m in messages) >= 15


@pytest.mark.parametrize(
    ("where", "message", "expected", "unread"), [(*p, []) if len(p) == 3 else p for p in PHRASES]
)
def test_phrase_reads_as_commands(where: str, message: str, expected: list, unread: list) -> None:
    skill, _, state = where.rpartition(":")
    reading = read_message(message, STATES[state](), MEDIA, skill=SKILLS.get(skill, "nemo-video"))
    assert [s.command for s in reading.steps] == expected
    assert reading.unread == unread
