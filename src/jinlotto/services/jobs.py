"""Background jobs that run once at a time across every process sharing the database.

A row in ``job_locks`` is the lock: inserting it (or taking over an expired one) is atomic on
both SQLite and PostgreSQL, so of several workers asking at once exactly one runs the job.
"""

import logging
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jinlotto.db.database import Database
from jinlotto.db.models import JobLockRecord

logger = logging.getLogger(__name__)

HOLDER = f"{os.getpid()}-{secrets.token_hex(6)}"


def try_acquire(session: Session, name: str, *, ttl: timedelta, now: datetime) -> bool:
    """Take the named lock for this process unless another holder's lock is still valid."""
    dialect = sqlite if session.get_bind().dialect.name == "sqlite" else postgresql
    values = {"name": name, "holder": HOLDER, "started_at": now, "expires_at": now + ttl}
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
        .values(holder=HOLDER, started_at=now, expires_at=now + ttl)
        .returning(JobLockRecord.name)
    )
    return taken.scalar_one_or_none() is not None


def release(session: Session, name: str) -> None:
    """Drop the named lock if this process holds it."""
    session.execute(
        delete(JobLockRecord).where(JobLockRecord.name == name, JobLockRecord.holder == HOLDER)
    )


def start_single_flight(
    database: Database, name: str, work: Callable[[], object], *, ttl: timedelta
) -> threading.Thread | None:
    """Run ``work`` in a daemon thread if this process wins the lock; ``None`` otherwise."""
    with database.transaction() as session:
        if not try_acquire(session, name, ttl=ttl, now=datetime.now(UTC)):
            return None
    thread = threading.Thread(
        target=_run_and_release, args=(database, name, work), name=f"job-{name}", daemon=True
    )
    thread.start()
    return thread


def _run_and_release(database: Database, name: str, work: Callable[[], object]) -> None:
    try:
        work()
    except Exception:
        logger.exception("background job %s failed", name)
    finally:
        with database.transaction() as session:
            release(session, name)
