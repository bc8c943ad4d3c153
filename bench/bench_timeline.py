"""Timeline figure build time for 100 / 1 000 / 10 000 segments vs. ``plotly.express.timeline``.

Anchor: ``px.timeline`` on the same segments (``Draft.to_frame()`` with datetimes, coloured by
track kind, text in the hover), built in the same run. Measured: ``Timeline.figure(draft)``
(the pure ``go.Figure``) and ``Timeline.show(draft)`` (the FigureWidget update a notebook
sees), both including hover-text generation. Also printed: the number of traces and the
JSON size sent to the browser. Run: ``.venv/bin/python bench/bench_timeline.py``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import pandas as pd
import plotly.express as px
import plotly.io as pio

from nemo_widgets.draft import Draft
from nemo_widgets.widgets.timeline import Timeline, track_kind

REPEATS = 3


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


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    widget = Timeline(draft={})
    print(f"{'segments':>9} {'px.timeline':>12} {'figure':>9} {'ratio':>6} {'widget':>9} "
          f"{'ratio':>6} {'traces':>7} {'px traces':>9} {'JSON MB':>8}")  # fmt: skip
    for n in (100, 1_000, 10_000):
        draft = caption_heavy(n)
        df = anchor_frame(draft)

        def anchor(df: pd.DataFrame = df) -> object:
            return px.timeline(
                df, x_start="start", x_end="end", y="track_name", color="kind",
                hover_data=["text", "start_ms", "end_ms", "source", "volume"],
            )  # fmt: skip

        t_px = best(anchor)
        t_fig = best(lambda d=draft: Timeline.figure(d))
        t_widget = best(lambda d=draft: widget.show(d))
        fig = Timeline.figure(draft)
        size_mb = len(pio.to_json(fig, validate=False)) / 1e6
        print(
            f"{len(draft.segments):>9} {t_px * 1000:>10.1f}ms {t_fig * 1000:>7.1f}ms "
            f"{t_fig / t_px:>6.2f} {t_widget * 1000:>7.1f}ms {t_widget / t_px:>6.2f} "
            f"{len(fig.data):>7} {len(anchor().data):>9} {size_mb:>8.2f}"
        )


if __name__ == "__main__":
    main()
