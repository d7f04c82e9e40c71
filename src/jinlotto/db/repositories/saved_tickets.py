"""Reading and writing visitors' saved tickets."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from jinlotto.db.models import SavedTicketRecord


def add(session: Session, **values: Any) -> SavedTicketRecord:
    """Insert a saved ticket (flushed, so it has an id)."""
    record = SavedTicketRecord(**values)
    session.add(record)
    session.flush()
    return record


def count_open(session: Session, visitor_key: str) -> int:
    """How many of a visitor's tickets are not graded yet."""
    query = select(func.count(SavedTicketRecord.id)).where(
        SavedTicketRecord.visitor_key == visitor_key, SavedTicketRecord.graded_at.is_(None)
    )
    return int(session.scalar(query) or 0)


def for_visitor(
    session: Session, visitor_key: str, *, limit: int, offset: int
) -> Sequence[SavedTicketRecord]:
    """A visitor's saved tickets, newest first."""
    query = (
        select(SavedTicketRecord)
        .where(SavedTicketRecord.visitor_key == visitor_key)
        .order_by(SavedTicketRecord.created_at.desc(), SavedTicketRecord.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return session.scalars(query).all()


def delete_for_visitor(session: Session, visitor_key: str, ticket_id: int) -> bool:
    """Delete one of a visitor's tickets; whether it existed (and was theirs)."""
    deleted = session.execute(
        delete(SavedTicketRecord)
        .where(SavedTicketRecord.id == ticket_id, SavedTicketRecord.visitor_key == visitor_key)
        .returning(SavedTicketRecord.id)
    )
    return deleted.first() is not None


def ungraded_draw_nos(session: Session, *, up_to: int) -> list[int]:
    """Draw numbers up to ``up_to`` that still have ungraded tickets, ascending."""
    query = (
        select(SavedTicketRecord.draw_no)
        .where(SavedTicketRecord.graded_at.is_(None), SavedTicketRecord.draw_no <= up_to)
        .distinct()
        .order_by(SavedTicketRecord.draw_no)
    )
    return list(session.scalars(query))


def ungraded_batch(
    session: Session, *, draw_no: int, after_id: int, limit: int
) -> Sequence[SavedTicketRecord]:
    """Up to ``limit`` ungraded tickets for ``draw_no``, by id."""
    query = (
        select(SavedTicketRecord)
        .where(
            SavedTicketRecord.draw_no == draw_no,
            SavedTicketRecord.graded_at.is_(None),
            SavedTicketRecord.id > after_id,
        )
        .order_by(SavedTicketRecord.id)
        .limit(limit)
    )
    return session.scalars(query).all()
