"""Offline door words: the local snapshot a door checks against, a sync's report, a double-admit conflict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.ids import ConcertId, TicketId

__all__ = ["OFFLINE_NOTE", "CheckinConflict", "SnapshotInfo", "SyncReport"]

OFFLINE_NOTE = "OFFLINE — checked by signature."
"""Appended to every offline verdict, so door staff know the database was not asked."""


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """What a door copied for offline use, and when (the door shows its age)."""

    concert_id: ConcertId
    refreshed_at: datetime
    keys: int
    tickets: int
    void: int


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
