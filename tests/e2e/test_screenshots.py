"""Screenshots of the main views at phone (390x844) and desktop (1366x900) sizes.

They are saved under ``build/screenshots/`` (or ``$JINLOTTO_SCREENSHOTS``) for people to look
at; the test itself checks what can be checked mechanically: nothing is wider than the screen,
and every picture was written.
"""

import pytest
from playwright.sync_api import Page, ViewportSize, expect
from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    PageFactory,
    Server,
    new_visitor,
    screenshot,
    seed_numbers_for_draw_1200,
)

SECTIONS = ("today", "latest", "check", "mine", "stats", "history", "honest")


def show(page: Page, section: str) -> None:
    page.evaluate(f"document.getElementById('{section}').scrollIntoView()")
    page.wait_for_timeout(100)  # let the sticky navigation settle after the jump


def assert_fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page is {width}px wide"  # type: ignore[index]


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_screenshots_of_the_main_views(
    pages: PageFactory, server: Server, size: str, viewport: ViewportSize
) -> None:
    visitor = new_visitor()  # one who received numbers for draw 1200, so My numbers has results
    seed_numbers_for_draw_1200(server, visitor)
    page = pages.open(server, viewport=viewport, visitor_key=visitor)
    page.wait_for_selector("body[data-stats-ready='1']")
    page.wait_for_selector("body[data-mine-ready='1']")
    assert_fits(page)
    written = [screenshot(page, f"{size}-01-top")]
    for index, section in enumerate(SECTIONS, start=2):
        show(page, section)
        written.append(screenshot(page, f"{size}-{index:02d}-{section}"))

    page.locator("#filters summary").click()
    page.locator("#filter-grid [data-number='7']").click()
    page.locator("#filters .mode label").nth(1).click()
    page.locator("#filter-grid [data-number='13']").click()
    page.locator("#f-odd_range-min").fill("4")
    page.locator("#f-odd_range-max").fill("2")
    page.locator("#filters").scroll_into_view_if_needed()
    assert_fits(page)
    written.append(screenshot(page, f"{size}-09-filters"))

    page.locator("#check-draw").fill("1200")
    for number in (1, 2, 4, 16, 20, 45, 3, 9, 18, 27, 36, 44):
        page.locator(f"#ticket-grid [data-number='{number}']").click()
    page.locator("#ticket-check").click()
    expect(page.locator("#check-result .result-game")).to_have_count(2)
    page.locator("#check-result").scroll_into_view_if_needed()
    written.append(screenshot(page, f"{size}-10-ticket-result"))
    page.locator("#ticket-save").click()
    expect(page.locator("#mine-tickets .entry")).to_have_count(1)
    page.locator("#mine-tickets").scroll_into_view_if_needed()
    assert_fits(page)
    written.append(screenshot(page, f"{size}-11-mine-saved"))

    page.locator("#lang-switch").click()
    page.wait_for_selector("body[data-ready='1']")
    assert_fits(page)
    written.append(screenshot(page, f"{size}-12-english"))
    assert all(path.stat().st_size > 10_000 for path in written)
