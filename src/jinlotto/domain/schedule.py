"""The weekly draw schedule in Korean time: which draw is on which day, when sales close, when a
draw counts as held, and which draw a ticket bought now takes part in.

Draw N is held on the Saturday 2002-12-07 + 7 * (N - 1). Sales for it close at 20:00 KST that day,
the draw is held at about 20:35, and results are public by 21:00. Every surface (API, page, CLI,
tickets, grading, the update job) asks these functions, so they all name the same draw.
"""

from datetime import date, datetime, time, timedelta, timezone

# Korea has kept UTC+9 without daylight saving since 1988, long before draw 1, so a fixed offset
# is exact for every draw and needs no time-zone database.
KST = timezone(timedelta(hours=9), "KST")
FIRST_DRAW_DATE = date(2002, 12, 7)
# The highest draw number anything accepts: weekly draws until the 3900s, far inside what the
# calendar can date (a larger number would overflow ``scheduled_date``).
MAX_DRAW_NO = 100_000
SALES_CLOSE = time(20, 0)
DRAW_TIME = time(20, 35)
RESULTS_TIME = time(21, 0)


def kst_now() -> datetime:
    """The current time in Korea."""
    return datetime.now(KST)


def kst_date(moment: datetime) -> date:
    """The Korean calendar date at ``moment`` (an aware datetime)."""
    return moment.astimezone(KST).date()


def scheduled_date(draw_no: int) -> date:
    """The Saturday on which draw ``draw_no`` falls on the weekly schedule."""
    return FIRST_DRAW_DATE + timedelta(days=7 * (draw_no - 1))


def sales_close_at(draw_no: int) -> datetime:
    """When ticket sales for draw ``draw_no`` close (20:00 KST on its day)."""
    return datetime.combine(scheduled_date(draw_no), SALES_CLOSE, tzinfo=KST)


def drawn_at(draw_no: int) -> datetime:
    """When draw ``draw_no`` is held (about 20:35 KST on its day)."""
    return datetime.combine(scheduled_date(draw_no), DRAW_TIME, tzinfo=KST)


def results_published_at(draw_no: int) -> datetime:
    """When the results of draw ``draw_no`` are public (21:00 KST on its day)."""
    return datetime.combine(scheduled_date(draw_no), RESULTS_TIME, tzinfo=KST)


def _weeks_since_first(moment: datetime) -> int:
    return (kst_date(moment) - FIRST_DRAW_DATE).days // 7


def next_draw_no(moment: datetime, *, newest_stored: int | None = None) -> int:
    """The draw a ticket bought at ``moment`` takes part in: the first whose sales are still open.

    A draw already stored has been held, so the answer is never at or below ``newest_stored``
    (this only matters if the schedule ever slipped behind the published draws).
    """
    draw_no = max(_weeks_since_first(moment) + 1, 1)
    if moment >= sales_close_at(draw_no):
        draw_no += 1
    if newest_stored is not None:
        draw_no = max(draw_no, newest_stored + 1)
    return draw_no


def latest_held_draw(moment: datetime) -> int:
    """The newest draw whose results are public at ``moment`` (0 before draw 1)."""
    draw_no = _weeks_since_first(moment) + 1
    if draw_no >= 1 and moment < results_published_at(draw_no):
        draw_no -= 1
    return max(draw_no, 0)


def missing_recent(newest_stored: int | None, moment: datetime) -> int:
    """How many held draws come after the newest stored one (0 when the data are current)."""
    return max(latest_held_draw(moment) - (newest_stored or 0), 0)
