"""What the model assumes where the draws cannot measure: a prior from studies of player choice.

Winner counts only show how popular the combinations that were drawn are. A pattern that (almost)
no past winning combination had, such as 1-2-3-4-5-6, a column of the play slip or last week's
numbers, cannot be measured this way, and the fitted weights, judged at the edge of the data, can
call it *less* popular than average (1-2-3-4-5-6: 0.91). Published studies of what players pick
in 6/49-style lotteries say the opposite:

- UK National Lottery: the chosen combinations are far from random and some are much more
  popular than average (Haigh, J. 1997, "The statistics of the National Lottery", JRSS A
  160(2); Simon, J. 1998, "An analysis of the distribution of combinations chosen by UK
  National Lottery players", Journal of Risk and Uncertainty); winner counts are only fitted
  once clusters of similar chosen combinations are allowed for (Baker, R. D. & McHale, I. G.
  2011, JRSS A, UK lotto and Spain's El Gordo). The operator's figures, widely reported: about
  10,000 players chose 1-2-3-4-5-6 in each draw, and in 2020 it named 7-14-21-28-35-42 the most
  picked combination, 5-10-15-20-25-30 the next.
- German Lotto (Henze, N. & Riedwyl, H. 1998, "How to Win More", A K Peters): diagonals and
  columns of the 7-wide slip, 1-2-3-4-5-6 and other regular shapes, the previous draw's numbers
  and old winning combinations are over-played.
- Canadian Lotto 6/49 (Ziemba, W. T. et al. 1986, "Dr Z's 6/49 Lotto Guidebook"): small
  numbers and dates are over-played, high numbers under-played.
- Dutch lotteries (Wang, T. V., Potter van Loon, R. J. D., van den Assem, M. J. & van Dolder, D.
  2016, "Number preferences in lotteries", Judgment and Decision Making 11(3)): personally
  meaningful numbers such as dates, aesthetic combinations, and infrequent players chase
  recent winning numbers.
- Danish Lotto (Suetens, S., Galbo-Jorgensen, C. B. & Tyran, J.-R. 2016, "Predicting lotto
  numbers", Journal of the European Economic Association 14(3)): players bet more on numbers
  drawn often in the recent past, the "hot" numbers statistics pages list.

The Korean draws agree where they reach: the six held-out winners of draws 978-1200 beyond the
support of draws 88-977 (five numbers in one slip column, two runs of three, five numbers of
12 or below, four numbers with one last digit) each had 1.1 to 2.4 times the 1st-prize winners
uniform play gives, 141 in all against 84.

So the prior: a game is *extrapolated* when one of its pattern features lies beyond the values
at least :data:`MIN_SUPPORT` past winning combinations reached. The studies say such games are
played more than average but not by how much in Korea, so the prior is a lower bound: the
ratios of tiers 1-3 (the shared prizes, where the whole combination matters) are at least
those of an average game, the popularity index at least 1, and such a game is never better
value than a random one. Tiers 4-5 (three or four matched numbers) stay the model's: they
follow the popularity of single numbers, which the draws do measure.
"""

import numpy as np
from numpy.typing import NDArray

from jinlotto.strategies.popularity.features import PATTERN_NAMES

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

MIN_SUPPORT = 5  # winning combinations needed at a pattern value for the draws to measure it
PRIOR_TIERS = 3  # tiers 1-3 share their prize: the prior bounds their co-winners
_LABELS = {
    "birthday_numbers": "numbers of 31 or below (days of the month)",
    "month_numbers": "numbers of 12 or below (months)",
    "consecutive_pairs": "pairs of consecutive numbers (a run such as 1-2-3)",
    "arithmetic_triples": "evenly spaced triples (a progression such as 7-14-21)",
    "slip_column": "numbers in one column of the play slip",
    "slip_row": "numbers in one row of the play slip",
    "slip_diagonal": "numbers on one diagonal of the play slip",
    "same_end_digit": "numbers with the same last digit",
    "last_draw_repeats": "numbers of the previous draw",
    "past_winner_overlap": "most numbers shared with one past winning combination",
    "most_drawn_numbers": "numbers among the six drawn most often so far",
}


def support_bounds(winner_patterns: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per pattern, the lowest and highest value at least :data:`MIN_SUPPORT` of the winning
    combinations ``winner_patterns`` (one row each) reached or went beyond."""
    ordered = np.sort(winner_patterns, axis=0)
    count = min(MIN_SUPPORT, ordered.shape[0])
    return ordered[count - 1].copy(), ordered[-count].copy()


def apply_prior(ratios: FloatArray, extrapolated: BoolArray, average: FloatArray) -> FloatArray:
    """``ratios`` with the tier 1-3 ratios of extrapolated games raised to ``average`` (3,)."""
    bounded = ratios.copy()
    bounded[extrapolated, :PRIOR_TIERS] = np.maximum(
        ratios[extrapolated, :PRIOR_TIERS], average[:PRIOR_TIERS]
    )
    return bounded


def reason(raw: FloatArray, low: FloatArray, high: FloatArray, training_draws: int) -> str | None:
    """Why the figures of a game with pattern values ``raw`` are a prior, ``None`` if measured."""
    above, below = raw > high, raw < low
    if not (above.any() or below.any()):
        return None
    parts = [
        f"{_LABELS[name]}: {int(raw[index])} (measured {int(low[index])}-{int(high[index])})"
        for index, name in enumerate(PATTERN_NAMES)
        if above[index] or below[index]
    ]
    evidence = (
        "Studies of 6/49 lotteries find such patterns among the most played (about 10,000 UK "
        "players chose 1-2-3-4-5-6 each draw)"
        if above.any()
        else "No study measures how many players pick it either"
    )
    return (
        f"Beyond what past winners show: {'; '.join(parts)}. Fewer than {MIN_SUPPORT} of the "
        f"{training_draws:,} winning combinations the model learned from went this far, so the "
        f"draws cannot measure how many players pick this game. {evidence}. Its figures are a "
        "prior, not a measurement: at least those of an average game, never better value."
    )
