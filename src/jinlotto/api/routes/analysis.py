"""History statistics."""

from typing import Annotated, Any

from fastapi import APIRouter, Query

from jinlotto.api.deps import StateDep

router = APIRouter(prefix="/api/analysis", tags=["analysis"])


@router.get("/statistical")
def statistical(
    state: StateDep,
    last: Annotated[
        int | None, Query(ge=1, le=100_000, description="Only the newest N draws")
    ] = None,
) -> dict[str, Any]:
    """Frequencies, gaps, pairs and shape distributions of past draws (descriptive only)."""
    return state.analysis.get(state.recommender.history(), last=last)
