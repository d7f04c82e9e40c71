"""Visitor feedback."""

from datetime import UTC, datetime

from fastapi import APIRouter

from jinlotto.api.deps import DatabaseDep, SettingsDep, VisitorDep
from jinlotto.api.schemas import FeedbackRequest, FeedbackResponse
from jinlotto.services import feedback, notify

router = APIRouter(prefix="/api", tags=["feedback"])


@router.post("/feedback", status_code=201)
def send_feedback(
    body: FeedbackRequest,
    database: DatabaseDep,
    settings: SettingsDep,
    visitor: VisitorDep,
) -> FeedbackResponse:
    """Store a message (1-2,000 characters); it is forwarded to Slack when configured."""
    with database.transaction() as session:
        record = feedback.submit(
            session, settings, visitor_key=visitor.key, message=body.message, now=datetime.now(UTC)
        )
    sent = notify.send_slack(settings, f"JinLotto feedback:\n{notify.escape(body.message)}")
    return FeedbackResponse(id=record.id, sent_to_slack=sent)
