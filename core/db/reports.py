"""What a concert's exports and sales report read: rows in batches by id, and the report's sums.

An export walks its table by id in batches (each its own short read), up to the newest id when it began, so a
large concert never holds one long transaction or one huge result, and its row count is known up front.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, distinct, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import (
    checkins,
    concerts,
    devices,
    orders,
    places,
    price_categories,
    refunds,
    seats,
    sections,
    tickets,
    venues,
)
from core.domain.ids import ConcertId
from core.domain.reports import CategoryLine, DayLine, ExportKind, GateLine, SalesReport

__all__ = ["EXPORTS", "ExportTable", "sales_report"]

Batch = Callable[[AsyncConnection, ConcertId, int, int, int], Awaitable[list[tuple[int, list[Any]]]]]


@dataclass(frozen=True, slots=True)
class ExportTable:
    table: Table
    header: tuple[str, ...]
    batch: Batch
    """(conn, concert, after id, up to id, limit) -> [(id, cells)] in id order."""

    async def newest_id(self, conn: AsyncConnection, concert_id: ConcertId) -> int:
        found = select(func.coalesce(func.max(self.table.c.id), 0)).where(
            self.table.c.concert_id == concert_id
        )
        return int((await conn.execute(found)).scalar_one())

    async def count(self, conn: AsyncConnection, concert_id: ConcertId, up_to: int) -> int:
        t = self.table
        found = select(func.count()).select_from(t).where(t.c.concert_id == concert_id, t.c.id <= up_to)
        return int((await conn.execute(found)).scalar_one())


async def _orders(
    conn: AsyncConnection, concert_id: ConcertId, after: int, up_to: int, limit: int
) -> list[tuple[int, list[Any]]]:
    o = orders.c
    rows = (
        await conn.execute(
            select(orders, devices.c.name.label("device_name"))
            .select_from(orders.outerjoin(devices, devices.c.id == o.device_id))
            .where(o.concert_id == concert_id, o.id > after, o.id <= up_to)
            .order_by(o.id)
            .limit(limit)
        )
    ).all()
    ids = [r.id for r in rows]
    counts: dict[int, int] = {}
    refunded: dict[int, int] = {}
    if ids:
        found = await conn.execute(
            select(tickets.c.order_id, func.count())
            .where(tickets.c.order_id.in_(ids))
            .group_by(tickets.c.order_id)
        )
        counts = {int(i): int(n) for i, n in found.all()}
        found = await conn.execute(
            select(refunds.c.order_id, func.sum(refunds.c.amount_minor))
            .where(refunds.c.order_id.in_(ids))
            .group_by(refunds.c.order_id)
        )
        refunded = {int(i): int(n) for i, n in found.all()}
    return [
        (
            int(r.id),
            [
                r.code,
                r.created_at,
                r.status,
                counts.get(r.id, 0),
                int(r.total_minor),
                refunded.get(r.id, 0),
                r.currency,
                r.payment_method,
                r.buyer_email or "",
                r.device_name or r.actor,
                r.demo,
            ],
        )
        for r in rows
    ]


async def _tickets(
    conn: AsyncConnection, concert_id: ConcertId, after: int, up_to: int, limit: int
) -> list[tuple[int, list[Any]]]:
    t = tickets.c
    joined = (
        tickets.join(orders, orders.c.id == t.order_id)
        .join(price_categories, price_categories.c.id == t.category_id)
        .join(places, places.c.id == t.place_id)
        .join(sections, sections.c.id == places.c.section_id)
        .outerjoin(seats, seats.c.id == places.c.seat_id)
    )
    rows = (
        await conn.execute(
            select(
                tickets,
                orders.c.code.label("order_code"),
                price_categories.c.name.label("category"),
                sections.c.name.label("section"),
                seats.c.row_label,
                seats.c.number.label("seat_number"),
            )
            .select_from(joined)
            .where(t.concert_id == concert_id, t.id > after, t.id <= up_to)
            .order_by(t.id)
            .limit(limit)
        )
    ).all()
    return [
        (
            int(r.id),
            [
                r.serial,
                r.order_code,
                r.category,
                r.section,
                r.row_label or "",
                "" if r.seat_number is None else r.seat_number,
                int(r.price_minor),
                r.currency,
                r.state,
                r.issued_at,
                r.print_count,
                r.entries,
                r.inside,
                r.last_scan_at,
                r.last_gate or "",
            ],
        )
        for r in rows
    ]


async def _checkins(
    conn: AsyncConnection, concert_id: ConcertId, after: int, up_to: int, limit: int
) -> list[tuple[int, list[Any]]]:
    c = checkins.c
    rows = (
        await conn.execute(
            select(checkins, tickets.c.serial, devices.c.name.label("device_name"))
            .select_from(
                checkins.join(tickets, tickets.c.id == c.ticket_id).outerjoin(
                    devices, devices.c.id == c.device_id
                )
            )
            .where(c.concert_id == concert_id, c.id > after, c.id <= up_to)
            .order_by(c.id)
            .limit(limit)
        )
    ).all()
    return [
        (
            int(r.id),
            [r.scanned_at, r.serial, r.direction, r.gate, r.device_name or "", r.offline, r.undone_at],
        )
        for r in rows
    ]


EXPORTS: dict[ExportKind, ExportTable] = {
    ExportKind.ORDERS: ExportTable(
        orders,
        (
            "order_code", "created_at_utc", "status", "tickets", "total_minor", "refunded_minor", "currency",
            "payment_method", "buyer_email", "sold_by", "demo",
        ),
        _orders,
    ),
    ExportKind.TICKETS: ExportTable(
        tickets,
        (
            "serial", "order_code", "category", "section", "row", "seat", "price_minor", "currency", "state",
            "issued_at_utc", "print_count", "entries", "inside", "last_scan_at_utc", "last_gate",
        ),
        _tickets,
    ),
    ExportKind.CHECKINS: ExportTable(
        checkins,
        ("scanned_at_utc", "ticket_serial", "direction", "gate", "device", "offline", "undone_at_utc"),
        _checkins,
    ),
}  # fmt: skip


async def concert_exists(conn: AsyncConnection, concert_id: ConcertId) -> bool:
    found = await conn.execute(select(concerts.c.id).where(concerts.c.id == concert_id))
    return found.first() is not None


async def sales_report(conn: AsyncConnection, concert_id: ConcertId, now: datetime) -> SalesReport | None:
    """The report's numbers, read in one transaction (so they add up with each other); None: no such concert."""
    head = (
        await conn.execute(
            select(concerts, venues.c.name.label("venue_name"), venues.c.timezone)
            .select_from(concerts.join(venues, venues.c.id == concerts.c.venue_id))
            .where(concerts.c.id == concert_id)
        )
    ).first()
    if head is None:
        return None
    capacity = (
        await conn.execute(select(func.count()).select_from(places).where(places.c.concert_id == concert_id))
    ).scalar_one()
    t = tickets.c
    sold = {
        int(cat): (int(n), int(gross or 0))
        for cat, n, gross in (
            await conn.execute(
                select(t.category_id, func.count(), func.sum(t.price_minor))
                .where(t.concert_id == concert_id)
                .group_by(t.category_id)
            )
        ).all()
    }
    back = {
        int(cat): (int(n), int(amount or 0))
        for cat, n, amount in (
            await conn.execute(
                select(t.category_id, func.count(), func.sum(refunds.c.amount_minor))
                .select_from(refunds.join(tickets, tickets.c.id == refunds.c.ticket_id))
                .where(t.concert_id == concert_id)
                .group_by(t.category_id)
            )
        ).all()
    }
    categories = [
        CategoryLine(
            name=row.name,
            price_minor=int(row.price_minor),
            sold=sold.get(row.id, (0, 0))[0],
            refunded=back.get(row.id, (0, 0))[0],
            gross_minor=sold.get(row.id, (0, 0))[1],
            refunded_minor=back.get(row.id, (0, 0))[1],
        )
        for row in (
            await conn.execute(
                select(price_categories)
                .where(price_categories.c.concert_id == concert_id)
                .order_by(price_categories.c.price_minor.desc(), price_categories.c.id)
            )
        ).all()
    ]
    zone = ZoneInfo(head.timezone)
    by_day: dict[Any, tuple[set[int], int, int]] = {}
    issued = await conn.execute(
        select(t.issued_at, t.order_id, t.price_minor).where(t.concert_id == concert_id)
    )
    for at, order_id, price in issued.all():
        day = at.astimezone(zone).date()
        order_ids, count, gross = by_day.setdefault(day, (set(), 0, 0))
        order_ids.add(int(order_id))
        by_day[day] = (order_ids, count + 1, gross + int(price))
    days = [DayLine(day, len(ids), n, gross) for day, (ids, n, gross) in sorted(by_day.items())]
    entered = and_(
        checkins.c.concert_id == concert_id, checkins.c.direction == "in", checkins.c.undone_at.is_(None)
    )
    gates = [
        GateLine(str(gate), int(n))
        for gate, n in (
            await conn.execute(
                select(checkins.c.gate, func.count(distinct(checkins.c.ticket_id)))
                .where(entered)
                .group_by(checkins.c.gate)
                .order_by(checkins.c.gate)
            )
        ).all()
    ]
    admitted = (
        await conn.execute(select(func.count(distinct(checkins.c.ticket_id))).where(entered))
    ).scalar_one()
    order_count = (
        await conn.execute(select(func.count()).select_from(orders).where(orders.c.concert_id == concert_id))
    ).scalar_one()
    return SalesReport(
        concert_id=int(concert_id),
        title=head.title,
        artist=head.artist,
        venue_name=head.venue_name,
        timezone=head.timezone,
        starts_at=head.starts_at,
        status=head.status,
        currency=head.currency,
        made_at=now,
        capacity=int(capacity),
        categories=categories,
        days=days,
        gates=gates,
        orders=int(order_count),
        refunds=sum(c.refunded for c in categories),
        admitted=int(admitted),
    )
