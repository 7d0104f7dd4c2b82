"""Concerts: create one with its prices, put it on sale (expanding places), close sales, cancel."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import datetime
from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import concerts as db
from core.db.actors import ensure_active
from core.db.venues import get_plan, get_venue
from core.domain.concert_spec import (
    ConcertRules,
    NewCategory,
    check_categories,
    check_currency,
    check_rules,
    check_text,
    check_times,
)
from core.domain.concerts import Concert, ConcertStatus
from core.domain.errors import Conflict, ErrorCode, InputError, NotFound
from core.domain.ids import CategoryId, ConcertId, PlanId, SeatId, SectionId, VenueId
from core.domain.staff import Actor, Permission
from core.domain.venues import SeatingPlan
from core.security.permissions import require
from core.services.common import concert_not_found
from core.services.context import ServiceContext

__all__ = ["NewCategory", "cancel_concert", "close_sales", "create_concert", "get_concert", "put_on_sale"]

log = logging.getLogger(__name__)


async def create_concert(
    ctx: ServiceContext,
    actor: Actor,
    *,
    venue_id: VenueId,
    plan_id: PlanId,
    title: str,
    artist: str,
    doors_at: datetime,
    starts_at: datetime,
    sales_open_at: datetime,
    sales_close_at: datetime,
    currency: str,
    categories: Sequence[NewCategory],
    max_per_order: int = 8,
    hold_seconds: int = 300,
    max_extensions: int = 10,
    reentry_allowed: bool = False,
) -> Concert:
    require(actor, Permission.MANAGE_CATALOG)
    title = check_text("title", title, code=ErrorCode.TITLE_INVALID)
    artist = check_text("artist", artist, code=ErrorCode.ARTIST_INVALID)
    check_times(doors_at, starts_at, sales_open_at, sales_close_at)
    check_currency(currency)
    rules = ConcertRules(max_per_order, hold_seconds, max_extensions, reentry_allowed)
    check_rules(rules)
    check_categories(categories)

    async def work(conn: AsyncConnection) -> Concert:
        await ensure_active(conn, actor)
        plan = await _plan_of_venue(conn, venue_id, plan_id)
        now = ctx.clock.now()
        concert = await db.insert_concert(
            conn,
            title=title,
            artist=artist,
            venue_id=venue_id,
            plan_id=plan_id,
            doors_at=doors_at,
            starts_at=starts_at,
            sales_open_at=sales_open_at,
            sales_close_at=sales_close_at,
            status=ConcertStatus.DRAFT.value,
            max_per_order=rules.max_per_order,
            hold_seconds=rules.hold_seconds,
            max_extensions=rules.max_extensions,
            reentry_allowed=rules.reentry_allowed,
            currency=currency,
            created_at=now,
        )
        await write_prices(conn, concert.id, plan, categories, currency)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="concert_created",
            subject=f"concert:{concert.id}",
            title=title,
            plan_id=plan_id,
            prices={c.name.strip(): c.price_minor for c in categories},
            currency=currency,
        )
        return concert

    return await ctx.db.write(work)


async def write_prices(
    conn: AsyncConnection,
    concert_id: ConcertId,
    plan: SeatingPlan,
    categories: Sequence[NewCategory],
    currency: str,
) -> None:
    """The categories and which sections and seats they price; every section of the plan exactly once."""
    sections, seat_ids = await _resolve_targets(conn, plan, categories)
    by_section: list[tuple[SectionId, CategoryId]] = []
    by_seat: list[tuple[SeatId, CategoryId]] = []
    for cat in categories:
        cat_id = await db.insert_category(
            conn,
            concert_id=concert_id,
            name=cat.name.strip(),
            price_minor=cat.price_minor,
            currency=currency,
            colour=cat.colour,
        )
        by_section += [(sections[name], cat_id) for name in cat.sections]
        by_seat += [(seat_ids[key], cat_id) for key in cat.seats]
    await db.insert_assignments(conn, concert_id, by_section, by_seat)


async def _plan_of_venue(conn: AsyncConnection, venue_id: VenueId, plan_id: PlanId) -> SeatingPlan:
    if await get_venue(conn, venue_id) is None:
        raise NotFound(f"There is no venue {venue_id}.", code=ErrorCode.VENUE_NOT_FOUND)
    plan = await get_plan(conn, plan_id)
    if plan is None:
        raise NotFound(f"There is no seating plan {plan_id}.", code=ErrorCode.PLAN_NOT_FOUND)
    if plan.venue_id != venue_id:
        raise InputError(
            "plan_id",
            "this seating plan belongs to another venue; choose one of this venue's plans.",
            code=ErrorCode.PLAN_NOT_IN_VENUE,
        )
    return plan


async def _resolve_targets(
    conn: AsyncConnection, plan: SeatingPlan, categories: Sequence[NewCategory]
) -> tuple[dict[str, SectionId], dict[tuple[str, str, int], SeatId]]:
    """Every section priced exactly once (check_categories ruled out twice), every seat override real."""
    sections = {s.name: s.id for s in plan.sections}
    named = {name for cat in categories for name in cat.sections}
    unknown = sorted(named - sections.keys())
    if unknown:
        raise InputError(
            "categories",
            f"the plan has no section {unknown[0]!r}; its sections are {', '.join(sections)}.",
            code=ErrorCode.SECTION_UNKNOWN,
        )
    unpriced = [name for name in sections if name not in named]
    if unpriced:
        raise InputError(
            "categories",
            f"section(s) {', '.join(unpriced)} have no price; give every section a category.",
            code=ErrorCode.SECTION_UNPRICED,
        )
    keys = [key for cat in categories for key in cat.seats]
    seat_ids = await db.find_seats(conn, plan.id, keys)
    missing = [key for key in keys if key not in seat_ids]
    if missing:
        section, row, number = missing[0]
        raise InputError(
            "categories",
            f"{section} has no seat {row}{number}; check the seat overrides.",
            code=ErrorCode.SEAT_UNKNOWN,
        )
    return sections, seat_ids


async def get_concert(ctx: ServiceContext, concert_id: ConcertId) -> Concert:
    async def work(conn: AsyncConnection) -> Concert | None:
        return await db.get_concert(conn, concert_id)

    concert = await ctx.db.read(work)
    if concert is None:
        raise concert_not_found(concert_id)
    return concert


async def require_concert(conn: AsyncConnection, concert_id: ConcertId) -> Concert:
    concert = await db.get_concert(conn, concert_id)
    if concert is None:
        raise concert_not_found(concert_id)
    return concert


async def put_on_sale(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> Concert:
    """DRAFT -> ON_SALE, expanding the plan into places; SALES_CLOSED -> ON_SALE reopens (places exist)."""
    require(actor, Permission.MANAGE_CATALOG)

    async def work(conn: AsyncConnection) -> tuple[Concert, int]:
        await ensure_active(conn, actor)
        concert = await require_concert(conn, concert_id)
        allowed = (ConcertStatus.DRAFT, ConcertStatus.SALES_CLOSED)
        # The conditional UPDATE is the lock: two managers clicking at once expand the places only once.
        if not await db.set_status(conn, concert_id, ConcertStatus.ON_SALE, allowed_from=allowed):
            concert = await require_concert(conn, concert_id)
            refuse(concert, "put on sale")
        created = 0
        if concert.status is ConcertStatus.DRAFT:
            created = await db.expand_places(conn, concert_id, concert.plan_id)
        now = ctx.clock.now()
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="concert_on_sale",
            subject=f"concert:{concert_id}",
            places_created=created,
        )
        return await require_concert(conn, concert_id), created

    started = time.perf_counter()
    concert, created = await ctx.db.write(work)
    log.info("concert %s on sale: %d places in %.3f s", concert_id, created, time.perf_counter() - started)
    if created:
        try:  # after commit: fresh planner statistics for the hold queries; a failure costs only speed
            await ctx.db.write(db.analyze_places)
        except Exception:
            log.warning("ANALYZE places failed after putting concert %s on sale", concert_id, exc_info=True)
    return concert


def refuse(concert: Concert, verb: str) -> NoReturn:
    if concert.status is ConcertStatus.ON_SALE:
        raise Conflict(f"{concert.title} is already on sale.", code=ErrorCode.ALREADY_ON_SALE)
    if concert.status is ConcertStatus.CANCELLED:
        raise Conflict(
            f"{concert.title} has been cancelled and cannot be {verb}.", code=ErrorCode.CONCERT_CANCELLED
        )
    if concert.status is ConcertStatus.SALES_CLOSED:
        raise Conflict(f"Sales for {concert.title} are already closed.", code=ErrorCode.SALES_ALREADY_CLOSED)
    raise Conflict(
        f"{concert.title} is not on sale, so its sales cannot be closed.", code=ErrorCode.NOT_ON_SALE
    )


async def close_sales(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> Concert:
    return await _change_status(
        ctx,
        actor,
        concert_id,
        ConcertStatus.SALES_CLOSED,
        (ConcertStatus.ON_SALE,),
        action="sales_closed",
        verb="closed",
    )


async def cancel_concert(ctx: ServiceContext, actor: Actor, concert_id: ConcertId) -> Concert:
    """Stops all sales; refunding sold tickets is a separate step (services.orders)."""
    allowed = (ConcertStatus.DRAFT, ConcertStatus.ON_SALE, ConcertStatus.SALES_CLOSED)
    return await _change_status(
        ctx,
        actor,
        concert_id,
        ConcertStatus.CANCELLED,
        allowed,
        action="concert_cancelled",
        verb="cancelled again",
    )


async def _change_status(
    ctx: ServiceContext,
    actor: Actor,
    concert_id: ConcertId,
    new: ConcertStatus,
    allowed: tuple[ConcertStatus, ...],
    *,
    action: str,
    verb: str,
) -> Concert:
    require(actor, Permission.MANAGE_CATALOG)

    async def work(conn: AsyncConnection) -> Concert:
        await ensure_active(conn, actor)
        if not await db.set_status(conn, concert_id, new, allowed_from=allowed):
            refuse(await require_concert(conn, concert_id), verb)
        await audit.record(
            conn, at=ctx.clock.now(), actor=actor, action=action, subject=f"concert:{concert_id}"
        )
        return await require_concert(conn, concert_id)

    return await ctx.db.write(work)
