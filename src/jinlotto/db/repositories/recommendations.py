"""Reading and writing stored daily recommendations."""

from datetime import date
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jinlotto.db.models import RecommendationRecord

_TABLE = RecommendationRecord.__table__
_UNIQUE_KEY = ["visitor_key", "kst_date", "options_key"]
# Built once: a Core statement with bound values is compiled once per process and reused.
_INSERTS = {
    dialect.dialect.name: dialect.insert(_TABLE)
    .on_conflict_do_nothing(index_elements=_UNIQUE_KEY)
    .returning(_TABLE.c.id)
    for dialect in (postgresql, sqlite)
}


def find(
    session: Session, *, visitor_key: str, kst_date: date, options_key: str
) -> RecommendationRecord | None:
    """The stored recommendation for one visitor, day and set of options."""
    query = select(RecommendationRecord).where(
        RecommendationRecord.visitor_key == visitor_key,
        RecommendationRecord.kst_date == kst_date,
        RecommendationRecord.options_key == options_key,
    )
    return session.scalars(query).first()


def insert_if_absent(connection: Connection, values: dict[str, Any]) -> bool:
    """Insert a row unless one exists for its (visitor, day, options); whether it was inserted.

    ``ON CONFLICT DO NOTHING`` makes a concurrent second insert wait for the first and then do
    nothing, on PostgreSQL and SQLite alike, so no caller ever sees a unique-violation error. On
    an autocommit connection the statement is its own transaction, committed when this returns.
    """
    inserted = connection.execute(_INSERTS[connection.dialect.name], values)
    return inserted.scalar_one_or_none() is not None
