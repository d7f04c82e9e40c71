"""Every table, imported here so that Alembic and ``Base.metadata`` see them all."""

from jinlotto.db.models.draws import DrawRecord

__all__ = ["DrawRecord"]
