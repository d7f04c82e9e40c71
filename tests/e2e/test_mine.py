"""My numbers: a visitor's past daily numbers graded against stored draws, and the tickets they
save from the ticket checker (draw 1200 was 1 2 4 16 20 32 with bonus 45)."""

import re
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from tests.e2e.conftest import PageFactory, Server, new_visitor, seed_numbers_for_draw_1200
from tests.support.record import GAMES_1200, expected_grade

from jinlotto.api.deps import VISITOR_COOKIE
from jinlotto.services.visitors import MAX_OPEN_TICKETS

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def check_on_grid(page: Page, draw_no: int, numbers: tuple[int, ...]) -> None:
    page.locator("#check-draw").fill(str(draw_no))
    for number in numbers:
        page.locator(f"#ticket-grid [data-number='{number}']").click()
    page.locator("#ticket-check").click()


def test_past_numbers_are_graded_against_their_draw_and_todays_wait_for_it(
    pages: PageFactory, server: Server, shared_raw: list[dict[str, Any]]
) -> None:
    visitor = new_visitor()
    seed_numbers_for_draw_1200(server, visitor)
    page = pages.open(server, visitor_key=visitor)
    page.wait_for_selector("body[data-mine-ready='1']")

    entries = page.locator("#mine-numbers .entry")
    expect(entries).to_have_count(2)  # today's, and the one for draw 1200
    today, past = entries.nth(0), entries.nth(1)
    expect(today.locator(".status")).to_have_text("추첨 전")
    expect(today).to_contain_text("아직 추첨 전이에요")
    expect(page.locator("#mine-numbers")).not_to_contain_text("아직 결과가 나온 번호가 없어요")

    expect(past.locator(".entry-title")).to_have_text("제1200회")
    expect(past.locator(".entry-sub")).to_have_text("2025년 11월 27일 (목)에 받음 · 통계 전략")
    expect(past.locator(".status")).to_have_text("결과")
    games = past.locator(".result-game")
    expect(games).to_have_count(5)
    expect(games.nth(0)).to_contain_text("6개 일치")
    expect(games.nth(0)).to_contain_text("1등 · 2,357,299,875원")
    expect(games.nth(0).locator(".ball-hit")).to_have_count(6)
    expect(games.nth(1)).to_contain_text("2등 · 58,932,497원")
    expect(games.nth(1)).to_contain_text("5개 일치 + 보너스")
    expect(games.nth(4)).to_contain_text("3개 일치")
    expect(games.nth(4)).to_contain_text("5등 · 5,000원")
    expect(games.nth(4).locator(".ball-hit")).to_have_count(3)
    raw_1200 = next(raw for raw in shared_raw if raw["draw_no"] == 1200)
    total = sum(expected_grade(game, raw_1200)["prize"] for game in GAMES_1200[:5])
    expect(past.locator(".result-total")).to_have_text(f"총 당첨금 {total:,}원")

    expect(page.locator("#mine-tickets .empty-box")).to_contain_text("저장한 용지가 없어요")


def test_a_new_visitor_is_told_to_come_back_after_the_draw(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server, path="/?lang=en")
    page.wait_for_selector("body[data-mine-ready='1']")
    expect(page.locator("#mine-numbers")).to_contain_text(
        "No results yet — come back after Saturday's draw."
    )
    expect(page.locator("#mine-numbers .entry .status")).to_have_text(["Not drawn yet"])
    expect(page.locator("#mine-tickets .empty-box")).to_contain_text("No saved tickets yet")


def test_a_checked_ticket_is_saved_listed_and_deleted(pages: PageFactory, server: Server) -> None:
    page = pages.open(server)
    page.wait_for_selector("body[data-mine-ready='1']")
    check_on_grid(page, 1200, (1, 2, 4, 16, 20, 45))
    expect(page.locator("#check-result .result-game")).to_have_count(1)
    page.locator("#ticket-save").click()
    expect(page.locator("#check-result .save-row")).to_contain_text("저장했어요")

    saved = page.locator("#mine-tickets .entry")
    expect(saved).to_have_count(1)
    expect(saved.locator(".entry-title")).to_have_text("제1200회 용지")
    expect(saved).to_contain_text("직접 입력")
    expect(saved.locator(".result-game")).to_contain_text("2등 · 58,932,497원")

    page.reload()  # kept on the server for this visitor, not in the page
    page.wait_for_selector("body[data-mine-ready='1']")
    expect(saved).to_have_count(1)
    page.get_by_role("button", name="제1200회 용지 삭제").click()
    expect(saved).to_have_count(0)
    expect(page.locator("#mine-tickets .empty-box")).to_contain_text("저장한 용지가 없어요")


def test_the_open_ticket_limit_is_explained_in_plain_words(
    pages: PageFactory, server: Server
) -> None:
    visitor = new_visitor()
    with httpx.Client(base_url=server.url, cookies={VISITOR_COOKIE: visitor}) as client:
        on_sale = client.post("/api/predict", json={}).json()["draw_no"]
        waiting = {"draw_no": on_sale, "games": [[3, 9, 18, 27, 36, 44]]}
        for _ in range(MAX_OPEN_TICKETS):
            assert client.post("/api/tickets/saved", json=waiting).status_code == 201
    pages.allow_refusal("/api/tickets/saved")
    page = pages.open(server, visitor_key=visitor)
    page.wait_for_selector("body[data-mine-ready='1']")
    expect(page.locator("#mine-tickets .entry")).to_have_count(MAX_OPEN_TICKETS)
    expect(page.locator("#mine-tickets .status").first).to_have_text("추첨 전")

    check_on_grid(page, on_sale, (5, 10, 15, 20, 25, 30))
    expect(page.locator("#check-result .result-head")).to_contain_text("아직 추첨 전")
    page.locator("#ticket-save").click()
    refusal = page.locator("#check-result .save-row .field-error")
    expect(refusal).to_have_text(
        "추첨을 기다리는 용지는 50장까지만 저장할 수 있어요. "
        "저장한 용지를 하나 지운 뒤 다시 저장하세요."
    )
    expect(page.locator("#mine-tickets .entry")).to_have_count(MAX_OPEN_TICKETS)


def test_a_filter_the_server_refuses_is_explained_in_korean(
    pages: PageFactory, server: Server
) -> None:
    pages.allow_refusal("/api/predict")
    page = pages.open(server)
    page.locator("#filters summary").click()
    for number in range(1, 6):
        page.locator(f"#filter-grid [data-number='{number}']").click()
    page.locator("#filters .mode label").nth(1).click()
    for number in range(6, 44):  # 38 excluded: 5 fixed and 2 left, so only 2 games exist
        page.locator(f"#filter-grid [data-number='{number}']").click()
    page.locator("#get-numbers").click()
    refusal = page.locator("#options-error")
    expect(refusal).to_have_text(
        "고정·제외한 번호로는 서로 다른 조합이 2개뿐이라 5세트를 만들 수 없습니다. "
        "제외를 줄이거나 세트 수를 줄이세요."
    )
    assert not LATIN_WORD.search(refusal.inner_text())
