"""Single-flight background jobs through the job_locks table (SQLite and PostgreSQL)."""

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from jinlotto.db.database import Database
from jinlotto.db.models import JobLockRecord
from jinlotto.db.repositories import jobs as job_repo
from jinlotto.services import jobs

TTL = timedelta(minutes=5)


def test_a_held_lock_is_refused_until_released_or_expired(database: Database) -> None:
    now = datetime.now(UTC)

    def acquire(name: str, holder: str, at: datetime) -> bool:
        with database.transaction() as session:
            return job_repo.try_acquire(session, name, holder=holder, ttl=TTL, now=at)

    assert acquire("train", "a", now) is True
    assert acquire("train", "b", now) is False
    assert acquire("other", "b", now) is True
    assert acquire("train", "b", now + TTL * 2) is True  # a's lock went stale
    with database.transaction() as session:
        job_repo.release(session, "train", holder="a")  # no longer a's: kept
    with database.sessions() as session:
        assert set(session.scalars(select(JobLockRecord.name))) == {"train", "other"}
    with database.transaction() as session:
        job_repo.release(session, "train", holder="b")
    with database.sessions() as session:
        assert set(session.scalars(select(JobLockRecord.name))) == {"other"}


def test_start_single_flight_runs_one_job_and_releases_the_lock(database: Database) -> None:
    started = threading.Event()
    finish = threading.Event()
    runs: list[int] = []

    def work() -> None:
        runs.append(1)
        started.set()
        finish.wait(10)

    first = jobs.start_single_flight(database, "train", work, ttl=TTL)
    assert first is not None and started.wait(10)
    assert jobs.start_single_flight(database, "train", work, ttl=TTL) is None
    finish.set()
    first.join(10)
    assert runs == [1]
    with database.sessions() as session:
        assert session.scalars(select(JobLockRecord)).all() == []


def test_a_failing_job_still_releases_its_lock(database: Database) -> None:
    def broken() -> None:
        raise RuntimeError("boom")

    thread = jobs.start_single_flight(database, "train", broken, ttl=TTL)
    assert thread is not None
    thread.join(10)
    again = jobs.start_single_flight(database, "train", lambda: None, ttl=TTL)
    assert again is not None
    again.join(10)
