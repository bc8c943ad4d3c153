"""``backend="cloud"``: the batch as sessions on a real engine that keeps the cloud's books.

The engine is started with ``--ration-credits`` (it charges and refuses like the cloud) and
a small starting balance, so the credit check and its refusal are the real ones.
"""

from __future__ import annotations

import pytest
from conftest import SPEECH, reference_words, words_of
from engine_kit import start_engine

import nemo_widgets as nw
from nemo_widgets.api import errors as E
from nemo_widgets.batch.cloud import with_retries

pytestmark = pytest.mark.slow

CLIPS = [SPEECH / f"sense_and_sensibility_01_austen_64kb-{n}.wav" for n in ("0880", "0930", "0890")]


@pytest.fixture(scope="module")
def rationed_engine(engine_env, tmp_path_factory):
    eng = start_engine(
        tmp_path_factory.mktemp("rationed-engine"), env={"NEMO_ENGINE_ANON_CREDITS": "25"}
    )
    try:
        yield eng
    finally:
        eng.stop()


def _uploads(engine) -> list:
    folder = engine.data_dir / "media" / "uploads"
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_batch_the_balance_cannot_cover_is_refused_before_any_upload(
    rationed_engine, engine_env, tmp_path
):
    out = tmp_path / "out"
    with pytest.raises(nw.OutOfCreditsError) as info:
        nw.caption_batch(
            CLIPS, lang="en", backend="cloud", base_url=rationed_engine.url, output=str(out),
            progress=None,
        )  # fmt: skip
    message = str(info.value)
    assert "needs about 30 credits (3 files x 10) and 25 are available" in message
    assert "backend='local'" in message
    assert not out.exists() and _uploads(rationed_engine) == []


def test_a_cloud_batch_captions_each_file_in_its_own_session(rationed_engine, engine_env, tmp_path):
    out = tmp_path / "out"
    df = nw.caption_batch(
        CLIPS[:2], lang="en", formats="srt,json", backend="cloud", base_url=rationed_engine.url,
        output=str(out), progress=None, concurrency=2,
    )  # fmt: skip
    assert df.status.tolist() == ["done", "done"], df.error.tolist()
    assert df.worker.str.startswith("cloud session").all()
    assert df.worker.nunique() == 2
    for clip, row in zip(CLIPS[:2], df.itertuples(), strict=True):
        assert row.words > 0 and row.cues > 0 and row.language == "en"
        got = words_of(out / f"{clip.stem}.srt")
        want = reference_words(clip)
        assert len(set(got) & set(want)) >= 0.6 * len(set(want)), (got, want)
    with nw.connect(rationed_engine.url) as s:  # the same account: 25 - 2 files x 10
        assert s.credits().available == 5
    again = nw.caption_batch(
        CLIPS[:2], lang="en", formats="srt,json", backend="cloud", base_url=rationed_engine.url,
        output=str(out), progress=None,
    )  # fmt: skip
    assert again.status.tolist() == ["skipped", "skipped"]  # finished: no session, no credits


async def test_repeatable_errors_are_retried_and_others_are_not():
    waits: list[float] = []

    async def sleep(s: float) -> None:
        waits.append(s)

    calls = {"n": 0}

    async def flaky() -> str:
        calls["n"] += 1
        if calls["n"] == 1:
            raise E.NemoError("bad gateway", status=502)
        if calls["n"] == 2:
            raise E.RateLimitedError("slow down", status=429)
        return "ok"

    assert await with_retries(flaky, sleep=sleep) == "ok"
    assert calls["n"] == 3 and waits == [2.0, 5.0]

    async def refused() -> str:
        raise E.UnsupportedFileError(status=400)

    waits.clear()
    with pytest.raises(E.UnsupportedFileError):
        await with_retries(refused, sleep=sleep)
    assert waits == []

    async def down() -> str:
        raise E.NemoError("unavailable", status=503)

    with pytest.raises(E.NemoError, match="unavailable"):
        await with_retries(down, sleep=sleep)
    assert waits == [2.0, 5.0]
