"""The backtest report: per-strategy figures beside chance, as a JSON-ready dictionary."""

from typing import Any

import numpy as np

from jinlotto.backtest.engine import BacktestResult, StrategyTally
from jinlotto.backtest.metrics import (
    CHANCE_MEAN,
    MeanInterval,
    clustered_mean,
    looks_like_look_ahead,
    match_fit,
)
from jinlotto.domain.prizes import match_probabilities, tier_probabilities

CONTROL = "uniform"
METHOD = (
    "Walk-forward: at each draw every strategy is fitted on earlier draws only and plays the same "
    "number of games; games are scored with that draw's real prizes and the rules of its time. "
    "Intervals treat the draw as the independent unit (t-interval over per-draw means; the "
    "difference from uniform is paired by draw); the match-count chi-square pools cells "
    "expecting fewer than 5 games and is divided by the Rao-Scott design effect."
)
HONEST_NOTE = (
    "Draws are independent and uniform: no strategy can raise the chance of matching numbers. "
    "These figures measure that; they are not a forecast."
)


def build_report(result: BacktestResult) -> dict[str, Any]:
    """Every strategy's figures, the run's settings, and plain readings of the numbers."""
    config = result.config
    control = result.tallies.get(CONTROL)
    strategies = {
        name: _strategy_figures(name, tally, control) for name, tally in result.tallies.items()
    }
    return {
        "from": int(result.draw_nos[0]),
        "to": int(result.draw_nos[-1]),
        "draws": int(result.draw_nos.size),
        "tickets": config.tickets,
        "seed": config.seed,
        "retrain_every": config.retrain_every,
        "control": CONTROL if control is not None else None,
        "method": METHOD,
        "strategies": strategies,
        "summary": _summary(strategies),
        "note": HONEST_NOTE,
    }


def _per_draw_means(tally: StrategyTally) -> np.ndarray[Any, np.dtype[np.float64]]:
    counts = tally.match_counts
    return (counts * np.arange(7)).sum(axis=1) / counts.sum(axis=1)


def _strategy_figures(
    name: str, tally: StrategyTally, control: StrategyTally | None
) -> dict[str, Any]:
    per_draw = _per_draw_means(tally)
    interval = clustered_mean(per_draw)
    totals = tally.match_counts.sum(axis=0)
    games = int(totals.sum())
    fit = match_fit(tally.match_counts)
    expected_ranks = games * np.array(tier_probabilities())
    figures: dict[str, Any] = {
        "games": games,
        "mean_matches": interval.mean,
        "ci95": _interval(interval),
        "match_counts": totals.tolist(),
        "match_distribution": (totals / games).tolist(),
        "expected_distribution": match_probabilities().tolist(),
        "p_value": fit.p_value,
        "chi_square": {
            "statistic": fit.statistic,
            "df": fit.df,
            "cells": fit.cells,
            "design_effect": fit.design_effect,
        },
        "rank_counts": {str(rank): int(tally.rank_counts[rank]) for rank in range(1, 6)},
        "expected_rank_counts": {
            str(rank): float(expected_ranks[rank - 1]) for rank in range(1, 6)
        },
        "return_per_1000": 1000 * tally.prize_total / tally.cost_total,
        "chance_return_per_1000": 1000 * tally.chance_prize_total / tally.cost_total,
        "difference_from_uniform": None,
        "look_ahead_suspected": looks_like_look_ahead(interval),
    }
    if control is not None and name != CONTROL:
        difference = clustered_mean(per_draw - _per_draw_means(control))
        figures["difference_from_uniform"] = {
            "mean": difference.mean,
            "ci95": _interval(difference),
        }
    figures["reading"] = _reading(name, interval, figures)
    return figures


def _interval(interval: MeanInterval) -> list[float | None]:
    """``[low, high]``, ``None`` where too few draws give no interval (JSON has no NaN)."""
    return [value if np.isfinite(value) else None for value in (interval.low, interval.high)]


def _reading(name: str, interval: MeanInterval, figures: dict[str, Any]) -> str:
    mean, low, high = interval.mean, interval.low, interval.high
    if figures["look_ahead_suspected"]:
        return (
            f"{name}: {mean:.3f} matches per game, far above the 0.8 of chance: its games must "
            "have seen the draw (look-ahead), so its results are invalid."
        )
    if not np.isfinite(low):
        return f"{name}: {mean:.3f} matches per game; too few draws for an interval."
    where = (
        "consistent with chance (0.8)"
        if low <= CHANCE_MEAN <= high
        else "outside the 0.8 of chance at the 5 % level, which one interval in twenty is "
        "by luck alone"
    )
    return f"{name}: {mean:.3f} matches per game (95 % CI {low:.3f}-{high:.3f}), {where}."


def _summary(strategies: dict[str, dict[str, Any]]) -> list[str]:
    lines = [figures["reading"] for figures in strategies.values()]
    above = [
        name
        for name, figures in strategies.items()
        if figures["ci95"][0] is not None and figures["ci95"][0] > CHANCE_MEAN
    ]
    if above:
        lines.append(
            "Above chance in this range: " + ", ".join(above) + ". Check it on later draws "
            "before reading anything into it: draws are independent and uniform."
        )
    else:
        lines.append("No strategy matched more numbers than chance would.")
    chance = next(iter(strategies.values()))["chance_return_per_1000"]
    lines.append(
        "Returns per 1,000 KRW swing with a few rare wins; by chance these draws return about "
        f"{chance:.0f} KRW per 1,000 KRW spent, whatever numbers are played."
    )
    return lines
