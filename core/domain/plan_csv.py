"""Parse a seating-plan CSV into section specs, collecting every error with its line number.

Format (UTF-8, comma-separated, one header line)::

    section,kind,row,seat,x,y,flags,capacity
    Stalls,seated,A,1,0,0,accessible,
    Stalls,seated,A,2,1,0,companion,
    Floor,standing,,,,,,800

Seated sections: one line per seat; ``row`` is a label such as A or AA, ``seat`` a number from 1, ``x``/``y``
the drawing position (y grows away from the stage), ``flags`` a ';'-separated subset of accessible, companion,
restricted, and ``blocked=<reason>`` for a seat never sold (``blocked=Sound desk``); ``capacity`` empty.
Standing sections: one line with only ``section``, ``kind`` and ``capacity``.
Blank lines and lines starting with '#' are ignored.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field

from core.domain.errors import FileProblem, PlanFileError
from core.domain.plan_spec import MAX_NAME, MAX_REASON, MAX_STANDING, SeatSpec, SectionSpec
from core.domain.venues import SectionKind

HEADER = ("section", "kind", "row", "seat", "x", "y", "flags", "capacity")
FLAGS = {"accessible": "accessible", "companion": "companion", "restricted": "restricted_view"}
MAX_PROBLEMS = 200
"""A garbage file would otherwise produce one problem per line; the first 200 say enough."""


@dataclass
class _Section:
    kind: SectionKind
    line: int
    capacity: int = 0
    seats: dict[tuple[str, int], tuple[int, SeatSpec]] = field(default_factory=dict)


class _TooMany(Exception):
    pass


@dataclass
class _Parser:
    problems: list[FileProblem] = field(default_factory=list)
    sections: dict[str, _Section] = field(default_factory=dict)

    def fail(self, line: int, problem: str) -> None:
        self.problems.append(FileProblem(line, problem))
        if len(self.problems) >= MAX_PROBLEMS:
            self.problems.append(FileProblem(line, f"stopped after {MAX_PROBLEMS} errors; fix these first."))
            raise _TooMany

    def line(self, number: int, values: list[str]) -> None:
        if len(values) != len(HEADER):
            self.fail(number, f"expected {len(HEADER)} fields ({','.join(HEADER)}), found {len(values)}.")
            return
        name, kind_text, row, seat, x, y, flags, capacity = (v.strip() for v in values)
        if not name or len(name) > MAX_NAME:
            self.fail(number, f"section must be a name of 1 to {MAX_NAME} characters.")
            return
        try:
            kind = SectionKind(kind_text.lower())
        except ValueError:
            self.fail(number, f"kind must be 'seated' or 'standing', not {kind_text!r}.")
            return
        section = self.sections.setdefault(name, _Section(kind, number))
        if section.kind is not kind:
            self.fail(
                number,
                f"section {name!r} was declared {section.kind} on line {section.line}, "
                f"so it cannot be {kind} here.",
            )
            return
        if kind is SectionKind.STANDING:
            self.standing(number, name, section, (row, seat, x, y, flags), capacity)
        else:
            self.seated(number, name, section, (row, seat, x, y, flags), capacity)

    def standing(
        self, number: int, name: str, section: _Section, extra: tuple[str, ...], capacity: str
    ) -> None:
        if section.line != number:
            self.fail(
                number, f"standing section {name!r} is already on line {section.line}; give it one line."
            )
            return
        if any(extra):
            self.fail(
                number,
                "a standing line has only section, kind and capacity; leave row, seat, x, y and flags empty.",
            )
        if not capacity:
            self.fail(number, f"standing section {name!r} needs a capacity (the number of places).")
        elif not capacity.isdigit() or not 1 <= int(capacity) <= MAX_STANDING:
            self.fail(number, f"capacity must be a whole number from 1 to {MAX_STANDING}, not {capacity!r}.")
        else:
            section.capacity = int(capacity)

    def seated(
        self, number: int, name: str, section: _Section, values: tuple[str, ...], capacity: str
    ) -> None:
        row, seat, x, y, flags = values
        ok = True
        if not row or len(row) > 16 or not row.isalnum():
            self.fail(number, f"row must be a label such as A or AA (letters and digits), not {row!r}.")
            ok = False
        if not seat.isdigit() or int(seat) < 1:
            self.fail(number, f"seat must be a whole number from 1, not {seat!r}.")
            ok = False
        coords = [_number(x), _number(y)]
        for axis, text, value in (("x", x, coords[0]), ("y", y, coords[1])):
            if value is None:
                self.fail(number, f"{axis} must be a number such as 12 or 3.5, not {text!r}.")
                ok = False
        marks, blocked = _marks(flags)
        if blocked is not None and not 1 <= len(blocked) <= MAX_REASON:
            self.fail(number, f"blocked needs a reason of 1 to {MAX_REASON} characters: blocked=Sound desk.")
            ok = False
        for unknown in sorted(marks - FLAGS.keys()):
            self.fail(
                number,
                f"unknown flag {unknown!r}; use accessible, companion, restricted or blocked=<reason>, "
                "separated by ';'.",
            )
            ok = False
        if "accessible" in marks and "companion" in marks:
            self.fail(number, "a seat cannot be both accessible and companion.")
            ok = False
        if capacity:
            self.fail(number, "leave capacity empty for a seat; a seated section's capacity is its seats.")
            ok = False
        if not ok or coords[0] is None or coords[1] is None:
            return
        key = (row.upper(), int(seat))
        if key in section.seats:
            first = section.seats[key][0]
            self.fail(number, f"{name} row {key[0]} seat {key[1]} is already on line {first}.")
            return
        spec = SeatSpec(
            key[0],
            key[1],
            coords[0],
            coords[1],
            "accessible" in marks,
            "companion" in marks,
            "restricted" in marks,
            blocked or "",
        )
        section.seats[key] = (number, spec)


def _marks(flags: str) -> tuple[set[str], str | None]:
    """The lower-cased flags, and the reason of a ``blocked=<reason>`` flag (None without one)."""
    marks: set[str] = set()
    blocked = None
    for part in (f.strip() for f in flags.split(";")):
        key, is_block, reason = part.partition("=")
        if key.strip().lower() == "blocked":
            blocked = reason.strip() if is_block else ""
        elif part:
            marks.add(part.lower())
    return marks, blocked


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_plan_csv(text: str, source: str = "plan.csv") -> tuple[SectionSpec, ...]:
    """The sections of a plan file, or PlanFileError listing every problem found (nothing half-read)."""
    parser = _Parser()
    lines = text.removeprefix("\ufeff").splitlines()
    numbered = [
        (i, line)
        for i, line in enumerate(lines, start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not numbered:
        raise PlanFileError(
            source,
            [
                FileProblem(
                    1,
                    "the file is empty; it needs the header line "
                    f"{','.join(HEADER)} and at least one section.",
                )
            ],
        )
    header_line, header = numbered[0]
    found = tuple(h.strip().lower() for h in next(csv.reader([header])))
    if found != HEADER:
        parser.problems.append(
            FileProblem(header_line, f"the header must be {','.join(HEADER)}, found {','.join(found)}.")
        )
        raise PlanFileError(source, parser.problems)
    try:
        for number, line in numbered[1:]:
            parser.line(number, next(csv.reader([line])))
    except _TooMany:
        pass
    if not parser.sections and not parser.problems:
        parser.problems.append(FileProblem(header_line, "no sections found below the header."))
    if parser.problems:
        raise PlanFileError(source, parser.problems)
    return tuple(_spec(name, s) for name, s in parser.sections.items())


def _spec(name: str, section: _Section) -> SectionSpec:
    seats = tuple(spec for _, spec in section.seats.values())
    capacity = section.capacity if section.kind is SectionKind.STANDING else len(seats)
    return SectionSpec(name=name, kind=section.kind, capacity=capacity, seats=seats)
