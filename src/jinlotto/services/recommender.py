"""The recommendation engine of one process: the stored history, fitted strategies and the
active model, each cached by its own part and refreshed only when the database says it changed.

- :class:`DatabaseWatch` reads the draw count, newest draw and active model at most every
  ``STATE_REFRESH_SECONDS``;
- :class:`Fitted` holds one value per name (the history, each fitted strategy, each
  model-backed strategy), built outside any lock, one build at a time per name; while a newer
  version is built, other callers keep answering from the previous one;
- :class:`Recommender` puts them together for the API, the page and the CLI.

ML never makes a visitor wait: with an active model its strategy is loaded once and reused; with
none yet the answer is ``statistical`` and one background training run starts (single-flight
across processes). ``ENABLE_ML=false`` never imports the ML modules at all.
"""

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Generic, TypeVar

import numpy as np

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.history import History
from jinlotto.errors import ModelError, NoDrawDataError, ServiceBusyError
from jinlotto.services import jobs, models
from jinlotto.services.draws import NO_DATA_MESSAGE, load_history
from jinlotto.strategies import registry
from jinlotto.strategies.base import Recommendation, Strategy
from jinlotto.strategies.filters import Filters

logger = logging.getLogger(__name__)

FALLBACK_STRATEGY = "statistical"
TRAINING_JOB = "train-model"
TRAINING_TTL = timedelta(hours=1)
TRAINING_RETRY = timedelta(minutes=10)
# An active model that failed to load is tried again after this long: on another host its file
# may not have been stored yet, or an operator may have repaired it.
MODEL_RETRY = timedelta(minutes=1)
# Far longer than generating games takes, and a small part of the state's refresh period.
IN_MEMORY_MARGIN = 0.05
# Recommendations made together for visitors asking without filters (Strategy.recommend_many):
# numpy's cost per call dominates a single one. Sixteen sets cost 0.09 ms each (a single one
# 0.75 ms, eight 0.13 ms) and hold the event loop 1.5 ms; more save little and hold it longer.
POOL_SIZE = 16
Value = TypeVar("Value")


def default_strategy(settings: Settings, active_model: str | None) -> str:
    """The strategy used when none is asked for: ``unified`` when ML is on and a model is
    active, ``statistical`` otherwise. The one rule for the API, the page and the CLI."""
    if settings.enable_ml and active_model is not None:
        return "unified"
    return FALLBACK_STRATEGY


@dataclass(frozen=True, slots=True)
class DatabaseState:
    """What the database held when last asked."""

    draws: int
    newest_draw: int | None
    active_model: str | None

    @property
    def history_version(self) -> tuple[int, int | None]:
        """Changes whenever a draw is added."""
        return (self.draws, self.newest_draw)


@dataclass(frozen=True, slots=True)
class Generated:
    """Freshly generated games, ready to store."""

    games: list[dict[str, Any]]
    strategy: str
    model_version: str | None
    relaxation_stage: int
    relaxed: list[str]
    latest_draw_no: int


@dataclass(slots=True)
class _Entry(Generic[Value]):
    version: Hashable
    value: Value


@dataclass(slots=True)
class _Flight:
    done: threading.Event
    error: BaseException | None = None


@dataclass(slots=True)
class _Pool:
    """Recommendations made ahead by one fitted strategy, each handed out once."""

    strategy: Strategy
    n: int
    ready: deque[Recommendation] = field(default_factory=deque)


