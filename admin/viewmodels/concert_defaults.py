"""The times a new concert's form starts with, by the venue's clock (never UTC's or the desktop's).

A manager in Auckland opening the form at 09:00 on a Saturday is on Friday evening by UTC: defaults taken from UTC's
date and clock put the start on the wrong day and sales opening twelve hours in the past.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

__all__ = ["DOORS_BEFORE", "SHOW_TIME", "STARTS_IN_DAYS", "NewConcertTimes", "new_concert_times"]

STARTS_IN_DAYS = 30
SHOW_TIME = time(20, 0)
DOORS_BEFORE = timedelta(hours=1)


@dataclass(frozen=True, slots=True)
class NewConcertTimes:
    """Wall-clock times at the venue (no zone), as the form holds them."""

    doors_at: datetime
    """An hour before the start."""
    starts_at: datetime
    """20:00 at the venue, thirty days after the venue's today."""
    sales_open_at: datetime
    """The first full hour at least an hour from now by the venue's clock: on sale soon, never in the past."""
    sales_close_at: datetime
    """At the start."""


def new_concert_times(now: datetime, zone: tzinfo) -> NewConcertTimes:
    """The defaults for a concert at a venue in ``zone``, created at the instant ``now`` (UTC-aware)."""
    local_now = now.astimezone(zone)
    show_day: date = local_now.date() + timedelta(days=STARTS_IN_DAYS)
    starts = datetime.combine(show_day, SHOW_TIME)  # the venue's wall clock, as the form holds it
    return NewConcertTimes(
        doors_at=starts - DOORS_BEFORE,
        starts_at=starts,
        sales_open_at=_next_full_hour(now + timedelta(hours=1), zone),
        sales_close_at=starts,
    )


def _next_full_hour(moment: datetime, zone: tzinfo) -> datetime:
    """The venue's wall clock at the first full hour at or after ``moment``. Rounded by the venue's clock (a
    zone 5:30 or 12:45 from UTC has its full hours at UTC's half or quarter hours); a full hour the clocks skip
    (spring forward) becomes the time it really is then."""
    wall = moment.astimezone(zone).replace(tzinfo=None)
    if wall != wall.replace(minute=0, second=0, microsecond=0):
        wall = wall.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    real = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone)
    return real.replace(tzinfo=None)
