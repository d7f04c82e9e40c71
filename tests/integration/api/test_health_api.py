"""Health, version, errors for unknown routes, metrics and the page."""

from datetime import UTC, datetime

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql
from tests.conftest import POSTGRES_ADMIN_DSN

from jinlotto.api.app import create_app
from jinlotto.config import Settings
from jinlotto.db import migrate
from jinlotto.db.database import Database
from jinlotto.db.session import build_engine
from jinlotto.domain.schedule import missing_recent, next_draw_no


def test_health_reports_draws_ml_and_that_the_data_are_behind(client: TestClient) -> None:
    before = datetime.now(UTC)
    body = client.get("/api/health").json()
    after = datetime.now(UTC)
    missing = body.pop("missing_recent")
    assert missing in {missing_recent(1200, before), missing_recent(1200, after)}
    assert missing > 0, "draw 1200 was held on 2025-11-29; later draws are not stored"
    assert body.pop("next_draw_no") in {next_draw_no(before), next_draw_no(after)}
    assert body == {
        "status": "ok",
        "database": True,
        "draws": 1200,
        "latest_draw_no": 1200,
        "latest_draw_date": "2025-11-29",
        "stale": True,
        "active_model": None,
        "ml_enabled": False,
        "hint": None,
    }


def test_health_of_an_empty_database_says_how_to_load_data(empty_client: TestClient) -> None:
    body = empty_client.get("/api/health").json()
    assert body["draws"] == 0
    assert "jinlotto data import PATH" in body["hint"]


@pytest.mark.postgres
def test_health_is_503_when_the_database_goes_away(postgres_url: str, tmp_path: object) -> None:
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        environment="test",
        database_url=postgres_url,
        enable_ml=False,
        state_refresh_seconds=0,  # health asks the database on every request
    )
    engine = build_engine(settings)
    migrate.upgrade(engine)
    engine.dispose()
    name = postgres_url.rsplit("/", 1)[1]
    with TestClient(create_app(settings)) as client:
        assert client.get("/api/health").status_code == 200
        with psycopg.connect(POSTGRES_ADMIN_DSN, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        response = client.get("/api/health")
        draws = client.get("/api/draws/latest")
    assert response.status_code == 503
    assert response.json()["database"] is False
    assert draws.status_code == 503
    assert set(draws.json()) == {"error", "detail"}


def test_unknown_routes_and_methods_use_the_error_shape(client: TestClient) -> None:
    missing = client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"error": "Not Found", "detail": None}
    wrong_method = client.delete("/api/health")
    assert wrong_method.status_code == 405
    assert set(wrong_method.json()) == {"error", "detail"}


def test_metrics_count_requests_by_route_template(client: TestClient) -> None:
    client.get("/api/draws/7")
    client.get("/api/draws/8")
    client.post("/api/predict", json={})
    text = client.get("/metrics").text
    assert 'route="/api/draws/{draw_no}"' in text
    assert "/api/draws/7" not in text
    assert 'jinlotto_recommendations_total{source="generated",strategy="statistical"}' in text
    assert 'jinlotto_active_model{version="none"} 1.0' in text
    assert "jinlotto_latest_draw_age_seconds" in text


def test_version_docs_and_page(client: TestClient) -> None:
    assert client.get("/api/version").json()["version"]
    assert client.get("/docs").status_code == 200
    assert "/api/predict" in client.get("/openapi.json").json()["paths"]
    page = client.get("/")
    assert page.status_code == 200
    assert "8,145,060분의 1" in page.text
    assert "1 in 8,145,060" in client.get("/", params={"lang": "en"}).text


def test_no_traceback_leaks_from_an_unexpected_error(settings: Settings, loaded: Database) -> None:
    app = create_app(settings.model_copy(update={"enable_ml": False}))
    with TestClient(app, raise_server_exceptions=False) as client:
        app.state.service.recommender = None  # a broken process: every generation fails
        response = client.post("/api/predict", json={})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error", "detail": None}
    assert "Traceback" not in response.text
