"""Draw validation: every rule of the game refuses bad records with the draw and field named."""

import logging
from datetime import date, datetime

import pytest
from sqlalchemy import BigInteger, Integer

from jinlotto.db.models import DrawRecord
from jinlotto.domain.draw import (
    AMOUNT_MAX,
    COUNT_MAX,
    Draw,
    PrizeTier,
    check_new_dates,
    make_draw,
)
from jinlotto.domain.schedule import KST, scheduled_date
from jinlotto.errors import InvalidDrawError

SATURDAY_1200 = date(2025, 11, 29)


def valid(**changes: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "draw_no": 1200,
        "draw_date": SATURDAY_1200,
        "numbers": [32, 1, 20, 2, 16, 4],
        "bonus_no": 45,
    }
    return {**fields, **changes}


def test_numbers_are_stored_ascending_and_text_counts_become_integers() -> None:
    draw = make_draw(**valid(tiers=[PrizeTier("12", "2357299875")] + [PrizeTier()] * 4))
    assert draw.numbers == (1, 2, 4, 16, 20, 32)
    assert draw.tiers[0] == PrizeTier(12, 2357299875)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"numbers": [1, 2, 3, 4, 5]}, "numbers must hold 6 values"),
        ({"numbers": [1, 2, 3, 4, 5, 5]}, "numbers must be distinct"),
        ({"numbers": [0, 2, 3, 4, 5, 6]}, "numbers must be within 1-45"),
        ({"numbers": [1, 2, 3, 4, 5, 46]}, "numbers must be within 1-45"),
        ({"numbers": [1, 2, 3, 4, 5, "x"]}, "numbers must be a whole number"),
        ({"bonus_no": 46}, "bonus_no must be within 1-45"),
        ({"bonus_no": 4}, "bonus_no 4 repeats a winning number"),
        ({"bonus_no": True}, "bonus_no must be a whole number"),
        ({"draw_no": 0}, "draw_no must be at least 1"),
        # Past what the calendar can date: refused, not an OverflowError.
        ({"draw_no": 10**9}, "draw_no must be at most 100000"),
        ({"draw_date": date(2025, 11, 28)}, "is a Friday, not a Saturday"),
        ({"total_sales": -1}, "total_sales must not be negative"),
        ({"first_auto": 1.5}, "first_auto must be a whole number"),
        ({"tiers": [PrizeTier()] * 4}, "expected 5 prize tiers"),
        ({"tiers": [PrizeTier(-3, 10)] + [PrizeTier()] * 4}, "tier 1 winners must not be negative"),
    ],
)
def test_invalid_records_are_refused_naming_draw_and_field(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidDrawError) as caught:
        make_draw(**valid(**changes))
    assert field in caught.value.message
    assert caught.value.message.startswith("draw ")


def test_saturday_off_the_schedule_is_accepted_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        draw = make_draw(**valid(draw_date=date(2025, 12, 6)))
    assert draw.draw_date == date(2025, 12, 6)
    assert "off the weekly schedule" in caplog.text


def test_schedule_matches_every_real_draw(shared_draws: list[Draw]) -> None:
    assert all(scheduled_date(draw.draw_no) == draw.draw_date for draw in shared_draws)


def test_filling_unknowns_keeps_known_values() -> None:
    stored = make_draw(**valid(tiers=[PrizeTier(12, None)] + [PrizeTier()] * 4))
    later = make_draw(
        **valid(tiers=[PrizeTier(99, 5)] + [PrizeTier()] * 4, first_auto=10, first_manual=2)
    )
    filled = stored.with_unknowns_filled(later)
    assert filled.tiers[0] == PrizeTier(12, 5)
    assert (filled.first_auto, filled.first_manual, filled.first_semi_auto) == (10, 2, None)


def test_conflicts_name_the_identity_fields_that_differ() -> None:
    stored = make_draw(**valid())
    other = make_draw(**valid(numbers=[1, 2, 4, 16, 20, 33], bonus_no=44))
    assert stored.conflicts_with(other) == ["numbers", "bonus_no"]
    assert stored.conflicts_with(make_draw(**valid(total_sales=5))) == []


NOW = datetime(2025, 11, 29, 21, 0, tzinfo=KST)  # draw 1200's night, results out


