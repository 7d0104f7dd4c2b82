"""Grid layout of seating plans and the pure checks of a new concert."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.domain.concert_spec import ConcertRules, NewCategory, check_categories, check_rules, check_times
from core.domain.errors import InputError
from core.domain.plan_spec import GridSection, grid_to_specs, row_label
from core.domain.venues import SectionKind

SEATED = SectionKind.SEATED
STANDING = SectionKind.STANDING


@pytest.mark.parametrize(
    ("index", "label"),
    [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (52, "BA"), (701, "ZZ"), (702, "AAA")],
)
def test_row_labels(index: int, label: str) -> None:
    assert row_label(index) == label


def test_grid_lays_out_rows_seats_aisles_and_flags() -> None:
    (section,) = grid_to_specs(
        [
            GridSection(
                "Stalls",
                SEATED,
                rows=2,
                seats_per_row=4,
                origin_x=10,
                origin_y=5,
                aisle_after=(2,),
                accessible_seats=(("B", 4),),
                companion_seats=(("B", 3),),
                restricted_seats=(("A", 1),),
            )
        ]
    )
    assert section.capacity == 8
    coords = {(s.row, s.number): (s.x, s.y) for s in section.seats}
    assert coords[("A", 1)] == (10, 5)
    assert coords[("A", 2)] == (11, 5)
    assert coords[("A", 3)] == (13, 5), "the aisle after seat 2 adds a gap"
    assert coords[("B", 1)] == (10, 6), "row B is one pitch further from the stage"
    flagged = {(s.row, s.number): (s.accessible, s.companion, s.restricted_view) for s in section.seats}
    assert flagged[("B", 4)] == (True, False, False)
    assert flagged[("B", 3)] == (False, True, False)
    assert flagged[("A", 1)] == (False, False, True)


def test_standing_section_has_capacity_and_no_seats() -> None:
    (floor,) = grid_to_specs([GridSection("Floor", STANDING, capacity=800)])
    assert (floor.capacity, floor.seats) == (800, ())


@pytest.mark.parametrize(
    ("sections", "code"),
    [
        ([], "plan_empty"),
        ([GridSection(" ", SEATED, rows=1, seats_per_row=1)], "section_name_invalid"),
        (
            [GridSection("A", STANDING, capacity=5), GridSection("A", STANDING, capacity=5)],
            "section_duplicate",
        ),
        ([GridSection("A", SEATED, rows=0, seats_per_row=5)], "rows_invalid"),
        ([GridSection("A", SEATED, rows=5, seats_per_row=0)], "seats_per_row_invalid"),
        ([GridSection("A", SEATED, rows=5, seats_per_row=5, capacity=25)], "seated_with_capacity"),
        ([GridSection("A", SEATED, rows=5, seats_per_row=5, aisle_after=(5,))], "aisle_invalid"),
        ([GridSection("A", SEATED, rows=2, seats_per_row=5, accessible_seats=(("C", 1),))], "seat_unknown"),
        ([GridSection("A", SEATED, rows=2, seats_per_row=5, accessible_seats=(("A", 6),))], "seat_unknown"),
        (
            [
                GridSection(
                    "A",
                    SEATED,
                    rows=2,
                    seats_per_row=5,
                    accessible_seats=(("A", 1),),
                    companion_seats=(("A", 1),),
                )
            ],
            "seat_flags_conflict",
        ),
        ([GridSection("F", STANDING)], "capacity_invalid"),
        ([GridSection("F", STANDING, capacity=5, rows=2)], "standing_with_seats"),
    ],
)
def test_grid_errors(sections: list[GridSection], code: str) -> None:
    with pytest.raises(InputError) as info:
        grid_to_specs(sections)
    assert info.value.code == code


T0 = datetime(2027, 1, 1, 20, tzinfo=UTC)


@pytest.mark.parametrize(
    ("times", "code"),
    [
        ((T0, T0.replace(tzinfo=None), T0 - timedelta(days=9), T0), "time_not_aware"),
        ((T0 + timedelta(minutes=1), T0, T0 - timedelta(days=9), T0), "doors_after_start"),
        ((T0, T0, T0 - timedelta(days=1), T0 - timedelta(days=1)), "sales_window_empty"),
        ((T0, T0, T0 - timedelta(days=1), T0 + timedelta(minutes=1)), "sales_close_after_start"),
    ],
)
def test_time_errors(times: tuple[datetime, datetime, datetime, datetime], code: str) -> None:
    with pytest.raises(InputError) as info:
        check_times(*times)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("rules", "code"),
    [
        (ConcertRules(max_per_order=0), "max_per_order_invalid"),
        (ConcertRules(max_per_order=51), "max_per_order_invalid"),
        (ConcertRules(hold_seconds=59), "hold_seconds_invalid"),
        (ConcertRules(hold_seconds=1801), "hold_seconds_invalid"),
        (ConcertRules(max_extensions=9), "max_extensions_invalid"),
        (ConcertRules(max_extensions=51), "max_extensions_invalid"),
    ],
)
def test_rule_errors(rules: ConcertRules, code: str) -> None:
    with pytest.raises(InputError) as info:
        check_rules(rules)
    assert info.value.code == code


@pytest.mark.parametrize(
    ("categories", "code"),
    [
        ([], "categories_missing"),
        ([NewCategory("A", -1, "#000000", sections=("S",))], "price_invalid"),
        ([NewCategory("A", 100, "red", sections=("S",))], "colour_invalid"),
        ([NewCategory("A", 100, "#00000", sections=("S",))], "colour_invalid"),
        ([NewCategory("A", 100, "#000000")], "category_unused"),
        (
            [
                NewCategory("A", 1, "#000000", sections=("S",)),
                NewCategory("A", 2, "#000000", sections=("T",)),
            ],
            "category_duplicate",
        ),
        (
            [
                NewCategory("A", 1, "#000000", sections=("S",)),
                NewCategory("B", 2, "#000000", sections=("S",)),
            ],
            "section_priced_twice",
        ),
        (
            [
                NewCategory("A", 1, "#000000", seats=(("S", "A", 1),)),
                NewCategory("B", 2, "#000000", seats=(("S", "A", 1),)),
            ],
            "seat_priced_twice",
        ),
    ],
)
def test_category_errors(categories: list[NewCategory], code: str) -> None:
    with pytest.raises(InputError) as info:
        check_categories(categories)
    assert info.value.code == code
