"""The timeline model alone: typed drafts, pure operations, undo/redo; no message parsing.

Property tests: any sequence of operations keeps the draft valid (spans positive and inside
their media, the duration the last end), never changes its input, and undo brings back the
state exactly, redo the state after.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nemo_widgets import schema
from nemo_widgets.engine import timeline as tl


@dataclass(frozen=True)
class Src:
    cdn_url: str
    filename: str
    file_type: str
    duration_s: float | None = None
    width: int | None = None
    height: int | None = None
    fps: float | None = None


CITY = Src("http://e/media/uploads/city.mp4", "city.mp4", "video", 10.0, 1920, 1080, 30.0)
BEACH = Src("http://e/media/uploads/beach.mp4", "beach.mp4", "video", 4.0, 1280, 720, 25.0)
LOGO = Src("http://e/media/uploads/logo.png", "logo.png", "image", None, 400, 400)
SONG = Src("http://e/media/uploads/lofi.mp3", "lofi.mp3", "audio", 30.0)
LENGTHS = {CITY.cdn_url: 10_000, BEACH.cdn_url: 4_000}


def city() -> tl.Draft:
    return tl.place_first_clip(tl.Draft(), [CITY])


# ------------------------------------------------------------------------------ the model
def test_round_trip_keeps_every_key_it_does_not_know():
    raw = {
        "t": [
            {
                "id": "v",
                "tt": 0,
                "k": "video",
                "future": 1,
                "sg": [{"id": "a", "st": 0, "et": 5000, "so": 0, "src": "u", "zz": [1]}],
            },
            {
                "id": "c",
                "tt": 7,
                "k": "caption",
                "lang": "en",
                "hid": True,
                "sty": {"preset": "plain"},
                "sg": [
                    {
                        "id": "c1",
                        "st": 0,
                        "et": 900,
                        "txt": "hi",
                        "w": [{"w": "hi", "st": 0, "et": 400, "p": 0.9}],
                    }
                ],
            },
        ],
        "d": 5000,
        "m": {"width": 1920, "height": 1080, "ratio": "16:9", "fps": 30, "title": "x", "k": 2},
        "other": "kept",
    }
    assert tl.Draft.from_dict(raw).to_dict() == raw
    assert tl.Draft.from_dict({}).to_dict() == {}


def test_first_clip_from_an_upload():
    d = city()
    assert d.duration_ms == 10_000 and d.meta.ratio == "16:9" and d.meta.title == "city"
    (seg,) = d.main.segments
    assert (seg.start_ms, seg.end_ms, seg.source, seg.source_offset_ms) == (
        0,
        10_000,
        CITY.cdn_url,
        0,
    )
    assert d.canvas() == {"width": 1920, "height": 1080, "ratio": "16:9"}
    assert tl.place_first_clip(d, [BEACH]) is d  # footage already there: unchanged
    assert tl.place_first_clip(tl.Draft(), [SONG]) == tl.Draft()  # nothing visual


def test_titles_add_move_retime_restyle_remove():
    d = tl.add_title(city(), "Hello", start_ms=1000, end_ms=4000, style={"color": "#FFD60A"})
    (t,) = d.titles()
    assert (t.text, t.start_ms, t.end_ms, t.style["color"], t.style["pos"]) == (
        "Hello", 1000, 4000, "#FFD60A", "top-center",
    )  # fmt: skip
    assert d.meta.title == "Hello"
    d2, (moved,) = tl.edit_titles(d, tl.TitleRef(), start_ms=6000)
    assert (moved.start_ms, moved.end_ms) == (6000, 9000)  # keeps its length
    d3, (retimed,) = tl.edit_titles(d2, tl.TitleRef("hell"), end_ms=9500)
    assert (retimed.start_ms, retimed.end_ms) == (6000, 9500)
    d4, (styled,) = tl.edit_titles(d3, tl.TitleRef(), style={"color": None, "size": 90})
    assert "color" not in styled.style and styled.style["size"] == 90
    d5, (renamed,) = tl.edit_titles(d4, tl.TitleRef(), text="Bye")
    assert renamed.text == "Bye"
    d6, n = tl.remove_titles(d5, tl.TitleRef("bye"))
    assert n == 1 and d6.titles() == []
    assert d.titles()[0].start_ms == 1000  # every input unchanged


def test_title_limits():
    with pytest.raises(tl.TimelineError, match="only 10 s long"):
        tl.add_title(city(), "Late", start_ms=30_000)
    with pytest.raises(tl.TimelineError, match="no text"):
        tl.add_title(city(), "  ")
    d = tl.add_title(city(), "Long", start_ms=8000, end_ms=20_000)
    assert d.titles()[0].end_ms == 10_000  # never outlasts the video
    with pytest.raises(tl.TimelineError, match='no title saying "Nope"'):
        tl.edit_titles(d, tl.TitleRef("Nope"), style={"bold": True})
    with pytest.raises(tl.TimelineError, match="no time on screen"):
        tl.edit_titles(d, tl.TitleRef(), start_ms=5000, end_ms=5000)


def test_trim_cut_speed_ratio_fades_clips():
    d = tl.add_title(city(), "Hi", start_ms=4000, end_ms=9000)
    cut = tl.cut_range(d, 5000, 8000)
    assert [(s.start_ms, s.end_ms, s.source_offset_ms) for s in cut.main.segments] == [
        (0, 5000, 0),
        (5000, 7000, 8000),
    ]
    assert (cut.titles()[0].start_ms, cut.titles()[0].end_ms) == (4000, 6000)
    kept = tl.keep_range(d, 2000, 6000)
    assert kept.duration_ms == 4000 and kept.main.segments[0].source_offset_ms == 2000
    fast = tl.set_speed(d, 2.0)
    assert fast.duration_ms == 5000 and fast.main.segments[0].speed == 2.0
    square = tl.set_ratio(d, "1:1", fit="contain")
    assert (square.meta.width, square.meta.height, square.main.segments[0].fit) == (
        1080,
        1080,
        "contain",
    )
    faded = tl.set_video_fades(d, 1500, None)
    assert tl.video_fades(faded) == (1500, 0)
    longer = tl.insert_clip(d, BEACH, at="start")
    assert longer.duration_ms == 14_000 and longer.titles()[0].start_ms == 8000
    photo = tl.insert_clip(d, LOGO, at="end", image_ms=2000)
    assert photo.main.segments[-1].end_ms == 12_000
    for bad, match in (
        (lambda: tl.keep_range(d, 0, 99_000), "nothing to trim"),
        (lambda: tl.cut_range(d, 0, 10_000), "whole video"),
        (lambda: tl.cut_range(d, 20_000, 30_000), "outside the video"),
        (lambda: tl.set_speed(d, 8.0), "between 0.25x and 4x"),
        (lambda: tl.set_ratio(city(), "16:9", fit="cover"), None),
        (lambda: tl.insert_clip(d, SONG), "audio file"),
        (lambda: tl.insert_clip(d, LOGO, image_ms=10**9), "at most 10:00"),
    ):
        if match is None:
            bad()  # the fit alone changes: allowed
            continue
        with pytest.raises(tl.TimelineError, match=match):
            bad()


def test_music_volume_mute_fades():
    d = tl.add_music(city(), SONG, volume=0.3, fade_out_ms=2000)
    (music,) = d.music()
    seg = music.segments[0]
    assert (seg.volume, seg.fade_out_ms, seg.end_ms) == (0.3, 2000, 10_000)
    assert tl.volume_of(tl.set_volume(d, "music", factor=0.5), "music") == 0.15
    muted = tl.set_muted(d, "original")
    assert muted.main.muted
    with pytest.raises(tl.TimelineError, match="already muted"):
        tl.set_muted(muted, "original")
    assert tl.music_fades(tl.set_music_fades(d, 1000, 0)) == (1000, 2000)
    assert tl.remove_music(d).music() == []
    with pytest.raises(tl.TimelineError, match="negative"):
        tl.set_volume(d, "music", -0.5)
    with pytest.raises(tl.TimelineError, match="no background music"):
        tl.remove_music(city())


def test_caption_tracks_set_show_restyle_remove():
    seg = tl.Segment("c1", 0, 900, text="hi", style=tl.frozen({"preset": "plain"}))
    en = tl.Track("captions-en", 7, (seg,), kind="caption", lang="en", style=tl.frozen({}))
    es = tl.Track("captions-es", 7, (seg,), kind="caption", lang="es", style=tl.frozen({}))
    d = tl.set_caption_track(tl.set_caption_track(city(), en), es)
    d = tl.show_captions(d, "es")
    assert [(t.lang, t.hidden) for t in d.caption_tracks()] == [("en", True), ("es", False)]
    d, n = tl.restyle_captions(d, {"color": "#FFFF00"}, "es")
    assert n == 1 and d.caption_tracks()[1].segments[0].style["color"] == "#FFFF00"
    assert [t.lang for t in tl.remove_captions(d, ["en"]).caption_tracks()] == ["es"]
    # bilingual: both shown, the second placed right after the first (the burn-in stacks it)
    fr = tl.Track("captions-fr", 7, (seg,), kind="caption", lang="fr", style=tl.frozen({}))
    d = tl.set_caption_track(d, fr)
    both = tl.show_captions_together(d, "fr", "en")
    assert [(t.lang, t.hidden) for t in both.caption_tracks()] == [
        ("es", True), ("fr", False), ("en", False)
    ]  # fmt: skip
    assert len(both.tracks) == len(d.tracks)
    with pytest.raises(tl.TimelineError, match="needs captions in both"):
        tl.show_captions_together(d, "en", "de")


def test_history_undo_redo_exactly():
    h = tl.History()
    state = {"draft": city().to_dict(), "video_infos": [1]}
    first = copy.deepcopy(state)
    after = {**state, "draft": tl.add_title(city(), "A").to_dict(), "captions": {"en": {}}}
    assert h.record(state, after, "Added A")
    assert not h.record(after, after, "nothing")  # no change, no step
    live = copy.deepcopy(after)
    assert h.step_back(live) == "Added A" and live == first
    assert h.step_forward(live) == "Added A" and live == after
    again = tl.History.from_list(h.to_list())
    assert again.undo == h.undo and again.redo == h.redo
    legacy = tl.History.from_list([{"t": []}])  # an earlier version stored bare drafts
    assert legacy.undo[0]["keys"] == {"draft": {"t": []}}


# ------------------------------------------------------------------------------ properties
OPS = st.one_of(
    st.tuples(st.just("title"), st.integers(-2000, 14_000), st.integers(-2000, 16_000)),
    st.tuples(st.just("move"), st.integers(-1000, 14_000), st.just(0)),
    st.tuples(st.just("retime"), st.integers(0, 14_000), st.integers(0, 16_000)),
    st.tuples(st.just("cut"), st.integers(-1000, 14_000), st.integers(-1000, 16_000)),
    st.tuples(st.just("keep"), st.integers(-1000, 14_000), st.integers(-1000, 16_000)),
    st.tuples(st.just("speed"), st.sampled_from([0.1, 0.5, 0.75, 1.5, 2.0, 3.0]), st.just(0)),
    st.tuples(st.just("ratio"), st.sampled_from(["16:9", "9:16", "1:1", "4:5", "2:3"]), st.just(0)),
    st.tuples(st.just("clip"), st.sampled_from(["start", "end"]), st.integers(0, 12_000)),
    st.tuples(st.just("music"), st.floats(-0.5, 1.5), st.integers(0, 20_000)),
    st.tuples(st.just("volume"), st.floats(0, 3), st.just(0)),
    st.tuples(st.just("mute"), st.booleans(), st.just(0)),
    st.tuples(st.just("fade"), st.integers(0, 20_000), st.integers(0, 20_000)),
    st.tuples(st.just("remove"), st.just(0), st.just(0)),
)


def apply(d: tl.Draft, op: tuple) -> tl.Draft:
    kind, a, b = op
    if kind == "title":
        return tl.add_title(d, f"T{a}", start_ms=a, end_ms=b)
    if kind == "move":
        return tl.edit_titles(d, tl.TitleRef(), start_ms=a)[0]
    if kind == "retime":
        return tl.edit_titles(d, tl.TitleRef(all=True), start_ms=a, end_ms=b)[0]
    if kind == "cut":
        return tl.cut_range(d, a, b)
    if kind == "keep":
        return tl.keep_range(d, a, b)
    if kind == "speed":
        return tl.set_speed(d, a)
    if kind == "ratio":
        return tl.set_ratio(d, a, fit="contain" if b else "cover")
    if kind == "clip":
        return tl.insert_clip(d, BEACH if b % 2 else LOGO, at=a, image_ms=b or 1)
    if kind == "music":
        return tl.add_music(d, SONG, volume=a, fade_out_ms=b)
    if kind == "volume":
        return tl.set_volume(d, "music", factor=a)
    if kind == "mute":
        return tl.set_muted(d, "original", a)
    if kind == "fade":
        return tl.set_video_fades(d, a, b)
    return tl.remove_titles(d, tl.TitleRef(all=True))[0]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(OPS, max_size=12))
@example([("music", 0.0, 3334), ("speed", 3.0, 0)])  # a faded music bed, then 3x: fade > bed
def test_any_sequence_keeps_the_draft_valid_and_undo_restores_it(ops):
    history = tl.History()
    state = {"draft": city().to_dict()}
    states = [copy.deepcopy(state)]
    for op in ops:
        before_dict = copy.deepcopy(state["draft"])
        draft = tl.Draft.from_dict(state["draft"])
        try:
            new = apply(draft, op)
        except tl.TimelineError:
            assert state["draft"] == before_dict  # a refusal changes nothing
            continue
        assert draft.to_dict() == before_dict  # operations are pure
        assert tl.problems(new, LENGTHS) == [], (op, tl.problems(new, LENGTHS))
        assert tl.Draft.from_dict(new.to_dict()) == new  # the dict form is exact
        after = {**state, "draft": new.to_dict()}
        if history.record(state, after, str(op)):
            state = after
            states.append(copy.deepcopy(state))
    # undo walks back through every state exactly, redo forward again
    for expected in reversed(states[:-1]):
        assert history.step_back(state) is not None
        assert state == expected
    assert history.step_back(state) is None
    for expected in states[1:]:
        assert history.step_forward(state) is not None
        assert state == expected


def test_problems_sees_a_broken_draft():
    bad = tl.Draft(
        (
            tl.Track(
                "v",
                schema.TrackType.VIDEO,
                (tl.Segment("a", 0, 12_000, source=CITY.cdn_url, source_offset_ms=0),),
            ),
        ),
        duration_ms=9000,
    )
    found = tl.problems(bad, LENGTHS)
    assert any("reads" in p for p in found) and any("duration" in p for p in found)
