"""Watching a running JinLotto from outside, the way a visitor and an operator see it.

One sample calls the service with one HTTP client: ``GET /api/health``, ``POST /api/predict`` (as
one fixed visitor, so the service stores one recommendation a day for the monitor), ``GET
/metrics`` (``jinlotto_memory_used_bytes`` and ``jinlotto_memory_limit_bytes``) and, when the
health answer does not carry the newest draw's date, ``GET /api/draws/latest``. Each sample is
judged with the samples before it against the operations thresholds (:class:`Thresholds`); an
alert goes out when a threshold is crossed and a "recovered" note when it clears, so a monitor
that runs every minute does not repeat itself.
"""

import json
import logging
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from jinlotto.domain.games import game_problem
from jinlotto.domain.schedule import kst_date, kst_now

logger = logging.getLogger(__name__)

# A well-formed ``jl_uid``: the service keeps it, so the monitor is one visitor with one stored
# recommendation a day instead of a new visitor (and a new row) every minute.
MONITOR_VISITOR = "jinlotto-monitor".ljust(32, "0")
MEMORY_USED = "jinlotto_memory_used_bytes"
MEMORY_LIMIT = "jinlotto_memory_limit_bytes"

DOWN, SLOW, MEMORY, STALE = "down", "slow", "memory", "stale"


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a sample fails and when an alert goes out (the operations runbook's figures)."""

    memory_percent: float = 80.0
    predict_seconds: float = 10.0  # average over the last ``predict_window`` answers
    predict_window: int = 5
    failures_in_a_row: int = 3  # samples with a 5xx or no answer before "down" is alerted
    stale_after_days: int = 8  # the newest stored draw may be this many days old

    @property
    def history_needed(self) -> int:
        """How many earlier samples the rules look at."""
        return max(self.predict_window, self.failures_in_a_row) - 1


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP call of a sample: the status (``None``: no answer) and how long it took."""

    status: int | None = None
    seconds: float | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        """A server error or no answer at all: what counts towards "down"."""
        return self.status is None or self.status >= 500


@dataclass(slots=True)
class Sample:
    """What one check saw, what failed (``problems``) and which rules are over threshold."""

    at: datetime
    url: str
    health: Call
    predict: Call
    metrics: Call
    draws: int | None = None
    latest_draw_no: int | None = None
    latest_draw_date: date | None = None
    draw_age_days: int | None = None
    missing_recent: int | None = None
    stale_reported: bool = False  # the service's own verdict, where it gives one
    memory_used_bytes: int | None = None
    memory_limit_bytes: int | None = None
    predict_average_seconds: float | None = None
    problems: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Nothing failed."""
        return not self.problems

    @property
    def memory_percent(self) -> float | None:
        """Memory in use as a share of the limit, when the service reports both."""
        if self.memory_used_bytes is None or not self.memory_limit_bytes:
            return None
        return 100 * self.memory_used_bytes / self.memory_limit_bytes

    def to_dict(self) -> dict[str, Any]:
        """One JSON object (a line of the ``--log`` file)."""
        payload = asdict(self)
        payload["ok"] = self.ok
        payload["memory_percent"] = self.memory_percent
        return json.loads(json.dumps(payload, default=str))

    @classmethod
    def from_dict(cls, payload: dict[str, Any]) -> "Sample":
        """A sample read back from the log."""
        latest = payload.get("latest_draw_date")
        return cls(
            at=datetime.fromisoformat(payload["at"]),
            url=payload["url"],
            health=Call(**payload["health"]),
            predict=Call(**payload["predict"]),
            metrics=Call(**payload["metrics"]),
            draws=payload.get("draws"),
            latest_draw_no=payload.get("latest_draw_no"),
            latest_draw_date=date.fromisoformat(latest) if latest else None,
            draw_age_days=payload.get("draw_age_days"),
            missing_recent=payload.get("missing_recent"),
            stale_reported=payload.get("stale_reported") is True,
            memory_used_bytes=payload.get("memory_used_bytes"),
            memory_limit_bytes=payload.get("memory_limit_bytes"),
            predict_average_seconds=payload.get("predict_average_seconds"),
            problems=list(payload.get("problems", [])),
            alerts=list(payload.get("alerts", [])),
            notified=list(payload.get("notified", [])),
        )


class Monitor:
    """Takes samples of one service and alerts on the thresholds' crossings.

    ``clock`` times the calls (seconds, monotonic), ``now`` dates the samples and the draws'
    freshness, ``alert`` delivers a message (Slack in the command), and ``history`` holds earlier
    samples of the same service (from the log) so that a monitor run once a minute by cron judges
    "3 failures in a row" and the predict average just as a long-running one does.
    """

    def __init__(
        self,
        client: httpx.Client,
        *,
        thresholds: Thresholds,
        alert: Callable[[str], object],
        clock: Callable[[], float] = time.perf_counter,
        now: Callable[[], datetime] = kst_now,
        history: Iterable[Sample] = (),
        metrics_token: SecretStr | None = None,
    ) -> None:
        self._client = client
        self._metrics_headers = (
            {"authorization": f"Bearer {metrics_token.get_secret_value()}"} if metrics_token else {}
        )
        self._thresholds = thresholds
        self._alert = alert
        self._clock = clock
        self._now = now
        self._history: deque[Sample] = deque(history, maxlen=thresholds.history_needed or 1)

    @property
    def url(self) -> str:
        """The service's base URL."""
        return str(self._client.base_url).rstrip("/")

    def check(self) -> Sample:
        """Take one sample, judge it, send the alerts it calls for, and remember it."""
        sample = self._take()
        self._judge(sample)
        self._notify(sample)
        self._history.append(sample)
        return sample

    # Taking a sample -------------------------------------------------------------------------

    def _take(self) -> Sample:
        health_call, health = self._json_call("GET", "/api/health")
        predict_call, predict = self._json_call(
            "POST",
            "/api/predict",
            json={"num_sets": 1},
            headers={"cookie": f"jl_uid={MONITOR_VISITOR}"},
        )
        metrics_call, metrics = self._call("GET", "/metrics", headers=self._metrics_headers)
        sample = Sample(
            at=self._now(),
            url=self.url,
            health=_judge_health(health_call, health),
            predict=_judge_predict(predict_call, predict),
            metrics=metrics_call,
        )
        if metrics is not None and metrics_call.status == 200:
            self._read_memory(sample, metrics.text)
        if isinstance(health, dict) and sample.health.error is None:
            self._read_freshness(sample, health)
        return sample

    def _call(self, method: str, path: str, **options: Any) -> tuple[Call, httpx.Response | None]:
        started = self._clock()
        try:
            response = self._client.request(method, path, **options)
        except httpx.TimeoutException:
            return Call(error=f"no answer within {self._timeout():g} s"), None
        except httpx.HTTPError as error:
            return Call(error=f"no answer ({type(error).__name__})"), None
        return Call(status=response.status_code, seconds=self._clock() - started), response

    def _json_call(self, method: str, path: str, **options: Any) -> tuple[Call, Any]:
        call, response = self._call(method, path, **options)
        if response is None:
            return call, None
        try:
            return call, response.json()
        except ValueError:
            if call.status == 200:
                return Call(call.status, call.seconds, "the answer is not JSON"), None
            return call, None  # an error page: its status tells what happened

    def _timeout(self) -> float:
        return self._client.timeout.read or 0.0

    def _read_memory(self, sample: Sample, text: str) -> None:
        try:
            gauges = {
                family.name: family.samples[0].value
                for family in text_string_to_metric_families(text)
                if family.name in (MEMORY_USED, MEMORY_LIMIT) and family.samples
            }
        except ValueError:
            sample.metrics = Call(sample.metrics.status, sample.metrics.seconds, "not metrics")
            return
        if MEMORY_USED in gauges and MEMORY_LIMIT in gauges:
            sample.memory_used_bytes = int(gauges[MEMORY_USED])
            sample.memory_limit_bytes = int(gauges[MEMORY_LIMIT])

    def _read_freshness(self, sample: Sample, health: dict[str, Any]) -> None:
        sample.draws = _whole(health.get("draws"))
        sample.latest_draw_no = _whole(health.get("latest_draw_no"))
        sample.missing_recent = _whole(health.get("missing_recent"))
        latest = _date(health.get("latest_draw_date"))
        if latest is None and sample.draws:
            # Services that do not put the date in their health answer still serve the draw.
            _, draw = self._json_call("GET", "/api/draws/latest")
            if isinstance(draw, dict):
                latest = _date(draw.get("draw_date"))
                sample.latest_draw_no = _whole(draw.get("draw_no")) or sample.latest_draw_no
        sample.latest_draw_date = latest
        if latest is not None:
            sample.draw_age_days = (kst_date(sample.at) - latest).days
        sample.stale_reported = health.get("stale") is True

    # Judging it ------------------------------------------------------------------------------

    def _judge(self, sample: Sample) -> None:
        limits = self._thresholds
        recent = [*self._history, sample]
        for name, call in (("health", sample.health), ("predict", sample.predict)):
            if call.error is not None:
                sample.problems.append(f"{name}: {call.error}")
        if sample.metrics.error is not None:
            sample.problems.append(f"metrics: {sample.metrics.error}")
        elif sample.metrics.status != 200:
            sample.problems.append(f"metrics: HTTP {sample.metrics.status}")

        in_a_row = recent[-limits.failures_in_a_row :]
        if len(in_a_row) == limits.failures_in_a_row and all(
            item.health.failed or item.predict.failed for item in in_a_row
        ):
            sample.alerts.append(DOWN)

        times = [
            item.predict.seconds
            for item in recent[-limits.predict_window :]
            if item.predict.error is None and item.predict.seconds is not None
        ]
        if times:
            sample.predict_average_seconds = sum(times) / len(times)
            if sample.predict_average_seconds > limits.predict_seconds:
                sample.alerts.append(SLOW)
                sample.problems.append(
                    f"predict: {sample.predict_average_seconds:.2f} s on average over "
                    f"{len(times)} answer(s), over {limits.predict_seconds:g} s"
                )

        percent = sample.memory_percent
        if percent is not None and percent > limits.memory_percent:
            sample.alerts.append(MEMORY)
            sample.problems.append(
                f"memory: {percent:.1f} % of {format_bytes(sample.memory_limit_bytes)} in use, "
                f"over {limits.memory_percent:g} %"
            )

        staleness = self._staleness(sample)
        if staleness is not None:
            sample.alerts.append(STALE)
            sample.problems.append(f"data: stale: {staleness}")

    def _staleness(self, sample: Sample) -> str | None:
        if sample.health.error is not None:
            return None  # unknown, and already a problem
        if not sample.draws:
            return "no draws stored"
        reasons = []
        if sample.draw_age_days is not None and (
            sample.draw_age_days > self._thresholds.stale_after_days
        ):
            reasons.append(
                f"the newest stored draw {sample.latest_draw_no} ({sample.latest_draw_date}) "
                f"is {sample.draw_age_days} days old"
            )
        if sample.missing_recent:
            reasons.append(f"{sample.missing_recent} held draw(s) not stored yet")
        if sample.stale_reported and not reasons:
            reasons.append("the service reports its draws out of date")
        return "; ".join(reasons) or None

    # Telling someone -------------------------------------------------------------------------

    def _notify(self, sample: Sample) -> None:
        before = set(self._history[-1].alerts) if self._history else set()
        for rule in sample.alerts:
            if rule not in before:
                self._send(sample, f"JinLotto monitor: {self._describe(rule, sample)}")
        cleared = [rule for rule in sorted(before) if rule not in sample.alerts]
        if cleared:
            self._send(sample, f"JinLotto monitor: {sample.url} recovered: {', '.join(cleared)}")

    def _send(self, sample: Sample, text: str) -> None:
        sample.notified.append(text)
        self._alert(text)

    def _describe(self, rule: str, sample: Sample) -> str:
        limits = self._thresholds
        if rule == DOWN:
            why = next((p for p in sample.problems if not p.startswith("data")), "")
            return (
                f"{sample.url} is down: {limits.failures_in_a_row} checks in a row failed "
                f"({why or 'server error'})"
            )
        if rule == SLOW:
            return (
                f"{sample.url} is slow: /api/predict takes {sample.predict_average_seconds:.1f} s "
                f"on average (limit {limits.predict_seconds:g} s)"
            )
        if rule == MEMORY:
            return (
                f"{sample.url} memory at {sample.memory_percent:.0f} % of "
                f"{format_bytes(sample.memory_limit_bytes)} (limit {limits.memory_percent:g} %)"
            )
        return f"{sample.url} draw data are stale: {self._staleness(sample)}"


def _judge_health(call: Call, body: Any) -> Call:
    if call.error is not None or call.status is None:
        return call
    if call.status != 200 or not isinstance(body, dict) or body.get("status") != "ok":
        return Call(call.status, call.seconds, f"HTTP {call.status}{_error_text(body)}")
    return call


def _judge_predict(call: Call, body: Any) -> Call:
    if call.error is not None or call.status is None:
        return call
    if call.status != 200:
        return Call(call.status, call.seconds, f"HTTP {call.status}{_error_text(body)}")
    sets = body.get("sets") if isinstance(body, dict) else None
    if not isinstance(sets, list) or not sets:
        return Call(call.status, call.seconds, "the answer holds no games")
    for game in sets:
        if not isinstance(game, list) or game_problem(game) is not None:
            return Call(call.status, call.seconds, f"the answer holds a wrong game: {game!r}")
    return call


def _error_text(body: Any) -> str:
    if isinstance(body, dict):
        message = body.get("error") or body.get("status")
        if isinstance(message, str):
            return f": {message[:120]}"
    return ""


def _whole(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def format_bytes(count: int | None) -> str:
    """A byte count for people: MiB, or GiB from 1 GiB."""
    value = count or 0
    if value >= 1 << 30:
        return f"{value / (1 << 30):.1f} GiB"
    return f"{value / (1 << 20):.0f} MiB"


def watch(
    monitor: Monitor,
    *,
    interval: float,
    on_sample: Callable[[Sample], None],
    count: int | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Take a sample every ``interval`` seconds (``count`` of them, or until interrupted); the
    number of samples that failed."""
    failed = taken = 0
    while count is None or taken < count:
        started = clock()
        sample = monitor.check()
        on_sample(sample)
        taken += 1
        failed += not sample.ok
        if count is not None and taken >= count:
            break
        sleep(max(0.0, interval - (clock() - started)))
    return failed


# The log ---------------------------------------------------------------------------------------

_TAIL_BYTES = 256 * 1024


def append_sample(path: Path, sample: Sample) -> None:
    """Append the sample to a JSONL file as one line (one write, so lines never interleave)."""
    line = json.dumps(sample.to_dict(), ensure_ascii=False) + "\n"
    with path.open("a", encoding="utf-8") as log:
        log.write(line)


def read_history(path: Path, url: str, limit: int) -> list[Sample]:
    """The last ``limit`` samples of ``url`` in a JSONL log (only its tail is read)."""
    if limit <= 0 or not path.exists():
        return []
    with path.open("rb") as log:
        size = log.seek(0, 2)
        log.seek(max(0, size - _TAIL_BYTES))
        tail = log.read().decode("utf-8", errors="replace").splitlines()
    if size > _TAIL_BYTES:
        tail = tail[1:]  # the first line may be cut
    found: deque[Sample] = deque(maxlen=limit)
    for sample in _parse_lines(tail, path):
        if sample.url == url:
            found.append(sample)
    return list(found)


def _parse_lines(lines: list[str], path: Path) -> Iterator[Sample]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield Sample.from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError):
            logger.warning("skipping an unreadable line of %s (line %d of its tail)", path, number)
