"""What the door says, in the staff's language: the verdict word and tone per result, one sentence per reason
code (core.domain.scan_reasons), with the outcome's details (when, where, which concert) filled in."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.domain.checkin import ScanResult
from core.domain.ids import ConcertId
from core.domain.local_formats import day_text, time_text
from core.domain.scan_reasons import ScanReason
from core.domain.scans import ScanOutcome
from kiosk.viewmodels.i18n import QT_TRANSLATE_NOOP as T
from kiosk.viewmodels.i18n import Text, current_language
from kiosk.viewmodels.words import PlaceText

__all__ = ["REASON_TEXTS", "WORDS", "Day", "Tone", "doors_text", "place_text", "reason_text"]


class Tone(StrEnum):
    ADMIT = "admit"
    REFUSE = "refuse"
    WARN = "warn"


WORDS: dict[ScanResult, tuple[Text, Tone]] = {
    ScanResult.ADMIT: (T("Door", "ADMIT"), Tone.ADMIT),
    ScanResult.ALREADY_USED: (T("Door", "ALREADY USED"), Tone.REFUSE),
    ScanResult.NOT_VALID: (T("Door", "NOT VALID"), Tone.REFUSE),
    ScanResult.WRONG_CONCERT: (T("Door", "WRONG CONCERT"), Tone.REFUSE),
    ScanResult.VOID: (T("Door", "VOID"), Tone.REFUSE),
    ScanResult.TOO_EARLY: (T("Door", "TOO EARLY"), Tone.WARN),
    ScanResult.EXITED: (T("Door", "EXIT OK"), Tone.ADMIT),
    ScanResult.NOT_INSIDE: (T("Door", "NOT INSIDE"), Tone.WARN),
    ScanResult.UNCHECKED: (T("Door", "CHECK BY HAND"), Tone.WARN),
}

REASON_TEXTS: dict[ScanReason, Text] = {
    ScanReason.ADMITTED: T("Door", "Let the guest in."),
    ScanReason.ALREADY_USED: T("Door", "Admitted {when} at {gate}. Do not admit again."),
    ScanReason.NOT_A_TICKET: T(
        "Door", "This is not a ticket code, or it is damaged. Do not admit; scan the ticket's QR code."
    ),
    ScanReason.NEWER_FORMAT: T(
        "Door",
        "This ticket is in a format this door does not know. Do not admit; update the door or check the order "
        "at the box office.",
    ),
    ScanReason.NOT_GENUINE: T(
        "Door",
        "This ticket was not issued by this box office, or it was altered. Do not admit; send the guest to the "
        "box office.",
    ),
    ScanReason.NO_TICKET_LIST: T(
        "Door",
        "This door has no ticket list for this concert, so it cannot check tickets offline. Do not admit; call "
        "a manager.",
    ),
    ScanReason.LIST_TOO_OLD: T(
        "Door",
        "This door's offline list is too old to check tickets by. Connect the door to the network, or check "
        "tickets by hand.",
    ),
    ScanReason.DEMO_TICKET: T(
        "Door",
        "This is a DEMO ticket from a test system, sold for no money; it is not valid for entry here. Do not "
        "admit; send the guest to the box office.",
    ),
    ScanReason.WRONG_CONCERT: T("Door", "This ticket is for {concert}. Send the guest to the box office."),
    ScanReason.VOID: T("Door", "This ticket was refunded or cancelled. Do not admit."),
    ScanReason.TOO_EARLY: T("Door", "Entry opens {when}. Ask the guest to wait."),
    ScanReason.EXITED: T("Door", "The guest may come back in with this ticket."),
    ScanReason.NOT_INSIDE: T("Door", "This ticket has not been admitted; nothing to do."),
    ScanReason.ADMIT_UNDONE: T("Door", "Undone: {place} may be scanned again."),
    ScanReason.UNDONE_STILL_INSIDE: T(
        "Door",
        "Undone in the journal, but {place} was admitted again since (another gate or a re-entry): it stays "
        "inside.",
    ),
}
"""Every reason core can give has its sentence here (a test checks): the door never shows core's English."""

_AT = T("Door", "at {time}")
_ON = T("Door", "on {date} at {time}")
_EARLIER = T("Door", "earlier")
_ANOTHER_GATE = T("Door", "another gate")
_ANOTHER_CONCERT = T("Door", "another concert")
_CONCERT = T("Door", "{title} ({when})")
_DOORS = T("Door", "{date}, doors {time}")


def reason_text(
    outcome: ScanOutcome, now: datetime, concerts: Iterable[tuple[ConcertId, str, Text | str]] = ()
) -> Text:
    """The sentence for ``outcome``; ``concerts`` (id, title, when) name a ticket's concert the server did not
    (offline)."""
    text = REASON_TEXTS[outcome.reason]
    zone = outcome.timezone or "UTC"
    match outcome.reason:
        case ScanReason.ALREADY_USED:
            when = _when(outcome.first_scan_at, zone, now) if outcome.first_scan_at else _EARLIER
            return text.format(when=when, gate=outcome.first_gate or _ANOTHER_GATE)
        case ScanReason.TOO_EARLY:
            return text.format(when=_when(outcome.opens_at, zone, now) if outcome.opens_at else _EARLIER)
        case ScanReason.WRONG_CONCERT:
            return text.format(concert=_concert(outcome, zone, concerts))
        case ScanReason.ADMIT_UNDONE | ScanReason.UNDONE_STILL_INSIDE:
            return text.format(place=place_text(outcome) or "")
    return text


def place_text(outcome: ScanOutcome) -> PlaceText | None:
    """The scanned ticket's place in the door's language (core's English label from an older server)."""
    if outcome.place_name is None and not outcome.place:
        return None
    return PlaceText(outcome.place_name, outcome.place or "")


@dataclass(frozen=True, slots=True)
class Day:
    """A day in the venue's timezone, written in the language current when shown: 'Tue 8 Dec', 'Di., 8. Dez.'."""

    moment: datetime
    zone: str

    def __str__(self) -> str:
        return day_text(self.moment.astimezone(ZoneInfo(self.zone)), current_language())


def doors_text(doors_at: datetime, timezone: str) -> Text:
    """'Tue 8 Dec, doors 18:30' in the venue's timezone."""
    return _DOORS.format(date=Day(doors_at, timezone), time=_time(doors_at, timezone))


def _concert(
    outcome: ScanOutcome, zone: str, concerts: Iterable[tuple[ConcertId, str, Text | str]]
) -> Text | str:
    if outcome.ticket_concert is not None:
        if outcome.ticket_concert_at is None:
            return outcome.ticket_concert
        return _CONCERT.format(title=outcome.ticket_concert, when=doors_text(outcome.ticket_concert_at, zone))
    for concert_id, title, when in concerts:
        if concert_id == outcome.concert_id:
            return _CONCERT.format(title=title, when=when) if when else title
    return _ANOTHER_CONCERT


def _when(moment: datetime, zone: str, now: datetime) -> Text:
    """'at 19:30' on the venue's today, 'on Sat 12 Jun at 19:30' on any other day."""
    if moment.astimezone(ZoneInfo(zone)).date() == now.astimezone(ZoneInfo(zone)).date():
        return _AT.format(time=_time(moment, zone))
    return _ON.format(date=Day(moment, zone), time=_time(moment, zone))


def _time(moment: datetime, zone: str) -> str:
    return time_text(moment.astimezone(ZoneInfo(zone)), current_language())
