"""A long captioned session state built with the engine's real caption functions, for tests
and ``bench/bench_turn.py``; and a helper that writes it into a running engine's database.

The words are synthetic (a fixed vocabulary at a speaking pace, seeded), the cues, the captions
entry and the draft's caption track come from the same functions a real "add captions" turn
uses (``cues_for``, ``cue_entries``, ``rebuild_tracks``), so the state has the real shape and
size: about 7,300 words and 1.2 MB of state JSON per hour.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from nemo_widgets import schema
from nemo_widgets.engine import timeline as tl
from nemo_widgets.engine.agent.base import Media
from nemo_widgets.engine.agent.captions import rebuild_tracks
from nemo_widgets.engine.captions.cues import get_preset
from nemo_widgets.engine.captions.pipeline import cue_entries, cues_for
from nemo_widgets.engine.captions.recognize import Transcript, Word
from nemo_widgets.engine.store import Store

VOCABULARY = (
    "the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while", "seven",
    "bright", "people", "talk", "about", "their", "day", "and", "nothing", "else", "matters",
)  # fmt: skip


def transcript(seconds: float, seed: int = 7) -> Transcript:
    """Timed words filling ``seconds`` at about two words a second, with pauses."""
    rnd = random.Random(seed)
    words, t = [], 0.0
    while t < seconds - 1:
        w = rnd.choice(VOCABULARY)
        d = 0.15 + 0.05 * len(w)
        words.append(Word(w, round(t, 3), round(t + d, 3), 0.9))
        t += d + (0.9 if rnd.random() < 0.05 else 0.08)
    return Transcript(words=words, language="en", model="tiny.en", duration_s=seconds)


def captioned_state(seconds: float, base_url: str, filename: str = "talk.mp4") -> dict[str, Any]:
    """A session state with one ``seconds``-long upload on the timeline, captioned in English."""
    url = f"{base_url}/media/uploads/{filename}"
    words = transcript(seconds)
    preset = get_preset("netflix").to_dict()
    cues = cues_for(words, preset)
    media = Media(
        cdn_url=url,
        path=Path(filename),
        filename=filename,
        file_type="video",
        duration_s=seconds,
        width=1280,
        height=720,
        fps=30.0,
        has_audio=True,
    )
    captions = {
        "en": {
            "language": "en",
            "model": words.model,
            "engine": words.engine,
            "source": url,
            "duration_s": seconds,
            "notes": [],
            "preset": preset,
            "words": [w.to_dict() for w in words.words],
            "cues": cue_entries(cues, preset, words),
        }
    }
    draft = rebuild_tracks(tl.place_first_clip(tl.Draft(), [media]), captions, {}, show="en")
    upload = {
        "filename": filename,
        "file_type": "video",
        "cdn_url": url,
        "duration": seconds,
        "width": 1280,
        "height": 720,
        "fps": 30.0,
        "hash": "0" * 64,
        "file_id": "file_talk",
        "size": 1,
        "has_audio": True,
    }
    return {
        schema.STATE_DRAFT: draft.to_dict(),
        schema.STATE_VIDEO_INFOS: [upload],
        schema.STATE_CANVAS: draft.canvas() or {},
        schema.STATE_ANALYSES: {},
        schema.STATE_GENERATED: [],
        schema.STATE_CAPTIONS: captions,
    }


def put_state(data_dir: Path, session_id: str, state: dict[str, Any]) -> None:
    """Write ``state`` as a session's state in the engine database under ``data_dir`` (the
    running engine sees the new version on its next read, as with any other writer)."""
    store = Store(Path(data_dir) / "engine.sqlite3")
    try:
        store.save_state(session_id, state)
    finally:
        store.close()
