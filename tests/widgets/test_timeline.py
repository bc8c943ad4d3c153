"""The plotly timeline without a browser: rows, hover, selection, refresh, 10 000 segments."""

from __future__ import annotations

import copy

import plotly.graph_objects as go
import pytest
from plotly.callbacks import Points

from nemo_widgets.draft import Draft, Segment, SessionState
from nemo_widgets.widgets.timeline import BAR_LIMIT, KINDS, LABEL_LIMIT, Timeline

try:
    from .fakes import FakeSession
except ImportError:  # tests/widgets is not a package
    from fakes import FakeSession

URBAN = {
    "d": 10000,
    "m": {"title": "Urban Dreams", "width": 1080, "height": 1920, "fps": 30, "ratio": "9:16"},
    "t": [
        {"id": "trk_v1", "tt": 0, "n": "Video",
         "sg": [{"id": "seg_v1", "st": 0, "et": 10000, "so": 0,
                 "src": "https://cdn.example.com/gen/city_timelapse.mp4", "nm": "city timelapse"}]},
        {"id": "trk_a1", "tt": 1, "n": "BGM",
         "sg": [{"id": "seg_a1", "st": 0, "et": 10000, "src": "https://cdn.example.com/lofi.mp3",
                 "nm": "Lo-fi", "vol": 0.35}]},
        {"id": "trk_t1", "tt": 7, "n": "Title", "k": "title",
         "sg": [{"id": "seg_t1", "st": 0, "et": 3000, "txt": "Urban Dreams",
                 "sty": {"color": "#FFFFFF", "size": 32, "pos": "top-center"}}]},
        {"id": "trk_c1", "tt": 7, "n": "Captions (en)", "k": "caption", "lang": "en",
         "sg": [{"id": "c1", "st": 500, "et": 1500, "txt": "<b>hi</b> there"},
                {"id": "c2", "st": 1500, "et": 2750, "txt": "second cue"}]},
    ],
}  # fmt: skip


def captions_draft(n: int) -> dict:
    cues = [
        {"id": f"c{i}", "st": i * 300, "et": i * 300 + 280, "txt": f"cue {i}"} for i in range(n)
    ]
    return {
        "d": n * 300,
        "t": [
            {"id": "v", "tt": 0, "n": "Video", "sg": [{"id": "v1", "st": 0, "et": n * 300}]},
            {"id": "c", "tt": 7, "n": "Captions (en)", "k": "caption", "sg": cues},
        ],
    }


def trace_named(fig, name):
    return next(t for t in fig.data if t.name == name)


def click(tl: Timeline, trace_name: str, point: int) -> None:
    """What plotly's front end does on a click: a points callback on the clicked trace."""
    index = next(i for i in tl._model.refs if tl.fig.data[i].name == trace_name)
    trace = tl.fig.data[index]
    trace._dispatch_on_click(
        Points(point_inds=[point], xs=[0], ys=[0], trace_name=trace.name, trace_index=index), None
    )


def test_one_row_per_track_and_one_trace_per_kind():
    fig = Timeline.figure(URBAN)
    assert isinstance(fig, go.Figure)
    assert list(fig.layout.yaxis.ticktext) == [
        "1. Video", "2. BGM", "3. Title", "4. Captions (en)"
    ]  # fmt: skip
    bars = [t for t in fig.data if t.type == "bar" and t.name != "selected"]
    assert [t.name for t in bars] == ["Video", "Audio", "Text / title", "Captions"]
    assert [t.marker.color for t in bars] == [KINDS[k][1] for k in KINDS][:4]
    cap = trace_named(fig, "Captions")
    assert list(cap.y) == [3, 3] and list(cap.base) == [0.5, 1.5]
    assert list(cap.x) == pytest.approx([1.0, 1.25])
    # the canvas and duration are in the title
    title = fig.layout.title.text
    assert "1080×1920 (9:16)" in title and "10 s" in title and "Urban Dreams" in title


def test_hover_has_exact_times_and_details_and_escapes_html():
    fig = Timeline.figure(URBAN)
    (title_hover,) = trace_named(fig, "Text / title").hovertext
    assert "0.000–3.000 s (0–3000 ms)" in title_hover
    assert "pos: top-center" in title_hover
    (bgm_hover,) = trace_named(fig, "Audio").hovertext
    assert "volume: 35%" in bgm_hover and "source: lofi.mp3" in bgm_hover
    cue_hover = trace_named(fig, "Captions").hovertext[0]
    assert "<b>hi</b>" not in cue_hover and "&lt;b&gt;hi&lt;/b&gt;" in cue_hover
    labels = trace_named(fig, "labels").text
    assert "Urban Dreams" in labels
    assert any(t.startswith("&lt;b&gt;hi") for t in labels)  # cut to fit its 1 s bar, escaped


