"""Reports for managers: the audit log as a filtered, paged list; CSV exports of a concert; the sales report.

Shared by the server and both staff clients, so the two sessions send and return the same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from core.domain.errors import ErrorCode, InputError

__all__ = [
    "AUDIT_PAGE_MAX",
    "AuditEntry",
    "AuditPage",
    "AuditQuery",
    "CategoryLine",
    "DayLine",
    "ExportKind",
    "GateLine",
    "SalesReport",
]

AUDIT_PAGE_MAX = 500
"""The most entries one page of the audit log holds (the export has no limit)."""


class ExportKind(StrEnum):
    ORDERS = "orders"
    TICKETS = "tickets"
    CHECKINS = "checkins"


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Which audit entries to show; every field left empty matches everything."""

    staff_id: int | None = None
    """Changes made by this staff member."""
    device_id: int | None = None
    """Changes made by (or as) this device."""
    action: str = ""
    """One action, e.g. ``venue_created``."""
    since: datetime | None = None
    """From this instant (inclusive)."""
    until: datetime | None = None
    """Up to this instant (exclusive): a day's end is the next day's start."""

    def checked(self) -> AuditQuery:
        """This query, or InputError (value_invalid) naming the field that cannot match anything."""
        for name, moment in (("since", self.since), ("until", self.until)):
            if moment is not None and moment.tzinfo is None:
                raise InputError(
                    name, "give a time with its time zone (UTC offset).", code=ErrorCode.TIME_NOT_AWARE
                )
        if self.since is not None and self.until is not None and self.until <= self.since:
            raise InputError(
                "until",
                "the end of the period is not after its start: swap the dates.",
                code=ErrorCode.VALUE_INVALID,
            )
        if self.staff_id is not None and self.device_id is not None:
            raise InputError(
                "device_id",
                "an entry is made by a person or a device, never both: choose one of the two.",
                code=ErrorCode.VALUE_INVALID,
            )
        if len(self.action) > 64:
            raise InputError("action", "an action is at most 64 characters.", code=ErrorCode.VALUE_INVALID)
        return self


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    """As stored: ``staff:<id>``, ``device:<id>`` or ``system:<name>``."""
    actor_name: str
    """Who that is now, for people to read: the staff member's or the device's name."""
    action: str
    subject: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: list[AuditEntry]
    """Newest first."""
    total: int
    """Entries matching the query, on every page."""
    older: int | None
    """Pass as ``before`` for the next (older) page; None on the last page."""
    actions: list[str]
    """Every action in the log, for the filter's choices."""


@dataclass(frozen=True, slots=True)
class CategoryLine:
    name: str
    price_minor: int
    sold: int
    """Tickets ever issued in this category (refunded ones too)."""
    refunded: int
    gross_minor: int
    refunded_minor: int

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.refunded_minor


@dataclass(frozen=True, slots=True)
class DayLine:
    day: date
    """In the venue's time zone."""
    orders: int
    tickets: int
    gross_minor: int


@dataclass(frozen=True, slots=True)
class GateLine:
    gate: str
    admitted: int


@dataclass(frozen=True, slots=True)
class SalesReport:
    """A concert's sales at a moment: the numbers its PDF prints."""

    concert_id: int
    title: str
    artist: str
    venue_name: str
    timezone: str
    starts_at: datetime
    status: str
    currency: str
    made_at: datetime
    capacity: int
    """Places of the concert, blocked ones included."""
    categories: list[CategoryLine]
    days: list[DayLine]
    gates: list[GateLine]
    orders: int
    refunds: int
    """Tickets refunded."""
    admitted: int
    """Tickets that have been let in at least once."""

    @property
    def sold(self) -> int:
        return sum(c.sold for c in self.categories)

    @property
    def valid(self) -> int:
        return self.sold - self.refunds

    @property
    def gross_minor(self) -> int:
        return sum(c.gross_minor for c in self.categories)

    @property
    def refunded_minor(self) -> int:
        return sum(c.refunded_minor for c in self.categories)

    @property
    def net_minor(self) -> int:
        return self.gross_minor - self.refunded_minor