def dated(draw_no: int, day: date) -> Draw:
    return make_draw(**valid(draw_no=draw_no, draw_date=day))


def refusal(new: list[Draw], stored: dict[int, date], now: datetime = NOW) -> str:
    with pytest.raises(InvalidDrawError) as caught:
        check_new_dates(new, stored, now=now)
    assert caught.value.detail["field"] == "draw_date"  # type: ignore[index]
    return caught.value.message


def test_new_draws_in_order_after_the_stored_ones_pass() -> None:
    stored = {n: scheduled_date(n) for n in range(1, 1196)}
    check_new_dates([dated(n, scheduled_date(n)) for n in range(1196, 1201)], stored, now=NOW)


def test_a_draw_is_in_the_future_until_its_draw_time() -> None:
    tonight = dated(1200, SATURDAY_1200)
    before_the_draw = datetime(2025, 11, 29, 20, 30, tzinfo=KST)
    assert refusal([tonight], {}, before_the_draw) == (
        "draw 1200: draw_date 2025-11-29 is in the future (it is 2025-11-29 20:30 KST)"
    )
    check_new_dates([tonight], {}, now=datetime(2025, 11, 29, 20, 35, tzinfo=KST))


def test_a_draw_not_after_the_one_before_is_named() -> None:
    stored = {1198: scheduled_date(1198)}
    message = refusal([dated(1199, scheduled_date(1198))], stored)
    assert message == "draw 1199: draw_date 2025-11-15 is not after draw 1198's date 2025-11-15"


def test_a_draw_filling_a_gap_must_come_before_the_stored_draw_after_it() -> None:
    stored = {1190: scheduled_date(1190), 1195: scheduled_date(1195)}
    message = refusal([dated(1192, scheduled_date(1196))], stored)
    assert message == "draw 1192: draw_date 2025-11-01 is not before draw 1195's date 2025-10-25"


def test_of_two_new_draws_out_of_order_the_later_is_named() -> None:
    new = [dated(1199, scheduled_date(1199)), dated(1198, scheduled_date(1199))]
    assert refusal(new, {}).startswith("draw 1199: draw_date 2025-11-22 is not after draw 1198")


def test_draws_already_stored_are_left_to_the_conflict_check() -> None:
    stored = {1198: scheduled_date(1198), 1199: scheduled_date(1199)}
    check_new_dates([dated(1199, scheduled_date(1197))], stored, now=NOW)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"draw_no": COUNT_MAX + 1}, f"draw_no {COUNT_MAX + 1} is larger than"),
        ({"tiers": [PrizeTier(COUNT_MAX + 1, 1)] + [PrizeTier()] * 4}, "tier 1 winners"),
        ({"tiers": [PrizeTier(1, AMOUNT_MAX + 1)] + [PrizeTier()] * 4}, "tier 1 prize"),
        ({"total_sales": AMOUNT_MAX + 1}, "total_sales"),
        ({"first_manual": COUNT_MAX + 1}, "first_manual"),
    ],
)
def test_values_beyond_the_columns_are_refused(changes: dict[str, object], field: str) -> None:
    with pytest.raises(
        InvalidDrawError, match="is larger than the largest storable value"
    ) as caught:
        make_draw(**valid(**changes))
    assert field in caught.value.message


def test_the_largest_storable_values_are_accepted() -> None:
    tiers = [PrizeTier(COUNT_MAX, AMOUNT_MAX)] + [PrizeTier()] * 4
    draw = make_draw(**valid(tiers=tiers, total_sales=AMOUNT_MAX, first_auto=COUNT_MAX))
    assert draw.tiers[0] == PrizeTier(COUNT_MAX, AMOUNT_MAX)


def test_the_limits_are_the_draw_table_column_types() -> None:
    columns = DrawRecord.__table__.columns
    four_bytes = ["draw_no", "first_auto", "first_semi_auto", "first_manual"]
    four_bytes += [f"tier{rank}_winners" for rank in range(1, 6)]
    eight_bytes = ["total_sales", *(f"tier{rank}_prize" for rank in range(1, 6))]
    assert all(type(columns[name].type) is Integer for name in four_bytes)
    assert all(type(columns[name].type) is BigInteger for name in eight_bytes)
