"""Reads for the kiosk: concerts on sale, venues, price categories, the seat map."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.places import in_state
from core.db.rows import concert_from_row
from core.db.tables import concerts, places, price_categories, seats, sections, venues
from core.domain.catalog import MapPlace, MapSection
from core.domain.concerts import Concert, ConcertStatus, PriceCategory
from core.domain.ids import CategoryId, ConcertId, PlaceId, PlanId, SectionId
from core.domain.money import Money
from core.domain.names import translations_from
from core.domain.places import PlaceState
from core.domain.venues import SectionKind


async def concerts_on_sale(conn: AsyncConnection, now: datetime) -> list[tuple[Concert, str, str]]:
    stmt = (
        select(concerts, venues.c.name.label("venue_name"), venues.c.timezone.label("venue_tz"))
        .join(venues, venues.c.id == concerts.c.venue_id)
        .where(
            concerts.c.status == ConcertStatus.ON_SALE.value,
            concerts.c.sales_open_at <= now,
            concerts.c.sales_close_at > now,
        )
        .order_by(concerts.c.starts_at, concerts.c.id)
    )
    return [(concert_from_row(r), r.venue_name, r.venue_tz) for r in (await conn.execute(stmt)).all()]


async def concerts_with_doors_from(
    conn: AsyncConnection, since: datetime, limit: int
) -> list[tuple[Concert, str, str]]:
    """Concerts (on sale or with sales closed, not draft or cancelled) whose doors open at ``since`` or later,
    soonest first."""
    stmt = (
        select(concerts, venues.c.name.label("venue_name"), venues.c.timezone.label("venue_tz"))
        .join(venues, venues.c.id == concerts.c.venue_id)
        .where(
            concerts.c.status.in_([ConcertStatus.ON_SALE.value, ConcertStatus.SALES_CLOSED.value]),
            concerts.c.doors_at >= since,
        )
        .order_by(concerts.c.doors_at, concerts.c.id)
        .limit(limit)
    )
    return [(concert_from_row(r), r.venue_name, r.venue_tz) for r in (await conn.execute(stmt)).all()]


async def venue_of(conn: AsyncConnection, concert: Concert) -> tuple[str, str]:
    row = (
        await conn.execute(select(venues.c.name, venues.c.timezone).where(venues.c.id == concert.venue_id))
    ).one()
    return row.name, row.timezone


async def categories(conn: AsyncConnection, concert_ids: list[ConcertId]) -> list[PriceCategory]:
    stmt = (
        select(price_categories)
        .where(price_categories.c.concert_id.in_(concert_ids))
        .order_by(price_categories.c.price_minor.desc(), price_categories.c.id)
    )
    return [
        PriceCategory(
            CategoryId(r.id),
            ConcertId(r.concert_id),
            r.name,
            Money(r.price_minor, r.currency),
            r.colour,
            translations_from(r.translations),
        )
        for r in (await conn.execute(stmt)).all()
    ]


async def map_sections(conn: AsyncConnection, plan_id: PlanId) -> list[MapSection]:
    stmt = (
        select(sections).where(sections.c.plan_id == plan_id).order_by(sections.c.sort_order, sections.c.id)
    )
    return [
        MapSection(
            SectionId(r.id), r.name, SectionKind(r.kind), r.capacity, translations_from(r.translations)
        )
        for r in (await conn.execute(stmt)).all()
    ]


async def map_places(conn: AsyncConnection, concert_id: ConcertId, now: datetime) -> list[MapPlace]:
    # Shown state: a lapsed hold is free to everyone, so it is drawn free.
    shown = case(
        (and_(in_state(PlaceState.HELD), places.c.held_until <= now), PlaceState.FREE.value),
        else_=places.c.state,
    )
    stmt = (
        select(
            places.c.id,
            places.c.section_id,
            places.c.category_id,
            shown.label("state"),
            places.c.held_until,
            seats.c.row_label,
            seats.c.number,
            seats.c.x,
            seats.c.y,
            seats.c.accessible,
            seats.c.companion,
            seats.c.restricted_view,
        )
        .outerjoin(seats, seats.c.id == places.c.seat_id)
        .where(places.c.concert_id == concert_id)
        .order_by(places.c.id)
    )
    return [
        MapPlace(
            id=PlaceId(r.id),
            section_id=SectionId(r.section_id),
            category_id=CategoryId(r.category_id),
            state=PlaceState(r.state),
            held_until=r.held_until if r.state == PlaceState.HELD.value else None,
            row=r.row_label,
            number=r.number,
            x=r.x or 0.0,
            y=r.y or 0.0,
            accessible=bool(r.accessible),
            companion=bool(r.companion),
            restricted_view=bool(r.restricted_view),
        )
        for r in (await conn.execute(stmt)).all()
    ]
