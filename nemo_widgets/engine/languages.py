"""Language names in chat messages -> language codes, for every language Whisper knows.

Each language is named in English, in itself, in Chinese and in Spanish ("Spanish",
"español", "西班牙语", "espagnol" is not asked for); codes are Whisper's (ISO 639-1, plus
``haw`` and ``yue``). :func:`can_caption` says whether this engine can make captions of
speech in a language (it asks the recognizer, :func:`..captions.recognize.supported_languages`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Language:
    code: str
    english: str
    native: str
    chinese: str
    spanish: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.english, self.native, self.chinese, self.spanish, *self.aliases)


# code, English, native, Chinese, Spanish, other names people use
_TABLE: tuple[tuple[str, ...], ...] = (
    ("af", "Afrikaans", "Afrikaans", "南非荷兰语", "afrikáans"),
    ("am", "Amharic", "አማርኛ", "阿姆哈拉语", "amárico"),
    ("ar", "Arabic", "العربية", "阿拉伯语", "árabe", "阿拉伯文"),
    ("as", "Assamese", "অসমীয়া", "阿萨姆语", "asamés"),
    ("az", "Azerbaijani", "azərbaycan", "阿塞拜疆语", "azerí", "azerbaiyano"),
    ("ba", "Bashkir", "башҡорт", "巴什基尔语", "baskir"),
    ("be", "Belarusian", "беларуская", "白俄罗斯语", "bielorruso"),
    ("bg", "Bulgarian", "български", "保加利亚语", "búlgaro"),
    ("bn", "Bengali", "বাংলা", "孟加拉语", "bengalí", "bangla"),
    ("bo", "Tibetan", "བོད་སྐད", "藏语", "tibetano", "藏文"),
    ("br", "Breton", "brezhoneg", "布列塔尼语", "bretón"),
    ("bs", "Bosnian", "bosanski", "波斯尼亚语", "bosnio"),
    ("ca", "Catalan", "català", "加泰罗尼亚语", "catalán"),
    ("cs", "Czech", "čeština", "捷克语", "checo"),
    ("cy", "Welsh", "Cymraeg", "威尔士语", "galés"),
    ("da", "Danish", "dansk", "丹麦语", "danés"),
    ("de", "German", "Deutsch", "德语", "alemán", "德文"),
    ("el", "Greek", "Ελληνικά", "希腊语", "griego"),
    ("en", "English", "English", "英语", "inglés", "英文", "ingles"),
    ("es", "Spanish", "español", "西班牙语", "español", "西班牙文", "espanol", "castellano"),
    ("et", "Estonian", "eesti", "爱沙尼亚语", "estonio"),
    ("eu", "Basque", "euskara", "巴斯克语", "vasco", "euskera"),
    ("fa", "Persian", "فارسی", "波斯语", "persa", "farsi"),
    ("fi", "Finnish", "suomi", "芬兰语", "finés", "finlandés"),
    ("fo", "Faroese", "føroyskt", "法罗语", "feroés"),
    ("fr", "French", "français", "法语", "francés", "法文", "francais"),
    ("gl", "Galician", "galego", "加利西亚语", "gallego"),
    ("gu", "Gujarati", "ગુજરાતી", "古吉拉特语", "guyaratí"),
    ("ha", "Hausa", "Hausa", "豪萨语", "hausa"),
    ("haw", "Hawaiian", "ʻŌlelo Hawaiʻi", "夏威夷语", "hawaiano"),
    ("he", "Hebrew", "עברית", "希伯来语", "hebreo"),
    ("hi", "Hindi", "हिन्दी", "印地语", "hindi", "hindú"),
    ("hr", "Croatian", "hrvatski", "克罗地亚语", "croata"),
    ("ht", "Haitian Creole", "kreyòl ayisyen", "海地克里奥尔语", "criollo haitiano", "haitian"),
    ("hu", "Hungarian", "magyar", "匈牙利语", "húngaro"),
    ("hy", "Armenian", "հայերեն", "亚美尼亚语", "armenio"),
    ("id", "Indonesian", "Bahasa Indonesia", "印尼语", "indonesio", "印度尼西亚语"),
    ("is", "Icelandic", "íslenska", "冰岛语", "islandés"),
    ("it", "Italian", "italiano", "意大利语", "italiano", "意大利文"),
    ("ja", "Japanese", "日本語", "日语", "japonés", "日文", "日本语"),
    ("jw", "Javanese", "basa Jawa", "爪哇语", "javanés"),
    ("ka", "Georgian", "ქართული", "格鲁吉亚语", "georgiano"),
    ("kk", "Kazakh", "қазақ тілі", "哈萨克语", "kazajo"),
    ("km", "Khmer", "ខ្មែរ", "高棉语", "jemer", "cambodian"),
    ("kn", "Kannada", "ಕನ್ನಡ", "卡纳达语", "canarés"),
    ("ko", "Korean", "한국어", "韩语", "coreano", "韩文", "朝鲜语"),
    ("la", "Latin", "Latina", "拉丁语", "latín"),
    ("lb", "Luxembourgish", "Lëtzebuergesch", "卢森堡语", "luxemburgués"),
    ("ln", "Lingala", "lingála", "林加拉语", "lingala"),
    ("lo", "Lao", "ລາວ", "老挝语", "lao", "laotian"),
    ("lt", "Lithuanian", "lietuvių", "立陶宛语", "lituano"),
    ("lv", "Latvian", "latviešu", "拉脱维亚语", "letón"),
    ("mg", "Malagasy", "malagasy", "马达加斯加语", "malgache"),
    ("mi", "Maori", "te reo Māori", "毛利语", "maorí"),
    ("mk", "Macedonian", "македонски", "马其顿语", "macedonio"),
    ("ml", "Malayalam", "മലയാളം", "马拉雅拉姆语", "malayalam"),
    ("mn", "Mongolian", "монгол", "蒙古语", "mongol"),
    ("mr", "Marathi", "मराठी", "马拉地语", "maratí"),
    ("ms", "Malay", "Bahasa Melayu", "马来语", "malayo"),
    ("mt", "Maltese", "Malti", "马耳他语", "maltés"),
    ("my", "Burmese", "မြန်မာ", "缅甸语", "birmano", "myanmar"),
    ("ne", "Nepali", "नेपाली", "尼泊尔语", "nepalí"),
    ("nl", "Dutch", "Nederlands", "荷兰语", "neerlandés", "holandés", "flemish"),
    ("nn", "Nynorsk", "nynorsk", "新挪威语", "nynorsk"),
    ("no", "Norwegian", "norsk", "挪威语", "noruego", "bokmål"),
    ("oc", "Occitan", "occitan", "奥克语", "occitano"),
    ("pa", "Punjabi", "ਪੰਜਾਬੀ", "旁遮普语", "panyabí", "panjabi"),
    ("pl", "Polish", "polski", "波兰语", "polaco"),
    ("ps", "Pashto", "پښتو", "普什图语", "pastún"),
    ("pt", "Portuguese", "português", "葡萄牙语", "portugués", "葡萄牙文"),
    ("ro", "Romanian", "română", "罗马尼亚语", "rumano", "moldavian"),
    ("ru", "Russian", "русский", "俄语", "ruso", "俄文"),
    ("sa", "Sanskrit", "संस्कृतम्", "梵语", "sánscrito"),
    ("sd", "Sindhi", "سنڌي", "信德语", "sindhi"),
    ("si", "Sinhala", "සිංහල", "僧伽罗语", "cingalés", "sinhalese"),
    ("sk", "Slovak", "slovenčina", "斯洛伐克语", "eslovaco"),
    ("sl", "Slovenian", "slovenščina", "斯洛文尼亚语", "esloveno", "slovene"),
    ("sn", "Shona", "chiShona", "绍纳语", "shona"),
    ("so", "Somali", "Soomaali", "索马里语", "somalí"),
    ("sq", "Albanian", "shqip", "阿尔巴尼亚语", "albanés"),
    ("sr", "Serbian", "српски", "塞尔维亚语", "serbio"),
    ("su", "Sundanese", "basa Sunda", "巽他语", "sundanés"),
    ("sv", "Swedish", "svenska", "瑞典语", "sueco"),
    ("sw", "Swahili", "Kiswahili", "斯瓦希里语", "suajili"),
    ("ta", "Tamil", "தமிழ்", "泰米尔语", "tamil"),
    ("te", "Telugu", "తెలుగు", "泰卢固语", "telugu"),
    ("tg", "Tajik", "тоҷикӣ", "塔吉克语", "tayiko"),
    ("th", "Thai", "ไทย", "泰语", "tailandés"),
    ("tk", "Turkmen", "Türkmençe", "土库曼语", "turcomano"),
    ("tl", "Tagalog", "Tagalog", "他加禄语", "tagalo", "filipino"),
    ("tr", "Turkish", "Türkçe", "土耳其语", "turco"),
    ("tt", "Tatar", "татар", "鞑靼语", "tártaro"),
    ("uk", "Ukrainian", "українська", "乌克兰语", "ucraniano"),
    ("ur", "Urdu", "اردو", "乌尔都语", "urdu"),
    ("uz", "Uzbek", "oʻzbek", "乌兹别克语", "uzbeko"),
    ("vi", "Vietnamese", "Tiếng Việt", "越南语", "vietnamita", "越南文"),
    ("yi", "Yiddish", "ייִדיש", "意第绪语", "yidis"),
    ("yo", "Yoruba", "Yorùbá", "约鲁巴语", "yoruba"),
    (
        "zh",
        "Chinese",
        "中文",
        "中文",
        "chino",
        "汉语",
        "普通话",
        "mandarin",
        "华语",
        "简体中文",
        "繁体中文",
        "chinese mandarin",
        "mandarín",
    ),
    ("yue", "Cantonese", "粵語", "粤语", "cantonés", "广东话"),
)

LANGUAGES: dict[str, Language] = {
    row[0]: Language(row[0], row[1], row[2], row[3], row[4], tuple(row[5:])) for row in _TABLE
}


def _fold(text: str) -> str:
    """Lower case without accents for Latin names ("Español" and "espanol" read alike)."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_cjk(name: str) -> bool:
    return any("\u3040" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" for ch in name)


@cache
def _index() -> tuple[re.Pattern[str], dict[str, str]]:
    by_name: dict[str, str] = {}
    for lang in LANGUAGES.values():
        for name in lang.names:
            by_name.setdefault(_fold(name), lang.code)
    # longest names first so "chinese mandarin" wins over "chinese"; CJK names need no word
    # boundary (a CJK character is a word character, so a boundary never comes after one)
    parts = []
    for name in sorted(by_name, key=len, reverse=True):
        escaped = re.escape(name)
        parts.append(escaped if _is_cjk(name) else rf"(?<![^\W\d_]){escaped}(?![^\W\d_])")
    return re.compile("|".join(parts)), by_name


def find_languages(text: str) -> list[tuple[int, str]]:
    """``(position, code)`` of every language named in ``text``, in order (one pass)."""
    pattern, by_name = _index()
    folded = _fold(text)
    if len(folded) != len(text):  # folding changed the length: positions from the fold
        text = folded
    return [(m.start(), by_name[m.group(0)]) for m in pattern.finditer(folded)]


def code_of(name: str) -> str | None:
    """The code of one language name in any of its forms ("Spanish", "西班牙语"), or None."""
    return _index()[1].get(_fold(name.strip()))


def name_of(code: str) -> str:
    """The English name of a code (the code itself when unknown)."""
    lang = LANGUAGES.get(code)
    return lang.english if lang else code


def can_caption(code: str) -> bool:
    """Whether this engine can recognise speech in ``code`` (so caption it directly)."""
    from .captions.recognize import supported_languages

    return code in supported_languages()


__all__ = ["LANGUAGES", "Language", "can_caption", "code_of", "find_languages", "name_of"]
