"""The shipped migrations build exactly the schema the models describe, on both backends."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.base import Base
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.errors import JinlottoError


def test_migrations_match_models(settings: Settings) -> None:
    engine = build_engine(settings)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_downgrade_to_base_removes_every_table(settings: Settings) -> None:
    engine = build_engine(settings)
    migrate.upgrade(engine)
    migrate.downgrade(engine, "base")
    tables = set(inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()
    assert tables == set()


def test_open_migrates_sqlite_but_refuses_unmigrated_postgres(settings: Settings) -> None:
    if settings.database_url.startswith("sqlite"):
        database = Database.open(settings)
        assert migrate.is_up_to_date(database.engine)
        database.close()
        return
    with pytest.raises(JinlottoError, match="jinlotto db upgrade"):
        Database.open(settings)


def test_head_constant_names_the_newest_migration(settings: Settings) -> None:
    from alembic.script import ScriptDirectory

    engine = build_engine(settings)
    newest = ScriptDirectory.from_config(migrate.alembic_config(engine)).get_current_head()
    engine.dispose()
    assert newest == migrate.HEAD_REVISION
