"""Holds: places kept for one buyer for a short, extendable time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.domain.ids import ConcertId, HoldId, PlaceId
from core.domain.money import Money
from core.domain.names import Translations
from core.domain.places import PlaceName


class HoldState(StrEnum):
    ACTIVE = "active"
    RELEASED = "released"
    CHECKED_OUT = "checked_out"


@dataclass(frozen=True, slots=True)
class HeldPlace:
    place_id: PlaceId
    label: str
    """'Stalls, row C, seat 12' or 'Floor, standing'."""
    category: str
    price: Money
    place: PlaceName | None = None
    """The label's parts, for words in the buyer's language (None only from an older server)."""
    category_names: Translations = ()
    """The category's name in other languages."""


@dataclass(frozen=True, slots=True)
class Hold:
    id: HoldId
    concert_id: ConcertId
    places: tuple[HeldPlace, ...]
    expires_at: datetime
    extensions_used: int
    extensions_allowed: int

    @property
    def total(self) -> Money:
        currency = self.places[0].price.currency
        return Money.total([p.price for p in self.places], currency)

    @property
    def can_extend(self) -> bool:
        return self.extensions_used < self.extensions_allowed
