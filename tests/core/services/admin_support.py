"""Helpers for the admin-service tests: row-count snapshots, audit reading, a small venue and plan."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import audit_log, metadata
from core.domain.plan_spec import GridSection
from core.domain.staff import Role, StaffActor, SystemActor
from core.domain.venues import SeatingPlan, SectionKind, Venue
from core.services import staff, venues
from core.services.context import ServiceContext

SYSTEM = SystemActor("test")

SMALL_PLAN = (
    GridSection(
        "Stalls",
        SectionKind.SEATED,
        rows=3,
        seats_per_row=4,
        accessible_seats=(("A", 1),),
        companion_seats=(("A", 2),),
    ),
    GridSection("Floor", SectionKind.STANDING, capacity=10),
)


async def snapshot(ctx: ServiceContext) -> dict[str, Any]:
    """Row counts of every table plus the status columns services change; "nothing changed" means equal."""

    async def work(conn: AsyncConnection) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for table in metadata.sorted_tables:
            result[table.name] = (await conn.execute(select(func.count()).select_from(table))).scalar_one()
            for column in ("status", "active", "state"):
                if column in table.c:
                    rows = await conn.execute(select(table.c.id, table.c[column]).order_by(table.c.id))
                    result[f"{table.name}.{column}"] = [tuple(r) for r in rows]
        return result

    return await ctx.db.read(work)


async def audit_entries(ctx: ServiceContext) -> list[tuple[str, str, str, dict[str, Any]]]:
    async def work(conn: AsyncConnection) -> list[tuple[str, str, str, dict[str, Any]]]:
        rows = await conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.subject, audit_log.c.details).order_by(
                audit_log.c.id
            )
        )
        return [(a, b, c, d) for a, b, c, d in rows]

    return await ctx.db.read(work)


async def make_actor(ctx: ServiceContext, role: Role, name: str = "") -> StaffActor:
    """A real, active staff account (services check the account in the database) without a slow password."""
    label = name or role.value
    member = await staff.create_staff(
        ctx, SYSTEM, email=f"{label}@test.example", display_name=label, role=role
    )
    return StaffActor(member.id, member.role, member.display_name)


async def make_venue_and_plan(ctx: ServiceContext, name: str = "Test Hall") -> tuple[Venue, SeatingPlan]:
    venue = await venues.create_venue(ctx, SYSTEM, name=name, timezone="Europe/Berlin")
    plan = await venues.create_plan_from_grid(ctx, SYSTEM, venue.id, name="Main", sections=SMALL_PLAN)
    return venue, plan
