"""Small sample media shipped with nemo-widgets, so every notebook runs without your own files.

>>> from nemo_widgets.samples import sample_path
>>> sample_path("speech")          # 11 s of speech over a generated picture, 1280x720 H.264/AAC
PosixPath('.../nemo_widgets/samples/speech.mp4')

Licences and the exact ffmpeg commands that rebuild every file are in ``README.md`` beside them.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["SAMPLES", "sample_path", "samples"]

_HERE = Path(__file__).resolve().parent

#: name -> (file name, what it is)
SAMPLES: dict[str, tuple[str, str]] = {
    "speech": ("speech.mp4", "11 s, 1280x720: President Kennedy, 1961 (public domain)"),
    "reading": ("reading.mp4", "15 s, 720x1280 vertical: LibriVox reading (public domain)"),
    "music": ("music.m4a", "20 s generated music bed for background-music demos"),
    "speech-script": ("speech.txt", "the exact words spoken in 'speech', for script alignment"),
    "reading-script": ("reading.txt", "the exact words spoken in 'reading'"),
}


def sample_path(name: str = "speech") -> Path:
    """Path of a bundled sample file.

    Parameters
    ----------
    name : str
        One of ``"speech"`` (default), ``"reading"``, ``"music"``, ``"speech-script"``,
        ``"reading-script"``; the file name itself (``"speech.mp4"``) works too.

    Returns
    -------
    pathlib.Path
        An existing file inside the installed package (read it, do not write to it).

    Raises
    ------
    KeyError
        For an unknown name; the message lists the names there are.
    """
    by_file = {file: file for file, _ in SAMPLES.values()}
    file = SAMPLES[name][0] if name in SAMPLES else by_file.get(name)
    if file is None:
        known = ", ".join(repr(n) for n in SAMPLES)
        raise KeyError(f"no sample called {name!r}; the samples are {known}")
    path = _HERE / file
    if not path.is_file():  # a broken install (package data left out of the wheel)
        raise FileNotFoundError(
            f"sample {name!r} should be at {path} but is missing; reinstall nemo-widgets"
        )
    return path


def samples() -> dict[str, Path]:
    """Every bundled sample as ``{name: path}``."""
    return {name: sample_path(name) for name in SAMPLES}
