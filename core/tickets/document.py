"""TicketDocument: everything printed on one ticket, with the venue-local times and the words of its language."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.money import Money
from core.tickets.words import ENGLISH, TicketWords, date_text, money_text, time_text, weekday_text, words_for

DEFAULT_SMALL_PRINT = ENGLISH.small_print
_QR_MAX = 400


@dataclass(frozen=True, slots=True)
class TicketDocument:
    """The printable face of one ticket. `seat is None` means a standing place; `qr_text` is opaque. Names
    (section, category) come already in `language`, the sale's; the ticket's own words follow it."""

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
    small_print: str = ""
    """Empty: the standard conditions in the ticket's language."""
    language: str = "en"

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
    def words(self) -> TicketWords:
        return words_for(self.language)

    @property
    def conditions(self) -> str:
        """The small print: the one given, else the standard conditions in the ticket's language."""
        return self.small_print or self.words.small_print

    def price_text(self) -> str:
        """The price as the ticket's language writes money: '€45.00', '45,00 €'."""
        return money_text(self.price, self.language)

    @property
    def standing(self) -> bool:
        return self.seat is None

    def local_doors(self) -> datetime:
        return self.doors_at.astimezone(ZoneInfo(self.venue_timezone))

    def local_start(self) -> datetime:
        return self.starts_at.astimezone(ZoneInfo(self.venue_timezone))

    def date_text(self) -> str:
        """The concert's local date, e.g. 'Wed, 2 Dec 2026' ('Mi., 2. Dez. 2026')."""
        return date_text(self.local_start(), self.language)

    def times_text(self) -> str:
        """Doors and start in the venue's time, e.g. 'Doors 19:00 · Start 20:00' ('Einlass 19:00 · Beginn …')."""
        doors, start = self.local_doors(), self.local_start()
        lang, words = self.language, self.words
        doors_day = "" if doors.date() == start.date() else f"{weekday_text(doors, lang)} "
        return f"{words.doors} {doors_day}{time_text(doors, lang)} · {words.start} {time_text(start, lang)}"

    def when_text(self) -> str:
        """One line, e.g. 'Wed 2 Dec 2026 · Doors 19:00 · Start 20:00'."""
        return f"{self.date_text()} · {self.times_text()}"

    def place_text(self) -> str:
        """Section, row and seat in one line, or the standing section, e.g. 'Stalls · Row F · Seat 12'."""
        words = self.words
        if self.seat is None:
            return f"{self.section} · {words.standing}"
        parts = [self.section]
        if self.row:
            parts.append(f"{words.row} {self.row}")
        parts.append(f"{words.seat} {self.seat}")
        return " · ".join(parts)
