"""A source that lies: wrong dates, two rows for one draw, figures no column can hold.

The local official server (``tests/support/official_server.py``) tells each lie about draw 1195
while the database holds draws 1-1190. Through the CLI and the admin route, every lie must stop
the update with an error naming the URL, the draw and the field, write nothing wrong, and keep
the whole draws 1191-1194 fetched before it. The same lies in a file the user imports are
refused as a whole, naming the file, the item or line, the draw and the field.
"""

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from tests.support import store
from tests.support.cli import Runner, cli_runner, error_message
from tests.support.official_server import OfficialServer, official_item

from jinlotto.api.app import create_app
from jinlotto.config import Settings
from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo
from jinlotto.domain.draw import Draw
from jinlotto.ingest.csv_format import draws_to_csv

TOKEN = "s3cret-admin-token-for-tests"
BIGINT_MAX = 2**63 - 1
INTEGER_MAX = 2**31 - 1

Lie = Callable[[OfficialServer], None]
LIES: dict[str, tuple[Lie, str]] = {
    "dated like the draw before": (
        lambda server: server.override(1195, ltRflYmd="20251018"),
        "draw 1195: draw_date 2025-10-18 is not after draw 1194's date 2025-10-18",
    ),
    "dated before the draw before": (
        lambda server: server.override(1195, ltRflYmd="20251011"),
        "draw 1195: draw_date 2025-10-11 is not after draw 1194's date 2025-10-18",
    ),
    "dated in the future": (
        lambda server: server.override(1195, ltRflYmd="20990103"),
        "draw 1195: draw_date 2099-01-03 is in the future",
    ),
    "two different rows for the draw": (
        lambda server: server.add_row(1195, rnk1WnAmt=1, rnk3WnNope=2),
        "draw 1195: the reply holds 2 different rows for it (they differ in tier 1 prize, "
        "tier 3 winners)",
    ),
    "a prize beyond bigint": (
        lambda server: server.override(1195, rnk1WnAmt=BIGINT_MAX + 1),
        f"draw 1195: tier 1 prize {BIGINT_MAX + 1} is larger than the largest storable value "
        f"{BIGINT_MAX}",
    ),
    "sales beyond bigint": (
        lambda server: server.override(1195, wholEpsdSumNtslAmt=BIGINT_MAX + 1),
        f"draw 1195: total_sales {BIGINT_MAX + 1} is larger than the largest storable value",
    ),
    "a winner count beyond integer": (
        lambda server: server.override(1195, rnk2WnNope=INTEGER_MAX + 1),
        f"draw 1195: tier 2 winners {INTEGER_MAX + 1} is larger than the largest storable value "
        f"{INTEGER_MAX}",
    ),
}


# Each kind of lie once through a real process (the admin route tries every one).
CLI_LIES = [
    "dated like the draw before",
    "dated in the future",
    "two different rows for the draw",
    "a prize beyond bigint",
]


def stored(database: Database) -> list[Draw]:
    with database.sessions() as session:
        return draw_repo.all_draws(session)


