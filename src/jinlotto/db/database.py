"""One handle on the database: engine, session factory and the schema check."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.session import build_engine, build_session_factory, is_sqlite
from jinlotto.errors import DatabaseUnavailableError, JinlottoError


@dataclass(frozen=True)
class Database:
    """An engine and its session factory. SQLite is migrated on open; PostgreSQL is checked."""

    engine: Engine
    sessions: sessionmaker[Session]

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
        return cls(engine=engine, sessions=build_session_factory(engine))

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()
