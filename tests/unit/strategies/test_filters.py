"""Filters: validation, parsing, stable keys, and masks checked against plain-Python rules."""

from itertools import combinations, pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.errors import InvalidFilterError
from jinlotto.strategies.analysis import build_context
from jinlotto.strategies.filters import LIMITS, FilterContext, Filters

CONTEXT = FilterContext(
    last_numbers=np.array([1, 2, 4, 16, 20, 32]),
    winner_keys=np.sort(np.array([sum(1 << n for n in (1, 2, 4, 16, 20, 32))])),
    winner_draw_nos=np.array([1200]),
    hot_numbers=np.array([1, 2, 3]),
)

games_strategy = st.lists(st.integers(1, 45), min_size=6, max_size=6, unique=True).map(sorted)


def reference_passes(game: list[int], f: Filters) -> bool:
    """The filter rules written out one by one, the way a person would check a slip."""

    def within(value: int, bounds: tuple[int, int] | None) -> bool:
        return bounds is None or bounds[0] <= value <= bounds[1]

    differences = {b - a for a, b in combinations(game, 2)}
    runs, longest = 1, 1
    for a, b in pairwise(game):
        runs = runs + 1 if b == a + 1 else 1
        longest = max(longest, runs)
    zones = [
        sum(1 for n in game if low <= n <= high)
        for low, high in ((1, 9), (10, 19), (20, 29), (30, 39), (40, 45))
    ]
    end_digits = [n % 10 for n in game]
    checks = [
        all(n in game for n in f.fixed),
        not any(n in game for n in f.excluded),
        not (f.exclude_past_winners and game == [1, 2, 4, 16, 20, 32]),
        within(sum(game), f.sum_range),
        within(sum(n % 2 for n in game), f.odd_range),
        within(sum(n <= 22 for n in game), f.low_range),
        f.min_ac is None or len(differences) - 5 >= f.min_ac,
        f.max_consecutive is None or longest <= f.max_consecutive,
        f.max_per_zone is None or max(zones) <= f.max_per_zone,
        within(sum(end_digits), f.end_digit_sum_range),
        f.max_same_end_digit is None
        or max(end_digits.count(d) for d in end_digits) <= f.max_same_end_digit,
        f.min_span is None or game[-1] - game[0] >= f.min_span,
        within(len(set(game) & {1, 2, 4, 16, 20, 32}), f.carryover_range),
    ]
    return all(checks)


def ranges(low: int, high: int) -> st.SearchStrategy[tuple[int, int] | None]:
    pair = st.tuples(st.integers(low, high), st.integers(low, high)).map(lambda p: (min(p), max(p)))
    return st.none() | pair


@st.composite
def filters_strategy(draw: st.DrawFn) -> Filters:
    """Any valid filters: fixed and excluded numbers apart, every value within its limits."""
    numbers = draw(st.lists(st.integers(1, 45), max_size=5, unique=True))
    split = draw(st.integers(0, min(2, len(numbers))))
    return Filters(
        fixed=tuple(numbers[:split]),
        excluded=tuple(numbers[split:]),
        sum_range=draw(ranges(*LIMITS["sum_range"])),
        odd_range=draw(ranges(*LIMITS["odd_range"])),
        low_range=draw(ranges(*LIMITS["low_range"])),
        min_ac=draw(st.none() | st.integers(*LIMITS["min_ac"])),
        max_consecutive=draw(st.none() | st.integers(*LIMITS["max_consecutive"])),
        max_per_zone=draw(st.none() | st.integers(*LIMITS["max_per_zone"])),
        end_digit_sum_range=draw(ranges(*LIMITS["end_digit_sum_range"])),
        max_same_end_digit=draw(st.none() | st.integers(*LIMITS["max_same_end_digit"])),
        min_span=draw(st.none() | st.integers(*LIMITS["min_span"])),
        carryover_range=draw(ranges(*LIMITS["carryover_range"])),
        exclude_past_winners=draw(st.booleans()),
    )


