"""Best available: choose N adjacent seats, front rows first, as near the middle as possible."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

from core.domain.ids import PlaceId


@dataclass(frozen=True, slots=True)
class SeatSpot:
    place_id: PlaceId
    row: str
    number: int
    x: float
    y: float


def _adjacent(a: SeatSpot, b: SeatSpot, pitch: float) -> bool:
    # Consecutive numbers and no aisle between them (an aisle shows as a wider gap in x).
    return b.number == a.number + 1 and abs(b.x - a.x) <= pitch * 1.5


def best_block(
    free: Sequence[SeatSpot], quantity: int, *, skip: frozenset[PlaceId] = frozenset()
) -> list[PlaceId]:
    """The best run of ``quantity`` adjacent free seats, or [] when there is none.

    Rows are ranked by distance from the stage (smaller y is nearer); within a row the block whose centre is
    nearest the section's centre line wins. ``skip`` excludes seats another buyer just took.
    """
    spots = [s for s in free if s.place_id not in skip]
    if quantity <= 0 or len(spots) < quantity:
        return []
    by_row: dict[str, list[SeatSpot]] = {}
    for spot in spots:
        by_row.setdefault(spot.row, []).append(spot)
    xs = [s.x for s in spots]
    centre = (min(xs) + max(xs)) / 2
    pitch = _pitch(spots)
    best: tuple[float, float, list[PlaceId]] | None = None
    for row_spots in by_row.values():
        row_spots.sort(key=lambda s: s.number)
        row_y = row_spots[0].y
        run: list[SeatSpot] = []
        for spot in row_spots:
            run = [*run, spot] if run and _adjacent(run[-1], spot, pitch) else [spot]
            if len(run) >= quantity:
                block = run[-quantity:]
                middle = (block[0].x + block[-1].x) / 2
                score = (row_y, abs(middle - centre), [s.place_id for s in block])
                if best is None or score[:2] < best[:2]:
                    best = score
    return [] if best is None else best[2]


def _pitch(spots: Sequence[SeatSpot]) -> float:
    """The usual distance between neighbouring seats, so aisles can be told from neighbours."""
    gaps = sorted(
        abs(b.x - a.x)
        for a, b in pairwise(spots)
        if a.row == b.row and b.number == a.number + 1 and b.x != a.x
    )
    return gaps[len(gaps) // 2] if gaps else 1.0
