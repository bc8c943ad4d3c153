"""Timeline figure build time for 100 / 1 000 / 10 000 segments vs. ``plotly.express.timeline``.

What: ``Timeline.figure(draft)`` (the pure ``go.Figure``) and ``Timeline.show(draft)`` (the
FigureWidget update a notebook sees), both including hover-text generation, on a
caption-heavy draft. Anchor: ``px.timeline`` on the same segments (``Draft.to_frame()`` with
datetimes, coloured by track kind, text in the hover), the plain way to draw the same chart.
Interleaved A/B pairs, CPU and wall, median of per-pair ratios. Also printed: the number of
traces and the JSON size sent to the browser.

Goal: ``figure`` and ``show`` <= 1.0x the anchor (CPU) at every size: the widget's chart costs
no more than the one-liner a user would write instead.

Run: ``.venv/bin/python bench/bench_timeline.py [--pairs 5] [--quick]`` (``--quick``: up to
1 000 segments).
"""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.io as pio
from _pairs import Goal, exit_code, pairs_from, parser, run_pairs

from nemo_widgets.draft import Draft
from nemo_widgets.widgets.timeline import Timeline, track_kind


def caption_heavy(n: int) -> Draft:
    """A video, a music bed, a title and ``n - 3`` caption cues (what captions produce)."""
    cues = [
        {"id": f"c{i}", "st": i * 400, "et": i * 400 + 380, "txt": f"caption cue number {i}"}
        for i in range(max(n - 3, 1))
    ]
    end = len(cues) * 400
    raw = {
        "d": end,
        "m": {"title": "bench", "width": 1920, "height": 1080, "ratio": "16:9"},
        "t": [
            {"id": "v", "tt": 0, "n": "Video", "sg": [{"id": "v1", "st": 0, "et": end,
                                                      "src": "https://cdn/x.mp4", "nm": "clip"}]},
            {"id": "a", "tt": 1, "n": "BGM", "k": "music",
             "sg": [{"id": "a1", "st": 0, "et": end, "vol": 0.3, "nm": "Lo-fi"}]},
            {"id": "t", "tt": 7, "n": "Title", "k": "title",
             "sg": [{"id": "t1", "st": 0, "et": 3000, "txt": "Hello"}]},
            {"id": "c", "tt": 7, "n": "Captions (en)", "k": "caption", "lang": "en", "sg": cues},
        ],
    }  # fmt: skip
    return Draft.from_state(raw)


def anchor_frame(draft: Draft) -> pd.DataFrame:
    df = draft.to_frame()
    kinds = {i: track_kind(t) for i, t in enumerate(draft.tracks)}
    df["kind"] = df["track"].map(kinds)
    t0 = pd.Timestamp("2000-01-01")
    df["start"] = t0 + pd.to_timedelta(df["start_ms"], unit="ms")
    df["end"] = t0 + pd.to_timedelta(df["end_ms"], unit="ms")
    df["text"] = df["text"].fillna(df["label"]).fillna("")
    return df


def main() -> int:
    args = parser(__doc__).parse_args()
    n = pairs_from(args)
    widget = Timeline(draft={})
    ok = []
    for size in (100, 1_000) if args.quick else (100, 1_000, 10_000):
        draft = caption_heavy(size)
        df = anchor_frame(draft)

        def anchor(df: pd.DataFrame = df) -> object:
            return px.timeline(
                df, x_start="start", x_end="end", y="track_name", color="kind",
                hover_data=["text", "start_ms", "end_ms", "source", "volume"],
            )  # fmt: skip

        fig = run_pairs(anchor, lambda d=draft: Timeline.figure(d), pairs=n)
        show = run_pairs(anchor, lambda d=draft: widget.show(d), pairs=n)
        built = Timeline.figure(draft)
        size_mb = len(pio.to_json(built, validate=False)) / 1e6
        print(f"{len(draft.segments)} segments: {len(built.data)} traces (px: "
              f"{len(anchor().data)}), {size_mb:.2f} MB of JSON")  # fmt: skip
        ok.append(fig.report(f"figure, {size} segments", Goal("<=", 1.0, "cpu"),
                             anchor_name="px.timeline", work_name="Timeline.figure"))  # fmt: skip
        ok.append(show.report(f"show, {size} segments", Goal("<=", 1.0, "cpu"),
                              anchor_name="px.timeline", work_name="Timeline.show"))  # fmt: skip
    return exit_code(*ok)


if __name__ == "__main__":
    raise SystemExit(main())
