"""``jinlotto monitor`` against real services: a healthy ``jinlotto serve``, a dead port, a slow or
broken service behind a local proxy, and a service whose draws are out of date; Slack is a real
local webhook server."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import func, select
from tests.support.cli import Result, cli_runner
from tests.support.processes import free_port, wait_healthy
from tests.support.service_proxy import ServiceProxy
from tests.support.slack_server import SlackServer
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.domain.draw import Draw, make_draw
from jinlotto.domain.schedule import kst_now, latest_held_draw, scheduled_date
from jinlotto.services import monitor as service
from jinlotto.services.notify import send_slack

pytestmark = pytest.mark.slow


def _recent_draws(after: int) -> list[Draw]:
    """Made-up draws from ``after + 1`` up to the newest one held by now, so data are fresh."""
    rng = np.random.default_rng(7)
    draws = []
    for draw_no in range(after + 1, latest_held_draw(kst_now()) + 1):
        balls = rng.choice(np.arange(1, 46), size=7, replace=False).tolist()
        draws.append(
            make_draw(
                draw_no=draw_no,
                draw_date=scheduled_date(draw_no),
                numbers=balls[:6],
                bonus_no=balls[6],
            )
        )
    return draws


def _database(path: Path, draws: list[Draw]) -> str:
    url = f"sqlite:///{path}"
    database = Database.open(Settings(_env_file=None, database_url=url))  # type: ignore[call-arg]
    try:
        import_draws(database, draws, source="test")
    finally:
        database.close()
    return url


@contextmanager
def _serve(database_url: str, cwd: Path) -> Iterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"DATABASE_URL": database_url, "ENABLE_ML": "false"}
    command = [sys.executable, "-m", "jinlotto", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL)
    try:
        wait_healthy(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory: pytest.TempPathFactory, shared_draws: list[Draw]) -> str:
    """A SQLite database holding draws 1-1200 and made-up draws up to this week's."""
    folder = tmp_path_factory.mktemp("fresh")
    return _database(folder / "fresh.db", shared_draws + _recent_draws(shared_draws[-1].draw_no))


