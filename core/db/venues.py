"""Venues, seating plans, sections and seats: SQL in, domain types out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select, update
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.errors import is_unique_violation
from core.db.tables import seating_plans, seats, sections, venues
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import PlanId, SeatId, SectionId, VenueId
from core.domain.plan_spec import SectionSpec
from core.domain.venues import Seat, SeatingPlan, Section, SectionKind, Venue


async def insert_venue(conn: AsyncConnection, *, name: str, timezone: str, now: datetime) -> Venue:
    try:
        result = await conn.execute(
            venues.insert().values(name=name, timezone=timezone, created_at=now).returning(venues.c.id)
        )
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "venues", "name"):
            raise Conflict(
                f"A venue called {name!r} already exists; choose another name.", code=ErrorCode.VENUE_EXISTS
            ) from None
        raise
    return Venue(id=VenueId(result.scalar_one()), name=name, timezone=timezone)


async def get_venue(conn: AsyncConnection, venue_id: VenueId) -> Venue | None:
    row = (await conn.execute(select(venues).where(venues.c.id == venue_id))).mappings().first()
    return None if row is None else Venue(id=VenueId(row["id"]), name=row["name"], timezone=row["timezone"])


async def list_venues(conn: AsyncConnection) -> tuple[Venue, ...]:
    rows = (await conn.execute(select(venues).order_by(venues.c.name))).mappings()
    return tuple(Venue(id=VenueId(r["id"]), name=r["name"], timezone=r["timezone"]) for r in rows)


async def insert_plan(
    conn: AsyncConnection, *, venue_id: VenueId, name: str, specs: Sequence[SectionSpec], now: datetime
) -> SeatingPlan:
    """The plan, its sections and all their seats; seats go in as one executemany (fast for 10,000s)."""
    try:
        result = await conn.execute(
            seating_plans.insert()
            .values(venue_id=venue_id, name=name, created_at=now)
            .returning(seating_plans.c.id)
        )
    except sa_exc.IntegrityError as exc:
        if is_unique_violation(exc, "seating_plans", "venue_id_name") or "seating_plans.name" in str(
            exc.orig
        ):
            raise Conflict(
                f"This venue already has a plan called {name!r}; choose another name.",
                code=ErrorCode.PLAN_EXISTS,
            ) from None
        raise
    plan_id = PlanId(result.scalar_one())
    stored: list[Section] = []
    seat_rows: list[dict[str, object]] = []
    for order, spec in enumerate(specs):
        section_id = SectionId(
            (
                await conn.execute(
                    sections.insert()
                    .values(
                        plan_id=plan_id,
                        name=spec.name,
                        kind=spec.kind.value,
                        capacity=spec.capacity,
                        sort_order=order,
                    )
                    .returning(sections.c.id)
                )
            ).scalar_one()
        )
        stored.append(Section(section_id, plan_id, spec.name, spec.kind, spec.capacity))
        seat_rows.extend(
            {
                "section_id": section_id,
                "row_label": s.row,
                "number": s.number,
                "x": s.x,
                "y": s.y,
                "accessible": s.accessible,
                "companion": s.companion,
                "restricted_view": s.restricted_view,
                "blocked": s.blocked,
            }
            for s in spec.seats
        )
    if seat_rows:
        await conn.execute(seats.insert(), seat_rows)
    return SeatingPlan(id=plan_id, venue_id=venue_id, name=name, sections=tuple(stored))


async def get_plan(conn: AsyncConnection, plan_id: PlanId) -> SeatingPlan | None:
    plan = (await conn.execute(select(seating_plans).where(seating_plans.c.id == plan_id))).mappings().first()
    if plan is None:
        return None
    rows = (
        await conn.execute(
            select(sections)
            .where(sections.c.plan_id == plan_id)
            .order_by(sections.c.sort_order, sections.c.id)
        )
    ).mappings()
    return SeatingPlan(
        id=plan_id,
        venue_id=VenueId(plan["venue_id"]),
        name=plan["name"],
        sections=tuple(_section(r) for r in rows),
    )


def _section(row: RowMapping) -> Section:
    return Section(
        id=SectionId(row["id"]),
        plan_id=PlanId(row["plan_id"]),
        name=row["name"],
        kind=SectionKind(row["kind"]),
        capacity=row["capacity"],
    )


async def list_plans(conn: AsyncConnection, venue_id: VenueId) -> tuple[SeatingPlan, ...]:
    ids = (
        await conn.execute(
            select(seating_plans.c.id)
            .where(seating_plans.c.venue_id == venue_id)
            .order_by(seating_plans.c.name)
        )
    ).scalars()
    plans = [await get_plan(conn, PlanId(i)) for i in ids.all()]
    return tuple(p for p in plans if p is not None)


def _seats_query(plan_id: PlanId) -> Select[Any]:
    return (
        select(seats)
        .join(sections, sections.c.id == seats.c.section_id)
        .where(sections.c.plan_id == plan_id)
        .order_by(sections.c.sort_order, seats.c.row_label, seats.c.number)
    )


async def plan_seats(
    conn: AsyncConnection, plan_id: PlanId, seat_ids: Sequence[SeatId] = ()
) -> tuple[Seat, ...]:
    """Every seat of the plan (or only those of ``seat_ids`` that belong to it), in section and row order."""
    query = _seats_query(plan_id)
    if seat_ids:
        query = query.where(seats.c.id.in_(list(seat_ids)))
    rows = (await conn.execute(query)).mappings()
    return tuple(
        Seat(
            id=SeatId(r["id"]),
            section_id=SectionId(r["section_id"]),
            row=r["row_label"],
            number=r["number"],
            x=r["x"],
            y=r["y"],
            accessible=r["accessible"],
            companion=r["companion"],
            restricted_view=r["restricted_view"],
            blocked=r["blocked"],
        )
        for r in rows
    )


async def set_seat_columns(
    conn: AsyncConnection, seat_ids: Sequence[SeatId], values: dict[str, object]
) -> None:
    await conn.execute(update(seats).where(seats.c.id.in_(list(seat_ids))).values(**values))
