"""Titles, description, tags and hashtags for a video, from its transcript and file facts.

Everything is extractive or templated around YAKE keyphrases: titles put the key phrase in the
first 50 characters, the description opens with a hook sentence taken from the talk, tags are
the ranked keyphrases trimmed to YouTube's 500-character budget. Limits follow YouTube
(``captions.md``): title <= 100 chars, ~150 chars above the fold, tags <= 500 chars in total,
3-5 hashtags, chapters from :mod:`.chapters`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from .chapters import Chapter, chapters, smart_title, timestamp
from .keywords import Keyphrase, keyphrases, normalise_phrase, phrase_in, stopwords
from .words import Sentence, TimedWord, sentences, words_text

__all__ = [
    "HOOK_MAX",
    "TAGS_MAX",
    "TITLE_KEY_WITHIN",
    "TITLE_MAX",
    "MetaOptions",
    "build_metadata",
    "hashtags_for",
    "tags_length",
    "titles_for",
]

TITLE_MAX = 100
TITLE_KEY_WITHIN = 50
HOOK_MAX = 150
TAGS_MAX = 500
DESCRIPTION_MAX = 5000
SHORT_TITLE_MAX = 60


@dataclass
class MetaOptions:
    """What the user asked to change on a follow-up ("shorter titles", "more tags about X")."""

    max_title_chars: int = TITLE_MAX
    focus: list[str] = field(default_factory=list)  # topics to weigh up in tags and titles
    chapters: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "max_title_chars": self.max_title_chars,
            "focus": list(self.focus),
            "chapters": self.chapters,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any] | None) -> MetaOptions:
        d = d or {}
        return cls(
            max_title_chars=int(d.get("max_title_chars", TITLE_MAX)),
            focus=list(d.get("focus", [])),
            chapters=bool(d.get("chapters", True)),
        )


# -- small text helpers ----------------------------------------------------------------------
def _clip(text: str, limit: int, *, ellipsis: bool = True) -> str:
    """Cut ``text`` to ``limit`` characters at a word boundary."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - (1 if ellipsis else 0)]
    if " " in cut:
        cut = cut[: cut.rfind(" ")]
    cut = cut.rstrip(" ,;:-—")
    return cut + ("…" if ellipsis else "")


def _sentence_case(text: str) -> str:
    text = text.strip()
    return text[:1].upper() + text[1:] if text else text


def _end_stop(text: str) -> str:
    return text if re.search(r"[.!?…]$", text) else text + "."


def tags_length(tags: Sequence[str]) -> int:
    """Characters YouTube counts for a tag list: commas between, quotes around multi-word tags."""
    if not tags:
        return 0
    return sum(len(t) + (2 if " " in t else 0) for t in tags) + (len(tags) - 1)


def _file_topic(filename: str) -> str:
    """Words of a meaningful file name ("kyoto-temples_day2.mp4" -> "kyoto temples day2")."""
    stem = PurePath(filename or "").stem
    words = [w for w in re.split(r"[\W_]+", stem.lower()) if w]
    generic = {"img", "vid", "mov", "dsc", "pxl", "gopr", "video", "clip", "final", "export"}
    generic |= {"untitled", "copy", "edit", "render", "upload", "test", "output", "mp4"}
    words = [w for w in words if w not in generic and not w.isdigit() and len(w) > 1]
    return " ".join(words) if sum(len(w) for w in words) >= 4 else ""


# -- titles ----------------------------------------------------------------------------------
def _duration_phrase(duration_s: float) -> str:
    if duration_s >= 90:
        return f"in {round(duration_s / 60)} Minutes"
    return f"in {max(1, round(duration_s))} Seconds"


