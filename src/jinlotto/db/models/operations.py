"""Tables of the weekly loop: visitors' saved tickets, the accuracy record, weekly job runs."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jinlotto.db.base import DRAW_REFERENCE, Base, written_by


class SavedTicketRecord(Base):
    """A ticket a visitor bought and saved for a draw; graded once that draw is stored."""

    __tablename__ = "saved_tickets"
    __table_args__ = (
        Index("ix_saved_tickets_visitor_created", "visitor_key", "created_at"),
        Index("ix_saved_tickets_draw_no", "draw_no"),
        written_by("jinlotto.services.visitors", "jinlotto.services.grading"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_key: Mapped[str] = mapped_column(String(64))
    draw_no: Mapped[int] = mapped_column(Integer, info=DRAW_REFERENCE)
    games: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # {"numbers": [...], "kind": ...}
    source: Mapped[str] = mapped_column(String(8))  # "typed" or "qr"
    created_at: Mapped[datetime]
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    graded_at: Mapped[datetime | None]


class AccuracyRecord(Base):
    """Graded recommended games of one draw, strategy and model version (kept forever).

    ``model_version`` is ``""`` for strategies without a model, so that the unique key holds.
    """

    __tablename__ = "accuracy_draws"
    __table_args__ = (
        UniqueConstraint("draw_no", "strategy", "model_version"),
        written_by("jinlotto.services.accuracy"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_no: Mapped[int] = mapped_column(Integer, info=DRAW_REFERENCE)
    strategy: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str] = mapped_column(String(128))
    games: Mapped[int]
    matches: Mapped[int]  # matched numbers summed over the games
    rank1: Mapped[int]
    rank2: Mapped[int]
    rank3: Mapped[int]
    rank4: Mapped[int]
    rank5: Mapped[int]
    graded_at: Mapped[datetime]


class WeeklyRunRecord(Base):
    """One attempt of the weekly job for a target draw and how it ended."""

    __tablename__ = "weekly_runs"
    __table_args__ = (
        Index("ix_weekly_runs_draw_no", "draw_no"),
        written_by("jinlotto.services.weekly"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draw_no: Mapped[int] = mapped_column(Integer, info=DRAW_REFERENCE)
    outcome: Mapped[str] = mapped_column(String(16))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime]
    details: Mapped[dict[str, Any]] = mapped_column(JSON)
