"""SCHEDULER_ENABLED: the weekly job is scheduled when the service starts, stopped with it."""

from datetime import timedelta

from tests.integration.api.conftest import ClientFactory

from jinlotto.db.database import Database
from jinlotto.domain.schedule import KST


def test_the_service_schedules_the_weekly_job_when_enabled(
    make_client: ClientFactory, database: Database
) -> None:
    with make_client(scheduler_enabled=True) as client:
        scheduler = client.app.state.service.scheduler  # type: ignore[attr-defined]
        next_run = scheduler.next_run_at().astimezone(KST)
    assert (next_run.weekday(), next_run.hour, next_run.minute) == (5, 21, 10)
    assert next_run.utcoffset() == timedelta(hours=9)
    assert scheduler.next_run_at() is None, "stopped with the service"
    with make_client() as client:
        assert client.app.state.service.scheduler is None  # type: ignore[attr-defined]
