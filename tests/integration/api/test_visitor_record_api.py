"""A visitor's own record over HTTP: saving, listing and deleting tickets, the limit on open
tickets, the history of daily numbers, and the accuracy record (SQLite and PostgreSQL)."""

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from tests.support.record import GAMES_1200, expected_grade, store_recommendation

from jinlotto.db.database import Database
from jinlotto.domain.schedule import kst_now, next_draw_no, sales_close_at
from jinlotto.services import accuracy, grading
from jinlotto.services.visitors import MAX_OPEN_TICKETS

QR_1200 = "https://m.dhlottery.co.kr/qr.do?method=winQr&v=1200m010204162032q010204164344"


def _on_sale() -> int:
    return next_draw_no(kst_now(), newest_stored=1200)


def test_a_ticket_for_a_stored_draw_is_graded_at_once(
    client: TestClient, shared_raw: list[dict[str, Any]]
) -> None:
    response = client.post("/api/tickets/saved", json={"qr": QR_1200})
    assert response.status_code == 201
    saved = response.json()
    raw = next(item for item in shared_raw if item["draw_no"] == 1200)
    assert (saved["draw_no"], saved["source"], saved["status"]) == (1200, "qr", "graded")
    assert [(g["kind"], g["numbers"]) for g in saved["games"]] == [
        ("manual", [1, 2, 4, 16, 20, 32]),
        ("auto", [1, 2, 4, 16, 43, 44]),
    ]
    for game in saved["games"]:
        expected = expected_grade(game["numbers"], raw)
        assert {key: game[key] for key in expected} == expected
    listed = client.get("/api/tickets/saved").json()
    assert listed["items"] == [saved]


def test_tickets_for_the_coming_draw_wait_and_later_draws_are_refused(client: TestClient) -> None:
    coming = _on_sale()
    typed = {"draw_no": coming, "games": [[7, 1, 2, 3, 4, 5]]}
    pending = client.post("/api/tickets/saved", json=typed)
    too_late = client.post("/api/tickets/saved", json={**typed, "draw_no": coming + 1})
    bad = client.post("/api/tickets/saved", json={"draw_no": coming, "games": [[1, 1, 2, 3, 4, 5]]})
    assert pending.status_code == 201
    assert pending.json()["status"] == "pending"
    assert pending.json()["games"] == [
        {
            "numbers": [1, 2, 3, 4, 5, 7],
            "kind": "unknown",
            "matched": None,
            "bonus_matched": None,
            "rank": None,
            "prize": None,
            "prize_source": None,
        }
    ]
    assert too_late.status_code == 422
    assert too_late.json()["error"] == (
        f"draw {coming + 1} is not on sale yet; tickets are sold for draw {coming}"
    )
    assert bad.status_code == 422 and "repeat" in bad.json()["error"]
    assert len(client.get("/api/tickets/saved").json()["items"]) == 1


def test_at_most_fifty_tickets_wait_for_their_draw(client: TestClient) -> None:
    coming = {"draw_no": _on_sale(), "games": [[1, 2, 3, 4, 5, 6]]}
    statuses = [client.post("/api/tickets/saved", json=coming).status_code for _ in range(50)]
    refused = client.post("/api/tickets/saved", json=coming)
    graded = client.post("/api/tickets/saved", json={"qr": QR_1200})  # not waiting: allowed
    assert statuses == [201] * MAX_OPEN_TICKETS
    assert refused.status_code == 409
    assert refused.json()["error"].startswith("at most 50 saved tickets can wait")
    assert refused.json()["detail"] == {"code": "open_tickets", "limit": MAX_OPEN_TICKETS}
    assert graded.status_code == 201

    newest = client.get("/api/tickets/saved", params={"limit": 1}).json()["items"][0]
    oldest_waiting = client.get("/api/tickets/saved", params={"offset": 50}).json()["items"]
    assert newest["id"] == graded.json()["id"]
    assert client.delete(f"/api/tickets/saved/{oldest_waiting[0]['id']}").status_code == 204
    assert client.post("/api/tickets/saved", json=coming).status_code == 201


def test_a_visitor_sees_and_deletes_only_their_own_tickets(client: TestClient) -> None:
    mine = client.post("/api/tickets/saved", json={"qr": QR_1200}).json()
    owner_cookie = client.cookies.get("jl_uid")
    client.cookies.clear()
    assert client.get("/api/tickets/saved").json()["items"] == []
    assert client.delete(f"/api/tickets/saved/{mine['id']}").status_code == 404
    for bad in ("0", "abc", "99999999999"):
        response = client.delete(f"/api/tickets/saved/{bad}")
        assert response.status_code == 422, bad
        assert set(response.json()) == {"error", "detail"}
    client.cookies.set("jl_uid", owner_cookie or "")
    assert client.delete(f"/api/tickets/saved/{mine['id']}").status_code == 204
    assert client.delete(f"/api/tickets/saved/{mine['id']}").status_code == 404
    assert client.get("/api/tickets/saved").json()["items"] == []


def test_history_shows_daily_numbers_and_tickets_with_how_they_did(
    client: TestClient, loaded: Database, shared_raw: list[dict[str, Any]]
) -> None:
    today = client.post("/api/predict", json={"num_sets": 2}).json()
    visitor = client.cookies.get("jl_uid")
    assert visitor is not None
    close = sales_close_at(1200)
    store_recommendation(
        loaded,
        visitor_key=visitor,
        draw_no=1200,
        created_at=close - timedelta(hours=3),
        games=GAMES_1200[:5],
    )
    client.post("/api/tickets/saved", json={"qr": QR_1200})

    ungraded = client.get("/api/me/history").json()
    with loaded.transaction() as session:
        grading.grade_pending(session, now=datetime.now(UTC))
    graded = client.get("/api/me/history").json()

    raw = next(item for item in shared_raw if item["draw_no"] == 1200)
    assert ungraded == graded, "a draw already stored is graded for the answer, the same way"
    latest, past = graded["recommendations"]
    assert (latest["draw_no"], latest["status"]) == (today["draw_no"], "pending")
    assert [game["numbers"] for game in latest["games"]][:2] == today["sets"]
    assert (past["draw_no"], past["status"], past["strategy"]) == (1200, "graded", "statistical")
    assert [game["rank"] for game in past["games"]] == [1, 2, 3, 4, 5]
    assert past["games"][1]["prize"] == expected_grade(GAMES_1200[1], raw)["prize"]
    assert [t["status"] for t in graded["tickets"]] == ["graded"]
    client.cookies.clear()
    assert client.get("/api/me/history").json() == {"recommendations": [], "tickets": []}
    assert client.get("/api/me/history", params={"limit": 0}).status_code == 422


def test_accuracy_endpoint_serves_the_record(client: TestClient, loaded: Database) -> None:
    assert client.get("/api/accuracy").json()["groups"] == []
    for draw_no in (1199, 1200):
        store_recommendation(
            loaded,
            visitor_key=f"v{draw_no}".ljust(32, "x"),
            draw_no=draw_no,
            created_at=sales_close_at(draw_no) - timedelta(hours=1),
            games=GAMES_1200,
        )
    with loaded.transaction() as session:
        grading.grade_pending(session, now=datetime.now(UTC))
    body = client.get("/api/accuracy").json()
    with loaded.sessions() as session:
        assert body == accuracy.report(session)
    (group,) = body["groups"]
    assert (group["strategy"], group["model_version"], group["games"]) == ("statistical", None, 12)
    assert body["expected_mean_matches"] == 0.8
