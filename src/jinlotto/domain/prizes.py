"""Prize ranks, historical ticket prices and fixed prizes, and the odds of each tier."""

from math import comb
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

if TYPE_CHECKING:
    from jinlotto.domain.draw import Draw

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


FIXED_FOURTH_PRIZE = 50_000
PRIZE_FUND_SHARE = 0.5  # of sales; 4th and 5th are paid first, the rest split by POOL_SHARES
POOL_SHARES = (0.75, 0.125, 0.125)  # 1st, 2nd, 3rd


def match_probabilities() -> NDArray[np.float64]:
    """``(7,)`` chance that a game matches exactly 0..6 of the drawn numbers (hypergeometric).

    Holds for any game whose choice does not depend on the draw:
    C(6, k) * C(39, 6 - k) / C(45, 6), which is 0.4006, 0.4241, 0.1515, 0.02244, 0.001365,
    2.9e-5 and 1.2e-7, with mean 6 * 6 / 45 = 0.8.
    """
    return np.array(
        [comb(6, k) * comb(39, 6 - k) / TOTAL_COMBINATIONS for k in range(7)], dtype=np.float64
    )


def fifth_prize(draw_no: int) -> int:
    """The fixed 5th prize at that draw: 10,000 KRW before draw 88, 5,000 KRW since."""
    return 10_000 if draw_no < PRICE_CHANGE_DRAW else 5_000


def sole_winner_estimate(draw: "Draw", rank: int) -> int:
    """KRW a lone winner of pool tier ``rank`` (1-3) would have taken at ``draw``.

    For backtests only, where games nobody played can win a tier nobody won: such a tier has no
    published amount, and one winner would have taken its whole pool, estimated from the
    prize-fund rule (half of sales, less the 4th and 5th prizes paid, split 75 / 12.5 / 12.5 %).
    0 when sales are unknown, and for 4th prize (a pool before draw 401).
    """
    if rank not in (1, 2, 3) or not draw.total_sales:
        return 0
    paid_fixed = sum((tier.winners or 0) * (tier.prize or 0) for tier in draw.tiers[3:])
    fund = max(draw.total_sales * PRIZE_FUND_SHARE - paid_fixed, 0.0)
    return int(fund * POOL_SHARES[rank - 1])
