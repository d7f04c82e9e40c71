"""Popularity of games with other players: scores of typed games and the model's held-out check."""

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from jinlotto.domain.history import History
from jinlotto.errors import NoDrawDataError


def popularity_validation(history: History) -> dict[str, Any]:
    """Held-out figures of the popularity model (see its validation module)."""
    from jinlotto.strategies.popularity.validation import validate

    return validate(history)


class PopularityScorer:
    """Scores games with a popularity model fitted once per stored history (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[int, int] | None = None
        self._model: Any = None

    def score(self, history: History, numbers: Sequence[int]) -> dict[str, Any]:
        """Popularity index, expected co-winners of tiers 1-3 and expected prize per 1,000 KRW,
        and whether they are a prior (``extrapolated``, with the ``reason``) or measured.

        Co-winners and prizes assume the sales of the newest draw with known sales.
        """
        from jinlotto.strategies.popularity.features import PlayContext
        from jinlotto.strategies.popularity.value import EV_NOTE, score_games

        row = history.latest_with_sales()
        if row is None:
            raise NoDrawDataError("no stored draw has sales figures to score a game against")
        model = self._fitted(history)
        games = np.array([list(numbers)], dtype=np.int64)
        sales, draw_no = int(history.sales[row]), int(history.draw_nos[row])
        score = score_games(model, games, PlayContext.from_history(history), sales, draw_no)[0]
        return {**score, "sales_of_draw": draw_no, "sales": sales, "note": EV_NOTE}

    def _fitted(self, history: History) -> Any:
        from jinlotto.strategies.popularity.model import fit_model

        key = (len(history), int(history.draw_nos[-1]))
        with self._lock:
            if self._key != key:
                self._model = fit_model(history)
                self._key = key
            return self._model


popularity_scorer = PopularityScorer()
