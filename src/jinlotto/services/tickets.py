"""Checking a ticket's games against a stored draw."""

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.grading import PrizeSource, grade_games
from jinlotto.domain.schedule import results_published_at
from jinlotto.ingest.qr import GameKind, Ticket

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
    prize_source: PrizeSource | None = None


@dataclass(frozen=True, slots=True)
class TicketResult:
    """A checked ticket: ``graded`` against a stored draw, ``pending`` or ``missing``."""

    status: TicketStatus
    draw_no: int
    games: list[GameResult]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def check_ticket(session: Session, ticket: Ticket, *, now: datetime) -> TicketResult:
    """Grade a ticket if its draw is stored; otherwise say whether it is still to come."""
    record = draw_repo.get(session, ticket.draw_no)
    if record is None:
        status: TicketStatus = (
            "pending" if now < results_published_at(ticket.draw_no) else "missing"
        )
        games = [GameResult(numbers=list(g.numbers), kind=g.kind) for g in ticket.games]
        return TicketResult(status=status, draw_no=ticket.draw_no, games=games)
    grades = grade_games([game.numbers for game in ticket.games], draw_repo.to_domain(record))
    graded = [
        GameResult(
            numbers=list(grade.numbers),
            kind=game.kind,
            matched=grade.matched,
            bonus_matched=grade.bonus_matched,
            rank=grade.rank,
            prize=grade.prize,
            prize_source=grade.prize_source,
        )
        for game, grade in zip(ticket.games, grades, strict=True)
    ]
    return TicketResult(status="graded", draw_no=ticket.draw_no, games=graded)
