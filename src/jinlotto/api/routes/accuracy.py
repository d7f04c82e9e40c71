"""The accuracy record of live recommendations."""

from fastapi import APIRouter

from jinlotto.api.deps import SessionDep
from jinlotto.api.schemas import AccuracyResponse
from jinlotto.services import accuracy

router = APIRouter(prefix="/api", tags=["evidence"])


@router.get("/accuracy")
def accuracy_record(session: SessionDep) -> AccuracyResponse:
    """How graded recommendations did per strategy and model version, beside chance."""
    return AccuracyResponse.model_validate(accuracy.report(session))
