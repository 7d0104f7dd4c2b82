"""Holding places: chosen seats, standing places, best available; extending and releasing a hold."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import actors as actors_db
from core.db import holds as holds_db
from core.db import places as places_db
from core.db import seating as seating_db
from core.db.rows import load_concert
from core.domain.concerts import Concert
from core.domain.errors import (
    Conflict,
    ExtensionLimit,
    HoldExpired,
    InputError,
    NotAllowed,
    NotEnoughPlaces,
    NotFound,
    SalesClosed,
    SeatsTaken,
)
from core.domain.events import PlacesChanged
from core.domain.holds import HeldPlace, Hold, HoldState
from core.domain.ids import CategoryId, ConcertId, HoldId, PlaceId, SectionId
from core.domain.places import PlaceState
from core.domain.seat_picking import SeatSpot, best_block
from core.domain.staff import Actor, DeviceActor, Permission, describe
from core.domain.venues import SectionKind
from core.security.permissions import require
from core.services.context import ServiceContext

__all__ = ["extend_hold", "hold_best_available", "hold_places", "hold_standing", "release_hold"]

BEST_AVAILABLE_ATTEMPTS = 3


def _check_quantity(quantity: object) -> int:
    if not isinstance(quantity, int) or isinstance(quantity, bool):
        raise InputError("quantity", "must be a whole number of places.", code="quantity_invalid")
    if quantity < 1:
        raise InputError("quantity", f"must be at least 1, not {quantity}.", code="quantity_invalid")
    return quantity


async def _concert_on_sale(conn: AsyncConnection, concert_id: ConcertId, now: datetime) -> Concert:
    concert = await load_concert(conn, concert_id)
    if concert is None:
        raise NotFound(
            f"There is no concert number {concert_id}. Choose a concert from the list.",
            code="concert_not_found",
        )
    problem = concert.sales_problem(now)
    if problem is not None:
        raise SalesClosed(problem)
    return concert


async def _start_hold(
    ctx: ServiceContext, conn: AsyncConnection, actor: Actor, concert_id: ConcertId, count: int
) -> tuple[Concert, HoldId, datetime]:
    """Checks shared by every way of holding, then the hold row. Returns the concert, hold id and held-until."""
    now = ctx.clock.now()
    concert = await _concert_on_sale(conn, concert_id, now)
    if count > concert.max_per_order:
        raise InputError(
            "quantity",
            f"at most {concert.max_per_order} tickets can be bought in one order; you asked for {count}.",
            code="quantity_over_limit",
        )
    await actors_db.ensure_active(conn, actor)
    hold_id = HoldId(uuid.uuid4().hex)
    until = now + timedelta(seconds=concert.hold_seconds)
    device_id = actor.device_id if isinstance(actor, DeviceActor) else None
    await holds_db.insert(
        conn,
        hold_id=hold_id,
        concert_id=concert_id,
        actor=describe(actor),
        device_id=device_id,
        now=now,
        expires_at=until,
        place_count=count,
    )
    return concert, hold_id, until


async def _finish_hold(
    conn: AsyncConnection,
    concert: Concert,
    hold_id: HoldId,
    until: datetime,
    taken: Sequence[places_db.TakenPlace],
    actor: Actor,
) -> tuple[Hold, PlacesChanged]:
    placed = await places_db.details(conn, [t.id for t in taken])
    hold = Hold(
        id=hold_id,
        concert_id=concert.id,
        places=tuple(HeldPlace(p.id, p.label, p.category, p.price) for p in placed),
        expires_at=until,
        extensions_used=0,
        extensions_allowed=concert.max_extensions,
    )
    event = PlacesChanged(
        concert_id=concert.id,
        changes=places_db.changes(taken, PlaceState.HELD, until),
        availability_delta=_delta(taken, -1),
        origin_device=actor.device_id if isinstance(actor, DeviceActor) else None,
    )
    return hold, event


def _delta(taken: Sequence[places_db.TakenPlace], sign: int) -> dict[CategoryId, int]:
    return {cat: sign * n for cat, n in Counter(t.category_id for t in taken).items()}


async def hold_places(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId, place_ids: Sequence[PlaceId]
) -> Hold:
    """Hold exactly these seats: all of them or none. The error names the seats someone else took."""
    require(actor, Permission.SELL)
    wanted = list(dict.fromkeys(place_ids))
    if not wanted:
        raise InputError("places", "choose at least one seat.", code="quantity_invalid")
    if len(wanted) != len(place_ids):
        raise InputError("places", "the same seat was chosen twice.", code="places_duplicate")

    async def work(conn: AsyncConnection) -> tuple[Hold, PlacesChanged]:
        concert, hold_id, until = await _start_hold(ctx, conn, actor, concert_id, len(wanted))
        taken = await places_db.hold_specific(conn, concert_id, wanted, hold_id, until, ctx.clock.now())
        if len(taken) < len(wanted):
            await _explain_shortfall(conn, concert_id, set(wanted) - {t.id for t in taken})
        return await _finish_hold(conn, concert, hold_id, until, taken, actor)

    hold, event = await ctx.db.write(work)
    await ctx.publish(event)
    return hold


async def _explain_shortfall(conn: AsyncConnection, concert_id: ConcertId, missing: set[PlaceId]) -> None:
    """Raise the error that says why some places could not be held (the transaction then rolls back)."""
    found = [d for d in await places_db.details(conn, sorted(missing)) if d.concert_id == concert_id]
    strangers = missing - {d.id for d in found}
    if strangers:
        raise InputError(
            "places",
            f"place(s) {', '.join(str(p) for p in sorted(strangers))} are not part of this concert. "
            "Reload the seat map and choose again.",
            code="place_not_in_concert",
        )
    raise SeatsTaken([d.label for d in found])


async def hold_standing(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId, section_id: SectionId, quantity: int
) -> Hold:
    """Hold any ``quantity`` places of a standing section; buyers never wait for each other."""
    require(actor, Permission.SELL)
    quantity = _check_quantity(quantity)

    async def work(conn: AsyncConnection) -> tuple[Hold, PlacesChanged]:
        concert, hold_id, until = await _start_hold(ctx, conn, actor, concert_id, quantity)
        section = await seating_db.section_of_concert(conn, concert, section_id)
        if section.kind is not SectionKind.STANDING:
            raise InputError(
                "section",
                f"{section.name} has numbered seats; choose seats on the map.",
                code="section_not_standing",
            )
        taken = await places_db.hold_any(
            conn, concert_id, section_id, quantity, hold_id, until, ctx.clock.now()
        )
        if len(taken) < quantity:
            raise NotEnoughPlaces(quantity, section.name)
        return await _finish_hold(conn, concert, hold_id, until, taken, actor)

    hold, event = await ctx.db.write(work)
    await ctx.publish(event)
    return hold


async def hold_best_available(
    ctx: ServiceContext, actor: Actor, concert_id: ConcertId, section_id: SectionId, quantity: int
) -> Hold:
    """Hold the best ``quantity`` adjacent seats of a seated section (or any places of a standing one)."""
    require(actor, Permission.SELL)
    quantity = _check_quantity(quantity)

    async def look(conn: AsyncConnection) -> tuple[SectionKind, str, list[SeatSpot]]:
        concert = await _concert_on_sale(conn, concert_id, ctx.clock.now())
        section = await seating_db.section_of_concert(conn, concert, section_id)
        if section.kind is SectionKind.STANDING:
            return section.kind, section.name, []
        return (
            section.kind,
            section.name,
            await seating_db.takeable_seats(conn, concert_id, section_id, ctx.clock.now()),
        )

    skip: frozenset[PlaceId] = frozenset()
    for _attempt in range(BEST_AVAILABLE_ATTEMPTS):
        kind, name, free = await ctx.db.read(look)
        if kind is SectionKind.STANDING:
            return await hold_standing(ctx, actor, concert_id, section_id, quantity)
        block = best_block(free, quantity, skip=skip)
        if not block:
            raise NotEnoughPlaces(quantity, f"{name} (side by side)")
        try:
            return await hold_places(ctx, actor, concert_id, block)
        except SeatsTaken:
            skip = skip | frozenset(block)  # someone was quicker: look again without those seats
    raise NotEnoughPlaces(quantity, f"{name} (side by side)")


def own_hold(row: holds_db.HoldRow | None, actor: Actor) -> holds_db.HoldRow:
    """The checks every use of a hold shares: it exists, it is this actor's, it was not paid for already."""
    if row is None:
        raise NotFound("This hold does not exist. Please choose your seats again.", code="hold_not_found")
    if row.actor != describe(actor):
        raise NotAllowed(
            "This hold belongs to another kiosk or person and cannot be used here.", code="hold_not_yours"
        )
    if row.state is HoldState.CHECKED_OUT:
        raise Conflict("These places have already been paid for.", code="hold_checked_out")
    return row


