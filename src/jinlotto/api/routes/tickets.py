"""Checking a ticket, typed in or read from its QR code."""

from datetime import UTC, datetime

from fastapi import APIRouter

from jinlotto.api.deps import SessionDep
from jinlotto.api.schemas import TicketCheckRequest, TicketCheckResponse
from jinlotto.domain.games import validate_game
from jinlotto.ingest.qr import Ticket, TicketGame, parse_qr
from jinlotto.services.tickets import check_ticket

router = APIRouter(prefix="/api/tickets", tags=["tickets"])


@router.post("/check")
def check(body: TicketCheckRequest, session: SessionDep) -> TicketCheckResponse:
    """Grade up to five games against a draw (or say it is pending or unknown)."""
    ticket = parse_qr(body.qr) if body.qr is not None else _typed_ticket(body)
    result = check_ticket(session, ticket, now=datetime.now(UTC))
    return TicketCheckResponse.model_validate(result.to_dict())


def _typed_ticket(body: TicketCheckRequest) -> Ticket:
    assert body.draw_no is not None and body.games is not None  # checked by the schema
    games = tuple(
        TicketGame(numbers=validate_game(game, f"game {index}"), kind="unknown")
        for index, game in enumerate(body.games, start=1)
    )
    return Ticket(draw_no=body.draw_no, games=games)
