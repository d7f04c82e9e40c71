"""Draw validation: every rule of the game refuses bad records with the draw and field named."""

import logging
from datetime import date

import pytest

from jinlotto.domain.draw import Draw, PrizeTier, make_draw
from jinlotto.domain.schedule import scheduled_date
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
