"""Strategies by name. Modules are imported on demand so that scikit-learn is only imported
when ``ml`` or ``unified`` is created (the request path with ``ENABLE_ML=false`` never is)."""

from importlib import import_module
from typing import Any, Literal

from jinlotto.errors import NotFoundError
from jinlotto.strategies.base import Strategy

MODEL_STRATEGIES = frozenset({"ml", "unified"})
"""The strategies that answer from a trained model (and need ``ENABLE_ML``)."""
ModelStrategy = Literal["ml", "unified"]

# name -> "module:class"
_STRATEGIES: dict[str, str] = {
    "uniform": "jinlotto.strategies.uniform:UniformStrategy",
    "statistical": "jinlotto.strategies.statistical:StatisticalStrategy",
    "ml": "jinlotto.strategies.ml:MLStrategy",
    "unified": "jinlotto.strategies.unified:UnifiedStrategy",
    "popularity": "jinlotto.strategies.popularity:PopularityStrategy",
}


def available() -> list[str]:
    """Names of every registered strategy, sorted."""
    return sorted(_STRATEGIES)


def check_name(name: str) -> None:
    """``NotFoundError`` listing the known strategies unless ``name`` is one (imports nothing)."""
    if name not in _STRATEGIES:
        raise NotFoundError(
            f"unknown strategy {name!r}; available: {', '.join(available())}",
            detail={"available": available()},
        )


def create(name: str, **params: Any) -> Strategy:
    """A new, unfitted strategy; unknown names raise ``NotFoundError`` listing the known ones."""
    check_name(name)
    module_name, class_name = _STRATEGIES[name].split(":")
    strategy_class: type[Strategy] = getattr(import_module(module_name), class_name)
    return strategy_class(**params)
