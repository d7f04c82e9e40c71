"""Grading games against a draw: matches, bonus, rank and the prize one winning game is paid.

The one rule for ticket checks, saved tickets, stored recommendations and backtests. A prize comes
from the draw's published tier amounts where known (``source="published"``), otherwise from the
historical fixed-prize rules where one fixes the amount (``source="rule"``): 5th prize is 10,000
KRW before draw 88 and 5,000 KRW since, 4th prize 50,000 KRW since draw 401. Tiers 1-3 (and 4th
before draw 401) are shared pools: when a draw's amount was never published (the legacy source
carries 1st prize only) the prize stays unknown (``None``).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain.draw import Draw
from jinlotto.domain.prizes import (
    FIXED_FOURTH_DRAW,
    FIXED_FOURTH_PRIZE,
    fifth_prize,
    match_counts,
    ranks_for,
)

IntArray = NDArray[np.int64]
PrizeSource = Literal["published", "rule"]


@dataclass(frozen=True, slots=True)
class RankPrize:
    """What one game of a rank is paid at a draw; ``amount`` is ``None`` when unknown."""

    amount: int | None
    source: PrizeSource | None


@dataclass(frozen=True, slots=True)
class GameGrade:
    """One game graded against one draw."""

    numbers: tuple[int, ...]
    matched: int
    bonus_matched: bool
    rank: int  # 1-5, 0 for no prize
    prize: int | None
    prize_source: PrizeSource | None


def _fixed_amount(draw_no: int, rank: int) -> int | None:
    if rank == 5:
        return fifth_prize(draw_no)
    if rank == 4 and draw_no >= FIXED_FOURTH_DRAW:
        return FIXED_FOURTH_PRIZE
    return None


def rank_prize(draw: Draw, rank: int) -> RankPrize:
    """The prize of ``rank`` (0-5) at ``draw``: published, fixed by rule, or unknown."""
    if rank == 0:
        return RankPrize(0, "rule")
    published = draw.tiers[rank - 1].prize
    if published is not None and published > 0:
        return RankPrize(published, "published")
    fixed = _fixed_amount(draw.draw_no, rank)
    return RankPrize(fixed, "rule" if fixed is not None else None)


def prize_table(draw: Draw) -> tuple[RankPrize, ...]:
    """:func:`rank_prize` of ranks 0..5, indexable by rank."""
    return tuple(rank_prize(draw, rank) for rank in range(6))


def match_games(games: IntArray, draw: Draw) -> tuple[IntArray, NDArray[np.bool_], IntArray]:
    """Vectorised matches, bonus hits and ranks of ``(m, 6)`` games against ``draw``."""
    matched = match_counts(games, np.asarray(draw.numbers, dtype=np.int64))
    bonus = (games == draw.bonus_no).any(axis=1)
    return matched, bonus, ranks_for(matched, bonus)


def grade_games(games: Sequence[Sequence[int]] | IntArray, draw: Draw) -> list[GameGrade]:
    """Every game of ``games`` (six valid numbers each) graded against ``draw``."""
    array = np.asarray(games, dtype=np.int64).reshape(-1, 6)
    matched, bonus, ranks = match_games(array, draw)
    table = prize_table(draw)
    return [
        GameGrade(
            numbers=tuple(int(n) for n in sorted(row)),
            matched=int(matched[i]),
            bonus_matched=bool(bonus[i]),
            rank=int(ranks[i]),
            prize=table[int(ranks[i])].amount,
            prize_source=table[int(ranks[i])].source,
        )
        for i, row in enumerate(array.tolist())
    ]
