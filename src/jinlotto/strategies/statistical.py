"""``statistical``: time-decayed number frequencies, with hot and cold variants."""

from typing import Literal

import numpy as np

from jinlotto.domain.history import History
from jinlotto.strategies.base import FloatArray, Strategy
from jinlotto.strategies.confidence import ConfidenceWeights

Variant = Literal["frequency", "hot", "cold"]


def decayed_frequencies(history: History, half_life: float) -> FloatArray:
    """``(45,)`` count of each number's wins, each draw weighted 0.5 ** (age / half_life).

    The newest draw has age 0. An empty history gives zeros.
    """
    ages = np.arange(len(history))[::-1]
    weights = 0.5 ** (ages / half_life)
    counts: FloatArray = weights @ history.presence()[:, 1:].astype(np.float64)
    return counts


class StatisticalStrategy(Strategy):
    """Weights numbers by how often they were drawn recently (time-decayed).

    ``variant="frequency"`` weights every number by its decayed frequency; ``"hot"`` keeps only
    the ``top_k`` most frequent numbers (weighted by frequency); ``"cold"`` keeps only the
    ``top_k`` least frequent (weighted by inverse frequency). Draws are independent, so none of
    these changes the chance of winning; they only change which numbers appear. With no history
    every number gets 1/45. Confidence consensus counts the game's numbers among the 8 most
    weighted ones.
    """

    name = "statistical"

    def __init__(
        self,
        *,
        half_life: float = 80.0,
        variant: Variant = "frequency",
        top_k: int = 8,
        random_state: int | None = None,
        confidence_weights: ConfidenceWeights | None = None,
    ) -> None:
        super().__init__(random_state=random_state, confidence_weights=confidence_weights)
        self.half_life = half_life
        self.variant = variant
        self.top_k = top_k

    def _fit(self, history: History) -> None:
        if self.half_life <= 0:
            raise ValueError("half_life must be positive")
        if not 6 <= self.top_k <= 45:
            raise ValueError("top_k must be 6-45")
        if self.variant not in ("frequency", "hot", "cold"):
            raise ValueError(f"unknown variant {self.variant!r}")
        self.frequencies_: FloatArray = decayed_frequencies(history, self.half_life)
        self.probabilities_: FloatArray = self._weights(self.frequencies_)

    def _weights(self, frequencies: FloatArray) -> FloatArray:
        if not frequencies.any():
            return np.full(45, 1 / 45)
        # Smoothing by half a draw's weight keeps never-drawn numbers possible and finite.
        smoothed = frequencies + 0.5
        weights = np.zeros(45)
        if self.variant == "frequency":
            weights = smoothed
        elif self.variant == "hot":
            chosen = np.argsort(-smoothed, kind="stable")[: self.top_k]
            weights[chosen] = smoothed[chosen]
        else:
            chosen = np.argsort(smoothed, kind="stable")[: self.top_k]
            weights[chosen] = 1 / smoothed[chosen]
        normalised: FloatArray = weights / weights.sum()
        return normalised

    def number_probabilities(self) -> FloatArray:
        """The decayed-frequency weights of numbers 1..45 (see the class docstring)."""
        return self.probabilities_
