"""Fixtures for caption tests: the speech clips, their references, one recognizer per session."""

from __future__ import annotations

import os

import pytest

# Nothing may download a model in tests (the engine subprocess inherits this too).
os.environ["HF_HUB_OFFLINE"] = "1"


@pytest.fixture(scope="session")
def recognizer():
    """The default offline recognizer, loaded once for the whole session."""
    from nemo_widgets.engine.captions.recognize import resolve_model, warm_up

    warm_up()  # the English and the multilingual model, as the engine does at start
    return resolve_model(language="en")
