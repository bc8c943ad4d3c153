"""Captions per script: joining, length, CJK limits, right to left, fonts (cmaps, frames)."""

from __future__ import annotations

import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from fontTools.ttLib import TTFont

from nemo_widgets.engine import media, textburn
from nemo_widgets.engine.captions import Word, scripts
from nemo_widgets.engine.captions.cues import build_cues, get_preset
from nemo_widgets.engine.captions.formats import export_captions
from nemo_widgets.engine.captions.recognize import merge_word_pieces
from nemo_widgets.engine.render import render_draft

#: One sentence per script Whisper recognises (a language of each), as captions would show.
SAMPLES = {
    "Latin": "Voilà, ça coûte 42 € — ¿qué tal? Việt Nam, Türkçe, Ångström.",
    "Cyrillic": "Съешь же ещё этих мягких французских булок, да выпей чаю.",
    "Greek": "Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.",
    "Arabic": "مرحبا بكم في الفيديو، كيف حالكم اليوم؟ پاکستان زندہ باد",
    "Hebrew": "שלום לכולם, ברוכים הבאים לסרטון!",
    "Devanagari": "नमस्ते दुनिया, आज हम हिंदी में बात करेंगे।",
    "Bengali": "আমি বাংলায় গান গাই।",
    "Gurmukhi": "ਸਤ ਸ੍ਰੀ ਅਕਾਲ, ਤੁਸੀਂ ਕਿਵੇਂ ਹੋ?",
    "Gujarati": "કેમ છો? મજામાં છું.",
    "Tamil": "வணக்கம், எப்படி இருக்கிறீர்கள்?",
    "Telugu": "నమస్కారం, మీరు ఎలా ఉన్నారు?",
    "Kannada": "ನಮಸ್ಕಾರ, ಹೇಗಿದ್ದೀರಿ?",
    "Malayalam": "നമസ്കാരം, സുഖമാണോ?",
    "Sinhala": "ආයුබෝවන්, ඔබට කොහොමද?",
    "Thai": "สวัสดีครับ วันนี้อากาศดีมาก",
    "Lao": "ສະບາຍດີ, ເຈົ້າສະບາຍດີບໍ?",
    "Khmer": "សួស្តី តើអ្នកសុខសប្បាយទេ?",
    "Myanmar": "မင်္ဂလာပါ၊ နေကောင်းလား။",
    "Tibetan": "བཀྲ་ཤིས་བདེ་ལེགས།",
    "Georgian": "გამარჯობა, როგორ ხარ?",
    "Armenian": "Բարեւ, ինչպե՞ս ես:",
    "Ethiopic": "ሰላም፣ እንዴት ነህ?",
    "Han": "大家好，欢迎来到我的频道！今天天气很好。",
    "Kana": "こんにちは、今日はいい天気ですね。",
    "Hangul": "안녕하세요, 오늘 날씨가 좋네요.",
}


def _family_cmaps() -> dict[str, set[int]]:
    out = {}
    for family, path in {
        textburn.FONT_NAME: textburn.FONTS_DIR / "DejaVuSans.ttf",
        **textburn._family_files(),
    }.items():
        font = TTFont(str(path), fontNumber=0, lazy=True)
        out[family] = set(font.getBestCmap())
    return out


CMAPS = _family_cmaps()


@pytest.mark.parametrize("script", sorted(SAMPLES))
def test_every_character_has_a_glyph_in_the_font_chosen_for_it(script: str) -> None:
    """No tofu: each run of text is tagged with a font whose cmap has every character."""
    import re

    assert scripts.script_of(SAMPLES[script]) == script
    tagged = textburn.tag_script_fonts(textburn.escape_text(SAMPLES[script]))
    family = textburn.FONT_NAME
    for piece in re.split(r"(\{[^}]*\})", tagged):
        if piece.startswith("{"):
            family = re.findall(r"\\fn([^\\}]*)", piece)[-1]
            continue
        for ch in piece:
            if unicodedata.category(ch) in {"Cf", "Zs"} or ch in "\\":
                continue
            assert ord(ch) in CMAPS[family], f"{ch!r} U+{ord(ch):04X} missing from {family}"


