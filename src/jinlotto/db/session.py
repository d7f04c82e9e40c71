"""Engines and session factories, built by callers (the app lifespan, the CLI), never at import."""

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from jinlotto.config import Settings

# TCP keepalive probes while a reply is awaited: a host that vanished mid-query (powered off,
# partitioned) is noticed after about KEEPALIVE_IDLE + KEEPALIVE_INTERVAL * KEEPALIVE_COUNT s.
KEEPALIVE_IDLE_SECONDS = 10
KEEPALIVE_INTERVAL_SECONDS = 3
KEEPALIVE_COUNT = 3


def is_sqlite(url: str) -> bool:
    """Whether a database URL points at SQLite."""
    return url.startswith("sqlite")


def build_engine(settings: Settings) -> Engine:
    """An engine for ``DATABASE_URL`` with settings suited to each backend."""
    url = settings.database_url
    if is_sqlite(url):
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            pool_timeout=settings.database_pool_timeout_seconds,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # Every connection (DATABASE_POOL_SIZE per process) stays pooled: overflow connections were
    # closed on return, so under load each request paid for a new PostgreSQL backend.
    return create_engine(
        url,
        connect_args=postgres_connect_args(settings),
        pool_pre_ping=True,
        pool_size=settings.database_pool_size,
        max_overflow=0,
        pool_timeout=settings.database_pool_timeout_seconds,
    )


def build_autocommit_engine(settings: Settings, *, pool_size: int) -> Engine | None:
    """A PostgreSQL engine for statements that commit by themselves, without ``pool_pre_ping``
    (see :meth:`jinlotto.db.database.Database.run_autocommit`); None for SQLite.

    Its connections are opened in autocommit, and no round trip checks one on checkout: a
    statement of four rows cost the process 480 µs of CPU with the pre-ping and the switch to
    autocommit on checkout, 260 µs without.
    """
    if is_sqlite(settings.database_url):
        return None
    return create_engine(
        settings.database_url,
        connect_args=postgres_connect_args(settings),
        isolation_level="AUTOCOMMIT",
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=settings.database_pool_timeout_seconds,
    )


def postgres_connect_args(settings: Settings) -> dict[str, Any]:
    """libpq options bounding how long a connection can wait on an unresponsive server.

    ``connect_timeout`` bounds opening a connection and ``statement_timeout`` a statement the
    server runs. A host that stops answering mid-query (no TCP acknowledgements, no keepalive
    replies) is dropped by ``tcp_user_timeout`` and the keepalives. None of these ends a wait
    on a server *process* that is frozen on a live host, whose kernel still acknowledges
    everything: the database gate (:mod:`jinlotto.db.gate`) bounds how many threads wait then.
    """
    statement_ms = round(settings.database_statement_timeout_seconds * 1000)
    return {
        "connect_timeout": settings.database_connect_timeout_seconds,
        "options": f"-c statement_timeout={statement_ms}",
        "keepalives": 1,
        "keepalives_idle": KEEPALIVE_IDLE_SECONDS,
        "keepalives_interval": KEEPALIVE_INTERVAL_SECONDS,
        "keepalives_count": KEEPALIVE_COUNT,
        "tcp_user_timeout": settings.database_tcp_user_timeout_seconds * 1000,
    }


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def build_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Session factory; objects stay readable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)
