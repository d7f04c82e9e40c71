"""The current official Donghaeng Lottery JSON interface (``selectPstLt645Info.do``).

A reply looks like ``{"resultCode": null, "resultMessage": null, "data": {"list": [{...}]}}``;
a draw not held yet gives ``"list": []``. Parsers raise :class:`InvalidDrawError` or
:class:`FileFormatError`; the HTTP client adds the URL when it turns them into a
:class:`DataSourceError`.
"""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from jinlotto.domain.draw import TIERS, Draw, PrizeTier, make_draw
from jinlotto.errors import FileFormatError, InvalidDrawError

DRAW_PARAM = "srchLtEpsd"
REFERER = "https://www.dhlottery.co.kr/lt645/result"
NUMBER_FIELDS = tuple(f"tm{position}WnNo" for position in range(1, 7))


def looks_like_official(item: Mapping[str, Any]) -> bool:
    """Whether one decoded object is in the current official format."""
    return "ltEpsd" in item


def parse_official_draw(item: Mapping[str, Any]) -> Draw:
    """One official ``list`` entry as a validated draw.

    A tier with no winners is stored as unknown, as the shared file writes it; winType 0/0/0
    (not published yet, or before draw 262) leaves the 1st-prize split unknown.
    """
    draw_no = item.get("ltEpsd")
    try:
        auto, manual, semi_auto = (item.get(f"winType{kind}") or 0 for kind in (1, 2, 3))
        split_known = any(_count(value, draw_no) for value in (auto, manual, semi_auto))
        return make_draw(
            draw_no=draw_no,
            draw_date=_official_date(item.get("ltRflYmd"), draw_no),
            numbers=[item.get(name) for name in NUMBER_FIELDS],
            bonus_no=item.get("bnsWnNo"),
            tiers=[_tier(item, rank, draw_no) for rank in range(1, TIERS + 1)],
            total_sales=item.get("wholEpsdSumNtslAmt"),
            first_auto=auto if split_known else None,
            first_manual=manual if split_known else None,
            first_semi_auto=semi_auto if split_known else None,
        )
    except (TypeError, AttributeError) as error:
        raise InvalidDrawError(f"draw {draw_no}: malformed record ({error})") from error


def parse_official_reply(payload: object, draw_no: int) -> Draw | None:
    """The draw ``draw_no`` from a whole reply, or ``None`` when the source has not held it yet."""
    data = payload.get("data") if isinstance(payload, Mapping) else None
    entries = data.get("list") if isinstance(data, Mapping) else None
    if not isinstance(payload, Mapping) or "resultCode" not in payload or entries is None:
        raise FileFormatError(f"unexpected reply shape: {_shape(payload)}")
    if not isinstance(entries, list) or not all(isinstance(entry, Mapping) for entry in entries):
        raise FileFormatError("unexpected reply shape: data.list is not a list of objects")
    if not entries:
        return None
    rows = [
        parse_official_draw(entry) for entry in entries if str(entry.get("ltEpsd")) == str(draw_no)
    ]
    if not rows:
        reported = [entry.get("ltEpsd") for entry in entries]
        raise FileFormatError(f"asked for draw {draw_no} but the reply holds draws {reported}")
    for other in rows[1:]:
        fields = rows[0].differing_fields(other)
        if fields:
            raise InvalidDrawError(
                f"draw {draw_no}: the reply holds {len(rows)} different rows for it "
                f"(they differ in {', '.join(fields)})",
                detail={"draw_no": draw_no, "field": fields[0]},
            )
    return rows[0]


def _tier(item: Mapping[str, Any], rank: int, draw_no: object) -> PrizeTier:
    winners = item.get(f"rnk{rank}WnNope")
    if winners is None or _count(winners, draw_no) == 0:
        return PrizeTier()
    return PrizeTier(winners=winners, prize=item.get(f"rnk{rank}WnAmt"))


def _count(value: object, draw_no: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidDrawError(f"draw {draw_no}: expected a whole number, got {value!r}")
    try:
        return int(value)
    except ValueError:
        raise InvalidDrawError(f"draw {draw_no}: expected a whole number, got {value!r}") from None


def _official_date(value: object, draw_no: object) -> date:
    if not isinstance(value, str):
        raise InvalidDrawError(f"draw {draw_no}: ltRflYmd must be a YYYYMMDD string")
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise InvalidDrawError(
            f"draw {draw_no}: ltRflYmd {value!r} is not a YYYYMMDD date"
        ) from None


def _shape(payload: object) -> str:
    if isinstance(payload, Mapping):
        return "object with keys " + ", ".join(sorted(map(str, payload))[:8])
    return type(payload).__name__