def titles_for(
    phrases: Sequence[str],
    *,
    duration_s: float,
    hook: str = "",
    max_chars: int = TITLE_MAX,
    count: int = 5,
) -> list[str]:
    """3-5 title variants built around the key phrases, best first.

    Every title is at most ``max_chars`` long and contains the first phrase within its first
    50 characters.
    """
    if not phrases:
        return []
    k1 = smart_title(_clip(phrases[0], TITLE_KEY_WITHIN - 12, ellipsis=False))
    # Secondary phrases share no word with the key phrase or each other ("Sourdough Starter:
    # Brake Pads, Solar Panels", never "Sourdough Starter: Starter, Sourdough").
    used = set(phrases[0].split())
    others: list[str] = []
    for p in phrases[1:]:
        if used.isdisjoint(p.split()):
            others.append(smart_title(p))
            used |= set(p.split())
    k2 = others[0] if others else ""
    k3 = others[1] if len(others) > 1 else ""
    candidates: list[str] = []
    if k2 and k3:
        candidates.append(f"{k1}: {k2}, {k3} and More")
    if k2:
        candidates.append(f"{k1} and {k2} {_duration_phrase(duration_s)}")
    candidates.append(f"{k1} — What You Need to Know")
    if k2:
        candidates.append(f"A Guide to {k1}: {k2}")
    # A line of the talk itself, when it names the key phrase early enough.
    if hook and phrase_in(phrases[0], hook):
        first_clause = re.split(r"(?<=[.!?;:])\s|,\s", hook)[0].rstrip(".!?;:")
        if 12 <= len(first_clause) <= max_chars:
            candidates.append(_sentence_case(first_clause))
    candidates.append(f"{k1}: The Key Points")
    candidates.append(f"{k1}, Explained")
    if k2:
        candidates.append(f"{k1} vs. {k2}" if len(others) == 1 else f"{k1} & {k2}")

    out: list[str] = []
    seen: set[str] = set()
    for title in candidates:
        if len(title) > max_chars:
            continue
        pos = title.lower().find(k1.lower())
        if pos < 0 or pos + len(k1) > TITLE_KEY_WITHIN:
            continue
        key = title.lower()
        if key in seen:
            continue
        seen.add(key)
        out.append(title)
        if len(out) >= count:
            break
    if len(out) < 3:  # very short budgets: the key phrase alone and plain variants
        for title in (k1, f"{k1} Explained", f"All About {k1}", f"{k1} Guide"):
            if len(title) <= max_chars and title.lower() not in seen:
                seen.add(title.lower())
                out.append(title)
            if len(out) >= 3:
                break
    return out


# -- description -----------------------------------------------------------------------------
def _sentence_scores(sents: list[Sentence], kps: list[Keyphrase]) -> list[float]:
    scores = []
    for s in sents:
        text = s.text.lower()
        n_words = max(1, len(text.split()))
        hit = sum(kp.score for kp in kps if phrase_in(kp.phrase, text))
        # Favour sentences dense in key phrases but not one-word fragments.
        scores.append(hit / (n_words**0.5) if n_words >= 5 else hit * 0.3 / n_words)
    return scores


def _hook(sents: list[Sentence], scores: list[float], key: str, duration_s: float) -> str:
    """The best sentence from the first 40 % of the talk, naming the key phrase if possible."""
    early = [i for i, s in enumerate(sents) if s.start_s <= max(duration_s * 0.4, 15)] or list(
        range(len(sents))
    )
    with_key = [i for i in early if phrase_in(key, sents[i].text)] or [
        i for i, s in enumerate(sents) if phrase_in(key, s.text)
    ]
    pool = with_key or early
    best = max(pool, key=lambda i: (scores[i], -i)) if pool else None
    text = _end_stop(_sentence_case(sents[best].text)) if best is not None else ""
    if not phrase_in(key, text):
        text = f"{smart_title(key)}: {text}" if text else f"{smart_title(key)}."
    return _clip(text, HOOK_MAX)


def _summary(
    sents: list[Sentence], scores: list[float], hook: str, *, n: int = 3, limit: int = 700
) -> str:
    order = sorted(range(len(sents)), key=lambda i: -scores[i])
    picked: list[int] = []
    seen = {normalise_phrase(hook)}
    for i in order:
        norm = normalise_phrase(sents[i].text)
        if scores[i] <= 0 or norm in seen or any(norm in s or s in norm for s in seen):
            continue
        seen.add(norm)
        picked.append(i)
        if len(picked) >= n:
            break
    text = " ".join(_end_stop(_sentence_case(sents[i].text)) for i in sorted(picked))
    return _clip(text, limit)


