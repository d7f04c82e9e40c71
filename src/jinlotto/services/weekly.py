"""The weekly job: after the Saturday draw, update the draws, grade what was played for the new
draw, keep the accuracy record, report to Slack, delete old recommendations, retrain safely.

One attempt (:func:`run_attempt`) holds the ``weekly-job`` lock, so of several processes or
machines trying at once exactly one runs it and the others skip. Every attempt that ran is
logged in ``weekly_runs``; once an attempt for a draw is ``done``, later ones for that draw do
nothing, so a rerun is harmless (grading itself is idempotent too). :class:`WeeklyRunner`
repeats attempts with back-off until the new draw is published, and gives up at 12:00 KST on the
Sunday after the draw with an alert. Its clock and its wait between attempts are injectable.
"""

import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import datetime, time, timedelta
from typing import Any, Literal

from sqlalchemy.orm import Session

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.db.repositories import recommendations as recommendation_repo
from jinlotto.db.repositories import weekly_runs as run_repo
from jinlotto.domain.draw import Draw
from jinlotto.domain.schedule import KST, kst_now, latest_held_draw, scheduled_date
from jinlotto.errors import DataSourceError, JinlottoError
from jinlotto.services import draws, grading, jobs
from jinlotto.services.grading import DrawGrading, GradeCounts
from jinlotto.services.messages import render
from jinlotto.services.notify import Notifier
from jinlotto.services.recommender import TRAINING_JOB, TRAINING_TTL
from jinlotto.services.training import RetrainOutcome, retrain_with_gate

logger = logging.getLogger(__name__)

WEEKLY_JOB = "weekly-job"
ATTEMPT_TTL = timedelta(minutes=30)  # a crashed attempt's lock lapses after this
GIVE_UP_TIME = time(12, 0)  # on the Sunday after the draw, KST
WeeklyStatus = Literal["done", "already_done", "waiting", "source_failed", "skipped", "given_up"]
RETRIED: frozenset[WeeklyStatus] = frozenset({"waiting", "source_failed"})
Clock = Callable[[], datetime]
Wait = Callable[[float], bool]
"""Waits that many seconds; ``True`` when the runner was asked to stop meanwhile."""


@dataclass
class WeeklyOutcome:
    """How one attempt (or a whole run of attempts) of the weekly job ended."""

    status: WeeklyStatus
    target_draw: int
    newest_draw: int | None = None
    update: dict[str, Any] | None = None
    graded: list[DrawGrading] = field(default_factory=list)
    deleted_recommendations: int = 0
    problem: str | None = None
    attempts: int = 1
    retraining: str | None = None  # "started", or why not

    def totals(self) -> tuple[GradeCounts, GradeCounts, int, int]:
        """Recommended and ticket games graded, and how many recommendations and tickets."""
        recommended, tickets = GradeCounts(), GradeCounts()
        for report in self.graded:
            for counts, part in (
                (recommended, report.recommended_games),
                (tickets, report.ticket_games),
            ):
                counts.games += part.games
                counts.matches += part.matches
                counts.ranks = [a + b for a, b in zip(counts.ranks, part.ranks, strict=True)]
        rows = sum(report.recommendations for report in self.graded)
        return recommended, tickets, rows, sum(report.tickets for report in self.graded)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return asdict(self)


def give_up_at(draw_no: int) -> datetime:
    """When the runner stops waiting for ``draw_no``: 12:00 KST the day after the draw."""
    return datetime.combine(scheduled_date(draw_no) + timedelta(days=1), GIVE_UP_TIME, tzinfo=KST)


def run_attempt(
    database: Database,
    settings: Settings,
    notifier: Notifier,
    *,
    target: int,
    clock: Clock = kst_now,
) -> WeeklyOutcome:
    """One attempt for draw ``target``, unless another runner holds the lock (``skipped``)."""
    if not jobs.try_acquire(database, WEEKLY_JOB, ttl=ATTEMPT_TTL):
        logger.info("weekly job: another runner holds the lock; skipped")
        return WeeklyOutcome("skipped", target)
    try:
        return _attempt(database, settings, notifier, target=target, clock=clock)
    finally:
        jobs.release(database, WEEKLY_JOB)


