"""The legacy official JSON: numbers, 1st prize and sales; "fail" for a draw not held."""

from typing import Any

import pytest
from tests.support.official_server import legacy_item

from jinlotto.domain.draw import Draw, PrizeTier
from jinlotto.errors import FileFormatError, InvalidDrawError
from jinlotto.ingest.legacy import parse_legacy_draw, parse_legacy_reply


def test_real_draws_keep_numbers_first_prize_and_sales(
    shared_raw: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    for raw, expected in zip(shared_raw, shared_draws, strict=True):
        draw = parse_legacy_reply(legacy_item(raw))
        assert draw is not None
        assert (draw.draw_no, draw.draw_date, draw.numbers, draw.bonus_no) == (
            expected.draw_no,
            expected.draw_date,
            expected.numbers,
            expected.bonus_no,
        )
        assert draw.tiers[0] == expected.tiers[0]
        assert draw.tiers[1:] == (PrizeTier(),) * 4
        assert draw.total_sales == expected.total_sales
        assert draw.first_auto is None


def test_fail_means_not_held() -> None:
    assert parse_legacy_reply({"returnValue": "fail"}) is None


def test_a_reply_without_return_value_is_a_changed_envelope() -> None:
    with pytest.raises(FileFormatError, match="no returnValue"):
        parse_legacy_reply({"drwNo": 5})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"drwtNo6": 99}, "draw 1200: numbers must be within 1-45, got 99"),
        ({"bnusNo": 1}, "draw 1200: bonus_no 1 repeats a winning number"),
        ({"drwNoDate": "2025/11/29"}, "draw 1200: drwNoDate '2025/11/29' is not a date"),
        ({"firstWinamnt": "lots"}, "draw 1200: tier 1 prize must be a whole number"),
    ],
)
def test_invalid_fields_are_refused(
    shared_raw: list[dict[str, Any]], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidDrawError) as caught:
        parse_legacy_draw({**legacy_item(shared_raw[1199]), **changes})
    assert message in caught.value.message