@settings(max_examples=300, deadline=None)
@given(games=st.lists(games_strategy, min_size=1, max_size=20), filters=filters_strategy())
def test_mask_matches_the_written_out_rules(games: list[list[int]], filters: Filters) -> None:
    array = np.array(games, dtype=np.int64)
    expected = [reference_passes(game, filters) for game in games]
    assert filters.mask(array, CONTEXT).tolist() == expected


@settings(max_examples=100, deadline=None)
@given(filters=filters_strategy())
def test_key_is_stable_and_round_trips(filters: Filters) -> None:
    again = Filters.from_mapping(filters.to_dict())
    assert again == filters
    assert again.key() == filters.key()
    assert len(filters.key()) == 64


def test_hand_computed_examples() -> None:
    draw_1200 = np.array([[1, 2, 4, 16, 20, 32]])
    # sum 75, 1 odd, AC 8 (13 distinct differences), longest run 2 (1-2), span 31.
    assert Filters(sum_range=(75, 75), exclude_past_winners=False).mask(draw_1200, CONTEXT)[0]
    assert not Filters(sum_range=(76, 100)).mask(draw_1200, CONTEXT)[0]
    assert Filters(min_ac=8, exclude_past_winners=False).mask(draw_1200, CONTEXT)[0]
    assert not Filters(min_ac=9, exclude_past_winners=False).mask(draw_1200, CONTEXT)[0]
    assert not Filters(max_consecutive=1, exclude_past_winners=False).mask(draw_1200, CONTEXT)[0]
    assert not Filters().mask(draw_1200, CONTEXT)[0], "a past 1st-prize combination"
    flat = np.array([[1, 2, 3, 4, 5, 6]])  # AC 0: differences are only 1..5
    assert not Filters(min_ac=1).mask(flat, CONTEXT)[0]
    assert Filters(min_ac=0).mask(flat, CONTEXT)[0]


# Draw 1200, 1 2 4 16 20 32: sum 75, 1 odd, 5 low, AC 8, longest run 2, 3 in zone 1-9,
# end digits summing to 15, two sharing the digit 2, span 31, and all 6 carried over in CONTEXT.
BOUNDARIES = [
    ("sum_range", (75, 75), [(76, 255), (21, 74)]),
    ("odd_range", (1, 1), [(2, 6), (0, 0)]),
    ("low_range", (5, 5), [(6, 6), (0, 4)]),
    ("min_ac", 8, [9]),
    ("max_consecutive", 2, [1]),
    ("max_per_zone", 3, [2]),
    ("end_digit_sum_range", (15, 15), [(16, 52), (2, 14)]),
    ("max_same_end_digit", 2, [1]),
    ("min_span", 31, [32]),
    ("carryover_range", (6, 6), [(0, 5)]),
]


@pytest.mark.parametrize(("name", "edge", "beyond"), BOUNDARIES)
def test_each_filter_keeps_its_boundary_and_refuses_one_step_past(
    name: str, edge: object, beyond: list[object]
) -> None:
    draw_1200 = np.array([[1, 2, 4, 16, 20, 32]])
    assert Filters(**{name: edge}, exclude_past_winners=False).mask(draw_1200, CONTEXT)[0]
    for value in beyond:
        assert not Filters(**{name: value}, exclude_past_winners=False).mask(draw_1200, CONTEXT)[0]


