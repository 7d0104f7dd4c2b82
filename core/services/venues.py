"""Venues and seating plans: create a venue, build a plan from a grid or import it from a CSV file."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import venues as db
from core.db.actors import ensure_active
from core.domain.errors import ErrorCode, InputError, NotFound
from core.domain.ids import PlanId, VenueId
from core.domain.plan_csv import parse_plan_csv
from core.domain.plan_spec import GridSection, SectionSpec, check_plan_name, grid_to_specs
from core.domain.staff import Actor, Permission
from core.domain.venues import SeatingPlan, Venue
from core.security.permissions import require
from core.services.context import ServiceContext

__all__ = [
    "GridSection",
    "create_plan_from_grid",
    "create_venue",
    "get_plan",
    "import_plan_csv",
    "list_venues",
]


def _check_timezone(timezone: str) -> str:
    name = timezone.strip()
    try:
        if not name or name != timezone or "localtime" in name.lower():
            raise ValueError(name)
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            "timezone",
            f"{timezone!r} is not a time zone; use an IANA name such as Europe/Berlin.",
            code=ErrorCode.TIMEZONE_INVALID,
        ) from None
    return name


async def create_venue(ctx: ServiceContext, actor: Actor, *, name: str, timezone: str) -> Venue:
    require(actor, Permission.MANAGE_CATALOG)
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 200:
        raise InputError(
            "name", "give the venue a name of 1 to 200 characters.", code=ErrorCode.VENUE_NAME_INVALID
        )
    zone = _check_timezone(timezone)

    async def work(conn: AsyncConnection) -> Venue:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        venue = await db.insert_venue(conn, name=cleaned, timezone=zone, now=now)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="venue_created",
            subject=f"venue:{venue.id}",
            name=cleaned,
            timezone=zone,
        )
        return venue

    return await ctx.db.write(work)


async def list_venues(ctx: ServiceContext) -> tuple[Venue, ...]:
    return await ctx.db.read(db.list_venues)


async def get_plan(ctx: ServiceContext, plan_id: PlanId) -> SeatingPlan:
    async def work(conn: AsyncConnection) -> SeatingPlan | None:
        return await db.get_plan(conn, plan_id)

    plan = await ctx.db.read(work)
    if plan is None:
        raise NotFound(f"There is no seating plan {plan_id}.", code=ErrorCode.PLAN_NOT_FOUND)
    return plan


async def create_plan_from_grid(
    ctx: ServiceContext, actor: Actor, venue_id: VenueId, *, name: str, sections: Sequence[GridSection]
) -> SeatingPlan:
    require(actor, Permission.MANAGE_CATALOG)
    plan_name = check_plan_name(name)
    specs = grid_to_specs(sections)
    return await _store_plan(ctx, actor, venue_id, plan_name, specs, source="grid")


async def import_plan_csv(
    ctx: ServiceContext,
    actor: Actor,
    venue_id: VenueId,
    *,
    name: str,
    csv_text: str,
    source: str = "plan.csv",
) -> SeatingPlan:
    """Every problem in the file is reported at once (PlanFileError, line numbers); nothing is written."""
    require(actor, Permission.MANAGE_CATALOG)
    plan_name = check_plan_name(name)
    specs = parse_plan_csv(csv_text, source)
    return await _store_plan(ctx, actor, venue_id, plan_name, specs, source=source)


async def _store_plan(
    ctx: ServiceContext,
    actor: Actor,
    venue_id: VenueId,
    name: str,
    specs: Sequence[SectionSpec],
    *,
    source: str,
) -> SeatingPlan:
    async def work(conn: AsyncConnection) -> SeatingPlan:
        await ensure_active(conn, actor)
        if await db.get_venue(conn, venue_id) is None:
            raise NotFound(
                f"There is no venue {venue_id}; create the venue first.", code=ErrorCode.VENUE_NOT_FOUND
            )
        now = ctx.clock.now()
        plan = await db.insert_plan(conn, venue_id=venue_id, name=name, specs=specs, now=now)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="plan_created",
            subject=f"plan:{plan.id}",
            venue_id=venue_id,
            name=name,
            source=source,
            sections={s.name: s.capacity for s in plan.sections},
        )
        return plan

    return await ctx.db.write(work)
