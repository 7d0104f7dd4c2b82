"""A seating plan as the kiosk's seat map draws it: no concert, so seats are told apart by what a manager checks.

The seat map draws a MapSource (kiosk/viewmodels/seat_map_source.py): places in colour groups, each free, or not
for sale, or chosen. A plan has no prices and no sales, so here the groups are "seat" and "restricted view",
blocked seats are the map's not-for-sale (crossed, hollow) seats, wheelchair and companion seats carry the map's
marks, the manager's chosen seats are the map's selection, and standing sections are the map's standing blocks
with their places.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType

from core.domain.catalog import MapPlace, StandingInfo
from core.domain.ids import CategoryId, PlaceId, SeatId, SectionId
from core.domain.places import PlaceState
from core.domain.venues import PlanLayout, Seat, SectionKind

__all__ = ["RESTRICTED_GROUP", "SEAT_GROUP", "PlanPicture", "PlanSnapshot", "place_of", "seat_of"]

SEAT_GROUP = CategoryId(1)
"""An ordinary seat: the map's first colour."""
RESTRICTED_GROUP = CategoryId(2)
"""A restricted-view seat: the map's second colour."""


def place_of(seat_id: SeatId) -> PlaceId:
    """The map keys what it draws by place id; a plan's seat is drawn under its seat id's number."""
    return PlaceId(int(seat_id))


def seat_of(place_id: PlaceId) -> SeatId:
    return SeatId(int(place_id))


@dataclass(frozen=True, slots=True)
class PlanSnapshot:
    """What the map shows of a plan now (the MapSnapshot protocol)."""

    states: Mapping[PlaceId, PlaceState]
    """FREE, or BLOCKED for a seat that is never sold."""
    selection: tuple[PlaceId, ...]
    """The manager's chosen seats."""
    version: int
    """Grows by one with every snapshot."""
    changed: frozenset[PlaceId]
    """Seats whose look may differ from the previous snapshot."""
    cursor: PlaceId | None = None
    standing: tuple[StandingInfo, ...] = ()
    """The plan's standing sections, drawn as the kiosk draws them (between the stage and the seats) with their
    places (no price: a plan has no concert)."""


class PlanPicture:
    """A PlanLayout (or none yet) as a MapSource; ``select`` gives the snapshot with other seats chosen."""

    colour_order = (SEAT_GROUP, RESTRICTED_GROUP)

    def __init__(self, layout: PlanLayout | None, selected: frozenset[SeatId] = frozenset()) -> None:
        self.layout = layout
        plan_seats = layout.seats if layout else ()
        self._plan_seats: Mapping[PlaceId, Seat] = {place_of(s.id): s for s in plan_seats}
        self.seats = tuple(_drawn(s) for s in plan_seats)
        self.places: Mapping[PlaceId, MapPlace] = MappingProxyType({p.id: p for p in self.seats})
        self.section_names: Mapping[SectionId, str] = MappingProxyType(
            {s.id: s.name for s in layout.plan.sections} if layout else {}
        )
        self.state = PlanSnapshot(
            states=MappingProxyType({p.id: p.state for p in self.seats}),
            selection=self._chosen(selected),
            version=0,
            changed=frozenset(self.places),
            standing=tuple(
                StandingInfo(s.id, s.name, SEAT_GROUP, None, s.capacity)
                for s in (layout.plan.sections if layout else ())
                if s.kind is SectionKind.STANDING
            ),
        )

    def select(self, selected: frozenset[SeatId]) -> PlanSnapshot:
        """The next snapshot, with ``selected`` chosen (seats not in this plan are left out)."""
        chosen = self._chosen(selected)
        changed = frozenset(chosen).symmetric_difference(self.state.selection)
        if chosen != self.state.selection:
            self.state = replace(
                self.state, selection=chosen, version=self.state.version + 1, changed=changed
            )
        return self.state

    def seat(self, place_id: PlaceId) -> Seat:
        return self._plan_seats[place_id]

    def _chosen(self, selected: frozenset[SeatId]) -> tuple[PlaceId, ...]:
        return tuple(sorted(p for p in map(place_of, selected) if p in self._plan_seats))


def _drawn(seat: Seat) -> MapPlace:
    return MapPlace(
        id=place_of(seat.id),
        section_id=seat.section_id,
        category_id=RESTRICTED_GROUP if seat.restricted_view else SEAT_GROUP,
        state=PlaceState.BLOCKED if seat.blocked else PlaceState.FREE,
        row=seat.row,
        number=seat.number,
        x=seat.x,
        y=seat.y,
        accessible=seat.accessible,
        companion=seat.companion,
        restricted_view=seat.restricted_view,
    )
