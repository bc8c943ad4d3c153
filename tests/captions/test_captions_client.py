"""Client-side caption tables (nemo_widgets.captions) from the endpoint's JSON and the state."""

from __future__ import annotations

import pytest

from nemo_widgets.captions import caption_languages, check_cues, cues_frame, words_frame

ENTRY = {
    "language": "en",
    "cues": [
        {
            "st": 0.0,
            "et": 1.0,
            "text": "A very long first line that goes on and on and on\nand a second",
            "words": [{"w": "A", "st": 0.0, "et": 0.1, "p": 0.9}],
        },
        {"st": 2.0, "et": 4.0, "text": "ok", "words": [{"w": "ok", "st": 2.0, "et": 2.3}]},
    ],
}


def test_frames_from_json_and_state() -> None:
    import json

    cues = cues_frame(json.dumps(ENTRY))
    assert list(cues["lines"]) == [2, 1] and cues.loc[1, "cps"] == 1.0
    words = words_frame({"state": {"captions": {"en": ENTRY}}})
    assert list(words["word"]) == ["A", "ok"] and list(words["cue"]) == [0, 1]
    assert caption_languages({"captions": {"en": ENTRY, "es": ENTRY}}) == ["en", "es"]
    flagged = check_cues(cues)
    assert list(flagged["ok"]) == [False, True]
    assert flagged.loc[0, "long_line"] and flagged.loc[0, "too_fast"]


def test_clear_errors() -> None:
    with pytest.raises(ValueError, match="ask for them first"):
        cues_frame({"captions": {}})
    with pytest.raises(KeyError, match="there are: en"):
        cues_frame({"captions": {"en": ENTRY}}, lang="fr")
    with pytest.raises(TypeError, match="captions"):
        cues_frame(42)


def test_server_sentences_get_one_full_stop() -> None:
    """Regression: a caption 404 whose message ends in "." read "..." + "." in the client."""
    from nemo_widgets.api.envelopes import Envelope, error_for

    for msg in ("No 'fr' captions here. Ask for them.", "No captions yet", "Really?"):
        env = Envelope(ok=False, status=404, code=4004, message=msg, data=None)
        text = str(error_for(env, during="getting captions"))
        assert ".." not in text and "?." not in text, text
        assert msg.rstrip(".?") in text
