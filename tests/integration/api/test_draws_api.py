"""Public draw endpoints over the real draws 1-1200."""

from fastapi.testclient import TestClient

from jinlotto.domain.draw import Draw


def test_latest_draw_is_1200_with_its_real_numbers_and_prizes(client: TestClient) -> None:
    body = client.get("/api/draws/latest").json()
    assert body["draw_no"] == 1200
    assert body["draw_date"] == "2025-11-29"
    assert body["numbers"] == [1, 2, 4, 16, 20, 32]
    assert body["bonus_no"] == 45
    assert body["tiers"][0] == {"rank": 1, "winners": 12, "prize": 2357299875}


def test_draws_are_listed_newest_first_with_paging(client: TestClient) -> None:
    page = client.get("/api/draws", params={"limit": 3, "offset": 2}).json()
    assert page["total"] == 1200
    assert [item["draw_no"] for item in page["items"]] == [1198, 1197, 1196]


def test_one_draw_by_number(client: TestClient) -> None:
    body = client.get("/api/draws/1").json()
    assert body["draw_date"] == "2002-12-07"
    assert body["numbers"] == [10, 23, 29, 33, 37, 40]


def test_unknown_draw_is_404_with_the_error_shape(client: TestClient) -> None:
    response = client.get("/api/draws/5000")
    assert response.status_code == 404
    assert response.json() == {"error": "draw 5000 is not stored", "detail": None}


def test_bad_paging_and_draw_numbers_are_422(client: TestClient) -> None:
    for path, params in [
        ("/api/draws", {"limit": 0}),
        ("/api/draws", {"limit": 101}),
        ("/api/draws", {"offset": -1}),
        ("/api/draws", {"limit": "ten"}),
        ("/api/draws/0", {}),
        ("/api/draws/abc", {}),
        ("/api/draws/" + "9" * 40, {}),
    ]:
        response = client.get(path, params=params)
        assert response.status_code == 422, (path, params)
        assert set(response.json()) == {"error", "detail"}
        assert response.json()["error"].startswith("invalid request")


def test_empty_database_says_how_to_load_data(empty_client: TestClient) -> None:
    response = empty_client.get("/api/draws/latest")
    assert response.status_code == 404
    assert "jinlotto data import PATH" in response.json()["error"]
    assert empty_client.get("/api/draws").json()["items"] == []


def test_draws_containing_chosen_numbers_are_found_and_paged(
    client: TestClient, shared_draws: list[Draw]
) -> None:
    holding = sorted((d.draw_no for d in shared_draws if {3, 7} <= set(d.numbers)), reverse=True)
    first = client.get("/api/draws", params={"contains": "7,3", "limit": 5}).json()
    second = client.get("/api/draws", params={"contains": "3, 7", "limit": 5, "offset": 5}).json()
    assert first["total"] == len(holding) > 10
    assert first["contains"] == [3, 7]
    assert [d["draw_no"] for d in first["items"] + second["items"]] == holding[:10]
    assert all({3, 7} <= set(d["numbers"]) for d in first["items"])
    exact = client.get("/api/draws", params={"contains": "1,2,4,16,20,32"}).json()
    assert [d["draw_no"] for d in exact["items"]] == [1200]


def test_a_bad_contains_list_is_a_clear_422(client: TestClient) -> None:
    for bad in ("3,x", "0,7", "46", "1,2,3,4,5,6,7", "1,1,1,1,1,1,1", "-3", "3,7,", "\uff13"):
        response = client.get("/api/draws", params={"contains": bad})
        assert response.status_code == 422, bad
        assert "contains" in response.json()["error"]
