"""``uniform``: every combination equally likely, the control every report compares against."""

import numpy as np

from jinlotto.domain.history import History
from jinlotto.strategies.base import FloatArray, IntArray, Strategy, uniform_games


class UniformStrategy(Strategy):
    """Draws every number with probability 1/45, like a fair machine draw.

    It learns nothing from the history (``fit`` only records the context filters need). Its
    confidence has no consensus part and full entropy, so it is ``base + w_entropy +
    w_hot * hot_ratio`` (0.60-0.70 with the defaults): a description, not a prediction.
    """

    name = "uniform"

    def _fit(self, history: History) -> None:
        self.probabilities_: FloatArray = np.full(45, 1 / 45)

    def number_probabilities(self) -> FloatArray:
        """1/45 for every number."""
        return self.probabilities_

    def sample(self, m: int, rng: np.random.Generator) -> IntArray:
        """``(m, 6)`` uniformly random ascending games."""
        return uniform_games(m, rng)
