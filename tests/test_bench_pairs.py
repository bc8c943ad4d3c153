"""The benchmark harness (``bench/_pairs.py``): interleaving, self-timed sides, verdicts."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from _pairs import Goal, Pairs, Timing, exit_code, run_pairs


def test_pairs_alternate_which_side_goes_first_after_one_warm_up_each():
    order: list[str] = []
    result = run_pairs(lambda: order.append("a"), lambda: order.append("w"), pairs=5)
    assert order[:2] == ["a", "w"]  # the untimed warm-up
    timed = order[2:]
    assert [timed[i : i + 2] for i in range(0, 10, 2)] == [
        ["a", "w"], ["w", "a"], ["a", "w"], ["w", "a"], ["a", "w"],
    ]  # fmt: skip
    assert len(result.anchor) == len(result.work) == 5


def test_a_side_that_times_itself_is_taken_as_it_is():
    result = run_pairs(lambda: Timing(2.0, 1.0), lambda: Timing(3.0, 1.5), pairs=5, warmup=False)
    assert result.ratio("cpu") == 1.5 and result.ratio("wall") == 1.5
    assert result.ratio("throughput") == 2.0 / 3.0  # same bytes: anchor time / work time
    assert result.extra("cpu") == 0.5


def test_the_verdict_is_the_median_of_per_pair_ratios(capsys):
    # one wild pair on a busy machine does not decide
    p = Pairs(
        anchor=[Timing(1, 1)] * 5,
        work=[Timing(1, 1.1), Timing(1, 1.1), Timing(1, 9.0), Timing(1, 1.0), Timing(1, 1.2)],
    )
    assert p.report("x", Goal("<=", 1.15, "cpu")) is True
    assert p.report("x", Goal("<=", 1.05, "cpu")) is False
    out = capsys.readouterr().out
    assert "-> 1.100x met" in out and "-> 1.100x NOT met" in out
    assert p.report("x", Goal("<=", 0.05, "cpu", extra=True)) is False  # 0.1 s more
    assert exit_code(True, True) == 0 and exit_code(True, False) == 1
