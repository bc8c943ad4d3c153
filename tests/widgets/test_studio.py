"""The studio on the real engine: an upload redraws the timeline, a chat export shows up."""

from __future__ import annotations

import json

import ipywidgets

from nemo_widgets.widgets.chat import ChatCell
from nemo_widgets.widgets.renders import RendersTable
from nemo_widgets.widgets.studio import Studio
from nemo_widgets.widgets.timeline import Timeline
from nemo_widgets.widgets.upload import UploadPicker


def all_children(widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from all_children(child)


async def test_studio_wires_upload_chat_timeline_and_renders(engine, make_clip, tmp_path):
    from nemo_widgets.session import aconnect

    session = await aconnect(base_url=engine.url)
    studio = Studio(session)
    try:
        parts = list(all_children(studio))
        for cls in (UploadPicker, ChatCell, Timeline, RendersTable):
            assert sum(isinstance(p, cls) for p in parts) == 1, cls
        assert isinstance(studio, ipywidgets.VBox)
        header = parts[1].value
        assert "embedded engine" in header and session.session_id[:12] in header
        await studio.wait()

        # an upload redraws the timeline ("uploads" event -> state -> "draft" event)
        await studio.upload.aadd(make_clip(tmp_path, seconds=2, size="320x180"))
        await studio.wait()
        assert studio.timeline.draft is not None
        assert [t.type for t in studio.timeline.draft.tracks] == [0]
        assert "320×180" in studio.timeline.fig.layout.title.text  # the upload's own canvas

        # an edit from the chat shows on the timeline
        studio.chat.ask("add a title 'Hello' for 1 second")
        await studio.wait()
        labels = next(t for t in studio.timeline.fig.data if t.name == "labels").text
        assert "Hello" in labels, studio.chat.transcript[-1]

        # an export from the chat appears in the renders table
        studio.chat.ask("export 480p")
        await studio.wait()
        reply = studio.chat.transcript[-1]
        assert reply["route"] == "export" and "Export started" in reply["text"], studio.chat.error
        assert len(studio.renders.rows) == 1
        job = session.render_jobs[0]
        assert str(job.id) in reply["text"]
        await job.await_(timeout=120)  # a 2 s clip at 480p: the render really finishes
        await studio.wait()
        assert studio.renders.rows[0]["status"] == "completed"

        # "Preview timeline" from the chat refreshes the timeline and says what is on it
        studio.chat.act("timeline")
        await studio.wait()
        assert "Hello" in studio.chat.transcript[-1]["text"]

        # After a whole flow, no widget's synced state carries the API token.
        token = session._client._token.reveal()  # private: only to prove it never leaks
        states = [p.get_state() for p in all_children(studio) if isinstance(p, ipywidgets.Widget)]
        synced = json.dumps(states, default=str) + json.dumps(studio.chat.transcript, default=str)
        assert len(token) > 8 and "Export started" in synced and token not in synced
    finally:
        studio.close()
        await session.aclose()
