"""Checking a ticket, typed in or read from its QR code."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile
from starlette.concurrency import run_in_threadpool

from jinlotto.api.deps import SessionDep
from jinlotto.api.schemas import TicketCheckRequest, TicketCheckResponse
from jinlotto.domain.games import validate_game
from jinlotto.errors import ImageTooLargeError, InvalidTicketError
from jinlotto.ingest.qr import Ticket, TicketGame, parse_qr
from jinlotto.ingest.qr_image import MAX_IMAGE_BYTES, read_qr_text
from jinlotto.services.tickets import check_ticket

_MULTIPART_OVERHEAD = 64 * 1024  # boundaries and part headers around the image

router = APIRouter(prefix="/api/tickets", tags=["tickets"])


@router.post("/check")
def check(body: TicketCheckRequest, session: SessionDep) -> TicketCheckResponse:
    """Grade up to five games against a draw (or say it is pending or unknown)."""
    ticket = parse_qr(body.qr) if body.qr is not None else _typed_ticket(body)
    result = check_ticket(session, ticket, now=datetime.now(UTC))
    return TicketCheckResponse.model_validate(result.to_dict())


@router.post("/scan")
async def scan(
    request: Request,
    session: SessionDep,
    image: Annotated[UploadFile, File(description="A photo of the ticket: JPEG, PNG or WebP")],
) -> TicketCheckResponse:
    """Read the QR code in a photo of a paper ticket (<= 8 MB, <= 40 MP) and grade the ticket."""
    declared = int(request.headers.get("content-length") or 0)
    if declared > MAX_IMAGE_BYTES + _MULTIPART_OVERHEAD:
        raise ImageTooLargeError(
            f"the photo is larger than {MAX_IMAGE_BYTES // 2**20} MB",
            detail={"reason": "too_large"},
        )
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


def _typed_ticket(body: TicketCheckRequest) -> Ticket:
    assert body.draw_no is not None and body.games is not None  # checked by the schema
    games = tuple(
        TicketGame(numbers=validate_game(game, f"game {index}"), kind="unknown")
        for index, game in enumerate(body.games, start=1)
    )
    return Ticket(draw_no=body.draw_no, games=games)
