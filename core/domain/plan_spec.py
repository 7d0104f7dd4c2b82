"""Seating plans before they are stored: section and seat specs, and the grid layout that makes them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from core.domain.errors import ErrorCode, InputError
from core.domain.validation import clean_text
from core.domain.venues import Numbering, SectionKind

SEAT_PITCH = 1.0
"""Distance between neighbouring seats and rows, in plan units."""
AISLE_GAP = 1.0
"""Extra horizontal space an aisle adds."""
ROW_GAP = 1.0
"""Extra depth a gap between two rows adds (a cross aisle)."""
MAX_ROWS = 200
MAX_SEATS_PER_ROW = 500
MAX_STANDING = 100_000
MAX_NAME = 100
MAX_REASON = 40
MAX_ORIGIN = 10_000.0
"""Where a section may start, in plan units either way (a stadium is a few hundred seats across)."""

SeatRef = tuple[str, int]
"""(row label, seat number) inside one section."""


@dataclass(frozen=True, slots=True)
class SeatSpec:
    row: str
    number: int
    x: float
    y: float
    accessible: bool = False
    companion: bool = False
    restricted_view: bool = False
    blocked: str = ""
    """Why the seat is never sold; empty when it is for sale."""


@dataclass(frozen=True, slots=True)
class SectionSpec:
    name: str
    kind: SectionKind
    capacity: int
    """Seats in a seated section (len(seats)), places in a standing one."""
    seats: tuple[SeatSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class GridSection:
    """A rectangular section: ``rows`` rows labelled A, B, … of ``seats_per_row`` seats numbered from 1.

    Row A is at the front; y grows away from the stage. ``aisle_after``: seat numbers an aisle follows (whichever
    way the numbers run); ``gap_after_rows``: row counts a cross aisle follows (2 puts one between B and C).
    ``curve_radius`` 0 keeps rows straight; otherwise each row is an arc around one point in front of row A's
    middle, row A at that radius (at least the row's width, so a row never bends more than about 60 degrees).
    ``blocked_seats``: (row, number, reason) of seats never sold. A standing section has only a ``capacity``.
    """

    name: str
    kind: SectionKind
    rows: int = 0
    seats_per_row: int = 0
    capacity: int = 0
    origin_x: float = 0
    origin_y: float = 0
    accessible_seats: tuple[SeatRef, ...] = ()
    companion_seats: tuple[SeatRef, ...] = ()
    restricted_seats: tuple[SeatRef, ...] = ()
    aisle_after: tuple[int, ...] = ()
    numbering: Numbering = Numbering.LEFT_TO_RIGHT
    gap_after_rows: tuple[int, ...] = ()
    curve_radius: float = 0
    blocked_seats: tuple[tuple[str, int, str], ...] = ()


def row_label(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA', 27 -> 'AB' (spreadsheet-style)."""
    label = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        label = chr(ord("A") + rem) + label
    return label


def check_plan_name(name: str) -> str:
    return clean_text(
        "name",
        name,
        limit=200,
        code=ErrorCode.PLAN_NAME_INVALID,
        hint="give the plan a name of 1 to 200 characters.",
    )


def grid_to_specs(sections: Sequence[GridSection]) -> tuple[SectionSpec, ...]:
    """Lay out every grid section; raise InputError naming the first section field that is wrong."""
    if not sections:
        raise InputError("sections", "a plan needs at least one section.", code=ErrorCode.PLAN_EMPTY)
    seen: set[str] = set()
    specs = []
    for i, grid in enumerate(sections):
        field = f"sections[{i}]"
        name = grid.name.strip()
        if not name or len(name) > MAX_NAME:
            raise InputError(
                f"{field}.name",
                f"give each section a name of 1 to {MAX_NAME} characters.",
                code=ErrorCode.SECTION_NAME_INVALID,
            )
        if name in seen:
            raise InputError(
                f"{field}.name",
                f"the section name {name!r} is used twice; names must differ.",
                code=ErrorCode.SECTION_DUPLICATE,
            )
        seen.add(name)
        if grid.kind is SectionKind.STANDING:
            specs.append(_standing(grid, name, field))
        else:
            specs.append(_seated(grid, name, field))
    return tuple(specs)


def _standing(grid: GridSection, name: str, field: str) -> SectionSpec:
    if not 1 <= grid.capacity <= MAX_STANDING:
        raise InputError(
            f"{field}.capacity",
            f"{name}: a standing section needs a capacity of 1 to {MAX_STANDING:,} places.",
            code=ErrorCode.CAPACITY_INVALID,
        )
    if (
        grid.rows
        or grid.seats_per_row
        or grid.accessible_seats
        or grid.companion_seats
        or grid.restricted_seats
        or grid.blocked_seats
        or grid.aisle_after
        or grid.gap_after_rows
    ):
        raise InputError(
            f"{field}.kind",
            f"{name} is standing, so it cannot have rows or seats; make it seated or remove the rows.",
            code=ErrorCode.STANDING_WITH_SEATS,
        )
    return SectionSpec(name=name, kind=SectionKind.STANDING, capacity=grid.capacity)


def _seated(grid: GridSection, name: str, field: str) -> SectionSpec:
    if not 1 <= grid.rows <= MAX_ROWS:
        raise InputError(f"{field}.rows", f"{name}: give 1 to {MAX_ROWS} rows.", code=ErrorCode.ROWS_INVALID)
    if not 1 <= grid.seats_per_row <= MAX_SEATS_PER_ROW:
        raise InputError(
            f"{field}.seats_per_row",
            f"{name}: give 1 to {MAX_SEATS_PER_ROW} seats per row.",
            code=ErrorCode.SEATS_PER_ROW_INVALID,
        )
    if grid.capacity:
        raise InputError(
            f"{field}.capacity",
            f"{name} is seated: its capacity is its seats; leave capacity 0.",
            code=ErrorCode.SEATED_WITH_CAPACITY,
        )
    bad_aisle = [a for a in grid.aisle_after if not 1 <= a < grid.seats_per_row]
    if bad_aisle:
        raise InputError(
            f"{field}.aisle_after",
            f"{name}: an aisle must follow a seat from 1 to {grid.seats_per_row - 1}, not {bad_aisle[0]}.",
            code=ErrorCode.AISLE_INVALID,
        )
    bad_gap = [g for g in grid.gap_after_rows if not 1 <= g < grid.rows]
    if bad_gap:
        raise InputError(
            f"{field}.gap_after_rows",
            f"{name}: a gap between rows must follow row 1 to {grid.rows - 1}, not {bad_gap[0]}.",
            code=ErrorCode.ROW_GAP_INVALID,
        )
    for axis, value in (("origin_x", grid.origin_x), ("origin_y", grid.origin_y)):
        if not (math.isfinite(value) and abs(value) <= MAX_ORIGIN):
            raise InputError(
                f"{field}.{axis}",
                f"{name}: a section starts within {MAX_ORIGIN:g} units of the plan's centre, not at {value!r}.",
                code=ErrorCode.POSITION_INVALID,
            )
    width = row_width(grid)
    if grid.curve_radius and not (width <= grid.curve_radius <= MAX_ORIGIN):
        raise InputError(
            f"{field}.curve_radius",
            f"{name}: a curve's radius must be at least the row's width ({width:g}); 0 keeps rows straight.",
            code=ErrorCode.CURVE_INVALID,
        )
    labels = [row_label(r) for r in range(grid.rows)]
    flags = _seat_flags(grid, name, field, set(labels))
    blocked = _blocked(grid, name, field, set(labels))
    seats = []
    for r, label in enumerate(labels):
        depth = r * SEAT_PITCH + sum(1 for g in set(grid.gap_after_rows) if g <= r) * ROW_GAP
        for n in range(1, grid.seats_per_row + 1):
            x, y = _position(grid, width, depth, _along(grid, n))
            acc, comp, restr = flags.get((label, n), (False, False, False))
            seats.append(SeatSpec(label, n, x, y, acc, comp, restr, blocked.get((label, n), "")))
    return SectionSpec(name=name, kind=SectionKind.SEATED, capacity=len(seats), seats=tuple(seats))


def row_width(grid: GridSection) -> float:
    """From the first seat's centre to the last's, aisles included (distinct aisles only)."""
    return (grid.seats_per_row - 1) * SEAT_PITCH + len(set(grid.aisle_after)) * AISLE_GAP


def _along(grid: GridSection, number: int) -> float:
    """How far seat ``number`` sits from the row's left end."""
    aisles = set(grid.aisle_after)
    if grid.numbering is Numbering.LEFT_TO_RIGHT:
        return (number - 1) * SEAT_PITCH + sum(1 for a in aisles if a < number) * AISLE_GAP
    # Right to left: seat 1 is the rightmost, so the seats numbered above n and their aisles lie left of it.
    return (grid.seats_per_row - number) * SEAT_PITCH + sum(1 for a in aisles if a >= number) * AISLE_GAP


def _position(grid: GridSection, width: float, depth: float, along: float) -> tuple[float, float]:
    if not grid.curve_radius:
        return grid.origin_x + along, grid.origin_y + depth
    # The arc is measured by its length, so neighbours stay one pitch apart on every row; the ends come forward.
    radius = grid.curve_radius + depth
    angle = (along - width / 2) / radius
    centre_x = grid.origin_x + width / 2
    centre_y = grid.origin_y - grid.curve_radius
    return centre_x + radius * math.sin(angle), centre_y + radius * math.cos(angle)


def _blocked(grid: GridSection, name: str, field: str, labels: set[str]) -> dict[SeatRef, str]:
    blocked: dict[SeatRef, str] = {}
    for row, number, reason in grid.blocked_seats:
        _check_ref(grid, name, f"{field}.blocked_seats", labels, row, number)
        blocked[(row, number)] = check_block_reason(reason, f"{field}.blocked_seats")
    return blocked


def check_block_reason(reason: str, field: str = "reason") -> str:
    """Why a seat is blocked, as people will read it in the plan ('Sound desk')."""
    return clean_text(
        field,
        reason,
        limit=MAX_REASON,
        code=ErrorCode.BLOCK_REASON_INVALID,
        hint=f"say why the seat is blocked in 1 to {MAX_REASON} characters, e.g. 'Sound desk' or 'Press'.",
    )


def _check_ref(grid: GridSection, name: str, field: str, labels: set[str], row: str, number: int) -> None:
    if row not in labels or not 1 <= number <= grid.seats_per_row:
        raise InputError(
            field,
            f"{name} has no seat {row}{number}; rows run A to "
            f"{row_label(grid.rows - 1)}, seats 1 to {grid.seats_per_row}.",
            code=ErrorCode.SEAT_UNKNOWN,
        )


def _seat_flags(
    grid: GridSection, name: str, field: str, labels: set[str]
) -> dict[SeatRef, tuple[bool, bool, bool]]:
    flags: dict[SeatRef, list[bool]] = {}
    lists = (
        ("accessible_seats", grid.accessible_seats),
        ("companion_seats", grid.companion_seats),
        ("restricted_seats", grid.restricted_seats),
    )
    for position, (attr, refs) in enumerate(lists):
        for row, number in refs:
            _check_ref(grid, name, f"{field}.{attr}", labels, row, number)
            flags.setdefault((row, number), [False, False, False])[position] = True
    for (row, number), (acc, comp, _) in flags.items():
        if acc and comp:
            raise InputError(
                f"{field}.companion_seats",
                f"{name} seat {row}{number} cannot be both a wheelchair place and a companion seat.",
                code=ErrorCode.SEAT_FLAGS_CONFLICT,
            )
    return {ref: (f[0], f[1], f[2]) for ref, f in flags.items()}
