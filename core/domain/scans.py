"""What the door shows after a scan: the verdict, why, and the ticket's place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from core.domain.checkin import ScanResult
from core.domain.ids import ConcertId, TicketId


@dataclass(frozen=True, slots=True)
class ScanOutcome:
    result: ScanResult
    message: str
    """One sentence for door staff: the reason, and what to do."""
    ticket_id: TicketId | None = None
    concert_id: ConcertId | None = None
    serial: str | None = None
    place: str | None = None
    """'Stalls, row C, seat 12' or 'Floor, standing'."""
    first_scan_at: datetime | None = None
    """ALREADY USED: when it was admitted."""
    first_gate: str | None = None

    @property
    def admitted(self) -> bool:
        return self.result is ScanResult.ADMIT
