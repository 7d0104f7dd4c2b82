"""Venues and seating plans through both staff clients (over the real app, and in process): create a venue, a
plan from the grid and from a CSV file, read it, mark seats, every change audited; a bad file names every line
and writes nothing; box-office and door credentials calling the API directly are refused and change nothing."""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select

from core.client.protocol import StaffSession
from core.client.staff_local import LocalStaffClient, LocalStaffSession
from core.client.staff_remote import RemoteStaffClient, RemoteStaffSession
from core.config import Settings
from core.db.tables import audit_log
from core.domain.errors import InputError, NotAllowed, PlanFileError
from core.domain.plan_spec import GridSection
from core.domain.staff import Role
from core.domain.venue_bodies import PLAN_FILE_MAX_BYTES
from core.domain.venues import Numbering, SeatMark, SectionKind
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, bearer, make_staff, session_for

GOOD_CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,accessible,
Stalls,seated,A,2,1,0,companion,
Stalls,seated,A,3,2,0,blocked=Sound desk,
Floor,standing,,,,,,40
"""
BAD_CSV = """section,kind,row,seat,x,y,flags,capacity
Stalls,seated,A,1,0,0,wheelchair,
Stalls,seated,A!,2,1,0,,
Floor,standing,,,,,,
"""


VENUE_ACTIONS = ("venue_created", "plan_created", "seats_marked")


def _members(protocol: type) -> list[str]:
    return [n for n, v in vars(protocol).items() if not n.startswith("_") and inspect.iscoroutinefunction(v)]


@pytest.mark.parametrize("impl", [RemoteStaffSession, LocalStaffSession], ids=lambda c: c.__name__)
def test_both_staff_sessions_have_every_venue_method_with_the_same_parameters(impl: type) -> None:
    for name in ("list_venues", "create_venue", "create_plan_from_grid", "import_plan_csv", "mark_seats"):
        assert name in _members(StaffSession)
    for name in _members(StaffSession):
        declared = getattr(StaffSession, name)
        actual = getattr(impl, name)
        assert list(inspect.signature(actual).parameters) == list(inspect.signature(declared).parameters), (
            name
        )


@asynccontextmanager
async def _session(served, kind: str, role: Role = Role.MANAGER) -> AsyncIterator[StaffSession]:
    member = await make_staff(served.ctx, role, number=21)
    if kind == "remote":
        client: RemoteStaffClient | LocalStaffClient = RemoteStaffClient(
            Settings(server_url="http://encore.test"), transport=served.transport()
        )
    else:
        client = LocalStaffClient.over(served.ctx)
    try:
        yield await client.sign_in(member.email, PASSWORD)
    finally:
        await client.aclose()


async def _actions(ctx, actor: str) -> list[tuple[str, str]]:
    """What ``actor`` changed, in order (signing in is audited too, and is not a venue change)."""

    async def work(conn):  # type: ignore[no-untyped-def]
        query = select(audit_log.c.action, audit_log.c.subject).where(audit_log.c.actor == actor)
        rows = await conn.execute(query.order_by(audit_log.c.id))
        return [tuple(r) for r in rows if r.action in VENUE_ACTIONS]

    return await ctx.db.read(work)


@pytest.mark.parametrize("kind", ["remote", "local"])
async def test_a_manager_sets_up_a_venue_and_its_plans(served, kind: str) -> None:
    async with _session(served, kind) as session:
        venue = await session.create_venue(name="Encore Hall", timezone="Europe/Berlin")
        assert await session.list_venues() == [venue]
        grid = GridSection(
            "Stalls",
            SectionKind.SEATED,
            rows=4,
            seats_per_row=10,
            aisle_after=(5,),
            gap_after_rows=(2,),
            curve_radius=20,
            numbering=Numbering.RIGHT_TO_LEFT,
            accessible_seats=(("A", 1),),
            blocked_seats=(("D", 5, "Sound desk"), ("D", 6, "Sound desk")),
        )
        from_grid = await session.create_plan_from_grid(venue.id, name="Concert", sections=[grid])
        from_file = await session.import_plan_csv(venue.id, name="Club", csv_text=GOOD_CSV, source="club.csv")
        assert [(s.name, s.capacity) for s in from_file.sections] == [("Stalls", 3), ("Floor", 40)]
        assert await session.list_plans(venue.id) == [from_file, from_grid]

        layout = await session.get_plan_layout(from_grid.id)
        assert layout.plan == from_grid
        assert len(layout.seats) == 40
        seats = {(s.row, s.number): s for s in layout.seats}
        assert seats[("A", 1)].x > seats[("A", 10)].x, "numbered right to left"
        assert {k for k, s in seats.items() if s.blocked} == {("D", 5), ("D", 6)}

        press = [seats[("B", 1)].id, seats[("B", 2)].id]
        marked = await session.mark_seats(from_grid.id, press, SeatMark.BLOCKED, reason="Press")
        assert {(s.row, s.number) for s in marked.seats if s.blocked == "Press"} == {("B", 1), ("B", 2)}
        marked = await session.mark_seats(from_grid.id, press[:1], SeatMark.BLOCKED, on=False)
        assert {(s.row, s.number) for s in marked.seats if s.blocked == "Press"} == {("B", 2)}
        assert await session.get_plan_layout(from_grid.id) == marked

    assert await _actions(served.ctx, f"staff:{session.staff.id}") == [
        ("venue_created", f"venue:{venue.id}"),
        ("plan_created", f"plan:{from_grid.id}"),
        ("plan_created", f"plan:{from_file.id}"),
        ("seats_marked", f"plan:{from_grid.id}"),
        ("seats_marked", f"plan:{from_grid.id}"),
    ]


@pytest.mark.parametrize("kind", ["remote", "local"])
async def test_a_bad_plan_file_names_every_line_and_writes_nothing(served, kind: str) -> None:
    async with _session(served, kind) as session:
        venue = await session.create_venue(name="Encore Hall", timezone="Europe/Berlin")
        plan_id = await _a_plan(session, venue.id)
        before = await snapshot(served.ctx)
        with pytest.raises(PlanFileError) as info:
            await session.import_plan_csv(venue.id, name="Club", csv_text=BAD_CSV, source="club.csv")
        assert info.value.code == "plan_file_invalid"
        assert info.value.field == "club.csv"
        problems = [(p.line, p.problem.split(" ")[0]) for p in info.value.problems]
        assert problems == [(2, "unknown"), (3, "row"), (4, "standing")]
        with pytest.raises(InputError) as mark:
            await session.mark_seats(plan_id, [], SeatMark.ACCESSIBLE)
        assert mark.value.code == "seats_missing"
        assert await snapshot(served.ctx) == before


async def _a_plan(session: StaffSession, venue_id):  # type: ignore[no-untyped-def]
    grid = GridSection("S", SectionKind.SEATED, rows=1, seats_per_row=2)
    return (await session.create_plan_from_grid(venue_id, name="Tiny", sections=[grid])).id


async def test_a_plan_file_larger_than_other_requests_is_taken(served) -> None:
    lines = [
        f"Stalls,seated,{r},{n},{n},{i},," for i, r in enumerate(("A", "B", "C", "D")) for n in range(1, 801)
    ]
    text = "section,kind,row,seat,x,y,flags,capacity\n" + "\n".join(lines) + "\n"
    assert len(text) > 64 * 1024
    async with _session(served, "remote") as session:
        venue = await session.create_venue(name="Arena", timezone="UTC")
        plan = await session.import_plan_csv(venue.id, name="Big", csv_text=text)
    assert plan.sections[0].capacity == 3200


async def test_a_plan_file_over_its_own_limit_is_refused_naming_that_limit(served) -> None:
    async with _session(served, "local") as manager:
        venue = await manager.create_venue(name="Arena", timezone="UTC")
    member = await make_staff(served.ctx, Role.ADMIN, number=34)
    body = {"name": "Huge", "csv_text": "x" * PLAN_FILE_MAX_BYTES}
    async with served.http() as http:
        token = await session_for(http, member)
        before = await snapshot(served.ctx)
        response = await http.post(f"/v1/venues/{venue.id}/plans/csv", json=body, headers=bearer(token))
    assert response.status_code == 413
    assert (response.json()["code"], response.json()["limit_bytes"]) == (
        "request_too_large",
        PLAN_FILE_MAX_BYTES,
    )
    assert await snapshot(served.ctx) == before


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_box_office_and_door_credentials_are_refused_on_every_venue_route(served, role: Role) -> None:
    async with _session(served, "local") as manager:
        venue = await manager.create_venue(name="Encore Hall", timezone="Europe/Berlin")
        plan_id = await _a_plan(manager, venue.id)
        seat = (await manager.get_plan_layout(plan_id)).seats[0]
    member = await make_staff(served.ctx, role, number=33)
    grid = {"name": "X", "sections": [{"name": "S", "kind": "seated", "rows": 1, "seats_per_row": 1}]}
    calls = [
        ("GET", "/v1/venues", None),
        ("POST", "/v1/venues", {"name": "Other", "timezone": "UTC"}),
        ("GET", f"/v1/venues/{venue.id}/plans", None),
        ("POST", f"/v1/venues/{venue.id}/plans/grid", grid),
        ("POST", f"/v1/venues/{venue.id}/plans/csv", {"name": "X", "csv_text": GOOD_CSV}),
        ("GET", f"/v1/plans/{plan_id}", None),
        ("POST", f"/v1/plans/{plan_id}/marks", {"seat_ids": [seat.id], "mark": "blocked", "reason": "Press"}),
    ]
    async with served.http() as http:
        token = await session_for(http, member)
        before = await snapshot(served.ctx)
        for method, path, body in calls:
            response = await http.request(method, path, json=body, headers=bearer(token))
            assert response.status_code == 403, (path, response.text)
            problem = response.json()
            assert problem["code"] == "not_allowed", path
            assert response.headers["content-type"].startswith("application/problem+json")
        for method, path, body in calls:
            response = await http.request(method, path, json=body)
            assert response.status_code == 401, path
        assert await snapshot(served.ctx) == before


async def test_refusals_raise_the_same_error_through_the_remote_client(served) -> None:
    async with _session(served, "remote", Role.BOX_OFFICE) as clerk:
        before = await snapshot(served.ctx)
        with pytest.raises(NotAllowed) as info:
            await clerk.create_venue(name="Hall", timezone="UTC")
        assert info.value.code == "not_allowed"
        assert await snapshot(served.ctx) == before
