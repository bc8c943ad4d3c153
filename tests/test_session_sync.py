"""Sync wrappers (private loop, nested loop, Ctrl-C) and the cell display helpers."""

from __future__ import annotations

import asyncio
import sys
import types

import pytest

from nemo_widgets import _display, _sync
from nemo_widgets.api.chat import Reply


def test_sync_run_reuses_one_private_loop():
    async def loop_id() -> int:
        return id(asyncio.get_running_loop())

    assert _sync.run(loop_id()) == _sync.run(loop_id())


async def test_sync_run_inside_a_running_loop():
    async def inner() -> str:
        await asyncio.sleep(0)
        return "ok"

    assert _sync.run(inner()) == "ok"  # nested run on the running loop (nest_asyncio2)


def test_keyboard_interrupt_cancels_the_task_cleanly():
    seen: list[str] = []

    async def long_call() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        finally:
            seen.append("cleaned up")

    def interrupt() -> None:
        raise KeyboardInterrupt

    _sync._private_loop().call_later(0.05, interrupt)
    with pytest.raises(KeyboardInterrupt):
        _sync.run(long_call())
    assert seen == ["cancelled", "cleaned up"]
    assert _sync.run(asyncio.sleep(0, "still usable")) == "still usable"


def test_display_helpers_are_silent_outside_ipython(capsys):
    assert not _display.in_ipython()
    stream = _display.TextStream()
    stream.feed("hello")
    assert stream.close() is False
    bar = _display.Progress("Uploading")
    bar.bytes(5, 10)
    bar.close()
    assert capsys.readouterr() == ("", "")


@pytest.fixture
def fake_ipython(monkeypatch):
    """A stand-in ``IPython`` module recording display() calls (no kernel needed)."""
    shown: list[tuple[str, object]] = []

    class Handle:
        def update(self, obj: object) -> None:
            shown.append(("update", getattr(obj, "data", obj)))

    def display(obj: object, display_id: bool = False, **_: object):
        shown.append(("display", getattr(obj, "data", obj)))
        return Handle() if display_id else None

    class Markdown:
        def __init__(self, data: str) -> None:
            self.data = data

    ipy = types.ModuleType("IPython")
    ipy.get_ipython = lambda: object()
    disp = types.ModuleType("IPython.display")
    disp.display, disp.Markdown = display, Markdown
    ipy.display = disp
    monkeypatch.setitem(sys.modules, "IPython", ipy)
    monkeypatch.setitem(sys.modules, "IPython.display", disp)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # force the text bar
    return shown


def test_text_stream_coalesces_updates(fake_ipython):
    stream = _display.TextStream(interval_s=3600)
    for word in ["a", "b", "c", "d"]:
        stream.feed(word)
    assert stream.close("abcd") is True
    # first token shown at once, the rest coalesced into the final update
    assert fake_ipython == [("display", "a ▌"), ("update", "abcd")]


def test_progress_text_bar(fake_ipython):
    bar = _display.Progress("Rendering")
    bar.update(50, "processing")
    bar.close("completed")
    assert fake_ipython[0][0] == "display"
    assert "50%" in str(fake_ipython[1][1]) and "100%" in str(fake_ipython[-1][1])


def test_streamed_reply_is_not_shown_twice(fake_ipython):
    reply = Reply(text="hello")
    reply._streamed = True
    reply._ipython_display_()
    assert fake_ipython == []
    reply._ipython_display_()  # a later display shows it
    assert fake_ipython == [("display", "hello")]
