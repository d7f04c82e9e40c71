"""The page as a visitor uses it, in headless Chromium against ``jinlotto serve`` (draws 1-1200).

Draw 1200 was 1 2 4 16 20 32 with bonus 45; its 2nd prize paid 58,932,497 KRW.
"""

import re

import httpx
from PIL import Image
from playwright.sync_api import Page, expect
from tests.e2e.conftest import DESKTOP, PageFactory, Server
from tests.support.ticket_photos import (
    TURNED_CLOCKWISE,
    encode,
    qr_image,
    ticket_photo,
    ticket_url,
)

SECOND_PRIZE_1200 = [1, 2, 4, 16, 20, 45]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def games_on(page: Page) -> list[list[int]]:
    """The numbers of each of today's games, as the balls show them."""
    games = page.locator("#today-games .game")
    return [
        [int(text) for text in games.nth(i).locator(".balls .ball").all_inner_texts()]
        for i in range(games.count())
    ]


def open_filters(page: Page) -> None:
    if not page.locator("#filters").evaluate("element => element.open"):
        page.locator("#filters summary").click()


def tap(page: Page, grid: str, *numbers: int) -> None:
    for number in numbers:
        page.locator(f"#{grid} [data-number='{number}']").click()


def test_the_page_loads_cleanly_with_every_section(pages: PageFactory, server: Server) -> None:
    page = pages.open(server)
    expect(page.locator("html")).to_have_attribute("lang", "ko")
    expect(page.locator("#today-title")).to_have_text("이번 주 추천 번호")
    expect(page.locator("#latest-sub")).to_contain_text("제1200회")
    expect(page.locator("#latest-body .balls .ball")).to_have_text(
        ["1", "2", "4", "16", "20", "32", "45"]
    )
    expect(page.locator("#latest-body .tiers tbody tr").first).to_contain_text("2,357,299,875원")
    expect(page.locator("#history-list .history-item")).to_have_count(10)
    expect(page.locator("#honest-audit .audit-item")).to_have_count(4)
    expect(page.locator("#honest-edge .popularity")).to_be_visible()
    # The icons and the manifest are served, so a phone can install the page.
    for path in ("/favicon.ico", page.locator("link[rel=manifest]").get_attribute("href")):
        assert httpx.get(f"{server.url}{path}").status_code == 200
    # pages.close() then checks: no console error, no exception, no request off 127.0.0.1.