def test_order_of_numbers_does_not_change_the_key() -> None:
    assert Filters(fixed=(13, 7)).key() == Filters(fixed=(7, 13)).key()
    assert Filters(fixed=(7, 13)).key() != Filters(fixed=(7, 14)).key()
    assert Filters().key() != Filters(exclude_past_winners=False).key()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"fixed": [3, 9], "excluded": [9]}, r"excluded holds numbers that are also fixed: \[9\]"),
        ({"fixed": [1, 2, 3, 4, 5, 6]}, "fixed holds at most 5 numbers, got 6"),
        ({"excluded": list(range(1, 41))}, "excluded leaves 5 numbers, fewer than a game's 6"),
        ({"fixed": [0]}, "fixed numbers must be 1-45"),
        ({"excluded": [46]}, "excluded numbers must be 1-45"),
        ({"fixed": [5, 5]}, "more than once"),
        ({"excluded": list(range(1, 47))}, "at most 45 numbers"),
        ({"sum_range": [200, 100]}, "MIN <= MAX"),
        ({"odd_range": {"min": 4, "max": 2}}, "MIN <= MAX"),
        ({"min_ac": -1}, r"min_ac must be 0-10 \(what a game can have\), got -1"),
        ({"min_ac": 99}, r"min_ac must be 0-10 \(what a game can have\), got 99"),
        ({"odd_range": [5, 9]}, r"odd_range must lie within 0-6 .*got \[5, 9\]"),
        ({"sum_range": [1000, 2000]}, r"sum_range must lie within 21-255"),
        ({"sum_range": [10, 100]}, r"sum_range must lie within 21-255"),
        ({"min_span": 45}, "min_span must be 5-44"),
        ({"max_per_zone": 1}, "max_per_zone must be 2-6"),
        ({"colour": "red"}, "unknown filter option"),
        ({"min_ac": "7"}, "whole number"),
        ({"min_ac": True}, "whole number"),
        ({"fixed": "7,13"}, "list of numbers"),
        ({"sum_range": [100]}, r"\[min, max\]"),
        ({"exclude_past_winners": "yes"}, "true or false"),
    ],
)
def test_contradictions_and_bad_input_are_clear_errors(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidFilterError, match=message):
        Filters.from_mapping(options)


def test_errors_name_the_option_as_the_user_typed_it() -> None:
    labels = {"sum_range": "--sum", "min_ac": "--min-ac", "excluded": "--exclude"}
    with pytest.raises(InvalidFilterError) as caught:
        Filters.from_mapping({"sum_range": [1000, 2000]}, labels=labels)
    assert caught.value.message.startswith("--sum must lie within 21-255")
    assert caught.value.detail == {
        "option": "--sum",
        "code": "outside_limits",
        "min": 21,
        "max": 255,
    }
    with pytest.raises(InvalidFilterError, match=r"^--min-ac must be 0-10"):
        Filters.from_mapping({"min_ac": 99}, labels=labels)
    with pytest.raises(InvalidFilterError, match=r"^--exclude holds numbers that are also fixed"):
        Filters.from_mapping({"fixed": [7], "excluded": [7]}, labels=labels)


def test_every_limit_is_exactly_what_some_game_reaches() -> None:
    """Enumerate all C(45, 6) games once: each limit is the least and most its figure takes."""
    every = np.array(list(combinations(range(1, 46), 6)), dtype=np.int64)
    figures = {
        "sum_range": combos.sums,
        "odd_range": combos.odd_counts,
        "low_range": combos.low_counts,
        "min_ac": combos.ac_values,
        "max_consecutive": combos.max_consecutive_runs,
        "max_per_zone": lambda games: combos.zone_counts(games).max(axis=1),
        "end_digit_sum_range": combos.end_digit_sums,
        "max_same_end_digit": combos.max_same_end_digit,
        "min_span": combos.spans,
        "carryover_range": lambda games: combos.carryover_counts(games, np.arange(1, 7)),
    }
    assert set(figures) == set(LIMITS)
    for name, figure in figures.items():
        lows, highs = zip(
            *((int(v.min()), int(v.max())) for v in map(figure, np.array_split(every, 8))),
            strict=True,
        )
        assert (min(lows), max(highs)) == LIMITS[name], name


def test_from_mapping_accepts_api_shapes() -> None:
    filters = Filters.from_mapping(
        {"fixed": [13, 7], "sum_range": {"min": 100, "max": 170}, "min_ac": None}
    )
    assert filters.fixed == (7, 13)
    assert filters.sum_range == (100, 170)
    assert filters.min_ac is None
    assert filters.to_dict()["sum_range"] == [100, 170]


def test_defaults_exclude_only_past_winners() -> None:
    filters = Filters()
    assert filters.active_shape_filters() == []
    assert filters.exclude_past_winners is True


def test_context_from_real_history(shared_history: History) -> None:
    context = build_context(shared_history)
    assert context.last_numbers.tolist() == [1, 2, 4, 16, 20, 32]
    assert context.hot_numbers.size == 8
    assert np.all(np.diff(context.winner_keys) > 0)
    empty = build_context(shared_history.before(1))
    assert empty.last_numbers.size == 0 and empty.hot_numbers.size == 0
