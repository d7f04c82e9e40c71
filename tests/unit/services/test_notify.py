"""Slack notifications against a real local webhook server."""

from pathlib import Path

from pydantic import SecretStr
from tests.support.slack_server import SlackServer

from jinlotto.config import Settings
from jinlotto.services.notify import send_slack


def _settings(url: str | None) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        model_dir=Path("unused"),
        slack_webhook_url=SecretStr(url) if url else None,
        http_timeout_seconds=2,
    )


def test_message_is_posted_as_slack_json() -> None:
    with SlackServer() as slack:
        assert send_slack(_settings(slack.url), "model reloaded") is True
    assert slack.messages == [{"text": "model reloaded"}]


def test_a_failing_or_absent_webhook_returns_false_without_raising() -> None:
    with SlackServer() as slack:
        slack.status = 500
        assert send_slack(_settings(slack.url), "x") is False
    assert send_slack(_settings("http://127.0.0.1:9/hook"), "x") is False
    assert send_slack(_settings(None), "x") is False
