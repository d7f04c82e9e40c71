"""A model of how many other players pick a combination, fitted on past prize-winner counts.

Under uniform play a draw's tier-k winners would number (games sold) x P_k. The ratio of the
observed count to that expectation shows how popular the winning numbers were. We fit:

- tiers 3-5 (hundreds to millions of winners): Poisson regression of the winner count on the
  45 per-number indicators and the pattern features, with the uniform expectation as exposure;
- tiers 1-2 (a handful of winners, too few to learn 56 weights): a floor ``f`` of play spread
  like uniform picks plus concentrated chosen play whose popularity follows the tier-5
  per-number score and the patterns, ``ratio = f + (1 - f) * exp(c0 + c . [score, patterns])``,
  by Poisson likelihood.

The floor is bounded below by the machine-pick share :func:`machine_share` reads from the
published split of 1st-prize winners (auto / semi-auto / manual): machine picks are uniform, so
every combination gets at least that share of its uniform expectation. Above the bound the
floor is fitted, as ``f = m + (1 - m) * s``, ``s`` being the share of hand-picked play the
features cannot tell from uniform. Held-out draws support fitting ``s`` over pinning ``f`` at
``m``: on the last 20 % of the shared draws the fitted floor (0.85 of uniform, beside a machine
share of 0.68) leaves a Poisson deviance of 464 for 1st-prize winners where the pinned floor
leaves 473 (a constant rate, 505), and the pinned model under-predicts the winners of the
quarter of draws it rates least popular by 6 % (4 % with the fitted floor). Many players who
choose their own numbers choose ones no pattern feature singles out, and to the model their
tickets are as spread out as machine picks. :func:`validation.validate` reports both fits.

A pattern beyond what enough past winners had cannot be measured this way: such a game is
*extrapolated* and its tier 1-3 figures follow the prior of :mod:`.prior` (at least an average
game's), never the fitted weights judged at the edge of the data.

Draws before 88 (a different price) are left out. Only ``history`` given to :func:`fit_model`
is used, so a model for draw t sees draws before t only, the machine share included.
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
from jinlotto.strategies.popularity.prior import apply_prior, reason, support_bounds

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

MIN_DRAWS = 100  # usable draws needed to fit 56 weights
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
    patterns: FloatArray  # (n, 11), raw


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
class Judgement:
    """A model's view of some games: predicted ratios, and which games are beyond the data."""

    ratios: FloatArray  # (m, 5) winners of tiers 1-5 relative to uniform play, prior applied
    patterns: FloatArray  # (m, 11) raw pattern features
    extrapolated: BoolArray  # (m,) a pattern beyond the support: tiers 1-3 are the prior's


@dataclass(frozen=True, slots=True)
class PopularityModel:
    """Fitted weights; :meth:`ratios` predicts each tier's winners relative to uniform play."""

    pattern_low: FloatArray  # range of each pattern among the training draws: the weights
    pattern_high: FloatArray  # judge a game's patterns held inside it, never beyond
    support_low: FloatArray  # range of each pattern that enough training winners reached;
    support_high: FloatArray  # games beyond it are extrapolated and judged by the prior
    training_draws: int
    pattern_mean: FloatArray
    pattern_scale: FloatArray
    coefficients: FloatArray  # (3, 56) tiers 3-5, numbers then standardised patterns
    intercepts: FloatArray  # (3,)
    score_mean: float  # of the tier-5 linear score, to standardise it for tiers 1-2
    score_scale: float
    machine_share: float  # lower bound of the tier-1/2 floor, from the published split
    jackpot: FloatArray  # (2, 14) tiers 1-2: logit of s, c0, score slope, pattern slopes
    reference_ratios: FloatArray  # (REFERENCE_GAMES, 5) measured ratios of random games

    def judge(self, games: IntArray, context: PlayContext) -> Judgement:
        """Ratios of ``games`` (``(m, 6)``) if drawn next, and which are extrapolated."""
        raw = patterns(games, context)
        beyond = (raw < self.support_low) | (raw > self.support_high)
        extrapolated: BoolArray = np.asarray(beyond.any(axis=1))
        average = self.reference_ratios.mean(axis=0)
        ratios = apply_prior(self._measured(games, raw), extrapolated, average)
        return Judgement(ratios=ratios, patterns=raw, extrapolated=extrapolated)

    def ratios(self, games: IntArray, context: PlayContext) -> FloatArray:
        """``(m, 5)`` predicted winners of tiers 1-5 relative to uniform play, if drawn."""
        return self.judge(games, context).ratios

    def reasons(self, judgement: Judgement) -> list[str | None]:
        """Per judged game, why its figures are a prior (``None`` where they are measured)."""
        return [
            reason(row, self.support_low, self.support_high, self.training_draws)
            for row in judgement.patterns
        ]

    def _measured(self, games: IntArray, raw: FloatArray) -> FloatArray:
        """What the fitted weights say, each pattern held inside the training range."""
        clipped = np.clip(raw, self.pattern_low, self.pattern_high)
        standard = (clipped - self.pattern_mean) / self.pattern_scale
        design = np.hstack([number_indicators(games), standard])
        result = np.empty((games.shape[0], 5), dtype=np.float64)
        result[:, 2:] = np.exp(design @ self.coefficients.T + self.intercepts)
        score = (design @ self.coefficients[2] - self.score_mean) / self.score_scale
        inputs = np.column_stack([score, standard])
        chosen = np.exp(self.jackpot[:, 1] + inputs @ self.jackpot[:, 2:].T)
        floors = self.floors()
        result[:, :2] = floors + (1 - floors) * chosen
        return result

    def floors(self) -> FloatArray:
        """``(2,)`` the least ratio of tiers 1-2 any game can have: the play spread uniformly."""
        spread = 1 / (1 + np.exp(-self.jackpot[:, 0]))
        return np.asarray(self.machine_share + (1 - self.machine_share) * spread)

    def popularity_index(self, ratios: FloatArray) -> FloatArray:
        """Expected 1st-prize co-winners relative to a uniformly random game (1.0 = average)."""
        return ratios[:, 0] / self.reference_ratios[:, 0].mean()