def _attempt(
    database: Database, settings: Settings, notifier: Notifier, *, target: int, clock: Clock
) -> WeeklyOutcome:
    now = clock()
    with database.sessions() as session:
        if run_repo.find(session, draw_no=target, outcome="done") is not None:
            logger.info("weekly job: draw %d was already processed", target)
            return WeeklyOutcome("already_done", target, newest_draw=target)
    outcome = WeeklyOutcome("waiting", target)
    _update(database, settings, notifier, outcome)
    with database.sessions() as session:
        newest = draw_repo.latest(session)
    outcome.newest_draw = newest.draw_no if newest else None
    if outcome.newest_draw is None or outcome.newest_draw < target:
        if outcome.status == "waiting":
            logger.info("weekly job: draw %d is not published yet", target)
        _record(database, outcome, started_at=now, finished_at=clock())
        return outcome
    cutoff = now - timedelta(days=settings.recommendation_retention_days)
    with database.transaction() as session:
        outcome.graded = grading.grade_pending(session, now=now)
        outcome.deleted_recommendations = recommendation_repo.delete_created_before(session, cutoff)
        outcome.status = "done"
        outcome.retraining = "started" if settings.enable_ml else "ENABLE_ML=false"
        _add_run(session, outcome, started_at=now, finished_at=clock())
        record = draw_repo.get(session, target)
        target_draw = draw_repo.to_domain(record) if record is not None else None
    logger.info("weekly job: draw %d done", target)
    notifier.send("weekly_summary", summary_text(outcome, target_draw, settings))
    return outcome


def _update(
    database: Database, settings: Settings, notifier: Notifier, outcome: WeeklyOutcome
) -> None:
    """Fetch new draws; alert conflicts, and a source failure (``source_failed``)."""
    try:
        report = draws.update(database, settings)
    except DataSourceError as error:
        logger.warning("weekly job: data source failed: %s", error.message)
        notifier.notify_once_per_cause(
            "weekly-data-source", "source_failure", problem=error.message
        )
        outcome.status, outcome.problem = "source_failed", error.message
        return
    outcome.update = report.to_dict()
    for conflict in report.conflicts:
        notifier.notify(
            "conflict",
            draw_no=conflict.draw_no,
            fields=", ".join(conflict.fields),
            stored=conflict.stored,
            reported=conflict.reported,
        )


def _record(
    database: Database, outcome: WeeklyOutcome, *, started_at: datetime, finished_at: datetime
) -> None:
    with database.transaction() as session:
        _add_run(session, outcome, started_at=started_at, finished_at=finished_at)


def _add_run(
    session: Session, outcome: WeeklyOutcome, *, started_at: datetime, finished_at: datetime
) -> None:
    recommended, tickets, _, _ = outcome.totals()
    run_repo.add(
        session,
        draw_no=outcome.target_draw,
        outcome=outcome.status,
        started_at=started_at,
        finished_at=finished_at,
        details={
            "newest_draw": outcome.newest_draw,
            "update": outcome.update,
            "problem": outcome.problem,
            "graded_recommended_games": recommended.games,
            "graded_ticket_games": tickets.games,
            "deleted_recommendations": outcome.deleted_recommendations,
        },
    )


def summary_text(outcome: WeeklyOutcome, draw: Draw | None, settings: Settings) -> str:
    """The Slack summary of a ``done`` attempt, in ``SLACK_LANGUAGE``."""
    language = settings.slack_language
    recommended, tickets, rows, ticket_rows = outcome.totals()
    added = (outcome.update or {}).get("added", 0)
    lines = []
    if draw is not None:
        lines.append(
            render(
                "weekly_draw",
                language,
                draw_no=draw.draw_no,
                date=draw.draw_date.isoformat(),
                numbers=" ".join(str(number) for number in draw.numbers),
                bonus=draw.bonus_no,
                added=added,
            )
        )
    mean = f"{recommended.matches / recommended.games:.3f}" if recommended.games else "-"
    lines.append(
        render(
            "weekly_recommendations",
            language,
            rows=rows,
            games=recommended.games,
            mean=mean,
            **_ranks(recommended),
        )
    )
    lines.append(
        render("weekly_tickets", language, rows=ticket_rows, games=tickets.games, **_ranks(tickets))
    )
    lines.append(
        render(
            "weekly_retention",
            language,
            deleted=outcome.deleted_recommendations,
            days=settings.recommendation_retention_days,
        )
    )
    if outcome.retraining == "started":
        lines.append(render("weekly_retraining", language))
    else:
        lines.append(render("weekly_no_retraining", language, reason=outcome.retraining))
    return "\n".join(lines)


