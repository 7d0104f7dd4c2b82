"""What the seat map draws: a plan's seats and a snapshot of their states, with or without a concert behind them.

The kiosk's SeatMapModel (a concert's live places) and the admin's plan preview (a seating plan, no concert) both
satisfy these protocols, so the one drawing code (kiosk/ui/seat_map_scene.py and its labels) draws both. This
module and the drawing modules must not import the kiosk app: the admin imports them (see pyproject.toml's
"Seat map is self-contained" contract).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

from core.domain.catalog import MapPlace, StandingInfo
from core.domain.ids import CategoryId, PlaceId, SectionId
from core.domain.places import PlaceState

__all__ = ["MapSnapshot", "MapSource", "StandingInfo"]


class MapSnapshot(Protocol):
    """The part of a snapshot the drawing looks at (SeatMapState has it, and more)."""

    @property
    def states(self) -> Mapping[PlaceId, PlaceState]: ...
    @property
    def selection(self) -> tuple[PlaceId, ...]: ...
    @property
    def cursor(self) -> PlaceId | None: ...
    @property
    def standing(self) -> tuple[StandingInfo, ...]: ...
    @property
    def version(self) -> int:
        """Grows by one with every snapshot."""
        ...

    @property
    def changed(self) -> frozenset[PlaceId]:
        """Places whose look may differ from snapshot ``version - 1``."""
        ...


class MapSource(Protocol):
    """A plan to draw: its seats (with a position), their colour groups and section names, and a snapshot."""

    @property
    def seats(self) -> Sequence[MapPlace]:
        """The places drawn on the map (standing places have no position)."""
        ...

    @property
    def places(self) -> Mapping[PlaceId, MapPlace]: ...
    @property
    def colour_order(self) -> tuple[CategoryId, ...]:
        """The colour groups (``MapPlace.category_id``) in palette order: the first gets the first colour."""
        ...

    @property
    def section_names(self) -> Mapping[SectionId, str]: ...
    @property
    def state(self) -> MapSnapshot: ...
