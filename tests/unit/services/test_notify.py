"""Slack messages against a real local webhook server: the synchronous primitive, and the
notifier's queue, background thread, de-duplication, languages and secrecy of the URL."""

import logging
import re
import string
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from tests.support.slack_server import SlackServer

from jinlotto.config import Settings
from jinlotto.services.messages import TEXTS, render
from jinlotto.services.notify import Notifier, send_slack


def _settings(url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {"slack_timeout_seconds": 2, "slack_language": "en", **overrides}
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        model_dir=Path("unused"),
        slack_webhook_url=SecretStr(url) if url else None,
        **values,
    )


class FakeClock:
    """Monotonic seconds that move only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


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


def test_the_notifier_posts_queued_messages_in_order_from_its_thread() -> None:
    with SlackServer() as slack:
        notifier = Notifier(_settings(slack.url))
        assert notifier.notify("feedback", message="one") is True
        assert notifier.notify("feedback", message="two") is True
        assert notifier.flush(timeout=10)
        notifier.close(timeout=5)
    assert slack.texts() == ["JinLotto feedback:\none", "JinLotto feedback:\ntwo"]


def test_messages_follow_the_configured_language() -> None:
    with SlackServer() as slack:
        notifier = Notifier(_settings(slack.url, slack_language="ko"))
        notifier.notify("model_fallback", model="lotto_model_1", problem="sha256 mismatch")
        notifier.close(timeout=5)
    assert slack.texts() == [
        "JinLotto: 모델 lotto_model_1을(를) 쓸 수 없습니다 (sha256 mismatch). 쓸 수 있는 모델이 "
        "활성화될 때까지 통계 전략으로 답합니다."
    ]


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    fields = string.Formatter()
    for kind, texts in TEXTS.items():
        assert set(texts) == {"ko", "en"}, kind
        names = [{name for _, name, _, _ in fields.parse(texts[lang]) if name} for lang in texts]
        assert names[0] == names[1], kind


def test_outside_text_is_shown_literally() -> None:
    text = render("source_failure", "en", problem="<!channel> & <http://x|y>")
    assert text.endswith("&lt;!channel&gt; &amp; &lt;http://x|y&gt;")


def test_unhandled_errors_are_sent_once_per_cause_per_ten_minutes() -> None:
    clock = FakeClock()
    with SlackServer() as slack:
        notifier = Notifier(_settings(slack.url), clock=clock)

        def error(cause: str, where: str) -> bool:
            return notifier.notify_once_per_cause(
                cause, "unhandled_error", method="GET", path="/x", error="E", where=where
            )

        assert error("KeyError@a.py:1", "first") is True
        assert error("KeyError@a.py:1", "repeat") is False
        assert error("TypeError@b.py:2", "other cause") is True
        clock.now += 599
        assert error("KeyError@a.py:1", "still muted") is False
        clock.now += 1
        assert error("KeyError@a.py:1", "ten minutes later") is True
        notifier.close(timeout=5)
    places = [re.search(r"\(at (.*?)\)", text) for text in slack.texts()]
    assert [place.group(1) for place in places if place] == [
        "first",
        "other cause",
        "ten minutes later",
    ]


def test_a_full_queue_drops_messages_with_a_log_line(caplog: pytest.LogCaptureFixture) -> None:
    reasons: list[str] = []
    with SlackServer() as slack:
        slack.delay = 60  # Slack hangs: the thread is stuck on the first message
        notifier = Notifier(_settings(slack.url), queue_size=2, on_failure=reasons.append)
        with caplog.at_level(logging.WARNING, logger="jinlotto.services.notify"):
            queued = [notifier.notify("feedback", message=str(n)) for n in range(6)]
    notifier.close(timeout=5)
    # One message is with the thread, two wait in the queue, the other three are dropped.
    assert queued.count(False) >= 3
    assert reasons.count("queue_full") == queued.count(False)
    dropped = [r.getMessage() for r in caplog.records]
    assert dropped.count("Slack feedback message dropped: the queue is full") == queued.count(False)


def test_failed_sends_are_dropped_with_a_log_line_that_never_names_the_webhook(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reasons: list[str] = []
    with SlackServer() as slack:
        secret = slack.url + "/secret-token-abc123"
        with caplog.at_level(logging.DEBUG):
            for status, delay in ((500, 0.0), (404, 0.0), (200, 5.0)):
                slack.status, slack.delay = status, delay
                notifier = Notifier(
                    _settings(secret, slack_timeout_seconds=0.5), on_failure=reasons.append
                )
                notifier.notify("feedback", message="x")
                notifier.close(timeout=5)
                assert send_slack(_settings(secret, slack_timeout_seconds=0.5), "x") is False
            unreachable = "http://127.0.0.1:9/services/secret-token-abc123"
            assert send_slack(_settings(unreachable), "x") is False
    assert reasons == ["send_failed"] * 3
    messages = [record.getMessage() for record in caplog.records]
    assert "Slack feedback message dropped: HTTP 500" in messages
    assert "Slack feedback message dropped: HTTP 404" in messages
    assert "Slack feedback message dropped: ReadTimeout" in messages
    assert all("secret-token" not in message for message in messages)
    assert "secret-token" not in caplog.text


def test_without_a_webhook_nothing_is_queued_or_started() -> None:
    notifier = Notifier(_settings(None))
    assert notifier.enabled is False
    assert notifier.notify("feedback", message="x") is False
    notifier.close(timeout=1)
