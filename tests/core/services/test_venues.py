"""Venues and seating plans on both engines: create, grid, CSV import, and errors that change nothing."""

from __future__ import annotations

import pytest

from core.domain.errors import Conflict, InputError, NotAllowed, NotFound, PlanFileError
from core.domain.ids import VenueId
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venues import SectionKind
from core.services import staff, venues
from core.services.context import ServiceContext
from tests.core.services.admin_support import SMALL_PLAN, audit_entries, make_actor, snapshot

CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,accessible,
Stalls,seated,A,2,1,0,companion,
Stalls,seated,B,1,0,1,,
Floor,standing,,,,,,50
"""


async def test_create_venue_is_audited(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue = await venues.create_venue(ctx, manager, name="  Encore Hall ", timezone="Europe/Berlin")
    assert (venue.name, venue.timezone) == ("Encore Hall", "Europe/Berlin")
    assert await venues.list_venues(ctx) == (venue,)
    actor, action, subject, details = (await audit_entries(ctx))[-1]
    assert (actor, action, subject) == (f"staff:{manager.staff_id}", "venue_created", f"venue:{venue.id}")
    assert details["timezone"] == "Europe/Berlin"


@pytest.mark.parametrize(
    ("name", "timezone", "code"),
    [
        ("Hall", "Mars/Olympus", "timezone_invalid"),
        ("Hall", "", "timezone_invalid"),
        ("Hall", "../etc/passwd", "timezone_invalid"),
        ("", "Europe/Berlin", "venue_name_invalid"),
        ("x" * 201, "Europe/Berlin", "venue_name_invalid"),
    ],
)
async def test_create_venue_input_errors(ctx: ServiceContext, name: str, timezone: str, code: str) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await venues.create_venue(ctx, manager, name=name, timezone=timezone)
    assert info.value.code == code
    assert await snapshot(ctx) == before


async def test_duplicate_venue_conflicts(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as info:
        await venues.create_venue(ctx, manager, name="Hall", timezone="Europe/Berlin")
    assert info.value.code == "venue_exists"
    assert await snapshot(ctx) == before


async def test_box_office_cannot_create_a_venue(ctx: ServiceContext) -> None:
    clerk = await make_actor(ctx, Role.BOX_OFFICE)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as info:
        await venues.create_venue(ctx, clerk, name="Hall", timezone="UTC")
    assert info.value.code == "not_allowed"
    assert await snapshot(ctx) == before


async def test_deactivated_manager_cannot_act(ctx: ServiceContext) -> None:
    admin = await make_actor(ctx, Role.ADMIN)
    manager = await make_actor(ctx, Role.MANAGER)
    await staff.set_staff_active(ctx, admin, manager.staff_id, False)
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed):
        await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    assert await snapshot(ctx) == before


async def test_plan_from_grid(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue = await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    sections = (GridSection("Big", SectionKind.SEATED, rows=30, seats_per_row=10), *SMALL_PLAN)
    plan = await venues.create_plan_from_grid(ctx, manager, venue.id, name="Main", sections=sections)
    assert [(s.name, s.kind, s.capacity) for s in plan.sections] == [
        ("Big", SectionKind.SEATED, 300),
        ("Stalls", SectionKind.SEATED, 12),
        ("Floor", SectionKind.STANDING, 10),
    ]
    assert await venues.get_plan(ctx, plan.id) == plan
    counts = await snapshot(ctx)
    assert counts["seats"] == 312
    assert (await audit_entries(ctx))[-1][1] == "plan_created"


async def test_plan_errors_change_nothing(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue = await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    await venues.create_plan_from_grid(ctx, manager, venue.id, name="Main", sections=SMALL_PLAN)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as conflict:
        await venues.create_plan_from_grid(ctx, manager, venue.id, name="Main", sections=SMALL_PLAN)
    assert conflict.value.code == "plan_exists"
    with pytest.raises(NotFound) as missing:
        await venues.create_plan_from_grid(ctx, manager, VenueId(999), name="Other", sections=SMALL_PLAN)
    assert missing.value.code == "venue_not_found"
    with pytest.raises(InputError) as bad:
        await venues.create_plan_from_grid(ctx, manager, venue.id, name="Other", sections=())
    assert bad.value.code == "plan_empty"
    with pytest.raises(InputError) as unnamed:
        await venues.create_plan_from_grid(ctx, manager, venue.id, name=" ", sections=SMALL_PLAN)
    assert unnamed.value.code == "plan_name_invalid"
    assert await snapshot(ctx) == before


async def test_import_plan_csv(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue = await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    plan = await venues.import_plan_csv(
        ctx, manager, venue.id, name="From file", csv_text=CSV, source="hall.csv"
    )
    assert [(s.name, s.capacity) for s in plan.sections] == [("Stalls", 3), ("Floor", 50)]
    _, action, _, details = (await audit_entries(ctx))[-1]
    assert (action, details["source"]) == ("plan_created", "hall.csv")


async def test_import_plan_csv_with_errors_writes_nothing(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    venue = await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    before = await snapshot(ctx)
    bad = CSV + "Stalls,seated,A,1,9,9,,\nFloor2,standing,,,,,,\n"
    with pytest.raises(PlanFileError) as info:
        await venues.import_plan_csv(
            ctx, manager, venue.id, name="From file", csv_text=bad, source="hall.csv"
        )
    assert info.value.code == "plan_file_invalid"
    assert [p.line for p in info.value.problems] == [6, 7]
    assert await snapshot(ctx) == before


async def test_door_staff_cannot_import_a_plan(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    door = await make_actor(ctx, Role.DOOR)
    venue = await venues.create_venue(ctx, manager, name="Hall", timezone="UTC")
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed):
        await venues.import_plan_csv(ctx, door, venue.id, name="From file", csv_text=CSV)
    assert await snapshot(ctx) == before
