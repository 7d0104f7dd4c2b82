"""Venues and their seating plans."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.ids import PlanId, SeatId, SectionId, VenueId


class SectionKind(StrEnum):
    SEATED = "seated"
    STANDING = "standing"


class Numbering(StrEnum):
    """Which way seat numbers run along a row, seen from the stage's audience side (facing the stage)."""

    LEFT_TO_RIGHT = "left_to_right"
    RIGHT_TO_LEFT = "right_to_left"


class SeatMark(StrEnum):
    """What a manager can mark on a plan's seats after it is made."""

    ACCESSIBLE = "accessible"
    """A wheelchair place."""
    COMPANION = "companion"
    """Next to a wheelchair place, for the person who comes along."""
    RESTRICTED_VIEW = "restricted_view"
    BLOCKED = "blocked"
    """Never sold (a sound desk, press seats): a concert put on sale afterwards starts with it blocked."""


@dataclass(frozen=True, slots=True)
class Venue:
    id: VenueId
    name: str
    timezone: str


@dataclass(frozen=True, slots=True)
class Seat:
    id: SeatId
    section_id: SectionId
    row: str
    number: int
    x: float
    y: float
    accessible: bool = False
    companion: bool = False
    restricted_view: bool = False
    blocked: str = ""
    """Why the seat is never sold ('Sound desk', 'Press'); empty when it is for sale."""

    @property
    def label(self) -> str:
        return f"row {self.row}, seat {self.number}"


@dataclass(frozen=True, slots=True)
class Section:
    id: SectionId
    plan_id: PlanId
    name: str
    kind: SectionKind
    capacity: int
    """Number of seats (seated) or standing places (standing)."""


@dataclass(frozen=True, slots=True)
class SeatingPlan:
    id: PlanId
    venue_id: VenueId
    name: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class PlanLayout:
    """A plan with every seat, as the admin app draws and marks it."""

    plan: SeatingPlan
    seats: tuple[Seat, ...]
