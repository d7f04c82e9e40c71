"""What a game is worth if it wins: expected co-winners and expected prize per 1,000 KRW.

Every game has the same chance of every tier. What differs is how many other players would
share a shared prize (tiers 1-3). With ``W`` other winning games, Poisson with mean ``lam``, a
winner's share of a pool is ``pool / (1 + W)``, whose mean is ``pool * (1 - exp(-lam)) / lam``.
Pools follow the prize-fund rule at the given sales: half of sales, less the fixed 4th and 5th
prizes expected under uniform play, split 75 / 12.5 / 12.5 %; a rolled-over jackpot is not
counted. Even so the expected value stays far below the ticket price.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain.prizes import (
    FIXED_FOURTH_PRIZE,
    POOL_SHARES,
    PRIZE_FUND_SHARE,
    fifth_prize,
    game_price,
    tier_probabilities,
)
from jinlotto.strategies.popularity.features import PlayContext
from jinlotto.strategies.popularity.model import PopularityModel

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
EV_NOTE = (
    "Every game has the same chance of winning; popularity only changes how many people would "
    "share a 1st-3rd prize. The expected value of a game remains below the ticket price."
)


def pools(sales: int, draw_no: int) -> FloatArray:
    """``(3,)`` KRW pools of tiers 1-3 at these sales, by the prize-fund rule."""
    probabilities = np.array(tier_probabilities())
    games_sold = sales / game_price(draw_no)
    fixed_paid = games_sold * (
        probabilities[3] * FIXED_FOURTH_PRIZE + probabilities[4] * fifth_prize(draw_no)
    )
    fund = max(sales * PRIZE_FUND_SHARE - fixed_paid, 0.0)
    return fund * np.array(POOL_SHARES)


def expected_cowinners(ratios: FloatArray, sales: int, draw_no: int) -> FloatArray:
    """``(m, 3)`` other winning games expected beside each game in tiers 1-3, were it to win."""
    games_sold = sales / game_price(draw_no)
    return games_sold * np.array(tier_probabilities()[:3]) * ratios[:, :3]


def expected_prize_per_1000(ratios: FloatArray, sales: int, draw_no: int) -> FloatArray:
    """``(m,)`` expected KRW won per 1,000 KRW spent on each game."""
    probabilities = np.array(tier_probabilities())
    others = expected_cowinners(ratios, sales, draw_no)
    share = np.where(others > 0, -np.expm1(-others) / np.maximum(others, 1e-300), 1.0)
    shared = (share * pools(sales, draw_no) * probabilities[:3]).sum(axis=1)
    fixed = probabilities[3] * FIXED_FOURTH_PRIZE + probabilities[4] * fifth_prize(draw_no)
    return (shared + fixed) * 1000 / game_price(draw_no)


def score_games(
    model: PopularityModel, games: IntArray, context: PlayContext, sales: int, draw_no: int
) -> list[dict[str, Any]]:
    """Per game: popularity index, expected co-winners, expected prize beside a random game's,
    and whether these are the prior's (``extrapolated``, with the ``reason``) or measured.

    ``sales`` and ``draw_no`` describe the draw whose sales are assumed (the latest one).
    """
    judgement = model.judge(games, context)
    ratios = judgement.ratios
    index = model.popularity_index(ratios)
    others = expected_cowinners(ratios, sales, draw_no)
    value = expected_prize_per_1000(ratios, sales, draw_no)
    random_value = float(expected_prize_per_1000(model.reference_ratios, sales, draw_no).mean())
    reasons = model.reasons(judgement)
    return [
        {
            "numbers": [int(n) for n in games[row]],
            "popularity_index": float(index[row]),
            "expected_cowinners": {str(t + 1): float(others[row, t]) for t in range(3)},
            "expected_prize_per_1000": float(value[row]),
            "random_game_prize_per_1000": random_value,
            "ticket_price_per_1000": 1000,
            "extrapolated": bool(judgement.extrapolated[row]),
            "reason": reasons[row],
        }
        for row in range(games.shape[0])
    ]
