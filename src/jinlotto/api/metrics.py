"""Prometheus metrics: request counts and latency by route template, recommendations served,
Slack messages dropped, and service state read at scrape time (active model, age of the newest
draw, memory in use, the weekly job's last outcome, success time and graded games).

With several gunicorn workers, ``PROMETHEUS_MULTIPROC_DIR`` switches prometheus-client to its
multiprocess mode (``gunicorn.conf.py`` sets it) and a scrape sums every worker's files.
"""

import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from jinlotto.api.memory import MemoryCollector
from jinlotto.config import MULTIPROC_ENV

REQUESTS = Counter(
    "jinlotto_http_requests_total", "HTTP requests by route template", ["method", "route", "status"]
)
LATENCY = Histogram(
    "jinlotto_http_request_duration_seconds",
    "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0),
)
RECOMMENDATIONS = Counter(
    "jinlotto_recommendations_total",
    "Recommendations served, by strategy and whether they were generated or read back",
    ["strategy", "source"],
)
SLACK_FAILURES = Counter(
    "jinlotto_slack_failures_total",
    "Slack messages dropped, by reason (queue_full, send_failed, shutdown)",
    ["reason"],
)
METRICS_CONTENT_TYPE = CONTENT_TYPE_LATEST


@dataclass(frozen=True, slots=True)
class StateSnapshot:
    """What the database says at scrape time."""

    model_version: str | None
    latest_draw_at: datetime | None
    weekly_outcome: str | None = None  # how the newest weekly job attempt ended
    weekly_success_at: datetime | None = None
    weekly_graded: dict[str, int] = field(default_factory=dict)  # games by kind, last success


class ServiceStateCollector(Collector):
    """Gauges computed when scraped, so every worker reports the same shared database state."""

    def __init__(self, read_state: Callable[[], StateSnapshot]) -> None:
        self._read_state = read_state

    def collect(self) -> Iterable[GaugeMetricFamily]:
        state = self._read_state()
        model = GaugeMetricFamily(
            "jinlotto_active_model", "The active model version (1 on its label)", labels=["version"]
        )
        model.add_metric([state.model_version or "none"], 1)
        yield model
        if state.latest_draw_at is not None:
            age = (datetime.now(UTC) - state.latest_draw_at).total_seconds()
            yield GaugeMetricFamily(
                "jinlotto_latest_draw_age_seconds",
                "Seconds since the newest stored draw",
                value=age,
            )
        yield from _weekly_gauges(state)


def _weekly_gauges(state: StateSnapshot) -> Iterable[GaugeMetricFamily]:
    if state.weekly_outcome is not None:
        outcome = GaugeMetricFamily(
            "jinlotto_weekly_last_outcome",
            "How the newest weekly job attempt ended (1 on its label)",
            labels=["outcome"],
        )
        outcome.add_metric([state.weekly_outcome], 1)
        yield outcome
    if state.weekly_success_at is not None:
        yield GaugeMetricFamily(
            "jinlotto_weekly_last_success_timestamp_seconds",
            "Unix time when the weekly job last completed",
            value=state.weekly_success_at.timestamp(),
        )
        graded = GaugeMetricFamily(
            "jinlotto_weekly_graded_games",
            "Games graded by the last completed weekly job, by kind",
            labels=["kind"],
        )
        for kind, games in sorted(state.weekly_graded.items()):
            graded.add_metric([kind], games)
        yield graded


def render(state: ServiceStateCollector) -> bytes:
    """The text exposition of every metric of this process (or of all workers)."""
    if MULTIPROC_ENV in os.environ:
        shared = CollectorRegistry()
        MultiProcessCollector(shared)  # type: ignore[no-untyped-call]
        body = generate_latest(shared)
    else:
        body = generate_latest(REGISTRY)
    state_registry = CollectorRegistry(auto_describe=False)
    state_registry.register(state)
    state_registry.register(MemoryCollector())
    return body + generate_latest(state_registry)


class MetricsMiddleware:
    """Counts and times every HTTP request under its route template (``/api/draws/{draw_no}``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_with_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            REQUESTS.labels(scope["method"], template, str(status)).inc()
            LATENCY.labels(scope["method"], template).observe(time.perf_counter() - started)