# -- tags and hashtags -----------------------------------------------------------------------
def _rank_tags(
    kps: list[Keyphrase],
    extra: list[tuple[str, float]],
    focus_tags: list[tuple[str, float]],
    topics: Sequence[str] = (),
) -> list[tuple[str, float]]:
    ranked: list[tuple[str, float]] = []
    seen: set[str] = set()
    focus_set = {normalise_phrase(t) for t in topics}
    for tag, score in [*focus_tags, *((kp.phrase, kp.score) for kp in kps), *extra]:
        tag = normalise_phrase(tag)
        if not tag or tag in seen or len(tag) > 100:
            continue
        if tag not in focus_set:
            # Fragments of a better tag ("facing roof" under "south facing roof") and weak
            # lone words ("check", "air") add length, not reach.
            inside = any(phrase_in(tag, t) for t, _ in ranked)
            if (inside and score < 0.75) or (" " not in tag and score < 0.3):
                continue
        seen.add(tag)
        ranked.append((tag, round(float(score), 4)))
    if len(ranked) < 8:  # a short clip: its fragments are better than too few tags
        ranked = _rank_tags_all(kps, extra, focus_tags)
    out: list[tuple[str, float]] = []
    for tag, score in ranked:  # keep rank order, stop adding once the budget is used up
        if tags_length([t for t, _ in out] + [tag]) > TAGS_MAX:
            continue
        out.append((tag, score))
    return out


def _rank_tags_all(
    kps: list[Keyphrase], extra: list[tuple[str, float]], focus_tags: list[tuple[str, float]]
) -> list[tuple[str, float]]:
    ranked: list[tuple[str, float]] = []
    seen: set[str] = set()
    for tag, score in [*focus_tags, *((kp.phrase, kp.score) for kp in kps), *extra]:
        tag = normalise_phrase(tag)
        if tag and tag not in seen and len(tag) <= 100:
            seen.add(tag)
            ranked.append((tag, round(float(score), 4)))
    return ranked


def _hashtag(phrase: str) -> str:
    parts = [p for p in re.split(r"[^\w]+", phrase) if p]
    return "#" + "".join(p[:1].upper() + p[1:] for p in parts) if parts else ""


def hashtags_for(tags: Sequence[str], *, fallback: Sequence[str] = ()) -> list[str]:
    """3-5 hashtags from the best short tags (one or two words), CamelCased."""
    out: list[str] = []
    covered: set[str] = set()
    for phrase in [*tags, *fallback]:
        # One hashtag per idea: "#SourdoughStarter" makes "#Starter" redundant.
        if len(phrase.split()) > 2 or set(phrase.split()) <= covered:
            continue
        covered |= set(phrase.split())
        tag = _hashtag(phrase)
        if len(tag) > 2 and tag.lower() not in {h.lower() for h in out} and len(tag) <= 30:
            out.append(tag)
        if len(out) == 5:
            break
    # Too few short phrases (a tiny transcript): split longer tags into their words.
    for phrase in tags:
        if len(out) >= 3:
            break
        for word in phrase.split():
            tag = _hashtag(word)
            if len(word) > 3 and word not in covered:
                covered.add(word)
                out.append(tag)
            if len(out) >= 3:
                break
    for generic in ("#Video", "#NewVideo", "#WatchNow"):  # only an all-but-silent clip gets here
        if len(out) >= 3:
            break
        if generic not in out:
            out.append(generic)
    return out[:5]