def machine_share(history: History) -> float:
    """Share of games picked by machine, from the published split of 1st-prize winners.

    Every combination is equally likely to be drawn, so the machine-picked share of winning
    games estimates the machine-picked share of games sold. A semi-auto game has some numbers
    chosen by the player and the rest by machine, and the split does not say how many; it is
    counted as half a machine pick (counting it as none or as a whole one moves the share by
    1.4 points either way). 0.0 when ``history`` holds no published split: no bound.
    """
    published = history.first_auto >= 0
    winners = history.winners[published, 0].sum()
    if winners == 0:
        return 0.0
    machine = history.first_auto[published].sum() + history.first_semi_auto[published].sum() / 2
    return float(machine / winners)


def fit_model(history: History, *, fit_spread: bool = True) -> PopularityModel:
    """Fit the popularity model on every usable draw of ``history``.

    ``fit_spread=False`` pins the tier-1/2 floor at the machine share, the alternative the
    held-out validation weighs the fitted floor against.
    """
    # A thousand rows and 56 columns: BLAS threads cost more than they save (10x on a busy box).
    with threadpool_limits(limits=1):
        return _fit(history, fit_spread)


def _fit(history: History, fit_spread: bool) -> PopularityModel:
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
    share = machine_share(history)
    jackpot = np.vstack(
        [
            _fit_mixture(inputs, data.winners[:, t], data.exposure[:, t], share, fit_spread)
            for t in (0, 1)
        ]
    )
    low, high = support_bounds(data.patterns)
    model = PopularityModel(
        pattern_low=data.patterns.min(axis=0),
        pattern_high=data.patterns.max(axis=0),
        support_low=low,
        support_high=high,
        training_draws=int(data.draw_nos.size),
        pattern_mean=mean,
        pattern_scale=scale,
        coefficients=coefficients,
        intercepts=intercepts,
        score_mean=score_mean,
        score_scale=score_scale,
        machine_share=share,
        jackpot=jackpot,
        reference_ratios=np.ones((1, 5)),
    )
    games = _reference_games()
    reference = model._measured(games, patterns(games, PlayContext.from_history(history)))
    return replace(model, reference_ratios=reference)


def _fit_mixture(
    inputs: FloatArray, winners: FloatArray, exposure: FloatArray, share: float, fit_spread: bool
) -> FloatArray:
    """Penalised Poisson maximum likelihood of the spread share ``s`` (unless pinned at 0)
    and the slopes, with the floor ``share + (1 - share) * s``."""

    def loss_and_gradient(parameters: FloatArray) -> tuple[float, FloatArray]:
        spread = 1 / (1 + np.exp(-parameters[0])) if fit_spread else 0.0
        floor = share + (1 - share) * spread
        chosen = np.exp(parameters[1] + inputs @ parameters[2:])
        expected = exposure * (floor + (1 - floor) * chosen)
        slopes = parameters[2:]
        loss = (expected - winners * np.log(expected)).sum() + JACKPOT_RIDGE * slopes @ slopes
        residual = 1 - winners / expected  # d loss / d expected
        along_chosen = residual * exposure * (1 - floor) * chosen
        along_spread = (residual * exposure * (1 - chosen)).sum() * (1 - share)
        gradient = np.concatenate(
            [
                [along_spread * spread * (1 - spread)],
                [along_chosen.sum()],
                inputs.T @ along_chosen + 2 * JACKPOT_RIDGE * slopes,
            ]
        )
        return float(loss), gradient

    start = np.zeros(inputs.shape[1] + 2)
    result = minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B")
    parameters: FloatArray = result.x
    if not fit_spread:
        parameters[0] = -np.inf  # s = 0: the floor is the machine share
    return parameters


def _reference_games() -> IntArray:
    rng = np.random.default_rng(REFERENCE_SEED)
    keys = rng.random((REFERENCE_GAMES, 45))
    return np.sort(np.argpartition(keys, 6, axis=1)[:, :6] + 1, axis=1).astype(np.int64)
