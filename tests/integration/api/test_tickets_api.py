"""Ticket checking against the real draw 1200: 1 2 4 16 20 32, bonus 45."""

import json

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from PIL import Image
from tests.integration.api.conftest import ClientFactory
from tests.support.store import import_bytes
from tests.support.ticket_photos import (
    TURNED_CLOCKWISE,
    encode,
    qr_image,
    ticket_photo,
    ticket_url,
)

TIER_PRIZES_1200 = {1: 2357299875, 2: 58932497, 3: 1315458, 4: 50000, 5: 5000}


def test_typed_games_are_graded_with_the_real_prizes(client: TestClient) -> None:
    games = [
        [32, 20, 16, 4, 2, 1],  # all six, given unsorted
        [1, 2, 4, 16, 20, 45],  # five and the bonus
        [1, 2, 4, 16, 20, 44],
        [1, 2, 4, 16, 43, 44],
        [1, 2, 3, 5, 6, 7],  # two matches
    ]
    response = client.post("/api/tickets/check", json={"draw_no": 1200, "games": games})
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "graded"
    assert body["draw_no"] == 1200
    results = body["games"]
    assert results[0]["numbers"] == [1, 2, 4, 16, 20, 32]
    assert [g["matched"] for g in results] == [6, 5, 5, 4, 2]
    assert [g["bonus_matched"] for g in results] == [False, True, False, False, False]
    assert [g["rank"] for g in results] == [1, 2, 3, 4, 0]
    assert [g["prize"] for g in results] == [*(TIER_PRIZES_1200[r] for r in (1, 2, 3, 4)), 0]
    assert [g["prize_source"] for g in results] == ["published"] * 4 + ["rule"]


def test_a_legacy_draw_pays_fixed_prizes_by_rule(make_client: ClientFactory) -> None:
    # The legacy source carried the numbers, 1st prize and sales only.
    legacy = {
        "returnValue": "success",
        "drwNo": 1200,
        "drwNoDate": "2025-11-29",
        **{f"drwtNo{i}": n for i, n in enumerate([1, 2, 4, 16, 20, 32], start=1)},
        "bnusNo": 45,
        "firstPrzwnerCo": 12,
        "firstWinamnt": 2357299875,
        "totSellamnt": 118339596000,
    }
    with make_client() as client:
        service = client.app.state.service
        import_bytes(service.database, json.dumps([legacy]).encode(), name="legacy.json")
        games = [[1, 2, 4, 40, 41, 42], [1, 2, 4, 16, 41, 42], [1, 2, 4, 16, 20, 42]]
        body = client.post("/api/tickets/check", json={"draw_no": 1200, "games": games}).json()
    assert [(g["rank"], g["prize"], g["prize_source"]) for g in body["games"]] == [
        (5, 5000, "rule"),
        (4, 50000, "rule"),
        (3, None, None),
    ]


def test_a_qr_ticket_is_graded_with_game_kinds(client: TestClient) -> None:
    qr = (
        "https://m.dhlottery.co.kr/qr.do?method=winQr&v=1200q010204404142m010204162021"
        + "1234567890"
    )
    body = client.post("/api/tickets/check", json={"qr": qr}).json()
    assert body["status"] == "graded"
    assert [(g["kind"], g["rank"], g["prize"]) for g in body["games"]] == [
        ("auto", 5, 5000),
        ("manual", 3, TIER_PRIZES_1200[3]),
    ]


