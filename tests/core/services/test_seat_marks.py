"""Marking a plan's seats (accessible, companion, restricted view, blocked with a reason): audited, refused for
roles without the catalogue permission and for bad input with nothing changed; blocked seats start blocked in the
concerts put on sale afterwards."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.domain.concert_spec import NewCategory
from core.domain.errors import InputError, NotAllowed, NotFound
from core.domain.ids import PlanId, SeatId
from core.domain.places import PlaceState
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venues import SeatMark, SectionKind
from core.services import catalog, concerts, venues
from core.services.context import ServiceContext
from tests.core.services.admin_support import audit_entries, make_actor, make_venue_and_plan
from tests.dbstate import snapshot


async def test_marks_set_and_clear_and_are_audited(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue, plan = await make_venue_and_plan(ctx)
    layout = await venues.get_plan_layout(ctx, manager, plan.id)
    assert (layout.plan, len(layout.seats)) == (plan, 12)
    b1, b2 = (s for s in layout.seats if s.row == "B" and s.number in (1, 2))
    marked = await venues.mark_seats(
        ctx, manager, plan.id, [b1.id, b2.id], SeatMark.BLOCKED, reason=" Press "
    )
    assert {s.id: s.blocked for s in marked.seats if s.blocked} == {b1.id: "Press", b2.id: "Press"}
    marked = await venues.mark_seats(ctx, manager, plan.id, [b1.id], SeatMark.RESTRICTED_VIEW)
    marked = await venues.mark_seats(ctx, manager, plan.id, [b2.id], SeatMark.BLOCKED, on=False)
    after = {s.id: s for s in marked.seats}
    assert (after[b1.id].blocked, after[b1.id].restricted_view) == ("Press", True)
    assert (after[b2.id].blocked, after[b2.id].restricted_view) == ("", False)
    assert await venues.get_plan_layout(ctx, manager, plan.id) == marked
    entries = [e for e in await audit_entries(ctx) if e[1] == "seats_marked"]
    assert [(e[0], e[2], e[3]["mark"], e[3]["on"], e[3]["count"]) for e in entries] == [
        (f"staff:{manager.staff_id}", f"plan:{plan.id}", "blocked", True, 2),
        (f"staff:{manager.staff_id}", f"plan:{plan.id}", "restricted_view", True, 1),
        (f"staff:{manager.staff_id}", f"plan:{plan.id}", "blocked", False, 1),
    ]
    assert entries[0][3]["reason"] == "Press"
    assert await venues.list_plans(ctx, manager, venue.id) == (plan,)


async def test_bad_marks_change_nothing(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    _, plan = await make_venue_and_plan(ctx)
    _, other = await make_venue_and_plan(ctx, name="Other Hall")
    seats = (await venues.get_plan_layout(ctx, manager, plan.id)).seats
    foreign = (await venues.get_plan_layout(ctx, manager, other.id)).seats[0]
    a1 = next(s for s in seats if (s.row, s.number) == ("A", 1))  # accessible in SMALL_PLAN
    before = await snapshot(ctx)
    cases = [
        ([foreign.id], SeatMark.ACCESSIBLE, "", "seat_unknown"),
        ([SeatId(10**9)], SeatMark.ACCESSIBLE, "", "seat_unknown"),
        ([], SeatMark.ACCESSIBLE, "", "seats_missing"),
        ([SeatId(0)], SeatMark.ACCESSIBLE, "", "id_invalid"),
        ([SeatId(2**63)], SeatMark.ACCESSIBLE, "", "id_invalid"),
        ([a1.id], SeatMark.COMPANION, "", "seat_flags_conflict"),
        ([a1.id], SeatMark.BLOCKED, "  ", "block_reason_invalid"),
        ([a1.id], SeatMark.BLOCKED, "x" * 41, "block_reason_invalid"),
    ]
    for ids, mark, reason, code in cases:
        with pytest.raises(InputError) as info:
            await venues.mark_seats(ctx, manager, plan.id, ids, mark, reason=reason)
        assert info.value.code == code, (ids, mark)
    with pytest.raises(NotFound) as missing:
        await venues.mark_seats(ctx, manager, PlanId(10**9), [a1.id], SeatMark.ACCESSIBLE)
    assert missing.value.code == "plan_not_found"
    assert await snapshot(ctx) == before


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_roles_without_the_catalogue_cannot_read_or_mark(ctx: ServiceContext, role: Role) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    someone = await make_actor(ctx, role)
    venue, plan = await make_venue_and_plan(ctx)
    seat = (await venues.get_plan_layout(ctx, manager, plan.id)).seats[0]
    before = await snapshot(ctx)
    for call in (
        venues.mark_seats(ctx, someone, plan.id, [seat.id], SeatMark.BLOCKED, reason="Press"),
        venues.get_plan_layout(ctx, someone, plan.id),
        venues.list_plans(ctx, someone, venue.id),
        venues.list_venues(ctx, someone),
    ):
        with pytest.raises(NotAllowed) as info:
            await call
        assert info.value.code == "not_allowed"
    assert await snapshot(ctx) == before


async def test_a_blocked_seat_starts_blocked_in_concerts_put_on_sale_afterwards(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue = await venues.create_venue(ctx, manager, name="Blocked Hall", timezone="UTC")
    grid = GridSection(
        "Stalls", SectionKind.SEATED, rows=2, seats_per_row=3, blocked_seats=(("B", 2, "Desk"),)
    )
    plan = await venues.create_plan_from_grid(ctx, manager, venue.id, name="Main", sections=[grid])
    seats = (await venues.get_plan_layout(ctx, manager, plan.id)).seats
    a3 = next(s for s in seats if (s.row, s.number) == ("A", 3))
    await venues.mark_seats(ctx, manager, plan.id, [a3.id], SeatMark.BLOCKED, reason="Press")
    now = ctx.clock.now()
    concert = await concerts.create_concert(
        ctx,
        manager,
        venue_id=venue.id,
        plan_id=plan.id,
        title="Quiet Night",
        artist="The Testers",
        doors_at=now + timedelta(days=7),
        starts_at=now + timedelta(days=7, hours=1),
        sales_open_at=now - timedelta(days=1),
        sales_close_at=now + timedelta(days=7),
        currency="EUR",
        categories=[NewCategory("Stalls", 4500, "#3366cc", sections=("Stalls",))],
    )
    await concerts.put_on_sale(ctx, manager, concert.id)
    seat_map = await catalog.get_seat_map(ctx, concert.id)
    states = {(p.row, p.number): p.state for p in seat_map.places}
    assert {k for k, v in states.items() if v is PlaceState.BLOCKED} == {("B", 2), ("A", 3)}
    assert sum(v is PlaceState.FREE for v in states.values()) == 4
