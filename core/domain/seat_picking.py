"""Best available: choose N adjacent seats, front rows first, as near the middle as possible."""

from __future__ import annotations

import heapq
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


def best_blocks(
    free: Sequence[SeatSpot], quantity: int, *, skip: frozenset[PlaceId] = frozenset(), limit: int = 8
) -> list[list[PlaceId]]:
    """The best runs of ``quantity`` adjacent free seats, best first (at most ``limit``); [] when there is none.

    Rows are ranked by distance from the stage (smaller y is nearer); within a row, blocks whose centre is
    nearer the section's centre line come first. ``skip`` excludes seats another buyer just took.
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
    limit_x = pitch * 1.5
    # Scored by (row distance, distance from the centre line, order found); only the best ``limit`` become
    # lists of ids (a 2,000-seat section has about as many blocks, and every best-available hold asks).
    scored: list[tuple[float, float, int, list[SeatSpot], int]] = []
    for row_spots in by_row.values():
        row_spots.sort(key=_number)
        start = 0  # the run of adjacent seats ending at i starts here
        previous: SeatSpot | None = None
        for i, spot in enumerate(row_spots):
            # Adjacent: consecutive numbers and no aisle between them (an aisle shows as a wider gap in x).
            if previous is not None and not (
                spot.number == previous.number + 1 and abs(spot.x - previous.x) <= limit_x
            ):
                start = i
            previous = spot
            if i - start + 1 >= quantity:
                middle = (row_spots[i - quantity + 1].x + spot.x) / 2
                scored.append((spot.y, abs(middle - centre), len(scored), row_spots, i))
    best = heapq.nsmallest(limit, scored)
    return [[s.place_id for s in row[i - quantity + 1 : i + 1]] for _, _, _, row, i in best]


def _number(spot: SeatSpot) -> int:
    return spot.number


def best_block(
    free: Sequence[SeatSpot], quantity: int, *, skip: frozenset[PlaceId] = frozenset()
) -> list[PlaceId]:
    """The single best block, or []."""
    blocks = best_blocks(free, quantity, skip=skip, limit=1)
    return blocks[0] if blocks else []


def _pitch(spots: Sequence[SeatSpot]) -> float:
    """The usual distance between neighbouring seats, so aisles can be told from neighbours."""
    gaps = sorted(
        abs(b.x - a.x)
        for a, b in pairwise(spots)
        if a.row == b.row and b.number == a.number + 1 and b.x != a.x
    )
    return gaps[len(gaps) // 2] if gaps else 1.0
