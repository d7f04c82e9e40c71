"""Feedback: stored, queued for Slack when configured, rate-limited per visitor."""

import logging

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from tests.integration.api.conftest import ClientFactory
from tests.support.slack_server import SlackServer

from jinlotto.db.database import Database
from jinlotto.db.models import FeedbackRecord


def _messages(database: Database) -> list[str]:
    with database.sessions() as session:
        return list(session.scalars(select(FeedbackRecord.message).order_by(FeedbackRecord.id)))


def _feedback_texts(slack: SlackServer) -> list[str]:
    return [text for text in slack.texts() if "feedback" in text or "의견" in text]


def test_feedback_is_stored_and_sent_to_slack(
    make_client: ClientFactory, database: Database
) -> None:
    with (
        SlackServer() as slack,
        make_client(slack_webhook_url=SecretStr(slack.url), slack_language="en") as client,
    ):
        response = client.post("/api/feedback", json={"message": "좋아요 — thanks"})
    assert response.status_code == 201
    assert response.json()["sent_to_slack"] is True
    assert _messages(database) == ["좋아요 — thanks"]
    # Stopping the app posts what was queued before it returns.
    assert _feedback_texts(slack) == ["JinLotto feedback:\n좋아요 — thanks"]


def test_feedback_reaches_slack_in_korean_by_default(
    make_client: ClientFactory, database: Database
) -> None:
    with SlackServer() as slack, make_client(slack_webhook_url=SecretStr(slack.url)) as client:
        client.post("/api/feedback", json={"message": "번호가 좋네요"})
    assert _feedback_texts(slack) == ["JinLotto 의견:\n번호가 좋네요"]


def test_slack_shows_visitor_text_literally(make_client: ClientFactory, database: Database) -> None:
    with SlackServer() as slack, make_client(slack_webhook_url=SecretStr(slack.url)) as client:
        client.post("/api/feedback", json={"message": "<!channel> <http://x|click> & co"})
    assert _feedback_texts(slack)[0].endswith("&lt;!channel&gt; &lt;http://x|click&gt; &amp; co")
    assert _messages(database) == ["<!channel> <http://x|click> & co"]


def test_feedback_is_stored_even_when_slack_is_down(
    make_client: ClientFactory, database: Database, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        SlackServer() as slack,
        caplog.at_level(logging.WARNING, logger="jinlotto.services.notify"),
        make_client(slack_webhook_url=SecretStr(slack.url)) as client,
    ):
        slack.status = 500
        response = client.post("/api/feedback", json={"message": "hello"})
    assert response.status_code == 201
    assert _messages(database) == ["hello"]
    dropped = [
        r.getMessage() for r in caplog.records if "feedback message dropped" in r.getMessage()
    ]
    assert dropped == ["Slack feedback message dropped: HTTP 500"]


def test_without_slack_feedback_is_stored_and_not_queued(
    make_client: ClientFactory, database: Database
) -> None:
    with make_client() as client:
        response = client.post("/api/feedback", json={"message": "hello"})
    assert response.status_code == 201
    assert response.json()["sent_to_slack"] is False
    assert _messages(database) == ["hello"]


def test_empty_too_long_or_missing_messages_are_422(
    make_client: ClientFactory, database: Database
) -> None:
    with make_client() as client:
        for body in ({"message": ""}, {"message": "x" * 2001}, {}, {"message": 5}):
            response = client.post("/api/feedback", json=body)
            assert response.status_code == 422, body
        assert client.post("/api/feedback", json={"message": "x" * 2000}).status_code == 201
    assert len(_messages(database)) == 1


def test_each_visitor_is_limited_per_hour(make_client: ClientFactory, database: Database) -> None:
    with make_client(feedback_per_hour=2) as client:
        statuses = [
            client.post("/api/feedback", json={"message": f"m{i}"}).status_code for i in range(3)
        ]
        limited = client.post("/api/feedback", json={"message": "again"})
        client.cookies.clear()
        other_visitor = client.post("/api/feedback", json={"message": "other"})
    assert statuses == [201, 201, 429]
    assert limited.status_code == 429 and "per hour" in limited.json()["error"]
    assert other_visitor.status_code == 201
    assert _messages(database) == ["m0", "m1", "other"]
