"""TicketDocument: everything printed on one ticket, with the venue-local wording of its times and place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.money import Money

DEFAULT_SMALL_PRINT = (
    "Valid for one admission only. Non-transferable and not for resale; "
    "a resold ticket may be cancelled without refund. No refund or exchange except where the law or the "
    "organiser's terms provide for one. Keep this ticket dry and flat; the QR code is checked at the door "
    "and only its first scan admits."
)

# English names, not strftime's %a/%b: the printed ticket must not depend on the machine's locale.
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_QR_MAX = 400


@dataclass(frozen=True, slots=True)
class TicketDocument:
    """The printable face of one ticket. `seat is None` means a standing place; `qr_text` is opaque."""

    concert_title: str
    artist: str
    venue_name: str
    venue_timezone: str
    doors_at: datetime
    starts_at: datetime
    section: str
    row: str | None
    seat: int | None
    category: str
    price: Money
    order_code: str
    serial: str
    qr_text: str
    demo: bool = False
    small_print: str = DEFAULT_SMALL_PRINT

    def __post_init__(self) -> None:
        for name in ("doors_at", "starts_at"):
            value: datetime = getattr(self, name)
            if value.utcoffset() != timedelta(0):
                raise ValueError(f"{name} must be a timezone-aware UTC datetime, not {value!r}")
        try:
            ZoneInfo(self.venue_timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"venue_timezone {self.venue_timezone!r} is not an IANA time zone") from exc
        if not self.qr_text or len(self.qr_text) > _QR_MAX:
            raise ValueError(f"qr_text must hold 1 to {_QR_MAX} characters, not {len(self.qr_text)}")
        if self.doors_at > self.starts_at:
            raise ValueError("doors_at must not be after starts_at")

    @property
    def standing(self) -> bool:
        return self.seat is None

    def local_doors(self) -> datetime:
        return self.doors_at.astimezone(ZoneInfo(self.venue_timezone))

    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.venue_timezone))

    def date_text(self) -> str:
        """The concert's local date, e.g. 'Wed 2 Dec 2026'."""
        return _date(self.local_start())

    def times_text(self) -> str:
        """Doors and start in the venue's time, e.g. 'Doors 19:00 · Start 20:00'."""
        doors, start = self.local_doors(), self.local_start()
        doors_day = "" if doors.date() == start.date() else f"{_DAYS[doors.weekday()]} "
        return f"Doors {doors_day}{doors:%H:%M} · Start {start:%H:%M}"

    def when_text(self) -> str:
        """One line, e.g. 'Wed 2 Dec 2026 · Doors 19:00 · Start 20:00'."""
        return f"{self.date_text()} · {self.times_text()}"

    def place_text(self) -> str:
        """Section, row and seat in one line, or the standing section, e.g. 'Stalls · Row F · Seat 12'."""
        if self.seat is None:
            return f"{self.section} · Standing"
        parts = [self.section]
        if self.row:
            parts.append(f"Row {self.row}")
        parts.append(f"Seat {self.seat}")
        return " · ".join(parts)


def _date(moment: datetime) -> str:
    return f"{_DAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]} {moment.year}"
