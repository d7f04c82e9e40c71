"""History statistics over real draws, refreshed when a new draw is stored."""

from collections import Counter
from itertools import combinations

import pytest
from fastapi.testclient import TestClient
from tests.integration.api.conftest import ClientFactory
from tests.support.store import import_draws

from jinlotto.db.database import Database
from jinlotto.domain.draw import Draw


def test_statistics_of_draws_1_to_1200(client: TestClient, shared_draws: list[Draw]) -> None:
    body = client.get("/api/analysis/statistical").json()
    # Every figure recounted from the draws one slip at a time, the way a person would.
    games = [draw.numbers for draw in shared_draws]
    counts = Counter(number for game in games for number in game)
    last_seen = {number: index for index, game in enumerate(games) for number in game}
    pairs = Counter(pair for game in games for pair in combinations(sorted(game), 2))
    odd = Counter(sum(number % 2 for number in game) for game in games)
    assert body["draws"] == 1200
    assert body["frequencies"]["counts"] == {str(n): counts[n] for n in range(1, 46)}
    assert counts[34] == max(counts.values()) == 181  # the most drawn number up to draw 1200
    assert body["frequencies"]["expected_each"] == 160.0
    assert body["gaps"] == {str(n): len(games) - 1 - last_seen[n] for n in range(1, 46)}
    # Draw 1200 was 1 2 4 16 20 32: those were seen 0 draws ago.
    assert {body["gaps"][str(n)] for n in (1, 2, 4, 16, 20, 32)} == {0}
    assert body["odd_even"] == {f"odd_{k}": odd[k] for k in range(7)}
    assert sum(body["ac_values"].values()) == 1200
    assert sum(body["zones"].values()) == 7200
    most_together = max(pairs.values())
    assert body["top_pairs"][0] == {"pair": [11, 21], "count": most_together}
    assert pairs[(11, 21)] == most_together == 34
    for entry in body["top_pairs"]:
        assert entry["count"] == pairs[tuple(entry["pair"])]
    assert "independent" in body["note"]


def test_statistics_follow_a_new_draw(
    make_client: ClientFactory, database: Database, shared_draws: list[Draw]
) -> None:
    import_draws(database, shared_draws[:1199], source="test")
    # With a refresh time of 0 every request asks the database whether a draw was added.
    with make_client(state_refresh_seconds=0) as client:
        before = client.get("/api/analysis/statistical").json()
        import_draws(database, shared_draws[1199:], source="test")
        after = client.get("/api/analysis/statistical").json()
    assert (before["latest_draw_no"], after["latest_draw_no"]) == (1199, 1200)
    assert after["gaps"]["32"] == 0


def test_empty_history_gives_an_honest_empty_answer(empty_client: TestClient) -> None:
    body = empty_client.get("/api/analysis/statistical").json()
    assert body["draws"] == 0


def test_the_last_n_draws_are_counted_alone(client: TestClient, shared_draws: list[Draw]) -> None:
    body = client.get("/api/analysis/statistical", params={"last": 100}).json()
    recent = [draw.numbers for draw in shared_draws[-100:]]
    counts = Counter(number for game in recent for number in game)
    assert (body["draws"], body["first_draw_no"], body["latest_draw_no"]) == (100, 1101, 1200)
    assert body["frequencies"]["counts"] == {str(n): counts[n] for n in range(1, 46)}
    assert body["frequencies"]["expected_each"] == round(100 * 6 / 45, 2)
    everything = client.get("/api/analysis/statistical", params={"last": 5000}).json()
    assert everything["draws"] == 1200
    assert client.get("/api/analysis/statistical", params={"last": 0}).status_code == 422


def test_each_distribution_comes_with_its_exact_expectation(client: TestClient) -> None:
    expected = client.get("/api/analysis/statistical").json()["expected"]
    # 3 odd numbers: C(23,3)·C(22,3)/C(45,6) = 0.33485 of 1,200 draws.
    assert expected["odd_even"]["odd_3"] == pytest.approx(401.82, abs=0.01)
    assert sum(expected["odd_even"].values()) == pytest.approx(1200, abs=0.05)
    assert sum(expected["low_high"].values()) == pytest.approx(1200, abs=0.05)
    bins = expected["sum_bins"]
    assert sum(bins.values()) == pytest.approx(1200, abs=0.05)  # every possible sum is binned
    assert max(bins, key=bins.__getitem__) in ("121-140", "141-160")  # around 6 × 23 = 138
    assert expected["pair_count"] == pytest.approx(1200 / 66, abs=0.01)
    assert expected["gap_mean"] == 6.5
