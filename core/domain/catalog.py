"""What the kiosk shows: concerts on sale, a concert's seat map, availability per price category."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from core.domain.concerts import Concert, PriceCategory
from core.domain.ids import CategoryId, ConcertId, PlaceId, SectionId
from core.domain.money import Money
from core.domain.names import Translations
from core.domain.places import PlaceState
from core.domain.venues import SectionKind


@dataclass(frozen=True, slots=True)
class Availability:
    concert_id: ConcertId
    by_category: Mapping[CategoryId, int]

    @property
    def total(self) -> int:
        return sum(self.by_category.values())


@dataclass(frozen=True, slots=True)
class ConcertSummary:
    concert: Concert
    venue_name: str
    timezone: str
    min_price: Money
    max_price: Money
    available: int


@dataclass(frozen=True, slots=True)
class MapPlace:
    """One place on the seat map. Standing places have no row, number or position."""

    id: PlaceId
    section_id: SectionId
    category_id: CategoryId
    state: PlaceState
    """As buyers see it now: a lapsed hold shows as free."""
    held_until: datetime | None = None
    """When a held place becomes free again by itself."""
    row: str | None = None
    number: int | None = None
    x: float = 0.0
    y: float = 0.0
    accessible: bool = False
    companion: bool = False
    restricted_view: bool = False


@dataclass(frozen=True, slots=True)
class StandingInfo:
    """A standing section on the seat map: a block between the stage and the seats, chosen by number."""

    section_id: SectionId
    name: str
    category_id: CategoryId
    """Its colour on the map."""
    price: Money | None
    """What a place costs; None for a seating plan's section, which has no concert and no price yet."""
    left: int
    """Places left to sell; a plan's section: the places it has."""


@dataclass(frozen=True, slots=True)
class MapSection:
    id: SectionId
    name: str
    kind: SectionKind
    capacity: int
    names: Translations = ()
    """The name in other languages, as the venue entered them."""


@dataclass(frozen=True, slots=True)
class SeatMap:
    concert: Concert
    venue_name: str
    timezone: str
    sections: tuple[MapSection, ...]
    categories: tuple[PriceCategory, ...]
    places: tuple[MapPlace, ...]
    as_of: datetime

    def availability(self) -> Availability:
        counts: dict[CategoryId, int] = {c.id: 0 for c in self.categories}
        for p in self.places:
            if p.state is PlaceState.FREE:
                counts[p.category_id] = counts.get(p.category_id, 0) + 1
        return Availability(self.concert.id, counts)
