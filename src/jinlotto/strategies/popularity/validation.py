"""Held-out check of the popularity model: fit on the first 80 % of draws, judge the rest.

Reported per tier 3-5, for the model and beside it for the plain baseline (a per-number linear
least-squares fit of the log tier-5 winner ratio, 45 weights and an intercept, used as the
prediction of every tier): R^2 of the log winner ratio (observed / uniform expectation) and its
rank correlation (Spearman) with the prediction; for the model also the share of Poisson
deviance explained beyond the training mean ratio. For tier 1: predicted against observed
winners in quarters of the held-out draws ranked by prediction; the dispersion (Pearson
chi-square per draw) under uniform play and under the model, and of the machine-picked and the
chosen winners apart where the split is published (machine picks are uniform, so theirs should
be near 1, the Poisson value); the machine share and the fitted floor; the held-out deviance of
the model beside the same model with its floor pinned at the machine share; and the held-out
draws the model judged by its prior (extrapolated), with their observed winners.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import spearmanr
from sklearn.linear_model import LinearRegression

from jinlotto.domain.history import History
from jinlotto.strategies.popularity.features import PlayContext
from jinlotto.strategies.popularity.model import (
    Judgement,
    PopularityModel,
    fit_model,
    training_data,
)

FloatArray = NDArray[np.float64]
CALIBRATION_GROUPS = 4
ZERO_WINNERS = 0.5  # stands in for a count of 0 in a log ratio


def fit_baseline(indicators: FloatArray, log_ratios: FloatArray) -> LinearRegression:
    """The plain baseline: least squares of log winner ratios on the 45 number indicators."""
    return LinearRegression().fit(indicators, log_ratios)


def _held_out(model: PopularityModel, history: History, rows: NDArray[np.int64]) -> Judgement:
    """The model's judgement of the draws at ``rows``, each from its own past."""
    judged = [
        model.judge(
            history.numbers[row : row + 1],
            PlayContext.from_history(history.before(int(history.draw_nos[row]))),
        )
        for row in rows.tolist()
    ]
    return Judgement(
        ratios=np.vstack([j.ratios for j in judged]),
        patterns=np.vstack([j.patterns for j in judged]),
        extrapolated=np.concatenate([j.extrapolated for j in judged]),
    )


def _deviance(observed: FloatArray, expected: FloatArray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return float(2 * (terms - (observed - expected)).sum())


def _r2(observed: FloatArray, predicted: FloatArray) -> float:
    residual = observed - predicted
    return float(1 - (residual**2).sum() / ((observed - observed.mean()) ** 2).sum())


def _spearman(observed: FloatArray, predicted: FloatArray) -> float:
    return float(spearmanr(observed, predicted).statistic)


def validate(history: History, held_out_share: float = 0.2) -> dict[str, Any]:
    """Fit on the earliest draws and report how well the model predicts the latest ones."""
    data = training_data(history)
    cut = int(data.draw_nos.size * (1 - held_out_share))
    first_held_out = int(data.draw_nos[cut])
    past = history.before(first_held_out)
    model = fit_model(past)
    rows = np.searchsorted(history.draw_nos, data.draw_nos[cut:])
    judgement = _held_out(model, history, rows)
    predicted = judgement.ratios
    pinned = _held_out(fit_model(past, fit_spread=False), history, rows).ratios[:, 0]
    winners, exposure = data.winners[cut:], data.exposure[cut:]
    log_ratios = np.log(np.maximum(data.winners, ZERO_WINNERS) / data.exposure)
    baseline = fit_baseline(data.indicators[:cut], log_ratios[:cut, 4])
    baseline_log = baseline.predict(data.indicators[cut:])
    train_mean = (data.winners[:cut] / data.exposure[:cut]).mean(axis=0)
    tiers: dict[str, dict[str, Any]] = {}
    for tier in (2, 3, 4):
        observed = log_ratios[cut:, tier]
        null = _deviance(winners[:, tier], exposure[:, tier] * train_mean[tier])
        fitted = _deviance(winners[:, tier], exposure[:, tier] * predicted[:, tier])
        tiers[str(tier + 1)] = {
            "r2_log_ratio": _r2(observed, np.log(predicted[:, tier])),
            "spearman": _spearman(observed, predicted[:, tier]),
            "deviance_explained": float(1 - fitted / null),
            "baseline": {
                "r2_log_ratio": _r2(observed, baseline_log),
                "spearman": _spearman(observed, baseline_log),
            },
        }
    beats = all(
        figures[key] > figures["baseline"][key]
        for figures in tiers.values()
        for key in ("r2_log_ratio", "spearman")
    )
    extrapolated = judgement.extrapolated
    return {
        "trained_through": int(data.draw_nos[cut - 1]),
        "held_out": [first_held_out, int(data.draw_nos[-1])],
        "held_out_draws": int(rows.size),
        "tiers": tiers,
        "beats_baseline": beats,
        "first_prize": {
            **_jackpot_calibration(winners[:, 0], exposure[:, 0], predicted[:, 0]),
            **_split_dispersion(history, rows, exposure[:, 0]),
            "machine_share": model.machine_share,
            "floor": float(model.floors()[0]),
            "deviance": _deviance(winners[:, 0], exposure[:, 0] * predicted[:, 0]),
            "deviance_floor_at_machine_share": _deviance(winners[:, 0], exposure[:, 0] * pinned),
            "deviance_constant_rate": _deviance(winners[:, 0], exposure[:, 0] * train_mean[0]),
        },
        "extrapolated": {
            "draws": [int(d) for d in data.draw_nos[cut:][extrapolated]],
            "observed_winners": int(winners[extrapolated, 0].sum()),
            "uniform_play_winners": float(exposure[extrapolated, 0].sum()),
            "predicted_winners": float((exposure[:, 0] * predicted[:, 0])[extrapolated].sum()),
        },
    }


def _jackpot_calibration(winners: FloatArray, exposure: FloatArray, ratio: FloatArray) -> Any:
    expected = exposure * ratio
    groups = np.array_split(np.argsort(ratio), CALIBRATION_GROUPS)
    return {
        "groups": [
            {
                "mean_predicted_ratio": float(ratio[g].mean()),
                "predicted_winners": float(expected[g].sum()),
                "observed_winners": int(winners[g].sum()),
            }
            for g in groups
        ],
        "dispersion_uniform_play": float((((winners - exposure) ** 2) / exposure).mean()),
        "dispersion_model": float((((winners - expected) ** 2) / expected).mean()),
    }


def _split_dispersion(
    history: History, rows: NDArray[np.int64], exposure: FloatArray
) -> dict[str, float]:
    """Dispersion of machine-picked and of chosen 1st-prize winners, each about its mean rate."""
    published = history.first_auto[rows] >= 0
    auto = history.first_auto[rows][published].astype(np.float64)
    chosen = (history.first_semi_auto[rows] + history.first_manual[rows])[published].astype(
        np.float64
    )
    exposure = exposure[published]

    def dispersion(counts: FloatArray) -> float:
        expected = exposure * counts.sum() / exposure.sum()
        return float((((counts - expected) ** 2) / expected).mean())

    return {
        "dispersion_auto_winners": dispersion(auto),
        "dispersion_chosen_winners": dispersion(chosen),
    }
