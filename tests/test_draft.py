"""The draft model on the contract's §5.3 sample: summary, diff, frame, unknown keys."""

from __future__ import annotations

import copy
import json

import pytest

from nemo_widgets.draft import Draft, SessionState

SAMPLE = {
    "d": 10000,
    "m": {"title": "Urban Dreams", "width": 1080, "height": 1920, "fps": 30, "ratio": "9:16"},
    "t": [
        {"id": "trk_v1", "tt": 0, "n": "Video",
         "sg": [{"id": "seg_v1", "st": 0, "et": 10000, "so": 0,
                 "src": "https://cdn.example.com/gen/city_timelapse.mp4",
                 "nm": "city timelapse"}]},
        {"id": "trk_a1", "tt": 1, "n": "BGM",
         "sg": [{"id": "seg_a1", "st": 0, "et": 10000, "so": 0,
                 "src": "https://cdn.example.com/bgm/lofi.mp3",
                 "nm": "Lo-fi", "vol": 0.35, "fi": 500, "fo": 1000}]},
        {"id": "trk_t1", "tt": 7, "n": "Title",
         "sg": [{"id": "seg_t1", "st": 0, "et": 3000,
                 "txt": "Urban Dreams",
                 "sty": {"color": "#FFFFFF", "size": 32, "pos": "top-center", "anim": "fade-in"}}]},
    ],
}  # fmt: skip
SEED_SUMMARY = (
    "Timeline (3 tracks): 1. Video: city timelapse (0-10s) 2. BGM: Lo-fi (0-10s, 35%) "
    '3. Title: "Urban Dreams" (0-3s)'
)


def sample() -> dict:
    return copy.deepcopy(SAMPLE)


@pytest.mark.parametrize(
    "wrap",
    [
        lambda d: d,
        lambda d: {"draft": d},
        lambda d: {"session_id": "s", "state": {"draft": d}},
        lambda d: json.dumps(d),
        lambda d: {"state": {"draft": json.dumps(d)}},
    ],
)
def test_summary_equals_the_seed_string(wrap):
    assert Draft.from_state(wrap(sample())).summary() == SEED_SUMMARY


def test_fields_and_exportable():
    d = Draft.from_state(sample())
    assert [t.type_name for t in d.tracks] == ["Video", "Audio", "Text"]
    bgm = d.tracks[1].segments[0]
    assert (bgm.start_ms, bgm.end_ms, bgm.volume, bgm.label) == (0, 10000, 0.35, "Lo-fi")
    assert bgm.raw["fi"] == 500  # unknown-to-the-model keys are kept
    assert d.tracks[2].segments[0].style["pos"] == "top-center"
    assert d.duration_ms == 10000 and d.meta["ratio"] == "9:16"
    assert d.is_exportable and d.to_dict() == sample()
    assert not Draft.from_state({}).is_exportable
    assert not Draft.from_state({"t": [{"tt": 0, "sg": []}]}).is_exportable
    assert Draft.from_state(None).summary() == "Timeline (0 tracks): empty"


def test_candidate_keys_and_other_track_types():
    d = Draft.from_state(
        {
            "t": [
                {"tt": 5, "sg": [{"start": 1500, "dur": 2000, "name": "sticker", "zz": 1}]},
                {"tt": 1, "sg": [{"s": 0, "e": 4000, "title": "Voice", "volume": 80}]},
                {"tt": 7, "sg": [{"in": 0, "out": 2500, "text": "Hi"}]},
            ]
        }
    )
    assert d.summary() == (
        "Timeline (3 tracks): 1. Track type 5: sticker (1.5-3.5s) "
        '2. Audio: Voice (0-4s, 80%) 3. Text: "Hi" (0-2.5s)'
    )
    assert d.tracks[0].segments[0].raw["zz"] == 1
    assert d.duration_ms == 4000  # derived from segments when "d" is missing


