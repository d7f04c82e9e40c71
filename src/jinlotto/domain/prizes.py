"""Prize ranks, historical ticket prices and fixed prizes, and the odds of each tier."""

from math import comb

import numpy as np
from numpy.typing import NDArray

TOTAL_COMBINATIONS = comb(45, 6)  # 8,145,060
GAMES_PER_SLIP = 5
PRICE_CHANGE_DRAW = 88  # from this draw a game costs 1,000 KRW and 5th prize pays 5,000 KRW
FIXED_FOURTH_DRAW = 401  # from this draw 4th prize is a fixed 50,000 KRW


def rank_for(matched: int, bonus_matched: bool) -> int:
    """Prize rank 1-5 for a game's matches, 0 for no prize."""
    if matched == 6:
        return 1
    if matched == 5:
        return 2 if bonus_matched else 3
    return {4: 4, 3: 5}.get(matched, 0)


def ranks_for(matched: NDArray[np.int64], bonus_matched: NDArray[np.bool_]) -> NDArray[np.int64]:
    """Vectorised :func:`rank_for` over arrays of the same shape."""
    ranks = np.zeros(matched.shape, dtype=np.int64)
    ranks[matched == 3] = 5
    ranks[matched == 4] = 4
    ranks[(matched == 5) & ~bonus_matched] = 3
    ranks[(matched == 5) & bonus_matched] = 2
    ranks[matched == 6] = 1
    return ranks


def match_counts(games: NDArray[np.int64], numbers: NDArray[np.int64]) -> NDArray[np.int64]:
    """How many of each game's numbers are among the six drawn (games is ``(m, 6)``)."""
    drawn = np.zeros(46, dtype=np.bool_)
    drawn[numbers] = True
    counts: NDArray[np.int64] = drawn[games].sum(axis=1).astype(np.int64)
    return counts


def game_price(draw_no: int) -> int:
    """KRW one game cost at that draw."""
    return 2000 if draw_no < PRICE_CHANGE_DRAW else 1000


def tier_probabilities() -> tuple[float, float, float, float, float]:
    """Chance that one uniformly random game wins tiers 1..5 (6, 5+bonus, 5, 4, 3 matches)."""
    first = 1 / TOTAL_COMBINATIONS
    second = 6 / TOTAL_COMBINATIONS
    third = comb(6, 5) * 38 / TOTAL_COMBINATIONS  # the sixth is neither drawn nor the bonus
    fourth = comb(6, 4) * comb(39, 2) / TOTAL_COMBINATIONS
    fifth = comb(6, 3) * comb(39, 3) / TOTAL_COMBINATIONS
    return (first, second, third, fourth, fifth)
