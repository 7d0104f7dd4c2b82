"""The venues screen's view-model, without Qt, over the in-process staff client and real services: create a
venue and plans (grid, CSV), choose and mark seats; refusals show the server's sentence and a bad file its lines."""

from __future__ import annotations

import pytest

from admin.viewmodels.venues import GridForm, VenuesState, VenuesViewModel, parse_numbers, seat_counts
from core.client.staff_local import LocalStaffClient
from core.domain.staff import Role
from core.domain.venues import Numbering, SeatMark
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
