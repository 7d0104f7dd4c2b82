"""Seating plans before they are stored: section and seat specs, and the grid layout that makes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from core.domain.errors import ErrorCode, InputError
from core.domain.validation import clean_text
from core.domain.venues import SectionKind

SEAT_PITCH = 1.0
"""Distance between neighbouring seats and rows, in plan units."""
AISLE_GAP = 1.0
"""Extra horizontal space an aisle adds."""
MAX_ROWS = 200
MAX_SEATS_PER_ROW = 500
MAX_STANDING = 100_000
MAX_NAME = 100

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

    Row A is at the front; y grows away from the stage. ``aisle_after``: seat numbers an aisle follows.
    A standing section has only a ``capacity``.
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
    labels = [row_label(r) for r in range(grid.rows)]
    flags = _seat_flags(grid, name, field, set(labels))
    seats = []
    for r, label in enumerate(labels):
        y = grid.origin_y + r * SEAT_PITCH
        for n in range(1, grid.seats_per_row + 1):
            aisles = sum(1 for a in grid.aisle_after if a < n)
            x = grid.origin_x + (n - 1) * SEAT_PITCH + aisles * AISLE_GAP
            acc, comp, restr = flags.get((label, n), (False, False, False))
            seats.append(SeatSpec(label, n, x, y, acc, comp, restr))
    return SectionSpec(name=name, kind=SectionKind.SEATED, capacity=len(seats), seats=tuple(seats))


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
            if row not in labels or not 1 <= number <= grid.seats_per_row:
                raise InputError(
                    f"{field}.{attr}",
                    f"{name} has no seat {row}{number}; rows run A to "
                    f"{row_label(grid.rows - 1)}, seats 1 to {grid.seats_per_row}.",
                    code=ErrorCode.SEAT_UNKNOWN,
                )
            flags.setdefault((row, number), [False, False, False])[position] = True
    for (row, number), (acc, comp, _) in flags.items():
        if acc and comp:
            raise InputError(
                f"{field}.companion_seats",
                f"{name} seat {row}{number} cannot be both a wheelchair place and a companion seat.",
                code=ErrorCode.SEAT_FLAGS_CONFLICT,
            )
    return {ref: (f[0], f[1], f[2]) for ref, f in flags.items()}
