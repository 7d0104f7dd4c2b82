"""Row → domain mappers shared by several storage modules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import concerts
from core.domain.concerts import Concert, ConcertStatus
from core.domain.ids import ConcertId, PlanId, VenueId


def concert_from_row(r: Any) -> Concert:
    return Concert(
        id=ConcertId(r.id),
        title=r.title,
        artist=r.artist,
        venue_id=VenueId(r.venue_id),
        plan_id=PlanId(r.plan_id),
        doors_at=r.doors_at,
        starts_at=r.starts_at,
        sales_open_at=r.sales_open_at,
        sales_close_at=r.sales_close_at,
        status=ConcertStatus(r.status),
        max_per_order=r.max_per_order,
        hold_seconds=r.hold_seconds,
        max_extensions=r.max_extensions,
        reentry_allowed=bool(r.reentry_allowed),
        currency=r.currency,
    )


async def load_concert(conn: AsyncConnection, concert_id: ConcertId) -> Concert | None:
    row = (await conn.execute(select(concerts).where(concerts.c.id == concert_id))).first()
    return None if row is None else concert_from_row(row)
