"""Per-game analysis: the descriptive figures shown beside every recommended game.

Keys of each game's ``analysis`` dict (all JSON-ready):

- ``sum``: sum of the six numbers; ``odd`` / ``even``: how many are odd / even;
- ``low`` / ``high``: how many are 1-22 / 23-45; ``ac``: arithmetic complexity (0-10);
- ``consecutive_pairs``: neighbouring pairs one apart (7-8 is one pair, 7-8-9 two);
- ``zones``: counts in 1-9, 10-19, 20-29, 30-39, 40-45;
- ``end_digit_sum``: sum of the last digits; ``colours``: counts per ball colour
  (1-10 yellow, 11-20 blue, 21-30 red, 31-40 grey, 41-45 green);
- ``repeats_last_draw``: how many numbers the newest fitted draw also had;
- ``won_first_prize_before``: the first draw whose winning numbers were exactly this game, or
  ``None`` when it never was.

These describe a game; none of them changes its chance of winning.
"""

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.strategies.filters import FilterContext

HOT_WINDOW = 20  # recent draws counted for "hot" numbers
HOT_COUNT = 8  # how many numbers are "hot"


def build_context(history: History) -> FilterContext:
    """The last draw, the past winning combinations and the hot numbers of ``history``."""
    keys = combos.combination_keys(history.numbers)
    unique_keys, first = np.unique(keys, return_index=True)
    recent = history.last(HOT_WINDOW).presence()[:, 1:].sum(axis=0)
    # A stable sort on the negated counts ranks ties by the lower number.
    ranked = np.argsort(-recent, kind="stable")[:HOT_COUNT]
    hot = ranked[recent[ranked] > 0] + 1
    last = history.numbers[-1] if len(history) else np.zeros(0, dtype=np.int64)
    return FilterContext(
        last_numbers=last.astype(np.int64),
        winner_keys=unique_keys.astype(np.int64),
        winner_draw_nos=history.draw_nos[first].astype(np.int64),
        hot_numbers=np.sort(hot).astype(np.int64),
    )


def first_prize_draws(games: NDArray[np.int64], context: FilterContext) -> list[int | None]:
    """For each game, the first draw it won 1st prize in, or ``None``."""
    where, hits = combos.find_sorted(context.winner_keys, combos.combination_keys(games))
    return [
        int(context.winner_draw_nos[index]) if hit else None
        for index, hit in zip(where, hits, strict=True)
    ]


def analyse(games: NDArray[np.int64], context: FilterContext) -> list[dict[str, object]]:
    """The analysis dict of each game of an ``(m, 6)`` array (see the module docstring)."""
    odd = combos.odd_counts(games)
    low = combos.low_counts(games)
    # The one-number figures side by side, so that they become Python ints in one call.
    figures = np.column_stack(
        [
            combos.sums(games),
            odd,
            6 - odd,
            low,
            6 - low,
            combos.ac_values(games),
            combos.consecutive_pairs(games),
            combos.end_digit_sums(games),
            combos.carryover_counts(games, context.last_numbers),
        ]
    ).tolist()
    zones = combos.zone_counts(games).tolist()
    colours = combos.colour_counts(games).tolist()
    won = first_prize_draws(games, context)
    return [
        {
            "sum": total,
            "odd": odd_count,
            "even": even_count,
            "low": low_count,
            "high": high_count,
            "ac": ac,
            "consecutive_pairs": pairs,
            "zones": zone_counts,
            "end_digit_sum": end_digits,
            "colours": colour_counts,
            "repeats_last_draw": repeats,
            "won_first_prize_before": first_won,
        }
        for (
            (total, odd_count, even_count, low_count, high_count, ac, pairs, end_digits, repeats),
            zone_counts,
            colour_counts,
            first_won,
        ) in zip(figures, zones, colours, won, strict=True)
    ]
