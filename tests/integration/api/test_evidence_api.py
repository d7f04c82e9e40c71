"""``/api/backtest/latest`` and ``/api/analysis/randomness`` over a real database."""

from fastapi.testclient import TestClient
from tests.integration.api.conftest import ClientFactory
from tests.support.store import import_draws

from jinlotto.db.database import Database
from jinlotto.domain.draw import Draw
from jinlotto.services import backtests
from jinlotto.services.draws import stored_history


def test_latest_backtest_is_404_until_one_is_run(client: TestClient) -> None:
    response = client.get("/api/backtest/latest")
    assert response.status_code == 404
    assert "jinlotto backtest" in response.json()["error"]


def test_latest_backtest_serves_the_stored_report(client: TestClient, loaded: Database) -> None:
    report = backtests.run_backtest(
        stored_history(loaded), strategies=["uniform", "statistical"], first_draw=1191
    )
    with loaded.transaction() as session:
        stored = backtests.store_report(session, report)
    body = client.get("/api/backtest/latest").json()
    assert body["id"] == stored["id"]
    figures = body["strategies"]["statistical"]
    assert set(figures) >= {
        "mean_matches",
        "ci95",
        "match_distribution",
        "expected_distribution",
        "p_value",
        "rank_counts",
        "return_per_1000",
    }
    assert figures == stored["strategies"]["statistical"]
    assert "no strategy can raise the chance" in body["note"]


def test_randomness_audit_of_the_stored_draws(client: TestClient) -> None:
    body = client.get("/api/analysis/randomness").json()
    assert body["draws"] == 1200
    assert len(body["tests"]) == 4
    for test in body["tests"]:
        assert set(test) == {"name", "statistic", "df", "p_value", "reading"}


def test_randomness_of_an_empty_database_is_503_with_a_hint(empty_client: TestClient) -> None:
    response = empty_client.get("/api/analysis/randomness")
    assert response.status_code == 503
    assert "jinlotto data import" in response.json()["error"]


def test_randomness_of_too_few_draws_is_503_saying_how_many(
    make_client: ClientFactory, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws[:20], source="test")
    with make_client() as client:
        response = client.get("/api/analysis/randomness")
    assert response.status_code == 503
    assert response.json()["error"] == "the audit needs at least 30 draws, 20 are stored"
