"""The ``confidence`` of a recommended game: how strongly the strategy agrees with itself.

confidence = base + w_consensus * consensus_ratio + w_hot * hot_ratio
             + w_entropy * normalised_entropy, clipped to [minimum, maximum]

- ``consensus_ratio`` (0-1): the share of the game's numbers that are among the strategy's top
  candidates (per position for ``ml``; see each strategy's ``consensus``). A strategy without
  preferences (``uniform``) has no top candidates, so its ratio is 0.
- ``hot_ratio`` (0-1): the share of the game's numbers among the hot numbers of the fitted
  history (the 8 drawn most often in the last 20 draws).
- ``normalised_entropy`` (0-1): the entropy of the strategy's probabilities of the six numbers,
  renormalised over the game, divided by log 6; 1 when the strategy weights them equally.

It measures the model's internal agreement and nothing else. It is not a probability and not a
chance of winning: every game has the same 1 in 8,145,060 chance of 1st prize.
"""

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

_TINY = 1e-12


@dataclass(frozen=True, slots=True)
class ConfidenceWeights:
    """The constants of the confidence formula (env ``CONF_*`` in the settings)."""

    base: float = 0.40
    minimum: float = 0.40
    maximum: float = 0.80
    consensus: float = 0.30
    hot: float = 0.10
    entropy: float = 0.20


def normalised_entropy(
    games: NDArray[np.int64], probabilities: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Entropy of each game's six renormalised probabilities over log 6 (1 = all equal)."""
    weights = probabilities[games - 1] + _TINY
    shares = weights / weights.sum(axis=1, keepdims=True)
    entropy: NDArray[np.float64] = -(shares * np.log(shares)).sum(axis=1) / math.log(6)
    return np.clip(entropy, 0.0, 1.0)


def number_shares(games: NDArray[np.int64], numbers: NDArray[np.int64]) -> NDArray[np.float64]:
    """Share of each game's numbers among ``numbers`` (1-45)."""
    # A 46-entry lookup table: many times faster than ``np.isin`` on a handful of games.
    member = np.zeros(46, dtype=np.bool_)
    member[numbers] = True
    shares: NDArray[np.float64] = member[games].mean(axis=1)
    return shares


def hot_ratios(games: NDArray[np.int64], hot_numbers: NDArray[np.int64]) -> NDArray[np.float64]:
    """Share of each game's numbers among ``hot_numbers``."""
    return number_shares(games, hot_numbers)


def confidences(
    games: NDArray[np.int64],
    probabilities: NDArray[np.float64],
    consensus: NDArray[np.float64],
    hot_numbers: NDArray[np.int64],
    weights: ConfidenceWeights,
) -> NDArray[np.float64]:
    """The confidence of each game (see the module docstring), rounded to 4 decimals."""
    raw = (
        weights.base
        + weights.consensus * consensus
        + weights.hot * hot_ratios(games, hot_numbers)
        + weights.entropy * normalised_entropy(games, probabilities)
    )
    clipped = np.clip(raw, weights.minimum, weights.maximum).astype(np.float64)
    return np.round(clipped, 4)
