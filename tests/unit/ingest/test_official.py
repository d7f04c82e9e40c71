"""The current official JSON: every real draw parses to what the shared file says."""

from typing import Any

import pytest
from tests.support.official_server import official_item

from jinlotto.domain.draw import Draw, PrizeTier
from jinlotto.errors import FileFormatError, InvalidDrawError
from jinlotto.ingest.official import parse_official_draw, parse_official_reply


def reply(*items: dict[str, Any]) -> dict[str, Any]:
    return {"resultCode": None, "resultMessage": None, "data": {"list": list(items)}}


def test_every_real_draw_reads_back_as_in_the_shared_file(
    shared_raw: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    parsed = [parse_official_reply(reply(official_item(raw)), raw["draw_no"]) for raw in shared_raw]
    assert parsed == shared_draws


def test_draw_1200_fields() -> None:
    item = {
        "ltEpsd": 1200, "ltRflYmd": "20251129", "bnsWnNo": 45, "wholEpsdSumNtslAmt": 118339596000,
        "tm1WnNo": 1, "tm2WnNo": 2, "tm3WnNo": 4, "tm4WnNo": 16, "tm5WnNo": 20, "tm6WnNo": 32,
        "rnk1WnNope": 12, "rnk1WnAmt": 2357299875, "rnk1SumWnAmt": 28287598500,
        "rnk2WnNope": 80, "rnk2WnAmt": 58932497, "rnk3WnNope": 3584, "rnk3WnAmt": 1315458,
        "rnk4WnNope": 161754, "rnk4WnAmt": 50000, "rnk5WnNope": 2673060, "rnk5WnAmt": 5000,
        "winType1": 10, "winType2": 2, "winType3": 0,
    }  # fmt: skip
    draw = parse_official_draw(item)
    assert draw.numbers == (1, 2, 4, 16, 20, 32)
    assert draw.bonus_no == 45
    assert draw.draw_date.isoformat() == "2025-11-29"
    assert draw.tiers[0] == PrizeTier(12, 2357299875)
    assert draw.tiers[4] == PrizeTier(2673060, 5000)
    assert (draw.first_auto, draw.first_manual, draw.first_semi_auto) == (10, 2, 0)
    assert draw.total_sales == 118339596000


def test_win_type_zeros_mean_unknown_and_no_first_winner_means_unknown_tier(
    shared_raw: list[dict[str, Any]],
) -> None:
    item = {**official_item(shared_raw[1199]), "winType1": 0, "winType2": 0, "winType3": 0}
    item.update(rnk1WnNope=0, rnk1WnAmt=0)
    draw = parse_official_draw(item)
    assert (draw.first_auto, draw.first_manual, draw.first_semi_auto) == (None, None, None)
    assert draw.tiers[0] == PrizeTier()


def test_not_held_yet_is_none() -> None:
    assert parse_official_reply(reply(), 1201) is None


@pytest.mark.parametrize(
    "payload",
    [
        {"returnCode": "0000", "result": {"items": []}},
        {"resultCode": None, "data": {"items": []}},
        {"resultCode": None, "data": {"list": "none"}},
        {"resultCode": None, "data": {"list": [1, 2]}},
        [1, 2, 3],
        "text",
    ],
)
def test_changed_envelope_is_refused(payload: object) -> None:
    with pytest.raises(FileFormatError, match="unexpected reply shape"):
        parse_official_reply(payload, 5)


def test_a_reply_for_another_draw_is_refused(shared_raw: list[dict[str, Any]]) -> None:
    with pytest.raises(FileFormatError, match="asked for draw 6 but the reply holds draws \\[5\\]"):
        parse_official_reply(reply(official_item(shared_raw[4])), 6)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"tm2WnNo": 46}, "draw 5: numbers must be within 1-45, got 46"),
        ({"tm2WnNo": None}, "draw 5: numbers must be a whole number"),
        ({"bnsWnNo": 0}, "draw 5: bonus_no must be within 1-45"),
        ({"ltRflYmd": "2003-01-04"}, "draw 5: ltRflYmd '2003-01-04' is not a YYYYMMDD date"),
        ({"ltRflYmd": 20030104}, "draw 5: ltRflYmd must be a YYYYMMDD string"),
        ({"rnk3WnNope": "many"}, "draw 5: expected a whole number, got 'many'"),
        ({"winType1": [1]}, "draw 5: expected a whole number"),
    ],
)
def test_invalid_fields_are_refused_naming_draw_and_field(
    shared_raw: list[dict[str, Any]], changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidDrawError) as caught:
        parse_official_draw({**official_item(shared_raw[4]), **changes})
    assert message in caught.value.message


def test_two_different_rows_for_the_draw_are_refused_naming_the_fields(
    shared_raw: list[dict[str, Any]],
) -> None:
    row = official_item(shared_raw[4])
    other = {**row, "bnsWnNo": 1, "rnk5WnNope": 7}
    with pytest.raises(InvalidDrawError) as caught:
        parse_official_reply(reply(row, official_item(shared_raw[5]), other), 5)
    assert caught.value.message == (
        "draw 5: the reply holds 2 different rows for it (they differ in bonus_no, tier 5 winners)"
    )


def test_the_same_row_twice_is_the_draw(
    shared_raw: list[dict[str, Any]], shared_draws: list[Draw]
) -> None:
    row = official_item(shared_raw[4])
    assert parse_official_reply(reply(row, dict(row)), 5) == shared_draws[4]