def test_font_scales_match_the_font_files() -> None:
    dejavu = TTFont(str(textburn.FONTS_DIR / "DejaVuSans.ttf"))
    ref = (dejavu["OS/2"].usWinAscent + dejavu["OS/2"].usWinDescent) / dejavu["head"].unitsPerEm
    for family, name in textburn.SCRIPT_FONTS.values():
        font = TTFont(str(textburn.FONTS_DIR / name))
        assert font["name"].getDebugName(1) == family  # \fn names the family libass reads
        box = (font["OS/2"].usWinAscent + font["OS/2"].usWinDescent) / font["head"].unitsPerEm
        assert textburn.FONT_SCALE[family] == round(100 * box / ref), family
    assert (textburn.FONTS_DIR / "LICENSE-Noto.txt").read_text().count("Open Font License") >= 1


def test_words_join_and_count_as_each_script_writes_them() -> None:
    assert scripts.join_words(["我们", "今天", "很", "开心。", "Hello", "world"]) == (
        "我们今天很开心。Hello world"
    )
    assert scripts.join_words(["안녕하세요,", "여러분"]) == "안녕하세요, 여러분"  # Korean: spaces
    assert scripts.join_words(["สวัสดี", "ครับ"]) == "สวัสดีครับ"
    assert scripts.join_words(["第", "3", "章"]) == "第3章"
    assert scripts.text_length("नमस्ते") == 4  # vowel signs and virama count nothing
    assert scripts.text_length("\u200fשלום") == 4
    assert scripts.tokens("今天很好，你呢？ OK 「好」") == [
        "今",
        "天",
        "很",
        "好，",
        "你",
        "呢？",
        "OK",
        "「好」",
    ]


def chinese_words() -> list[Word]:
    """Whisper-like pieces of Chinese speech: no spaces, punctuation glued to the piece."""
    text = "大家好，欢迎来到我的频道。今天我们来聊一聊怎么做出好吃的红烧肉，这道菜其实一点都不难。"
    pieces = scripts.tokens(text)
    return [Word(p, 0.25 * i, 0.25 * i + 0.2) for i, p in enumerate(pieces)]


def test_chinese_cues_count_characters_and_insert_no_spaces() -> None:
    cues = build_cues(chinese_words(), "netflix")
    assert len(cues) > 1
    for c in cues:
        for line in c.lines:
            assert " " not in line
            assert scripts.text_length(line) <= 16  # Netflix: 16 characters per line
            assert line[0] not in "，。、！？"  # no line starts with closing punctuation
    assert "".join("".join(c.lines) for c in cues) == "".join(w.text for w in chinese_words())
    # a user's own limit wins over the script's defaults
    own = build_cues(chinese_words(), get_preset("netflix", max_chars=10))
    assert all(scripts.text_length(line) <= 10 for c in own for line in c.lines)
    assert scripts.fit_preset(get_preset("netflix"), ["你好"]).max_cps == 9.0


def test_french_spaced_punctuation_and_spanish_openers_stay_with_their_words() -> None:
    words = merge_word_pieces(
        [(" Appuyez", 0, 0.3, 1), (" sur", 0.3, 0.5, 1), (" dièse", 0.5, 0.9, 1),
         (" ?", 0.9, 1.0, 1), (" «", 1.1, 1.2, 1), (" Oui", 1.2, 1.5, 1), (" »", 1.5, 1.6, 1),
         (" ¿", 2.0, 2.1, 1), ("Qué", 2.1, 2.4, 1), ("?", 2.4, 2.5, 1)]
    )  # fmt: skip
    assert [w.text for w in words] == [
        "Appuyez",
        "sur",
        "dièse\u00a0?",
        "«\u00a0Oui\u00a0»",
        "¿Qué?",
    ]
    for c in build_cues(words, "vertical", max_chars=8):
        assert all(not line.lstrip().startswith(("?", "»")) for line in c.lines)


def arabic_entry() -> dict:
    return {
        "language": "ar",
        "cues": [
            {"st": 0.0, "et": 2.0, "text": "مرحبا بكم؟", "words": []},
            {"st": 2.5, "et": 4.0, "text": "2024 عام جديد\nسعيد!", "words": []},
        ],
        "words": [],
    }


def test_right_to_left_lines_are_marked_in_srt_vtt_and_ass() -> None:
    import re

    for fmt in ("srt", "vtt", "ass"):
        body, _ = export_captions(arabic_entry(), fmt)
        if fmt == "ass":
            assert "Noto Sans Arabic" in body  # the font that has the glyphs
            assert re.search(r"^Style: .*,-1$", body, re.M)  # libass: direction per line
            body = re.sub(r"\{[^}]*\}", "", body).replace("\\N", "\n")
        lines = [ln.split(",,")[-1] for ln in body.splitlines() if re.search("[\u0600-\u06ff]", ln)]
        assert len(lines) == 3, (fmt, body)
        assert all(ln.startswith("\u200f") for ln in lines), (fmt, lines)  # RLM first
    # the words stay in logical (spoken) order: no reversal is ever written
    body, _ = export_captions(arabic_entry(), "srt")
    assert "\u200fمرحبا بكم؟" in body and "\u200f2024 عام جديد" in body


