"""Seats as a concert sees them: the takeable ones of a section, for best available."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.places import takeable
from core.db.tables import places, seats
from core.domain.ids import ConcertId, PlaceId, SectionId
from core.domain.seat_picking import SeatSpot


async def takeable_seats(
    conn: AsyncConnection, concert_id: ConcertId, section_id: SectionId, now: datetime
) -> list[SeatSpot]:
    stmt = (
        select(places.c.id, seats.c.row_label, seats.c.number, seats.c.x, seats.c.y)
        .join(seats, seats.c.id == places.c.seat_id)
        .where(places.c.concert_id == concert_id, places.c.section_id == section_id, takeable(now))
        .order_by(seats.c.row_label, seats.c.number)
    )
    return [
        SeatSpot(PlaceId(r.id), r.row_label, r.number, r.x, r.y) for r in (await conn.execute(stmt)).all()
    ]
