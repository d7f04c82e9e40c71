"""The service and Slack: messages leave off the request path, so a hanging or dead Slack
changes no request's latency (measured here); unhandled errors are reported once per cause;
start and stop are announced; dropped messages are counted in /metrics."""

import logging
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from tests.support.slack_server import SlackServer

from jinlotto.api.app import create_app
from jinlotto.config import Settings
from jinlotto.db.database import Database

SLACK_TIMEOUT = 2.0


@contextmanager
def _client(settings: Settings, **overrides: Any) -> Iterator[TestClient]:
    # Many feedback posts from one address are the point here, not its rate limit.
    unlimited = {"enable_ml": False, "rate_limit_feedback_ip": "1000/minute"}
    app = create_app(settings.model_copy(update={**unlimited, **overrides}))

    def broken_lookup() -> None:
        raise KeyError("no such thing")

    def broken_sum() -> None:
        raise TypeError("cannot add")

    app.add_api_route("/api/test/broken-lookup", broken_lookup)
    app.add_api_route("/api/test/broken-sum", broken_sum)
    # Errors answer 500 as they do for a visitor, instead of being raised into the test.
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as client:
        yield client


def _latencies(client: TestClient) -> list[float]:
    """Seconds taken by each of 10 feedback posts (each queues a Slack message)."""
    seconds = []
    for number in range(10):
        client.cookies.clear()  # a new visitor each time: no rate limit
        started = time.perf_counter()
        response = client.post("/api/feedback", json={"message": f"message {number}"})
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 201
    return seconds


def test_a_hanging_or_dead_slack_does_not_slow_requests(
    settings: Settings, loaded: Database, caplog: pytest.LogCaptureFixture
) -> None:
    measured: dict[str, list[float]] = {}
    with _client(settings) as client:
        client.post("/api/predict", json={})  # fit the strategy once, outside the measurement
        measured["no Slack"] = _latencies(client)
    with SlackServer() as slack:
        slack.delay = 60.0  # accepts the connection, never answers in time
        hanging = SecretStr(slack.url)
        with _client(settings, slack_webhook_url=hanging, slack_timeout_seconds=SLACK_TIMEOUT) as c:
            measured["Slack hanging"] = _latencies(c)
            predict_started = time.perf_counter()
            assert c.post("/api/predict", json={}).status_code == 200
            measured["Slack hanging"].append(time.perf_counter() - predict_started)
    dead = SecretStr("http://127.0.0.1:9/services/T000/B000/XXXX")
    with (
        caplog.at_level(logging.WARNING, logger="jinlotto.services.notify"),
        _client(settings, slack_webhook_url=dead, slack_timeout_seconds=SLACK_TIMEOUT) as client,
    ):
        measured["Slack down"] = _latencies(client)

    for case, seconds in measured.items():
        median, worst = statistics.median(seconds) * 1000, max(seconds) * 1000
        print(f"{case}: median {median:.1f} ms, max {worst:.1f} ms")
    # Had a request waited for Slack, it would have taken the whole Slack timeout.
    assert max(measured["Slack hanging"]) < SLACK_TIMEOUT
    assert max(measured["Slack down"]) < SLACK_TIMEOUT
    dropped = [r.getMessage() for r in caplog.records if "dropped" in r.getMessage()]
    assert dropped.count("Slack feedback message dropped: ConnectError") == 10


def test_unhandled_errors_reach_slack_once_per_cause(settings: Settings, loaded: Database) -> None:
    with (
        SlackServer() as slack,
        _client(settings, slack_webhook_url=SecretStr(slack.url), slack_language="en") as client,
    ):
        responses = [client.get("/api/test/broken-lookup") for _ in range(3)]
        responses.append(client.get("/api/test/broken-sum"))
        assert client.app.state.service.notifier.flush(timeout=10)  # type: ignore[attr-defined]
        errors = [text for text in slack.texts() if text.startswith("JinLotto error")]
    assert [r.status_code for r in responses] == [500] * 4
    assert all(r.json() == {"error": "internal error", "detail": None} for r in responses)
    assert len(errors) == 2
    assert errors[0].startswith("JinLotto error on GET /api/test/broken-lookup: KeyError: ")
    assert "(at test_slack_api.py:" in errors[0]
    assert errors[1].startswith("JinLotto error on GET /api/test/broken-sum: TypeError: cannot add")


def test_start_and_stop_are_announced(settings: Settings, database: Database) -> None:
    with SlackServer() as slack:
        with _client(settings, slack_webhook_url=SecretStr(slack.url), slack_language="en"):
            assert slack.wait_for(1)
            started = slack.texts()
        stopped = slack.texts()
    assert len(started) == 1 and " started on " in started[0] and "0 draws stored" in started[0]
    assert len(stopped) == 2 and stopped[1].startswith("JinLotto stopped on ")


def test_dropped_slack_messages_are_counted_in_metrics(
    settings: Settings, database: Database
) -> None:
    def failures(client: TestClient) -> float:
        for line in client.get("/metrics").text.splitlines():
            if line.startswith('jinlotto_slack_failures_total{reason="send_failed"}'):
                return float(line.split()[-1])
        return 0.0

    with (
        SlackServer() as slack,
        _client(settings, slack_webhook_url=SecretStr(slack.url)) as client,
    ):
        notifier: Callable[..., Any] = client.app.state.service.notifier  # type: ignore[attr-defined]
        assert notifier.flush(timeout=10)  # type: ignore[attr-defined]
        before = failures(client)
        slack.status = 500
        client.post("/api/feedback", json={"message": "lost"})
        client.post("/api/feedback", json={"message": "lost too"})
        assert notifier.flush(timeout=10)  # type: ignore[attr-defined]
        assert failures(client) == before + 2
