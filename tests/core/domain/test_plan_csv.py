"""The seating-plan CSV parser: a good file, and every kind of error reported at once with its line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.domain.errors import PlanFileError
from core.domain.plan_csv import HEADER, MAX_PROBLEMS, parse_plan_csv
from core.domain.venues import SectionKind

GOOD = """section,kind,row,seat,x,y,flags,capacity
# the front block
Stalls,seated,A,1,0,0,accessible,
Stalls,seated,A,2,1,0,companion,
Stalls,seated,B,1,0,1.5,restricted;,

"Upper Circle, left",seated,AA,10,3,9,,
Floor,standing,,,,,,800
"""


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(PlanFileError) as info:
        parse_plan_csv(text, "hall.csv")
    assert info.value.code == "plan_file_invalid"
    assert info.value.field == "hall.csv"
    return [(p.line, p.problem) for p in info.value.problems]


def test_good_file_parses_sections_seats_and_flags() -> None:
    stalls, circle, floor = parse_plan_csv(GOOD)
    assert (stalls.name, stalls.kind, stalls.capacity) == ("Stalls", SectionKind.SEATED, 3)
    a1, a2, b1 = stalls.seats
    assert (a1.row, a1.number, a1.x, a1.y, a1.accessible, a1.companion) == ("A", 1, 0.0, 0.0, True, False)
    assert a2.companion
    assert not a2.accessible
    assert b1.restricted_view
    assert b1.y == 1.5
    assert circle.name == "Upper Circle, left"
    assert circle.seats[0].row == "AA"
    assert (floor.kind, floor.capacity, floor.seats) == (SectionKind.STANDING, 800, ())


def test_bom_crlf_case_and_row_case_are_accepted() -> None:
    text = "\ufeffSection,Kind,Row,Seat,X,Y,Flags,Capacity\r\nStalls,SEATED,a,1,0,0,ACCESSIBLE,\r\n"
    (stalls,) = parse_plan_csv(text)
    assert stalls.seats[0].row == "A"
    assert stalls.seats[0].accessible


@pytest.mark.parametrize("text", ["", "\n\n  \n", "# only a comment\n"])
def test_empty_file(text: str) -> None:
    assert [line for line, _ in _problems(text)] == [1]
    assert "empty" in _problems(text)[0][1]


def test_header_only_has_no_sections() -> None:
    assert _problems(",".join(HEADER) + "\n") == [(1, "no sections found below the header.")]


def test_bad_header_is_reported_alone() -> None:
    problems = _problems("section,kind,row,seat\nStalls,seated,A,1,0,0,,\n")
    assert len(problems) == 1
    assert problems[0][0] == 1
    assert "header must be" in problems[0][1]


def test_every_error_is_listed_with_its_line_number() -> None:
    text = "\n".join(
        [
            ",".join(HEADER),  # 1
            "Stalls,seated,A,1,0,0,,",  # 2 ok
            "Stalls,seated,A,one,0,0,,",  # 3 seat not a number
            "Stalls,seated,A,2,left,0,,",  # 4 x not a number
            "Stalls,seated,A,3,0,nan,,",  # 5 y not finite
            "Stalls,seated,A,1,5,5,,",  # 6 duplicate of line 2
            "Stalls,seated,A,4,0,0,vip,",  # 7 unknown flag
            "Stalls,standing,,,,,,100",  # 8 kind mismatch with line 2
            "Floor,standing,,,,,,",  # 9 standing without capacity
            "Stalls,seated,A,5,0,0",  # 10 missing fields
            "Pit,standing,,,,,,lots",  # 11 capacity not a number
            "Pit2,seated,,7,0,0,,",  # 12 missing row
            "Stalls,theatre,A,6,0,0,,",  # 13 unknown kind
            "Stalls,seated,A,8,0,0,accessible;companion,",  # 14 both flags
            "Stalls,seated,A,9,0,0,,4",  # 15 capacity on a seat
            "Bar,standing,A,,,,,50",  # 16 standing with a row
            ",seated,A,1,0,0,,",  # 17 no section name
        ]
    )
    problems = _problems(text)
    lines = [line for line, _ in problems]
    assert lines == [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17]
    by_line = dict(problems)
    assert "seat must be a whole number" in by_line[3]
    assert "x must be a number" in by_line[4]
    assert "y must be a number" in by_line[5]
    assert "already on line 2" in by_line[6]
    assert "unknown flag 'vip'" in by_line[7]
    assert "declared seated on line 2" in by_line[8]
    assert "needs a capacity" in by_line[9]
    assert "expected 8 fields" in by_line[10]
    assert "found 6" in by_line[10]
    assert "capacity must be a whole number" in by_line[11]
    assert "row must be a label" in by_line[12]
    assert "kind must be 'seated' or 'standing'" in by_line[13]
    assert "both accessible and companion" in by_line[14]
    assert "leave capacity empty" in by_line[15]
    assert "leave row, seat, x, y and flags empty" in by_line[16]
    assert "section must be a name" in by_line[17]


def test_message_lists_the_errors_and_says_nothing_was_imported() -> None:
    with pytest.raises(PlanFileError) as info:
        parse_plan_csv(",".join(HEADER) + "\nStalls,seated,A,x,0,0,,\n", "hall.csv")
    assert info.value.message.startswith("hall.csv: 1 error(s), nothing was imported.")
    assert "line 2: seat must be a whole number" in info.value.message


def test_standing_section_given_twice() -> None:
    text = ",".join(HEADER) + "\nFloor,standing,,,,,,100\nFloor,standing,,,,,,200\n"
    assert _problems(text) == [(3, "standing section 'Floor' is already on line 2; give it one line.")]


def test_a_garbage_file_stops_after_a_bounded_number_of_errors() -> None:
    text = ",".join(HEADER) + "\n" + "\n".join("garbage" for _ in range(5000))
    problems = _problems(text)
    assert len(problems) == MAX_PROBLEMS + 1
    assert "stopped after" in problems[-1][1]


def test_the_shipped_demo_plan_parses() -> None:
    path = Path(__file__).parents[3] / "resources" / "plans" / "small-club.csv"
    gallery, floor = parse_plan_csv(path.read_text(encoding="utf-8"), path.name)
    assert (gallery.capacity, floor.capacity) == (30, 250)
    assert sum(s.accessible for s in gallery.seats) == 1


def test_blocked_flag_carries_its_reason_and_needs_one() -> None:
    text = HEADER_LINE + "Stalls,seated,A,1,0,0,blocked=Sound desk;restricted,\nStalls,seated,A,2,1,0,,\n"
    (stalls,) = parse_plan_csv(text)
    a1, a2 = stalls.seats
    assert (a1.blocked, a1.restricted_view, a2.blocked) == ("Sound desk", True, "")
    assert _problems(HEADER_LINE + "Stalls,seated,A,1,0,0,blocked,\nStalls,seated,A,2,1,0,blocked= ,\n") == [
        (2, "blocked needs a reason of 1 to 40 characters: blocked=Sound desk."),
        (3, "blocked needs a reason of 1 to 40 characters: blocked=Sound desk."),
    ]


HEADER_LINE = ",".join(HEADER) + "\n"
