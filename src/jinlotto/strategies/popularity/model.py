"""A model of how many other players pick a combination, fitted on past prize-winner counts.

Under uniform play a draw's tier-k winners would number (games sold) x P_k. The ratio of the
observed count to that expectation shows how popular the winning numbers were. We fit:

- tiers 3-5 (hundreds to millions of winners): Poisson regression of the winner count on the
  45 per-number indicators and the pattern features, with the uniform expectation as exposure;
- tiers 1-2 (a handful of winners, too few to learn 55 weights): a share ``a`` of machine-picked
  (uniform) play plus chosen play whose popularity follows the tier-5 per-number score and the
  patterns, ``ratio = a + (1 - a) * exp(c0 + c . [score, patterns])``, by Poisson likelihood.

Draws before 88 (a different price) are left out. Only ``history`` given to :func:`fit_model`
is used, so a model for draw t sees draws before t only.
"""

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize
from sklearn.linear_model import PoissonRegressor
from threadpoolctl import threadpool_limits

from jinlotto.domain.history import History
from jinlotto.domain.prizes import PRICE_CHANGE_DRAW, game_price, tier_probabilities
from jinlotto.errors import ModelError
from jinlotto.strategies.popularity.features import (
    PlayContext,
    number_indicators,
    patterns,
    winner_patterns,
)

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

MIN_DRAWS = 100  # usable draws needed to fit 55 weights
RIDGE = 1e-3  # L2 penalty of the Poisson regressions (on standardised features)
JACKPOT_RIDGE = 0.5  # L2 penalty of the tier-1/2 slopes: few winners, keep them modest
REFERENCE_GAMES = 4000  # uniformly random games that define "average" popularity
REFERENCE_SEED = 20021207  # fixed: the reference sample is part of the model, not a draw


@dataclass(frozen=True, slots=True)
class TrainingData:
    """Rows usable for fitting: winner counts, their uniform-play expectation and features."""

    draw_nos: IntArray
    winners: FloatArray  # (n, 5)
    exposure: FloatArray  # (n, 5) games sold x tier probability
    indicators: FloatArray  # (n, 45)
    patterns: FloatArray  # (n, 10), raw


def training_data(history: History) -> TrainingData:
    """Draws from 88 on with known sales and tier-5 winners, each with features from its past."""
    pattern_rows = winner_patterns(history)  # row i describes draw i + 1
    rows = np.arange(1, len(history))
    usable = (
        (history.draw_nos[rows] >= PRICE_CHANGE_DRAW)
        & (history.sales[rows] > 0)
        & (history.winners[rows, 4] >= 0)
    )
    rows = rows[usable]
    games_sold = history.sales[rows] / np.array(
        [game_price(int(d)) for d in history.draw_nos[rows]]
    )
    return TrainingData(
        draw_nos=history.draw_nos[rows],
        # An unpublished count of tiers 1-2 beside a published tier 5 means nobody won.
        winners=np.maximum(history.winners[rows], 0).astype(np.float64),
        exposure=games_sold[:, np.newaxis] * np.array(tier_probabilities())[np.newaxis, :],
        indicators=number_indicators(history.numbers[rows]),
        patterns=pattern_rows[usable],
    )


@dataclass(frozen=True, slots=True)
class PopularityModel:
    """Fitted weights; :meth:`ratios` predicts each tier's winners relative to uniform play."""

    pattern_low: FloatArray  # range of each pattern among the training draws; games outside
    pattern_high: FloatArray  # it are judged at the nearest edge, never extrapolated
    pattern_mean: FloatArray
    pattern_scale: FloatArray
    coefficients: FloatArray  # (3, 55) tiers 3-5, numbers then standardised patterns
    intercepts: FloatArray  # (3,)
    score_mean: float  # of the tier-5 linear score, to standardise it for tiers 1-2
    score_scale: float
    jackpot: FloatArray  # (2, 13) tiers 1-2: logit share, c0, score slope, pattern slopes
    reference_ratios: FloatArray  # (REFERENCE_GAMES, 5) ratios of uniformly random games

    def ratios(self, games: IntArray, context: PlayContext) -> FloatArray:
        """``(m, 5)`` predicted winners of tiers 1-5 relative to uniform play, if drawn."""
        raw = np.clip(patterns(games, context), self.pattern_low, self.pattern_high)
        standard = (raw - self.pattern_mean) / self.pattern_scale
        design = np.hstack([number_indicators(games), standard])
        result = np.empty((games.shape[0], 5), dtype=np.float64)
        result[:, 2:] = np.exp(design @ self.coefficients.T + self.intercepts)
        score = (design @ self.coefficients[2] - self.score_mean) / self.score_scale
        inputs = np.column_stack([score, standard])
        for tier in (0, 1):
            result[:, tier] = _mixture(self.jackpot[tier], inputs)
        return result

    def outside_training(self, games: IntArray, context: PlayContext) -> NDArray[np.bool_]:
        """Which games have a pattern beyond anything seen among past winning combinations."""
        raw = patterns(games, context)
        return np.asarray(((raw < self.pattern_low) | (raw > self.pattern_high)).any(axis=1))

    def popularity_index(self, ratios: FloatArray) -> FloatArray:
        """Expected 1st-prize co-winners relative to a uniformly random game (1.0 = average)."""
        return ratios[:, 0] / self.reference_ratios[:, 0].mean()


