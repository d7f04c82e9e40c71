"""Fixed-window request counters: one row per key, incremented atomically by an upsert."""

from datetime import datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jinlotto.db.models import RateLimitRecord


def incr(session: Session, key: str, *, amount: int, window: timedelta, now: datetime) -> int:
    """Add ``amount`` to the key's count (a new window once the old one expired); the count."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    expired = RateLimitRecord.expires_at <= now
    statement = (
        dialect.insert(RateLimitRecord)
        .values(key=key, hits=amount, expires_at=now + window)
        .on_conflict_do_update(
            index_elements=[RateLimitRecord.key],
            set_={
                "hits": case((expired, amount), else_=RateLimitRecord.hits + amount),
                "expires_at": case((expired, now + window), else_=RateLimitRecord.expires_at),
            },
        )
        .returning(RateLimitRecord.hits)
    )
    return int(session.execute(statement).scalar_one())


def current(session: Session, key: str, *, now: datetime) -> tuple[int, datetime | None]:
    """The key's count in its unexpired window and when that window ends (0, None: none)."""
    row = session.execute(
        select(RateLimitRecord.hits, RateLimitRecord.expires_at).where(
            RateLimitRecord.key == key, RateLimitRecord.expires_at > now
        )
    ).one_or_none()
    return (0, None) if row is None else (int(row.hits), row.expires_at)


def clear(session: Session, key: str | None = None) -> int:
    """Forget one key, or every key; how many rows went."""
    statement = delete(RateLimitRecord)
    if key is not None:
        statement = statement.where(RateLimitRecord.key == key)
    return session.execute(statement).rowcount or 0  # type: ignore[attr-defined]


def prune(session: Session, *, now: datetime) -> int:
    """Delete the counters whose window ended; how many rows went."""
    result = session.execute(delete(RateLimitRecord).where(RateLimitRecord.expires_at <= now))
    return result.rowcount or 0  # type: ignore[attr-defined]
