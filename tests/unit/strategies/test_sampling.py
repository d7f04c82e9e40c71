"""Weighted sampling: each number is drawn in proportion to its weight."""

import numpy as np

from jinlotto.strategies.base import gumbel_games

FIXED = (1, 2, 3, 4, 5)  # five numbers held, so each game draws exactly one


def test_a_drawn_number_comes_up_in_proportion_to_its_weight() -> None:
    weights = np.full(45, 0.2 / 38)
    weights[5], weights[6] = 0.5, 0.3  # numbers 6 and 7
    weights[: len(FIXED)] = 0.0  # the held numbers 1-5 are never drawn
    log_weights = np.log(weights / weights.sum(), where=weights > 0, out=np.full(45, -np.inf))
    games = gumbel_games(log_weights, 40_000, np.random.default_rng(11), FIXED)
    assert (games[:, :5] == FIXED).all()
    drawn = np.bincount(games[:, 5], minlength=46)[1:] / games.shape[0]
    # Three standard errors at 40,000 draws are under 0.008.
    assert abs(drawn[5] - 0.5) < 0.008
    assert abs(drawn[6] - 0.3) < 0.008
    assert abs(drawn[7:].sum() - 0.2) < 0.008
    assert drawn[:5].sum() == 0
