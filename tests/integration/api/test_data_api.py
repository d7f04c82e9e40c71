"""Data summary and the admin endpoints (bearer token; fake official server on 127.0.0.1)."""

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from tests.integration.api.conftest import ClientFactory
from tests.support.official_server import OfficialServer

from jinlotto.db.database import Database
from jinlotto.db.repositories import draws as draw_repo

TOKEN = "s3cret-admin-token-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
ADMIN_PATHS = ("/api/data/collect", "/api/data/update", "/api/data/sync-db")


@pytest.fixture
def admin(make_client: ClientFactory, official_server: OfficialServer) -> Iterator[TestClient]:
    """The app with an admin token, its official source the fake server."""
    with make_client(
        admin_token=SecretStr(TOKEN),
        lotto_api_url=official_server.url,
        lotto_mirror_url=official_server.mirror_url,
        http_retries=0,
        http_timeout_seconds=10.0,
        http_requests_per_second=500.0,
    ) as client:
        yield client


def _count(database: Database) -> int:
    with database.sessions() as session:
        return draw_repo.summary(session)[0]


def test_summary_is_public(client: TestClient) -> None:
    body = client.get("/api/data/summary").json()
    assert (body["count"], body["first_draw"], body["last_draw"], body["missing"]) == (
        1200,
        1,
        1200,
        [],
    )


def test_admin_endpoints_are_404_without_a_configured_token(client: TestClient) -> None:
    for path in ADMIN_PATHS:
        response = client.post(path, headers=AUTH)
        assert response.status_code == 404
        assert set(response.json()) == {"error", "detail"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic x"}],
)
def test_admin_endpoints_refuse_a_wrong_token(
    admin: TestClient, database: Database, headers: dict[str, str]
) -> None:
    for path in ADMIN_PATHS:
        response = admin.post(path, headers=headers, json={"path": "/etc/passwd"})
        assert response.status_code == 401, path
    assert _count(database) == 0


def test_collect_then_update_report_what_was_added(
    admin: TestClient, official_server: OfficialServer, database: Database
) -> None:
    official_server.latest = 30
    collected = admin.post("/api/data/collect", headers=AUTH)
    assert collected.status_code == 200
    assert collected.json()["added"] == 30
    official_server.latest = 33
    updated = admin.post("/api/data/update", headers=AUTH).json()
    assert updated["added"] == 3
    assert updated["conflicts"] == []
    assert _count(database) == 33
    assert admin.get("/api/draws/latest").json()["draw_no"] == 33


def test_update_reports_a_conflict_without_changing_the_stored_draw(
    admin: TestClient, official_server: OfficialServer, database: Database
) -> None:
    official_server.latest = 5
    admin.post("/api/data/collect", headers=AUTH)
    before = admin.get("/api/draws/5").json()
    official_server.override(5, tm1WnNo=2)
    body = admin.post("/api/data/collect", headers=AUTH).json()
    assert [conflict["draw_no"] for conflict in body["conflicts"]] == [5]
    assert before["numbers"] == [16, 24, 29, 40, 41, 42]  # draw 5 as held
    assert admin.get("/api/draws/5").json() == before


def test_a_source_failure_is_a_json_error_not_a_500(
    admin: TestClient, official_server: OfficialServer
) -> None:
    official_server.fault = "html"
    response = admin.post("/api/data/update", headers=AUTH)
    assert response.status_code == 502  # the outside source failed, not this service
    assert set(response.json()) == {"error", "detail"}
    assert "returned an HTML page instead of JSON" in response.json()["error"]


def test_sync_db_imports_a_server_file_path(
    admin: TestClient, database: Database, tmp_path: Path, shared_raw: list[dict[str, Any]]
) -> None:
    path = tmp_path / "draws.json"
    path.write_text(json.dumps(shared_raw[:10]), encoding="utf-8")
    body = admin.post("/api/data/sync-db", headers=AUTH, json={"path": str(path)}).json()
    assert body["added"] == 10
    again = admin.post("/api/data/sync-db", headers=AUTH, json={"path": str(path)}).json()
    assert (again["added"], again["unchanged"]) == (0, 10)


def test_sync_db_imports_an_uploaded_file(
    admin: TestClient, database: Database, shared_raw: list[dict[str, Any]]
) -> None:
    content = json.dumps(shared_raw[:12]).encode()
    response = admin.post(
        "/api/data/sync-db",
        headers=AUTH,
        files={"file": ("draws.json", content, "application/json")},
    )
    assert response.status_code == 200
    assert response.json()["added"] == 12
    raw = admin.post("/api/data/sync-db", headers=AUTH, content=json.dumps(shared_raw[:15]))
    assert raw.json()["added"] == 3


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"json": {"path": "/no/such/file.json"}},
        {"json": {"path": "draws\u0000.json"}},
        {"content": b"not a draw file at all"},
        {"content": b""},
        {"files": {"file": ("x.json", b'[{"draw_no": 1}]', "application/json")}},
        {"files": {"other": ("x.json", b"[]", "application/json")}},
    ],
)
def test_sync_db_rejects_bad_input_without_storing_anything(
    admin: TestClient, database: Database, request_kwargs: dict[str, Any]
) -> None:
    response = admin.post("/api/data/sync-db", headers=AUTH, **request_kwargs)
    assert 400 <= response.status_code < 500
    assert response.json()["error"]
    assert _count(database) == 0


def test_admin_work_runs_off_the_event_loop(
    admin: TestClient, official_server: OfficialServer
) -> None:
    official_server.latest = 3
    official_server.fault = "held"  # the source holds the collect's first request
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(admin.post, "/api/data/collect", headers=AUTH)
        assert official_server.arrived.wait(30)
        listing = admin.get("/api/draws")
        # Had the collect blocked the event loop, the listing could not be answered now.
        running = not pending.done()
        official_server.release.set()
        collected = pending.result(timeout=30)
    assert listing.status_code == 200
    assert running
    assert collected.json()["added"] == 3