class Fitted(Generic[Value]):
    """One value per name, rebuilt when its version changes (thread-safe).

    A build runs outside the lock, and only one per name at a time. While it runs, callers of
    the same name get the previous value if there is one, and wait for the build if not, at
    most ``wait_seconds`` (then :class:`ServiceBusyError`, so that a build stuck on a database
    that stopped answering cannot pile up every thread behind it); callers of other names are
    not held up at all.
    """

    def __init__(self, wait_seconds: float = 30.0) -> None:
        self._wait_seconds = wait_seconds
        self._lock = threading.Lock()
        self._entries: dict[str, _Entry[Value]] = {}
        self._flights: dict[str, _Flight] = {}

    def get(self, name: str, version: Hashable, build: Callable[[], Value]) -> Value:
        """The value of ``name`` at ``version``, building it if needed (see the class)."""
        with self._lock:
            entry = self._entries.get(name)
            if entry is not None and entry.version == version:
                return entry.value
            flight = self._flights.get(name)
            if flight is None:
                flight = self._flights[name] = _Flight(threading.Event())
                building = True
            else:
                building = False
        if building:
            return self._build(name, version, build, flight)
        if entry is not None:
            return entry.value  # a newer one is being built: answer from the last good value
        if not flight.done.wait(self._wait_seconds):
            raise ServiceBusyError(f"still preparing {name}; try again shortly")
        with self._lock:
            entry = self._entries.get(name)
        if entry is None:
            raise flight.error or RuntimeError(f"building {name} failed")
        return entry.value

    def _build(
        self, name: str, version: Hashable, build: Callable[[], Value], flight: _Flight
    ) -> Value:
        try:
            value = build()
        except BaseException as error:
            flight.error = error
            raise
        else:
            with self._lock:
                self._entries[name] = _Entry(version, value)
            return value
        finally:
            with self._lock:
                del self._flights[name]
            flight.done.set()

    def peek(self, name: str, version: Hashable) -> Value | None:
        """The value of ``name`` if it is built at ``version``, without building anything."""
        with self._lock:
            entry = self._entries.get(name)
        return entry.value if entry is not None and entry.version == version else None

    def clear(self) -> None:
        """Forget every value (builds under way still finish)."""
        with self._lock:
            self._entries.clear()


