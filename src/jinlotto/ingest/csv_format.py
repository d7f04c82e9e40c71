"""CSV draws: one header line, one draw per line, an empty cell for an unknown value.

Header (the columns after ``bonus`` are optional and may come in any order)::

    draw_no,date,n1,n2,n3,n4,n5,n6,bonus,tier1_winners,tier1_prize,...,tier5_winners,
    tier5_prize,total_sales,first_auto,first_semi_auto,first_manual
"""

import csv
import io
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from jinlotto.domain.draw import TIERS, Draw, PrizeTier, make_draw
from jinlotto.errors import FileFormatError, InvalidDrawError

if TYPE_CHECKING:
    import _csv

REQUIRED_COLUMNS = ("draw_no", "date", "n1", "n2", "n3", "n4", "n5", "n6", "bonus")
TIER_COLUMNS = tuple(
    f"tier{rank}_{kind}" for rank in range(1, TIERS + 1) for kind in ("winners", "prize")
)
EXTRA_COLUMNS = ("total_sales", "first_auto", "first_semi_auto", "first_manual")
COLUMNS = REQUIRED_COLUMNS + TIER_COLUMNS + EXTRA_COLUMNS


def looks_like_csv(text: str) -> bool:
    """Whether a text starts with the CSV header."""
    return text.lstrip().startswith("draw_no,")


def parse_csv(text: str) -> list[Draw]:
    """Every draw of a CSV text; errors name the line, the draw and the field."""
    return [draw for _, draw in parse_csv_lines(text)]


def parse_csv_lines(text: str) -> list[tuple[int, Draw]]:
    """Every draw of a CSV text with the line it ends on (see :func:`parse_csv`)."""
    reader = csv.reader(io.StringIO(text))
    try:
        return _read_rows(reader)
    except csv.Error as error:  # a stray carriage return, a NUL, an unclosed quote
        raise FileFormatError(f"line {reader.line_num}: not readable as CSV ({error})") from None


def _read_rows(reader: "_csv.Reader") -> list[tuple[int, Draw]]:
    header = [name.strip() for name in next(reader, [])]
    _check_header(header)
    draws = []
    for row in reader:
        if not any(cell.strip() for cell in row):
            continue
        line = reader.line_num
        if len(row) != len(header):
            raise FileFormatError(f"line {line}: {len(row)} cells, the header names {len(header)}")
        try:
            cells = dict(zip(header, (cell.strip() for cell in row), strict=True))
            draws.append((line, _draw(cells)))
        except InvalidDrawError as error:
            raise InvalidDrawError(f"line {line}: {error.message}", detail=error.detail) from error
    return draws


def draws_to_csv(draws: Iterable[Draw]) -> str:
    """Draws as CSV text with every column (the inverse of :func:`parse_csv`)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for draw in draws:
        tiers = [value for tier in draw.tiers for value in (tier.winners, tier.prize)]
        extras = [draw.total_sales, draw.first_auto, draw.first_semi_auto, draw.first_manual]
        writer.writerow(
            [draw.draw_no, draw.draw_date.isoformat(), *draw.numbers, draw.bonus_no]
            + ["" if value is None else value for value in tiers + extras]
        )
    return buffer.getvalue()


def _check_header(header: list[str]) -> None:
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise FileFormatError(f"line 1: the CSV header lacks {', '.join(missing)}")
    unknown = [name for name in header if name not in COLUMNS]
    if unknown:
        raise FileFormatError(f"line 1: unknown CSV columns {', '.join(unknown)}")
    if len(set(header)) != len(header):
        raise FileFormatError("line 1: a CSV column appears twice")


def _draw(cells: dict[str, str]) -> Draw:
    draw_no = cells["draw_no"]

    def optional(name: str) -> str | None:
        return cells.get(name) or None

    try:
        draw_date = date.fromisoformat(cells["date"])
    except ValueError:
        raise InvalidDrawError(
            f"draw {draw_no}: date {cells['date']!r} is not a YYYY-MM-DD date"
        ) from None
    tiers = [
        PrizeTier(optional(f"tier{rank}_winners"), optional(f"tier{rank}_prize"))  # type: ignore[arg-type]
        for rank in range(1, TIERS + 1)
    ]
    return make_draw(
        draw_no=draw_no,
        draw_date=draw_date,
        numbers=[cells[f"n{position}"] for position in range(1, 7)],
        bonus_no=cells["bonus"],
        tiers=tiers,
        total_sales=optional("total_sales"),
        first_auto=optional("first_auto"),
        first_semi_auto=optional("first_semi_auto"),
        first_manual=optional("first_manual"),
    )
