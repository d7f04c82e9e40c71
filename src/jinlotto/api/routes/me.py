"""The visitor's own record."""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from jinlotto.api.deps import SessionDep, VisitorDep
from jinlotto.api.schemas import HistoryResponse
from jinlotto.services import visitors

router = APIRouter(prefix="/api/me", tags=["visitor"])


@router.get("/history")
def history(
    session: SessionDep, visitor: VisitorDep, limit: Annotated[int, Query(ge=1, le=100)] = 30
) -> HistoryResponse:
    """Your past daily numbers and saved tickets, newest first, each with how it did."""
    record = visitors.history(session, visitor_key=visitor.key, limit=limit, now=datetime.now(UTC))
    return HistoryResponse.model_validate(record)
