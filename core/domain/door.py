"""Offline door words: the snapshot a door checks against, its offline admits, a sync's report, a conflict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from core.domain.ids import ConcertId, TicketId
from core.domain.places import PlaceName

__all__ = [
    "OFFLINE_NOTE",
    "CheckinConflict",
    "DoorSnapshot",
    "OfflineAdmit",
    "Replay",
    "SnapshotAge",
    "SnapshotHeader",
    "SnapshotInfo",
    "SnapshotKey",
    "SnapshotTicket",
    "SyncReport",
    "describe_age",
]

OFFLINE_NOTE = "OFFLINE — checked by signature."
"""Appended to every offline verdict's English message (ScanOutcome.offline says it for programs)."""


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """What a door copied for offline use, and when (the door shows its age)."""

    concert_id: ConcertId
    refreshed_at: datetime
    keys: int
    tickets: int
    void: int


@dataclass(frozen=True, slots=True)
class SnapshotAge:
    """How old the door's offline list is, by the door's clock (the server's time, corrected at sign-in)."""

    refreshed_at: datetime
    """When the server made it (server time, carried in the snapshot)."""
    age: timedelta
    max_age: timedelta
    """The door_snapshot_max_age_s setting: older than this, the door checks no ticket offline."""
    timezone: str = ""
    """The venue's zone, from the snapshot: a door offline from its start knows its times' clock from it."""

    @classmethod
    def at(cls, refreshed_at: datetime, now: datetime, max_age: timedelta, timezone: str = "") -> SnapshotAge:
        # A clock that went back reads as "just made", never as a negative age.
        return cls(refreshed_at, max(timedelta(0), now - refreshed_at), max_age, timezone)

    @property
    def too_old(self) -> bool:
        return self.age > self.max_age


def describe_age(age: timedelta) -> str:
    """'2 h 05 min', '45 min', '3 d 4 h': short enough for a status line."""
    minutes = int(age.total_seconds() // 60)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@dataclass(frozen=True, slots=True)
class SnapshotHeader:
    """Which concert a door's snapshot is for, when its check-in opens (in the venue's timezone), and when the
    snapshot was taken."""

    concert_id: ConcertId
    opens_at: datetime
    timezone: str
    refreshed_at: datetime
    demo_database: bool = False
    """The server's database was a demo when the snapshot was taken: only then are DEMO tickets valid."""


@dataclass(frozen=True, slots=True)
class SnapshotKey:
    """A ticket-signing public key the door trusts offline (public keys only: nothing here can sign)."""

    key_id: int
    public_key: bytes


@dataclass(frozen=True, slots=True)
class SnapshotTicket:
    """One valid ticket of the concert, as the door checks it offline."""

    ticket_id: TicketId
    serial: str
    place: str
    admitted_at: datetime | None = None
    """Already inside when the snapshot was taken (admitted by any door): offline says ALREADY USED."""
    admitted_gate: str | None = None
    key_id: int | None = None
    """The key that signed it at checkout: offline, only that key vouches for this ticket."""
    demo: bool = False
    """Sold as a DEMO ticket (its order carries the demo mark)."""
    place_name: PlaceName | None = None
    """``place`` as parts, with the section's names in other languages (an older server sends none)."""


@dataclass(frozen=True, slots=True)
class DoorSnapshot:
    """Everything a door needs to check one concert's tickets with no server: what the server sends it."""

    header: SnapshotHeader
    keys: tuple[SnapshotKey, ...]
    void: tuple[TicketId, ...]
    """Refunded or cancelled tickets: offline they say VOID."""
    tickets: tuple[SnapshotTicket, ...]
    """The concert's valid tickets."""

    def info(self) -> SnapshotInfo:
        return SnapshotInfo(
            self.header.concert_id,
            self.header.refreshed_at,
            keys=len(self.keys),
            tickets=len(self.tickets),
            void=len(self.void),
        )


@dataclass(frozen=True, slots=True)
class OfflineAdmit:
    """An ADMIT a door gave offline, replayed on the server when it is back. The device is never named here:
    the server knows which door sends it."""

    journal_id: str
    """Unique per scan (a UUID the door made): a replay of the same entry is recorded once."""
    ticket_id: TicketId
    gate: str
    scanned_at: datetime


class Replay(StrEnum):
    """What the server made of one replayed offline admit."""

    RECORDED = "recorded"
    CONFLICT = "conflict"
    """The ticket was admitted elsewhere too (or is void): one admit kept, the other reported."""
    ALREADY_KNOWN = "already_known"
    UNKNOWN_TICKET = "unknown_ticket"


@dataclass(frozen=True, slots=True)
class SyncReport:
    """One sync of a door's offline journal."""

    recorded: int = 0
    """Offline admits the server now knows as admits."""
    conflicts: int = 0
    """Offline admits of a ticket another door had also admitted (or that was void): reported, not dropped."""
    already_known: int = 0
    """Entries an earlier sync had already recorded (its reply was lost, or it ran twice)."""
    unknown: int = 0
    """Admits of a ticket the server does not know; left to the journal file."""
    other: int = 0
    """Refusals (NOT VALID, VOID, ...): nothing for the server to record; marked synced."""
    pending: int = 0
    """Entries still to send (the database went away again during the sync)."""


@dataclass(frozen=True, slots=True)
class CheckinConflict:
    """A ticket admitted twice (at two doors, at least one of them offline), or admitted offline while void.

    ``admitted_*`` is the admit the server kept (the earlier one by scan time); ``duplicate_*`` the other one.
    """

    id: int
    ticket_id: TicketId
    concert_id: ConcertId
    serial: str
    place: str
    duplicate_gate: str
    duplicate_at: datetime
    duplicate_offline: bool
    admitted_gate: str | None
    admitted_at: datetime | None
    admitted_offline: bool | None
    ticket_void: bool
    detected_at: datetime
