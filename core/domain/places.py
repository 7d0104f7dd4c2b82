"""Places: the sellable units of a concert, and when one can be taken."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from core.domain.ids import CategoryId, ConcertId, HoldId, PlaceId, SeatId, SectionId, TicketId
from core.domain.names import Translations


class PlaceState(StrEnum):
    FREE = "free"
    HELD = "held"
    SOLD = "sold"
    BLOCKED = "blocked"


def place_label(section: str, row: str | None, number: int | None) -> str:
    """How a place is named everywhere (kiosk, ticket, door): 'Stalls, row C, seat 12' or 'Floor, standing'."""
    return f"{section}, standing" if row is None else f"{section}, row {row}, seat {number}"


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A place as parts, so each app and the ticket say it in their buyer's language ('Parkett, Reihe C, Platz
    12'); ``place_label`` is the English sentence. ``row`` and ``seat`` are None for a standing place."""

    section: str
    row: str | None = None
    seat: int | None = None
    section_names: Translations = ()
    """The section's name in other languages (core.domain.names.name_in picks one)."""

    @property
    def standing(self) -> bool:
        return self.seat is None

    @property
    def label(self) -> str:
        return place_label(self.section, self.row, self.seat)


def is_takeable(state: PlaceState, held_until: datetime | None, now: datetime) -> bool:
    """Free, or held by a hold that has lapsed: a lapsed hold is free without any job running."""
    if state is PlaceState.FREE:
        return True
    return state is PlaceState.HELD and held_until is not None and held_until <= now


@dataclass(frozen=True, slots=True)
class Place:
    id: PlaceId
    concert_id: ConcertId
    section_id: SectionId
    seat_id: SeatId | None
    category_id: CategoryId
    state: PlaceState
    hold_id: HoldId | None = None
    held_until: datetime | None = None
    ticket_id: TicketId | None = None

    def takeable(self, now: datetime) -> bool:
        return is_takeable(self.state, self.held_until, now)
