"""Updating from the official source, served by a real local HTTP server, on both databases."""

import dataclasses
from typing import Any

import pytest
from tests.support import store
from tests.support.official_server import OfficialServer

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import Draw, PrizeTier
from jinlotto.errors import DataSourceError, JinlottoError
from jinlotto.services import draws as service


@pytest.fixture
def source_settings(settings: Settings, official_server: OfficialServer) -> Settings:
    """The test settings pointed at the fake server, polite but quick."""
    return settings.model_copy(
        update={
            "lotto_api_url": official_server.url,
            "lotto_mirror_url": official_server.mirror_url,
            "http_retries": 2,
            "http_backoff_seconds": 0.01,
            "http_timeout_seconds": 2.0,
            "http_requests_per_second": 500.0,
        }
    )


def stored(database: Database) -> list[Draw]:
    with database.sessions() as session:
        return draw_repo.all_draws(session)


def row_stamps(database: Database, draw_no: int) -> tuple[str, object, object]:
    """Which source a stored row came from, and when it was fetched and last updated."""
    with database.sessions() as session:
        row = draw_repo.get(session, draw_no)
        assert row is not None
        return row.source, row.fetched_at, row.updated_at


def sources(database: Database) -> set[str]:
    with database.sessions() as session:
        return {row.source for row in draw_repo.page(session, limit=2000, offset=0)}


