"""The database facts ``/api/health`` reports, refreshed at most once a second per process.

Load balancers poll health often; one cheap query a second keeps the answer within
milliseconds. The query runs in a thread of its own and is waited on for at most the deadline
(``HEALTH_TIMEOUT_SECONDS``): a database that does not answer by then is reported unreachable,
whatever it does, and no second query is started while the first one still waits.
"""

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.errors import DatabaseUnavailableError
from jinlotto.services.models import active_model_name

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 1.0


@dataclass(frozen=True, slots=True)
class HealthFacts:
    """What the last probe saw; ``reachable`` is false when the database did not answer."""

    reachable: bool
    draws: int | None = None
    latest_draw_no: int | None = None
    latest_draw_date: date | None = None
    active_model: str | None = None


UNREACHABLE = HealthFacts(reachable=False)


class HealthProbe:
    """Caches :class:`HealthFacts` for ``refresh_seconds``; waits ``deadline_seconds`` at most."""

    def __init__(
        self,
        database: Database,
        *,
        deadline_seconds: float,
        refresh_seconds: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._database = database
        self._deadline_seconds = deadline_seconds
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._facts: HealthFacts | None = None
        self._read_at = 0.0
        self._pending: Future[HealthFacts] | None = None
        self._started_at = 0.0

    async def facts(self) -> HealthFacts:
        """Fresh facts, else the probe's answer if it comes within the deadline, else
        :data:`UNREACHABLE` (and the database gate is told it did not answer)."""
        pending, started_at = self._fresh_or_pending()
        if isinstance(pending, HealthFacts):
            return pending
        if pending.done():
            return pending.result()
        remaining = started_at + self._deadline_seconds - self._clock()
        try:
            if remaining <= 0:
                raise TimeoutError
            return await asyncio.wait_for(asyncio.wrap_future(pending), timeout=remaining)
        except TimeoutError:
            self._database.gate.report_unanswered()
            return UNREACHABLE

    def _fresh_or_pending(self) -> tuple[HealthFacts | Future[HealthFacts], float]:
        """The cached facts while fresh, else the running probe (started if none runs)."""
        with self._lock:
            now = self._clock()
            if self._facts is not None and now - self._read_at < self._refresh_seconds:
                return self._facts, self._read_at
            if self._pending is None:
                self._pending, self._started_at = Future(), now
                self._pending.set_running_or_notify_cancel()
                threading.Thread(
                    target=self._probe, args=(self._pending,), name="health-probe", daemon=True
                ).start()
            return self._pending, self._started_at

    def _probe(self, pending: Future[HealthFacts]) -> None:
        try:
            with self._database.sessions() as session:
                count, _, _, _ = draw_repo.summary(session)
                newest = draw_repo.latest(session)
                model = active_model_name(session)
            facts = HealthFacts(
                reachable=True,
                draws=count,
                latest_draw_no=newest.draw_no if newest else None,
                latest_draw_date=newest.draw_date if newest else None,
                active_model=model,
            )
        except (SQLAlchemyError, DatabaseUnavailableError) as error:
            logger.warning("health probe: the database did not answer (%s)", error)
            facts = UNREACHABLE
        with self._lock:
            self._facts, self._read_at, self._pending = facts, self._clock(), None
        pending.set_result(facts)