@pytest.fixture(scope="module")
def healthy(fresh_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real ``jinlotto serve`` over fresh draws."""
    with _serve(fresh_database, tmp_path_factory.mktemp("healthy")) as url:
        yield url


@pytest.fixture
def slack() -> Iterator[SlackServer]:
    with SlackServer() as server:
        yield server


@pytest.fixture
def monitor_cli(slack: SlackServer, tmp_path: Path) -> Any:
    """``jinlotto monitor ...`` as a process, alerting the local Slack."""
    run = cli_runner(os.environ | {"SLACK_WEBHOOK_URL": slack.url}, tmp_path, timeout=120)

    def invoke(*args: str) -> Result:
        return run("monitor", *args)

    return invoke


def _log(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _texts(slack: SlackServer) -> list[str]:
    return [str(message["text"]) for message in slack.messages]


def test_a_healthy_service_passes_and_the_monitor_stores_one_recommendation_a_day(
    healthy: str, fresh_database: str, monitor_cli: Any, slack: SlackServer, tmp_path: Path
) -> None:
    log = tmp_path / "samples.jsonl"
    first = monitor_cli("once", "--url", healthy, "--log", str(log))
    second = monitor_cli("once", "--url", healthy, "--log", str(log))

    assert first.returncode == 0, first.stdout + first.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    assert "ok" in first.stdout.splitlines()[0]
    samples = _log(log)
    assert [sample["ok"] for sample in samples] == [True, True]
    latest = samples[-1]
    assert latest["health"]["status"] == 200 and latest["predict"]["status"] == 200
    assert latest["draw_age_days"] <= 8 and latest["draws"] > 1200
    assert 0 < latest["memory_percent"] < 100
    assert latest["predict_average_seconds"] > 0
    assert slack.messages == []
    database = Database.open(
        Settings(_env_file=None, database_url=fresh_database)  # type: ignore[call-arg]
    )
    try:
        with database.sessions() as session:
            rows = session.scalar(
                select(func.count())
                .select_from(RecommendationRecord)
                .where(RecommendationRecord.visitor_key == service.MONITOR_VISITOR)
            )
    finally:
        database.close()
    assert rows == 1


def test_watch_prints_one_json_sample_per_check(healthy: str, monitor_cli: Any) -> None:
    done = monitor_cli("watch", "--url", healthy, "--count", "1", "--json")

    assert done.returncode == 0, done.stdout + done.stderr
    (line,) = done.stdout.splitlines()
    assert json.loads(line)["ok"] is True


def test_a_dead_service_fails_every_check_and_alerts_once_after_three_in_a_row(
    monitor_cli: Any, slack: SlackServer, tmp_path: Path
) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "samples.jsonl"

    runs = [monitor_cli("once", "--url", dead, "--log", str(log)) for _ in range(4)]

    for done in runs:
        assert done.returncode == 1
        assert "Traceback" not in done.stderr
        assert "FAIL     health: no answer (ConnectError)" in done.stdout
    texts = _texts(slack)
    assert len(texts) == 1, texts
    assert f"{dead} is down: 3 checks in a row failed" in texts[0]
    assert [sample["alerts"] for sample in _log(log)] == [[], [], ["down"], ["down"]]


def test_a_slow_service_fails_on_its_predict_average_and_alerts(
    healthy: str, monitor_cli: Any, slack: SlackServer
) -> None:
    with ServiceProxy(healthy) as proxy:
        proxy.delay = 0.6
        done = monitor_cli("once", "--url", proxy.url, "--max-predict-seconds", "0.3", "--json")

    assert done.returncode == 1, done.stdout
    sample = json.loads(done.stdout)
    assert sample["predict_average_seconds"] >= 0.6
    (problem,) = sample["problems"]
    assert problem.startswith("predict: ") and problem.endswith(" over 1 answer(s), over 0.3 s")
    assert any(f"{proxy.url} is slow: /api/predict takes" in text for text in _texts(slack))


def test_a_predict_slower_than_the_timeout_is_no_answer(healthy: str, monitor_cli: Any) -> None:
    with ServiceProxy(healthy) as proxy:
        proxy.delay = 1.0
        done = monitor_cli("once", "--url", proxy.url, "--timeout", "0.3")

    assert done.returncode == 1
    assert "FAIL     predict: no answer within 0.3 s" in done.stdout
    assert "health   HTTP 200" in done.stdout


def test_a_service_with_old_draws_is_stale(
    shared_draws: list[Draw], monitor_cli: Any, slack: SlackServer, tmp_path: Path
) -> None:
    stale_url = _database(tmp_path / "stale.db", shared_draws)
    with _serve(stale_url, tmp_path) as url:
        done = monitor_cli("once", "--url", url)

    age = (kst_now().date() - shared_draws[-1].draw_date).days
    assert done.returncode == 1
    assert (
        f"FAIL     data: stale: the newest stored draw 1200 (2025-11-29) is {age} days old"
        in done.stdout
    )
    assert any(f"{url} draw data are stale" in text for text in _texts(slack))


def test_missing_recent_and_the_draw_date_in_the_health_answer_are_used(
    healthy: str, monitor_cli: Any
) -> None:
    with ServiceProxy(healthy) as proxy:
        proxy.health_fields = {"missing_recent": 2}
        missing = monitor_cli("once", "--url", proxy.url)
        proxy.health_fields = {"latest_draw_date": "2020-01-04", "missing_recent": 0}
        proxy.requests.clear()
        old = monitor_cli("once", "--url", proxy.url)

    assert missing.returncode == 1
    assert "FAIL     data: stale: 2 held draw(s) not stored yet" in missing.stdout
    assert old.returncode == 1
    assert "(2020-01-04) is" in old.stdout
    assert "/api/draws/latest" not in proxy.requests


def test_memory_over_the_limit_fails_and_alerts(
    healthy: str, monitor_cli: Any, slack: SlackServer
) -> None:
    done = monitor_cli("once", "--url", healthy, "--max-memory-percent", "0")

    assert done.returncode == 1
    assert "FAIL     memory: " in done.stdout and "in use, over 0 %" in done.stdout
    assert any(f"{healthy} memory at" in text for text in _texts(slack))


def test_watch_keeps_its_interval_alerts_on_the_third_502_and_when_recovered(
    healthy: str, slack: SlackServer
) -> None:
    settings = Settings(_env_file=None, slack_webhook_url=slack.url)  # type: ignore[call-arg]
    ticks = iter(range(0, 1000, 2))  # each reading of the clock is 2 s later
    slept: list[float] = []
    seen: list[service.Sample] = []
    with ServiceProxy(healthy) as proxy, httpx.Client(base_url=proxy.url, timeout=30) as client:
        proxy.bad_gateway = True
        monitor = service.Monitor(
            client,
            thresholds=service.Thresholds(),
            alert=lambda text: send_slack(settings, text),
        )

        def on_sample(sample: service.Sample) -> None:
            seen.append(sample)
            proxy.bad_gateway = len(seen) < 3  # the service comes back after the third

        failed = service.watch(
            monitor,
            interval=60,
            count=5,
            on_sample=on_sample,
            sleep=slept.append,
            clock=lambda: float(next(ticks)),
        )

    assert slept == [58.0] * 4
    assert failed == 3
    assert [sample.alerts for sample in seen] == [[], [], ["down"], [], []]
    assert seen[3].ok and seen[4].ok
    texts = _texts(slack)
    assert len(texts) == 2, texts
    assert f"{proxy.url} is down: 3 checks in a row failed (health: HTTP 502)" in texts[0]
    assert texts[1] == f"JinLotto monitor: {proxy.url} recovered: down"


def test_bad_options_are_one_line_errors(monitor_cli: Any, tmp_path: Path) -> None:
    bad_url = monitor_cli("once", "--url", "localhost:8000")
    bad_log = monitor_cli("once", "--log", str(tmp_path / "missing" / "log.jsonl"))

    assert bad_url.returncode == 1
    assert bad_url.stderr.strip() == (
        "error: --url must start with http:// or https://, got 'localhost:8000'"
    )
    assert bad_log.returncode == 1
    assert "error: cannot write the log" in bad_log.stderr
    assert "Traceback" not in bad_url.stderr + bad_log.stderr


def test_the_log_is_read_from_its_tail_and_unreadable_lines_are_skipped(tmp_path: Path) -> None:
    log = tmp_path / "samples.jsonl"
    at = datetime(2026, 1, 1, tzinfo=kst_now().tzinfo)
    samples = [
        service.Sample(
            at=at + timedelta(minutes=index),
            url="http://a" if index % 2 else "http://b",
            health=service.Call(status=200, seconds=0.01),
            predict=service.Call(status=200, seconds=float(index)),
            metrics=service.Call(status=200, seconds=0.01),
        )
        for index in range(10)
    ]
    for sample in samples[:5]:
        service.append_sample(log, sample)
    with log.open("a") as file:
        file.write('{"not": "a sample"}\n{broken\n')
    for sample in samples[5:]:
        service.append_sample(log, sample)

    history = service.read_history(log, "http://a", 3)

    assert [sample.predict.seconds for sample in history] == [5.0, 7.0, 9.0]
    assert history[-1].to_dict() == samples[9].to_dict()
