"""The accuracy record: graded recommended games per draw, strategy and model version."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from jinlotto.db.models import AccuracyRecord


def replace_draw(session: Session, draw_no: int, rows: list[dict[str, Any]]) -> None:
    """Make ``rows`` the whole record of ``draw_no`` (a regrade replaces, never adds)."""
    session.execute(delete(AccuracyRecord).where(AccuracyRecord.draw_no == draw_no))
    session.add_all(AccuracyRecord(draw_no=draw_no, **row) for row in rows)
    session.flush()


def all_rows(session: Session) -> Sequence[AccuracyRecord]:
    """Every row, by strategy, model version and draw."""
    query = select(AccuracyRecord).order_by(
        AccuracyRecord.strategy, AccuracyRecord.model_version, AccuracyRecord.draw_no
    )
    return session.scalars(query).all()
