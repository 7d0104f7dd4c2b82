"""What the admin app's dashboard and door monitor show: sales over time, check-ins by gate and minute, device
health, and how a manager settles an offline door conflict."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.domain.devices import Device
from core.domain.health import DeviceHealth
from core.domain.ids import ConcertId

__all__ = [
    "CheckinActivity",
    "ConflictResolution",
    "DeviceStatusRow",
    "GateMinute",
    "GateTotal",
    "ResolveConflictRequest",
    "SalesPoint",
    "SalesSeries",
    "cumulative_sales",
]


@dataclass(frozen=True, slots=True)
class SalesPoint:
    at: datetime
    """The end of a bucket (an hour, or a day for a long sale)."""
    tickets: int
    """Valid tickets sold up to then (cumulative)."""


@dataclass(frozen=True, slots=True)
class SalesSeries:
    """Tickets sold over time for one concert, cumulative, one point per bucket that had a sale."""

    concert_id: ConcertId
    points: tuple[SalesPoint, ...]
    bucket: timedelta
    total: int


HOURLY_UP_TO = timedelta(days=3)
"""A sale younger than this is plotted by the hour; older, by the day (a chart of at most a few hundred points)."""


def cumulative_sales(
    concert_id: ConcertId, sales: Iterable[tuple[datetime, int]], *, now: datetime
) -> SalesSeries:
    """(sale time, tickets) rows into a cumulative series, bucketed by hour or by day by the sale's span."""
    rows = sorted(sales)
    if not rows:
        return SalesSeries(concert_id, (), timedelta(hours=1), 0)
    bucket = timedelta(hours=1) if now - rows[0][0] <= HOURLY_UP_TO else timedelta(days=1)
    start = rows[0][0].replace(minute=0, second=0, microsecond=0)
    if bucket == timedelta(days=1):
        start = start.replace(hour=0)
    points: list[SalesPoint] = []
    total = 0
    for at, count in rows:
        total += count
        # The bucket's end, or now while the bucket is still running (a chart never runs into the future).
        end = min(start + bucket * ((at - start) // bucket + 1), max(now, at))
        if points and points[-1].at == end:
            points[-1] = SalesPoint(end, total)
        else:
            points.append(SalesPoint(end, total))
    return SalesSeries(concert_id, tuple(points), bucket, total)


@dataclass(frozen=True, slots=True)
class GateMinute:
    minute: datetime
    """The minute's start (UTC)."""
    gate: str
    admitted: int


@dataclass(frozen=True, slots=True)
class GateTotal:
    gate: str
    admitted: int
    """Entries through this gate, undone ones not counted."""
    last_at: datetime | None
    """Its latest entry."""


@dataclass(frozen=True, slots=True)
class CheckinActivity:
    """The door monitor: who is in, how fast they come, by gate."""

    concert_id: ConcertId
    as_of: datetime
    tickets: int
    """Valid tickets of the concert."""
    admitted: int
    """Tickets admitted at least once (an entry not undone)."""
    inside: int
    """Tickets inside now (re-entry counts them out and in)."""
    rate_per_minute: float
    """Entries per minute over the last RATE_WINDOW."""
    gates: tuple[GateTotal, ...]
    minutes: tuple[GateMinute, ...]
    """Entries per minute and gate over the last ``window_minutes`` (minutes with none are left out)."""
    window_minutes: int

    def per_gate_minutes(self) -> dict[str, dict[datetime, int]]:
        found: dict[str, dict[datetime, int]] = {}
        for m in self.minutes:
            found.setdefault(m.gate, {})[m.minute] = m.admitted
        return found


RATE_WINDOW = timedelta(minutes=5)


def minute_of(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def per_minute(entries: Sequence[tuple[str, datetime]]) -> tuple[GateMinute, ...]:
    counts: dict[tuple[datetime, str], int] = {}
    for gate, at in entries:
        key = (minute_of(at), gate)
        counts[key] = counts.get(key, 0) + 1
    return tuple(GateMinute(minute, gate, n) for (minute, gate), n in sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class DeviceStatusRow:
    """A kiosk or door as the dashboard shows it: the device (with when it last signed in, from the database)
    and its latest health report over MQTT, if the server has one."""

    device: Device
    health: DeviceHealth | None
    reported_at: datetime | None = None
    """When the server received that report (its own ``at`` is the device's clock)."""

    def online(self, now: datetime, stale_after: timedelta) -> bool:
        """Reported lately and said the database answers."""
        return (
            self.health is not None
            and self.health.online
            and self.reported_at is not None
            and now - self.reported_at <= stale_after
        )


class ConflictResolution(StrEnum):
    """What a manager found out about a ticket admitted twice while doors were offline."""

    SAME_GUEST = "same_guest"
    """One guest scanned twice (at two doors, or back in): nothing wrong."""
    COPIED_TICKET = "copied_ticket"
    """Two people came in on one ticket: a copy got in (noted for the venue's records)."""
    REFUNDED_ADMIT = "refunded_admit"
    """A refunded ticket was admitted offline: let the admit stand, follow up with the buyer."""


@dataclass(frozen=True, slots=True)
class ResolveConflictRequest:
    resolution: ConflictResolution
    note: str = ""
