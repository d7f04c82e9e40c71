"""Tables of the web service: stored daily recommendations, feedback and background-job locks."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from jinlotto.db.base import DRAW_REFERENCE, Base, written_by


class RecommendationRecord(Base):
    """The games one visitor received on one KST day for one set of options.

    The games never change; ``results`` (one entry per game) and ``graded_at`` are filled once
    by the weekly job after the draw the games are for.
    """

    __tablename__ = "recommendations"
    __table_args__ = (
        UniqueConstraint("visitor_key", "kst_date", "options_key"),
        Index("ix_recommendations_draw_no", "draw_no"),
        {
            "info": {
                "written_by": (
                    "jinlotto.services.recommend",
                    "jinlotto.services.grading",
                    "jinlotto.services.weekly",
                )
            }
        },
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_key: Mapped[str] = mapped_column(String(64))
    kst_date: Mapped[date] = mapped_column(Date)
    options_key: Mapped[str] = mapped_column(String(512))
    strategy: Mapped[str] = mapped_column(String(32))
    model_version: Mapped[str | None] = mapped_column(String(128))
    draw_no: Mapped[int] = mapped_column(Integer, info=DRAW_REFERENCE)
    games: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    relaxed: Mapped[list[str]] = mapped_column(JSON)
    created_at: Mapped[datetime]
    results: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    graded_at: Mapped[datetime | None]


class FeedbackRecord(Base):
    """A message a visitor sent through the page."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_visitor_created", "visitor_key", "created_at"),
        written_by("jinlotto.services.feedback"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visitor_key: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime]


class JobLockRecord(Base):
    """A named background job that one process runs at a time; a stale lock expires."""

    __tablename__ = "job_locks"
    __table_args__ = (written_by("jinlotto.services.jobs"),)

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class RateLimitRecord(Base):
    """Requests counted for one rate-limit key in its current fixed window (without Redis)."""

    __tablename__ = "rate_limits"
    __table_args__ = (written_by("jinlotto.services.ratelimit"),)

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime] = mapped_column(index=True)
