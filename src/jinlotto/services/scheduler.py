"""The optional in-process scheduler (``SCHEDULER_ENABLED=true``).

APScheduler starts the weekly job at 21:10 KST every Saturday, about 35 minutes after the draw;
the :class:`~jinlotto.services.weekly.WeeklyRunner` then retries with back-off until the draw is
published. A service started inside that window (after 21:10 on Saturday, before Sunday noon)
tries at once, so a restart does not skip a week. Each process runs its own scheduler; the
weekly job's lock lets only one of them work at a time, and a draw already done is not redone.
"""

import logging
from datetime import datetime, time
from typing import TYPE_CHECKING

from jinlotto.domain.schedule import KST, kst_now, latest_held_draw, scheduled_date
from jinlotto.services.notify import error_origin
from jinlotto.services.weekly import Clock, WeeklyRunner, give_up_at

if TYPE_CHECKING:
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

logger = logging.getLogger(__name__)

FIRST_TRY = time(21, 10)  # KST, on draw days
JOB_ID = "weekly"


def weekly_trigger() -> "CronTrigger":
    """Every Saturday at :data:`FIRST_TRY` KST."""
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger(
        day_of_week="sat", hour=FIRST_TRY.hour, minute=FIRST_TRY.minute, timezone=KST
    )


def in_retry_window(moment: datetime) -> bool:
    """Whether ``moment`` lies between the first try after a draw and giving up on it."""
    draw_no = latest_held_draw(moment)
    first_try = datetime.combine(scheduled_date(draw_no), FIRST_TRY, tzinfo=KST)
    return first_try <= moment < give_up_at(draw_no)


class WeeklyScheduler:
    """Runs ``runner`` on :func:`weekly_trigger` in a background thread of this process."""

    def __init__(self, runner: WeeklyRunner, *, clock: Clock = kst_now) -> None:
        self._runner = runner
        self._clock = clock
        self._scheduler: BackgroundScheduler | None = None

    def start(self) -> None:
        """Schedule the weekly job (and an immediate try inside the retry window)."""
        from apscheduler.schedulers.background import BackgroundScheduler

        scheduler = BackgroundScheduler(timezone=KST)
        scheduler.add_job(
            self._run, weekly_trigger(), id=JOB_ID, coalesce=True, misfire_grace_time=3600
        )
        if in_retry_window(self._clock()):
            scheduler.add_job(self._run, id=f"{JOB_ID}-now")  # no trigger: runs once, at once
        scheduler.start()
        self._scheduler = scheduler
        logger.info("weekly job scheduled; next run %s", self.next_run_at())

    def next_run_at(self) -> datetime | None:
        """When the Saturday job fires next (``None`` before :meth:`start`)."""
        if self._scheduler is None:
            return None
        job = self._scheduler.get_job(JOB_ID)
        return job.next_run_time if job is not None else None

    def shutdown(self) -> None:
        """Stop waiting and scheduling (a running attempt finishes in its daemon thread)."""
        self._runner.stop()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=False)
            self._scheduler = None

    def _run(self) -> None:
        try:
            outcome = self._runner.run()
        except Exception as error:  # in a scheduler thread: nobody else would hear of it
            logger.exception("weekly job failed")
            where = error_origin(error)
            self._runner.notifier.notify_once_per_cause(
                f"{type(error).__name__}@{where}",
                "unhandled_error",
                method="scheduled",
                path="weekly job",
                error=f"{type(error).__name__}: {str(error)[:200]}",
                where=where,
            )
            return
        logger.info(
            "weekly job for draw %d: %s after %d attempts",
            outcome.target_draw,
            outcome.status,
            outcome.attempts,
        )
