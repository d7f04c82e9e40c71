"""Alembic migrations shipped inside the package, run without an ``alembic.ini``.

Alembic is imported only when a migration runs: checking whether a database is current reads
``alembic_version`` directly and compares it with ``HEAD_REVISION``, which keeps every command's
start-up fast. A test keeps ``HEAD_REVISION`` equal to the newest migration file.
"""

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HEAD_REVISION = "0009_model_forecasts"


def alembic_config(engine: Engine) -> "Config":
    """An Alembic config bound to ``engine``."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (the newest by default)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Take the schema back to ``revision``."""
    from alembic import command

    command.downgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, ``None`` when never migrated."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def head_revision() -> str:
    """The newest revision shipped with this version."""
    return HEAD_REVISION


def is_up_to_date(engine: Engine) -> bool:
    """Whether the database schema is at the newest revision."""
    return current_revision(engine) == HEAD_REVISION


def upgrade_if_behind(engine: Engine) -> None:
    """Apply migrations only when the schema is not already current."""
    if not is_up_to_date(engine):
        logger.info("migrating the database schema to %s", HEAD_REVISION)
        upgrade(engine)


def known_revisions() -> list[str]:
    """Every revision shipped with this version, oldest first."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    return [script.revision for script in reversed(list(scripts.walk_revisions()))]
