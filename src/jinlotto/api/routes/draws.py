"""Public draw history."""

from typing import Annotated

from fastapi import APIRouter, Path, Query

from jinlotto.api.deps import SessionDep
from jinlotto.api.schemas import DrawPage, DrawRead
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.errors import DrawNotFoundError
from jinlotto.services.draws import NO_DATA_MESSAGE

router = APIRouter(prefix="/api/draws", tags=["draws"])


@router.get("")
def list_draws(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
) -> DrawPage:
    """Stored draws, newest first."""
    total, _, _, _ = draw_repo.summary(session)
    rows = draw_repo.page(session, limit=limit, offset=offset)
    items = [DrawRead.from_record(row) for row in rows]
    return DrawPage(items=items, total=total, limit=limit, offset=offset)


@router.get("/latest")
def latest_draw(session: SessionDep) -> DrawRead:
    """The newest stored draw."""
    record = draw_repo.latest(session)
    if record is None:
        raise DrawNotFoundError(NO_DATA_MESSAGE)
    return DrawRead.from_record(record)


@router.get("/{draw_no}")
def get_draw(session: SessionDep, draw_no: Annotated[int, Path(ge=1, le=100_000)]) -> DrawRead:
    """One draw by number."""
    record = draw_repo.get(session, draw_no)
    if record is None:
        raise DrawNotFoundError(f"draw {draw_no} is not stored")
    return DrawRead.from_record(record)
