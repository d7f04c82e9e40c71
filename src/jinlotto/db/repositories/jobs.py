"""Named job locks: one row per running job, taken atomically on SQLite and PostgreSQL."""

from datetime import datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jinlotto.db.models import JobLockRecord


def try_acquire(session: Session, name: str, *, holder: str, ttl: timedelta, now: datetime) -> bool:
    """Take the named lock for ``holder`` unless another holder's lock is still valid."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    values = {"name": name, "holder": holder, "started_at": now, "expires_at": now + ttl}
    # RETURNING tells whether this statement wrote the row (rowcount is not reliable here).
    inserted = session.execute(
        dialect.insert(JobLockRecord)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(JobLockRecord.name)
    )
    if inserted.scalar_one_or_none() is not None:
        return True
    taken = session.execute(
        update(JobLockRecord)
        .where(JobLockRecord.name == name, JobLockRecord.expires_at < now)
        .values(holder=holder, started_at=now, expires_at=now + ttl)
        .returning(JobLockRecord.name)
    )
    return taken.scalar_one_or_none() is not None


def release(session: Session, name: str, *, holder: str) -> None:
    """Drop the named lock if ``holder`` holds it."""
    session.execute(
        delete(JobLockRecord).where(JobLockRecord.name == name, JobLockRecord.holder == holder)
    )
