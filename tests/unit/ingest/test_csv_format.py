"""CSV draws: the documented header, optional prize columns, errors naming line and field."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jinlotto.domain.draw import AMOUNT_MAX, COUNT_MAX, Draw, PrizeTier, make_draw
from jinlotto.domain.schedule import scheduled_date
from jinlotto.errors import FileFormatError, InvalidDrawError
from jinlotto.ingest.csv_format import draws_to_csv, parse_csv

MINIMAL = "draw_no,date,n1,n2,n3,n4,n5,n6,bonus\n1200,2025-11-29,32,1,2,4,16,20,45\n"


def test_every_real_draw_survives_a_csv_round_trip(shared_draws: list[Draw]) -> None:
    assert parse_csv(draws_to_csv(shared_draws)) == shared_draws


def test_minimal_header_leaves_prizes_unknown() -> None:
    (draw,) = parse_csv(MINIMAL)
    assert draw.numbers == (1, 2, 4, 16, 20, 32)
    assert draw.bonus_no == 45
    assert draw.tiers == (PrizeTier(),) * 5
    assert draw.total_sales is None


def test_optional_columns_in_any_order_and_blank_lines() -> None:
    text = (
        "draw_no,date,n1,n2,n3,n4,n5,n6,bonus,total_sales,tier1_prize,tier1_winners\n"
        "\n"
        "1200,2025-11-29,1,2,4,16,20,32,45,118339596000,2357299875,12\n"
    )
    (draw,) = parse_csv(text)
    assert draw.tiers[0] == PrizeTier(12, 2357299875)
    assert draw.total_sales == 118339596000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("draw_no,date,n1,n2,n3,n4,n5,n6\n", "line 1: the CSV header lacks bonus"),
        ("draw_no,date,n1,n2,n3,n4,n5,n6,bonus,jackpot\n", "unknown CSV columns jackpot"),
        ("draw_no,date,n1,n2,n3,n4,n5,n6,bonus,bonus\n", "appears twice"),
        (MINIMAL + "1201,2025-12-06,1,2,3\n", "line 3: 5 cells, the header names 9"),
        # The csv module's own errors (a lone carriage return inside a field) are named too.
        (MINIMAL + "1201,2025-12-06,1,2\r3,4,5,6,7\n", "not readable as CSV"),
    ],
)
def test_bad_layout_is_a_file_format_error(text: str, message: str) -> None:
    with pytest.raises(FileFormatError) as caught:
        parse_csv(text)
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1201,2025-12-06,1,2,3,4,5,5,9", "line 3: draw 1201: numbers must be distinct"),
        ("1201,2025-12-06,1,2,3,4,5,6,50", "line 3: draw 1201: bonus_no must be within 1-45"),
        ("1201,06/12/2025,1,2,3,4,5,6,7", "line 3: draw 1201: date '06/12/2025' is not"),
        ("x,2025-12-06,1,2,3,4,5,6,7", "line 3: draw x: draw_no must be a whole number"),
    ],
)
def test_invalid_rows_name_line_draw_and_field(row: str, message: str) -> None:
    with pytest.raises(InvalidDrawError) as caught:
        parse_csv(MINIMAL + row + "\n")
    assert message in caught.value.message


counts = st.none() | st.integers(min_value=0, max_value=COUNT_MAX)
amounts = st.none() | st.integers(min_value=0, max_value=AMOUNT_MAX)


@st.composite
def any_draw(draw: st.DrawFn) -> Draw:
    draw_no = draw(st.integers(min_value=1, max_value=3000))
    balls = draw(st.lists(st.integers(1, 45), min_size=7, max_size=7, unique=True))
    return make_draw(
        draw_no=draw_no,
        draw_date=scheduled_date(draw_no),
        numbers=balls[:6],
        bonus_no=balls[6],
        tiers=[PrizeTier(draw(counts), draw(amounts)) for _ in range(5)],
        total_sales=draw(amounts),
        first_auto=draw(counts),
        first_semi_auto=draw(counts),
        first_manual=draw(counts),
    )


@given(st.lists(any_draw(), max_size=5))
def test_any_valid_draws_survive_a_csv_round_trip(draws: list[Draw]) -> None:
    assert parse_csv(draws_to_csv(draws)) == draws
