"""The database facts ``/api/health`` reports, refreshed at most once a second per process.

Load balancers poll health often; one cheap query a second keeps the answer within
milliseconds, and an unreachable database still shows within a second.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date

from sqlalchemy.exc import SQLAlchemyError

from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
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


class HealthProbe:
    """Caches :class:`HealthFacts` for ``REFRESH_SECONDS``."""

    def __init__(self, database: Database, refresh_seconds: float = REFRESH_SECONDS) -> None:
        self._database = database
        self._refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._facts: HealthFacts | None = None
        self._read_at = 0.0

    def cached(self) -> HealthFacts | None:
        """The facts if still fresh, else ``None`` (the caller then calls :meth:`refresh`)."""
        if self._facts is not None and time.monotonic() - self._read_at < self._refresh_seconds:
            return self._facts
        return None

    def refresh(self) -> HealthFacts:
        """Ask the database (blocking; run off the event loop)."""
        with self._lock:
            fresh = self.cached()
            if fresh is not None:
                return fresh
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
            except SQLAlchemyError as error:
                logger.warning("health probe: the database did not answer (%s)", error)
                facts = HealthFacts(reachable=False)
            self._facts, self._read_at = facts, time.monotonic()
            return facts
