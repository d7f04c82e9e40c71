"""The draw record and the rules every stored draw obeys."""

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import pairwise
from typing import NoReturn

from jinlotto.domain.games import NUMBER_MAX, NUMBER_MIN, NUMBERS_PER_GAME
from jinlotto.domain.schedule import DRAW_TIME, KST, MAX_DRAW_NO, scheduled_date
from jinlotto.errors import InvalidDrawError

logger = logging.getLogger(__name__)

TIERS = 5
SATURDAY = 5
# The largest values the draws table can hold: draw numbers and winner counts are stored in
# 4-byte integer columns, KRW amounts (prizes, sales) in 8-byte ones.
COUNT_MAX = 2**31 - 1
AMOUNT_MAX = 2**63 - 1
EXTRA_FIELDS = ("total_sales", "first_auto", "first_semi_auto", "first_manual")


@dataclass(frozen=True, slots=True)
class PrizeTier:
    """One prize tier of a draw: winning games and KRW paid to each (``None`` when unknown)."""

    winners: int | None = None
    prize: int | None = None


@dataclass(frozen=True, slots=True)
class Draw:
    """One Lotto 6/45 draw as published; build it with :func:`make_draw` to validate."""

    draw_no: int
    draw_date: date
    numbers: tuple[int, int, int, int, int, int]
    bonus_no: int
    tiers: tuple[PrizeTier, ...] = field(default_factory=lambda: (PrizeTier(),) * TIERS)
    total_sales: int | None = None
    first_auto: int | None = None
    first_semi_auto: int | None = None
    first_manual: int | None = None

    def with_unknowns_filled(self, other: "Draw") -> "Draw":
        """This draw with every field it leaves unknown taken from ``other`` (same draw)."""
        tiers = tuple(
            PrizeTier(
                winners=mine.winners if mine.winners is not None else theirs.winners,
                prize=mine.prize if mine.prize is not None else theirs.prize,
            )
            for mine, theirs in zip(self.tiers, other.tiers, strict=True)
        )
        return replace(
            self,
            tiers=tiers,
            total_sales=_first_known(self.total_sales, other.total_sales),
            first_auto=_first_known(self.first_auto, other.first_auto),
            first_semi_auto=_first_known(self.first_semi_auto, other.first_semi_auto),
            first_manual=_first_known(self.first_manual, other.first_manual),
        )

    def conflicts_with(self, other: "Draw") -> list[str]:
        """Names of the identity fields (numbers, bonus, date) on which two reports disagree."""
        fields = []
        if self.numbers != other.numbers:
            fields.append("numbers")
        if self.bonus_no != other.bonus_no:
            fields.append("bonus_no")
        if self.draw_date != other.draw_date:
            fields.append("draw_date")
        return fields

    def differing_fields(self, other: "Draw") -> list[str]:
        """Names of every field (identity, prize tiers, sales, 1st-prize split) that differs."""
        fields = self.conflicts_with(other)
        for rank, (mine, theirs) in enumerate(zip(self.tiers, other.tiers, strict=True), start=1):
            if mine.winners != theirs.winners:
                fields.append(f"tier {rank} winners")
            if mine.prize != theirs.prize:
                fields.append(f"tier {rank} prize")
        fields += [name for name in EXTRA_FIELDS if getattr(self, name) != getattr(other, name)]
        return fields


def _first_known(mine: int | None, theirs: int | None) -> int | None:
    return mine if mine is not None else theirs


def make_draw(
    *,
    draw_no: object,
    draw_date: date,
    numbers: Sequence[object],
    bonus_no: object,
    tiers: Sequence[PrizeTier] | None = None,
    total_sales: object = None,
    first_auto: object = None,
    first_semi_auto: object = None,
    first_manual: object = None,
) -> Draw:
    """Validate raw values and build a :class:`Draw`, numbers sorted ascending.

    Raises :class:`InvalidDrawError` naming the draw and the field at fault. A date that is a
    Saturday but off the weekly schedule is accepted with a warning (the schedule has held for
    every draw so far, but a holiday shift must not make real data unreadable).
    """
    number = _whole(draw_no, "draw_no", draw_no)
    if number < 1:
        raise InvalidDrawError(f"draw {number}: draw_no must be at least 1")
    _check_storable(number, number, "draw_no", COUNT_MAX)
    if number > MAX_DRAW_NO:
        raise InvalidDrawError(
            f"draw {number}: draw_no must be at most {MAX_DRAW_NO}",
            detail={"draw_no": number, "field": "draw_no"},
        )
    if len(numbers) != NUMBERS_PER_GAME:
        raise InvalidDrawError(f"draw {number}: numbers must hold 6 values, got {len(numbers)}")
    balls = sorted(_ball(value, "numbers", number) for value in numbers)
    if len(set(balls)) != NUMBERS_PER_GAME:
        raise InvalidDrawError(f"draw {number}: numbers must be distinct, got {balls}")
    bonus = _ball(bonus_no, "bonus_no", number)
    if bonus in balls:
        raise InvalidDrawError(f"draw {number}: bonus_no {bonus} repeats a winning number")
    _check_date(number, draw_date)
    raw_tiers = tuple(tiers) if tiers is not None else (PrizeTier(),) * TIERS
    if len(raw_tiers) != TIERS:
        raise InvalidDrawError(f"draw {number}: expected 5 prize tiers, got {len(raw_tiers)}")
    tier_list = tuple(
        PrizeTier(
            winners=_optional_count(tier.winners, f"tier {rank} winners", number, COUNT_MAX),
            prize=_optional_count(tier.prize, f"tier {rank} prize", number, AMOUNT_MAX),
        )
        for rank, tier in enumerate(raw_tiers, start=1)
    )
    return Draw(
        draw_no=number,
        draw_date=draw_date,
        numbers=(balls[0], balls[1], balls[2], balls[3], balls[4], balls[5]),
        bonus_no=bonus,
        tiers=tier_list,
        total_sales=_optional_count(total_sales, "total_sales", number, AMOUNT_MAX),
        first_auto=_optional_count(first_auto, "first_auto", number, COUNT_MAX),
        first_semi_auto=_optional_count(first_semi_auto, "first_semi_auto", number, COUNT_MAX),
        first_manual=_optional_count(first_manual, "first_manual", number, COUNT_MAX),
    )


