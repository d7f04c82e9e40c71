"""One handle on the database: engine, session factory, the gate and the schema check."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.gate import DatabaseGate
from jinlotto.db.session import build_engine, build_session_factory, is_sqlite
from jinlotto.errors import DatabaseUnavailableError, JinlottoError


@dataclass(frozen=True)
class Database:
    """An engine, its session factory and its gate. SQLite is migrated on open; PostgreSQL is
    checked.

    Use the database through :meth:`sessions`, :meth:`transaction` or :meth:`autocommit`: each
    holds a slot of the gate (:mod:`jinlotto.db.gate`) for its block.
    """

    engine: Engine
    session_factory: sessionmaker[Session]
    gate: DatabaseGate

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
        event.listen(engine, "after_cursor_execute", lambda *_: gate.report_answered())
        return cls(engine=engine, session_factory=build_session_factory(engine), gate=gate)

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

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection on which every statement commits by itself (one round trip each)."""
        with (
            self.gate.slot(),
            self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection,
        ):
            yield connection

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
