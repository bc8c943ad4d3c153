"""Captions in the embedded engine: recognition, alignment, cues, formats, burn-in, translation."""

from .recognize import RecognitionError, Transcript, Word, resolve_model, transcribe

__all__ = ["RecognitionError", "Transcript", "Word", "resolve_model", "transcribe"]
