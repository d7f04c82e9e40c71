"""Daily fixed recommendations: shape, sameness per visitor and day, cookie handling."""

import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from tests.integration.api.conftest import ClientFactory

from jinlotto.db.database import Database
from jinlotto.db.models import RecommendationRecord
from jinlotto.domain.schedule import kst_date, next_draw_no, scheduled_date

COOKIE = "jl_uid"


def _rows(database: Database) -> int:
    with database.sessions() as session:
        return int(session.scalar(select(func.count(RecommendationRecord.id))) or 0)


def test_first_request_returns_the_asked_sets_and_sets_a_cookie(
    client: TestClient, loaded: Database
) -> None:
    before = datetime.now(UTC)
    response = client.post("/api/predict", json={"num_sets": 3})
    after = datetime.now(UTC)
    assert response.status_code == 200
    body = response.json()
    assert len(body["sets"]) == len(body["confidence_scores"]) == len(body["analysis_summary"]) == 3
    for numbers in body["sets"]:
        assert numbers == sorted(set(numbers)) and len(numbers) == 6
        assert numbers[0] >= 1 and numbers[-1] <= 45
    assert body["strategy"] == "statistical"
    assert body["model_version"] is None
    assert body["generated_for"] == kst_date(datetime.now(UTC)).isoformat()
    # The draw on sale by the schedule (the stored data stop at 1200, weeks behind it).
    assert body["draw_no"] in {next_draw_no(before), next_draw_no(after)}
    assert body["draw_date"] == scheduled_date(body["draw_no"]).isoformat()
    assert body["relaxed"] is None
    assert body["reasoning"] == []
    cookie = response.headers["set-cookie"]
    assert re.match(r"jl_uid=[A-Za-z0-9_-]{32};", cookie)
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=31536000" in cookie
    assert "Secure" not in cookie
    assert _rows(loaded) == 1


def test_same_visitor_same_day_gets_the_same_games_and_a_prefix_of_them(
    client: TestClient, loaded: Database
) -> None:
    five = client.post("/api/predict", json={"num_sets": 5}).json()
    again = client.post("/api/predict", json={"num_sets": 5}).json()
    two = client.post("/api/predict", json={"num_sets": 2}).json()
    assert again == five
    assert two["sets"] == five["sets"][:2]
    assert two["confidence_scores"] == five["confidence_scores"][:2]
    assert _rows(loaded) == 1
    assert "set-cookie" not in client.post("/api/predict", json={}).headers


def test_other_options_and_other_visitors_get_their_own_rows(
    client: TestClient, loaded: Database
) -> None:
    first = client.post("/api/predict", json={}).json()
    fixed = client.post("/api/predict", json={"filters": {"fixed": [7]}}).json()
    assert all(7 in numbers for numbers in fixed["sets"])
    client.cookies.clear()
    other = client.post("/api/predict", json={}).json()
    assert other["sets"] != first["sets"]
    assert _rows(loaded) == 3


@pytest.mark.parametrize(
    "hostile",
    [
        "../../etc/passwd",
        "x" * 10_000,
        "진로또" * 20,
        "'; DROP TABLE recommendations; --",
        "a" * 31,
    ],
)
def test_hostile_cookies_get_a_fresh_key_and_never_reach_storage(
    client: TestClient, loaded: Database, hostile: str
) -> None:
    # Raw UTF-8 bytes on the wire, as a hostile client would send them.
    raw_cookie = f"{COOKIE}={hostile}".encode()
    response = client.post("/api/predict", json={"num_sets": 1}, headers={"cookie": raw_cookie})
    assert response.status_code == 200
    new_key = re.match(r"jl_uid=([^;]*);", response.headers["set-cookie"])
    assert new_key is not None and re.fullmatch(r"[A-Za-z0-9_-]{32}", new_key.group(1))
    with loaded.sessions() as session:
        keys = set(session.scalars(select(RecommendationRecord.visitor_key)))
    assert keys == {new_key.group(1)}


