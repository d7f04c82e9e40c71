"""``jinlotto jobs weekly`` and ``jinlotto report accuracy`` run as real processes, on today's
clock: the source holds made-up draws up to the newest one held by now (the real draws end at
1200), and the database lacks that newest draw."""

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from tests.support.cli import Runner, cli_runner, error_message
from tests.support.official_server import OfficialServer
from tests.support.record import store_recommendation, synthetic_raw
from tests.support.slack_server import SlackServer
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain.schedule import kst_now, latest_held_draw, sales_close_at
from jinlotto.ingest.mirror import parse_mirror_array
from jinlotto.services.scheduler import in_retry_window

NEWEST = latest_held_draw(kst_now())


@dataclass
class Today:
    run: Runner
    env: dict[str, str]
    cwd: Path
    official: OfficialServer
    slack: SlackServer
    draw: dict[str, Any]


@pytest.fixture
def today(
    database: Database,
    settings: Settings,
    shared_raw: list[dict[str, Any]],
    tmp_path: Path,
) -> Iterator[Today]:
    later = [synthetic_raw(number) for number in range(1201, NEWEST + 1)]
    import_draws(database, parse_mirror_array([*shared_raw, *later[:-1]]), source="test")
    with OfficialServer([*shared_raw, *later], latest=NEWEST) as official, SlackServer() as slack:
        env = {
            **os.environ,
            "DATABASE_URL": settings.database_url,
            "MODEL_DIR": str(settings.model_dir),
            "ENVIRONMENT": "test",
            "LOTTO_API_URL": official.url,
            "SLACK_WEBHOOK_URL": slack.url,
            "SLACK_LANGUAGE": "en",
            "ENABLE_ML": "false",
            "HTTP_RETRIES": "0",
            "HTTP_TIMEOUT_SECONDS": "60",
            "HTTP_REQUESTS_PER_SECOND": "500",
            "LOG_LEVEL": "WARNING",
            "COLUMNS": "80",
        }
        yield Today(cli_runner(env, tmp_path), env, tmp_path, official, slack, later[-1])


def _summaries(slack: SlackServer) -> list[str]:
    return [text for text in slack.texts() if text.startswith("JinLotto weekly:")]


def test_the_weekly_job_grades_and_the_report_shows_it_in_80_columns(
    today: Today, database: Database
) -> None:
    store_recommendation(
        database,
        visitor_key="c" * 32,
        draw_no=NEWEST,
        created_at=sales_close_at(NEWEST) - timedelta(hours=4),
        games=[today.draw["numbers"], [1, 2, 3, 4, 5, 6]],
    )
    done = today.run("jobs", "weekly")
    again = today.run("jobs", "weekly", "--json")
    text = today.run("report", "accuracy")
    as_json = today.run("report", "accuracy", "--json")

    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == f"weekly job: draw {NEWEST} done"
    assert "  recommended games graded: 2 (in 1 recommendations)" in done.stdout
    assert "  model: not retrained (ENABLE_ML=false)" in done.stdout
    assert json.loads(again.stdout)["status"] == "already_done"
    assert len(_summaries(today.slack)) == 1
    assert text.returncode == 0, text.stderr
    assert text.stdout.startswith("statistical (no model): 1 draws, 2 games\n")
    assert "no interval with one draw" in text.stdout
    assert all(len(line) <= 80 for line in (done.stdout + text.stdout).splitlines())
    (group,) = json.loads(as_json.stdout)["groups"]
    assert group["ranks"][0]["observed"] == 1, "the first game is the drawn numbers"


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)  # as machines share it
def test_three_runners_at_once_one_runs_and_the_others_skip(today: Today) -> None:
    today.official.fault = "held"  # whoever takes the lock waits inside the update until released
    command = [sys.executable, "-m", "jinlotto", "jobs", "weekly"]
    runners = [
        subprocess.Popen(
            command,
            cwd=today.cwd,
            env=today.env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(3)
    ]
    try:
        with ThreadPoolExecutor(3) as pool:
            finished = {pool.submit(runner.communicate, timeout=120): runner for runner in runners}
            assert today.official.arrived.wait(60), "nobody started the update"
            completing = as_completed(finished, timeout=120)
            # Both runners that lost the lock finish while the winner is still held.
            first = {next(completing), next(completing)}
            today.official.release.set()
            outputs = [future.result() for future in finished]
    finally:
        today.official.release.set()
        for runner in runners:
            runner.kill()
    skipped = "weekly job: another runner is working on it; nothing done here\n"
    assert [future.result()[0] for future in first] == [skipped, skipped]
    assert sorted(out.splitlines()[0] for out, _ in outputs) == sorted(
        [f"weekly job: draw {NEWEST} done", skipped.strip(), skipped.strip()]
    )
    assert [runner.returncode for runner in runners] == [0, 0, 0]
    assert len(_summaries(today.slack)) == 1


def test_bad_options_and_a_draw_never_published_exit_1(today: Today) -> None:
    wrong = today.run("jobs", "weekly", "--estimator", "svm")
    assert error_message(wrong) == "unknown estimator 'svm'; choose rf, hgb, logreg"
    if in_retry_window(kst_now()):
        pytest.skip("inside the retry window the job would wait for the draw")
    today.official.latest = NEWEST - 1  # the source never publishes the newest draw
    given_up = today.run("jobs", "weekly")
    assert error_message(given_up) == (
        f"draw {NEWEST} is still not published (not yet); gave up until next week"
    )
    assert any("giving up" in text for text in today.slack.texts())
