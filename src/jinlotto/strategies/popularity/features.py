"""What makes a combination popular with players: per-number and pattern features.

Players do not pick uniformly: birthdays (numbers up to 31), runs, arithmetic sequences, lines
on the play slip, the last draw, past winning combinations and the numbers published as drawn
most often attract more tickets (the evidence is in :mod:`.prior`). Every feature is computed
from the game and from draws *before* the one it is used for.

The play slip lays numbers 1-45 out in rows of seven: 1-7, 8-14, ..., 43-45.
"""

from dataclasses import dataclass
from itertools import combinations

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain import combos
from jinlotto.domain.history import History

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

SLIP_COLUMNS = 7
PATTERN_NAMES = (
    "birthday_numbers",  # how many are <= 31
    "month_numbers",  # how many are <= 12
    "consecutive_pairs",
    "arithmetic_triples",  # triples of the game in arithmetic progression
    "slip_column",  # most numbers in one column of the slip
    "slip_row",  # most numbers in one row of the slip
    "slip_diagonal",  # most numbers on one diagonal of the slip
    "same_end_digit",
    "last_draw_repeats",
    "past_winner_overlap",  # most numbers shared with any earlier winning combination
    "most_drawn_numbers",  # how many are among the six drawn most often so far
)
MOST_DRAWN = 6
_TRIPLES = np.array(list(combinations(range(6), 3)))


@dataclass(frozen=True, slots=True)
class PlayContext:
    """The past a game is judged against: the previous draw, every earlier winner and the
    numbers drawn most often."""

    previous: IntArray  # (6,) numbers of the newest past draw
    past_keys: IntArray  # combination keys of every past winning combination
    most_drawn: IntArray  # (6,) the numbers drawn most often, as statistics pages list them

    @classmethod
    def from_history(cls, history: History) -> "PlayContext":
        """The context of the draw that follows ``history``."""
        counts = history.presence()[:, 1:].sum(axis=0)
        return cls(
            previous=history.numbers[-1].copy(),
            past_keys=combos.combination_keys(history.numbers),
            most_drawn=_most_drawn(counts[np.newaxis, :])[0],
        )


def _most_drawn(counts: IntArray) -> IntArray:
    """``(n, 6)`` per row of ``(n, 45)`` draw counts, the six most drawn numbers; a tie goes
    to the smaller number."""
    return np.argsort(-counts, axis=1, kind="stable")[:, :MOST_DRAWN] + 1


def number_indicators(games: IntArray) -> FloatArray:
    """``(m, 45)`` one column per number, 1 where the game holds it."""
    indicators = np.zeros((games.shape[0], 45), dtype=np.float64)
    indicators[np.repeat(np.arange(games.shape[0]), 6), games.ravel() - 1] = 1.0
    return indicators


def _most_in_one(groups: IntArray, size: int) -> IntArray:
    counts = np.zeros((groups.shape[0], size), dtype=np.int64)
    np.add.at(counts, (np.repeat(np.arange(groups.shape[0]), 6), groups.ravel()), 1)
    return counts.max(axis=1)


def shape_patterns(games: IntArray) -> FloatArray:
    """``(m, 8)`` the features that depend on the game alone (the first eight names)."""
    row, column = (games - 1) // SLIP_COLUMNS, (games - 1) % SLIP_COLUMNS
    triples = games[:, _TRIPLES]
    arithmetic = (triples[:, :, 1] - triples[:, :, 0] == triples[:, :, 2] - triples[:, :, 1]).sum(
        axis=1
    )
    diagonal = np.maximum(
        _most_in_one(row - column + SLIP_COLUMNS - 1, 2 * SLIP_COLUMNS),
        _most_in_one(row + column, 2 * SLIP_COLUMNS),
    )
    return np.column_stack(
        [
            (games <= 31).sum(axis=1),
            (games <= 12).sum(axis=1),
            combos.consecutive_pairs(games),
            arithmetic,
            _most_in_one(column, SLIP_COLUMNS),
            _most_in_one(row, SLIP_COLUMNS),
            diagonal,
            combos.max_same_end_digit(games),
        ]
    ).astype(np.float64)


def past_overlap(games: IntArray, past_keys: IntArray) -> IntArray:
    """Most numbers each game shares with any of the past winning combinations."""
    if past_keys.size == 0:
        return np.zeros(games.shape[0], dtype=np.int64)
    shared = np.bitwise_count(combos.combination_keys(games)[:, np.newaxis] & past_keys)
    return shared.max(axis=1).astype(np.int64)


def patterns(games: IntArray, context: PlayContext) -> FloatArray:
    """``(m, 11)`` every pattern feature of :data:`PATTERN_NAMES` for games of the next draw."""
    return np.column_stack(
        [
            shape_patterns(games),
            combos.carryover_counts(games, context.previous),
            past_overlap(games, context.past_keys),
            combos.carryover_counts(games, context.most_drawn),
        ]
    ).astype(np.float64)


def winner_patterns(history: History) -> FloatArray:
    """``(n - 1, 11)`` pattern features of draws 2..n, each judged against the draws before it."""
    numbers = history.numbers
    presence = history.presence()
    repeats = presence[np.arange(len(history) - 1)[:, np.newaxis], numbers[1:]].sum(axis=1)
    overlaps = presence[:, 1:].astype(np.int64) @ presence[:, 1:].T.astype(np.int64)
    earlier = np.tril(np.ones_like(overlaps, dtype=np.bool_), k=-1)
    best_earlier = np.where(earlier, overlaps, 0).max(axis=1)[1:]
    most_drawn = _most_drawn(np.cumsum(presence[:-1, 1:], axis=0, dtype=np.int64))
    drawn_often = (numbers[1:, :, np.newaxis] == most_drawn[:, np.newaxis, :]).any(axis=2)
    return np.column_stack(
        [shape_patterns(numbers[1:]), repeats, best_earlier, drawn_often.sum(axis=1)]
    ).astype(np.float64)
