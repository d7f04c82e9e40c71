"""The recommendation engine as the web service holds it: the history, fitted strategies and the
active model, cached in memory and refreshed only when the database says they changed.

ML never makes a visitor wait: with an active model its strategy is loaded once and reused; with
none yet the answer is ``statistical`` and one background training run starts (single-flight
across processes). ``ENABLE_ML=false`` never imports the ML modules at all.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.history import History
from jinlotto.errors import ModelError, NoDrawDataError, NotFoundError
from jinlotto.services import jobs, models
from jinlotto.services.draws import NO_DATA_MESSAGE, load_history
from jinlotto.services.models import active_model_name, weights_from_settings
from jinlotto.strategies import registry
from jinlotto.strategies.base import Strategy
from jinlotto.strategies.filters import Filters

logger = logging.getLogger(__name__)

ML_STRATEGIES = frozenset({"ml", "unified"})
FALLBACK_STRATEGY = "statistical"
TRAINING_JOB = "train-model"
TRAINING_TTL = timedelta(hours=1)
HistoryVersion = tuple[int, int | None]
# How stale the cached draw count and active model may be: a new draw or model shows within it.
STATE_REFRESH_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class Generated:
    """Freshly generated games, ready to store."""

    games: list[dict[str, Any]]
    strategy: str
    model_version: str | None
    relaxed: list[str]
    latest_draw_no: int


class EngineCache:
    """History, fitted strategies and the loaded model of one process (thread-safe)."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        alert: Callable[[str], object],
        refresh_seconds: float = STATE_REFRESH_SECONDS,
    ) -> None:
        self.settings = settings
        self.database = database
        self._alert = alert
        self._lock = threading.RLock()
        self._version: HistoryVersion | None = None
        self._history: History | None = None
        self._fitted: dict[str, Strategy] = {}
        self._model: tuple[str, str, Strategy] | None = None  # (model, strategy name, fitted)
        self.training: threading.Thread | None = None
        self.refresh_seconds = refresh_seconds
        self._checked_at = -float("inf")
        self._state: tuple[HistoryVersion, str | None] = ((0, None), None)
        self._unusable: str | None = None  # an active model whose file failed to load

    def default_strategy(self) -> str:
        """``unified`` while ML is enabled, ``statistical`` otherwise."""
        return "unified" if self.settings.enable_ml else FALLBACK_STRATEGY

    def _database_state(self) -> tuple[HistoryVersion, str | None]:
        """Draw count, newest draw and active model, asked at most every ``refresh_seconds``."""
        with self._lock:
            if time.monotonic() - self._checked_at < self.refresh_seconds:
                return self._state
            with self.database.sessions() as session:
                count, _, latest, _ = draw_repo.summary(session)
                active = active_model_name(session) if self.settings.enable_ml else None
            self._state = ((count, latest), active)
            self._checked_at = time.monotonic()
            return self._state

    def history(self) -> History:
        """The stored history, reloaded when a draw was added (seen within ``refresh_seconds``)."""
        version, _ = self._database_state()
        with self._lock:
            if self._history is None or version != self._version:
                self._history = load_history(self.database)
                self._version = version
                self._fitted.clear()
                self._model = None
            return self._history

    def generate(
        self, requested: str | None, filters: Filters, n: int, rng: np.random.Generator
    ) -> Generated:
        """``n`` games from the requested (or default) strategy, falling back to statistical."""
        name = requested or self.default_strategy()
        if name not in registry.available():
            raise NotFoundError(
                f"unknown strategy {name!r}; available: {', '.join(registry.available())}"
            )
        history = self.history()
        if len(history) == 0:
            raise NoDrawDataError(NO_DATA_MESSAGE)
        strategy, model_version = self._strategy_for(name, history)
        result = strategy.recommend(n, rng, filters)
        games = [
            {"numbers": list(g.numbers), "confidence": g.confidence, "analysis": g.analysis}
            for g in result.games
        ]
        return Generated(
            games=games,
            strategy=result.strategy,
            model_version=model_version,
            relaxed=list(result.relaxed),
            latest_draw_no=int(history.draw_nos[-1]),
        )

    def _strategy_for(self, name: str, history: History) -> tuple[Strategy, str | None]:
        if name not in ML_STRATEGIES:
            return self._fitted_strategy(name, history), None
        if self.settings.enable_ml:
            loaded = self._model_strategy(name, history)
            if loaded is not None:
                return loaded
        return self._fitted_strategy(FALLBACK_STRATEGY, history), None

    def _fitted_strategy(self, name: str, history: History) -> Strategy:
        with self._lock:
            strategy = self._fitted.get(name)
            if strategy is None:
                strategy = registry.create(
                    name, confidence_weights=weights_from_settings(self.settings)
                ).fit(history)
                self._fitted[name] = strategy
            return strategy

    def _model_strategy(self, name: str, history: History) -> tuple[Strategy, str] | None:
        _, active = self._database_state()
        if active is None:
            self.start_training()
            return None
        with self._lock:
            if self._model is not None and self._model[:2] == (active, name):
                return self._model[2], active
            if active == self._unusable:  # already logged and alerted once
                return None
            try:
                strategy = models.load_strategy(
                    self.settings, active, history, "ml" if name == "ml" else "unified"
                )
            except ModelError as error:
                self._unusable = active
                logger.error("model %s unusable, answering statistical: %s", active, error.message)
                self._alert(
                    f"JinLotto: model {active} unusable ({error.message}); serving statistical"
                )
                return None
            self._model = (active, name, strategy)
            logger.info("model %s loaded for the %s strategy", active, name)
            return strategy, active

    def start_training(self) -> None:
        """Start one background training run unless one is running in any process."""
        if self.training is not None and self.training.is_alive():
            return
        self.training = jobs.start_single_flight(
            self.database, TRAINING_JOB, self._train, ttl=TRAINING_TTL
        )
        if self.training is not None:
            logger.info("no active model yet: training one in the background")

    def _train(self) -> None:
        from jinlotto.services.training import train_and_activate

        # This process's view of the active model may be up to ``refresh_seconds`` old: another
        # process may have trained and released the lock meanwhile.
        with self.database.sessions() as session:
            already = active_model_name(session)
        if already is None:
            train_and_activate(self.database, self.settings)
        else:
            logger.info("model %s became active meanwhile; not training another", already)
        self._forget_state()

    def _forget_state(self) -> None:
        """Make the next request read the draw count and active model afresh."""
        with self._lock:
            self._checked_at = -float("inf")

    def warm_up(self) -> None:
        """Load the history, fit the default strategies and the active model before any request."""
        history = self.history()
        if len(history) == 0:
            logger.warning(NO_DATA_MESSAGE)
            return
        self._fitted_strategy(FALLBACK_STRATEGY, history)
        if self.settings.enable_ml:
            self._strategy_for(self.default_strategy(), history)