def test_full_sync_from_empty(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    official_server.latest = 250
    report = service.update(database, source_settings, full=True)
    assert (report.added, report.filled, report.unchanged, report.conflicts) == (250, 0, 0, [])
    assert stored(database) == shared_draws[:250]
    assert sources(database) == {"official"}
    requested = official_server.draws_requested()
    assert all(requested.count(draw_no) == 1 for draw_no in range(1, 252))


def test_incremental_update_fetches_only_from_the_newest_stored_draw(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    store.import_draws(database, shared_draws[:1190], source="file")
    report = service.update(database, source_settings)
    assert (report.added, report.unchanged, report.conflicts) == (10, 1, [])
    assert stored(database) == shared_draws
    assert min(official_server.draws_requested()) == 1190


def test_not_held_yet_stops_and_a_second_update_is_idempotent(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    official_server.latest = 1195
    store.import_draws(database, shared_draws[:1190], source="file")
    assert service.update(database, source_settings).added == 5
    again = service.update(database, source_settings)
    assert (again.added, again.filled, again.unchanged) == (0, 0, 1)
    assert service.status(database).last_draw == 1195


def test_to_stops_at_the_given_draw(
    database: Database, source_settings: Settings, shared_draws: list[Draw]
) -> None:
    store.import_draws(database, shared_draws[:1190], source="file")
    report = service.update(database, source_settings, to=1193)
    assert report.added == 3
    assert service.status(database).last_draw == 1193


def test_split_published_later_is_filled_in(
    database: Database, source_settings: Settings, shared_draws: list[Draw]
) -> None:
    unpublished = dataclasses.replace(
        shared_draws[1199], first_auto=None, first_manual=None, first_semi_auto=None
    )
    store.import_draws(database, [*shared_draws[:1199], unpublished], source="official")
    report = service.update(database, source_settings)
    assert (report.added, report.filled) == (0, 1)
    assert stored(database)[-1] == shared_draws[1199]


def test_a_conflicting_report_keeps_the_stored_draw(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    store.import_draws(database, shared_draws, source="file")
    before = row_stamps(database, 1200)
    official_server.override(1200, tm1WnNo=3)
    report = service.update(database, source_settings)
    assert [(c.draw_no, c.fields) for c in report.conflicts] == [(1200, ["numbers"])]
    assert report.conflicts[0].reported == "2025-11-29 2 3 4 16 20 32 + 45"
    assert stored(database) == shared_draws
    assert row_stamps(database, 1200) == before  # the row is not touched at all


@pytest.mark.parametrize(
    ("fault", "changes", "message"),
    [
        ("html", {}, "returned an HTML page instead of JSON"),
        ("slow", {"http_timeout_seconds": 0.2, "http_retries": 1}, "no reply within 0.2 s"),
        ("server_error", {"http_retries": 1}, "answered 500"),
        ("forbidden", {}, "access refused (403 Forbidden)"),
    ],
)
def test_a_failing_draw_stops_the_update_keeping_whole_draws_before_it(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
    fault: str,
    changes: dict[str, Any],
    message: str,
) -> None:
    store.import_draws(database, shared_draws[:1190], source="file")
    official_server.fault, official_server.fault_draws = fault, {1195}
    official_server.delay = 1.0
    with pytest.raises(DataSourceError) as caught:
        service.update(database, source_settings.model_copy(update=changes))
    assert "srchLtEpsd=1195" in caught.value.message
    assert message in caught.value.message
    assert "(4 new draws stored before it)" in caught.value.message
    assert stored(database) == shared_draws[:1194]
    official_server.fault = None
    assert service.update(database, source_settings).added == 6
    assert stored(database) == shared_draws


def test_invalid_numbers_from_the_source_write_nothing_for_that_draw(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    store.import_draws(database, shared_draws[:1198], source="file")
    official_server.override(1199, tm6WnNo=46)
    with pytest.raises(DataSourceError, match="draw 1199: numbers must be within 1-45, got 46"):
        service.update(database, source_settings)
    assert service.status(database).last_draw == 1198


def test_server_errors_then_success_complete_the_update(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    store.import_draws(database, shared_draws[:1195], source="file")
    official_server.fault, official_server.fault_draws, official_server.fault_times = (
        "server_error",
        {1197},
        2,
    )
    assert service.update(database, source_settings).added == 5
    assert official_server.draws_requested().count(1197) == 3


def test_an_interrupted_update_leaves_whole_draws_and_resumes(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    official_server.latest = 100

    def interrupt_after_first_batch(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        service.update(database, source_settings, progress=interrupt_after_first_batch)
    first_batch = stored(database)
    assert 0 < len(first_batch) < 100
    assert first_batch == shared_draws[: len(first_batch)]
    report = service.update(database, source_settings)
    assert report.added == 100 - len(first_batch)
    assert stored(database) == shared_draws[:100]


def test_progress_reaches_the_draws_fetched(
    database: Database, source_settings: Settings, official_server: OfficialServer
) -> None:
    official_server.latest = 60
    calls: list[tuple[int, int | None]] = []
    service.update(database, source_settings, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1][0] == 60
    assert all(total is not None and done <= total for done, total in calls)


def test_legacy_url_fills_numbers_first_prize_and_sales(
    database: Database,
    source_settings: Settings,
    official_server: OfficialServer,
    shared_draws: list[Draw],
) -> None:
    official_server.latest = 30
    report = service.update(database, source_settings, url=official_server.legacy_url)
    assert (report.source, report.added) == ("official-legacy", 30)
    draws = stored(database)
    assert [d.numbers for d in draws] == [d.numbers for d in shared_draws[:30]]
    assert all(d.tiers[1:] == (PrizeTier(),) * 4 for d in draws)
    assert sources(database) == {"official-legacy"}


def test_mirror_update_adds_the_draws_after_the_newest(
    database: Database, source_settings: Settings, shared_draws: list[Draw]
) -> None:
    store.import_draws(database, shared_draws[:1000], source="file")
    report = service.update(database, source_settings, source="mirror", to=1100)
    assert (report.source, report.added, report.unchanged) == ("mirror", 100, 1)
    assert stored(database) == shared_draws[:1100]


def test_mirror_full_sync_fills_gaps(
    database: Database, source_settings: Settings, shared_draws: list[Draw]
) -> None:
    store.import_draws(database, shared_draws[500:], source="file")
    report = service.update(database, source_settings, source="mirror", full=True)
    assert (report.added, report.unchanged) == (500, 700)
    assert service.status(database).missing == []


def test_mirror_without_a_url_is_a_clear_error(
    database: Database, source_settings: Settings
) -> None:
    no_mirror = source_settings.model_copy(update={"lotto_mirror_url": None})
    with pytest.raises(JinlottoError, match="no mirror URL: set LOTTO_MIRROR_URL or pass --url"):
        service.update(database, no_mirror, source="mirror")
