"""Venues and their seating plans."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.domain.ids import PlanId, SeatId, SectionId, VenueId


class SectionKind(StrEnum):
    SEATED = "seated"
    STANDING = "standing"


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
