"""``jinlotto data`` run as a real process against real SQLite/PostgreSQL and a local server."""

import json
import os
from pathlib import Path
from typing import Any

import pytest
from tests.support.cli import Runner, cli_runner, error_message
from tests.support.official_server import OfficialServer

from jinlotto.config import Settings
from jinlotto.db.database import Database


@pytest.fixture
def run(
    database: Database, settings: Settings, official_server: OfficialServer, tmp_path: Path
) -> Runner:
    """Run ``jinlotto ARGS`` in a fresh process on the test database and the fake server."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "ENVIRONMENT": "test",
        "LOTTO_API_URL": official_server.url,
        "LOTTO_MIRROR_URL": official_server.mirror_url,
        "HTTP_RETRIES": "0",
        "HTTP_REQUESTS_PER_SECOND": "500",
        "LOG_LEVEL": "WARNING",
    }

    return cli_runner(env, tmp_path, timeout=120)


def test_import_then_status(run: Runner, shared_draws_path: Path) -> None:
    imported = run("data", "import", str(shared_draws_path))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == "file: 1200 added, 0 filled, 0 unchanged, 0 conflicting\n"
    status = run("data", "status", "--json")
    assert json.loads(status.stdout) == {
        **json.loads(status.stdout),
        "count": 1200,
        "first_draw": 1,
        "last_draw": 1200,
        "last_draw_date": "2025-11-29",
        "missing": [],
    }
    text = run("data", "status")
    assert "draws stored   1200 (draws 1-1200)" in text.stdout
    assert "missing        none" in text.stdout


def test_json_import_and_export_print_one_object(
    run: Runner, shared_draws_path: Path, shared_raw: list[dict[str, Any]], tmp_path: Path
) -> None:
    imported = run("data", "import", str(shared_draws_path), "--json")
    assert json.loads(imported.stdout) == {
        "source": "file",
        "added": 1200,
        "filled": 0,
        "unchanged": 0,
        "conflicts": [],
    }
    target = tmp_path / "export.json"
    exported = run("data", "export", str(target), "--json")
    assert json.loads(exported.stdout) == {"exported": 1200, "path": str(target), "format": "json"}
    assert json.loads(target.read_text(encoding="utf-8")) == shared_raw
    csv_target = tmp_path / "export.csv"
    assert run("data", "export", str(csv_target), "--format", "csv").returncode == 0
    assert csv_target.read_text(encoding="utf-8").startswith("draw_no,date,n1,n2,n3,n4,n5,n6,bonus")


def test_a_conflict_exits_non_zero_and_keeps_the_stored_draw(
    run: Runner, shared_draws_path: Path, shared_raw: list[dict[str, Any]], tmp_path: Path
) -> None:
    run("data", "import", str(shared_draws_path))
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps([{**shared_raw[4], "numbers": [1, 2, 4, 5, 6, 7]}]))
    result = run("data", "import", str(changed), "--json")
    assert json.loads(result.stdout)["conflicts"][0]["draw_no"] == 5
    assert error_message(result) == (
        "1 draw(s) reported differently from the stored ones (draws 5); the stored draws were kept"
    )
    exported = tmp_path / "after.json"
    run("data", "export", str(exported))
    assert json.loads(exported.read_text(encoding="utf-8"))[4] == shared_raw[4]


def test_an_invalid_file_is_one_clear_line_and_writes_nothing(
    run: Runner, shared_raw: list[dict[str, Any]], tmp_path: Path
) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([*shared_raw[:7], {**shared_raw[7], "bonus_no": 99}]))
    result = run("data", "import", str(broken))
    assert error_message(result) == (
        f"{broken}: item 8: draw 8: bonus_no must be within 1-45, got 99"
    )
    assert json.loads(run("data", "status", "--json").stdout)["count"] == 0


def test_update_from_the_official_server(
    run: Runner, official_server: OfficialServer, shared_draws_path: Path
) -> None:
    official_server.latest = 40
    result = run("data", "update", "--to", "30", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["added"] == 30
    again = run("data", "update")
    assert "official: 10 added, 0 filled, 1 unchanged, 0 conflicting" in again.stdout


def test_update_from_the_mirror(run: Runner, official_server: OfficialServer) -> None:
    official_server.latest = 25
    result = run("data", "update", "--source", "mirror", "--url", official_server.mirror_url)
    assert result.returncode == 0, result.stderr
    assert "mirror: 25 added" in result.stdout
    official_server.latest = 30
    full = run("data", "update", "--source", "mirror", "--full", "--json")
    assert json.loads(full.stdout) == {
        "source": "mirror",
        "added": 5,
        "filled": 0,
        "unchanged": 25,
        "conflicts": [],
    }


def test_a_source_serving_html_is_one_clear_line(
    run: Runner, official_server: OfficialServer
) -> None:
    official_server.fault = "html"
    message = error_message(run("data", "update"))
    assert message.startswith(f"{official_server.url}?srchLtEpsd=1: returned an HTML page")


def test_status_of_an_empty_database(run: Runner) -> None:
    result = run("data", "status")
    assert result.returncode == 0
    assert "no draws stored" in result.stdout


def test_an_unknown_source_is_refused(run: Runner) -> None:
    result = run("data", "update", "--source", "elsewhere")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
