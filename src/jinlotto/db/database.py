"""One handle on the database: engine, session factory, the gate and the schema check."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.gate import DatabaseGate
from jinlotto.db.session import (
    build_autocommit_engine,
    build_engine,
    build_session_factory,
    is_sqlite,
)
from jinlotto.errors import DatabaseUnavailableError, JinlottoError

Result = TypeVar("Result")
# Connections of the autocommit engine, and so the statements its one user, the recommendation
# writer, runs at once per process: one served 10 % more new visitors than two (bench_web.py),
# the rows arriving while it runs sharing the next one.
AUTOCOMMIT_CONNECTIONS = 1


@dataclass(frozen=True)
class Database:
    """An engine, its session factory and its gate. SQLite is migrated on open; PostgreSQL is
    checked.

    Use the database through :meth:`sessions`, :meth:`transaction` or :meth:`run_autocommit`:
    each holds a slot of the gate (:mod:`jinlotto.db.gate`) while it works.
    """

    engine: Engine
    session_factory: sessionmaker[Session]
    gate: DatabaseGate
    autocommit_engine: Engine  # on PostgreSQL with its own pool (build_autocommit_engine)

    @classmethod
    def open(cls, settings: Settings) -> "Database":
        """Connect, apply migrations to SQLite, and refuse a PostgreSQL schema that is behind."""
        engine = build_engine(settings)
        try:
            if is_sqlite(settings.database_url):
                migrate.upgrade_if_behind(engine)
            elif not migrate.is_up_to_date(engine):
                raise JinlottoError(
                    "the database schema is not up to date; run `jinlotto db upgrade` first"
                )
        except SQLAlchemyError as error:
            engine.dispose()
            raise DatabaseUnavailableError(
                f"cannot use the database: {type(error).__name__}: {error.orig or error}"
                if hasattr(error, "orig")
                else f"cannot use the database: {error}"
            ) from error
        except JinlottoError:
            engine.dispose()
            raise
        gate = DatabaseGate(settings.database_pool_size, settings.database_pool_timeout_seconds)
        own_pool = build_autocommit_engine(settings, pool_size=AUTOCOMMIT_CONNECTIONS)
        for pooled in filter(None, (engine, own_pool)):
            event.listen(pooled, "after_cursor_execute", lambda *_: gate.report_answered())
        return cls(
            engine=engine,
            session_factory=build_session_factory(engine),
            gate=gate,
            # SQLite: the same pool, autocommit set on each checkout
            autocommit_engine=own_pool or engine.execution_options(isolation_level="AUTOCOMMIT"),
        )

    @contextmanager
    def sessions(self) -> Iterator[Session]:
        """A session for the block (reads; writes use :meth:`transaction`)."""
        with self.gate.slot(), self.session_factory() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def run_autocommit(self, work: Callable[[Connection], Result]) -> Result:
        """``work`` on a connection on which every statement commits by itself (one round trip
        each), which ``work`` must make safe to run twice: with no round trip checking the
        connection first, ``work`` is run once more on a new connection when the server had
        closed the first (a restart), as SQLAlchemy's pre-ping would have found."""
        try:
            return self._autocommit(work)
        except DBAPIError as error:
            if not error.connection_invalidated:
                raise
        return self._autocommit(work)  # the pool dropped every connection older than the error

    def _autocommit(self, work: Callable[[Connection], Result]) -> Result:
        with self.gate.slot(), self.autocommit_engine.connect() as connection:
            return work(connection)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
        self.autocommit_engine.dispose()
