"""Exact hypergeometric expectations, historical prize rules, and the backtest statistics."""

from math import comb

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from jinlotto.backtest.engine import backtest_prizes
from jinlotto.backtest.metrics import (
    MeanInterval,
    chi_square,
    clustered_mean,
    design_effect,
    looks_like_look_ahead,
    pooled_cells,
)
from jinlotto.domain.draw import Draw, PrizeTier, make_draw
from jinlotto.domain.prizes import fifth_prize, match_probabilities
from jinlotto.domain.schedule import scheduled_date


def test_match_probabilities_are_the_hand_computed_hypergeometric_values() -> None:
    probabilities = match_probabilities()
    # The published figures, each to the significant digits it is given with.
    published = [(0.4006, 4), (0.4241, 4), (0.1515, 4), (0.02244, 4), (0.001365, 4)]
    published += [(2.9e-5, 2), (1.2e-7, 2)]
    rounded = [
        float(f"{p:.{digits}g}") for p, (_, digits) in zip(probabilities, published, strict=True)
    ]
    assert rounded == [value for value, _ in published]
    # 3 matches: C(6,3) * C(39,3) / C(45,6) = 20 * 9139 / 8145060
    assert probabilities[3] == 20 * 9139 / 8_145_060
    assert probabilities[6] == 1 / comb(45, 6)
    assert probabilities.sum() == pytest.approx(1.0)
    assert (probabilities * np.arange(7)).sum() == pytest.approx(0.8)


def test_fifth_prize_follows_the_2004_price_change() -> None:
    assert fifth_prize(87) == 10_000
    assert fifth_prize(88) == 5_000


def _draw(draw_no: int, prizes: list[int], winners: list[int], sales: int | None) -> Draw:
    return make_draw(
        draw_no=draw_no,
        draw_date=scheduled_date(draw_no),
        numbers=[1, 2, 3, 4, 5, 6],
        bonus_no=7,
        tiers=[
            PrizeTier(None if w < 0 else w, None if p < 0 else p)
            for p, w in zip(prizes, winners, strict=True)
        ],
        total_sales=sales,
    )


def test_prizes_use_the_draws_amounts_and_the_rules_of_its_time() -> None:
    # draw 87 (real): 4th was shared (120,466) and 5th paid 10,000
    real = _draw(
        87,
        [1799358055, 99964337, 2639059, 120466, 10000],
        [11, 33, 1250, 54768, 890859],
        83793642000,
    )
    assert backtest_prizes(real).tolist() == [0, 1799358055, 99964337, 2639059, 120466, 10000]
    # draw 401 (real): 4th fixed at 50,000 from here, 5th 5,000
    real = _draw(
        401, [1168214792, 60424904, 1293227, 50000, 5000], [9, 29, 1355, 59599, 949491], 43491965000
    )
    assert backtest_prizes(real).tolist() == [0, 1168214792, 60424904, 1293227, 50000, 5000]


def test_a_tier_nobody_won_pays_its_estimated_whole_pool() -> None:
    sales = 1_000_000_000
    amounts = backtest_prizes(
        _draw(900, [-1, 50_000_000, 1_000_000, 50_000, 5_000], [-1, 10, 300, 1000, 20000], sales)
    )
    fund = sales * 0.5 - 1000 * 50_000 - 20000 * 5_000
    assert amounts[1] == int(fund * 0.75)
    assert amounts[2] == 50_000_000


def test_clustered_mean_is_a_t_interval_over_draws() -> None:
    per_draw = np.array([0.7, 0.9, 0.8, 0.85, 0.75])
    interval = clustered_mean(per_draw)
    assert interval.mean == pytest.approx(0.8)
    # t(0.975, 4) = 2.776; sd = 0.0791
    half = 2.7764451 * per_draw.std(ddof=1) / np.sqrt(5)
    assert interval.low == pytest.approx(0.8 - half)
    assert interval.high == pytest.approx(0.8 + half)


def test_sparse_cells_are_pooled_until_each_expects_five() -> None:
    expected = match_probabilities() * 1000  # 400.6, 424.1, 151.5, 22.4, 1.4, 0.03, 0.0001
    assert pooled_cells(expected) == [[0], [1], [2], [3, 4, 5, 6]]
    assert pooled_cells(match_probabilities() * 100) == [[0], [1], [2, 3, 4, 5, 6]]
    assert pooled_cells(match_probabilities() * 10) == [[0, 1, 2, 3, 4, 5, 6]]


def test_chi_square_matches_a_hand_computed_case() -> None:
    observed = np.array([30, 50, 20])
    result = chi_square(observed, np.array([0.25, 0.5, 0.25]))
    # (30-25)^2/25 + 0 + (20-25)^2/25 = 2, df 2, p = exp(-1)
    assert result.statistic == pytest.approx(2.0)
    assert result.df == 2
    assert result.p_value == pytest.approx(np.exp(-1.0))


def test_design_effect_grows_when_games_of_a_draw_move_together() -> None:
    rng = np.random.default_rng(1)
    probabilities = match_probabilities()
    independent = rng.multinomial(100, probabilities, size=300)
    assert design_effect(independent, probabilities) == pytest.approx(1.0, abs=0.25)
    # every game of a draw identical: 100 copies of one match count per draw
    one = rng.choice(7, size=300, p=probabilities)
    copies = np.zeros((300, 7), dtype=np.int64)
    copies[np.arange(300), one] = 100
    assert design_effect(copies, probabilities) > 50


def test_look_ahead_is_flagged_only_far_above_chance() -> None:
    assert looks_like_look_ahead(MeanInterval(6.0, 6.0, 6.0, 0.0))
    assert looks_like_look_ahead(MeanInterval(1.2, 1.1, 1.3, 0.05))
    assert not looks_like_look_ahead(MeanInterval(0.83, 0.79, 0.87, 0.02))


@given(st.lists(st.floats(min_value=0.0, max_value=50.0), min_size=2, max_size=12))
def test_pooled_cells_partition_in_order_and_each_expects_five(expected: list[float]) -> None:
    groups = pooled_cells(np.array(expected))
    assert [cell for group in groups for cell in group] == list(range(len(expected)))
    if sum(expected) >= 5:
        assert all(sum(expected[cell] for cell in group) >= 5 for group in groups)


@given(
    st.integers(min_value=1, max_value=1200),
    st.lists(st.integers(min_value=-1, max_value=10**10), min_size=5, max_size=5),
    st.lists(st.integers(min_value=-1, max_value=10**7), min_size=5, max_size=5),
    st.one_of(st.none(), st.integers(min_value=0, max_value=10**11)),
)
def test_prizes_are_never_negative_and_follow_the_fixed_tiers(
    draw_no: int, prizes: list[int], winners: list[int], sales: int | None
) -> None:
    amounts = backtest_prizes(_draw(draw_no, prizes, winners, sales))
    assert amounts[0] == 0
    assert (amounts >= 0).all()
    if prizes[4] <= 0:
        assert amounts[5] == (10_000 if draw_no < 88 else 5_000)
    if draw_no >= 401 and prizes[3] <= 0:
        assert amounts[4] == 50_000
