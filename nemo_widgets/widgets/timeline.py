"""The timeline: the session's draft as a plotly figure, one row per track, click to inspect.

Built on :class:`plotly.graph_objects.FigureWidget` (no custom JavaScript). Caption-heavy
drafts have thousands of segments, so the figure never uses one trace or shape per segment:
segments are drawn as one trace per track kind (video / audio / title / caption / storyboard)
-- horizontal bars (``go.Bar(base=start, x=duration)``) up to :data:`BAR_LIMIT` segments,
WebGL line strokes (``go.Scattergl``) above that -- and text labels are one extra trace that
only carries the labels of what is visible, when few enough are (:data:`LABEL_LIMIT`).

:meth:`Timeline.figure` is a pure function of a draft, usable without a session.

Theme. Plotly draws with colours it is given, not the notebook's CSS, so the figure follows the
theme through the kernel: a zero-size :class:`ThemeProbe` view reads the page's theme
(JupyterLab's ``data-jp-theme-light``, else the luminance of the background it sits on) and
reports it, also when the user switches themes; the timeline then redraws with the matching
plotly template (``plotly_white`` / ``plotly_dark``) on a transparent canvas, and labels on
bars in black or white, whichever reads better on that bar's colour.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

import anywidget
import ipywidgets
import numpy as np
import plotly.graph_objects as go
import traitlets

from .. import schema
from ..draft import Draft, Segment, SessionState, Track, fmt_s
from ._protocol import SessionLike
from ._static import STATIC, widget_css
from ._tasks import TaskGroup, error_text

#: Above this many segments the bars become WebGL strokes (SVG bars get slow to pan).
BAR_LIMIT = 2000
#: Text labels are drawn only when at most this many labelled segments are visible.
LABEL_LIMIT = 150
#: Characters of a label drawn on the timeline (hover shows the whole text).
LABEL_CHARS = 28
#: Assumed width of the plot area (px) and of one label character (px), to cut labels.
PLOT_PX = 700
CHAR_PX = 6.5

# kind -> (legend name, colour); order is the legend order.
KINDS: dict[str, tuple[str, str]] = {
    "video": ("Video", "#4C78A8"),
    "audio": ("Audio", "#54A24B"),
    "title": ("Text / title", "#F58518"),
    "caption": ("Captions", "#B279A2"),
    "storyboard": ("Storyboard", "#72B7B2"),
    "other": ("Other", "#9D9D9D"),
}


#: What the figure's own colours are, per notebook theme: the plotly template, text (labels
#: off the bars, the empty-timeline note), the lines between bars and the selection outline.
THEMES: dict[str, dict[str, str]] = {
    "light": {
        "template": "plotly_white",
        "muted": "#5f6368",
        "separator": "#ffffff",
        "selection": "#c62828",
    },
    "dark": {
        "template": "plotly_dark",
        "muted": "#b0b4b9",
        "separator": "#212121",
        "selection": "#ff8a80",
    },
}


def _luminance(hex_colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def text_on(hex_colour: str) -> str:
    """Black or white, whichever contrasts more with ``hex_colour`` (WCAG ratio)."""
    lum = _luminance(hex_colour)
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


def track_kind(track: Track) -> str:
    """Which colour family a track belongs to (``video``, ``audio``, ``title``, ...)."""
    k = track.kind
    if k in (schema.TrackKind.CAPTION, schema.TrackKind.STORYBOARD, schema.TrackKind.TITLE):
        return str(k)
    if k in (schema.TrackKind.MUSIC, schema.TrackKind.AUDIO):
        return "audio"
    if k in (schema.TrackKind.VIDEO, schema.TrackKind.OVERLAY):
        return "video"
    return {
        schema.TrackType.VIDEO: "video",
        schema.TrackType.AUDIO: "audio",
        schema.TrackType.TEXT: "title",
    }.get(track.type, "other")


def _as_draft(value: Any) -> Draft:
    if isinstance(value, Draft):
        return value
    if isinstance(value, SessionState):
        return value.draft
    if value is None:
        return Draft()
    return Draft.from_state(value)


def _esc(value: Any) -> str:
    # Hover text is plotly's pseudo-HTML: backend strings must not add tags to it.
    return html.escape(str(value), quote=False)


def _short(text: str, n: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def segment_details(track: Track, seg: Segment) -> list[tuple[str, str]]:
    """(name, value) rows describing a segment: times in s and ms, source, volume, style."""
    rows = [
        ("track", f"{track.name} ({KINDS[track_kind(track)][0]})"),
        (
            "time",
            f"{seg.start_ms / 1000:.3f}–{seg.end_ms / 1000:.3f} s ({seg.start_ms}–{seg.end_ms} ms)",
        ),
        ("duration", f"{seg.duration_ms / 1000:.3f} s ({seg.duration_ms} ms)"),
    ]
    if seg.text:
        rows.append(("text", seg.text))
    elif seg.label:
        rows.append(("label", seg.label))
    if seg.source:
        rows.append(("source", seg.source.rsplit("/", 1)[-1] or seg.source))
    if seg.volume is not None:
        rows.append(("volume", f"{round(seg.volume * 100)}%"))
    if seg.style:
        rows.append(("style", ", ".join(f"{k}: {v}" for k, v in seg.style.items())))
    if track.lang:
        rows.append(("language", str(track.lang)))
    if track.hidden:
        rows.append(("shown", "no (hidden track)"))
    if seg.id:
        rows.append(("id", seg.id))
    return rows


def _track_hover(track: Track) -> str:
    """The hover lines every segment of a track shares (computed once per track)."""
    line = f"track: {_esc(track.name)} ({KINDS[track_kind(track)][0]})"
    if track.lang:
        line += f"<br>language: {_esc(track.lang)}"
    if track.hidden:
        line += "<br>shown: no (hidden track)"
    return line


def _hover(track_line: str, seg: Segment) -> str:
    """Hover text of one segment (the same facts as :func:`segment_details`, built fast:
    caption-heavy drafts call this ten thousand times)."""
    name = seg.text or seg.label or (seg.source or "").rsplit("/", 1)[-1] or "segment"
    if len(name) > 60 or "\n" in name:
        name = _short(name, 60)
    s, e = seg.start_ms, seg.end_ms
    d = e - s
    text = (
        f"<b>{_esc(name)}</b><br>{track_line}<br>"
        f"time: {s / 1000:.3f}–{e / 1000:.3f} s ({s}–{e} ms)<br>"
        f"duration: {d / 1000:.3f} s ({d} ms)"
    )
    if seg.source:
        text += f"<br>source: {_esc(_short(seg.source.rsplit('/', 1)[-1] or seg.source, 80))}"
    if seg.volume is not None:
        text += f"<br>volume: {round(seg.volume * 100)}%"
    if seg.style:
        style = ", ".join(f"{k}: {v}" for k, v in seg.style.items())
        text += f"<br>style: {_esc(_short(style, 80))}"
    return text


@dataclass
class _Layer:
    """Segments of one kind, as parallel arrays (what one trace draws)."""

    rows: list[int] = field(default_factory=list)
    start_s: list[float] = field(default_factory=list)
    end_s: list[float] = field(default_factory=list)
    hover: list[str] = field(default_factory=list)
    refs: list[tuple[int, int]] = field(default_factory=list)  # (track index, segment index)


@dataclass
class _Model:
    """What a built figure draws, kept so that clicks and zooms map back to segments."""

    draft: Draft
    row_names: list[str]
    # per trace index: the (track, segment) of each point, for the traces that can be clicked
    refs: dict[int, list[tuple[int, int]]] = field(default_factory=dict)
    # every labelled segment: (start_s, end_s, row, label)
    labels: list[tuple[float, float, int, str, str]] = field(default_factory=list)
    label_trace: int | None = None
    selection_trace: int | None = None


def _row_names(draft: Draft) -> list[str]:
    names = []
    for i, t in enumerate(draft.tracks, 1):
        name = f"{i}. {t.name}"
        names.append(name + " (hidden)" if t.hidden else name)
    return names


def _title(draft: Draft, canvas: dict[str, Any] | None) -> str:
    meta = {**(canvas or {}), **{k: v for k, v in draft.meta.items() if v not in (None, "")}}
    parts = [_esc(meta.get("title") or "Timeline")]
    w, h = meta.get("width"), meta.get("height")
    if w and h:
        ratio = meta.get("ratio")
        parts.append(f"{w}×{h}" + (f" ({_esc(ratio)})" if ratio else ""))
    dur = draft.duration_ms
    parts.append(f"{fmt_s(dur)} s" if dur is not None else "no duration")
    n = len(draft.segments)
    parts.append(f"{n} segment{'s' if n != 1 else ''}")
    return " · ".join(parts)


def _visible_labels(
    labels: list[tuple[float, float, int, str, str]],
    x0: float | None,
    x1: float | None,
    span: float | None = None,
) -> tuple[list[float], list[int], list[str], list[str]]:
    """Labels inside [x0, x1], each cut to what fits on its bar; nothing when too many.

    Pixel widths are unknown in the kernel, so the fit assumes a plot about
    :data:`PLOT_PX` wide: a label gets the characters its share of the visible span allows.
    """
    if x0 is None or x1 is None:
        shown = labels
    else:
        shown = [lab for lab in labels if lab[1] >= x0 and lab[0] <= x1]
    if len(shown) > LABEL_LIMIT:
        return [], [], [], []
    if x0 is not None and x1 is not None:
        span = x1 - x0
    if not span or span <= 0:
        span = max((lab[1] for lab in labels), default=1.0) or 1.0
    xs, ys, texts, colours = [], [], [], []
    for start, end, row, text, colour in shown:
        lo = start if x0 is None else max(start, x0)
        hi = end if x1 is None else min(end, x1)
        fits = int((hi - lo) / span * PLOT_PX / CHAR_PX)
        if fits < 3:
            continue  # too narrow for any text: the hover still has it
        xs.append((lo + hi) / 2)
        ys.append(row)
        texts.append(_esc(_short(text, min(fits, LABEL_CHARS))))
        colours.append(colour)
    return xs, ys, texts, colours


def _end_s(d: Draft, layers: dict[str, _Layer]) -> float:
    ends = [max(layer.end_s, default=0.0) for layer in layers.values()]
    return max([(d.duration_ms or 0) / 1000, *ends])


def build_figure(
    draft: Any, *, canvas: dict[str, Any] | None = None, theme: str = "light"
) -> tuple[list[dict[str, Any]], dict[str, Any], _Model]:
    """Traces and layout (plain dicts, validated once by whoever builds the figure) + index.

    Rows are numbers (0 = first track, drawn at the top) with the track names as tick
    labels: numeric arrays are far cheaper for plotly to validate and serialise than
    thousands of repeated category strings.
    """
    if theme not in THEMES:
        raise ValueError(f"theme must be one of {', '.join(THEMES)} (got {theme!r})")
    look = THEMES[theme]
    d = _as_draft(draft)
    rows = _row_names(d)
    layers: dict[str, _Layer] = {k: _Layer() for k in KINDS}
    labels: list[tuple[float, float, int, str, str]] = []
    for ti, track in enumerate(d.tracks):
        kind = track_kind(track)
        layer = layers[kind]
        label_colour = text_on(KINDS[kind][1])
        track_line = _track_hover(track)
        for si, seg in enumerate(track.segments):
            s, e = seg.start_ms / 1000, seg.end_ms / 1000
            layer.rows.append(ti)
            layer.start_s.append(s)
            layer.end_s.append(e)
            layer.hover.append(_hover(track_line, seg))
            layer.refs.append((ti, si))
            text = seg.text or seg.label
            if text:
                labels.append((s, e, ti, text, label_colour))
    n = sum(len(layer.refs) for layer in layers.values())
    use_gl = n > BAR_LIMIT
    model = _Model(d, rows, labels=labels)
    traces: list[dict[str, Any]] = []
    for kind, layer in layers.items():
        if not layer.refs:
            continue
        name, colour = KINDS[kind]
        start = np.asarray(layer.start_s, dtype=float)
        end = np.asarray(layer.end_s, dtype=float)
        y = np.asarray(layer.rows, dtype=float)
        if not use_gl:
            traces.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "y": y,
                    "base": start,
                    "x": end - start,
                    "width": 0.62,
                    "name": name,
                    "marker": {"color": colour, "line": {"color": look["separator"], "width": 1}},
                    "hovertext": layer.hover,
                    "hovertemplate": "%{hovertext}<extra></extra>",
                }
            )
            model.refs[len(traces) - 1] = layer.refs
            continue
        # Strokes: x = s0, e0, NaN, s1, e1, NaN, ... (one polyline broken by gaps).
        m = len(start)
        xs = np.empty(3 * m)
        xs[0::3], xs[1::3], xs[2::3] = start, end, np.nan
        ys = np.empty(3 * m)
        ys[0::3], ys[1::3], ys[2::3] = y, y, np.nan
        traces.append(
            {
                "type": "scattergl",
                "x": xs,
                "y": ys,
                "mode": "lines",
                "name": name,
                "legendgroup": kind,
                "line": {"color": colour, "width": 18 if len(rows) > 12 else 22},
                "hoverinfo": "skip",
                "connectgaps": False,
            }
        )
        # Hover and click targets: one small marker per segment, at its middle.
        traces.append(
            {
                "type": "scattergl",
                "x": (start + end) / 2,
                "y": y,
                "mode": "markers",
                "name": name,
                "legendgroup": kind,
                "showlegend": False,
                "marker": {
                    "color": look["separator"],
                    "size": 5,
                    "line": {"color": colour, "width": 1},
                },
                "hovertext": layer.hover,
                "hovertemplate": "%{hovertext}<extra></extra>",
            }
        )
        model.refs[len(traces) - 1] = layer.refs
    if traces:
        xs_l, ys_l, texts, colours = _visible_labels(labels, None, None, span=_end_s(d, layers))
        traces.append(
            {
                "type": "scatter",
                "x": xs_l,
                "y": ys_l,
                "text": texts,
                "mode": "text",
                "textposition": "middle center",
                "textfont": {"size": 11, "color": colours},
                "hoverinfo": "skip",
                "showlegend": False,
                "name": "labels",
            }
        )
        model.label_trace = len(traces) - 1
        # The selected segment, outlined (empty until a click).
        traces.append(
            {
                "type": "bar",
                "orientation": "h",
                "y": [],
                "x": [],
                "base": [],
                "width": 0.8,
                "name": "selected",
                "showlegend": False,
                "marker": {
                    "color": "rgba(0,0,0,0)",
                    "line": {"color": look["selection"], "width": 3},
                },
                "hoverinfo": "skip",
            }
        )
        model.selection_trace = len(traces) - 1
    end_s = _end_s(d, layers)
    layout: dict[str, Any] = {
        "title": {"text": _title(d, canvas), "x": 0.01, "font": {"size": 14}},
        "template": look["template"],
        # Transparent: the notebook's own background shows through, in any theme.
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "barmode": "overlay",
        "height": max(220, 110 + 36 * len(rows)),
        "margin": {"l": 10, "r": 10, "t": 60, "b": 40},
        "hovermode": "closest",
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "left", "x": 0},
        "xaxis": {"title": {"text": "time (s)"}, "range": [0, max(end_s, 1.0)], "zeroline": False},
        "yaxis": {
            "tickmode": "array",
            "tickvals": list(range(len(rows))),
            "ticktext": rows,
            "range": [len(rows) - 0.5, -0.5],  # first track at the top
            "fixedrange": True,  # zoom and pan in time only
            "automargin": True,
            "zeroline": False,
            "showgrid": False,
        },
        "annotations": [],
    }
    if not traces:
        layout["annotations"] = [
            {
                "text": "Empty timeline: upload a clip or ask for an edit",
                "showarrow": False,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 0.5,
                "font": {"size": 14, "color": look["muted"]},
            }
        ]
    # Set whether there are rows or not: a widget update sends only the keys it sets, so a
    # key that is merely absent would keep its old value on screen.
    layout["yaxis"]["visible"] = bool(traces)
    return traces, layout, model


class ThemeProbe(anywidget.AnyWidget):
    """A hidden view that tells the kernel the notebook's theme and the figure's room.

    Every view reports on render and again when the page's theme changes (JupyterLab's
    theme menu, VS Code's colour theme) or its column is resized, so a reloaded page, a theme
    switch or a narrower window redraws the figure it belongs to. It also carries the
    stylesheet the timeline's HTML parts use.
    """

    _esm = STATIC / "theme.js"
    _css = widget_css()

    theme = traitlets.Unicode("light").tag(sync=True)
    """``"light"`` or ``"dark"``, as the front end last reported it."""

    width = traitlets.Int(0).tag(sync=True)
    """Width in px of the column the figure is drawn in (0 until a view reports it)."""


class _Figure(go.FigureWidget):
    """A FigureWidget whose full state is the figure as it is now.

    plotly's FigureWidget renders a new view from ``_widget_data`` / ``_widget_layout``,
    which it fills only when the figure itself is displayed (``_repr_mimebundle_``); later
    edits travel as deltas. Inside a container (our HBox) it is never displayed itself, so
    after a page reload with the kernel alive a view would draw the empty figure of the
    start. The full state (asked for by a reconnecting page, and saved with the notebook)
    is therefore built from the current figure here.
    """

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        state = super().get_state(key, drop_defaults=drop_defaults)
        # (while plotly's constructor opens the comm, the figure itself does not exist yet)
        if key is None and "_layout_obj" in vars(self):
            fresh = {
                "_widget_data": deepcopy(self._data),
                "_widget_layout": deepcopy(self._layout_obj._props),
            }
            for name, value in fresh.items():
                to_json = self.trait_metadata(name, "to_json", self._trait_to_json)
                state[name] = to_json(value, self)
        return state


class Timeline(ipywidgets.HBox):
    """The session's draft as a plotly timeline, refreshed after every edit.

    Parameters
    ----------
    session : Session, optional
        Its ``observe`` events (``"draft"``, ``"uploads"``) redraw the timeline. Without a
        session, pass ``draft`` and call :meth:`show` to update.
    draft : Draft or dict, optional
        What to draw first (default: the session's last fetched draft).

    Attributes
    ----------
    fig : plotly.graph_objects.FigureWidget
        The figure (zoom in time with the mouse; click a segment to select it).
    details : ipywidgets.HTML
        The selected segment's details.
    probe : ThemeProbe
        Reports the notebook's theme and the figure's width from the front end.
    """

    selected = traitlets.Any(None, allow_none=True)
    """The clicked :class:`~nemo_widgets.Segment` (``None`` until a click)."""

    draft = traitlets.Instance(Draft, allow_none=True)
    """The draft on show."""

    theme = traitlets.Unicode("light")
    """The notebook's theme (``"light"`` / ``"dark"``) as the front end reports it; the figure
    is drawn with the matching plotly template."""

    def __init__(
        self, session: SessionLike | None = None, *, draft: Any = None, **kwargs: Any
    ) -> None:
        self.fig = _Figure()
        self.probe = ThemeProbe(layout=ipywidgets.Layout(width="0", height="0"))
        self.details = ipywidgets.HTML(
            value=self._details_html(None),
            layout=ipywidgets.Layout(width="260px", min_width="220px", padding="0 0 0 8px"),
        )
        self.errors = ipywidgets.Output()
        # The figure's column takes what the details panel leaves (basis 0, not the figure's
        # own width), and the figure is sized to it from the probe's report.
        main = ipywidgets.VBox(
            [self.probe, self.fig, self.errors],
            layout=ipywidgets.Layout(flex="1 1 0%", min_width="0", overflow="hidden"),
        )
        kwargs.setdefault("layout", ipywidgets.Layout(width="100%", align_items="flex-start"))
        super().__init__([main, self.details], **kwargs)
        self.add_class("nw-timeline")
        self._session = session
        self._model: _Model | None = None
        self._canvas: dict[str, Any] | None = None
        self._tasks = TaskGroup(self._show_error)
        self._unsubscribe: Callable[[], None] | None = None
        if draft is None and session is not None:
            draft = session.draft
        self.show(draft)
        self.probe.observe(self._on_theme, "theme")
        self.probe.observe(self._on_width, "width")
        # the layout object is kept across redraws: follow the time range (label culling)
        self.fig.layout.on_change(self._on_zoom, "xaxis.range")
        if session is not None:
            self._unsubscribe = session.observe(self._on_session_event)
        if session is not None and self.draft is not None and not self.draft.tracks:
            # Nothing fetched yet (e.g. a resumed session): fetch in the background when a
            # loop runs (a notebook kernel), without blocking the cell that built us.
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                pass
            else:
                self._tasks.start(self.arefresh())

    # -- pure figure -----------------------------------------------------------------------
    @staticmethod
    def figure(
        draft: Any, *, canvas: dict[str, Any] | None = None, theme: str = "light"
    ) -> go.Figure:
        """The timeline figure of a draft (a plain ``go.Figure``; no session needed).

        Parameters
        ----------
        draft : Draft, SessionState or dict
            A decoded draft, a state, or the raw ``t``/``tt``/``sg`` dict.
        canvas : dict, optional
            ``canvas_config`` (``width``, ``height``, ``ratio``) when the draft's ``m`` has none.
        theme : {"light", "dark"}
            The plotly template to draw with (a static figure cannot read the page's theme).
        """
        traces, layout, _ = build_figure(draft, canvas=canvas, theme=theme)
        return go.Figure(data=traces, layout=layout)

    # -- updating --------------------------------------------------------------------------
    def show(self, draft: Any, *, canvas: dict[str, Any] | None = None) -> None:
        """Draw ``draft`` (a Draft, a SessionState or a raw draft dict)."""
        if isinstance(draft, SessionState):
            canvas = canvas or draft.canvas
        # A "draft" event carries no canvas: keep the one the last state had.
        canvas = self._canvas = canvas or self._canvas
        d = _as_draft(draft)
        traces, layout, model = build_figure(d, canvas=canvas, theme=self.theme)
        with self.fig.batch_update():
            self.fig.data = ()
            self.fig.add_traces(traces)
            # Update the layout in place, every key given (annotations=[] included): a new
            # layout object is sent without its empty or missing keys, and the browser then
            # keeps the old ones (the "Empty timeline" note stayed over the segments).
            self.fig.update_layout(layout, overwrite=True)
        for index in model.refs:
            self.fig.data[index].on_click(self._on_click)
        self._model = model
        self.draft = d
        self.selected = None
        self.details.value = self._details_html(None)

    def refresh(self) -> None:
        """Fetch the session's state and redraw (from a notebook cell)."""
        if self._session is None:
            raise RuntimeError("This timeline has no session: call timeline.show(draft) instead.")
        self.show(self._session.state())

    async def arefresh(self) -> None:
        """Fetch the session's state and redraw (from async code and event handlers)."""
        if self._session is None:
            raise RuntimeError("This timeline has no session: call timeline.show(draft) instead.")
        state = await self._session.astate()
        # astate() already announced a changed draft (and our observer drew it).
        if self.draft is None or self.draft.raw != state.draft.raw or not self._canvas:
            self.show(state)

    def close(self) -> None:
        """Stop following the session and close the widgets."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._tasks.cancel_all()
        super().close()

    async def wait(self) -> None:
        """Await background refreshes (tests use this)."""
        await self._tasks.wait()

    def _on_session_event(self, kind: str, payload: Any) -> None:
        # The session announces every new draft itself (after uploads, turns, exports), so
        # only "draft" events redraw: nothing here fetches, nothing can race.
        if kind != "draft":
            return
        try:
            self.show(payload)
        except Exception as exc:
            self._show_error(exc)

    def _on_width(self, change: dict[str, Any]) -> None:
        width = int(change["new"] or 0)
        if width < 200:  # not laid out yet, or hidden: keep plotly's own size
            return
        current = self.fig.layout.width
        if current is None or abs(current - width) > 8:
            self.fig.layout.width = width

    def _on_theme(self, change: dict[str, Any]) -> None:
        theme = change["new"] if change["new"] in THEMES else "light"
        if theme == self.theme:
            return
        self.theme = theme
        if self.draft is not None:
            selected = self.selected
            self.show(self.draft)
            if selected is not None:
                self._reselect(selected)

    def _show_error(self, exc: BaseException) -> None:
        self.errors.clear_output()
        with self.errors:
            print(error_text(exc))

    # -- interaction -----------------------------------------------------------------------
    def _on_click(self, trace: Any, points: Any, _state: Any) -> None:
        if self._model is None or not points.point_inds:
            return
        index = self.fig.data.index(trace) if trace in self.fig.data else points.trace_index
        refs = self._model.refs.get(index)
        if not refs:
            return
        ti, si = refs[points.point_inds[0]]
        self.select(ti, si)

    def select(self, track_index: int, segment_index: int) -> Segment:
        """Select a segment by position (what a click does); returns it."""
        if self._model is None:
            raise RuntimeError("Nothing is drawn yet.")
        track = self._model.draft.tracks[track_index]
        seg = track.segments[segment_index]
        self.selected = seg
        self.details.value = self._details_html((track, seg))
        if self._model.selection_trace is not None:
            trace = self.fig.data[self._model.selection_trace]
            with self.fig.batch_update():
                trace.y = [track_index]
                trace.base = [seg.start_s]
                trace.x = [max(seg.end_s - seg.start_s, 0.0)]
        return seg

    def _on_zoom(self, _layout: Any, xrange: Any) -> None:
        if self._model is None or self._model.label_trace is None:
            return
        x0, x1 = (xrange or (None, None))[:2] if xrange else (None, None)
        xs, ys, texts, colours = _visible_labels(self._model.labels, x0, x1)
        trace = self.fig.data[self._model.label_trace]
        if list(trace.text or ()) == texts and list(trace.x or ()) == xs:
            return
        with self.fig.batch_update():
            trace.x, trace.y, trace.text = xs, ys, texts
            trace.textfont.color = colours

    def _reselect(self, seg: Segment) -> None:
        for ti, track in enumerate(self.draft.tracks if self.draft else ()):
            for si, other in enumerate(track.segments):
                if other is seg or (seg.id and other.id == seg.id):
                    self.select(ti, si)
                    return

    @staticmethod
    def _details_html(selection: tuple[Track, Segment] | None) -> str:
        if selection is None:
            return (
                "<div class='nw-timeline-details'><b>Details</b><br>"
                "<span class='nw-muted'>Click a segment to see its times, source and "
                "style.</span></div>"
            )
        track, seg = selection
        rows = "".join(
            f"<tr><td class='nw-muted' style='padding-right:6px;vertical-align:top'>{_esc(k)}</td>"
            f"<td style='word-break:break-word'>{_esc(v)}</td></tr>"
            for k, v in segment_details(track, seg)
        )
        return (
            "<div class='nw-timeline-details'><b>Selected segment</b>"
            f"<table style='font-size:12px;margin-top:4px'>{rows}</table></div>"
        )
