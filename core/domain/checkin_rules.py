"""The one set of check-in rules, online and offline: which answer a scanned ticket gets, in which order, and
the ScanOutcome each answer makes.

Pure: the online service gathers the facts from the database, the offline door from its local snapshot; both
ask ``judge`` and record the admit themselves (atomically, so two gates never admit one ticket twice).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from core.domain.door import SnapshotAge, describe_age
from core.domain.ids import ConcertId, TicketId
from core.domain.places import PlaceName
from core.domain.scan_reasons import REASONS, ScanReason, message_for
from core.domain.scans import ScanOutcome

__all__ = [
    "DoorFacts",
    "TicketFacts",
    "admitted",
    "already_used",
    "exited",
    "judge",
    "list_too_old",
    "no_ticket_list",
    "not_a_ticket",
    "not_genuine",
    "not_inside",
    "undone",
]


@dataclass(frozen=True, slots=True)
class DoorFacts:
    """The door that scans: its concert, when entry opens, and how it checks (database or snapshot)."""

    concert_id: ConcertId
    opens_at: datetime
    timezone: str
    demo_database: bool = False
    """Only a demo database admits DEMO tickets."""
    offline: bool = False
    """Checked against the door's local snapshot, not the database."""


@dataclass(frozen=True, slots=True)
class TicketFacts:
    """What the door's records (the database, or its snapshot offline) say of a ticket whose signature a
    trusted key verified. ``concert_id`` is the one signed in the ticket."""

    ticket_id: TicketId
    concert_id: ConcertId
    sold: bool
    """The records hold this ticket, sold with this very key and signature."""
    forged: bool = False
    """The records say it cannot be genuine: the ticket id was sold with another key or signature, or (online,
    where the database knows every ticket) it was never sold."""
    void: bool = False
    demo: bool = False
    serial: str | None = None
    place: str | None = None
    place_name: PlaceName | None = None
    """The place as parts (None from an older server's snapshot, which sent only ``place``)."""
    concert_title: str | None = None
    """The ticket's concert, when the door knows it (named by WRONG CONCERT)."""
    concert_at: datetime | None = None
    """When that concert's doors open, when the door knows it."""


def judge(ticket: TicketFacts, door: DoorFacts, now: datetime, *, entry: bool = True) -> ScanOutcome | None:
    """The refusal a genuine-signed ticket gets, or None: it may pass (the caller records the admit, or the
    exit, and says ADMITTED or ALREADY USED). The same order online and offline. Exits are never TOO EARLY."""
    if ticket.forged:
        return not_genuine(door)
    if ticket.concert_id != door.concert_id:
        return _outcome(
            ScanReason.WRONG_CONCERT, ticket, door, ticket_concert=_concert(ticket, door.timezone)
        )
    if ticket.void:
        return _outcome(ScanReason.VOID, ticket, door)
    if not ticket.sold:
        return not_genuine(door)  # offline: signed, but not in the snapshot (sold after it, or never paid)
    if ticket.demo and not door.demo_database:
        return _outcome(ScanReason.DEMO_TICKET, ticket, door)
    if entry and now < door.opens_at:
        return _outcome(ScanReason.TOO_EARLY, ticket, door, opens=_when(door.opens_at, door.timezone, now))
    return None


def admitted(ticket: TicketFacts, door: DoorFacts) -> ScanOutcome:
    return _outcome(ScanReason.ADMITTED, ticket, door, place=ticket.place or "")


def already_used(
    ticket: TicketFacts, door: DoorFacts, now: datetime, at: datetime | None, gate: str | None
) -> ScanOutcome:
    first_at = _when(at, door.timezone, now) if at is not None else "earlier"
    outcome = _outcome(
        ScanReason.ALREADY_USED, ticket, door, first_at=first_at, first_gate=gate or "another gate"
    )
    return replace(outcome, first_scan_at=at, first_gate=gate)


def exited(ticket: TicketFacts, door: DoorFacts) -> ScanOutcome:
    return _outcome(ScanReason.EXITED, ticket, door, place=ticket.place or "")


def not_inside(ticket: TicketFacts, door: DoorFacts) -> ScanOutcome:
    return _outcome(ScanReason.NOT_INSIDE, ticket, door)


def not_a_ticket(*, newer_format: bool = False, offline: bool = False) -> ScanOutcome:
    """The text is no ticket code (or one of a newer format): nothing in it can be shown."""
    reason = ScanReason.NEWER_FORMAT if newer_format else ScanReason.NOT_A_TICKET
    return ScanOutcome(REASONS[reason].result, reason, message_for(reason, offline=offline), offline=offline)


def not_genuine(door: DoorFacts | None = None) -> ScanOutcome:
    """Forged or altered: nothing about the ticket can be trusted, so nothing of it is shown."""
    offline = door is not None and door.offline
    reason = ScanReason.NOT_GENUINE
    return ScanOutcome(REASONS[reason].result, reason, message_for(reason, offline=offline), offline=offline)


def no_ticket_list() -> ScanOutcome:
    reason = ScanReason.NO_TICKET_LIST
    return ScanOutcome(REASONS[reason].result, reason, message_for(reason, offline=True), offline=True)


def list_too_old(door: DoorFacts, age: SnapshotAge) -> ScanOutcome:
    """Offline with a list past its maximum age: the door checks nothing (staff check by hand)."""
    reason = ScanReason.LIST_TOO_OLD
    message = message_for(
        reason,
        offline=True,
        made=_time(age.refreshed_at, door.timezone),
        age=describe_age(age.age),
        limit=describe_age(age.max_age),
    )
    return ScanOutcome(REASONS[reason].result, reason, message, offline=True, timezone=door.timezone)


def undone(ticket: TicketFacts, door: DoorFacts, *, reopened: bool) -> ScanOutcome:
    """Undo took the door's last admit back (``reopened``), or only its journal line (admitted again since)."""
    reason = ScanReason.ADMIT_UNDONE if reopened else ScanReason.UNDONE_STILL_INSIDE
    return _outcome(reason, ticket, door, place=ticket.place or "")


def _outcome(reason: ScanReason, ticket: TicketFacts, door: DoorFacts, **details: str) -> ScanOutcome:
    wrong = reason is ScanReason.WRONG_CONCERT
    return ScanOutcome(
        REASONS[reason].result,
        reason,
        message_for(reason, offline=door.offline, **details),
        ticket_id=ticket.ticket_id,
        concert_id=ticket.concert_id,
        serial=ticket.serial,
        place=ticket.place,
        place_name=ticket.place_name,
        offline=door.offline,
        opens_at=door.opens_at if reason is ScanReason.TOO_EARLY else None,
        ticket_concert=ticket.concert_title if wrong else None,
        ticket_concert_at=ticket.concert_at if wrong else None,
        timezone=door.timezone,
    )


def _concert(ticket: TicketFacts, timezone: str) -> str:
    if ticket.concert_title is None:
        return "another concert"
    if ticket.concert_at is None:
        return ticket.concert_title
    return f"{ticket.concert_title}, doors {_date(ticket.concert_at, timezone)} {_time(ticket.concert_at, timezone)}"


def _when(moment: datetime, timezone: str, now: datetime) -> str:
    """'at 19:30' today in the venue, 'on Sat 12 Jun at 19:30' on another day."""
    zone = ZoneInfo(timezone)
    if moment.astimezone(zone).date() == now.astimezone(zone).date():
        return f"at {_time(moment, timezone)}"
    return f"on {_date(moment, timezone)} at {_time(moment, timezone)}"


def _date(moment: datetime, timezone: str) -> str:
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{local:%a} {local.day} {local:%b}"


def _time(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M")
