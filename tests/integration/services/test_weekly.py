"""The weekly job end to end (SQLite and PostgreSQL): a real local HTTP server playing the
official source, where draw 1200 appears after a few "not yet" replies, and a real local HTTP
server playing Slack. The clock and the wait between attempts are injected: no test sleeps."""

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr
from sqlalchemy import select
from tests.support.official_server import OfficialServer
from tests.support.record import GAMES_1200, expected_grade, store_recommendation
from tests.support.slack_server import SlackServer
from tests.support.store import import_draws

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord, WeeklyRunRecord
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import Draw
from jinlotto.domain.schedule import KST, sales_close_at
from jinlotto.ingest.qr import Ticket, TicketGame
from jinlotto.registry import store
from jinlotto.services import models, visitors
from jinlotto.services.notify import Notifier
from jinlotto.services.training import RETRAIN_MARGIN, train_and_activate
from jinlotto.services.weekly import WeeklyOutcome, WeeklyRunner, give_up_at

FIRST_TRY = datetime(2025, 11, 29, 21, 10, tzinfo=KST)  # draw 1200's Saturday


class FakeClock:
    """KST time that moves only when the runner waits; records every wait."""

    def __init__(self, start: datetime) -> None:
        self.current = start
        self.waits: list[float] = []

    def now(self) -> datetime:
        return self.current

    def wait(self, seconds: float) -> bool:
        self.waits.append(seconds)
        self.current += timedelta(seconds=seconds)
        return False


@dataclass
class Week:
    """Everything one weekly job test works with."""

    database: Database
    settings: Settings
    official: OfficialServer
    slack: SlackServer
    raw: dict[int, dict[str, Any]]

    def run(self, clock: FakeClock, **options: Any) -> tuple[WeeklyOutcome, WeeklyRunner]:
        notifier = Notifier(self.settings)
        runner = WeeklyRunner(
            self.database, self.settings, notifier, clock=clock.now, wait=clock.wait, **options
        )
        try:
            outcome = runner.run()
            if runner.retrain is not None:
                runner.retrain.join(timeout=300)
        finally:
            notifier.close(timeout=10)
        return outcome, runner


@pytest.fixture
def week(
    database: Database,
    settings: Settings,
    shared_raw: list[dict[str, Any]],
    shared_draws: list[Draw],
) -> Iterator[Week]:
    """Draws 1-1199 stored; the official source has 1199 and publishes 1200 after 3 asks."""
    import_draws(database, shared_draws[:1199], source="test")
    with OfficialServer(shared_raw, latest=1199) as official, SlackServer() as slack:
        official.publish_later(1200, not_yet=3)
        configured = settings.model_copy(
            update={
                "lotto_api_url": official.url,
                "slack_webhook_url": SecretStr(slack.url),
                "slack_language": "en",
                "enable_ml": True,
                # The source is local: the polite rate limit only slows the many attempts here.
                "http_requests_per_second": 1000.0,
            }
        )
        raw = {item["draw_no"]: item for item in shared_raw}
        yield Week(database, configured, official, slack, raw)


def _play_for_1200(week: Week) -> dict[str, int]:
    """Recommendations (two strategies, one made too late) and a saved ticket for draw 1200."""
    close = sales_close_at(1200)
    ids = {
        "statistical": store_recommendation(
            week.database,
            visitor_key="s" * 32,
            draw_no=1200,
            created_at=close - timedelta(days=2),
            games=GAMES_1200[:5],
        ),
        "unified": store_recommendation(
            week.database,
            visitor_key="u" * 32,
            draw_no=1200,
            created_at=close - timedelta(minutes=5),
            games=GAMES_1200[1:],
            strategy="unified",
            model_version="lotto_model_old",
        ),
        "late": store_recommendation(
            week.database,
            visitor_key="l" * 32,
            draw_no=1200,
            created_at=close + timedelta(minutes=1),
            games=GAMES_1200[:1],
        ),
    }
    ticket = Ticket(1200, (TicketGame(GAMES_1200[0], "manual"), TicketGame(GAMES_1200[3], "auto")))
    with week.database.transaction() as session:
        saved = visitors.save_ticket(
            session,
            visitor_key="t" * 32,
            ticket=ticket,
            source="qr",
            now=close - timedelta(hours=1),
        )
    ids["ticket"] = saved.id
    return ids


