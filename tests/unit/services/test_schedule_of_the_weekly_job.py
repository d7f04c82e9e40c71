"""When the weekly job runs: Saturday 21:10 KST, retried with back-off until Sunday noon."""

from datetime import datetime, timedelta
from itertools import islice

import pytest

from jinlotto.domain.schedule import KST
from jinlotto.services.scheduler import in_retry_window, weekly_trigger
from jinlotto.services.weekly import RetryPolicy, give_up_at

SATURDAY = datetime(2025, 11, 29, tzinfo=KST)  # draw 1200


def test_the_job_fires_at_21_10_kst_every_saturday() -> None:
    trigger = weekly_trigger()
    tuesday = SATURDAY - timedelta(days=4)
    assert trigger.get_next_fire_time(None, tuesday) == SATURDAY.replace(hour=21, minute=10)
    after = SATURDAY.replace(hour=21, minute=10, second=1)
    assert trigger.get_next_fire_time(None, after) == SATURDAY.replace(
        hour=21, minute=10
    ) + timedelta(days=7)


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        (SATURDAY.replace(hour=21, minute=9), False),
        (SATURDAY.replace(hour=21, minute=10), True),
        (SATURDAY + timedelta(days=1, hours=11, minutes=59), True),
        (SATURDAY + timedelta(days=1, hours=12), False),
        (SATURDAY + timedelta(days=4, hours=21, minutes=30), False),
    ],
)
def test_the_retry_window_runs_from_the_first_try_to_sunday_noon(
    moment: datetime, inside: bool
) -> None:
    assert in_retry_window(moment) is inside


def test_give_up_is_noon_kst_the_day_after_the_draw() -> None:
    assert give_up_at(1200) == datetime(2025, 11, 30, 12, 0, tzinfo=KST)


def test_back_off_doubles_from_five_minutes_up_to_half_an_hour() -> None:
    assert list(islice(RetryPolicy().delays(), 6)) == [300, 600, 1200, 1800, 1800, 1800]
