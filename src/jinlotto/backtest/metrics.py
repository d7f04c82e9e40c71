"""Statistics of backtest results, honest about games that share a draw.

The 100 games a strategy plays at one draw are all scored against the same six numbers, so they
are not independent observations: if a strategy repeats numbers, its games win or lose together.
The independent unit is the draw. Hence:

- the 95 % interval of mean matches is a t-interval over the per-draw means (a cluster-robust
  interval with draws as clusters);
- the difference from ``uniform`` is paired by draw (both strategies played the same draws);
- the goodness-of-fit test of the 0-6 match counts is Pearson's chi-square divided by the
  Rao-Scott first-order design effect (never below 1), after pooling the rare high-match cells
  until every cell expects at least five games.
"""

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain.prizes import match_probabilities

FloatArray = NDArray[np.float64]
MIN_EXPECTED = 5.0  # smallest expected count per chi-square cell after pooling
LEAK_Z = 5.0  # a mean this many standard errors above chance is not luck (p < 3e-7)
CHANCE_MEAN = 0.8  # 6 * 6 / 45 matches per game when games ignore the draw


@dataclass(frozen=True, slots=True)
class MeanInterval:
    """A mean with its 95 % interval and standard error."""

    mean: float
    low: float
    high: float
    standard_error: float


@dataclass(frozen=True, slots=True)
class ChiSquare:
    """A goodness-of-fit test: statistic, degrees of freedom, p-value and the cells it used."""

    statistic: float
    df: int
    p_value: float | None
    cells: list[str]
    design_effect: float = 1.0


# scipy.stats is imported on first use: it is the largest import of the web service (about
# 70 MB and a second of start-up), whose hot paths never need it.
def chi2_sf(statistic: float, df: int) -> float:
    """P(X >= ``statistic``) for X chi-square distributed with ``df`` degrees of freedom."""
    from scipy import stats

    return float(stats.chi2.sf(statistic, df))


def t_quantile(probability: float, df: int) -> float:
    """The ``probability`` quantile of Student's t with ``df`` degrees of freedom."""
    from scipy import stats

    return float(stats.t.ppf(probability, df))


def clustered_mean(per_draw: FloatArray) -> MeanInterval:
    """Mean of per-draw values with a t-interval over draws (draws are the independent unit)."""
    return clustered_ratio_mean(per_draw, np.ones_like(per_draw))


def clustered_ratio_mean(totals: FloatArray, counts: FloatArray) -> MeanInterval:
    """Mean per game of per-draw ``totals`` over ``counts`` games, with a t-interval over draws.

    For draws that had different numbers of games (live recommendations): the ratio estimator
    with its cluster-robust (linearised) standard error, draws as clusters. With equal counts it
    is exactly the t-interval of the per-draw means.
    """
    draws = counts.shape[0]
    games = float(counts.sum())
    mean = float(totals.sum()) / games if games else float("nan")
    if draws < 2:
        return MeanInterval(mean, float("nan"), float("nan"), float("nan"))
    residuals = totals - mean * counts
    error = float(np.sqrt(draws / (draws - 1) * float((residuals**2).sum()))) / games
    half = t_quantile(0.975, draws - 1) * error
    return MeanInterval(mean, mean - half, mean + half, error)


def pooled_cells(expected: FloatArray) -> list[list[int]]:
    """Adjacent cell groups, merged from the rare upper end until each expects >= 5."""
    groups: list[list[int]] = []
    current: list[int] = []
    total = 0.0
    for index in range(expected.shape[0] - 1, -1, -1):
        current.insert(0, index)
        total += float(expected[index])
        if total >= MIN_EXPECTED:
            groups.insert(0, current)
            current, total = [], 0.0
    if current:  # a short remainder at the low end joins its neighbour
        if groups:
            groups[0] = current + groups[0]
        else:
            groups = [current]
    return groups


def _label(group: list[int]) -> str:
    return str(group[0]) if len(group) == 1 else f"{group[0]}-{group[-1]}"


def chi_square(
    observed: NDArray[np.int64], probabilities: FloatArray, design_effect: float = 1.0
) -> ChiSquare:
    """Pearson goodness of fit of ``observed`` counts to ``probabilities`` with sparse cells pooled.

    The statistic is divided by ``design_effect`` (Rao-Scott); the p-value is ``None`` when
    fewer than two cells remain.
    """
    total = float(observed.sum())
    groups = pooled_cells(probabilities * total)
    seen = np.array([observed[g].sum() for g in groups], dtype=np.float64)
    wanted = np.array([probabilities[g].sum() * total for g in groups], dtype=np.float64)
    labels = [_label(g) for g in groups]
    if len(groups) < 2:
        return ChiSquare(0.0, 0, None, labels, design_effect)
    statistic = float(((seen - wanted) ** 2 / wanted).sum()) / design_effect
    df = len(groups) - 1
    return ChiSquare(statistic, df, chi2_sf(statistic, df), labels, design_effect)


def design_effect(per_draw_counts: NDArray[np.int64], probabilities: FloatArray) -> float:
    """Rao-Scott mean design effect of ``(draws, cells)`` counts with equal games per draw.

    Compares each pooled cell's between-draw variance of its share with the variance it would
    have if every game were independent; floored at 1 so that clustering never makes a result
    look more significant than the plain test would.
    """
    draws = per_draw_counts.shape[0]
    games = per_draw_counts.sum()
    if draws < 2 or games == 0:
        return 1.0
    groups = pooled_cells(probabilities * games)
    if len(groups) < 2:
        return 1.0
    counts = np.column_stack([per_draw_counts[:, g].sum(axis=1) for g in groups])
    shares = counts / counts.sum(axis=1, keepdims=True)
    cell_p = np.array([probabilities[g].sum() for g in groups])
    clustered = shares.var(axis=0, ddof=1) / draws
    independent = cell_p * (1 - cell_p) / games
    effects = clustered / independent
    mean_effect = float(((1 - cell_p) * effects).sum() / (len(groups) - 1))
    return max(mean_effect, 1.0)


def match_fit(per_draw_counts: NDArray[np.int64]) -> ChiSquare:
    """Goodness of fit of ``(draws, 7)`` match counts to the hypergeometric 0-6 distribution."""
    expected = match_probabilities()
    effect = design_effect(per_draw_counts, expected)
    return chi_square(per_draw_counts.sum(axis=0), expected, effect)


def looks_like_look_ahead(interval: MeanInterval) -> bool:
    """Whether mean matches sit so far above 0.8 that games must have seen the draw."""
    if not np.isfinite(interval.standard_error):
        return False
    if interval.standard_error == 0:
        return interval.mean > CHANCE_MEAN
    return (interval.mean - CHANCE_MEAN) / interval.standard_error > LEAK_Z
