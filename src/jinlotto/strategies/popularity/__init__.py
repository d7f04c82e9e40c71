"""The popularity model (features, fit, value of a win) and the ``popularity`` strategy."""

from jinlotto.strategies.popularity.strategy import PopularityStrategy

__all__ = ["PopularityStrategy"]
