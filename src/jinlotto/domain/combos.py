"""Metrics of 6-number combinations, vectorised over ``(m, 6)`` arrays of ascending games.

Definitions (the usual ones among Korean lotto analysts):
- AC value (arithmetic complexity): the count of distinct positive differences among the 15
  pairs, minus 5. It ranges 0-10; most winning games score 7-10.
- Low numbers are 1-22, high 23-45. Zones are 1-9, 10-19, 20-29, 30-39, 40-45.
- Ball colours follow the official balls: 1-10 yellow, 11-20 blue, 21-30 red, 31-40 grey,
  41-45 green.
- A consecutive run is a maximal stretch of numbers each one above the previous.
"""

import numpy as np
from numpy.typing import NDArray

IntArray = NDArray[np.int64]

LOW_MAX = 22
ZONE_EDGES = (10, 20, 30, 40)  # zone i holds numbers below ZONE_EDGES[i]; the last 40-45
ZONE_LABELS = ("1-9", "10-19", "20-29", "30-39", "40-45")
COLOUR_EDGES = (11, 21, 31, 41)
COLOUR_LABELS = ("yellow", "blue", "red", "grey", "green")
_PAIR_I, _PAIR_J = np.triu_indices(6, k=1)
# The zone and colour of each number 0-45 (0 unused), looked up rather than searched for.
_ZONE_OF = np.searchsorted(np.array(ZONE_EDGES), np.arange(46), side="right")
_COLOUR_OF = np.searchsorted(np.array(COLOUR_EDGES), np.arange(46), side="right")
_STEP_BITS = 1 << np.arange(5)  # the five neighbour steps of a game as one 5-bit code


def as_games(games: NDArray[np.integer] | list[list[int]] | list[int]) -> IntArray:
    """Games as an ``(m, 6)`` int64 array; one game may be given as a flat list of six."""
    array = np.asarray(games, dtype=np.int64)
    return array.reshape(1, 6) if array.ndim == 1 else array


def sums(games: IntArray) -> IntArray:
    """Sum of each game's numbers (21-255)."""
    return games.sum(axis=1)


def odd_counts(games: IntArray) -> IntArray:
    """How many odd numbers each game holds (0-6)."""
    return (games % 2).sum(axis=1)


def low_counts(games: IntArray) -> IntArray:
    """How many numbers of each game are low (1-22)."""
    return (games <= LOW_MAX).sum(axis=1)


def ac_values(games: IntArray) -> IntArray:
    """Arithmetic complexity of each game: distinct pairwise differences minus 5."""
    # Differences are 1-44: one bit each, so the distinct ones are the set bits of their union.
    seen = np.bitwise_or.reduce(np.int64(1) << (games[:, _PAIR_J] - games[:, _PAIR_I]), axis=1)
    return np.bitwise_count(seen).astype(np.int64) - 5


def consecutive_pairs(games: IntArray) -> IntArray:
    """How many neighbouring pairs differ by exactly one (e.g. 7-8)."""
    return (np.diff(games, axis=1) == 1).sum(axis=1)


def max_consecutive_runs(games: IntArray) -> IntArray:
    """Length of each game's longest run of consecutive numbers (1 when none touch)."""
    codes = (np.diff(games, axis=1) == 1) @ _STEP_BITS
    return _LONGEST_RUNS[codes]


def _longest_run(code: int) -> int:
    """The longest run of a game whose neighbour steps of one are the set bits of ``code``."""
    best = current = 1
    for step in range(5):
        current = current + 1 if code >> step & 1 else 1
        best = max(best, current)
    return best


_LONGEST_RUNS = np.array([_longest_run(code) for code in range(32)], dtype=np.int64)


def zone_counts(games: IntArray) -> IntArray:
    """``(m, 5)`` count of numbers per zone."""
    return _bucket_counts(_ZONE_OF[games], 5)


def colour_counts(games: IntArray) -> IntArray:
    """``(m, 5)`` count of numbers per ball colour (yellow, blue, red, grey, green)."""
    return _bucket_counts(_COLOUR_OF[games], 5)


def end_digit_sums(games: IntArray) -> IntArray:
    """Sum of the last digits of each game's numbers."""
    return (games % 10).sum(axis=1)


def max_same_end_digit(games: IntArray) -> IntArray:
    """Largest number of a game's numbers sharing one last digit."""
    return _bucket_counts(games % 10, 10).max(axis=1)


def spans(games: IntArray) -> IntArray:
    """Highest minus lowest number of each game."""
    return games[:, -1] - games[:, 0]


def carryover_counts(games: IntArray, previous: NDArray[np.integer]) -> IntArray:
    """How many numbers of each game were drawn in ``previous`` (six numbers)."""
    drawn = np.zeros(46, dtype=np.bool_)
    drawn[np.asarray(previous, dtype=np.int64)] = True
    return drawn[games].sum(axis=1).astype(np.int64)


def combination_keys(games: IntArray) -> IntArray:
    """A unique integer per combination (bit k set for number k), for set membership."""
    return (np.int64(1) << games).sum(axis=1)


def find_sorted(sorted_keys: IntArray, keys: IntArray) -> tuple[IntArray, NDArray[np.bool_]]:
    """Binary search of each of ``keys`` in ascending ``sorted_keys``: its index there (valid
    only where found) and whether it is there."""
    if sorted_keys.size == 0:
        return np.zeros(keys.shape, dtype=np.int64), np.zeros(keys.shape, dtype=np.bool_)
    where = np.minimum(np.searchsorted(sorted_keys, keys), sorted_keys.size - 1)
    return where.astype(np.int64), sorted_keys[where] == keys


def _bucket_counts(buckets: IntArray, size: int) -> IntArray:
    """``(m, size)`` count of each bucket 0..size-1 in each row: one ``bincount`` over buckets
    offset by row."""
    rows = buckets.shape[0]
    offsets = buckets + size * np.arange(rows)[:, np.newaxis]
    counts: IntArray = np.bincount(offsets.ravel(), minlength=rows * size).reshape(rows, size)
    return counts
