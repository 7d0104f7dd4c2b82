"""The manager's concert screen: every concert with its sales, editing one, and cancelling one with refunds.

Creating, putting on sale and closing sales are in services.concerts; this module adds what a manager needs on
top. Cancelling refunds every order in the same transaction as the status change, so a concert is never
cancelled with tickets still valid, and it happens only when the numbers the manager confirmed still hold.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import catalog as catalog_db
from core.db import concert_admin as admin_db
from core.db import concerts as concerts_db
from core.db import orders as orders_db
from core.db import places as places_db
from core.db.actors import ensure_active
from core.db.places import TakenPlace
from core.db.venues import get_plan
from core.domain.concert_bodies import ConcertDetails, ConcertOverview
from core.domain.concert_spec import (
    ConcertRules,
    NewCategory,
    check_categories,
    check_rules,
    check_text,
    check_times,
)
from core.domain.concerts import Concert, ConcertStatus
from core.domain.errors import Conflict, ErrorCode
from core.domain.events import PlacesChanged
from core.domain.ids import ConcertId, PlanId, TicketId, VenueId
from core.domain.orders import OrderStatus, TicketState
from core.domain.places import PlaceState
from core.domain.staff import Actor, Permission, describe
from core.domain.validation import clean_text
from core.security.permissions import require
from core.services import concerts
from core.services.common import concert_not_found, origin_of
from core.services.context import ServiceContext

__all__ = ["cancel_concert_refunding", "create_concert", "list_concerts", "update_concert"]


async def list_concerts(ctx: ServiceContext, actor: Actor) -> list[ConcertOverview]:
    """Every concert, any status, the next to start first, with its prices and sales (managers, admins)."""
    require(actor, Permission.MANAGE_CATALOG)

    async def work(conn: AsyncConnection) -> list[ConcertOverview]:
        found = await admin_db.all_concerts(conn)
        ids = [c.id for c, _, _ in found]
        counts = await admin_db.sales_counts(conn, ids)
        cats = await catalog_db.categories(conn, ids) if ids else []
        assigned = await admin_db.assignments(conn, ids)
        return [
            ConcertOverview(
                concert=c,
                venue_name=name,
                timezone=tz,
                categories=tuple(p for p in cats if p.concert_id == c.id),
                orders=counts.get(c.id, (0, 0))[0],
                tickets=counts.get(c.id, (0, 0))[1],
                prices=tuple(
                    NewCategory(
                        p.name,
                        p.price.minor,
                        p.colour,
                        sections=tuple(assigned.get(p.id, ([], []))[0]),
                        seats=tuple(assigned.get(p.id, ([], []))[1]),
                    )
                    for p in cats
                    if p.concert_id == c.id
                ),
            )
            for c, name, tz in found
        ]

    return await ctx.db.read(work)


async def create_concert(
    ctx: ServiceContext,
    actor: Actor,
    venue_id: VenueId,
    plan_id: PlanId,
    currency: str,
    details: ConcertDetails,
) -> Concert:
    """services.concerts.create_concert with the admin app's body."""
    d = details
    return await concerts.create_concert(
        ctx,
        actor,
        venue_id=venue_id,
        plan_id=plan_id,
        title=d.title,
        artist=d.artist,
        doors_at=d.doors_at,
        starts_at=d.starts_at,
        sales_open_at=d.sales_open_at,
        sales_close_at=d.sales_close_at,
        currency=currency,
        categories=d.categories,
        max_per_order=d.max_per_order,
        hold_seconds=d.hold_seconds,
        max_extensions=d.max_extensions,
        reentry_allowed=d.reentry_allowed,
    )