@pytest.fixture
def run(
    database: Database, settings: Settings, official_server: OfficialServer, tmp_path: Path
) -> Runner:
    """``jinlotto`` as a real process on the test database and the fake server."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "ENVIRONMENT": "test",
        "LOTTO_API_URL": official_server.url,
        "HTTP_RETRIES": "0",
        "HTTP_REQUESTS_PER_SECOND": "500",
        "LOG_LEVEL": "ERROR",
    }
    return cli_runner(env, tmp_path, timeout=120)


@pytest.fixture
def admin(
    settings: Settings, database: Database, official_server: OfficialServer
) -> Iterator[TestClient]:
    """The app with an admin token, its official source the fake server."""
    configured = settings.model_copy(
        update={
            "enable_ml": False,
            "admin_token": SecretStr(TOKEN),
            "lotto_api_url": official_server.url,
            "http_requests_per_second": 500.0,
        }
    )
    with TestClient(create_app(configured)) as client:
        yield client


@pytest.fixture
def first_1190(database: Database, shared_draws: list[Draw]) -> list[Draw]:
    store.import_draws(database, shared_draws[:1190], source="file")
    return shared_draws


@pytest.mark.parametrize("lie", CLI_LIES)
def test_the_cli_update_refuses_the_lie_naming_url_draw_and_field(
    lie: str,
    run: Runner,
    database: Database,
    official_server: OfficialServer,
    first_1190: list[Draw],
) -> None:
    tell, problem = LIES[lie]
    tell(official_server)
    message = error_message(run("data", "update"))
    assert message.startswith(f"{official_server.url}?srchLtEpsd=1195: {problem}")
    assert message.endswith("(4 new draws stored before it)")
    assert stored(database) == first_1190[:1194]  # the whole draws before it, nothing wrong
    official_server.tell_the_truth()
    done = run("data", "update", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["added"] == 6
    assert stored(database) == first_1190


@pytest.mark.parametrize("lie", LIES)
def test_the_admin_update_answers_502_naming_url_draw_and_field(
    lie: str,
    admin: TestClient,
    database: Database,
    official_server: OfficialServer,
    first_1190: list[Draw],
) -> None:
    tell, problem = LIES[lie]
    tell(official_server)
    response = admin.post("/api/data/update", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 502, response.text
    body = response.json()
    assert body["error"].startswith(f"{official_server.url}?srchLtEpsd=1195: {problem}")
    assert body["detail"]["url"] == f"{official_server.url}?srchLtEpsd=1195"
    assert body["detail"]["report"]["added"] == 4
    assert stored(database) == first_1190[:1194]


def official_file(raw: list[dict[str, Any]], **fields: Any) -> bytes:
    """Draws 1191-1195 as an official JSON file, draw 1195 (item 5) with ``fields`` changed."""
    items = [official_item(item) for item in raw[1190:1195]]
    items[-1].update(fields)
    return json.dumps(items).encode()


@pytest.mark.parametrize(
    ("fields", "problem"),
    [
        ({"ltRflYmd": "20251018"}, "draw_date 2025-10-18 is not after draw 1194's date 2025-10-18"),
        ({"ltRflYmd": "20990103"}, "draw_date 2099-01-03 is in the future"),
        ({"rnk1WnAmt": BIGINT_MAX + 1}, f"tier 1 prize {BIGINT_MAX + 1} is larger than"),
    ],
)
def test_an_imported_file_with_a_lie_is_refused_naming_file_item_draw_and_field(
    fields: dict[str, Any],
    problem: str,
    run: Runner,
    database: Database,
    shared_raw: list[dict[str, Any]],
    first_1190: list[Draw],
    tmp_path: Path,
) -> None:
    path = tmp_path / "draws.json"
    path.write_bytes(official_file(shared_raw, **fields))
    message = error_message(run("data", "import", str(path)))
    assert message.startswith(f"{path}: item 5: draw 1195: {problem}")
    assert stored(database) == first_1190[:1190]  # a file is taken whole or not at all


def test_a_csv_line_dated_before_the_line_above_names_the_line(
    run: Runner, database: Database, first_1190: list[Draw], tmp_path: Path
) -> None:
    path = tmp_path / "draws.csv"
    lines = draws_to_csv(first_1190[1190:1195]).splitlines()
    lines[4] = lines[4].replace("2025-10-18", "2025-10-04")  # draw 1194, line 5
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = error_message(run("data", "import", str(path)))
    assert message == (
        f"{path}: line 5: draw 1194: draw_date 2025-10-04 is not after draw 1193's date 2025-10-11"
    )
    assert stored(database) == first_1190[:1190]


def test_the_admin_file_import_names_the_upload_item_and_field(
    admin: TestClient, database: Database, shared_raw: list[dict[str, Any]], first_1190: list[Draw]
) -> None:
    content = official_file(shared_raw, rnk2WnNope=INTEGER_MAX + 1)
    response = admin.post(
        "/api/data/sync-db",
        headers={"Authorization": f"Bearer {TOKEN}"},
        files={"file": ("lying.json", content, "application/json")},
    )
    assert response.status_code == 422, response.text
    assert response.json()["error"].startswith(
        f"lying.json: item 5: draw 1195: tier 2 winners {INTEGER_MAX + 1} is larger than"
    )
    assert stored(database) == first_1190[:1190]