# -- everything ------------------------------------------------------------------------------
def build_metadata(
    words: list[TimedWord],
    *,
    duration_s: float,
    filename: str = "",
    width: int | None = None,
    height: int | None = None,
    language: str = "en",
    options: MetaOptions | None = None,
) -> dict[str, Any]:
    """Titles, description, tags, hashtags and chapters for one video.

    Parameters
    ----------
    words
        The transcript's timed words (seconds), sorted. May be empty for a silent video, in
        which case the file name must carry the topic.
    duration_s, filename, width, height
        The file's facts; the duration decides chapters and the "in N minutes" title.
    language
        Transcript language (YAKE stop list).
    options
        Follow-up preferences (shorter titles, focus topics, chapters on/off).

    Returns
    -------
    dict
        The ``state["metadata"]`` shape documented in ``docs/internals.md`` (without the
        ``source``/``transcript`` bookkeeping the agent adds).

    Raises
    ------
    ValueError
        When neither the speech nor the file name says what the video is about.
    """
    opts = options or MetaOptions()
    text = words_text(words)
    kps = keyphrases(text, language=language, top=30) if text else []
    file_topic = _file_topic(filename)
    if not kps and not file_topic:
        raise ValueError(
            "I could not find any speech in this video and its file name says nothing about "
            "it, so there is nothing to base titles on. Rename the file after its topic or "
            "tell me what the video is about."
        )
    if not kps:  # a silent video with a telling file name
        kps = [Keyphrase(file_topic, 1.0, 0.0)]

    focus_tags: list[tuple[str, float]] = []
    for topic in opts.focus:
        topic_norm = normalise_phrase(topic)
        if not topic_norm:
            continue
        focus_tags.append((topic_norm, 1.0))
        related = " ".join(s.text for s in sentences(words) if phrase_in(topic_norm, s.text))
        for kp in keyphrases(related, language=language, top=10) if related else []:
            focus_tags.append((kp.phrase, kp.score))
    extra = [(file_topic, 0.05)] if file_topic else []
    tags = _rank_tags(kps, extra, focus_tags, opts.focus)

    # Titles lead with the most relevant multi-word phrase when it is nearly as good.
    lead = [kp for kp in kps[:5] if " " in kp.phrase and kp.score >= 0.4 * kps[0].score]
    ordered = [lead[0].phrase] if lead else []
    if opts.focus:  # the focus topic leads, as its best phrase in the talk when there is one
        topic = normalise_phrase(opts.focus[-1])
        best = next((kp.phrase for kp in kps if phrase_in(topic, kp.phrase)), topic)
        ordered = [best, *ordered]
    ordered += [kp.phrase for kp in kps if kp.phrase not in ordered]

    sents = sentences(words)
    scores = _sentence_scores(sents, kps[:15])
    hook = _hook(sents, scores, ordered[0], duration_s) if sents else ""
    if not hook:
        hook = _clip(f"{smart_title(ordered[0])}: a {round(duration_s)}-second video.", HOOK_MAX)
    summary = _summary(sents, scores, hook) if sents else ""
    titles = titles_for(ordered, duration_s=duration_s, hook=hook, max_chars=opts.max_title_chars)
    chaps: list[Chapter] = (
        chapters(words, duration_s, language=language) if opts.chapters and words else []
    )
    hashtags = hashtags_for([t for t, _ in tags], fallback=[file_topic] if file_topic else [])

    parts = [hook]
    if summary:
        parts.append(summary)
    if chaps:
        parts.append("Chapters:\n" + "\n".join(f"{c.stamp} {c.title}" for c in chaps))
    parts.append(" ".join(hashtags))
    description = "\n\n".join(parts)
    if len(description) > DESCRIPTION_MAX:  # only a very long summary could get here
        description = description[: DESCRIPTION_MAX - 1].rstrip() + "…"

    return {
        "titles": [{"text": t, "chars": len(t)} for t in titles],
        "key_phrase": ordered[0],
        "hook": hook,
        "summary": summary,
        "description": description,
        "chapters": [
            {"start_s": c.start_s, "end_s": c.end_s, "stamp": c.stamp, "title": c.title}
            for c in chaps
        ],
        "tags": [{"tag": t, "score": s} for t, s in tags],
        "tags_chars": tags_length([t for t, _ in tags]),
        "hashtags": hashtags,
        "options": opts.to_dict(),
        "facts": {
            "filename": filename,
            "duration_s": round(float(duration_s), 3),
            "width": width,
            "height": height,
            "language": language,
            "words": len(words),
        },
    }


def render_markdown(meta: dict[str, Any]) -> str:
    """The chat reply: titles, description, tags, as markdown-ish text."""
    lines = ["**Title ideas**"]
    lines += [f"{i}. {t['text']}" for i, t in enumerate(meta.get("titles", []), 1)]
    lines += ["", "**Description**", meta.get("description", "")]
    tags = [t["tag"] for t in meta.get("tags", [])]
    if tags:
        lines += ["", f"**Tags** ({tags_length(tags)}/{TAGS_MAX} characters)", ", ".join(tags)]
    return "\n".join(lines)


_ = (stopwords, timestamp)  # re-exported helpers used by the agent module
