"""Visitor feedback."""

from datetime import UTC, datetime

from fastapi import APIRouter

from jinlotto.api.deps import StateDep, VisitorDep
from jinlotto.api.limits import rate_limited
from jinlotto.api.schemas import FeedbackRequest, FeedbackResponse
from jinlotto.services import feedback

router = APIRouter(prefix="/api", tags=["feedback"])


@router.post("/feedback", status_code=201, dependencies=[rate_limited("feedback")])
def send_feedback(body: FeedbackRequest, state: StateDep, visitor: VisitorDep) -> FeedbackResponse:
    """Store a message (1-2,000 characters); it is queued for Slack when configured."""
    with state.database.transaction() as session:
        record = feedback.submit(
            session,
            state.settings,
            visitor_key=visitor.key,
            message=body.message,
            now=datetime.now(UTC),
        )
    queued = state.notifier.notify("feedback", message=body.message)
    return FeedbackResponse(id=record.id, sent_to_slack=queued)
