"""Rate limits shared by every process and machine serving one site.

The counting is the ``limits`` library's fixed-window strategy. Counters live in Redis when
``REDIS_URL`` is set, otherwise in the ``rate_limits`` table of the service's own database,
incremented by one atomic upsert, so several processes on one database share them too.
When the storage fails, requests are let through (and a warning logged) rather than refused.
"""

import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.errors import StorageError
from limits.storage import RedisStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import rate_limits as limit_repo
from jinlotto.errors import DatabaseUnavailableError, RateLimitedError

logger = logging.getLogger(__name__)

PRUNE_EVERY_SECONDS = 60.0  # how often a process deletes expired database counters


class DatabaseStorage(Storage):
    """A ``limits`` storage over the ``rate_limits`` table (SQLite or PostgreSQL).

    While the database is not answering nothing is counted (every request passes), so that
    what can be served without the database (a repeat visitor's cached games) still is.
    """

    STORAGE_SCHEME = None  # built directly, never from a URI

    def __init__(self, database: Database) -> None:
        super().__init__(wrap_exceptions=True)
        self._database = database
        self._pruned_at = 0.0
        self._shared = threading.local()  # the session of this thread's open one_transaction()

    @property
    def base_exceptions(self) -> tuple[type[Exception], ...]:
        return (SQLAlchemyError, DatabaseUnavailableError)

    @contextmanager
    def one_transaction(self) -> Iterator[None]:
        """Every count made by this thread inside the block shares one transaction, so a request
        checking several limits commits once. A failure to commit is a ``StorageError``."""
        if not self._database.gate.answering:
            yield
            return
        try:
            with self._database.transaction() as session:
                self._shared.session = session
                try:
                    yield
                finally:
                    self._shared.session = None
        except self.base_exceptions as error:
            raise StorageError(error) from error

    @contextmanager
    def _session(self) -> Iterator[Session]:
        shared: Session | None = getattr(self._shared, "session", None)
        if shared is not None:
            yield shared
            return
        with self._database.transaction() as session:
            yield session

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        if not self._database.gate.answering:
            return 0
        now = datetime.now(UTC)
        with self._session() as session:
            count = limit_repo.incr(
                session, key, amount=amount, window=timedelta(seconds=expiry), now=now
            )
            if time.monotonic() - self._pruned_at > PRUNE_EVERY_SECONDS:
                self._pruned_at = time.monotonic()
                limit_repo.prune(session, now=now)
        return count

    def get(self, key: str) -> int:
        if not self._database.gate.answering:
            return 0
        with self._session() as session:
            return limit_repo.current(session, key, now=datetime.now(UTC))[0]

    def get_expiry(self, key: str) -> float:
        with self._session() as session:
            _, expires_at = limit_repo.current(session, key, now=datetime.now(UTC))
        return expires_at.timestamp() if expires_at is not None else time.time()

    def check(self) -> bool:
        return True  # the database's own health is reported by /api/health

    def reset(self) -> int | None:
        with self._database.transaction() as session:
            return limit_repo.clear(session)

    def clear(self, key: str) -> None:
        with self._database.transaction() as session:
            limit_repo.clear(session, key)


@lru_cache(maxsize=64)
def _parsed(limits: str) -> list[RateLimitItem]:
    return parse_many(limits)


class RateLimiter:
    """Named limits (``"predict"``, ``"feedback"``…) counted per identity (an address, a
    visitor); each limit string is in the ``limits`` notation, e.g. ``"30/minute;500/day"``."""

    def __init__(self, settings: Settings, database: Database) -> None:
        self._enabled = settings.rate_limits_enabled
        self._prefix = settings.rate_limit_key_prefix
        storage: Storage = (
            RedisStorage(
                settings.redis_url.get_secret_value(), key_prefix=self._prefix, wrap_exceptions=True
            )
            if settings.redis_url is not None
            else DatabaseStorage(database)
        )
        self._storage = storage
        self._limiter = FixedWindowRateLimiter(storage)

    @property
    def enabled(self) -> bool:
        """Whether requests are counted at all (``RATE_LIMITS_ENABLED``)."""
        return self._enabled

    @contextmanager
    def together(self) -> Iterator[None]:
        """Counts made inside the block are stored together (one database transaction when
        the counters live in the database), and refused together when storage fails."""
        shared: AbstractContextManager[None] = (
            self._storage.one_transaction()
            if self._enabled and isinstance(self._storage, DatabaseStorage)
            else nullcontext()
        )
        try:
            with shared:
                yield
        except StorageError as error:  # storage down: serve rather than refuse everyone
            self._storage_failed(error)

    def hit(self, limits: str, *identity: str) -> None:
        """Count one request of ``identity``; :class:`RateLimitedError` once it is over."""
        self._apply(limits, identity, count=True)

    def check(self, limits: str, *identity: str) -> None:
        """:class:`RateLimitedError` if ``identity`` is already over, without counting."""
        self._apply(limits, identity, count=False)

    def _apply(self, limits: str, identity: tuple[str, ...], *, count: bool) -> None:
        if not self._enabled:
            return
        for item in _parsed(limits):
            ask = self._limiter.hit if count else self._limiter.test
            try:
                allowed = ask(item, self._prefix, *identity)
            except StorageError as error:  # storage down: serve rather than refuse everyone
                self._storage_failed(error)
                return
            if not allowed:
                raise RateLimitedError(
                    "too many requests; please try again later",
                    retry_after=self._retry_after(item, identity),
                )

    @staticmethod
    def _storage_failed(error: StorageError) -> None:
        logger.warning("rate-limit storage unavailable: %s", type(error.storage_error).__name__)

    def _retry_after(self, item: RateLimitItem, identity: tuple[str, ...]) -> int:
        reset_at, _ = self._limiter.get_window_stats(item, self._prefix, *identity)
        return max(1, math.ceil(reset_at - time.time()))
