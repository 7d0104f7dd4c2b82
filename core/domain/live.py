"""What a live seat map shows: one concert's availability as buyers see it now, and whether it is live."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.domain.ids import CategoryId, ConcertId, PlaceId
from core.domain.places import PlaceState

__all__ = ["AvailabilityView"]


@dataclass(frozen=True, slots=True)
class AvailabilityView:
    concert_id: ConcertId
    states: Mapping[PlaceId, PlaceState]
    """Every place as buyers see it now (a lapsed hold shows free). A read-only copy."""
    availability: Mapping[CategoryId, int]
    changed: frozenset[PlaceId]
    """Places whose state changed since the previous view; every place after a reload."""
    reloaded: bool
    live: bool
    """False while the bus is unreachable: updates then come from polling, a little later."""
    storage_ok: bool
    """False when the last database read failed; the view is then the last good one."""
    as_of: datetime

    @property
    def total_available(self) -> int:
        return sum(self.availability.values())
