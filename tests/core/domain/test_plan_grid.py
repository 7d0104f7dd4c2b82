"""The grid generator's properties (hypothesis): seat counts, unique labels, numbering direction, aisles, row
gaps and curved rows; and the errors of its newer fields."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.domain.errors import InputError
from core.domain.plan_spec import AISLE_GAP, ROW_GAP, SEAT_PITCH, GridSection, grid_to_specs, row_width
from core.domain.venues import Numbering, SectionKind

SEATED = SectionKind.SEATED


@st.composite
def grids(draw: st.DrawFn) -> GridSection:
    rows = draw(st.integers(1, 30))
    per_row = draw(st.integers(1, 40))
    aisles = draw(st.lists(st.integers(1, max(per_row - 1, 1)), max_size=3)) if per_row > 1 else []
    gaps = draw(st.lists(st.integers(1, max(rows - 1, 1)), max_size=2)) if rows > 1 else []
    curved = draw(st.booleans())
    grid = GridSection(
        "S",
        SEATED,
        rows=rows,
        seats_per_row=per_row,
        origin_x=draw(st.floats(-50, 50)),
        origin_y=draw(st.floats(-50, 50)),
        aisle_after=tuple(aisles),
        gap_after_rows=tuple(gaps),
        numbering=draw(st.sampled_from(Numbering)),
    )
    if curved:
        width = row_width(grid)
        radius = max(width, 1.0) * draw(st.floats(1.0, 4.0))
        grid = GridSection(**{**_fields(grid), "curve_radius": radius})
    return grid


def _fields(grid: GridSection) -> dict[str, object]:
    return {name: getattr(grid, name) for name in GridSection.__slots__}


def _rows(grid: GridSection) -> dict[str, list[tuple[int, float, float]]]:
    (section,) = grid_to_specs([grid])
    rows: dict[str, list[tuple[int, float, float]]] = {}
    for seat in section.seats:
        rows.setdefault(seat.row, []).append((seat.number, seat.x, seat.y))
    return rows


@settings(max_examples=150, deadline=None)
@given(grids())
def test_every_row_has_its_seats_once_and_capacity_counts_them(grid: GridSection) -> None:
    (section,) = grid_to_specs([grid])
    assert section.capacity == len(section.seats) == grid.rows * grid.seats_per_row
    labels = [(s.row, s.number) for s in section.seats]
    assert len(set(labels)) == len(labels)
    assert {n for _, n in labels} == set(range(1, grid.seats_per_row + 1))
    assert all(math.isfinite(s.x) and math.isfinite(s.y) for s in section.seats)


@settings(max_examples=150, deadline=None)
@given(grids())
def test_numbers_run_the_chosen_way_along_every_row(grid: GridSection) -> None:
    for seats in _rows(grid).values():
        xs = [x for _, x, _ in sorted(seats)]
        pairs = list(itertools.pairwise(xs))
        if grid.numbering is Numbering.LEFT_TO_RIGHT:
            assert all(a < b for a, b in pairs)
        else:
            assert all(a > b for a, b in pairs)


@settings(max_examples=150, deadline=None)
@given(grids())
def test_an_aisle_widens_the_step_after_its_seat_and_only_there(grid: GridSection) -> None:
    for seats in _rows(grid).values():
        by_number = {n: (x, y) for n, x, y in seats}
        for n in range(1, grid.seats_per_row):
            step = _along_row(grid, by_number[n], by_number[n + 1])
            expected = SEAT_PITCH + (AISLE_GAP if n in grid.aisle_after else 0)
            assert step == pytest.approx(expected, rel=1e-6)


def _along_row(grid: GridSection, a: tuple[float, float], b: tuple[float, float]) -> float:
    """The distance between neighbours along their row: straight, or the arc's length (a short row on a tight
    curve bends up to a radian, where the chord is 4 % shorter than the arc)."""
    if not grid.curve_radius:
        return math.dist(a, b)
    centre = (grid.origin_x + row_width(grid) / 2, grid.origin_y - grid.curve_radius)
    radius = math.dist(centre, a)
    assert math.dist(centre, b) == pytest.approx(radius)  # one row, one circle
    turn = math.atan2(b[0] - centre[0], b[1] - centre[1]) - math.atan2(a[0] - centre[0], a[1] - centre[1])
    return radius * abs(turn)


@settings(max_examples=100, deadline=None)
@given(grids())
def test_rows_go_back_from_the_stage_and_gaps_add_depth(grid: GridSection) -> None:
    rows = _rows(grid)
    labels = sorted(rows, key=lambda label: (len(label), label))
    middle = [
        max(seats, key=lambda s: -abs(s[1] - (grid.origin_x + row_width(grid) / 2)))
        for seats in (rows[label] for label in labels)
    ]
    depths = [y for _, _, y in middle]
    for r in range(1, len(depths)):
        expected = SEAT_PITCH + (ROW_GAP if r in grid.gap_after_rows else 0)
        # The middle seat of a curved row sits within half a pitch of the centre line: its depth is the row's.
        assert depths[r] - depths[r - 1] == pytest.approx(expected, abs=0.15)


def test_a_curved_row_brings_its_ends_forward() -> None:
    straight = GridSection("S", SEATED, rows=2, seats_per_row=21)
    curved = GridSection("S", SEATED, rows=2, seats_per_row=21, curve_radius=30)
    flat = _rows(straight)["A"]
    bent = {n: (x, y) for n, x, y in _rows(curved)["A"]}
    assert {y for _, _, y in flat} == {0.0}
    assert bent[11] == pytest.approx((10.0, 0.0)), "the middle seat stays where the straight row has it"
    assert bent[1][1] < 0, "the ends come toward the stage"
    assert bent[21][1] < 0
    assert bent[1][1] == pytest.approx(bent[21][1]), "symmetric"


def test_right_to_left_puts_seat_one_on_the_right_and_aisles_follow_numbers() -> None:
    grid = GridSection(
        "S", SEATED, rows=1, seats_per_row=4, aisle_after=(1,), numbering=Numbering.RIGHT_TO_LEFT
    )
    xs = {n: x for n, x, _ in _rows(grid)["A"]}
    assert xs == {4: 0.0, 3: 1.0, 2: 2.0, 1: 4.0}


def test_blocked_seats_keep_their_reason() -> None:
    grid = GridSection("S", SEATED, rows=3, seats_per_row=4, blocked_seats=(("C", 2, " Sound desk "),))
    (section,) = grid_to_specs([grid])
    blocked = {(s.row, s.number): s.blocked for s in section.seats if s.blocked}
    assert blocked == {("C", 2): "Sound desk"}


@pytest.mark.parametrize(
    ("grid", "code"),
    [
        (GridSection("A", SEATED, rows=3, seats_per_row=5, gap_after_rows=(3,)), "row_gap_invalid"),
        (GridSection("A", SEATED, rows=3, seats_per_row=5, gap_after_rows=(0,)), "row_gap_invalid"),
        (GridSection("A", SEATED, rows=3, seats_per_row=11, curve_radius=9.9), "curve_invalid"),
        (GridSection("A", SEATED, rows=3, seats_per_row=11, curve_radius=-10), "curve_invalid"),
        (GridSection("A", SEATED, rows=3, seats_per_row=11, curve_radius=math.inf), "curve_invalid"),
        (
            GridSection("A", SEATED, rows=3, seats_per_row=5, blocked_seats=(("D", 1, "Press"),)),
            "seat_unknown",
        ),
        (
            GridSection("A", SEATED, rows=3, seats_per_row=5, blocked_seats=(("A", 1, " "),)),
            "block_reason_invalid",
        ),
        (
            GridSection("A", SEATED, rows=3, seats_per_row=5, blocked_seats=(("A", 1, "x" * 41),)),
            "block_reason_invalid",
        ),
        (GridSection("A", SEATED, rows=3, seats_per_row=11, curve_radius=1e9), "curve_invalid"),
        (GridSection("A", SEATED, rows=1, seats_per_row=1, origin_x=1e308), "position_invalid"),
        (GridSection("A", SEATED, rows=1, seats_per_row=1, origin_y=-math.inf), "position_invalid"),
        (
            GridSection("A", SEATED, rows=1, seats_per_row=1, blocked_seats=(("A", 1, "Desk\x00"),)),
            "block_reason_invalid",
        ),
        (GridSection("F", SectionKind.STANDING, capacity=5, aisle_after=(1,)), "standing_with_seats"),
        (
            GridSection("F", SectionKind.STANDING, capacity=5, blocked_seats=(("A", 1, "Press"),)),
            "standing_with_seats",
        ),
    ],
)
def test_grid_field_errors(grid: GridSection, code: str) -> None:
    with pytest.raises(InputError) as info:
        grid_to_specs([grid])
    assert info.value.code == code