async def _lock_own_hold(conn: AsyncConnection, actor: Actor, hold_id: HoldId) -> holds_db.HoldRow:
    return own_hold(await holds_db.lock(conn, hold_id), actor)


async def extend_hold(ctx: ServiceContext, actor: Actor, hold_id: HoldId) -> Hold:
    """More time to pay, up to the concert's cap (at least ten extensions, WCAG 2.2.1)."""
    require(actor, Permission.SELL)

    async def work(conn: AsyncConnection) -> tuple[Hold, PlacesChanged]:
        now = ctx.clock.now()
        row = await _lock_own_hold(conn, actor, hold_id)
        if row.state is HoldState.RELEASED:
            raise HoldExpired(
                "This hold was cancelled. Please choose your seats again.", code="hold_released"
            )
        concert = await load_concert(conn, row.concert_id)
        assert concert is not None  # a hold's concert cannot be deleted
        if row.extensions >= concert.max_extensions:
            raise ExtensionLimit(
                f"The time for these seats has been extended {row.extensions} times, which is the most allowed. "
                "Please finish paying now, or ask staff for help."
            )
        mine = await places_db.lock_hold_places(conn, hold_id)
        if len(mine) < row.place_count:
            raise HoldExpired(
                "Your time ran out and some of your places went to another buyer. Please choose again."
            )
        until = now + timedelta(seconds=concert.hold_seconds)
        await places_db.extend(conn, hold_id, until)
        await holds_db.extend(conn, hold_id, until)
        placed = await places_db.details(conn, [t.id for t in mine])
        hold = Hold(
            id=hold_id,
            concert_id=concert.id,
            places=tuple(HeldPlace(p.id, p.label, p.category, p.price) for p in placed),
            expires_at=until,
            extensions_used=row.extensions + 1,
            extensions_allowed=concert.max_extensions,
        )
        event = PlacesChanged(
            concert.id,
            places_db.changes(mine, PlaceState.HELD, until),
            origin_device=actor.device_id if isinstance(actor, DeviceActor) else None,
        )
        return hold, event

    hold, event = await ctx.db.write(work)
    await ctx.publish(event)
    return hold


async def release_hold(ctx: ServiceContext, actor: Actor, hold_id: HoldId) -> None:
    """Give the places back at once (cancel, idle timeout). Releasing twice is harmless."""
    require(actor, Permission.SELL)

    async def work(conn: AsyncConnection) -> PlacesChanged | None:
        row = await _lock_own_hold(conn, actor, hold_id)
        if row.state is HoldState.RELEASED:
            return None
        freed = await places_db.release(conn, hold_id)
        await holds_db.set_state(conn, hold_id, HoldState.RELEASED)
        return PlacesChanged(
            row.concert_id,
            places_db.changes(freed, PlaceState.FREE),
            availability_delta=_delta(freed, +1),
            origin_device=actor.device_id if isinstance(actor, DeviceActor) else None,
        )

    await ctx.publish(await ctx.db.write(work))
