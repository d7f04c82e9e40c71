"""The legacy official JSON (``common.do?method=getLottoNumber&drwNo=N``, retired in 2026).

It carries the numbers, the 1st prize and total sales only; the other tiers stay unknown.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from jinlotto.domain.draw import TIERS, Draw, PrizeTier, make_draw
from jinlotto.errors import FileFormatError, InvalidDrawError

DRAW_PARAM = "drwNo"
URL_MARKER = "getLottoNumber"


def looks_like_legacy(item: Mapping[str, Any]) -> bool:
    """Whether one decoded object is in the legacy official format."""
    return "drwNo" in item or "returnValue" in item


def parse_legacy_draw(item: Mapping[str, Any]) -> Draw:
    """One legacy object (``returnValue`` "success") as a validated draw."""
    draw_no = item.get("drwNo")
    if item.get("returnValue", "success") != "success":
        raise InvalidDrawError(f"draw {draw_no}: returnValue is {item.get('returnValue')!r}")
    winners = item.get("firstPrzwnerCo")
    first = (
        PrizeTier() if winners in (None, 0, "0") else PrizeTier(winners, item.get("firstWinamnt"))
    )
    try:
        return make_draw(
            draw_no=draw_no,
            draw_date=_legacy_date(item.get("drwNoDate"), draw_no),
            numbers=[item.get(f"drwtNo{position}") for position in range(1, 7)],
            bonus_no=item.get("bnusNo"),
            tiers=[first, *([PrizeTier()] * (TIERS - 1))],
            total_sales=item.get("totSellamnt"),
        )
    except (TypeError, AttributeError) as error:
        raise InvalidDrawError(f"draw {draw_no}: malformed record ({error})") from error


def parse_legacy_reply(payload: object) -> Draw | None:
    """The draw in a legacy reply, or ``None`` for ``{"returnValue": "fail"}`` (not held)."""
    if not isinstance(payload, Mapping) or "returnValue" not in payload:
        raise FileFormatError("unexpected reply shape: no returnValue")
    if payload["returnValue"] == "fail":
        return None
    return parse_legacy_draw(payload)


def _legacy_date(value: object, draw_no: object) -> date:
    if not isinstance(value, str):
        raise InvalidDrawError(f"draw {draw_no}: drwNoDate must be a YYYY-MM-DD string")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidDrawError(f"draw {draw_no}: drwNoDate {value!r} is not a date") from None
