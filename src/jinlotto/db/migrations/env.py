"""Alembic environment: the engine comes from the caller through ``config.attributes``."""

from alembic import context

from jinlotto.db import models  # noqa: F401  (registers every table on the metadata)
from jinlotto.db.base import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
