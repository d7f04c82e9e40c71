"""The weekly schedule in Korean time: the one rule every surface uses to name a draw."""

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jinlotto.domain.draw import Draw
from jinlotto.domain.schedule import (
    KST,
    kst_date,
    latest_held_draw,
    missing_recent,
    next_draw_no,
    sales_close_at,
    scheduled_date,
)


def kst(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=KST)


def test_schedule_matches_every_real_draw(shared_draws: list[Draw]) -> None:
    assert all(scheduled_date(draw.draw_no) == draw.draw_date for draw in shared_draws)


def test_sales_close_at_eight_in_the_evening_korean_time() -> None:
    # Draw 1200 was held on Saturday 2025-11-29.
    assert sales_close_at(1200) == kst(2025, 11, 29, 20, 0)
    assert next_draw_no(kst(2025, 11, 29, 19, 59)) == 1200
    assert next_draw_no(kst(2025, 11, 29, 20, 0)) == 1201
    assert next_draw_no(kst(2025, 11, 23, 9, 0)) == 1200  # the Sunday before


def test_the_korean_day_is_used_not_the_server_day() -> None:
    # 2025-11-29 11:30 UTC is 20:30 KST: sales for draw 1200 have closed.
    moment = datetime(2025, 11, 29, 11, 30, tzinfo=UTC)
    assert next_draw_no(moment) == 1201
    assert kst_date(datetime(2025, 11, 29, 15, 0, tzinfo=UTC)) == date(2025, 11, 30)


def test_a_stored_draw_is_never_the_next_one() -> None:
    assert next_draw_no(kst(2025, 11, 29, 19, 0), newest_stored=1200) == 1201
    assert next_draw_no(kst(2025, 11, 29, 19, 0), newest_stored=1100) == 1200


def test_a_draw_counts_as_held_once_its_results_are_public() -> None:
    assert latest_held_draw(kst(2025, 11, 29, 20, 59)) == 1199
    assert latest_held_draw(kst(2025, 11, 29, 21, 0)) == 1200
    assert latest_held_draw(kst(2025, 12, 5, 12, 0)) == 1200
    assert latest_held_draw(kst(2002, 12, 6)) == 0


@given(st.integers(min_value=1, max_value=5000), st.integers(min_value=0, max_value=6 * 24))
def test_held_and_next_draw_agree_hour_by_hour(draw_no: int, hours_after: int) -> None:
    moment = datetime.combine(scheduled_date(draw_no), datetime.min.time(), tzinfo=KST)
    moment += timedelta(hours=hours_after)
    held, upcoming = latest_held_draw(moment), next_draw_no(moment)
    assert held == (draw_no if hours_after >= 21 else draw_no - 1)
    assert upcoming == (draw_no if hours_after < 20 else draw_no + 1)


@pytest.mark.parametrize(
    ("newest", "expected"), [(1200, 0), (1199, 1), (1148, 52), (None, 1200), (1201, 0)]
)
def test_missing_recent_counts_held_draws_not_stored(newest: int | None, expected: int) -> None:
    assert missing_recent(newest, kst(2025, 12, 1, 9, 0)) == expected
