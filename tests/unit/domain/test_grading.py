"""Grading a game against a draw: one rule for tickets, saved games, recommendations, backtests."""

from datetime import date

import numpy as np
import pytest

from jinlotto.domain.draw import Draw, PrizeTier, make_draw
from jinlotto.domain.grading import grade_games, prize_table, rank_prize
from jinlotto.domain.schedule import scheduled_date

# Draw 1200 (real): 1 2 4 16 20 32 + 45, with its published tiers in ``published()``.
NUMBERS = [1, 2, 4, 16, 20, 32]
BONUS = 45


def draw(draw_no: int = 1200, tiers: list[PrizeTier] | None = None) -> Draw:
    return make_draw(
        draw_no=draw_no,
        draw_date=scheduled_date(draw_no),
        numbers=NUMBERS,
        bonus_no=BONUS,
        tiers=tiers,
        total_sales=None,
    )


def published(draw_no: int = 1200) -> Draw:
    return draw(
        draw_no,
        [
            PrizeTier(12, 2_357_299_875),
            PrizeTier(80, 58_932_497),
            PrizeTier(3584, 1_315_458),
            PrizeTier(161_754, 50_000),
            PrizeTier(2_673_060, 5_000),
        ],
    )


@pytest.mark.parametrize(
    ("game", "matched", "bonus", "rank"),
    [
        ([1, 2, 4, 16, 20, 32], 6, False, 1),
        ([1, 2, 4, 16, 20, 45], 5, True, 2),
        ([1, 2, 4, 16, 20, 44], 5, False, 3),
        ([1, 2, 4, 16, 43, 45], 4, True, 4),
        ([1, 2, 4, 40, 43, 44], 3, False, 5),
        ([1, 2, 40, 41, 43, 45], 2, True, 0),
        ([30, 31, 33, 34, 35, 36], 0, False, 0),
    ],
)
def test_matches_bonus_and_rank(game: list[int], matched: int, bonus: bool, rank: int) -> None:
    (grade,) = grade_games([game], published())
    assert (grade.matched, grade.bonus_matched, grade.rank) == (matched, bonus, rank)


def test_published_amounts_are_paid_as_published() -> None:
    grades = grade_games([[1, 2, 4, 16, 20, 32], [1, 2, 4, 16, 20, 45]], published())
    assert [(g.prize, g.prize_source) for g in grades] == [
        (2_357_299_875, "published"),
        (58_932_497, "published"),
    ]


def test_a_legacy_draw_pays_the_fixed_prizes_by_rule_and_leaves_pools_unknown() -> None:
    # The legacy source carries 1st prize only.
    legacy = draw(1200, [PrizeTier(12, 2_357_299_875)] + [PrizeTier()] * 4)
    fifth, fourth, third = grade_games(
        [[1, 2, 4, 40, 43, 44], [1, 2, 4, 16, 43, 44], [1, 2, 4, 16, 20, 44]], legacy
    )
    assert (fifth.rank, fifth.prize, fifth.prize_source) == (5, 5_000, "rule")
    assert (fourth.rank, fourth.prize, fourth.prize_source) == (4, 50_000, "rule")
    assert (third.rank, third.prize, third.prize_source) == (3, None, None)


@pytest.mark.parametrize(
    ("draw_no", "fifth", "fourth"),
    [(87, 10_000, None), (88, 5_000, None), (400, 5_000, None), (401, 5_000, 50_000)],
)
def test_the_fixed_prizes_follow_the_rules_of_their_time(
    draw_no: int, fifth: int, fourth: int | None
) -> None:
    bare = draw(draw_no)
    assert rank_prize(bare, 5).amount == fifth
    assert rank_prize(bare, 4).amount == fourth
    assert rank_prize(bare, 0).amount == 0


def test_draw_87_real_amounts_win_over_the_rules() -> None:
    # Draw 87: 4th was a shared pool (120,466 KRW) and 5th paid 10,000 KRW.
    real = draw(
        87,
        [
            PrizeTier(11, 1_799_358_055),
            PrizeTier(33, 99_964_337),
            PrizeTier(1250, 2_639_059),
            PrizeTier(54768, 120_466),
            PrizeTier(890_859, 10_000),
        ],
    )
    amounts = [prize.amount for prize in prize_table(real)]
    assert amounts == [0, 1_799_358_055, 99_964_337, 2_639_059, 120_466, 10_000]


def test_games_are_read_as_arrays_or_lists_alike() -> None:
    games = np.array([[32, 20, 16, 4, 2, 1]], dtype=np.int64)
    (grade,) = grade_games(games, published())
    assert grade.numbers == (1, 2, 4, 16, 20, 32) and grade.rank == 1
    assert scheduled_date(1200) == date(2025, 11, 29)
