"""Randomness audit: exact laws, the no-replacement correction, and plain readings."""

from math import comb

import numpy as np
import pytest

from jinlotto.backtest.audit import (
    audit,
    frequency_test,
    odd_count_probabilities,
    serial_test,
    sum_probabilities,
)
from jinlotto.domain.draw import make_draw
from jinlotto.domain.history import History
from jinlotto.domain.schedule import scheduled_date
from jinlotto.errors import JinlottoError


def _history(games: np.ndarray) -> History:
    draws = [
        make_draw(
            draw_no=i + 1,
            draw_date=scheduled_date(i + 1),
            numbers=row.tolist(),
            bonus_no=next(n for n in range(1, 46) if n not in row),
        )
        for i, row in enumerate(games)
    ]
    return History.from_draws(draws)


def _fair(count: int, seed: int) -> History:
    rng = np.random.default_rng(seed)
    return _history(np.sort(np.argsort(rng.random((count, 45)), axis=1)[:, :6] + 1, axis=1))


def test_exact_laws_of_odd_counts_and_sums() -> None:
    odd = odd_count_probabilities()
    assert odd[0] == comb(22, 6) / comb(45, 6)
    assert odd.sum() == pytest.approx(1.0)
    sums = sum_probabilities()
    assert sums[21] == 1 / comb(45, 6)  # only 1+2+3+4+5+6
    assert sums[22] == 1 / comb(45, 6)  # only 1+2+3+4+5+7
    assert sums[255] == 1 / comb(45, 6)
    assert (sums * np.arange(256)).sum() == pytest.approx(138.0)


def test_frequency_statistic_is_corrected_for_drawing_without_replacement() -> None:
    # Under a fair draw the corrected statistic averages its 44 degrees of freedom.
    statistics = [frequency_test(_fair(500, seed)).statistic for seed in range(40)]
    assert np.mean(statistics) == pytest.approx(44, rel=0.12)


def test_the_shared_draws_look_fair(shared_history: History) -> None:
    result = audit(shared_history)
    assert result["draws"] == 1200
    assert [t["name"] for t in result["tests"]] == [
        "number_frequencies",
        "odd_even",
        "sums",
        "serial_repeats",
    ]
    for test in result["tests"]:
        assert test["p_value"] > 0.01
        assert "consistent with a fair draw" in test["reading"]


def test_a_rigged_draw_is_flagged() -> None:
    rng = np.random.default_rng(5)
    # Numbers 1-30 only: frequencies and sums are far from fair.
    rigged = _history(np.sort(np.argsort(rng.random((300, 30)), axis=1)[:, :6] + 1, axis=1))
    result = {t["name"]: t for t in audit(rigged)["tests"]}
    assert result["number_frequencies"]["p_value"] < 1e-6
    assert result["sums"]["p_value"] < 1e-6
    assert "very unlikely" in result["sums"]["reading"]


def test_repeating_draws_break_serial_independence() -> None:
    games = _fair(200, 1).numbers.copy()
    games[1::2] = games[0::2]  # every other draw repeats the one before
    assert serial_test(_history(games)).p_value < 1e-6


def test_too_few_draws_are_refused() -> None:
    with pytest.raises(JinlottoError, match="at least 30 draws"):
        audit(_fair(10, 0))
