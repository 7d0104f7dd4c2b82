"""Best available's block ranking (core.domain.seat_picking): front rows first, then nearest the centre line;
an aisle (a wider gap in x) breaks a run; only the best ``limit`` blocks come back, best first."""

from __future__ import annotations

from core.domain.ids import PlaceId
from core.domain.seat_picking import SeatSpot, best_blocks


def _row(row: str, y: float, xs: list[float], first_id: int) -> list[SeatSpot]:
    return [SeatSpot(PlaceId(first_id + n), row, n + 1, x, y) for n, x in enumerate(xs)]


# Row A (front): seats 1-3, an aisle, seats 4-6. Row B: six seats in one run.
FRONT = _row("A", 1.0, [0, 1, 2, 4.5, 5.5, 6.5], 100)
BACK = _row("B", 2.0, [0, 1, 2, 3, 4, 5], 200)


def test_front_row_first_then_nearest_the_centre_and_no_block_across_an_aisle():
    blocks = best_blocks(BACK + FRONT, 3, limit=8)
    # Row A's two blocks (one each side of the aisle: none spans it; equally far from the centre line at
    # x 3.25, so in seat order), then row B's four, nearest that line first.
    assert blocks[:2] == [[100, 101, 102], [103, 104, 105]]
    assert blocks[2:] == [[202, 203, 204], [203, 204, 205], [201, 202, 203], [200, 201, 202]]


def test_only_the_best_limit_blocks_and_taken_seats_are_skipped():
    assert best_blocks(FRONT + BACK, 3, limit=1) == [[100, 101, 102]]
    assert best_blocks(FRONT + BACK, 3, skip=frozenset({PlaceId(101)}), limit=2) == [
        [103, 104, 105],
        [202, 203, 204],
    ]
    assert best_blocks(FRONT, 4) == []  # the aisle leaves no four side by side
