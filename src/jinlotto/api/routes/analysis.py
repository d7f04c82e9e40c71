"""History statistics."""

from typing import Any

from fastapi import APIRouter

from jinlotto.api.deps import StateDep

router = APIRouter(prefix="/api/analysis", tags=["analysis"])


@router.get("/statistical")
def statistical(state: StateDep) -> dict[str, Any]:
    """Frequencies, gaps, pairs and shape distributions of past draws (descriptive only)."""
    return state.analysis.get(state.recommender.history())