def _results(database: Database) -> dict[int, Any]:
    with database.sessions() as session:
        return {r.id: r.results for r in session.scalars(select(RecommendationRecord))}


def _runs(database: Database) -> list[str]:
    with database.sessions() as session:
        rows = session.scalars(select(WeeklyRunRecord).order_by(WeeklyRunRecord.id))
        return [row.outcome for row in rows]


def _active(database: Database) -> str | None:
    with database.sessions() as session:
        return models.active_model_name(session)


@pytest.mark.slow
def test_the_weekly_job_waits_for_the_draw_grades_reports_and_retrains(week: Week) -> None:
    before = train_and_activate(week.database, week.settings)
    ids = _play_for_1200(week)
    clock = FakeClock(FIRST_TRY)

    outcome, runner = week.run(clock)

    # Three "not yet" replies, waits of 5, 10 and 20 minutes, then the draw.
    assert (outcome.status, outcome.attempts) == ("done", 4)
    assert clock.waits == [300, 600, 1200]
    assert week.official.draws_requested().count(1200) == 4
    assert _runs(week.database) == ["waiting", "waiting", "waiting", "done"]
    with week.database.sessions() as session:
        assert draw_repo.latest(session).draw_no == 1200  # type: ignore[union-attr]

    draw = week.raw[1200]
    results = _results(week.database)
    assert results[ids["statistical"]] == [expected_grade(g, draw) for g in GAMES_1200[:5]]
    assert results[ids["unified"]] == [expected_grade(g, draw) for g in GAMES_1200[1:]]
    assert results[ids["late"]] is None
    with week.database.sessions() as session:
        (ticket,) = visitors.list_tickets(
            session, visitor_key="t" * 32, limit=5, offset=0, now=clock.now()
        )
    assert ticket.status == "graded"
    assert [(g["kind"], g["rank"], g["prize"]) for g in ticket.games] == [
        ("manual", 1, draw["divisions"][0]["prize"]),
        ("auto", 4, 50_000),
    ]

    summary = next(text for text in week.slack.texts() if text.startswith("JinLotto weekly:"))
    matches = sum(expected_grade(g, draw)["matched"] for g in (*GAMES_1200[:5], *GAMES_1200[1:]))
    assert summary.splitlines() == [
        "JinLotto weekly: draw 1200 (2025-11-29) is 1 2 4 16 20 32 + 45; 1 new draws stored.",
        f"Recommendations graded: 2 (10 games), {matches / 10:.3f} matched numbers per game "
        "(chance: 0.8); prizes 1st 1, 2nd 2, 3rd 2, 4th 2, 5th 2.",
        "Saved tickets graded: 1 (2 games); prizes 1st 1, 2nd 0, 3rd 0, 4th 1, 5th 0.",
        "Deleted 0 recommendations older than 400 days (their counts stay in the accuracy record).",
        "Model: retraining in the background; the result follows.",
    ]

    assert runner.retrain is not None and runner.retrain.outcome is not None
    retrained = runner.retrain.outcome
    assert retrained.activated and retrained.previous == before.model_name
    assert _active(week.database) == retrained.candidate != before.model_name
    metadata = store.read_metadata(
        store.model_path(retrained.candidate, model_dir=week.settings.model_dir)
    )
    assert metadata is not None and metadata["training_draw_range"] == [1, 1200]
    assert any(
        text.startswith(f"JinLotto: model {retrained.candidate} activated")
        for text in week.slack.texts()
    )


