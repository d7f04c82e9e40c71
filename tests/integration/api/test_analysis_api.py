"""History statistics over real draws, refreshed when a new draw is stored."""

import time

from fastapi.testclient import TestClient
from tests.integration.api.conftest import ClientFactory

from jinlotto.db.database import Database
from jinlotto.domain.draw import Draw
from jinlotto.services.draws import import_draws
from jinlotto.services.engine import STATE_REFRESH_SECONDS


def test_statistics_of_draws_1_to_1200(client: TestClient) -> None:
    body = client.get("/api/analysis/statistical").json()
    assert body["draws"] == 1200
    counts = body["frequencies"]["counts"]
    assert sum(counts.values()) == 7200
    assert counts["34"] == 181  # the most drawn number up to draw 1200
    assert body["frequencies"]["expected_each"] == 160.0
    # Draw 1200 was 1 2 4 16 20 32: those were seen 0 draws ago.
    assert {body["gaps"][str(n)] for n in (1, 2, 4, 16, 20, 32)} == {0}
    assert sum(body["odd_even"].values()) == 1200
    assert sum(body["ac_values"].values()) == 1200
    assert sum(body["zones"].values()) == 7200
    assert body["top_pairs"][0] == {"pair": [11, 21], "count": 34}
    assert "independent" in body["note"]


def test_statistics_follow_a_new_draw(
    make_client: ClientFactory, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws[:1199], source="test")
    with make_client() as client:
        before = client.get("/api/analysis/statistical").json()
        import_draws(database, shared_draws[1199:], source="test")
        time.sleep(STATE_REFRESH_SECONDS + 0.1)  # each process re-checks the draws once a second
        after = client.get("/api/analysis/statistical").json()
    assert (before["latest_draw_no"], after["latest_draw_no"]) == (1199, 1200)
    assert after["gaps"]["32"] == 0


def test_empty_history_gives_an_honest_empty_answer(empty_client: TestClient) -> None:
    body = empty_client.get("/api/analysis/statistical").json()
    assert body["draws"] == 0
