"""What the door shows after a scan: the verdict, its reason code, whether it was checked offline, the place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.checkin import ScanResult
from core.domain.ids import ConcertId, TicketId
from core.domain.places import PlaceName
from core.domain.scan_reasons import ScanReason

__all__ = ["ScanOutcome"]


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    result: ScanResult
    reason: ScanReason
    """Why (core.domain.scan_reasons): apps choose their words by it, never by parsing ``message``."""
    message: str
    """Core's English sentence for door staff: the reason, and what to do."""
    ticket_id: TicketId | None = None
    concert_id: ConcertId | None = None
    """The ticket's concert (for WRONG CONCERT: not the door's)."""
    serial: str | None = None
    place: str | None = None
    """'Stalls, row C, seat 12' or 'Floor, standing': core's English (logs, clients without place_name)."""
    place_name: PlaceName | None = None
    """The place as parts, with the section's names in other languages: the door says it in its own language."""
    first_scan_at: datetime | None = None
    """ALREADY USED: when it was admitted."""
    first_gate: str | None = None
    offline: bool = False
    """Checked by signature against the door's local snapshot; the database was not asked."""
    opens_at: datetime | None = None
    """TOO EARLY: when entry opens."""
    ticket_concert: str | None = None
    """WRONG CONCERT: the title of the ticket's concert, when the door knows it."""
    ticket_concert_at: datetime | None = None
    """WRONG CONCERT: when that concert's doors open, when the door knows it."""
    timezone: str | None = None
    """The venue's timezone, to show the times above."""

    @property
    def admitted(self) -> bool:
        return self.result is ScanResult.ADMIT and self.reason is ScanReason.ADMITTED
