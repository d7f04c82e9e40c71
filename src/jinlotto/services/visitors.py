"""A visitor's own record: the tickets they saved and the daily numbers they received, each
with how it did.

A saved ticket is graded at once when its draw is already stored, otherwise by the weekly job
after the draw. A visitor may have at most ``MAX_OPEN_TICKETS`` tickets waiting for their draw.
Stored results are shown as stored; a row whose draw arrived but was not graded yet is graded
for the answer (through the same rule) without being written.
"""

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.orm import Session

from jinlotto.db.locks import lock_visitor
from jinlotto.db.models import RecommendationRecord, SavedTicketRecord
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.db.repositories import recommendations as recommendation_repo
from jinlotto.db.repositories import saved_tickets as ticket_repo
from jinlotto.domain.draw import Draw
from jinlotto.domain.grading import grade_games
from jinlotto.domain.schedule import next_draw_no, results_published_at
from jinlotto.errors import InvalidTicketError, LimitExceededError, NotFoundError
from jinlotto.ingest.qr import Ticket
from jinlotto.services.grading import game_result, grade_rows
from jinlotto.services.tickets import TicketStatus

MAX_OPEN_TICKETS = 50
TicketSource = Literal["typed", "qr"]


@dataclass(frozen=True, slots=True)
class SavedTicket:
    """A saved ticket as the visitor sees it."""

    id: int
    draw_no: int
    source: str
    created_at: datetime
    status: TicketStatus
    games: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


@dataclass(frozen=True, slots=True)
class PastRecommendation:
    """Daily numbers a visitor received, and how they did."""

    generated_for: date
    draw_no: int
    strategy: str
    model_version: str | None
    status: TicketStatus
    games: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def save_ticket(
    session: Session, *, visitor_key: str, ticket: Ticket, source: TicketSource, now: datetime
) -> SavedTicket:
    """Store a visitor's ticket for its draw (graded at once if the draw is stored). Flushes."""
    newest = draw_repo.latest(session)
    on_sale = next_draw_no(now, newest_stored=newest.draw_no if newest else None)
    if ticket.draw_no > on_sale:
        raise InvalidTicketError(
            f"draw {ticket.draw_no} is not on sale yet; tickets are sold for draw {on_sale}"
        )
    lock_visitor(session, visitor_key)
    record = ticket_repo.add(
        session,
        visitor_key=visitor_key,
        draw_no=ticket.draw_no,
        games=[{"numbers": list(game.numbers), "kind": game.kind} for game in ticket.games],
        source=source,
        created_at=now,
    )
    stored = draw_repo.get(session, ticket.draw_no)
    if stored is not None:
        grade_rows([record], draw_repo.to_domain(stored), now=now)
        session.flush()
    # Counted after the insert, under the visitor's lock: two saves at once both see each other.
    elif ticket_repo.count_open(session, visitor_key) > MAX_OPEN_TICKETS:
        raise LimitExceededError(
            f"at most {MAX_OPEN_TICKETS} saved tickets can wait for their draw; "
            "delete one to save another",
            detail={"code": "open_tickets", "limit": MAX_OPEN_TICKETS},
        )
    return _ticket_view(record, _draws(session, [record.draw_no]), now)


def list_tickets(
    session: Session, *, visitor_key: str, limit: int, offset: int, now: datetime
) -> list[SavedTicket]:
    """A visitor's saved tickets, newest first."""
    records = ticket_repo.for_visitor(session, visitor_key, limit=limit, offset=offset)
    draws = _draws(session, (record.draw_no for record in records if record.results is None))
    return [_ticket_view(record, draws, now) for record in records]


def delete_ticket(session: Session, *, visitor_key: str, ticket_id: int) -> None:
    """Delete one of the visitor's tickets; ``NotFoundError`` for any other id."""
    if not ticket_repo.delete_for_visitor(session, visitor_key, ticket_id):
        raise NotFoundError(f"no saved ticket {ticket_id}")


def history(
    session: Session, *, visitor_key: str, limit: int, now: datetime
) -> dict[str, list[dict[str, Any]]]:
    """The visitor's newest ``limit`` daily recommendations and saved tickets, with results."""
    recommendations = recommendation_repo.for_visitor(session, visitor_key, limit=limit, offset=0)
    tickets = ticket_repo.for_visitor(session, visitor_key, limit=limit, offset=0)
    ungraded = [row.draw_no for row in recommendations if row.results is None]
    ungraded += [row.draw_no for row in tickets if row.results is None]
    draws = _draws(session, ungraded)
    return {
        "recommendations": [
            _recommendation_view(record, draws, now).to_dict() for record in recommendations
        ],
        "tickets": [_ticket_view(record, draws, now).to_dict() for record in tickets],
    }


def _draws(session: Session, draw_nos: Iterable[int]) -> dict[int, Draw]:
    return {
        number: draw_repo.to_domain(record)
        for number, record in draw_repo.get_many(session, draw_nos).items()
    }


def _outcomes(
    games: Sequence[dict[str, Any]],
    results: list[dict[str, Any]] | None,
    draw: Draw | None,
    draw_no: int,
    now: datetime,
) -> tuple[TicketStatus, list[dict[str, Any]]]:
    """The status and per-game results of stored games: stored, computed now, or none yet."""
    if results is None and draw is not None:
        results = [game_result(grade) for grade in grade_games([g["numbers"] for g in games], draw)]
    if results is None:
        status: TicketStatus = "pending" if now < results_published_at(draw_no) else "missing"
        empty = dict.fromkeys(("matched", "bonus_matched", "rank", "prize", "prize_source"))
        return status, [{"numbers": game["numbers"], **empty} for game in games]
    return "graded", [
        {"numbers": game["numbers"], **result} for game, result in zip(games, results, strict=True)
    ]


def _ticket_view(record: SavedTicketRecord, draws: dict[int, Draw], now: datetime) -> SavedTicket:
    status, games = _outcomes(
        record.games, record.results, draws.get(record.draw_no), record.draw_no, now
    )
    kinds = [game["kind"] for game in record.games]
    return SavedTicket(
        id=record.id,
        draw_no=record.draw_no,
        source=record.source,
        created_at=record.created_at,
        status=status,
        games=[{**game, "kind": kind} for game, kind in zip(games, kinds, strict=True)],
    )


def _recommendation_view(
    record: RecommendationRecord, draws: dict[int, Draw], now: datetime
) -> PastRecommendation:
    status, games = _outcomes(
        record.games, record.results, draws.get(record.draw_no), record.draw_no, now
    )
    return PastRecommendation(
        generated_for=record.kst_date,
        draw_no=record.draw_no,
        strategy=record.strategy,
        model_version=record.model_version,
        status=status,
        games=games,
    )
