"""``unified``: the statistical and ML per-number probabilities blended into one."""

from typing import Any

import numpy as np
from numpy.typing import NDArray

from jinlotto.domain.history import History
from jinlotto.strategies.base import FloatArray, IntArray, Strategy
from jinlotto.strategies.confidence import ConfidenceWeights, number_shares
from jinlotto.strategies.features import DEFAULT_WINDOW
from jinlotto.strategies.ml import Estimator, MLStrategy, Predictor, balanced_mask
from jinlotto.strategies.statistical import StatisticalStrategy


class UnifiedStrategy(Strategy):
    """Blend ``stat_weight * statistical + ml_weight * ml`` (weights renormalised to sum 1).

    Candidates are the union of the statistical strategy's ``top_k`` numbers and every
    position's ``top_k`` ML candidates. When that union holds fewer than ``min_candidates``
    numbers (the blend is too narrow for varied games), it is filled with the next most probable
    numbers of the blend until it does. Games are drawn from the blend restricted to the
    candidates and must meet the ML diversity constraints. Confidence consensus is the share of
    the game's numbers that both models rank among their top candidates.
    """

    name = "unified"
    has_diversity = True

    def __init__(
        self,
        *,
        stat_weight: float = 0.5,
        ml_weight: float = 0.5,
        half_life: float = 80.0,
        top_k: int = 8,
        min_candidates: int = 12,
        estimator: Estimator = "rf",
        params: dict[str, Any] | None = None,
        window: int = DEFAULT_WINDOW,
        model: Predictor | None = None,
        random_state: int | None = None,
        confidence_weights: ConfidenceWeights | None = None,
    ) -> None:
        super().__init__(random_state=random_state, confidence_weights=confidence_weights)
        self.stat_weight = stat_weight
        self.ml_weight = ml_weight
        self.half_life = half_life
        self.top_k = top_k
        self.min_candidates = min_candidates
        self.estimator = estimator
        self.params = params
        self.window = window
        self.model = model

    def _fit(self, history: History) -> None:
        if self.stat_weight < 0 or self.ml_weight < 0 or self.stat_weight + self.ml_weight <= 0:
            raise ValueError("blend weights must be non-negative and not both zero")
        if not 6 <= self.min_candidates <= 45:
            raise ValueError("min_candidates must be 6-45")
        self.statistical_ = StatisticalStrategy(half_life=self.half_life, top_k=self.top_k)
        self.statistical_.fit(history)
        self.ml_ = MLStrategy(
            estimator=self.estimator,
            params=self.params,
            window=self.window,
            top_k=self.top_k,
            model=self.model,
            random_state=self.random_state,
        ).fit(history)
        total = self.stat_weight + self.ml_weight
        blend = (
            self.stat_weight * self.statistical_.number_probabilities()
            + self.ml_weight * self.ml_.number_probabilities()
        ) / total
        stat_top = np.argsort(-self.statistical_.number_probabilities(), kind="stable")
        self.stat_top_: IntArray = (stat_top[: self.top_k] + 1).astype(np.int64)
        self.candidates_: IntArray = self._candidate_numbers(blend)
        self.agreed_: IntArray = np.intersect1d(self.stat_top_, self.ml_.candidates_.ravel())
        restricted = np.zeros(45)
        restricted[self.candidates_ - 1] = blend[self.candidates_ - 1]
        self.probabilities_: FloatArray = restricted / restricted.sum()

    def _candidate_numbers(self, blend: FloatArray) -> IntArray:
        union = np.union1d(self.stat_top_, self.ml_.candidates_.ravel())
        for number in np.argsort(-blend, kind="stable") + 1:
            if union.size >= self.min_candidates:
                break
            union = np.union1d(union, [number])
        return union.astype(np.int64)

    def number_probabilities(self) -> FloatArray:
        """The blend over the candidate numbers (0 elsewhere), summing to 1."""
        return self.probabilities_

    def consensus(self, games: IntArray) -> FloatArray:
        """Share of the game's numbers in both the statistical and the ML top candidates."""
        return number_shares(games, self.agreed_)

    def diversity_mask(self, games: IntArray) -> NDArray[np.bool_]:
        """The ML diversity constraints (odd/even balance, zones, at most 2 consecutive)."""
        return balanced_mask(games)
