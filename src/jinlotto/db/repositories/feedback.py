"""Visitor feedback messages."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jinlotto.db.models import FeedbackRecord


def count_since(session: Session, visitor_key: str, since: datetime) -> int:
    """How many messages the visitor sent after ``since``."""
    count = session.scalar(
        select(func.count(FeedbackRecord.id)).where(
            FeedbackRecord.visitor_key == visitor_key, FeedbackRecord.created_at > since
        )
    )
    return int(count or 0)


def add(session: Session, *, visitor_key: str, message: str, now: datetime) -> FeedbackRecord:
    """Store one message (flushed, so its id is known)."""
    record = FeedbackRecord(visitor_key=visitor_key, message=message, created_at=now)
    session.add(record)
    session.flush()
    return record
