"""``popularity``: uniformly random games, keeping those fewer other players are likely to pick.

For each game wanted, ``candidates_per_game`` games are drawn uniformly at random and the one
with the fewest expected 1st-prize co-winners is kept, passing over extrapolated games (too few
past winning combinations had their pattern to measure it; their figures are only a prior, at
least average). The choice never looks at the draw, so every game still matches the drawn
numbers exactly as often as chance says (hypergeometric, mean 0.8, which the backtest checks);
only the number of people a prize would be shared with changes. That number cannot fall below
the model's floor, the play spread like uniform picks (machine picks alone are about two thirds
of games sold), so a chosen game's expected co-winners stay near 0.9 of a random game's.
Passing a fitted ``model`` makes ``fit`` only update the game's past (previous draw, earlier
winners, most drawn numbers, latest sales), without re-learning the model.
"""

import numpy as np

from jinlotto.domain.history import History
from jinlotto.errors import ModelError
from jinlotto.strategies.base import FloatArray, IntArray, Strategy, uniform_games
from jinlotto.strategies.confidence import ConfidenceWeights
from jinlotto.strategies.popularity.features import PlayContext
from jinlotto.strategies.popularity.model import PopularityModel, fit_model
from jinlotto.strategies.popularity.value import score_games

UNIFORM = np.full(45, 1 / 45)


class PopularityStrategy(Strategy):
    """Uniform games chosen among ``candidates_per_game`` by fewest expected co-winners."""

    name = "popularity"

    def __init__(
        self,
        *,
        candidates_per_game: int = 20,
        model: PopularityModel | None = None,
        random_state: int | None = None,
        confidence_weights: ConfidenceWeights | None = None,
    ) -> None:
        super().__init__(random_state=random_state, confidence_weights=confidence_weights)
        self.candidates_per_game = candidates_per_game
        self.model = model

    def _fit(self, history: History) -> None:
        if self.candidates_per_game < 1:
            raise ValueError("candidates_per_game must be at least 1")
        self.model_: PopularityModel = self.model or fit_model(history)
        self.play_context_ = PlayContext.from_history(history)
        row = history.latest_with_sales()
        if row is None:
            raise ModelError("the popularity strategy needs a draw with known sales")
        self.sales_draw_no_ = int(history.draw_nos[row])
        self.sales_ = int(history.sales[row])

    def number_probabilities(self) -> FloatArray:
        """Uniform: every number is equally likely, as in the draw."""
        return UNIFORM.copy()

    def sample(self, m: int, rng: np.random.Generator) -> IntArray:
        """``(m, 6)`` games, each the least popular of its uniformly drawn candidates."""
        pool = uniform_games(m * self.candidates_per_game, rng)
        return self._least_popular(pool, m)

    def _propose(self, m: int, rng: np.random.Generator) -> IntArray:
        """Uniformly random candidates; :meth:`_choose` keeps the least popular that pass."""
        return uniform_games(m, rng)

    def _choose(self, passing: IntArray) -> IntArray:
        """The least popular of each ``candidates_per_game`` candidates that met the filters."""
        groups = -(-passing.shape[0] // self.candidates_per_game)
        padded = np.resize(passing, (groups * self.candidates_per_game, 6))
        return self._least_popular(padded, groups)

    def _least_popular(self, pool: IntArray, m: int) -> IntArray:
        judgement = self.model_.judge(pool, self.play_context_)
        # The prior of an extrapolated game is a lower bound, not a measurement: such a game is
        # kept only if every candidate is one.
        ratios = np.where(judgement.extrapolated, np.inf, judgement.ratios[:, 0])
        groups = ratios.reshape(m, self.candidates_per_game)
        chosen = np.arange(m) * self.candidates_per_game + groups.argmin(axis=1)
        return pool[chosen]

    def _analyse(self, games: IntArray) -> list[dict[str, object]]:
        """As :meth:`Strategy._analyse`, each game's analysis adding its popularity figures."""
        analyses = super()._analyse(games)
        scores = score_games(
            self.model_, games, self.play_context_, self.sales_, self.sales_draw_no_
        )
        for analysis, score in zip(analyses, scores, strict=True):
            analysis["popularity"] = {k: v for k, v in score.items() if k != "numbers"}
        return analyses
