"""Background jobs that run once at a time across every process sharing the database.

A row in ``job_locks`` is the lock (see :mod:`jinlotto.db.repositories.jobs`): of several workers
asking at once exactly one runs the job. The runner is the edge of the job's work: it commits the
lock, and releases it when the work ends, however it ends.
"""

import logging
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from jinlotto.db.database import Database
from jinlotto.db.repositories import jobs as job_repo

logger = logging.getLogger(__name__)

HOLDER = f"{os.getpid()}-{secrets.token_hex(6)}"


def try_acquire(database: Database, name: str, *, ttl: timedelta) -> bool:
    """Take the named lock for this process (committed) unless another holder has it."""
    with database.transaction() as session:
        return job_repo.try_acquire(session, name, holder=HOLDER, ttl=ttl, now=datetime.now(UTC))


def release(database: Database, name: str) -> None:
    """Drop the named lock if this process holds it."""
    with database.transaction() as session:
        job_repo.release(session, name, holder=HOLDER)


def start_single_flight(
    database: Database, name: str, work: Callable[[], object], *, ttl: timedelta
) -> threading.Thread | None:
    """Run ``work`` in a daemon thread if this process wins the lock; ``None`` otherwise."""
    if not try_acquire(database, name, ttl=ttl):
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
        release(database, name)
