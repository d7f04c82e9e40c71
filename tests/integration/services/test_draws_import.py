"""Importing, exporting and summarising draws on SQLite and PostgreSQL."""

import dataclasses
import json
import logging
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import select
from tests.support import store

from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.models import DrawRecord
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import Draw
from jinlotto.domain.history import History
from jinlotto.domain.schedule import missing_recent, next_draw_no
from jinlotto.errors import FileFormatError, InvalidDrawError
from jinlotto.services import draws as service


def stored(database: Database) -> list[Draw]:
    with database.sessions() as session:
        return draw_repo.all_draws(session)


def write_json(path: Path, payload: object) -> Path:
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


@pytest.fixture
def fresh_sqlite(tmp_path: Path, settings: Settings) -> Iterator[Database]:
    """A second, empty database (SQLite) to import an export into."""
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    handle = Database.open(settings.model_copy(update={"database_url": url}))
    yield handle
    handle.close()


def test_shared_file_imports_whole_and_status_describes_it(
    database: Database, shared_draws_path: Path, shared_history: History
) -> None:
    report = store.import_file(database, shared_draws_path)
    assert (report.added, report.filled, report.unchanged, report.conflicts) == (1200, 0, 0, [])
    current = service.status(database)
    assert (current.count, current.first_draw, current.last_draw) == (1200, 1, 1200)
    assert current.last_draw_date == date(2025, 11, 29)
    assert current.missing == []
    assert current.last_updated_at is not None and current.last_updated_at.tzinfo is not None
    history = service.load_history(database)
    assert np.array_equal(history.numbers, shared_history.numbers)
    assert np.array_equal(history.prizes, shared_history.prizes)


def test_importing_again_changes_nothing(database: Database, shared_draws_path: Path) -> None:
    store.import_file(database, shared_draws_path)
    with database.sessions() as session:
        before = session.scalars(select(DrawRecord.updated_at).order_by(DrawRecord.draw_no)).all()
    report = store.import_file(database, shared_draws_path)
    assert (report.added, report.filled, report.unchanged) == (0, 0, 1200)
    with database.sessions() as session:
        after = session.scalars(select(DrawRecord.updated_at).order_by(DrawRecord.draw_no)).all()
    assert after == before


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_then_import_into_a_fresh_database_reproduces_the_rows(
    database: Database,
    fresh_sqlite: Database,
    shared_draws_path: Path,
    shared_raw: list[dict[str, Any]],
    tmp_path: Path,
    fmt: str,
) -> None:
    store.import_file(database, shared_draws_path)
    exported = tmp_path / f"export.{fmt}"
    assert service.export_draws(database, exported, fmt=fmt) == 1200  # type: ignore[arg-type]
    if fmt == "json":
        assert json.loads(exported.read_text(encoding="utf-8")) == shared_raw
    report = store.import_file(fresh_sqlite, exported)
    assert report.added == 1200
    assert stored(fresh_sqlite) == stored(database)


def test_status_lists_the_gaps(database: Database, shared_draws: list[Draw]) -> None:
    kept = [d for d in shared_draws[:300] if not (5 <= d.draw_no <= 9 or d.draw_no == 200)]
    store.import_draws(database, kept[1:], source="file")
    assert service.status(database).to_dict()["missing"] == [
        {"from": 1, "to": 1},
        {"from": 5, "to": 9},
        {"from": 200, "to": 200},
    ]


def test_empty_database_status(database: Database) -> None:
    now = datetime.now(UTC)
    status = service.status(database).to_dict()
    assert status.pop("next_draw_no") in {next_draw_no(now), next_draw_no(datetime.now(UTC))}
    assert status.pop("missing_recent") >= 1253 - 1, "every held draw is missing"
    assert status == {
        "count": 0,
        "first_draw": None,
        "last_draw": None,
        "last_draw_date": None,
        "missing": [],
        "last_updated_at": None,
        "stale": True,
    }


def test_status_of_data_behind_the_calendar(loaded: Database) -> None:
    now = datetime.now(UTC)
    status = service.status(loaded)
    assert status.freshness.missing_recent == missing_recent(1200, now) > 0
    assert status.to_dict()["stale"] is True
    notice = status.freshness.notice(1200)
    assert notice is not None and "run `jinlotto data update`" in notice