def _ranks(counts: GradeCounts) -> dict[str, int]:
    return {f"r{rank}": counts.ranks[rank] for rank in range(1, 6)}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Back-off between attempts: ``first`` seconds, times ``factor`` each time, at most
    ``longest``."""

    first: float = 300.0
    factor: float = 2.0
    longest: float = 1800.0

    def delays(self) -> Iterator[float]:
        """The waits before the second, third, ... attempts."""
        delay = self.first
        while True:
            yield delay
            delay = min(delay * self.factor, self.longest)


class BackgroundRetrain:
    """One retraining run behind the training lock, its outcome kept for whoever waits."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        notifier: Notifier,
        *,
        estimator: str | None = None,
    ) -> None:
        self._database = database
        self._settings = settings
        self._notifier = notifier
        self._estimator = estimator
        self.thread: threading.Thread | None = None
        self.outcome: RetrainOutcome | None = None
        self.problem: str | None = None

    def start(self) -> bool:
        """Start unless a training run already holds the lock in some process."""
        self.thread = jobs.start_single_flight(
            self._database, TRAINING_JOB, self._run, ttl=TRAINING_TTL
        )
        if self.thread is None:
            self.problem = "another training run is in progress"
            logger.info("weekly job: %s; not retraining", self.problem)
        return self.thread is not None

    def join(self, timeout: float | None = None) -> None:
        """Wait for the run to end."""
        if self.thread is not None:
            self.thread.join(timeout)

    def _run(self) -> None:
        try:
            outcome = retrain_with_gate(self._database, self._settings, estimator=self._estimator)
        except Exception as error:  # reported, and the active model stays
            self.problem = error.message if isinstance(error, JinlottoError) else repr(error)
            logger.exception("weekly retraining failed: %s", self.problem)
            self._notifier.notify("retrain_failed", problem=self.problem)
            return
        self.outcome = outcome
        values = {
            "candidate": outcome.candidate,
            "candidate_loss": f"{outcome.candidate_log_loss:.4f}",
            "active": outcome.previous or "-",
            "active_loss": "-"
            if outcome.previous_log_loss is None
            else f"{outcome.previous_log_loss:.4f}",
        }
        if outcome.activated:
            self._notifier.notify("model_activated", **values)
        else:
            self._notifier.notify("model_kept", margin=f"{outcome.margin:.2f}", **values)


class WeeklyRunner:
    """Runs attempts until one is done, skipped or given up (see the module docstring).

    ``retrain_estimator`` retrains with another estimator than the active model's; like any
    retrained model it replaces the active one only if it is not worse.
    """

    def __init__(
        self,
        database: Database,
        settings: Settings,
        notifier: Notifier,
        *,
        clock: Clock = kst_now,
        wait: Wait | None = None,
        policy: RetryPolicy | None = None,
        retrain_estimator: str | None = None,
    ) -> None:
        self._database = database
        self._settings = settings
        self.notifier = notifier
        self._clock = clock
        self._stopped = threading.Event()
        self._wait = wait or self._stopped.wait
        self._policy = policy or RetryPolicy()
        self._retrain_estimator = retrain_estimator
        self.retrain: BackgroundRetrain | None = None

    def stop(self) -> None:
        """Ask a waiting runner to return at once."""
        self._stopped.set()

    def run(self) -> WeeklyOutcome:
        """Attempt, wait and attempt again while the new draw is not published or the source
        fails; give up at :func:`give_up_at`. Starts the retraining when an attempt is done."""
        target = latest_held_draw(self._clock())
        deadline = give_up_at(target)
        delays = self._policy.delays()
        attempts = 0
        while True:
            attempts += 1
            outcome = self._attempt(target)
            outcome.attempts = attempts
            if outcome.status not in RETRIED:
                break
            remaining = (deadline - self._clock()).total_seconds()
            if remaining <= 0:
                outcome = self._give_up(outcome, deadline)
                outcome.attempts = attempts
                break
            if self._wait(min(next(delays), remaining)):
                logger.info("weekly job stopped while waiting for draw %d", target)
                break
        if outcome.status == "done" and self._settings.enable_ml:
            self.retrain = BackgroundRetrain(
                self._database, self._settings, self.notifier, estimator=self._retrain_estimator
            )
            if not self.retrain.start():
                outcome.retraining = self.retrain.problem
        return outcome

    def _attempt(self, target: int) -> WeeklyOutcome:
        return run_attempt(
            self._database, self._settings, self.notifier, target=target, clock=self._clock
        )

    def _give_up(self, last: WeeklyOutcome, deadline: datetime) -> WeeklyOutcome:
        """Record and announce giving up, once for the draw across every runner."""
        outcome = WeeklyOutcome(
            "given_up", last.target_draw, newest_draw=last.newest_draw, problem=last.problem
        )
        if not jobs.try_acquire(self._database, WEEKLY_JOB, ttl=ATTEMPT_TTL):
            return outcome
        try:
            with self._database.sessions() as session:
                told = run_repo.find(session, draw_no=last.target_draw, outcome="given_up")
            if told is None:
                now = self._clock()
                _record(self._database, outcome, started_at=now, finished_at=now)
                logger.error("weekly job: draw %d not published by %s", last.target_draw, deadline)
                self.notifier.notify(
                    "weekly_given_up",
                    draw_no=last.target_draw,
                    deadline=deadline.strftime("%Y-%m-%d %H:%M KST"),
                )
        finally:
            jobs.release(self._database, WEEKLY_JOB)
        return outcome
