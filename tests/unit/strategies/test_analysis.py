"""Per-game analysis and confidence, against hand-computed examples and plain-Python rules."""

from itertools import combinations, pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinlotto.domain.history import History
from jinlotto.strategies.analysis import analyse, build_context
from jinlotto.strategies.confidence import ConfidenceWeights, confidences, normalised_entropy


def test_draw_1200_by_hand(shared_history: History) -> None:
    context = build_context(shared_history)
    (analysis,) = analyse(np.array([[1, 2, 4, 16, 20, 32]]), context)
    assert analysis == {
        "sum": 75,
        "odd": 1,
        "even": 5,
        "low": 5,
        "high": 1,
        # 15 differences, 12 and 16 twice: 13 distinct - 5
        "ac": 8,
        "consecutive_pairs": 1,
        "zones": [3, 1, 1, 1, 0],
        "end_digit_sum": 15,  # 1+2+4+6+0+2
        "colours": [3, 2, 0, 1, 0],
        "repeats_last_draw": 6,
        "won_first_prize_before": 1200,
    }


def test_game_that_never_won_and_repeats_nothing(shared_history: History) -> None:
    context = build_context(shared_history)
    (analysis,) = analyse(np.array([[3, 5, 7, 41, 43, 45]]), context)
    assert analysis["won_first_prize_before"] is None
    assert analysis["repeats_last_draw"] == 0
    assert analysis["odd"] == 6 and analysis["high"] == 3
    assert analysis["colours"] == [3, 0, 0, 0, 3]
    assert analysis["consecutive_pairs"] == 0
    # differences 2,4,38,40,42, 2,36,38,40, 34,36,38, 2,4, 2 -> {2,4,34,36,38,40,42}: 7 - 5
    assert analysis["ac"] == 2


def test_first_draw_is_found_as_a_past_winner(shared_history: History) -> None:
    first = shared_history.numbers[:1]
    (analysis,) = analyse(first, build_context(shared_history))
    assert analysis["won_first_prize_before"] == 1


@settings(max_examples=200, deadline=None)
@given(game=st.lists(st.integers(1, 45), min_size=6, max_size=6, unique=True).map(sorted))
def test_analysis_matches_plain_python(game: list[int]) -> None:
    context = build_context(History.from_draws([]))
    (analysis,) = analyse(np.array([game]), context)
    assert analysis["sum"] == sum(game)
    assert analysis["odd"] + analysis["even"] == 6
    assert analysis["odd"] == len([n for n in game if n % 2])
    assert analysis["low"] == len([n for n in game if n <= 22])
    assert analysis["ac"] == len({b - a for a, b in combinations(game, 2)}) - 5
    edges = ((1, 9), (10, 19), (20, 29), (30, 39), (40, 45))
    assert analysis["zones"] == [len([n for n in game if lo <= n <= hi]) for lo, hi in edges]
    colour_edges = ((1, 10), (11, 20), (21, 30), (31, 40), (41, 45))
    assert analysis["colours"] == [
        len([n for n in game if lo <= n <= hi]) for lo, hi in colour_edges
    ]
    assert analysis["end_digit_sum"] == sum(n % 10 for n in game)
    assert analysis["consecutive_pairs"] == len([1 for a, b in pairwise(game) if b == a + 1])
    assert analysis["won_first_prize_before"] is None


def test_confidence_formula_by_hand() -> None:
    weights = ConfidenceWeights(
        base=0.1, minimum=0.0, maximum=1.0, consensus=0.3, hot=0.1, entropy=0.2
    )
    games = np.array([[1, 2, 3, 4, 5, 6]])
    equal = np.full(45, 1 / 45)
    # consensus 0.5, 2 of 6 hot, entropy 1 (equal weights): 0.1 + 0.15 + 0.0333 + 0.2
    score = confidences(games, equal, np.array([0.5]), np.array([1, 2, 40]), weights)
    assert score[0] == pytest.approx(0.1 + 0.15 + 0.1 * 2 / 6 + 0.2, abs=1e-4)
    clipped = confidences(games, equal, np.array([1.0]), np.array([1, 2]), ConfidenceWeights())
    assert clipped[0] == 0.8, "0.4 + 0.3 + 0.033 + 0.2 clipped to CONF_MAX"


def test_entropy_is_one_for_equal_weights_and_lower_for_skewed() -> None:
    games = np.array([[1, 2, 3, 4, 5, 6]])
    skewed = np.full(45, 0.001)
    skewed[0] = 1.0
    assert normalised_entropy(games, np.full(45, 1 / 45))[0] == pytest.approx(1.0)
    assert normalised_entropy(games, skewed / skewed.sum())[0] < 0.1