async def update_concert(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId, details: ConcertDetails
) -> Concert:
    """Change a concert that is not cancelled. Prices and colours change only while it is a draft: once on
    sale its places carry their categories (and sold tickets their price), so a different set is refused
    (prices_locked); the same set again is fine, so the edit form can always send everything."""
    require(actor, Permission.MANAGE_CATALOG)
    d = details
    title = check_text("title", d.title, code=ErrorCode.TITLE_INVALID)
    artist = check_text("artist", d.artist, code=ErrorCode.ARTIST_INVALID)
    check_times(d.doors_at, d.starts_at, d.sales_open_at, d.sales_close_at)
    check_rules(ConcertRules(d.max_per_order, d.hold_seconds, d.max_extensions, d.reentry_allowed))
    check_categories(d.categories)

    async def work(conn: AsyncConnection) -> Concert:
        await ensure_active(conn, actor)
        # Locked: putting it on sale at the same moment must not slip between reading DRAFT and repricing.
        concert = await admin_db.lock_concert(conn, concert_id)
        if concert is None:
            raise concert_not_found(concert_id)
        if concert.status is ConcertStatus.CANCELLED:
            concerts.refuse(concert, "changed")
        current = await catalog_db.categories(conn, [concert_id])
        same_prices = {(c.name, c.price.minor, c.colour) for c in current} == {
            (c.name.strip(), c.price_minor, c.colour.lower()) for c in d.categories
        }
        if not same_prices and concert.status is not ConcertStatus.DRAFT:
            raise Conflict(
                f"{concert.title} is on sale or was: its prices and colours can no longer change.",
                code=ErrorCode.PRICES_LOCKED,
            )
        await admin_db.update_concert(
            conn,
            concert_id,
            title=title,
            artist=artist,
            doors_at=d.doors_at,
            starts_at=d.starts_at,
            sales_open_at=d.sales_open_at,
            sales_close_at=d.sales_close_at,
            max_per_order=d.max_per_order,
            hold_seconds=d.hold_seconds,
            max_extensions=d.max_extensions,
            reentry_allowed=d.reentry_allowed,
        )
        if concert.status is ConcertStatus.DRAFT:  # no places yet: the categories can be written anew
            plan = await get_plan(conn, concert.plan_id)
            assert plan is not None  # a concert's plan is a foreign key
            await admin_db.drop_prices(conn, concert_id)
            await concerts.write_prices(conn, concert_id, plan, d.categories, concert.currency)
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="concert_changed",
            subject=f"concert:{concert_id}",
            title=title,
            prices={c.name.strip(): c.price_minor for c in d.categories},
        )
        return await concerts.require_concert(conn, concert_id)

    return await ctx.db.write(work)


async def cancel_concert_refunding(
    ctx: ServiceContext,
    actor: Actor,
    concert_id: ConcertId,
    *,
    reason: str,
    expect_orders: int,
    expect_tickets: int,
) -> Concert:
    """Cancel the concert and refund every order in one transaction (audited per order and once for the
    concert). ``expect_*`` are the counts the manager confirmed; if a sale or refund changed them, nothing
    happens (cancel_counts_changed)."""
    require(actor, Permission.MANAGE_CATALOG)
    require(actor, Permission.REFUND)
    reason = clean_text(
        "reason",
        reason,
        limit=500,
        code=ErrorCode.REASON_MISSING,
        hint="say why the concert is cancelled (the refunds and the audit log carry it).",
    )
    allowed = (ConcertStatus.DRAFT, ConcertStatus.ON_SALE, ConcertStatus.SALES_CLOSED)

    async def work(conn: AsyncConnection) -> tuple[Concert, PlacesChanged | None]:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        # The status change first: its row lock makes a checkout of this concert wait, or fail after us.
        if not await concerts_db.set_status(conn, concert_id, ConcertStatus.CANCELLED, allowed_from=allowed):
            concerts.refuse(await concerts.require_concert(conn, concert_id), "cancelled again")
        released = await admin_db.release_held(conn, concert_id)  # waits for checkouts under way (see there)
        order_ids = await admin_db.orders_to_refund(conn, concert_id)
        loaded = [await orders_db.load(conn, oid, lock=True) for oid in order_ids]
        to_refund = [
            (o, [t for t in o.tickets if t.state is TicketState.VALID]) for o in loaded if o is not None
        ]
        ticket_count = sum(len(ts) for _, ts in to_refund)
        if (len(to_refund), ticket_count) != (expect_orders, expect_tickets):
            raise Conflict(
                f"The concert now has {len(to_refund)} orders with {ticket_count} tickets, not the "
                f"{expect_orders} orders with {expect_tickets} tickets confirmed; nothing was changed.",
                code=ErrorCode.CANCEL_COUNTS_CHANGED,
            )
        freed: list[TakenPlace] = list(released)
        amount = 0
        for order, valid in to_refund:
            ids: list[TicketId] = [t.id for t in valid]
            await orders_db.void_tickets(conn, ids)
            freed += await places_db.free_sold(conn, ids)
            await orders_db.insert_refunds(
                conn, order.id, valid, actor=describe(actor), reason=reason, now=now
            )
            await orders_db.set_status(conn, order.id, OrderStatus.REFUNDED)
            refunded = sum(t.price.minor for t in valid)
            amount += refunded
            await audit.record(
                conn,
                at=now,
                actor=actor,
                action="refund",
                subject=f"order:{order.code}",
                tickets=[t.serial for t in valid],
                reason=reason,
                amount_minor=refunded,
            )
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="concert_cancelled",
            subject=f"concert:{concert_id}",
            reason=reason,
            orders_refunded=len(to_refund),
            tickets_refunded=ticket_count,
            amount_minor=amount,
        )
        event = None
        if freed:
            event = PlacesChanged(
                concert_id,
                places_db.changes(freed, PlaceState.FREE),
                availability_delta=dict(Counter(t.category_id for t in freed)),
                origin_device=origin_of(actor),
            )
        return await concerts.require_concert(conn, concert_id), event

    concert, event = await ctx.db.write(work)
    if event is not None:
        await ctx.publish(event)
    return concert
