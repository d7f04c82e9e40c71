"""Visitor feedback: stored, rate-limited per visitor, forwarded to Slack when configured."""

import logging
import math
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.locks import lock_visitor
from jinlotto.db.models import FeedbackRecord
from jinlotto.db.repositories import feedback as feedback_repo
from jinlotto.errors import RateLimitedError

logger = logging.getLogger(__name__)

WINDOW = timedelta(hours=1)


def submit(
    session: Session, settings: Settings, *, visitor_key: str, message: str, now: datetime
) -> FeedbackRecord:
    """Store one message, refusing a visitor past ``FEEDBACK_PER_HOUR`` in the last hour.

    The visitor's lock makes the count and the insert one step, also across processes.
    """
    lock_visitor(session, visitor_key)
    sent, first = feedback_repo.sent_since(session, visitor_key, now - WINDOW)
    if sent >= settings.feedback_per_hour:
        wait = (first + WINDOW - now).total_seconds() if first is not None else 1
        raise RateLimitedError(
            f"at most {settings.feedback_per_hour} messages per hour; please try again later",
            retry_after=max(1, math.ceil(wait)),
        )
    record = feedback_repo.add(session, visitor_key=visitor_key, message=message, now=now)
    logger.info("feedback %d stored (%d characters)", record.id, len(message))
    return record