# ---------------------------------------------------------------------------------------------
# Frames: text burned in by libass, looked at
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def black(tmp_path_factory) -> Path:
    clip = tmp_path_factory.mktemp("black") / "black.mp4"
    cmd = [media.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "color=c=black:s=480x160:r=25"]
    cmd += ["-t", "0.6", "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)]
    subprocess.run(cmd, check=True, timeout=60)
    return clip


def burn(text: str, clip: Path, out: Path) -> np.ndarray:
    """The frame of a clip with one caption burned in, as grey levels of the caption area."""
    draft = {
        "d": 600,
        "m": {"width": 480, "height": 160, "fps": 25},
        "t": [
            {"tt": 0, "k": "video", "sg": [{"id": "v", "st": 0, "et": 600, "so": 0, "src": "c"}]},
            {"tt": 7, "k": "caption", "lang": "xx", "sty": {"box": "#000000FF", "size": 420},
             "sg": [{"id": "c", "st": 0, "et": 600, "txt": text}]},
        ],
    }  # fmt: skip
    render_draft(draft, lambda src: clip, out, quality="low")
    cmd = [media.ffmpeg_exe(), "-v", "error", "-ss", "0.3", "-i", str(out), "-frames:v", "1"]
    cmd += ["-f", "rawvideo", "-pix_fmt", "gray", "-"]
    raw = subprocess.run(cmd, capture_output=True, check=True, timeout=60).stdout
    return np.frombuffer(raw, dtype=np.uint8).reshape(160, 480).astype(np.float32)


def ink(img: np.ndarray) -> np.ndarray:
    return img > 128


@pytest.mark.slow
def test_burned_scripts_draw_glyphs_not_boxes(black: Path, tmp_path: Path) -> None:
    tofu = ink(burn("\ue000\ue001\ue002\ue003", black, tmp_path / "tofu.mp4"))  # no font has them
    for script in ("Arabic", "Devanagari", "Han", "Cyrillic", "Thai"):
        text = SAMPLES[script].split()[0][:4]
        img = ink(burn(text, black, tmp_path / f"{script}.mp4"))
        assert img.sum() > 150, script  # something is drawn
        assert (img != tofu).mean() > 0.01, script  # and it is not a row of boxes


@pytest.mark.slow
def test_arabic_is_shaped_and_hebrew_runs_right_to_left(black: Path, tmp_path: Path) -> None:
    word = "سلام"
    joined = burn(word, black, tmp_path / "joined.mp4")
    apart = burn("\u200c".join(word), black, tmp_path / "apart.mp4")  # ZWNJ: isolated forms
    assert np.abs(joined - apart).mean() > 2  # shaping changed the glyphs (joined letters)
    hebrew = "אבגד"
    logical = burn(hebrew, black, tmp_path / "he.mp4")
    # the same letters forced left to right in reversed order: what right-to-left display is
    shown = burn("\u202d" + hebrew[::-1] + "\u202c", black, tmp_path / "he-lro.mp4")
    wrong = burn("\u202d" + hebrew + "\u202c", black, tmp_path / "he-ltr.mp4")
    assert np.abs(logical - shown).mean() < 1.0
    assert np.abs(logical - wrong).mean() > 2


@pytest.mark.slow
def test_bilingual_burn_in_stacks_the_second_language(black: Path, tmp_path: Path) -> None:
    doc = textburn.build_ass(
        {
            "t": [
                {"tt": 7, "k": "caption", "lang": "es", "sg": [
                    {"id": "a", "st": 0, "et": 1000, "txt": "Hola a todos\ny bienvenidos"}]},
                {"tt": 7, "k": "caption", "lang": "en", "sty": {"size": 43, "color": "#FFE08A"},
                 "sg": [{"id": "b", "st": 200, "et": 900, "txt": "Hello everyone"}]},
            ]
        },
        1280,
        720,
    )  # fmt: skip
    first, second = sorted(doc.events, key=lambda e: e.start)
    style = doc.styles[second.style]
    assert second.marginv > doc.styles[first.style].marginv + 2 * 0.9 * 54 * 720 / 1080
    assert style.fontsize < doc.styles[first.style].fontsize