def test_click_selects_the_segment_and_fills_the_details_panel():
    tl = Timeline(draft=URBAN)
    assert tl.selected is None
    click(tl, "Captions", 1)
    assert isinstance(tl.selected, Segment)
    assert tl.selected.id == "c2" and tl.selected.start_ms == 1500
    assert "second cue" in tl.details.value and "1500–2750 ms" in tl.details.value
    sel = trace_named(tl.fig, "selected")
    assert list(sel.y) == [3] and list(sel.base) == [1.5]


def test_refreshes_after_a_session_draft_event_and_an_upload():
    session = FakeSession()
    session.state_value = SessionState(draft=Draft.from_state(URBAN))
    tl = Timeline(session, draft={})
    assert tl.fig.layout.annotations  # empty timeline says what to do
    edited = copy.deepcopy(URBAN)
    edited["t"][2]["sg"].append({"id": "seg_t2", "st": 4000, "et": 7000, "txt": "Hello"})
    session.emit("draft", Draft.from_state(edited))
    assert "Hello" in trace_named(tl.fig, "labels").text
    assert len(trace_named(tl.fig, "Text / title").base) == 2


async def test_upload_event_fetches_the_state_in_the_background():
    session = FakeSession()
    session.state_value = SessionState(draft=Draft.from_state(URBAN))
    tl = Timeline(session, draft={})
    session.emit("uploads", ["clip.mp4"])
    await tl.wait()
    assert tl.draft is not None and len(tl.draft.tracks) == 4
    tl.close()
    session.emit("draft", Draft())  # unsubscribed: nothing happens
    assert len(tl.draft.tracks) == 4


def test_refresh_without_a_session_says_what_to_do():
    tl = Timeline(draft=URBAN)
    with pytest.raises(RuntimeError, match=r"show\(draft\)"):
        tl.refresh()


def test_ten_thousand_segments_use_a_bounded_number_of_webgl_traces():
    tl = Timeline(draft=captions_draft(10_000))
    fig = tl.fig
    assert BAR_LIMIT < 10_000
    assert len(fig.data) <= 2 * len(KINDS) + 2  # never a trace per segment
    assert {t.type for t in fig.data} >= {"scattergl"}
    assert not fig.layout.shapes
    # too many labels to draw: none until zoomed in
    labels = trace_named(fig, "labels")
    assert not labels.text
    fig.plotly_relayout({"xaxis.range[0]": 0, "xaxis.range[1]": 6})
    shown = trace_named(fig, "labels").text
    assert 0 < len(shown) <= LABEL_LIMIT and "cue 0" in shown
    # clicks map back to segments through the marker trace
    click(tl, "Captions", 9999)
    assert tl.selected.id == "c9999"


# ------------------------------------------------------------------------ real engine
async def test_timeline_follows_an_edit_on_the_real_engine(engine):
    from nemo_widgets.session import aconnect

    session = await aconnect(base_url=engine.url)
    try:
        tl = Timeline(session)
        await tl.wait()
        assert tl.fig.layout.annotations  # a fresh session: empty timeline
        reply = await session.achat("add a title 'Hello' for 3 seconds")
        assert "Hello" in str(reply)
        # achat re-reads the state; its "draft" event redrew the timeline
        assert "Hello" in trace_named(tl.fig, "labels").text
        (title,) = trace_named(tl.fig, "Text / title").hovertext
        assert "0.000–3.000 s (0–3000 ms)" in title
        click(tl, "Text / title", 0)
        assert tl.selected.text == "Hello"
        tl.close()
    finally:
        await session.aclose()


def test_labels_are_cut_to_their_bar_and_grow_when_zoomed_in():
    tl = Timeline(draft=URBAN)
    labels = trace_named(tl.fig, "labels")
    cue = next(t for t in labels.text if t.startswith("&lt;b&gt;"))
    assert cue.endswith("…")
    tl.fig.plotly_relayout({"xaxis.range[0]": 0.4, "xaxis.range[1]": 1.6})
    assert "&lt;b&gt;hi&lt;/b&gt; there" in trace_named(tl.fig, "labels").text


