"""Stored backtest reports."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jinlotto.db.models import BacktestReportRecord


def add(session: Session, record: BacktestReportRecord) -> BacktestReportRecord:
    """Store a report (flushed, so its id is known)."""
    session.add(record)
    session.flush()
    return record


def latest(session: Session) -> BacktestReportRecord | None:
    """The newest stored report."""
    query = select(BacktestReportRecord).order_by(BacktestReportRecord.id.desc()).limit(1)
    return session.scalars(query).first()


def as_dict(record: BacktestReportRecord) -> dict[str, Any]:
    """The stored report with its id."""
    return {**record.report, "id": record.id}
