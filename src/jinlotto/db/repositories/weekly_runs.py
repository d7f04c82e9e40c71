"""The log of weekly job attempts."""

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jinlotto.db.models import WeeklyRunRecord


def add(
    session: Session,
    *,
    draw_no: int,
    outcome: str,
    started_at: datetime,
    finished_at: datetime,
    details: dict[str, Any],
) -> WeeklyRunRecord:
    """Record one attempt."""
    record = WeeklyRunRecord(
        draw_no=draw_no,
        outcome=outcome,
        started_at=started_at,
        finished_at=finished_at,
        details=details,
    )
    session.add(record)
    session.flush()
    return record


def find(session: Session, *, draw_no: int, outcome: str) -> WeeklyRunRecord | None:
    """The newest attempt for ``draw_no`` that ended with ``outcome``."""
    query = (
        select(WeeklyRunRecord)
        .where(WeeklyRunRecord.draw_no == draw_no, WeeklyRunRecord.outcome == outcome)
        .order_by(WeeklyRunRecord.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def latest(session: Session, *, outcome: str | None = None) -> WeeklyRunRecord | None:
    """The newest attempt (that ended with ``outcome``, when given)."""
    query = select(WeeklyRunRecord).order_by(WeeklyRunRecord.id.desc()).limit(1)
    if outcome is not None:
        query = query.where(WeeklyRunRecord.outcome == outcome)
    return session.scalars(query).first()