def _whole(value: object, name: str, draw_no: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise InvalidDrawError(f"draw {draw_no}: {name} must be a whole number, got {value!r}")
    try:
        return int(value)
    except ValueError:
        raise InvalidDrawError(
            f"draw {draw_no}: {name} must be a whole number, got {value!r}"
        ) from None


def _ball(value: object, name: str, draw_no: int) -> int:
    ball = _whole(value, name, draw_no)
    if not NUMBER_MIN <= ball <= NUMBER_MAX:
        raise InvalidDrawError(f"draw {draw_no}: {name} must be within 1-45, got {ball}")
    return ball


def _optional_count(value: object, name: str, draw_no: int, maximum: int) -> int | None:
    if value is None:
        return None
    count = _whole(value, name, draw_no)
    if count < 0:
        raise InvalidDrawError(f"draw {draw_no}: {name} must not be negative, got {count}")
    _check_storable(count, draw_no, name, maximum)
    return count


def _check_storable(value: int, draw_no: int, name: str, maximum: int) -> None:
    if value > maximum:
        raise InvalidDrawError(
            f"draw {draw_no}: {name} {value} is larger than the largest storable value {maximum}",
            detail={"draw_no": draw_no, "field": name},
        )


def _check_date(draw_no: int, draw_date: date) -> None:
    if draw_date.weekday() != SATURDAY:
        raise InvalidDrawError(
            f"draw {draw_no}: date {draw_date.isoformat()} is a {draw_date:%A}, not a Saturday"
        )
    expected = scheduled_date(draw_no)
    if draw_date != expected:
        logger.warning(
            "draw %d dated %s, off the weekly schedule (expected %s)",
            draw_no,
            draw_date.isoformat(),
            expected.isoformat(),
        )


def check_unique(located: Iterable[tuple[str, Draw]]) -> None:
    """Refuse a batch holding two different versions of one draw (an identical repeat is fine).

    Each draw comes with where it was read (``"item 3"``, ``"line 4"``); the error names both
    places and the fields that differ, with ``detail={"draw_no": ..., "field": ...}``.
    """
    seen: dict[int, tuple[str, Draw]] = {}
    for place, draw in located:
        first_place, first = seen.setdefault(draw.draw_no, (place, draw))
        fields = first.differing_fields(draw) if first is not draw else []
        if fields:
            raise InvalidDrawError(
                f"{place}: draw {draw.draw_no} appears again (first at {first_place}) with "
                f"another {', '.join(fields)}",
                detail={"draw_no": draw.draw_no, "field": fields[0]},
            )


def check_new_dates(new: Iterable[Draw], stored: Mapping[int, date], *, now: datetime) -> None:
    """Refuse a batch of draws to be stored if one is dated in the future (before its draw time,
    20:35 KST on its date, at ``now``) or not strictly between the dates of the draws numbered
    just before and after it, whether stored or in the batch.

    ``stored`` maps the stored draw numbers to their dates; draws of ``new`` already stored are
    left to the conflict check. :class:`InvalidDrawError` names the lowest-numbered draw dated in
    the future, else the lowest-numbered one out of order (of two new draws out of order, the
    later), with ``detail={"draw_no": ..., "field": "draw_date"}``.
    """
    fresh = {draw.draw_no: draw.draw_date for draw in new if draw.draw_no not in stored}
    for draw_no in sorted(fresh):
        held_at = datetime.combine(fresh[draw_no], DRAW_TIME, tzinfo=KST)
        if held_at > now:
            _refuse_date(
                draw_no,
                f"{fresh[draw_no].isoformat()} is in the future "
                f"(it is {now.astimezone(KST):%Y-%m-%d %H:%M} KST)",
            )
    dates = sorted({**stored, **fresh}.items())
    for (before, before_date), (after, after_date) in pairwise(dates):
        if after_date > before_date:
            continue
        if after in fresh:
            _refuse_date(
                after,
                f"{after_date.isoformat()} is not after draw {before}'s date "
                f"{before_date.isoformat()}",
            )
        if before in fresh:
            _refuse_date(
                before,
                f"{before_date.isoformat()} is not before draw {after}'s date "
                f"{after_date.isoformat()}",
            )


def _refuse_date(draw_no: int, problem: str) -> NoReturn:
    raise InvalidDrawError(
        f"draw {draw_no}: draw_date {problem}", detail={"draw_no": draw_no, "field": "draw_date"}
    )
