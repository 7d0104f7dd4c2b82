"""The live-update fact: some places of a concert changed state."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.domain.ids import CategoryId, ConcertId, DeviceId, PlaceId
from core.domain.places import PlaceState


@dataclass(frozen=True, slots=True)
class PlaceChange:
    place_id: PlaceId
    state: PlaceState
    held_until: datetime | None = None


@dataclass(frozen=True, slots=True)
class PlacesChanged:
    """Published after commit. ``seq`` is assigned by the bus, per concert, so a subscriber sees gaps.

    ``availability_delta`` is the change in takeable places per price category caused by this commit; a
    subscriber that keeps counts applies it, one that keeps places recounts.
    """

    concert_id: ConcertId
    changes: tuple[PlaceChange, ...]
    availability_delta: dict[CategoryId, int] = field(default_factory=dict)
    origin_device: DeviceId | None = None
    seq: int = 0
