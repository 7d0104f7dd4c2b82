"""The dashboard's and door monitor's reads: sales by order time, check-ins by gate, open conflicts settled."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import checkin_conflicts, checkins, orders, tickets
from core.domain.ids import ConcertId, TicketId
from core.domain.orders import TicketState

__all__ = ["checkin_counts", "entries_since", "gate_totals", "resolve_conflict", "sales_by_order"]


async def sales_by_order(conn: AsyncConnection, concert_id: ConcertId) -> list[tuple[datetime, int]]:
    """(when the order was paid, its valid tickets) for every order of the concert that still has one."""
    rows = await conn.execute(
        select(orders.c.created_at, func.count(tickets.c.id))
        .join(tickets, tickets.c.order_id == orders.c.id)
        .where(orders.c.concert_id == concert_id, tickets.c.state == TicketState.VALID.value)
        .group_by(orders.c.id, orders.c.created_at)
    )
    return [(at, int(n)) for at, n in rows.all()]


def _entries(concert_id: ConcertId):  # type: ignore[no-untyped-def]
    return (checkins.c.concert_id == concert_id, checkins.c.direction == "in", checkins.c.undone_at.is_(None))


async def checkin_counts(conn: AsyncConnection, concert_id: ConcertId) -> tuple[int, int, int]:
    """(valid tickets, tickets admitted at least once, tickets inside now)."""
    valid = tickets.c.state == TicketState.VALID.value
    row = (
        await conn.execute(
            select(
                func.count(tickets.c.id).filter(valid),
                func.count(tickets.c.id).filter(tickets.c.inside.is_(True)),
            ).where(tickets.c.concert_id == concert_id)
        )
    ).one()
    admitted = (
        await conn.execute(
            select(func.count(func.distinct(checkins.c.ticket_id))).where(*_entries(concert_id))
        )
    ).scalar_one()
    return int(row[0]), int(admitted), int(row[1])


async def gate_totals(conn: AsyncConnection, concert_id: ConcertId) -> list[tuple[str, int, datetime]]:
    """(gate, entries, latest entry) per gate, busiest first."""
    rows = await conn.execute(
        select(checkins.c.gate, func.count(), func.max(checkins.c.scanned_at))
        .where(*_entries(concert_id))
        .group_by(checkins.c.gate)
        .order_by(func.count().desc(), checkins.c.gate)
    )
    return [(gate, int(n), last) for gate, n, last in rows.all()]


async def entries_since(
    conn: AsyncConnection, concert_id: ConcertId, since: datetime
) -> list[tuple[str, datetime]]:
    """(gate, scan time) of every entry from ``since`` on."""
    rows = await conn.execute(
        select(checkins.c.gate, checkins.c.scanned_at)
        .where(*_entries(concert_id), checkins.c.scanned_at >= since)
        .order_by(checkins.c.scanned_at)
    )
    return [(gate, at) for gate, at in rows.all()]


async def resolve_conflict(conn: AsyncConnection, conflict_id: int, now: datetime) -> TicketId | None:
    """Mark an open conflict resolved; its ticket, or None when there is no open conflict by that number."""
    found = (
        await conn.execute(
            update(checkin_conflicts)
            .where(checkin_conflicts.c.id == conflict_id, checkin_conflicts.c.resolved_at.is_(None))
            .values(resolved_at=now)
            .returning(checkin_conflicts.c.ticket_id)
        )
    ).first()
    return None if found is None else TicketId(found.ticket_id)


async def conflict_exists(conn: AsyncConnection, conflict_id: int) -> bool:
    found = await conn.execute(select(checkin_conflicts.c.id).where(checkin_conflicts.c.id == conflict_id))
    return found.first() is not None
