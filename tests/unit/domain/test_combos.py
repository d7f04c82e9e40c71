"""The vectorised game metrics agree with their plain definitions on any game."""

import itertools

from hypothesis import given
from hypothesis import strategies as st

from jinlotto.domain import combos

games = st.lists(
    st.sets(st.integers(1, 45), min_size=6, max_size=6).map(sorted), min_size=1, max_size=40
)


def longest_run(game: list[int]) -> int:
    best = current = 1
    for before, after in itertools.pairwise(game):
        current = current + 1 if after == before + 1 else 1
        best = max(best, current)
    return best


def per_bucket(game: list[int], bucket_of: list[int], size: int) -> list[int]:
    return [sum(1 for n in game if bucket_of[n] == bucket) for bucket in range(size)]


ZONE_OF = [0] + [min((n // 10), 4) for n in range(1, 46)]
COLOUR_OF = [0] + [min((n - 1) // 10, 4) for n in range(1, 46)]


@given(games)
def test_metrics_match_their_definitions(rows: list[list[int]]) -> None:
    array = combos.as_games(rows)
    assert combos.ac_values(array).tolist() == [
        len({b - a for i, a in enumerate(g) for b in g[i + 1 :]}) - 5 for g in rows
    ]
    assert combos.max_consecutive_runs(array).tolist() == [longest_run(g) for g in rows]
    assert combos.zone_counts(array).tolist() == [per_bucket(g, ZONE_OF, 5) for g in rows]
    assert combos.colour_counts(array).tolist() == [per_bucket(g, COLOUR_OF, 5) for g in rows]
    assert combos.max_same_end_digit(array).tolist() == [
        max(sum(1 for n in g if n % 10 == digit) for digit in range(10)) for g in rows
    ]


def test_metrics_of_known_games() -> None:
    array = combos.as_games([[1, 2, 3, 10, 11, 45], [5, 15, 25, 35, 40, 41]])
    assert combos.ac_values(array).tolist() == [6, 7]
    assert combos.max_consecutive_runs(array).tolist() == [3, 2]
    assert combos.zone_counts(array).tolist() == [[3, 2, 0, 0, 1], [1, 1, 1, 1, 2]]
    assert combos.colour_counts(array).tolist() == [[4, 1, 0, 0, 1], [1, 1, 1, 2, 1]]
    assert combos.max_same_end_digit(array).tolist() == [2, 4]
