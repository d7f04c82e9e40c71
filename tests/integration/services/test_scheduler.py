"""The in-process scheduler: a service started inside the retry window runs the weekly job at
once."""

from datetime import datetime
from typing import Any

from pydantic import SecretStr
from tests.support.official_server import OfficialServer
from tests.support.slack_server import SlackServer

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain.schedule import KST
from jinlotto.services.notify import Notifier
from jinlotto.services.scheduler import WeeklyScheduler
from jinlotto.services.weekly import WeeklyRunner


def test_a_start_inside_the_retry_window_runs_the_job_at_once(
    loaded: Database, settings: Settings, shared_raw: list[dict[str, Any]]
) -> None:
    started = datetime(2025, 11, 29, 22, 0, tzinfo=KST)  # draw 1200's evening, after 21:10
    with OfficialServer(shared_raw, latest=1200) as official, SlackServer() as slack:
        configured = settings.model_copy(
            update={
                "lotto_api_url": official.url,
                "slack_webhook_url": SecretStr(slack.url),
                "slack_language": "en",
                "enable_ml": False,
            }
        )
        notifier = Notifier(configured)
        runner = WeeklyRunner(loaded, configured, notifier, clock=lambda: started)
        scheduler = WeeklyScheduler(runner, clock=lambda: started)
        scheduler.start()
        try:
            assert slack.wait_for(1, timeout=120), "the job did not run"
        finally:
            scheduler.shutdown()
            notifier.close(timeout=5)
    assert slack.texts()[0].startswith("JinLotto weekly: draw 1200 (2025-11-29)")
