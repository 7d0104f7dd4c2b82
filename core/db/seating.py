"""Sections and seats as a concert sees them: for choosing and drawing places."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.places import in_state
from core.db.tables import places, seats, sections
from core.domain.concerts import Concert
from core.domain.errors import InputError
from core.domain.ids import ConcertId, PlaceId, PlanId, SectionId
from core.domain.places import PlaceState
from core.domain.seat_picking import SeatSpot
from core.domain.venues import Section, SectionKind


async def section_of_concert(conn: AsyncConnection, concert: Concert, section_id: SectionId) -> Section:
    row = (
        await conn.execute(
            select(sections).where(sections.c.id == section_id, sections.c.plan_id == concert.plan_id)
        )
    ).first()
    if row is None:
        raise InputError(
            "section",
            f"section {section_id} is not part of {concert.title}'s seating plan. Choose a section on the map.",
            code="section_not_in_concert",
        )
    return Section(SectionId(row.id), PlanId(row.plan_id), row.name, SectionKind(row.kind), row.capacity)


async def takeable_seats(
    conn: AsyncConnection, concert_id: ConcertId, section_id: SectionId, now: datetime
) -> list[SeatSpot]:
    stmt = (
        select(places.c.id, seats.c.row_label, seats.c.number, seats.c.x, seats.c.y)
        .join(seats, seats.c.id == places.c.seat_id)
        .where(
            places.c.concert_id == concert_id,
            places.c.section_id == section_id,
            or_(
                in_state(PlaceState.FREE),
                and_(in_state(PlaceState.HELD), places.c.held_until <= now),
            ),
        )
        .order_by(seats.c.row_label, seats.c.number)
    )
    return [
        SeatSpot(PlaceId(r.id), r.row_label, r.number, r.x, r.y) for r in (await conn.execute(stmt)).all()
    ]