@pytest.mark.slow
def test_a_retrained_model_that_scores_worse_is_kept_out_with_an_alert(week: Week) -> None:
    week.official.publish_later(1200, not_yet=0)
    before = train_and_activate(week.database, week.settings)

    outcome, runner = week.run(FakeClock(FIRST_TRY), retrain_estimator="logreg")

    assert outcome.status == "done"
    assert runner.retrain is not None and runner.retrain.outcome is not None
    rejected = runner.retrain.outcome
    assert not rejected.activated
    assert rejected.candidate_log_loss > rejected.previous_log_loss + RETRAIN_MARGIN  # type: ignore[operator]
    assert _active(week.database) == before.model_name
    # The rejected model is saved for inspection but not active.
    assert store.model_path(rejected.candidate, model_dir=week.settings.model_dir).is_file()
    (alert,) = [t for t in week.slack.texts() if t.startswith("JinLotto: kept model")]
    assert alert.startswith(f"JinLotto: kept model {before.model_name}: the retrained ")
    assert f"worse than {rejected.previous_log_loss:.4f} by more than the margin 0.10" in alert


def test_a_rerun_after_the_draw_was_done_does_nothing(week: Week) -> None:
    week.official.publish_later(1200, not_yet=0)
    settings = week.settings.model_copy(update={"enable_ml": False})
    week.settings = settings
    ids = _play_for_1200(week)
    first, _ = week.run(FakeClock(FIRST_TRY))
    results = _results(week.database)
    messages = len(week.slack.texts())

    again, _ = week.run(FakeClock(FIRST_TRY + timedelta(hours=2)))

    assert (first.status, again.status) == ("done", "already_done")
    assert _results(week.database) == results and results[ids["statistical"]] is not None
    assert len(week.slack.texts()) == messages, "no second summary"
    assert _runs(week.database) == ["done"]


def test_the_job_gives_up_at_sunday_noon_with_one_alert(
    week: Week, caplog: pytest.LogCaptureFixture
) -> None:
    week.official.publish_later(1200, not_yet=10_000)  # never published this week
    clock = FakeClock(FIRST_TRY)
    with caplog.at_level(logging.ERROR, logger="jinlotto.services.weekly"):
        outcome, runner = week.run(clock)
    deadline = give_up_at(1200)
    assert deadline == datetime(2025, 11, 30, 12, 0, tzinfo=KST)
    assert outcome.status == "given_up"
    assert clock.current == deadline, "the last attempt is made at the deadline"
    assert max(clock.waits) == 1800, "back-off is capped at 30 minutes"
    assert runner.retrain is None
    assert [t for t in week.slack.texts() if "giving up" in t] == [
        "JinLotto weekly job: draw 1200 is still not published at 2025-11-30 12:00 KST; giving "
        "up until next week. Run `jinlotto jobs weekly` once the source has it."
    ]
    runs = _runs(week.database)
    assert runs[-1] == "given_up" and set(runs[:-1]) == {"waiting"}
    assert len(runs) == outcome.attempts + 1
    assert "draw 1200 not published" in caplog.text


def test_source_failures_are_retried_and_alerted(week: Week) -> None:
    week.official.publish_later(1200, not_yet=0)
    week.official.fault = "server_error"
    week.official.fault_draws = {1199}  # asked once per attempt: the first two attempts fail
    week.official.fault_times = 2
    week.settings = week.settings.model_copy(update={"enable_ml": False})

    outcome, _ = week.run(FakeClock(FIRST_TRY))

    assert (outcome.status, outcome.attempts) == ("done", 3)
    assert _runs(week.database) == ["source_failed", "source_failed", "done"]
    failures = [t for t in week.slack.texts() if "data source failed" in t]
    # The second failure comes 5 minutes after the first: the same cause is muted for 10.
    assert len(failures) == 1 and "500" in failures[0]


def test_a_conflicting_report_is_alerted_and_the_stored_draw_kept(week: Week) -> None:
    week.official.publish_later(1200, not_yet=0)
    week.official.override(1199, tm1WnNo=2)  # the source now says draw 1199 began with 2
    week.settings = week.settings.model_copy(update={"enable_ml": False})

    outcome, _ = week.run(FakeClock(FIRST_TRY))

    assert outcome.status == "done"
    with week.database.sessions() as session:
        assert draw_repo.get(session, 1199).n1 == 16  # type: ignore[union-attr]
    (alert,) = [t for t in week.slack.texts() if "differently" in t]
    assert alert == (
        "JinLotto: the source reports draw 1199 differently (numbers): stored 2025-11-22 "
        "16 24 25 30 31 32 + 7, source 2025-11-22 2 24 25 30 31 32 + 7. The stored draw was kept."
    )