def test_a_future_draw_is_pending_and_an_unstored_past_one_missing(client: TestClient) -> None:
    pending = client.post(
        "/api/tickets/check", json={"draw_no": 9999, "games": [[1, 2, 3, 4, 5, 6]]}
    )
    assert pending.json()["status"] == "pending"
    assert pending.json()["games"][0]["rank"] is None
    # Draw 1201 was held on 2025-12-06 but this database stops at 1200.
    missing = client.post("/api/tickets/check", json={"qr": "1201q010203040506"})
    assert missing.json()["status"] == "missing"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"draw_no": 1200, "games": [[1, 2, 3, 4, 5, 6]] * 6}, "games"),
        ({"draw_no": 1200, "games": []}, "games"),
        ({"draw_no": 1200, "games": [[0, 2, 3, 4, 5, 6]]}, "outside 1-45"),
        ({"draw_no": 1200, "games": [[1, 2, 3, 4, 5, 46]]}, "outside 1-45"),
        ({"draw_no": 1200, "games": [[1, 1, 3, 4, 5, 6]]}, "repeat"),
        ({"draw_no": 1200, "games": [[1, 2, 3, 4, 5]]}, "expected 6 numbers"),
        ({"draw_no": 1200, "games": [["1", 2, 3, 4, 5, 6]]}, "games"),
        ({"draw_no": 1200, "games": [[1.5, 2, 3, 4, 5, 6]]}, "games"),
        ({"draw_no": 0, "games": [[1, 2, 3, 4, 5, 6]]}, "draw_no"),
        ({"games": [[1, 2, 3, 4, 5, 6]]}, "send 'qr'"),
        ({"qr": "1200q010203040506", "draw_no": 1200}, "either"),
        ({}, "send 'qr'"),
        ({"qr": "https://evil.example.com/?v=1200q010203040506"}, "not a Lotto ticket URL"),
        ({"qr": "https://m.dhlottery.co.kr/qr.do?method=winQr"}, "'v'"),
        ({"qr": "1200"}, "no games"),
        ({"qr": "1200" + "q010203040506" * 6}, "at most 5 games"),
        ({"qr": "1200q010203040545!"}, "unexpected characters"),
        ({"qr": "1200q0102030405"}, "expected 12 digits"),
        ({"qr": "x" * 3000}, "qr"),
        ({"qr": "1200q010203040506", "extra": 1}, "extra"),
    ],
)
def test_malformed_tickets_are_422_with_a_reason(
    client: TestClient, body: dict[str, object], message: str
) -> None:
    response = client.post("/api/tickets/check", json=body)
    assert response.status_code == 422
    payload = response.json()
    assert message in payload["error"] or message in str(payload["detail"])


def test_a_body_that_is_not_json_is_422(client: TestClient) -> None:
    response = client.post(
        "/api/tickets/check", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert set(response.json()) == {"error", "detail"}


def _scan(client: TestClient, photo: bytes, kind: str = "image/jpeg") -> Response:
    return client.post("/api/tickets/scan", files={"image": ("ticket.jpg", photo, kind)})


def test_a_photo_of_a_ticket_is_decoded_and_graded(client: TestClient) -> None:
    url = ticket_url(1200, [[1, 2, 4, 16, 20, 45], [7, 8, 9, 10, 11, 12]])
    for photo in (
        ticket_photo(url),  # 12 megapixels, askew
        ticket_photo(url, exif_orientation=TURNED_CLOCKWISE),
        ticket_photo(url, size=(1200, 900), angle=-9),  # downscaled
    ):
        response = _scan(client, photo)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["status"], body["draw_no"]) == ("graded", 1200)
        assert [g["rank"] for g in body["games"]] == [2, 0]
        assert body["games"][0]["prize"] == TIER_PRIZES_1200[2]
        assert [g["kind"] for g in body["games"]] == ["manual", "manual"]


def test_a_photo_of_a_ticket_for_a_coming_draw_is_pending(client: TestClient) -> None:
    photo = ticket_photo(ticket_url(9000, [[1, 2, 3, 4, 5, 6]]), size=(1600, 1200))
    body = _scan(client, photo).json()
    assert body["status"] == "pending"


def test_a_qr_code_that_is_not_a_ticket_and_a_photo_without_one_are_422(
    client: TestClient,
) -> None:
    menu = _scan(client, encode(qr_image("https://example.com/menu"), "PNG"), "image/png")
    assert menu.status_code == 422
    assert "not a Lotto 6/45 ticket" in menu.json()["error"]
    assert "example.com" in menu.json()["error"]
    blank = _scan(client, encode(Image.new("RGB", (900, 700), (230, 225, 210)), "JPEG"))
    assert blank.status_code == 422
    assert "no QR code was found" in blank.json()["error"]


def test_scan_refuses_other_files_and_oversized_uploads(client: TestClient) -> None:
    text = _scan(client, b"hello", "text/plain")
    assert text.status_code == 422
    assert "JPEG, PNG or WebP" in text.json()["error"]
    huge = _scan(client, b"\xff\xd8" + b"\0" * (9 * 1024 * 1024))
    assert huge.status_code == 413
    assert "8 MB" in huge.json()["error"]
    missing = client.post("/api/tickets/scan", data={"other": "x"})
    assert missing.status_code == 422
    assert "image" in missing.json()["error"]


def test_games_written_with_2_0_numbers_are_graded_like_whole_numbers(
    client: TestClient,
) -> None:
    plain = client.post("/api/tickets/check", json={"draw_no": 1200, "games": [[1, 2, 3, 4, 5, 6]]})
    written = client.post(
        "/api/tickets/check",
        json={"draw_no": 1200.0, "games": [[1.0, 2, 3, 4, 5, 6.0]]},
    )
    assert written.status_code == 200, written.text
    assert written.json() == plain.json()
