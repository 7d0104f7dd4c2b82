"""Venues and seating plans: create a venue, build a plan from a grid or import it from a CSV file."""

from __future__ import annotations

from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import venues as db
from core.db.actors import ensure_active
from core.domain.errors import ErrorCode, InputError, NotFound
from core.domain.ids import PlanId, SeatId, VenueId
from core.domain.plan_csv import parse_plan_csv
from core.domain.plan_spec import GridSection, SectionSpec, check_block_reason, check_plan_name, grid_to_specs
from core.domain.staff import Actor, Permission
from core.domain.validation import check_id, check_ids
from core.domain.venues import PlanLayout, SeatingPlan, SeatMark, Venue
from core.security.permissions import require
from core.services.context import ServiceContext

__all__ = [
    "GridSection",
    "create_plan_from_grid",
    "create_venue",
    "get_plan",
    "get_plan_layout",
    "import_plan_csv",
    "list_plans",
    "list_venues",
    "mark_seats",
]

MAX_MARKED = 5_000
"""Seats marked in one call (a whole balcony at most); more is a mistake or an attack on the audit log."""


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


async def list_venues(ctx: ServiceContext, actor: Actor | None = None) -> tuple[Venue, ...]:
    """``actor`` None: a caller inside core (ops, seeding); a staff member needs the catalogue permission."""
    if actor is not None:
        require(actor, Permission.MANAGE_CATALOG)
    return await ctx.db.read(db.list_venues)


async def list_plans(ctx: ServiceContext, actor: Actor, venue_id: VenueId) -> tuple[SeatingPlan, ...]:
    require(actor, Permission.MANAGE_CATALOG)
    check_id("venue", venue_id)

    async def work(conn: AsyncConnection) -> tuple[SeatingPlan, ...]:
        await _venue(conn, venue_id)
        return await db.list_plans(conn, venue_id)

    return await ctx.db.read(work)


async def get_plan(ctx: ServiceContext, plan_id: PlanId) -> SeatingPlan:
    async def work(conn: AsyncConnection) -> SeatingPlan:
        return await _plan(conn, plan_id)

    return await ctx.db.read(work)


async def get_plan_layout(ctx: ServiceContext, actor: Actor, plan_id: PlanId) -> PlanLayout:
    require(actor, Permission.MANAGE_CATALOG)
    check_id("plan", plan_id)

    async def work(conn: AsyncConnection) -> PlanLayout:
        return PlanLayout(await _plan(conn, plan_id), await db.plan_seats(conn, plan_id))

    return await ctx.db.read(work)


async def mark_seats(
    ctx: ServiceContext,
    actor: Actor,
    plan_id: PlanId,
    seat_ids: Sequence[SeatId],
    mark: SeatMark,
    *,
    on: bool = True,
    reason: str = "",
) -> PlanLayout:
    """Mark (or unmark) seats of a plan. Blocking takes a reason ('Sound desk') and applies to the concerts put on
    sale afterwards (their places are made then); the other marks are read live, so they show at once
    everywhere."""
    require(actor, Permission.MANAGE_CATALOG)
    check_id("plan", plan_id)
    try:  # a caller in process may pass the mark's text (the API's body is typed already)
        mark = SeatMark(mark)
    except ValueError:
        raise InputError("mark", f"{mark!r} is not a seat mark.", code=ErrorCode.INVALID_INPUT) from None
    wanted = sorted({SeatId(i) for i in check_ids("seat_ids", seat_ids)})
    if not 1 <= len(wanted) <= MAX_MARKED:
        raise InputError(
            "seat_ids", f"choose 1 to {MAX_MARKED:,} seats to mark.", code=ErrorCode.SEATS_MISSING
        )
    block_reason = check_block_reason(reason) if mark is SeatMark.BLOCKED and on else ""

    async def work(conn: AsyncConnection) -> PlanLayout:
        await ensure_active(conn, actor)
        plan = await _plan(conn, plan_id)
        found = await db.plan_seats(conn, plan_id, wanted)
        if len(found) != len(wanted):
            missing = sorted(set(wanted) - {s.id for s in found})
            raise InputError(
                "seat_ids",
                f"seat {missing[0]} is not in the plan {plan.name!r}; reload the plan and choose again.",
                code=ErrorCode.SEAT_UNKNOWN,
            )
        other = {SeatMark.ACCESSIBLE: "companion", SeatMark.COMPANION: "accessible"}.get(mark)
        if on and other and any(getattr(s, other) for s in found):
            raise InputError(
                "mark",
                "a seat cannot be both a wheelchair place and a companion seat; unmark it first.",
                code=ErrorCode.SEAT_FLAGS_CONFLICT,
            )
        value: object = block_reason if mark is SeatMark.BLOCKED else on
        await db.set_seat_columns(conn, wanted, {mark.value: value})
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="seats_marked",
            subject=f"plan:{plan_id}",
            mark=mark.value,
            on=on,
            reason=block_reason,
            seats=[s.label for s in found][:50],
            count=len(found),
        )
        return PlanLayout(plan, await db.plan_seats(conn, plan_id))

    return await ctx.db.write(work)


async def _venue(conn: AsyncConnection, venue_id: VenueId) -> Venue:
    venue = await db.get_venue(conn, venue_id)
    if venue is None:
        raise NotFound(
            f"There is no venue {venue_id}; create the venue first.", code=ErrorCode.VENUE_NOT_FOUND
        )
    return venue


async def _plan(conn: AsyncConnection, plan_id: PlanId) -> SeatingPlan:
    plan = await db.get_plan(conn, plan_id)
    if plan is None:
        raise NotFound(f"There is no seating plan {plan_id}.", code=ErrorCode.PLAN_NOT_FOUND)
    return plan


async def create_plan_from_grid(
    ctx: ServiceContext, actor: Actor, venue_id: VenueId, *, name: str, sections: Sequence[GridSection]
) -> SeatingPlan:
    require(actor, Permission.MANAGE_CATALOG)
    check_id("venue", venue_id)
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
    check_id("venue", venue_id)
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
        await _venue(conn, venue_id)
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