def test_empty_note_leaves_the_browser_when_segments_arrive():
    """Regression: the "Empty timeline" note stayed on screen once segments arrived.

    A replaced layout object reaches the browser without its empty keys (annotations=[]) or
    missing ones (yaxis.visible), and plotly.js keeps what it is not told to change: what is
    sent must set them explicitly.
    """
    session = FakeSession()
    session.state_value = SessionState(draft=Draft.from_state({"t": []}))
    tl = Timeline(draft=session.state_value)
    assert "Empty timeline" in tl.fig.layout.annotations[0].text
    tl.fig._repr_mimebundle_()  # displayed: the synced layout holds the note
    assert "Empty timeline" in str(tl.fig._widget_layout["annotations"])
    sent: list[dict] = []
    relayout, update = tl.fig._send_relayout_msg, tl.fig._send_update_msg

    def spy_relayout(data, *args, **kwargs):
        sent.append(dict(data))
        return relayout(data, *args, **kwargs)

    def spy_update(*args, **kwargs):
        sent.append(dict(kwargs.get("relayout_data", args[1] if len(args) > 1 else {})))
        return update(*args, **kwargs)

    tl.fig._send_relayout_msg, tl.fig._send_update_msg = spy_relayout, spy_update
    tl.show(SessionState(draft=Draft.from_state(URBAN)))
    assert tl.fig.layout.annotations == ()
    assert tl.fig.layout.yaxis.visible is True and "Urban Dreams" in tl.fig.layout.title.text
    # what the front end is told: the note removed, the rows shown, the new title and range
    told: dict = {}
    for data in sent:
        told.update(data)
    assert told.get("annotations") == [], told.keys()
    assert told["yaxis"]["visible"] is True
    assert "Urban Dreams" in told["title"]["text"] and told["xaxis"]["range"] == [0, 10.0]
    tl.fig._repr_mimebundle_()
    assert "Empty timeline" not in str(tl.fig._widget_layout.get("annotations"))
    # and back to empty: the note and the hidden axis are sent again
    sent.clear()
    tl.show({"t": []})
    told = {k: v for data in sent for k, v in data.items()}
    assert "Empty timeline" in str(told["annotations"]) and told["yaxis"]["visible"] is False
    # zoom still culls labels after redraws (one callback, on the kept layout object)
    tl.show(URBAN)
    tl.fig.plotly_relayout({"xaxis.range[0]": 0.4, "xaxis.range[1]": 1.6})
    assert "&lt;b&gt;hi&lt;/b&gt; there" in trace_named(tl.fig, "labels").text


def test_labels_on_every_bar_colour_meet_wcag_aa():
    from nemo_widgets.widgets.timeline import _luminance, text_on

    for name, colour in KINDS.values():
        fg = text_on(colour)
        lo, hi = sorted((_luminance(fg), _luminance(colour)))
        assert (hi + 0.05) / (lo + 0.05) >= 4.5, (name, colour, fg)


def test_the_figure_follows_the_theme_the_front_end_reports():
    tl = Timeline(draft=copy.deepcopy(URBAN))
    assert tl.fig.layout.template.layout.paper_bgcolor.lower() in ("white", "#ffffff")
    assert tl.fig.layout.paper_bgcolor == "rgba(0,0,0,0)"  # the notebook shows through
    tl.select(0, 0)
    tl.probe.theme = "dark"  # what theme.js does when the page is (or turns) dark
    assert tl.theme == "dark"
    assert tl.fig.layout.template.layout.paper_bgcolor == "rgb(17,17,17)"  # plotly_dark
    assert tl.selected is not None  # the selection survives the redraw
    tl.probe.theme = "light"
    assert tl.fig.layout.template.layout.paper_bgcolor.lower() in ("white", "#ffffff")
    with pytest.raises(ValueError, match="theme"):
        Timeline.figure(URBAN, theme="sepia")


def test_width_reported_by_the_front_end_sizes_the_figure():
    tl = Timeline(draft=copy.deepcopy(URBAN))
    tl.probe.width = 584
    assert tl.fig.layout.width == 584
    tl.probe.width = 50  # hidden or not laid out: keep the last size
    assert tl.fig.layout.width == 584


def test_a_reconnecting_page_gets_the_figure_as_it_is_now():
    """After a page reload with the kernel alive, a new view renders from the full state."""
    tl = Timeline()
    tl.show(copy.deepcopy(URBAN))
    state = tl.fig.get_state()
    names = [t.get("name") for t in state["_widget_data"]]
    assert "Video" in names and "labels" in names
    assert "segments" in state["_widget_layout"]["title"]["text"]
