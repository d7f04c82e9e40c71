"""Checking a ticket, typed in, read from its QR code or from a photo, and the tickets a
visitor saved."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from jinlotto.api.deps import DatabaseDep, SessionDep, VisitorDep
from jinlotto.api.limits import rate_limited
from jinlotto.api.openapi import error_responses
from jinlotto.api.schemas import (
    SavedTicketPage,
    SavedTicketRead,
    TicketCheckRequest,
    TicketCheckResponse,
)
from jinlotto.domain.games import validate_game
from jinlotto.errors import InvalidTicketError
from jinlotto.ingest.qr import Ticket, TicketGame, parse_qr
from jinlotto.ingest.qr_image import MAX_IMAGE_BYTES, read_qr_text
from jinlotto.services import visitors
from jinlotto.services.tickets import check_ticket

_MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the image

router = APIRouter(prefix="/api/tickets", tags=["tickets"])
TicketId = Annotated[int, Path(ge=1, le=2_147_483_647)]


@router.post("/check")
def check(body: TicketCheckRequest, session: SessionDep) -> TicketCheckResponse:
    """Grade up to five games against a draw (or say it is pending or unknown)."""
    result = check_ticket(session, _ticket(body), now=datetime.now(UTC))
    return TicketCheckResponse.model_validate(result.to_dict())


@router.post(
    "/scan",
    max_body_size=MAX_IMAGE_BYTES + _MULTIPART_OVERHEAD,
    dependencies=[rate_limited("scan")],
)
async def scan(
    session: SessionDep,
    image: Annotated[UploadFile, File(description="A photo of the ticket: JPEG, PNG or WebP")],
) -> TicketCheckResponse:
    """Read the QR code in a photo of a paper ticket (<= 8 MB, <= 40 MP) and grade the ticket."""
    data = await image.read(MAX_IMAGE_BYTES + 1)
    text = await run_in_threadpool(read_qr_text, data)
    try:
        ticket = parse_qr(text)
    except InvalidTicketError as error:
        raise InvalidTicketError(
            f"the QR code in the photo is not a Lotto 6/45 ticket ({error.message})",
            detail={"reason": "not_a_ticket"},
        ) from None
    result = await run_in_threadpool(check_ticket, session, ticket, now=datetime.now(UTC))
    return TicketCheckResponse.model_validate(result.to_dict())


@router.post("/saved", status_code=201, responses=error_responses(409))
def save(body: TicketCheckRequest, database: DatabaseDep, visitor: VisitorDep) -> SavedTicketRead:
    """Save a ticket you bought (typed games or its QR text); it is graded after its draw."""
    ticket = _ticket(body)
    with database.transaction() as session:
        saved = visitors.save_ticket(
            session,
            visitor_key=visitor.key,
            ticket=ticket,
            source="qr" if body.qr is not None else "typed",
            now=datetime.now(UTC),
        )
    return SavedTicketRead.model_validate(saved.to_dict())


@router.get("/saved")
def list_saved(
    session: SessionDep,
    visitor: VisitorDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> SavedTicketPage:
    """Your saved tickets, newest first, each with how it did."""
    items = visitors.list_tickets(
        session, visitor_key=visitor.key, limit=limit, offset=offset, now=datetime.now(UTC)
    )
    return SavedTicketPage(
        items=[SavedTicketRead.model_validate(item.to_dict()) for item in items],
        limit=limit,
        offset=offset,
    )


@router.delete("/saved/{ticket_id}", status_code=204)
def delete_saved(ticket_id: TicketId, database: DatabaseDep, visitor: VisitorDep) -> Response:
    """Delete one of your saved tickets."""
    with database.transaction() as session:
        visitors.delete_ticket(session, visitor_key=visitor.key, ticket_id=ticket_id)
    return Response(status_code=204)


def _ticket(body: TicketCheckRequest) -> Ticket:
    if body.qr is not None:
        return parse_qr(body.qr)
    assert body.draw_no is not None and body.games is not None  # checked by the schema
    games = tuple(
        TicketGame(numbers=validate_game(game, f"game {index}"), kind="unknown")
        for index, game in enumerate(body.games, start=1)
    )
    return Ticket(draw_no=body.draw_no, games=games)
