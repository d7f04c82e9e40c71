"""The draws table: one row per draw number."""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Date, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from jinlotto.db.base import Base, written_by


class DrawRecord(Base):
    """A stored draw. Tier columns are nullable: a tier nobody won, or not yet published."""

    __tablename__ = "draws"
    __table_args__ = (
        CheckConstraint("draw_no >= 1", name="draw_no_positive"),
        CheckConstraint(
            "n1 < n2 AND n2 < n3 AND n3 < n4 AND n4 < n5 AND n5 < n6", name="ascending"
        ),
        CheckConstraint("n1 >= 1 AND n6 <= 45", name="numbers_range"),
        CheckConstraint("bonus_no BETWEEN 1 AND 45", name="bonus_range"),
        written_by("jinlotto.services.draws"),
    )

    draw_no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    draw_date: Mapped[date] = mapped_column(Date, index=True)
    n1: Mapped[int] = mapped_column(SmallInteger)
    n2: Mapped[int] = mapped_column(SmallInteger)
    n3: Mapped[int] = mapped_column(SmallInteger)
    n4: Mapped[int] = mapped_column(SmallInteger)
    n5: Mapped[int] = mapped_column(SmallInteger)
    n6: Mapped[int] = mapped_column(SmallInteger)
    bonus_no: Mapped[int] = mapped_column(SmallInteger)
    tier1_winners: Mapped[int | None]
    tier1_prize: Mapped[int | None] = mapped_column(BigInteger)
    tier2_winners: Mapped[int | None]
    tier2_prize: Mapped[int | None] = mapped_column(BigInteger)
    tier3_winners: Mapped[int | None]
    tier3_prize: Mapped[int | None] = mapped_column(BigInteger)
    tier4_winners: Mapped[int | None]
    tier4_prize: Mapped[int | None] = mapped_column(BigInteger)
    tier5_winners: Mapped[int | None]
    tier5_prize: Mapped[int | None] = mapped_column(BigInteger)
    total_sales: Mapped[int | None] = mapped_column(BigInteger)
    first_auto: Mapped[int | None]
    first_semi_auto: Mapped[int | None]
    first_manual: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(32))
    fetched_at: Mapped[datetime]
    updated_at: Mapped[datetime]
