"""The manager's view of concerts: every concert with its sales counts, editing, and the orders to refund."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, distinct, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.places import TakenPlace, in_state
from core.db.rows import concert_from_row
from core.db.tables import (
    concerts,
    orders,
    places,
    price_assignments,
    price_categories,
    seats,
    sections,
    tickets,
    venues,
)
from core.domain.concerts import Concert
from core.domain.ids import CategoryId, ConcertId, OrderId, PlaceId
from core.domain.orders import TicketState
from core.domain.places import PlaceState


async def all_concerts(conn: AsyncConnection) -> list[tuple[Concert, str, str]]:
    """Every concert (any status) with its venue's name and time zone, the next to start first."""
    stmt = (
        select(concerts, venues.c.name.label("venue_name"), venues.c.timezone.label("venue_tz"))
        .join(venues, venues.c.id == concerts.c.venue_id)
        .order_by(concerts.c.starts_at, concerts.c.id)
    )
    return [(concert_from_row(r), r.venue_name, r.venue_tz) for r in (await conn.execute(stmt)).all()]


async def sales_counts(
    conn: AsyncConnection, concert_ids: Sequence[ConcertId]
) -> dict[ConcertId, tuple[int, int]]:
    """(orders with a valid ticket, valid tickets) per concert; concerts with none are absent."""
    if not concert_ids:
        return {}
    stmt = (
        select(tickets.c.concert_id, func.count(distinct(tickets.c.order_id)), func.count())
        .where(tickets.c.concert_id.in_(list(concert_ids)), tickets.c.state == TicketState.VALID.value)
        .group_by(tickets.c.concert_id)
    )
    return {ConcertId(c): (int(o), int(t)) for c, o, t in (await conn.execute(stmt)).all()}


async def assignments(
    conn: AsyncConnection, concert_ids: Sequence[ConcertId]
) -> dict[CategoryId, tuple[list[str], list[tuple[str, str, int]]]]:
    """What each category prices: section names, and single seats as (section, row, number)."""
    found: dict[CategoryId, tuple[list[str], list[tuple[str, str, int]]]] = {}
    if not concert_ids:
        return found
    by_section = (
        select(price_assignments.c.category_id, sections.c.name)
        .join(sections, sections.c.id == price_assignments.c.section_id)
        .where(price_assignments.c.concert_id.in_(list(concert_ids)))
        .order_by(price_assignments.c.id)
    )
    for cat, name in await conn.execute(by_section):
        found.setdefault(CategoryId(cat), ([], []))[0].append(name)
    by_seat = (
        select(price_assignments.c.category_id, sections.c.name, seats.c.row_label, seats.c.number)
        .join(seats, seats.c.id == price_assignments.c.seat_id)
        .join(sections, sections.c.id == seats.c.section_id)
        .where(price_assignments.c.concert_id.in_(list(concert_ids)))
        .order_by(price_assignments.c.id)
    )
    for cat, name, row, number in await conn.execute(by_seat):
        found.setdefault(CategoryId(cat), ([], []))[1].append((name, row, int(number)))
    return found


async def orders_to_refund(conn: AsyncConnection, concert_id: ConcertId) -> list[OrderId]:
    """The concert's orders that still have a valid ticket, locked (a refund at the desk waits for us)."""
    valid = select(tickets.c.order_id).where(
        tickets.c.concert_id == concert_id, tickets.c.state == TicketState.VALID.value
    )
    stmt = (
        select(orders.c.id)
        .where(orders.c.concert_id == concert_id, orders.c.id.in_(valid))
        .order_by(orders.c.id)
        .with_for_update()
    )
    return [OrderId(i) for i in (await conn.execute(stmt)).scalars()]


async def lock_concert(conn: AsyncConnection, concert_id: ConcertId) -> Concert | None:
    """The concert, its row locked: an edit waits for a status change under way and then sees its result."""
    row = (await conn.execute(select(concerts).where(concerts.c.id == concert_id).with_for_update())).first()
    return None if row is None else concert_from_row(row)


async def update_concert(conn: AsyncConnection, concert_id: ConcertId, **values: Any) -> None:
    await conn.execute(update(concerts).where(concerts.c.id == concert_id).values(**values))


async def drop_prices(conn: AsyncConnection, concert_id: ConcertId) -> None:
    """A draft's categories and assignments, before they are written again (a draft has no places yet)."""
    await conn.execute(delete(price_assignments).where(price_assignments.c.concert_id == concert_id))
    await conn.execute(delete(price_categories).where(price_categories.c.concert_id == concert_id))


async def release_held(conn: AsyncConnection, concert_id: ConcertId) -> list[TakenPlace]:
    """Free every held place of a concert being cancelled, locked in id order as every multi-row write is.

    This is what stops a checkout already under way: the checkout statement reads the concert's status from
    its snapshot, which may predate the cancellation, but it locks its held places, and once we commit they
    are no longer held, so it sells nothing. A checkout that locked them first commits before we get here,
    and its order is then among those refunded.
    """
    locked = (
        select(places.c.id)
        .where(places.c.concert_id == concert_id, in_state(PlaceState.HELD))
        .order_by(places.c.id)
        .with_for_update()
    )
    stmt = (
        update(places)
        .where(places.c.id.in_(locked.scalar_subquery()), in_state(PlaceState.HELD))
        .values(state=PlaceState.FREE.value, hold_id=None, held_until=None)
        .returning(places.c.id, places.c.category_id)
    )
    return [TakenPlace(PlaceId(i), CategoryId(c)) for i, c in (await conn.execute(stmt)).all()]