def test_relaxed_filters_are_reported_and_impossible_ones_refused(client: TestClient) -> None:
    # Each range can be met alone, but no game sums to 21-30 with six odd numbers.
    joint = {"sum_range": [21, 30], "odd_range": [6, 6]}
    relaxed = client.post("/api/predict", json={"filters": joint}).json()
    assert relaxed["relaxed"] == {"stage": 2, "dropped": ["sum_range", "odd_range"]}
    met = client.post("/api/predict", json={"filters": {"sum_range": [100, 170]}}).json()
    assert met["relaxed"] is None
    assert all(100 <= sum(numbers) <= 170 for numbers in met["sets"])
    # The detail names the option, a code and the limits, for a client to word in its language.
    for impossible, option, limits in (
        ({"sum_range": [1000, 2000]}, "sum_range", (21, 255)),
        ({"odd_range": [5, 9]}, "odd_range", (0, 6)),
        ({"min_ac": 99}, "min_ac", (0, 10)),
    ):
        response = client.post("/api/predict", json={"filters": impossible})
        assert response.status_code == 422
        assert response.json()["error"].startswith(f"{option} must")
        assert response.json()["detail"] == {
            "option": option,
            "code": "outside_limits",
            "min": limits[0],
            "max": limits[1],
        }
    # Five fixed and 38 excluded numbers leave two games, fewer than the five asked.
    cramped = {"fixed": [1, 2, 3, 4, 5], "excluded": list(range(6, 44))}
    response = client.post("/api/predict", json={"filters": cramped})
    assert response.status_code == 422
    assert response.json()["detail"] == {"code": "too_few_games", "possible": 2, "asked": 5}


def test_strategies_and_filter_limits_are_listed(client: TestClient) -> None:
    body = client.get("/api/strategies").json()
    assert body["default"] == "statistical"  # ML off in these tests
    assert {s["name"]: s["available"] for s in body["strategies"]} == {
        "ml": False,
        "popularity": True,
        "statistical": True,
        "unified": False,
        "uniform": True,
    }
    assert body["filters"]["sum_range"] == {"min": 21, "max": 255}
    assert body["filters"]["max_per_zone"] == {"min": 2, "max": 6}
    assert body["max_fixed"] == 5


def test_a_valid_cookie_is_kept(client: TestClient) -> None:
    key = "A" * 32
    client.cookies.set(COOKIE, key)
    response = client.post("/api/predict", json={})
    assert response.status_code == 200
    assert "set-cookie" not in response.headers


def test_secure_cookie_and_reasoning_when_configured(
    make_client: ClientFactory, loaded: Database
) -> None:
    with make_client(cookie_secure=True, show_reasoning=True) as client:
        response = client.post("/api/predict", json={})
    assert "Secure" in response.headers["set-cookie"]
    reasoning = response.json()["reasoning"]
    assert reasoning[0].startswith("Strategy statistical")
    assert any("8,145,060" in line for line in reasoning)


def test_an_explicit_strategy_is_used(client: TestClient) -> None:
    assert client.post("/api/predict", json={"strategy": "uniform"}).json()["strategy"] == "uniform"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"num_sets": 0}, 422),
        ({"num_sets": 6}, 422),
        ({"num_sets": "5"}, 422),
        ({"num_sets": 2, "colour": "red"}, 422),
        ({"filters": {"no_such_filter": 1}}, 422),
        ({"filters": {"fixed": [1, 2, 3, 4, 5, 6]}}, 422),
        ({"filters": {"fixed": [46]}}, 422),
        ({"filters": {"fixed": [3], "excluded": [3]}}, 422),
        ({"strategy": "crystal-ball"}, 404),
    ],
)
def test_bad_requests_are_4xx_with_the_error_shape(
    client: TestClient, loaded: Database, body: dict[str, object], status: int
) -> None:
    response = client.post("/api/predict", json=body)
    assert response.status_code == status
    assert set(response.json()) == {"error", "detail"}
    assert _rows(loaded) == 0


def test_no_draws_yet_is_503_telling_how_to_load_them(empty_client: TestClient) -> None:
    response = empty_client.post("/api/predict", json={})
    assert response.status_code == 503
    assert "jinlotto data update" in response.json()["error"]


def test_whole_numbers_written_as_2_0_are_the_numbers_they_name(client: TestClient) -> None:
    # JSON Schema (and so the OpenAPI document) calls 3.0 an integer; the API agrees.
    written = client.post(
        "/api/predict", json={"num_sets": 3.0, "filters": {"fixed": [7.0], "min_span": 20.0}}
    )
    plain = client.post(
        "/api/predict",
        json={"num_sets": 3, "filters": {"fixed": [7], "min_span": 20}},
        cookies={COOKIE: written.cookies[COOKIE]},
    )
    assert written.status_code == 200, written.text
    assert plain.json()["sets"] == written.json()["sets"]
    assert len(written.json()["sets"]) == 3
    assert all(7 in game for game in written.json()["sets"])
    for bad in ({"num_sets": 2.5}, {"num_sets": True}, {"filters": {"min_span": 20.5}}):
        assert client.post("/api/predict", json=bad).status_code == 422, bad