def test_a_conflicting_draw_is_kept_and_reported(
    database: Database,
    shared_draws: list[Draw],
    shared_raw: list[dict[str, Any]],
    tmp_path: Path,
) -> None:
    store.import_draws(database, shared_draws[:10], source="official")
    changed = [*shared_raw[:4], {**shared_raw[4], "bonus_no": 1, "date": "2003-01-11T00:00:00Z"}]
    report = store.import_file(database, write_json(tmp_path / "changed.json", changed))
    assert report.has_conflicts
    assert (report.added, report.unchanged) == (0, 4)
    (conflict,) = report.conflicts
    assert conflict.draw_no == 5
    assert conflict.fields == ["bonus_no", "draw_date"]
    assert conflict.stored == "2003-01-04 16 24 29 40 41 42 + 3"
    assert conflict.reported == "2003-01-11 16 24 29 40 41 42 + 1"
    assert stored(database) == shared_draws[:10]


def test_unknown_fields_are_filled_without_touching_known_ones(
    database: Database, shared_draws: list[Draw], shared_raw: list[dict[str, Any]], tmp_path: Path
) -> None:
    unpublished = dataclasses.replace(
        shared_draws[1199], first_auto=None, first_manual=None, first_semi_auto=None
    )
    store.import_draws(database, [*shared_draws[1190:1199], unpublished], source="official")
    with database.sessions() as session:
        first_seen = draw_repo.get(session, 1200)
    assert first_seen is not None
    report = store.import_file(database, write_json(tmp_path / "late.json", shared_raw[1190:]))
    assert (report.filled, report.unchanged, report.added) == (1, 9, 0)
    with database.sessions() as session:
        row = draw_repo.get(session, 1200)
    assert row is not None
    assert (row.first_auto, row.first_manual, row.first_semi_auto) == (10, 2, 0)
    assert row.source == "official"
    assert row.fetched_at == first_seen.fetched_at
    assert row.updated_at > first_seen.updated_at


def test_other_prize_figures_keep_the_stored_ones_and_are_logged(
    database: Database,
    shared_draws: list[Draw],
    shared_raw: list[dict[str, Any]],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store.import_draws(database, shared_draws[:10], source="official")
    divisions = [*shared_raw[9]["divisions"][:4], {"prize": 1, "winners": 1}]
    path = write_json(tmp_path / "other.json", [{**shared_raw[9], "divisions": divisions}])
    with caplog.at_level(logging.INFO, logger="jinlotto.services.draws"):
        report = store.import_file(database, path)
    assert (report.unchanged, report.filled, report.conflicts) == (1, 0, [])
    assert "draw 10: file reports other prize figures; kept" in caplog.text
    assert stored(database) == shared_draws[:10]


def test_an_invalid_record_writes_nothing_and_names_item_draw_and_field(
    database: Database, shared_raw: list[dict[str, Any]], tmp_path: Path
) -> None:
    broken = [*shared_raw[:7], {**shared_raw[7], "numbers": [1, 2, 3, 4, 5, 5]}, *shared_raw[8:]]
    path = write_json(tmp_path / "broken.json", broken)
    with pytest.raises(InvalidDrawError) as caught:
        store.import_file(database, path)
    assert caught.value.message == f"{path}: item 8: draw 8: numbers must be distinct, got " + (
        "[1, 2, 3, 4, 5, 5]"
    )
    assert service.status(database).count == 0


def test_a_missing_file_is_a_clear_error(database: Database, tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"cannot read .*absent\.json: No such file"):
        store.import_file(database, tmp_path / "absent.json")


def test_import_bytes_names_the_upload_in_errors(database: Database) -> None:
    with pytest.raises(FileFormatError, match=r"^upload\.txt: unknown file format"):
        store.import_bytes(database, b"hello", name="upload.txt")


def test_import_reports_progress_to_the_end(database: Database, shared_draws: list[Draw]) -> None:
    calls: list[tuple[int, int | None]] = []
    store.import_draws(
        database,
        shared_draws,
        source="file",
        progress=lambda done, total: calls.append((done, total)),
    )
    assert calls[-1] == (1200, 1200)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)


def test_an_import_interrupted_mid_transaction_writes_nothing(
    database: Database, shared_draws: list[Draw]
) -> None:
    def interrupt(done: int, total: int | None) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        store.import_draws(database, shared_draws, source="file", progress=interrupt)
    assert service.status(database).count == 0


def test_an_import_is_committed_by_its_caller_only(
    database: Database, shared_draws: list[Draw]
) -> None:
    # The caller's transaction holds the whole import; rolling it back leaves nothing behind.
    with database.sessions() as session:
        report = service.import_draws(session, shared_draws[:50], source="file")
        assert report.added == 50
        session.rollback()
    assert service.status(database).count == 0