def test_todays_games_are_coloured_balls_and_stay_the_same_on_reload(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    first = games_on(page)
    assert len(first) == 5
    assert all(len(game) == 6 and game == sorted(game) for game in first)
    expected_class = {"yellow": range(1, 11), "blue": range(11, 21), "red": range(21, 31)}
    expected_class |= {"grey": range(31, 41), "green": range(41, 46)}
    for ball in page.locator("#today-games .ball").all():
        number = int(ball.inner_text())
        colour = next(name for name, numbers in expected_class.items() if number in numbers)
        assert f"ball-{colour}" in (ball.get_attribute("class") or "")
    expect(page.locator("#today-draw")).to_contain_text(re.compile(r"제\d+회"))
    page.reload()
    page.wait_for_selector("body[data-today-ready='1']")
    assert games_on(page) == first


def test_fixed_and_excluded_numbers_picked_on_the_grid_are_honoured(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    open_filters(page)
    tap(page, "filter-grid", 7, 33)
    page.locator("#filters .mode label").nth(1).click()  # "제외할 번호"
    tap(page, "filter-grid", *range(1, 6))
    expect(page.locator("#picked-summary")).to_have_text("고정: 7, 33 · 제외: 1, 2, 3, 4, 5")
    expect(page.locator("#filter-grid [data-number='7']")).to_have_attribute(
        "aria-label", "7, 고정"
    )
    with page.expect_response("**/api/predict") as answer:
        page.locator("#get-numbers").click()
    assert answer.value.request.post_data_json["filters"] == {
        "fixed": [7, 33],
        "excluded": [1, 2, 3, 4, 5],
    }
    page.wait_for_selector("#today-games .game")
    games = games_on(page)
    assert len(games) == 5
    for game in games:
        assert {7, 33} <= set(game)
        assert not set(game) & {1, 2, 3, 4, 5}


def test_contradictory_choices_are_refused_inline_before_sending(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    open_filters(page)
    tap(page, "filter-grid", 40, 41, 42, 43, 44, 45)
    expect(page.locator("#grid-error")).to_have_text("고정 번호는 최대 5개까지 고를 수 있습니다.")
    expect(page.locator("#filter-grid [aria-pressed='true']")).to_have_count(5)
    page.locator("#f-sum_range-min").fill("200")
    page.locator("#f-sum_range-max").fill("100")
    expect(page.locator("#f-sum_range-error")).to_have_text("최솟값이 최댓값보다 큽니다.")
    calls = len(pages.watch().api_calls)
    page.locator("#get-numbers").click()
    expect(page.locator("#options-error")).to_be_visible()
    if "/api/strategies" in server.paths:  # the limits each value may take come from there
        page.locator("#f-sum_range-max").fill("300")  # above the largest possible sum, 255
        expect(page.locator("#f-sum_range-error")).to_have_text("21–255 사이로 입력하세요.")
    # 40+41+42+43+44 = 210, so with any sixth number the sum is 211 to 255.
    page.locator("#f-sum_range-min").fill("")
    page.locator("#f-sum_range-max").fill("200")
    expect(page.locator("#f-sum_range-error")).to_have_text(
        "고정한 번호로는 211–255만 나올 수 있습니다."
    )
    page.locator("#f-odd_range-min").fill("4")  # 41 and 43 are odd: at most 3 odd numbers
    odd_error = page.locator("#f-odd_range-error")
    expect(odd_error).to_have_text("고정한 번호로는 2–3만 나올 수 있습니다.")
    page.locator("#get-numbers").click()
    assert [c for c in pages.watch().api_calls[calls:] if c.startswith("/api/predict")] == []


def test_a_ticket_typed_on_the_grid_shows_its_rank_and_prize(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    page.locator("#check-draw").fill("1200")
    tap(page, "ticket-grid", *SECOND_PRIZE_1200)
    tap(page, "ticket-grid", 7, 8, 9, 10, 11, 12)  # game B follows by itself
    expect(page.locator("#ticket-games .slot").nth(1)).to_contain_text("6/6")
    page.locator("#ticket-check").click()
    results = page.locator("#check-result .result-game")
    expect(results).to_have_count(2)
    expect(results.nth(0)).to_contain_text("2등 · 58,932,497원")
    expect(results.nth(0)).to_contain_text("5개 일치 + 보너스")
    expect(results.nth(0).locator(".ball-hit")).to_have_count(6)
    expect(results.nth(1)).to_contain_text("낙첨")
    expect(page.locator("#check-result .result-total")).to_have_text("총 당첨금 58,932,497원")


def test_qr_text_for_a_coming_draw_is_pending_and_other_text_is_refused(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    page.locator("#tab-qr").click()
    page.locator("#qr-text").fill(ticket_url(9000, [[3, 9, 18, 27, 36, 45]]))
    page.locator("#check-qr-form button[type=submit]").click()
    expect(page.locator("#check-result .result-head")).to_have_text(
        "제9000회는 아직 추첨 전입니다. 추첨이 끝난 뒤 다시 확인하세요."
    )
    pages.allow_refusal("/api/tickets/check")
    page.locator("#qr-text").fill("https://example.com/menu")
    page.locator("#check-qr-form button[type=submit]").click()
    expect(page.locator("#check-result .error-box")).to_contain_text(
        "로또 6/45 용지의 QR 코드 내용으로 읽을 수 없습니다."
    )


def upload(page: Page, photo: bytes, name: str = "ticket.jpg") -> None:
    page.locator("#photo-input").set_input_files(
        {"name": name, "mimeType": "image/jpeg", "buffer": photo}
    )


def test_photos_of_a_ticket_are_decoded_on_the_server_and_graded(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    page.locator("#tab-photo").click()
    url = ticket_url(1200, [SECOND_PRIZE_1200, [1, 2, 4, 16, 20, 32]], kind="q")
    for photo in (
        ticket_photo(url),  # 12 megapixels, askew on a table
        ticket_photo(url, exif_orientation=TURNED_CLOCKWISE, seed=1),
        ticket_photo(url, size=(1200, 900), angle=-8, seed=2),  # downscaled
    ):
        upload(page, photo)
        results = page.locator("#check-result .result-game")
        expect(results).to_have_count(2)
        expect(results.nth(0)).to_contain_text("2등 · 58,932,497원")
        expect(results.nth(0)).to_contain_text("자동")
        expect(results.nth(1)).to_contain_text("1등 · 2,357,299,875원")
        page.locator("#check-result").evaluate("box => box.replaceChildren()")


def test_a_photo_without_a_ticket_qr_code_gets_a_clear_message(
    pages: PageFactory, server: Server
) -> None:
    pages.allow_refusal("/api/tickets/scan")
    page = pages.open(server)
    page.locator("#tab-photo").click()
    upload(page, encode(qr_image("https://example.com/menu"), "PNG"), "menu.png")
    expect(page.locator("#check-result .error-box")).to_have_text(
        "사진의 QR 코드는 로또 6/45 용지가 아닙니다."
    )
    upload(page, encode(Image.new("RGB", (1200, 900), (230, 225, 210)), "JPEG"))
    expect(page.locator("#check-result .error-box")).to_contain_text("QR 코드를 찾지 못했습니다")


def first_draw_no(page: Page) -> int:
    text = page.locator("#history-list .history-item strong").first.inner_text()
    return int(re.sub(r"\D", "", text))


def test_history_pages_jumps_and_finds_draws_with_chosen_numbers(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    assert first_draw_no(page) == 1200
    expect(page.locator("#page-info")).to_have_text("1 / 120 페이지")
    page.locator("#page-next").click()
    expect(page.locator("#page-info")).to_have_text("2 / 120 페이지")
    assert first_draw_no(page) == 1190
    page.locator("#page-prev").click()
    expect(page.locator("#page-info")).to_have_text("1 / 120 페이지")
    page.locator("#jump-to").fill("1000")
    page.locator("#history-jump button").click()
    jumped = page.locator("#draw-1000")
    expect(jumped).to_be_visible()
    expect(jumped.locator("details")).to_have_attribute("open", "")
    expect(jumped.locator(".tiers tbody tr")).to_have_count(5)
    page.locator("#find-numbers").fill("3, 7")
    page.locator("#history-find button").click()
    expect(page.locator("#history-status")).to_contain_text("3, 7이(가) 모두 나온 회차")
    found = int(re.search(r"(\d+)개", page.locator("#history-status").inner_text()).group(1))  # type: ignore[union-attr]
    api = httpx.get(f"{server.url}/api/draws", params={"contains": "3,7"}).json()
    assert found == api["total"] > 0
    for item in page.locator("#history-list .history-item").all():
        numbers = {int(n) for n in item.locator(".ball").all_inner_texts()[:6]}
        assert {3, 7} <= numbers
        expect(item.locator(".ball-hit")).to_have_count(2)


def test_statistics_charts_render_with_their_expectation_lines(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server, viewport=DESKTOP)
    charts = page.locator("#stats svg.chart")
    expect(charts).to_have_count(4)
    for chart in charts.all():
        expect(chart.locator(".expected-line")).to_have_count(1)
        assert chart.locator("title").text_content()  # a text alternative for each
        assert chart.get_attribute("role") == "img"
    expect(charts.first.locator("rect.bar")).to_have_count(45)
    expect(page.locator("#stats .span-line")).to_contain_text("1,200회")
    page.locator("#stats-window").select_option("50")
    expect(page.locator("#stats .span-line")).to_contain_text("50회 (제1151회–제1200회)")
    expect(page.locator("#honest-backtest svg.chart .reference-line")).to_have_count(1)
    expect(page.locator("#honest-backtest svg.chart .dot")).to_have_count(3)


def visible_text(page: Page) -> str:
    return page.evaluate(
        """() => {
            const copy = document.body.cloneNode(true);
            copy.querySelectorAll('#lang-switch, script, [hidden], dialog:not([open])')
                .forEach((node) => node.remove());
            return copy.innerText;
        }"""
    )


def test_the_english_switch_changes_every_string_and_is_remembered(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    assert HANGUL.search(visible_text(page))
    page.locator("#lang-switch").click()
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    for selector in ("#filters", "#check-result"):
        page.locator(selector).evaluate("element => element.open = true")
    text = visible_text(page)
    assert HANGUL.findall(text) == [], text[:400]
    expect(page.locator("#today-title")).to_have_text("This week's numbers")
    expect(page.locator("#latest-body .tiers tbody tr").first).to_contain_text("KRW 2,357,299,875")
    page.goto(server.url + "/")  # a later visit, same browser
    page.wait_for_selector("body[data-ready='1']")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#lang-switch").click()
    expect(page.locator("html")).to_have_attribute("lang", "ko")


def press_until_focused(page: Page, element_id: str, limit: int = 80) -> None:
    for _ in range(limit):
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id}")


def test_numbers_and_a_ticket_check_work_with_the_keyboard_alone(
    pages: PageFactory, server: Server
) -> None:
    page = pages.open(server)
    before = games_on(page)
    press_until_focused(page, "num-sets")
    page.keyboard.press("ArrowUp")  # 5 -> 4 games
    press_until_focused(page, "get-numbers")
    with page.expect_response("**/api/predict"):
        page.keyboard.press("Enter")
    expect(page.locator("#today-games .game")).to_have_count(4)
    assert games_on(page) == before[:4]
    press_until_focused(page, "check-draw")
    page.keyboard.press("Control+A")
    page.keyboard.type("1200")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.dataset.number") is None:
        page.keyboard.press("Tab")
    position = 1
    for number in (1, 2, 4, 16, 20, 32):
        for _ in range(number - position):
            page.keyboard.press("ArrowRight")
        position = number
        page.keyboard.press("Space")
    expect(page.locator("#ticket-games .slot").first).to_contain_text("6/6")
    press_until_focused(page, "ticket-check")
    page.keyboard.press("Enter")
    expect(page.locator("#check-result .result-game").first).to_contain_text(
        "1등 · 2,357,299,875원"
    )
    focus_ring = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert focus_ring != "none"


def test_a_page_with_no_draws_renders_and_says_how_to_load_them(
    pages: PageFactory, empty_server: Server
) -> None:
    page = pages.open(empty_server)
    expect(page.locator("#notices")).to_contain_text("jinlotto data import PATH")
    expect(page.locator("#today-games")).to_contain_text("아직 저장된 추첨 결과가 없습니다")
    expect(page.locator("#latest-body")).to_contain_text("jinlotto data update")


def test_feedback_is_sent_from_a_small_form_and_the_limit_is_explained(
    pages: PageFactory, server: Server
) -> None:
    pages.allow_refusal("/api/feedback")
    page = pages.open(server)
    page.locator("#feedback-open").click()
    dialog = page.locator("#feedback")
    expect(dialog).to_be_visible()
    expect(page.locator("#feedback-message")).to_be_focused()
    page.locator("#feedback-send").click()
    expect(page.locator("#feedback-error")).to_have_text("내용을 입력하세요.")
    for attempt in range(1, 6):  # FEEDBACK_PER_HOUR is 5 by default
        page.locator("#feedback-message").fill(f"번호 조건이 편해요 {attempt}")
        expect(page.locator("#feedback-count")).to_contain_text("/ 2,000자")
        with page.expect_response("**/api/feedback") as sent:
            page.locator("#feedback-send").click()
        assert sent.value.status == 201
        expect(page.locator("#feedback-done")).to_be_visible()
    page.locator("#feedback-message").fill("한 번 더")
    page.locator("#feedback-send").click()
    expect(page.locator("#feedback-error")).to_contain_text("너무 많이 보냈습니다")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
