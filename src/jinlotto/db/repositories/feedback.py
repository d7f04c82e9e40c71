"""Visitor feedback messages."""

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jinlotto.db.models import FeedbackRecord


def sent_since(session: Session, visitor_key: str, since: datetime) -> tuple[int, datetime | None]:
    """How many messages the visitor sent after ``since``, and when the first of them was."""
    count, first = session.execute(
        select(func.count(FeedbackRecord.id), func.min(FeedbackRecord.created_at)).where(
            FeedbackRecord.visitor_key == visitor_key, FeedbackRecord.created_at > since
        )
    ).one()
    return int(count or 0), first


def add(session: Session, *, visitor_key: str, message: str, now: datetime) -> FeedbackRecord:
    """Store one message (flushed, so its id is known)."""
    record = FeedbackRecord(visitor_key=visitor_key, message=message, created_at=now)
    session.add(record)
    session.flush()
    return record
