"""The venues screen's view-model, without Qt, over the in-process staff client and real services: create a
venue and plans (grid, CSV), choose and mark seats; refusals show the server's sentence and a bad file its lines."""

from __future__ import annotations

import pytest

from admin.viewmodels.venues import (
    SECTION_SPACING,
    GridForm,
    VenuesState,
    VenuesViewModel,
    describe_section,
    parse_numbers,
    seat_counts,
)
from core.client.staff_local import LocalStaffClient
from core.domain.staff import Role
from core.domain.venues import Numbering, SeatMark, SectionKind
from core.services.context import ServiceContext
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff

CSV = "section,kind,row,seat,x,y,flags,capacity\nStalls,seated,A,1,0,0,,\nStalls,seated,A,2,1,0,,\n"
BAD_CSV = "section,kind,row,seat,x,y,flags,capacity\nStalls,seated,A,x,0,0,,\nFloor,standing,,,,,,0\n"


async def _vm(ctx: ServiceContext, role: Role = Role.MANAGER) -> VenuesViewModel:
    member = await make_staff(ctx, role)
    session = await LocalStaffClient.over(ctx).sign_in(member.email, PASSWORD)
    return VenuesViewModel(session)


async def test_a_manager_creates_a_venue_and_plans_and_marks_seats(ctx: ServiceContext) -> None:
    vm = await _vm(ctx)
    seen: list[VenuesState] = []
    vm.changed.connect(seen.append)
    await vm.load()
    assert vm.state.venues == ()
    await vm.create_venue("Encore Hall", "Europe/Berlin")
    assert [v.name for v in vm.state.venues] == ["Encore Hall"]
    assert vm.state.venue is not None
    assert vm.state.notice == "Venue Encore Hall created."

    form = GridForm(
        "Concert", "Stalls", 6, 12, Numbering.RIGHT_TO_LEFT, aisles="6", gaps="3", curve_radius=30
    )
    await vm.create_grid_plan(form)
    layout = vm.state.layout
    assert layout is not None
    assert (layout.plan.name, len(layout.seats)) == ("Concert", 72)
    assert vm.state.notice == "Plan Concert created: 72 places in 1 section(s)."
    await vm.import_csv("Club", CSV, "club.csv")
    assert [p.name for p in vm.state.plans] == ["Club", "Concert"]
    assert vm.state.layout is not None
    assert vm.state.layout.plan.name == "Club"

    await vm.select_plan(layout.plan.id)
    desk = [s.id for s in layout.seats if s.row == "F" and s.number in (6, 7)]
    vm.select_seats(desk)
    vm.select_seats(desk[:1], add=True)  # toggles the first off again
    assert vm.state.selected == frozenset(desk[1:])
    vm.select_seats(desk)
    await vm.mark(SeatMark.BLOCKED, reason="Sound desk")
    assert vm.state.error == ""
    assert vm.state.layout is not None
    assert seat_counts(vm.state.layout)["blocked"] == 2
    assert vm.state.selected == frozenset()
    assert any(s.busy for s in seen)
    assert not vm.state.busy
    await vm.aclose()


async def test_refusals_and_a_bad_file_change_nothing(ctx: ServiceContext) -> None:
    vm = await _vm(ctx)
    await vm.create_venue("Encore Hall", "Europe/Berlin")
    before = await snapshot(ctx)
    await vm.import_csv("Club", BAD_CSV, "club.csv")
    assert vm.state.error_code == "plan_file_invalid"
    assert [p.line for p in vm.state.file_problems] == [2, 3]
    await vm.create_venue("Encore Hall", "Europe/Berlin")
    assert (vm.state.error_code, vm.state.file_problems) == ("venue_exists", ())
    await vm.create_grid_plan(GridForm("P", "S", 2, 4, aisles="two"))
    assert vm.state.error == "Aisles after seats: write whole numbers separated by commas, such as 6, 14."
    await vm.create_grid_plan(GridForm("P", "S", 2, 4, aisles="4"))
    assert vm.state.error_code == "aisle_invalid"
    await vm.mark(SeatMark.ACCESSIBLE)
    assert vm.state.error.startswith("Choose seats")
    assert await snapshot(ctx) == before
    await vm.aclose()


async def test_box_office_sees_the_refusal_not_the_venues(ctx: ServiceContext) -> None:
    vm = await _vm(ctx, Role.BOX_OFFICE)
    await vm.load()
    assert (vm.state.error_code, vm.state.venues) == ("not_allowed", ())
    await vm.aclose()


@pytest.mark.parametrize(("text", "numbers"), [("", ()), ("6", (6,)), (" 6, 14 ;20", (6, 14, 20))])
def test_parse_numbers(text: str, numbers: tuple[int, ...]) -> None:
    assert parse_numbers("Aisles", text) == numbers


async def test_a_plan_of_several_sections_each_behind_the_last(ctx: ServiceContext) -> None:
    vm = await _vm(ctx)
    await vm.create_venue("Encore Hall", "Europe/Berlin")
    vm.add_section(GridForm("Season", "Stalls", 4, 10, curve_radius=20))
    vm.add_section(GridForm("Season", "Circle", 3, 14, aisles="7"))
    vm.add_section(GridForm("Season", "Floor", 0, 0, kind=SectionKind.STANDING, places=300))
    assert [describe_section(s) for s in vm.state.draft] == [
        "Stalls: 4 rows × 10 = 40 seats, curved",
        "Circle: 3 rows × 14 = 42 seats",
        "Floor: standing, 300 places",
    ]
    assert vm.state.notice == "Floor added: 3 sections so far. Add another, or create the plan."

    before = await snapshot(ctx)
    vm.add_section(GridForm("Season", "Circle", 2, 2))  # the name is taken: the server's sentence and code
    assert vm.state.error_code == "section_duplicate"
    assert "used twice" in vm.state.error
    vm.add_section(GridForm("Season", "Box", 2, 4, aisles="4"))
    assert vm.state.error_code == "aisle_invalid"
    vm.add_section(GridForm("Season", "Bar", 0, 0, kind=SectionKind.STANDING, places=0))
    assert vm.state.error_code == "capacity_invalid"
    assert len(vm.state.draft) == 3
    assert await snapshot(ctx) == before  # nothing is written before the plan is created

    vm.add_section(GridForm("Season", "Balcony", 2, 8))
    vm.remove_section(1)  # the Circle goes; the Balcony moves up behind the Stalls
    assert [s.name for s in vm.state.draft] == ["Stalls", "Floor", "Balcony"]
    await vm.create_grid_plan(GridForm("Season", "ignored: the added sections are the plan", 1, 1))
    assert vm.state.error == ""
    assert vm.state.draft == ()
    layout = vm.state.layout
    assert layout is not None
    sections = {s.name: s for s in layout.plan.sections}
    assert {n: (s.kind, s.capacity) for n, s in sections.items()} == {
        "Stalls": (SectionKind.SEATED, 40),
        "Floor": (SectionKind.STANDING, 300),
        "Balcony": (SectionKind.SEATED, 16),
    }
    stalls = [s for s in layout.seats if s.section_id == sections["Stalls"].id]
    balcony = [s for s in layout.seats if s.section_id == sections["Balcony"].id]
    assert min(s.y for s in balcony) >= max(s.y for s in stalls) + SECTION_SPACING - 1e-6  # no overlap
    for part in (stalls, balcony):  # each centred left to right
        assert abs(min(s.x for s in part) + max(s.x for s in part)) < 1e-6
    await vm.aclose()
