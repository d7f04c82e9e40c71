"""Held-out check of the popularity model: fit on the first 80 % of draws, judge the rest.

Reported per tier 3-5: R^2 of the log winner ratio (observed / uniform expectation) and the
share of Poisson deviance explained beyond the training mean ratio. For tier 1: predicted
against observed winners in quarters of the held-out draws ranked by prediction; the
dispersion (Pearson chi-square per draw) under uniform play and under the model, and of the
machine-picked and the chosen winners apart where the split is published (machine picks are
uniform, so theirs should be near 1, the Poisson value); the machine share and the fitted
floor; and the held-out deviance of the model beside the same model with its floor pinned at
the machine share.
"""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain.history import History
from jinlotto.strategies.popularity.features import PlayContext, number_indicators
from jinlotto.strategies.popularity.model import PopularityModel, fit_model, training_data

FloatArray = NDArray[np.float64]
CALIBRATION_GROUPS = 4


def held_out_ratios(
    model: PopularityModel, history: History, rows: NDArray[np.int64]
) -> FloatArray:
    """``(len(rows), 5)`` predicted ratios of the draws at ``rows``, each from its own past."""
    predicted = np.empty((rows.size, 5))
    for index, row in enumerate(rows.tolist()):
        context = PlayContext.from_history(history.before(int(history.draw_nos[row])))
        predicted[index] = model.ratios(history.numbers[row : row + 1], context)[0]
    return predicted


def _deviance(observed: FloatArray, expected: FloatArray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(observed > 0, observed * np.log(observed / expected), 0.0)
    return float(2 * (terms - (observed - expected)).sum())


def validate(history: History, held_out_share: float = 0.2) -> dict[str, Any]:
    """Fit on the earliest draws and report how well the model predicts the latest ones."""
    data = training_data(history)
    cut = int(data.draw_nos.size * (1 - held_out_share))
    first_held_out = int(data.draw_nos[cut])
    past = history.before(first_held_out)
    model = fit_model(past)
    rows = np.searchsorted(history.draw_nos, data.draw_nos[cut:])
    predicted = held_out_ratios(model, history, rows)
    pinned = held_out_ratios(fit_model(past, fit_spread=False), history, rows)[:, 0]
    winners, exposure = data.winners[cut:], data.exposure[cut:]
    train_mean = (data.winners[:cut] / data.exposure[:cut]).mean(axis=0)
    tiers = {}
    for tier in (2, 3, 4):
        observed_log = np.log(np.maximum(winners[:, tier], 0.5) / exposure[:, tier])
        residual = observed_log - np.log(predicted[:, tier])
        spread = observed_log - observed_log.mean()
        null = _deviance(winners[:, tier], exposure[:, tier] * train_mean[tier])
        fitted = _deviance(winners[:, tier], exposure[:, tier] * predicted[:, tier])
        tiers[str(tier + 1)] = {
            "r2_log_ratio": float(1 - (residual**2).sum() / (spread**2).sum()),
            "deviance_explained": float(1 - fitted / null),
        }
    return {
        "trained_through": int(data.draw_nos[cut - 1]),
        "held_out": [first_held_out, int(data.draw_nos[-1])],
        "held_out_draws": int(rows.size),
        "tiers": tiers,
        "first_prize": {
            **_jackpot_calibration(winners[:, 0], exposure[:, 0], predicted[:, 0]),
            **_split_dispersion(history, rows, exposure[:, 0]),
            "machine_share": model.machine_share,
            "floor": float(model.floors()[0]),
            "deviance": _deviance(winners[:, 0], exposure[:, 0] * predicted[:, 0]),
            "deviance_floor_at_machine_share": _deviance(winners[:, 0], exposure[:, 0] * pinned),
            "deviance_constant_rate": _deviance(winners[:, 0], exposure[:, 0] * train_mean[0]),
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


def per_number_r2(history: History, held_out_share: float = 0.2) -> float:
    """Held-out R^2 of the tier-5 log ratio from the 45 per-number indicators alone."""
    from sklearn.linear_model import PoissonRegressor

    data = training_data(history)
    cut = int(data.draw_nos.size * (1 - held_out_share))
    design = number_indicators(history.numbers[np.searchsorted(history.draw_nos, data.draw_nos)])
    winners, exposure = data.winners[:, 4], data.exposure[:, 4]
    regression = PoissonRegressor(alpha=1e-3, solver="newton-cholesky", max_iter=100)
    regression.fit(design[:cut], winners[:cut] / exposure[:cut], sample_weight=exposure[:cut])
    observed = np.log(winners[cut:] / exposure[cut:])
    residual = observed - np.log(regression.predict(design[cut:]))
    return float(1 - (residual**2).sum() / ((observed - observed.mean()) ** 2).sum())
