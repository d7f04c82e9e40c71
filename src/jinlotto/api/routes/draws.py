"""Public draw history."""

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query

from jinlotto.api.deps import SessionDep
from jinlotto.api.openapi import error_responses
from jinlotto.api.schemas import DrawPage, DrawRead
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.errors import DrawNotFoundError, InvalidDrawError
from jinlotto.services.draws import NO_DATA_MESSAGE

router = APIRouter(prefix="/api/draws", tags=["draws"])

# Up to six numbers 1-45, comma-separated, spaces allowed around them. One pattern both checks
# the parameter and documents it, so the schema and the route agree on every input.
_NUMBER = " *0*([1-9]|[1-3][0-9]|4[0-5]) *"
CONTAINS_PATTERN = f"^({_NUMBER}(,{_NUMBER}){{0,5}})?$"
_CONTAINS = re.compile(CONTAINS_PATTERN)


@router.get("")
def list_draws(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=100_000)] = 0,
    contains: Annotated[
        str | None,
        Query(
            max_length=40,
            json_schema_extra={"pattern": CONTAINS_PATTERN},
            description="Only draws holding all these numbers, comma-separated (e.g. 3,7)",
        ),
    ] = None,
) -> DrawPage:
    """Stored draws, newest first, optionally only those holding all of ``contains``."""
    numbers = _numbers(contains)
    total = draw_repo.count(session, containing=numbers)
    rows = draw_repo.page(session, limit=limit, offset=offset, containing=numbers)
    items = [DrawRead.from_record(row) for row in rows]
    return DrawPage(items=items, total=total, limit=limit, offset=offset, contains=numbers)


def _numbers(text: str | None) -> list[int]:
    if not _CONTAINS.fullmatch(text or ""):
        raise InvalidDrawError(
            "contains must be up to 6 numbers 1-45 separated by commas, e.g. 3,7"
        )
    return sorted({int(part) for part in (text or "").split(",") if part.strip()})


@router.get("/latest", responses=error_responses(404))
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
