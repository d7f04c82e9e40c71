"""The backtest reports table: every stored walk-forward report, newest served by the API."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jinlotto.db.base import Base, written_by


class BacktestReportRecord(Base):
    """One backtest run: its range and settings, and the report as JSON."""

    __tablename__ = "backtest_reports"
    __table_args__ = (written_by("jinlotto.services.backtests"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    first_draw: Mapped[int] = mapped_column(Integer)
    last_draw: Mapped[int] = mapped_column(Integer)
    tickets: Mapped[int] = mapped_column(Integer)
    seed: Mapped[int] = mapped_column(Integer)
    strategies: Mapped[str] = mapped_column(String(256))
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(index=True)
