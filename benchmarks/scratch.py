"""What the benchmarks share: the shared draw file, and a scratch PostgreSQL database filled
from it (created for one run, dropped afterwards)."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.services.draws import import_file

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data" / "lotto645_draws.json"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


@contextmanager
def scratch_database(prefix: str = "jinlotto_bench") -> Iterator[str]:
    """The SQLAlchemy URL of a new, empty PostgreSQL database, dropped when the block ends."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def database_name(database_url: str) -> str:
    """The database part of a URL made by :func:`scratch_database`."""
    return database_url.rsplit("/", 1)[1]


def fill(settings: Settings, *, train: bool) -> None:
    """Migrate the database of ``settings``, import the shared draws 1-1200 and, with ``train``,
    train and activate a model in ``settings.model_dir``."""
    engine = build_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    database = Database.open(settings)
    try:
        with database.transaction() as session:
            import_file(session, SHARED)
        if train:
            from jinlotto.services.training import train_and_activate

            result = train_and_activate(database, settings)
            print(f"model {result.model_name} trained in {result.seconds} s")
    finally:
        database.close()