def test_many_segments_are_counted():
    cues = [{"st": i * 1000, "et": i * 1000 + 900, "txt": f"w{i}"} for i in range(12)]
    d = Draft.from_state({"t": [{"tt": 7, "n": "Captions (en)", "k": "caption", "sg": cues}]})
    assert d.summary() == "Timeline (1 track): 1. Captions (en): 12 cues (0-11.9s)"


def test_diff_added_removed_changed():
    before = Draft.from_state(sample())
    no_title = sample()
    del no_title["t"][2]
    assert [*Draft.from_state(no_title).diff(before)] == ['Title added: "Urban Dreams" (0-3s)']
    assert [*before.diff(Draft.from_state(no_title))] == ['Title removed: "Urban Dreams" (0-3s)']
    after = sample()
    after["t"][1]["sg"][0]["vol"] = 0.5
    after["t"][2]["sg"][0]["sty"]["color"] = "#00BFFF"
    after["d"] = 12000
    after["m"]["ratio"] = "16:9"
    diff = before.diff(Draft.from_state(after))
    assert diff.lines == [
        "BGM changed: Lo-fi (0-10s, 35%) → Lo-fi (0-10s, 50%)",
        'Title changed: "Urban Dreams" (0-3s) (style)',
        "Duration changed: 10s → 12s",
        "Aspect ratio changed: 9:16 → 16:9",
    ]
    assert bool(diff) and not before.diff(Draft.from_state(sample()))
    assert str(before.diff(before)) == "No changes."


def test_diff_of_a_new_caption_track_is_one_line():
    cues = [{"st": i * 1000, "et": i * 1000 + 900, "txt": f"w{i}"} for i in range(30)]
    after = sample()
    after["t"].append({"id": "cap_en", "tt": 7, "n": "Captions (en)", "k": "caption", "sg": cues})
    lines = Draft.from_state(sample()).diff(Draft.from_state(after)).lines
    assert lines == ["Captions (en) added: 30 cues (0-29.9s)"]


def test_to_frame_shows_caption_lines_as_readable_text():
    seg = {"st": 0, "et": 2000, "txt": "Ask not\nwhat"}
    state = {"t": [{"tt": 7, "k": "caption", "sg": [seg]}]}
    df = Draft.from_state(state).to_frame()
    assert df.loc[0, "text"] == "Ask not what" and df.loc[0, "lines"] == 2
    assert "\\n" not in df.to_string() and "\\n" not in df.to_html()


def test_to_frame():
    df = Draft.from_state(sample()).to_frame()
    assert len(df) == 3
    assert list(df["track_name"]) == ["Video", "BGM", "Title"]
    assert list(df["end_s"]) == [10.0, 10.0, 3.0] and list(df["end_ms"]) == [10000, 10000, 3000]
    assert df.loc[2, "text"] == "Urban Dreams"
    assert Draft.from_state({}).to_frame().empty


def test_session_state_keeps_everything():
    data = {
        "session_id": "s1",
        "task_id": "t1",
        "state": {
            "draft": sample(),
            "video_infos": [{"filename": "a.mp4", "file_type": "video", "cdn_url": "u",
                             "duration": 3.5, "file_id": "f1"}],
            "canvas_config": {"width": 1080, "height": 1920, "ratio": "9:16"},
            "captions": {"en": {"cues": []}},
            "metadata": {"titles": ["A"]},
            "prompts": {"scenes": []},
            "something_new": {"x": 1},
        },
    }  # fmt: skip
    st = SessionState.from_response(data)
    assert st.session_id == "s1" and st.draft.summary() == SEED_SUMMARY
    assert st.video_infos[0].duration_s == 3.5 and st.video_infos[0].extra["file_id"] == "f1"
    assert st.canvas["ratio"] == "9:16" and st.captions == {"en": {"cues": []}}
    assert st.metadata == {"titles": ["A"]} and st.prompts == {"scenes": []}
    assert st.extra == {"something_new": {"x": 1}} and st["something_new"] == {"x": 1}
    assert "exportable: yes" in str(st)
