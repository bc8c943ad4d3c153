"""Caption tracks in the draft: timeline mapping through cuts, visibility, restyling."""

from __future__ import annotations

from nemo_widgets.engine.captions import draft as capdraft

SRC = "http://e/media/uploads/a.mp4"
CUES = [
    {"st": 1.0, "et": 2.0, "text": "kept", "words": [{"w": "kept", "st": 1.0, "et": 1.5}]},
    {"st": 5.0, "et": 6.0, "text": "cut", "words": [{"w": "cut", "st": 5.0, "et": 5.5}]},
    {"st": 8.0, "et": 9.0, "text": "moved", "words": [{"w": "moved", "st": 8.0, "et": 8.4}]},
]


def test_captions_follow_the_edit() -> None:
    # source 0-4 s at 0 s on the timeline, source 7-10 s at 4 s; 4-7 s was cut out
    draft = {
        "t": [
            {
                "tt": 0,
                "k": "video",
                "sg": [
                    {"st": 0, "et": 4000, "so": 0, "src": SRC},
                    {"st": 4000, "et": 7000, "so": 7000, "src": SRC},
                ],
            }
        ]
    }
    track = capdraft.caption_track(
        {"language": "en", "cues": CUES}, time_map=capdraft.TimeMap(draft, SRC)
    )
    segs = track["sg"]
    assert [s["txt"] for s in segs] == ["kept", "moved"]
    assert (segs[0]["st"], segs[0]["et"]) == (1000, 2000)
    assert (segs[1]["st"], segs[1]["et"], segs[1]["w"][0]["st"]) == (5000, 6000, 5000)
    assert track["tt"] == 7 and track["k"] == "caption" and track["n"] == "Captions (en)"


def test_visibility_and_restyle() -> None:
    draft: dict = {"t": []}
    for lang in ("en", "es"):
        capdraft.put_caption_track(draft, capdraft.caption_track({"language": lang, "cues": CUES}))
    capdraft.put_caption_track(draft, capdraft.caption_track({"language": "en", "cues": CUES}))
    assert [t["lang"] for t in draft["t"]] == ["en", "es"]  # replaced, not duplicated
    capdraft.show_only(draft, "es")
    assert [bool(t.get("hid")) for t in draft["t"]] == [True, False]
    assert capdraft.restyle(draft, {"color": "#FFFF00"}, lang="es") == 1
    es = draft["t"][1]
    assert es["sty"]["color"] == "#FFFF00" and all(s["sty"]["color"] == "#FFFF00" for s in es["sg"])
    assert "color" not in draft["t"][0]["sty"]


def test_files_follow_the_timeline() -> None:
    from nemo_widgets.engine.captions.formats import entry_from_track, export_captions

    draft = {"t": [{"tt": 0, "sg": [{"st": 0, "et": 3000, "so": 7000, "src": SRC}]}]}
    entry = {"language": "en", "cues": CUES}
    track = capdraft.caption_track(entry, time_map=capdraft.TimeMap(draft, SRC))
    timeline = entry_from_track(track, entry)
    assert [c["text"] for c in timeline["cues"]] == ["moved"]
    assert timeline["cues"][0]["st"] == 1.0 and timeline["words"][0]["st"] == 1.0
    srt, _ = export_captions(timeline, "srt")
    assert "00:00:01,000 --> 00:00:02,000" in srt
