"""What is on sale: the concert list, one concert's seat map with live states, availability."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import catalog as catalog_db
from core.db import places as places_db
from core.db.rows import load_concert
from core.domain.catalog import Availability, ConcertSummary, SeatMap
from core.domain.concerts import Concert
from core.domain.ids import ConcertId
from core.domain.money import Money
from core.services.common import concert_not_found
from core.services.context import ServiceContext

__all__ = ["get_availability", "get_seat_map", "list_door_concerts", "list_on_sale"]

# Catalog reads are public: anyone at a kiosk may see what is on sale, so there is no actor here.


DOORS_STILL_OPEN = timedelta(hours=12)
"""A door lists concerts whose doors opened up to 12 hours ago, or open later."""
DOOR_LIST_LIMIT = 20


async def list_on_sale(ctx: ServiceContext) -> list[ConcertSummary]:
    """Concerts whose sales window is open now, soonest first, with prices and places left."""
    now = ctx.clock.now()

    async def work(conn: AsyncConnection) -> list[ConcertSummary]:
        return await summaries(conn, await catalog_db.concerts_on_sale(conn, now), now)

    return await ctx.db.read(work)


async def list_door_concerts(ctx: ServiceContext) -> list[ConcertSummary]:
    """A door's chooser: tonight's concerts by doors time, whatever their sales state (sales close before the
    doors open). On a night without a concert, the next concert night's, so a door can be set up ahead; never
    every concert to come."""
    now = ctx.clock.now()

    async def work(conn: AsyncConnection) -> list[ConcertSummary]:
        found = await catalog_db.concerts_with_doors_from(conn, now - DOORS_STILL_OPEN, DOOR_LIST_LIMIT)
        return await summaries(conn, _one_night(found, now), now)

    return await ctx.db.read(work)


def _one_night(found: list[tuple[Concert, str, str]], now: datetime) -> list[tuple[Concert, str, str]]:
    """Tonight's (doors already open, or opening on the venue's today), else those of the next day with any."""

    def day(moment: datetime, timezone: str) -> date:
        return moment.astimezone(ZoneInfo(timezone)).date()

    tonight = [f for f in found if f[0].doors_at <= now or day(f[0].doors_at, f[2]) == day(now, f[2])]
    if tonight or not found:
        return tonight
    first, _, timezone = found[0]
    return [f for f in found if day(f[0].doors_at, f[2]) == day(first.doors_at, timezone)]


async def summaries(
    conn: AsyncConnection, found: list[tuple[Concert, str, str]], now: datetime
) -> list[ConcertSummary]:
    ids = [c.id for c, _, _ in found]
    if not ids:
        return []
    counts = await places_db.availability(conn, ids, now)
    cats = await catalog_db.categories(conn, ids)
    result = []
    for concert, venue_name, tz in found:
        prices = [c.price for c in cats if c.concert_id == concert.id] or [Money.zero(concert.currency)]
        result.append(
            ConcertSummary(
                concert=concert,
                venue_name=venue_name,
                timezone=tz,
                min_price=min(prices, key=lambda m: m.minor),
                max_price=max(prices, key=lambda m: m.minor),
                available=sum(counts[concert.id].values()),
            )
        )
    return result


async def get_seat_map(ctx: ServiceContext, concert_id: ConcertId) -> SeatMap:
    now = ctx.clock.now()

    async def work(conn: AsyncConnection) -> SeatMap:
        concert = await load_concert(conn, concert_id)
        if concert is None:
            raise concert_not_found(concert_id)
        venue_name, tz = await catalog_db.venue_of(conn, concert)
        return SeatMap(
            concert=concert,
            venue_name=venue_name,
            timezone=tz,
            sections=tuple(await catalog_db.map_sections(conn, concert.plan_id)),
            categories=tuple(await catalog_db.categories(conn, [concert.id])),
            places=tuple(await catalog_db.map_places(conn, concert.id, now)),
            as_of=now,
        )

    return await ctx.db.read(work)


async def get_availability(ctx: ServiceContext, concert_id: ConcertId) -> Availability:
    now = ctx.clock.now()

    async def work(conn: AsyncConnection) -> Availability:
        if await load_concert(conn, concert_id) is None:
            raise concert_not_found(concert_id)
        counts = await places_db.availability(conn, [concert_id], now)
        cats = await catalog_db.categories(conn, [concert_id])
        return Availability(concert_id, {c.id: counts[concert_id].get(c.id, 0) for c in cats})

    return await ctx.db.read(work)
