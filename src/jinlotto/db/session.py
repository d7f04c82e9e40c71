"""Engines and session factories, built by callers (the app lifespan, the CLI), never at import."""

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from jinlotto.config import Settings


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return url.startswith("sqlite")


def build_engine(settings: Settings) -> Engine:
    """An engine for ``DATABASE_URL`` with settings suited to each backend."""
    url = settings.database_url
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Every connection (at most 15 per process) stays pooled: overflow connections were closed on
    # return, so under load each request paid for a new PostgreSQL backend.
    return create_engine(url, pool_pre_ping=True, pool_size=15, max_overflow=0)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
