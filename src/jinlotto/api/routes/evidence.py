"""The evidence: the latest backtest report and the randomness audit."""

from typing import Any

from fastapi import APIRouter

from jinlotto.api.deps import SessionDep, StateDep
from jinlotto.api.openapi import error_responses
from jinlotto.errors import NoDrawDataError
from jinlotto.services import backtests
from jinlotto.services.draws import NO_DATA_MESSAGE

router = APIRouter(tags=["evidence"])


@router.get("/api/backtest/latest", responses=error_responses(404))
def latest_backtest(session: SessionDep) -> dict[str, Any]:
    """The newest stored walk-forward backtest report (404 until one is run)."""
    return backtests.latest_report(session)


@router.get("/api/analysis/randomness")
def randomness(state: StateDep) -> dict[str, Any]:
    """Tests of the stored draws against the exact laws of a fair draw."""
    history = state.recommender.history()
    if len(history) == 0:
        raise NoDrawDataError(NO_DATA_MESSAGE)
    return backtests.randomness_audit(history)
