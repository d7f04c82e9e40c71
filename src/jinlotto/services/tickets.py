"""Checking a ticket's games against a stored draw."""

from dataclasses import asdict, dataclass
from datetime import datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy.orm import Session

from jinlotto.db.models import DrawRecord
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import scheduled_date
from jinlotto.domain.prizes import match_counts, ranks_for
from jinlotto.ingest.qr import GameKind, Ticket

KST = ZoneInfo("Asia/Seoul")
# The draw is held about 20:35 KST; results are public a little later.
RESULTS_TIME = time(21, 0)

TicketStatus = Literal["graded", "pending", "missing"]


@dataclass(frozen=True, slots=True)
class GameResult:
    """One game's outcome; the match fields are ``None`` until the draw is known."""

    numbers: list[int]
    kind: GameKind
    matched: int | None = None
    bonus_matched: bool | None = None
    rank: int | None = None
    prize: int | None = None


@dataclass(frozen=True, slots=True)
class TicketResult:
    """A checked ticket: ``graded`` against a stored draw, ``pending`` or ``missing``."""

    status: TicketStatus
    draw_no: int
    games: list[GameResult]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def results_published_at(draw_no: int) -> datetime:
    """When the results of a draw on the weekly schedule become public."""
    return datetime.combine(scheduled_date(draw_no), RESULTS_TIME, tzinfo=KST)


def check_ticket(session: Session, ticket: Ticket, *, now: datetime) -> TicketResult:
    """Grade a ticket if its draw is stored; otherwise say whether it is still to come."""
    record = draw_repo.get(session, ticket.draw_no)
    if record is None:
        status: TicketStatus = (
            "pending" if now < results_published_at(ticket.draw_no) else "missing"
        )
        games = [GameResult(numbers=list(g.numbers), kind=g.kind) for g in ticket.games]
        return TicketResult(status=status, draw_no=ticket.draw_no, games=games)
    return TicketResult(status="graded", draw_no=ticket.draw_no, games=_grade(record, ticket))


def _grade(record: DrawRecord, ticket: Ticket) -> list[GameResult]:
    games = np.array([game.numbers for game in ticket.games], dtype=np.int64)
    drawn = np.array(
        [record.n1, record.n2, record.n3, record.n4, record.n5, record.n6], dtype=np.int64
    )
    matched = match_counts(games, drawn)
    bonus_matched = (games == record.bonus_no).any(axis=1)
    ranks = ranks_for(matched, bonus_matched)
    return [
        GameResult(
            numbers=list(game.numbers),
            kind=game.kind,
            matched=int(matched[i]),
            bonus_matched=bool(bonus_matched[i]),
            rank=int(ranks[i]),
            prize=_prize(record, int(ranks[i])),
        )
        for i, game in enumerate(ticket.games)
    ]


def _prize(record: DrawRecord, rank: int) -> int | None:
    """KRW paid to one winning game of that rank in this draw (``None`` if not published)."""
    if rank == 0:
        return 0
    prize: int | None = getattr(record, f"tier{rank}_prize")
    return prize


def next_draw_no(now: datetime) -> int:
    """The draw a ticket bought at ``now`` takes part in (sales close 20:00 KST on draw day)."""
    local = now.astimezone(KST)
    first = scheduled_date(1)
    draw_no = max((local.date() - first).days // 7 + 1, 1)
    closes = datetime.combine(scheduled_date(draw_no), time(20, 0), tzinfo=KST)
    return draw_no if local < closes else draw_no + 1
