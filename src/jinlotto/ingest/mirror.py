"""The public mirror format: a JSON array of draws as in the project's data README."""

from collections.abc import Mapping
from datetime import date
from typing import Any

from jinlotto.domain.draw import TIERS, Draw, PrizeTier, check_unique, make_draw
from jinlotto.errors import FileFormatError, InvalidDrawError


def looks_like_mirror(item: Mapping[str, Any]) -> bool:
    """Whether one decoded object is in the mirror format."""
    return "draw_no" in item and "numbers" in item


def parse_mirror_draw(item: Mapping[str, Any]) -> Draw:
    """One mirror object as a validated draw."""
    draw_no = item.get("draw_no")
    try:
        divisions = item.get("divisions") or []
        if not isinstance(divisions, list) or len(divisions) > TIERS:
            raise InvalidDrawError(f"draw {draw_no}: divisions must be a list of up to 5 tiers")
        tiers = [_tier(division, draw_no) for division in divisions]
        tiers += [PrizeTier()] * (TIERS - len(tiers))
        combination = item.get("winners_combination") or {}
        if not isinstance(combination, Mapping):
            raise InvalidDrawError(f"draw {draw_no}: winners_combination must be an object")
        known = bool(combination)
        return make_draw(
            draw_no=draw_no,
            draw_date=_date(item.get("date"), draw_no),
            numbers=_list(item.get("numbers"), "numbers", draw_no),
            bonus_no=item.get("bonus_no"),
            tiers=tiers,
            total_sales=item.get("total_sales_amount"),
            first_auto=combination.get("auto", 0) if known else None,
            first_semi_auto=combination.get("semi_auto", 0) if known else None,
            first_manual=combination.get("manual", 0) if known else None,
        )
    except (TypeError, AttributeError) as error:
        raise InvalidDrawError(f"draw {draw_no}: malformed record ({error})") from error


def draw_to_mirror(draw: Draw) -> dict[str, Any]:
    """A draw in the mirror format (the inverse of :func:`parse_mirror_draw`)."""
    known = any(
        value is not None for value in (draw.first_auto, draw.first_semi_auto, draw.first_manual)
    )
    combination = (
        {
            key: value
            for key, value in (
                ("auto", draw.first_auto),
                ("semi_auto", draw.first_semi_auto),
                ("manual", draw.first_manual),
            )
            if value
        }
        if known
        else {}
    )
    return {
        "draw_no": draw.draw_no,
        "numbers": list(draw.numbers),
        "bonus_no": draw.bonus_no,
        "date": f"{draw.draw_date.isoformat()}T00:00:00Z",
        "divisions": [
            {}
            if tier.winners is None and tier.prize is None
            else {"prize": tier.prize, "winners": tier.winners}
            for tier in draw.tiers
        ],
        "total_sales_amount": draw.total_sales,
        "winners_combination": combination,
    }


def _tier(division: object, draw_no: object) -> PrizeTier:
    if not isinstance(division, Mapping):
        raise InvalidDrawError(f"draw {draw_no}: each division must be an object")
    return PrizeTier(winners=division.get("winners"), prize=division.get("prize"))


def _list(value: object, name: str, draw_no: object) -> list[object]:
    if not isinstance(value, list):
        raise InvalidDrawError(f"draw {draw_no}: {name} must be a list")
    return value


def _date(value: object, draw_no: object) -> date:
    if not isinstance(value, str) or len(value) < 10:
        raise InvalidDrawError(f"draw {draw_no}: date must be a string like 2025-11-29")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InvalidDrawError(f"draw {draw_no}: date {value!r} is not a date") from None


def parse_mirror_array(payload: object) -> list[Draw]:
    """A whole mirror document (a JSON array) as validated draws, each draw once.

    Errors name the item (``item 3: draw 3: ...``).
    """
    if not isinstance(payload, list):
        raise FileFormatError("a mirror document must be a JSON array of draws")
    located = []
    for position, item in enumerate(payload, start=1):
        if not isinstance(item, Mapping):
            raise FileFormatError(f"item {position}: a mirror document must hold only JSON objects")
        try:
            located.append((f"item {position}", parse_mirror_draw(item)))
        except InvalidDrawError as error:
            raise InvalidDrawError(
                f"item {position}: {error.message}", detail=error.detail
            ) from error
    check_unique(located)
    return [draw for _, draw in located]
