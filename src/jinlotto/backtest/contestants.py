"""Contestants: each registered strategy wrapped for the walk-forward engine.

Cheap strategies are created and fitted afresh on the past at every draw. ``ml``/``unified``
(per-position classifiers) and ``popularity`` (its regression model) re-learn their model only
when the engine asks (every ``retrain_every`` draws) and in between are fitted on the newer past
with that model passed in, which recomputes their prediction inputs from draws before t only.
``ml`` and ``unified`` share one trained model, as they do in service.
"""

from collections.abc import Callable, Sequence
from typing import Any

from jinlotto.backtest.engine import Contestant, Player
from jinlotto.domain.history import History
from jinlotto.strategies import registry

Trainer = Callable[[History], Any]


class _Retrained:
    """A model re-learned on request (once per past, however many strategies share it)."""

    def __init__(self, train: Trainer) -> None:
        self._train = train
        self._model: Any = None
        self._trained_on: int | None = None  # newest draw of the past it was learned from

    def model(self, past: History, relearn: bool) -> Any:
        newest = past.latest_draw_no
        if self._model is None or (relearn and newest != self._trained_on):
            self._model = self._train(past)
            self._trained_on = newest
        return self._model


def build_contestants(names: Sequence[str], seed: int) -> dict[str, Contestant]:
    """A contestant per strategy name (unknown names raise ``NotFoundError``)."""
    for name in names:
        registry.create(name)  # fail early, with the list of known names
    position_models = _Retrained(lambda past: _train_position_models(past, seed))
    popularity_model = _Retrained(_fit_popularity)
    shared = {"ml": position_models, "unified": position_models, "popularity": popularity_model}
    return {name: _contestant(name, seed, shared.get(name)) for name in names}


def _contestant(name: str, seed: int, retrained: _Retrained | None) -> Contestant:
    def play(past: History, relearn: bool) -> Player:
        if retrained is None:
            return registry.create(name, random_state=seed).fit(past)
        model = retrained.model(past, relearn)
        return registry.create(name, model=model, random_state=seed).fit(past)

    return play


def _train_position_models(past: History, seed: int) -> Any:
    from jinlotto.strategies.ml import train_position_models

    return train_position_models(past, random_state=seed)


def _fit_popularity(past: History) -> Any:
    from jinlotto.strategies.popularity.model import fit_model

    return fit_model(past)