class DatabaseWatch:
    """The :class:`DatabaseState`, asked of the database at most every ``refresh_seconds``."""

    def __init__(
        self,
        database: Database,
        *,
        with_model: bool,
        refresh_seconds: float,
        wait_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._with_model = with_model
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._epoch = 0  # bumped by ``forget``
        # A reading waits no longer than a statement may take before asking again fails.
        self._state: Fitted[DatabaseState] = Fitted(wait_seconds=wait_seconds)

    def current(self) -> DatabaseState:
        """The state as of at most ``refresh_seconds`` ago."""
        now = self._clock()
        period = now // self._refresh_seconds if self._refresh_seconds > 0 else now
        return self._state.get("state", (self._epoch, period), self._read)

    def fresh(self, margin_seconds: float) -> DatabaseState | None:
        """The state :meth:`current` would give without asking the database, if it still will
        in ``margin_seconds``; ``None`` otherwise."""
        if self._refresh_seconds <= 0:
            return None
        now = self._clock()
        period = now // self._refresh_seconds
        if (now + margin_seconds) // self._refresh_seconds != period:
            return None
        return self._state.peek("state", (self._epoch, period))

    def forget(self) -> None:
        """Make the next :meth:`current` ask the database again."""
        self._epoch += 1

    def _read(self) -> DatabaseState:
        with self._database.sessions() as session:
            count, _, newest, _ = draw_repo.summary(session)
            active = models.active_model_name(session) if self._with_model else None
        return DatabaseState(count, newest, active)


class Recommender:
    """Games from any registered strategy over the stored history (thread-safe).

    ``train_when_missing`` (the web service) answers ``statistical`` while no model exists and
    starts one training run in the background; otherwise (the CLI) asking for a model-backed
    strategy without a usable model is a :class:`ModelError`. ``alert(model, problem)`` is
    called once for an active model whose file cannot be used.
    """

    def __init__(
        self,
        settings: Settings,
        database: Database,
        *,
        alert: Callable[[str, str], object] = lambda _model, _problem: None,
        train_when_missing: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self.database = database
        self._alert = alert
        self._train_when_missing = train_when_missing
        self.watch = DatabaseWatch(
            database,
            with_model=settings.enable_ml,
            refresh_seconds=settings.state_refresh_seconds,
            wait_seconds=settings.database_statement_timeout_seconds,
        )
        self._history: Fitted[History] = Fitted(settings.database_statement_timeout_seconds)
        self._strategies: Fitted[Strategy] = Fitted()
        self._unusable: dict[str, float] = {}  # active model → when loading it last failed
        self._pools: dict[str, _Pool] = {}
        self._pool_lock = threading.Lock()
        self._pool_rng = np.random.default_rng()  # used under the pool lock only
        self.training: threading.Thread | None = None
        self._training_tried_at = -float("inf")

    def default_strategy(self) -> str:
        """:func:`default_strategy` for the active model as of now."""
        return default_strategy(self.settings, self.watch.current().active_model)

    def history(self) -> History:
        """The stored history, reloaded when a draw was added (seen within the refresh time)."""
        state = self.watch.current()
        return self._history.get("history", state.history_version, self._load_history)

    def _load_history(self) -> History:
        return load_history(self.database)

    def in_memory(self, requested: str | None) -> bool:
        """Whether :meth:`generate` for ``requested`` would use only what is in memory for the
        next ``IN_MEMORY_MARGIN`` seconds: the database state, the history and the fitted
        strategy (or its model)."""
        state = self.watch.fresh(IN_MEMORY_MARGIN)
        if state is None:
            return False
        if self._train_when_missing and self.settings.enable_ml and state.active_model is None:
            return False  # starting the training run asks the database
        name = requested or default_strategy(self.settings, state.active_model)
        if self._history.peek("history", state.history_version) is None:
            return False
        if name not in registry.MODEL_STRATEGIES:
            return self._strategies.peek(name, state.history_version) is not None
        if self._model_problem(state.active_model) is not None:
            return False
        version = (state.history_version, state.active_model)
        return self._strategies.peek(name, version) is not None

    def generate(
        self,
        requested: str | None,
        filters: Filters,
        n: int,
        rng: np.random.Generator | None = None,
    ) -> Generated:
        """``n`` games from the requested (or default) strategy, drawn from ``rng``.

        Without ``rng`` the games are fresh random ones; without filters too, they come from
        recommendations the strategy made ``POOL_SIZE`` at a time (the same distribution).
        """
        state = self.watch.current()
        if self._train_when_missing and self.settings.enable_ml and state.active_model is None:
            self.start_training()
        name = requested or default_strategy(self.settings, state.active_model)
        registry.check_name(name)
        history = self._history.get("history", state.history_version, self._load_history)
        if len(history) == 0:
            raise NoDrawDataError(NO_DATA_MESSAGE)
        strategy, model_version = self._strategy_for(name, history, state)
        if rng is None and filters == Filters():
            result = self._pooled(name, strategy, n)
        else:
            result = strategy.recommend(n, rng or np.random.default_rng(), filters)
        return Generated(
            games=[
                {"numbers": list(g.numbers), "confidence": g.confidence, "analysis": g.analysis}
                for g in result.games
            ],
            strategy=result.strategy,
            model_version=model_version,
            relaxation_stage=result.relaxation_stage,
            relaxed=list(result.relaxed),
            latest_draw_no=int(history.draw_nos[-1]),
        )

    def _pooled(self, name: str, strategy: Strategy, n: int) -> Recommendation:
        with self._pool_lock:
            pool = self._pools.get(name)
            if pool is None or pool.strategy is not strategy or pool.n != n:
                pool = self._pools[name] = _Pool(strategy, n)  # refitted: the old ones go
            if not pool.ready:
                pool.ready.extend(strategy.recommend_many(POOL_SIZE, n, self._pool_rng))
            return pool.ready.popleft()

    def _strategy_for(
        self, name: str, history: History, state: DatabaseState
    ) -> tuple[Strategy, str | None]:
        if name not in registry.MODEL_STRATEGIES:
            return self._fitted(name, history, state), None
        loaded = self._model_strategy(name, history, state)
        if loaded is not None:
            return loaded, state.active_model
        return self._fitted(FALLBACK_STRATEGY, history, state), None

    def _fitted(self, name: str, history: History, state: DatabaseState) -> Strategy:
        weights = models.weights_from_settings(self.settings)
        return self._strategies.get(
            name,
            state.history_version,
            lambda: registry.create(name, confidence_weights=weights).fit(history),
        )

    def _model_strategy(self, name: str, history: History, state: DatabaseState) -> Strategy | None:
        """The model-backed strategy ``name``, or ``None`` to fall back (web only)."""
        active = state.active_model
        problem = self._model_problem(active)
        if problem is not None:
            if self._train_when_missing:
                return None
            raise ModelError(f"strategy {name} {problem}")
        assert active is not None
        try:
            strategy = self._strategies.get(
                name,
                (state.history_version, active),
                lambda: self._load_model_strategy(name, active, history),
            )
        except ModelError as error:
            self._model_failed(active, error)
            if not self._train_when_missing:
                raise
            return None
        self._unusable.pop(active, None)
        return strategy

    def _model_failed(self, active: str, error: ModelError) -> None:
        """Remember when ``active`` failed; log and alert the first failure only."""
        first = active not in self._unusable
        self._unusable[active] = self._clock()
        if first:
            logger.error("model %s unusable, answering statistical: %s", active, error.message)
            self._alert(active, error.message)
        else:
            logger.warning("model %s still unusable: %s", active, error.message)

    def _model_problem(self, active: str | None) -> str | None:
        if not self.settings.enable_ml:
            return "needs ML, which is off (ENABLE_ML=false)"
        if active is None:
            return "needs a trained model; run `jinlotto train`"
        failed_at = self._unusable.get(active)
        if failed_at is not None and self._clock() - failed_at < MODEL_RETRY.total_seconds():
            return f"needs a usable model; {active} could not be loaded"
        return None

    def _load_model_strategy(self, name: str, active: str, history: History) -> Strategy:
        kind: registry.ModelStrategy = "ml" if name == "ml" else "unified"
        strategy = models.load_strategy(self.database, self.settings, active, history, kind)
        logger.info("model %s loaded for the %s strategy", active, name)
        return strategy

    def start_training(self) -> None:
        """Start one background training run unless one is running in any process, or this
        process tried less than ``TRAINING_RETRY`` ago (a run that failed is not retried on
        every request)."""
        if self.training is not None and self.training.is_alive():
            return
        now = self._clock()
        if now - self._training_tried_at < TRAINING_RETRY.total_seconds():
            return
        self._training_tried_at = now
        self.training = jobs.start_single_flight(
            self.database, TRAINING_JOB, self._train, ttl=TRAINING_TTL
        )
        if self.training is not None:
            logger.info("no active model yet: training one in the background")

    def _train(self) -> None:
        from jinlotto.services.training import train_and_activate

        # This process's view of the active model may be up to the refresh time old: another
        # process may have trained and released the lock meanwhile.
        with self.database.sessions() as session:
            already = models.active_model_name(session)
        if already is None:
            train_and_activate(self.database, self.settings)
        else:
            logger.info("model %s became active meanwhile; not training another", already)
        self.watch.forget()

    def warm_up(self) -> None:
        """Load the history, fit the default strategies and the active model before any request."""
        state = self.watch.current()
        history = self.history()
        if len(history) == 0:
            logger.warning(NO_DATA_MESSAGE)
            return
        self._fitted(FALLBACK_STRATEGY, history, state)
        if self.settings.enable_ml:
            self._strategy_for(default_strategy(self.settings, state.active_model), history, state)