def _mixture(parameters: FloatArray, inputs: FloatArray) -> FloatArray:
    share = 1 / (1 + np.exp(-parameters[0]))
    return share + (1 - share) * np.exp(parameters[1] + inputs @ parameters[2:])


def fit_model(history: History) -> PopularityModel:
    """Fit the popularity model on every usable draw of ``history``."""
    # A thousand rows and 55 columns: BLAS threads cost more than they save (10x on a busy box).
    with threadpool_limits(limits=1):
        return _fit(history)


def _fit(history: History) -> PopularityModel:
    data = training_data(history)
    if data.draw_nos.size < MIN_DRAWS:
        raise ModelError(
            f"the popularity model needs {MIN_DRAWS} draws with sales and winner counts from "
            f"draw {PRICE_CHANGE_DRAW} on; {data.draw_nos.size} are available"
        )
    mean = data.patterns.mean(axis=0)
    scale = np.where(data.patterns.std(axis=0) > 0, data.patterns.std(axis=0), 1.0)
    design = np.hstack([data.indicators, (data.patterns - mean) / scale])
    coefficients, intercepts = np.zeros((3, design.shape[1])), np.zeros(3)
    for index, tier in enumerate((2, 3, 4)):
        regression = PoissonRegressor(alpha=RIDGE, solver="newton-cholesky", max_iter=100)
        exposure = data.exposure[:, tier]
        regression.fit(design, data.winners[:, tier] / exposure, sample_weight=exposure)
        coefficients[index], intercepts[index] = regression.coef_, regression.intercept_
    raw_score = design @ coefficients[2]
    score_mean, score_scale = float(raw_score.mean()), float(raw_score.std() or 1.0)
    inputs = np.column_stack([(raw_score - score_mean) / score_scale, design[:, 45:]])
    jackpot = np.vstack(
        [_fit_mixture(inputs, data.winners[:, t], data.exposure[:, t]) for t in (0, 1)]
    )
    model = PopularityModel(
        pattern_low=data.patterns.min(axis=0),
        pattern_high=data.patterns.max(axis=0),
        pattern_mean=mean,
        pattern_scale=scale,
        coefficients=coefficients,
        intercepts=intercepts,
        score_mean=score_mean,
        score_scale=score_scale,
        jackpot=jackpot,
        reference_ratios=np.ones((1, 5)),
    )
    reference = model.ratios(_reference_games(), PlayContext.from_history(history))
    return replace(model, reference_ratios=reference)


def _fit_mixture(inputs: FloatArray, winners: FloatArray, exposure: FloatArray) -> FloatArray:
    """Penalised Poisson maximum likelihood of the machine-pick share and the slopes."""

    def loss_and_gradient(parameters: FloatArray) -> tuple[float, FloatArray]:
        share = 1 / (1 + np.exp(-parameters[0]))
        chosen = np.exp(parameters[1] + inputs @ parameters[2:])
        expected = exposure * (share + (1 - share) * chosen)
        slopes = parameters[2:]
        loss = (expected - winners * np.log(expected)).sum() + JACKPOT_RIDGE * slopes @ slopes
        residual = 1 - winners / expected  # d loss / d expected
        along_chosen = residual * exposure * (1 - share) * chosen
        gradient = np.concatenate(
            [
                [(residual * exposure * (1 - chosen)).sum() * share * (1 - share)],
                [along_chosen.sum()],
                inputs.T @ along_chosen + 2 * JACKPOT_RIDGE * slopes,
            ]
        )
        return float(loss), gradient

    start = np.zeros(inputs.shape[1] + 2)
    start[0] = 0.5  # a share of about 60 % machine picks, as published for 1st-prize winners
    result = minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B")
    parameters: FloatArray = result.x
    return parameters


def _reference_games() -> IntArray:
    rng = np.random.default_rng(REFERENCE_SEED)
    keys = rng.random((REFERENCE_GAMES, 45))
    return np.sort(np.argpartition(keys, 6, axis=1)[:, :6] + 1, axis=1).astype(np.int64)
