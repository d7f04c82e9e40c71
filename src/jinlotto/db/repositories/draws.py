"""Reading and writing draws."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from jinlotto.db.models import DrawRecord
from jinlotto.domain.draw import Draw, PrizeTier

IN_CHUNK = 500
_TABLE = DrawRecord.__table__


def to_domain(record: DrawRecord) -> Draw:
    """The domain draw a stored row holds (stored rows were validated on the way in)."""
    return Draw(
        draw_no=record.draw_no,
        draw_date=record.draw_date,
        numbers=(record.n1, record.n2, record.n3, record.n4, record.n5, record.n6),
        bonus_no=record.bonus_no,
        tiers=tuple(
            PrizeTier(
                winners=getattr(record, f"tier{rank}_winners"),
                prize=getattr(record, f"tier{rank}_prize"),
            )
            for rank in range(1, 6)
        ),
        total_sales=record.total_sales,
        first_auto=record.first_auto,
        first_semi_auto=record.first_semi_auto,
        first_manual=record.first_manual,
    )


def draw_values(draw: Draw) -> dict[str, Any]:
    """The column values of a domain draw (everything but its source and timestamps)."""
    values: dict[str, Any] = {"draw_date": draw.draw_date, "bonus_no": draw.bonus_no}
    values.update({f"n{position}": number for position, number in enumerate(draw.numbers, 1)})
    for rank, tier in enumerate(draw.tiers, start=1):
        values[f"tier{rank}_winners"] = tier.winners
        values[f"tier{rank}_prize"] = tier.prize
    values.update(
        total_sales=draw.total_sales,
        first_auto=draw.first_auto,
        first_semi_auto=draw.first_semi_auto,
        first_manual=draw.first_manual,
    )
    return values


def apply_draw(record: DrawRecord, draw: Draw) -> None:
    """Copy every field of a domain draw onto a row."""
    for name, value in draw_values(draw).items():
        setattr(record, name, value)


def get(session: Session, draw_no: int) -> DrawRecord | None:
    """The row of one draw, if stored."""
    return session.get(DrawRecord, draw_no)


def get_many(session: Session, draw_nos: Iterable[int]) -> dict[int, DrawRecord]:
    """Rows of the given draws that are stored, by draw number."""
    wanted = sorted(set(draw_nos))
    found: dict[int, DrawRecord] = {}
    # Chunks keep each IN list under every backend's bound-parameter limit.
    for start in range(0, len(wanted), IN_CHUNK):
        chunk = wanted[start : start + IN_CHUNK]
        rows = session.scalars(select(DrawRecord).where(DrawRecord.draw_no.in_(chunk)))
        found.update((row.draw_no, row) for row in rows)
    return found


def insert_absent(
    session: Session, draws: Sequence[Draw], *, source: str, now: datetime
) -> set[int]:
    """Insert the draws whose number has no row yet; the numbers actually inserted.

    ``ON CONFLICT DO NOTHING`` waits for a concurrent writer of the same draw and then skips it,
    so two imports at once never fail on the primary key: the caller compares the skipped draws
    with the rows the other writer stored.
    """
    if not draws:
        return set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(_TABLE)
        .on_conflict_do_nothing(index_elements=["draw_no"])
        .returning(_TABLE.c.draw_no)
    )
    rows = [
        {"draw_no": d.draw_no, "source": source, "fetched_at": now, "updated_at": now}
        | draw_values(d)
        for d in draws
    ]
    return set(session.scalars(statement, rows))


def all_draws(session: Session) -> list[Draw]:
    """Every stored draw, oldest first."""
    rows = session.scalars(select(DrawRecord).order_by(DrawRecord.draw_no))
    return [to_domain(row) for row in rows]


def page(
    session: Session, *, limit: int, offset: int, containing: Sequence[int] = ()
) -> Sequence[DrawRecord]:
    """Rows newest first, for listings; only draws whose six numbers hold all of ``containing``."""
    query = (
        select(DrawRecord)
        .where(_holds_all(containing))
        .order_by(DrawRecord.draw_no.desc())
        .limit(limit)
        .offset(offset)
    )
    return session.scalars(query).all()


def count(session: Session, *, containing: Sequence[int] = ()) -> int:
    """How many stored draws hold all of ``containing`` among their six numbers."""
    query = select(func.count(DrawRecord.draw_no)).where(_holds_all(containing))
    return int(session.scalar(query) or 0)


def _holds_all(numbers: Sequence[int]) -> ColumnElement[bool]:
    columns = [getattr(DrawRecord, f"n{position}") for position in range(1, 7)]
    return and_(true(), *(or_(*(column == number for column in columns)) for number in numbers))


def latest(session: Session) -> DrawRecord | None:
    """The newest stored draw."""
    return session.scalars(select(DrawRecord).order_by(DrawRecord.draw_no.desc()).limit(1)).first()


def dates(session: Session) -> dict[int, date]:
    """The date of every stored draw, by draw number."""
    rows = session.execute(select(DrawRecord.draw_no, DrawRecord.draw_date))
    return {row.draw_no: row.draw_date for row in rows}


def draw_numbers(session: Session) -> list[int]:
    """Every stored draw number, ascending."""
    return list(session.scalars(select(DrawRecord.draw_no).order_by(DrawRecord.draw_no)))


def summary(session: Session) -> tuple[int, int | None, int | None, datetime | None]:
    """Count, first and last draw number, and newest ``updated_at``."""
    row = session.execute(
        select(
            func.count(DrawRecord.draw_no),
            func.min(DrawRecord.draw_no),
            func.max(DrawRecord.draw_no),
            func.max(DrawRecord.updated_at),
        )
    ).one()
    return int(row[0]), row[1], row[2], row[3]
