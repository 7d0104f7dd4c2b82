"""A new concert's default times by the venue's clock, far from UTC: the start on the venue's date at 20:00 and
sales opening at the venue's next full hour, each converted to the right UTC instant (summer time included)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from admin.viewmodels.concert_defaults import new_concert_times

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")


def _utc(wall: datetime, zone: ZoneInfo) -> datetime:
    return wall.replace(tzinfo=zone).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "zone", "starts", "opens", "opens_utc"),
    [
        # 11:30 UTC on 4 Dec is 00:30 on Saturday 5 Dec in Auckland (NZDT, +13): the venue's day is the 5th.
        (
            datetime(2026, 12, 4, 11, 30, tzinfo=UTC),
            AUCKLAND,
            datetime(2027, 1, 4, 20, 0),  # the venue's wall clock
            datetime(2026, 12, 5, 2, 0),
            datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
        ),
        # 03:30 PST on 4 Dec in Los Angeles (-8).
        (
            datetime(2026, 12, 4, 11, 30, tzinfo=UTC),
            LOS_ANGELES,
            datetime(2027, 1, 3, 20, 0),
            datetime(2026, 12, 4, 5, 0),
            datetime(2026, 12, 4, 13, 0, tzinfo=UTC),
        ),
        # 23:10 UTC on 4 Dec is 15:10 PST: the same day there, a day behind Auckland's.
        (
            datetime(2026, 12, 4, 23, 10, tzinfo=UTC),
            LOS_ANGELES,
            datetime(2027, 1, 3, 20, 0),
            datetime(2026, 12, 4, 17, 0),
            datetime(2026, 12, 5, 1, 0, tzinfo=UTC),
        ),
    ],
)
def test_defaults_follow_the_venue_clock(
    now: datetime, zone: ZoneInfo, starts: datetime, opens: datetime, opens_utc: datetime
) -> None:
    times = new_concert_times(now, zone)
    assert times.starts_at == starts
    assert times.doors_at == starts.replace(hour=19)
    assert times.sales_close_at == starts
    assert times.sales_open_at == opens
    assert _utc(times.sales_open_at, zone) == opens_utc
    assert _utc(times.sales_open_at, zone) > now


def test_the_start_keeps_20_00_across_a_summer_time_change() -> None:
    """Auckland leaves summer time on 5 Apr 2026: a concert created in March starts at 20:00 NZST (+12), not 21:00."""
    times = new_concert_times(datetime(2026, 3, 10, 12, 0, tzinfo=UTC), AUCKLAND)
    assert times.starts_at == datetime(2026, 4, 10, 20, 0)
    assert _utc(times.starts_at, AUCKLAND) == datetime(2026, 4, 10, 8, 0, tzinfo=UTC)


def test_sales_open_on_the_venue_full_hour_in_a_half_hour_zone() -> None:
    kolkata = ZoneInfo("Asia/Kolkata")  # +5:30: the venue's full hours are UTC's half hours
    times = new_concert_times(datetime(2026, 12, 4, 10, 0, tzinfo=UTC), kolkata)
    assert times.sales_open_at == datetime(2026, 12, 4, 17, 0)  # 15:30 + 1 h, then 17:00
    assert _utc(times.sales_open_at, kolkata) == datetime(2026, 12, 4, 11, 30, tzinfo=UTC)


def test_a_full_hour_the_clocks_skip_is_the_time_it_really_is() -> None:
    """Los Angeles springs forward at 02:00 on 8 Mar 2026: 02:00 does not exist there, 03:00 PDT does."""
    times = new_concert_times(datetime(2026, 3, 8, 8, 20, tzinfo=UTC), LOS_ANGELES)  # 00:20 PST
    assert times.sales_open_at == datetime(2026, 3, 8, 3, 0)
    assert _utc(times.sales_open_at, LOS_ANGELES) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
