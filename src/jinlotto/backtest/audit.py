"""Randomness audit of the draw history against the exact distributions of a fair draw.

Four tests, each with its statistic, p-value and a one-line plain reading:

- number frequencies: Pearson's chi-square over numbers 1-45, times 44/39. Six numbers are
  drawn without replacement, so each count varies less than under independent picks; the plain
  statistic is then distributed as 39/44 of a chi-square with 44 degrees of freedom;
- odd/even: the count of odd numbers per draw against its hypergeometric law (23 odd of 45);
- sums: the sum of the six numbers against its exact law (all C(45, 6) combinations counted),
  in ten bins of about equal probability;
- serial independence: numbers repeated from the previous draw against the hypergeometric law
  of 0-6 matches (mean 0.8); given the middle draw, consecutive repeat counts are independent.
"""

from dataclasses import asdict, dataclass
from functools import cache
from math import comb
from typing import Any

import numpy as np
from numpy.typing import NDArray

from jinlotto.backtest.metrics import ChiSquare, chi2_sf, chi_square
from jinlotto.domain import combos
from jinlotto.domain.history import History
from jinlotto.domain.prizes import TOTAL_COMBINATIONS, match_probabilities
from jinlotto.errors import NoDrawDataError

FloatArray = NDArray[np.float64]
ODD_NUMBERS = 23
SUM_BINS = 10
MIN_DRAWS = 30
WITHOUT_REPLACEMENT = 44 / 39  # 1 / ((45 - 6) / (45 - 1))
NOTE = (
    "A p-value below 0.05 happens once in twenty tests of a fair draw; with four tests, one "
    "low p-value somewhere is expected now and then. None of this can predict a draw."
)


@dataclass(frozen=True, slots=True)
class AuditTest:
    """One test of the audit."""

    name: str
    statistic: float
    df: int
    p_value: float | None
    reading: str


def odd_count_probabilities() -> FloatArray:
    """``(7,)`` chance of 0..6 odd numbers in a fair draw."""
    return np.array(
        [comb(ODD_NUMBERS, k) * comb(45 - ODD_NUMBERS, 6 - k) for k in range(7)], dtype=np.float64
    ) / float(TOTAL_COMBINATIONS)


@cache
def sum_probabilities() -> FloatArray:
    """``(256,)`` exact chance that the six numbers sum to each value 0..255."""
    # ways[k, s]: subsets of k numbers (from those seen so far) summing to s
    ways = np.zeros((7, 256), dtype=np.int64)
    ways[0, 0] = 1
    for number in range(1, 46):
        for size in range(6, 0, -1):
            ways[size, number:] += ways[size - 1, :-number]
    probabilities: FloatArray = ways[6] / float(TOTAL_COMBINATIONS)
    return probabilities


def sum_bins(probabilities: FloatArray, bins: int = SUM_BINS) -> list[tuple[int, int]]:
    """Sum ranges ``(low, high)`` of roughly equal probability, covering every possible sum."""
    cumulative = np.cumsum(probabilities)
    cuts = [int(np.searchsorted(cumulative, q)) for q in np.arange(1, bins) / bins]
    lows = [0, *[cut + 1 for cut in cuts]]
    highs = [*cuts, probabilities.shape[0] - 1]
    return list(zip(lows, highs, strict=True))


def frequency_test(history: History) -> AuditTest:
    """Chi-square of how often each number was drawn, corrected for no replacement."""
    counts = np.bincount(history.numbers.ravel(), minlength=46)[1:]
    expected = 6 * len(history) / 45
    raw = float(((counts - expected) ** 2 / expected).sum())
    statistic = raw * WITHOUT_REPLACEMENT
    return _test(
        "number_frequencies",
        ChiSquare(statistic, 44, chi2_sf(statistic, 44), []),
        "how often each number 1-45 was drawn",
    )


def odd_even_test(history: History) -> AuditTest:
    """Chi-square of odd numbers per draw against the hypergeometric law."""
    observed = np.bincount(combos.odd_counts(history.numbers), minlength=7)
    return _test(
        "odd_even", chi_square(observed, odd_count_probabilities()), "odd numbers per draw"
    )


def sum_test(history: History) -> AuditTest:
    """Chi-square of the sums of the six numbers in ten near-equal-probability bins."""
    probabilities = sum_probabilities()
    bins = sum_bins(probabilities)
    sums = combos.sums(history.numbers)
    observed = np.array([((sums >= lo) & (sums <= hi)).sum() for lo, hi in bins])
    expected = np.array([probabilities[lo : hi + 1].sum() for lo, hi in bins])
    return _test("sums", chi_square(observed, expected), "sums of the six numbers")


def serial_test(history: History) -> AuditTest:
    """Chi-square of numbers repeated from the previous draw against the hypergeometric law."""
    previous = history.presence()[:-1]
    rows = np.arange(previous.shape[0])[:, np.newaxis]
    repeats = previous[rows, history.numbers[1:]].sum(axis=1)
    observed = np.bincount(repeats, minlength=7)
    return _test(
        "serial_repeats",
        chi_square(observed, match_probabilities()),
        "numbers repeated from the previous draw",
    )


def audit(history: History) -> dict[str, Any]:
    """Every test of the audit over ``history``, JSON-ready."""
    if len(history) < MIN_DRAWS:
        raise NoDrawDataError(
            f"the audit needs at least {MIN_DRAWS} draws, {len(history)} are stored"
        )
    tests = [frequency_test(history), odd_even_test(history), sum_test(history)]
    tests.append(serial_test(history))
    return {
        "draws": len(history),
        "from": int(history.draw_nos[0]),
        "to": int(history.draw_nos[-1]),
        "tests": [asdict(test) for test in tests],
        "note": NOTE,
    }


def _test(name: str, result: ChiSquare, what: str) -> AuditTest:
    return AuditTest(
        name=name,
        statistic=result.statistic,
        df=result.df,
        p_value=result.p_value,
        reading=_reading(what, result.p_value),
    )


def _reading(what: str, p_value: float | None) -> str:
    if p_value is None:
        return f"Too few draws to test {what}."
    if p_value >= 0.05:
        return f"{what.capitalize()}: consistent with a fair draw (p = {p_value:.3f})."
    if p_value >= 0.001:
        return (
            f"{what.capitalize()}: unusual for a fair draw (p = {p_value:.3f}), as one test in "
            f"{round(1 / p_value)} is by chance; not a pattern anyone can bet on."
        )
    return (
        f"{what.capitalize()}: very unlikely under a fair draw (p = {p_value:.2g}); worth "
        "checking the data for errors before anything else."
    )
