"""/metrics reports the weekly job: the newest attempt's outcome, the last success time and the
games it graded, read from the database so that every worker says the same."""

from datetime import datetime, timedelta
from typing import Any

from tests.integration.api.conftest import ClientFactory
from tests.support.official_server import OfficialServer
from tests.support.record import GAMES_1200, store_recommendation

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.domain.schedule import KST, sales_close_at
from jinlotto.services.notify import Notifier
from jinlotto.services.weekly import WeeklyRunner


def _metrics(client: Any) -> dict[str, float]:
    values = {}
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("jinlotto_weekly_"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


def test_metrics_show_the_weekly_job(
    make_client: ClientFactory,
    loaded: Database,
    settings: Settings,
    shared_raw: list[dict[str, Any]],
) -> None:
    with make_client() as client:
        assert _metrics(client) == {}, "nothing before the first run"
    store_recommendation(
        loaded,
        visitor_key="m" * 32,
        draw_no=1200,
        created_at=sales_close_at(1200) - timedelta(hours=1),
        games=GAMES_1200,
    )
    finished = datetime(2025, 11, 29, 21, 10, tzinfo=KST)
    with OfficialServer(shared_raw, latest=1200) as official:
        configured = settings.model_copy(update={"lotto_api_url": official.url, "enable_ml": False})
        outcome = WeeklyRunner(
            loaded, configured, Notifier(configured), clock=lambda: finished
        ).run()
    assert outcome.status == "done"
    with make_client() as client:
        assert _metrics(client) == {
            'jinlotto_weekly_last_outcome{outcome="done"}': 1.0,
            "jinlotto_weekly_last_success_timestamp_seconds": finished.timestamp(),
            'jinlotto_weekly_graded_games{kind="recommendation"}': 6.0,
            'jinlotto_weekly_graded_games{kind="ticket"}': 0.0,
        }
