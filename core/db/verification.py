"""What a verification bundle lists: the concerts still to come (and today's), and their void tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import concerts, tickets, venues
from core.domain.concerts import ConcertStatus
from core.domain.ids import ConcertId, TicketId
from core.domain.orders import TicketState


@dataclass(frozen=True, slots=True)
class ListedConcert:
    concert_id: ConcertId
    title: str
    artist: str
    starts_at: datetime
    venue: str


async def concerts_from(conn: AsyncConnection, since: datetime) -> list[ListedConcert]:
    """Concerts starting at ``since`` or later that are not cancelled (a cancelled one's tickets are void)."""
    rows = await conn.execute(
        select(concerts.c.id, concerts.c.title, concerts.c.artist, concerts.c.starts_at, venues.c.name)
        .join(venues, venues.c.id == concerts.c.venue_id)
        .where(concerts.c.starts_at >= since, concerts.c.status != ConcertStatus.CANCELLED.value)
        .order_by(concerts.c.id)
    )
    return [ListedConcert(ConcertId(r.id), r.title, r.artist, r.starts_at, r.name) for r in rows]


async def void_tickets(conn: AsyncConnection, concert_ids: list[ConcertId]) -> list[TicketId]:
    if not concert_ids:
        return []
    rows = await conn.execute(
        select(tickets.c.id)
        .where(tickets.c.concert_id.in_(concert_ids), tickets.c.state == TicketState.VOID.value)
        .order_by(tickets.c.id)
    )
    return [TicketId(r.id) for r in rows]
