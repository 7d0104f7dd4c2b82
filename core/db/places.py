"""Seat locking: the conditional UPDATEs that hold, release and sell places. The heart of "never oversell".

Rules (DESIGN.md, "Inventory and seat locking"):
- a place is takeable when free, or held with ``held_until`` in the past (no job needed for a hold to lapse);
- chosen seats are all taken or none; rows are locked in id order, so two holds never deadlock;
- standing places are picked ``ORDER BY id LIMIT n FOR UPDATE SKIP LOCKED``: buyers never queue behind each
  other, and the ORDER BY keeps the pick on the partial index of free places.
On SQLite ``FOR UPDATE`` renders as nothing and the transaction is BEGIN IMMEDIATE: one writer at a time.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, literal_column, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.dml import ReturningUpdate

from core.db.tables import places, price_categories, seats, sections
from core.domain.events import PlaceChange
from core.domain.ids import CategoryId, ConcertId, HoldId, PlaceId, SectionId, TicketId
from core.domain.money import Money
from core.domain.names import Translations, translations_from
from core.domain.places import PlaceName, PlaceState, place_label


@dataclass(frozen=True, slots=True)
class TakenPlace:
    id: PlaceId
    category_id: CategoryId


@dataclass(frozen=True, slots=True)
class PlaceDetail:
    """A place with what a person reads about it: its label, price category and price."""

    id: PlaceId
    concert_id: ConcertId
    section_id: SectionId
    section: str
    row: str | None
    number: int | None
    category_id: CategoryId
    category: str
    price: Money
    state: PlaceState
    accessible: bool = False
    held_until: datetime | None = None
    section_names: Translations = ()
    category_names: Translations = ()

    @property
    def label(self) -> str:
        return place_label(self.section, self.row, self.number)

    @property
    def name(self) -> PlaceName:
        return PlaceName(self.section, self.row, self.number, self.section_names)


def in_state(state: PlaceState) -> ColumnElement[bool]:
    """``places.state = 'free'`` with the state written into the SQL, not bound as $n: a generic prepared plan
    (asyncpg prepares; PostgreSQL goes generic after five runs) can only use the partial indexes when it can
    see the value (tests/core/db/test_query_plans.py shows the sequential scan otherwise)."""
    return places.c.state == literal_column(f"'{state.value}'")


def takeable(now: datetime) -> ColumnElement[bool]:
    return or_(
        in_state(PlaceState.FREE),
        and_(in_state(PlaceState.HELD), places.c.held_until <= now),
    )


_RETURNING = (places.c.id, places.c.category_id)


def _in_id_order(*conditions: ColumnElement[bool]) -> ColumnElement[bool]:
    """``places.id IN (rows matching, locked in id order)``: every multi-row write locks this way, so two
    transactions never wait on each other in a cycle (a plain UPDATE locks in physical order)."""
    locked = select(places.c.id).where(*conditions).order_by(places.c.id).with_for_update()
    return places.c.id.in_(locked.scalar_subquery())


async def hold_specific(
    conn: AsyncConnection,
    concert_id: ConcertId,
    place_ids: Sequence[PlaceId],
    hold_id: HoldId,
    held_until: datetime,
    now: datetime,
) -> list[TakenPlace]:
    """Hold exactly these places if each is takeable; returns the ones taken (the caller rolls back if short)."""
    locked = (
        select(places.c.id)
        .where(places.c.concert_id == concert_id, places.c.id.in_(list(place_ids)))
        .order_by(places.c.id)
        .with_for_update()
    )
    stmt = (
        update(places)
        .where(places.c.id.in_(locked.scalar_subquery()), takeable(now))
        .values(state=PlaceState.HELD.value, hold_id=hold_id, held_until=held_until)
        .returning(*_RETURNING)
    )
    rows = (await conn.execute(stmt)).all()
    return [TakenPlace(PlaceId(r.id), CategoryId(r.category_id)) for r in rows]


@functools.lru_cache(maxsize=256)
def _standing_pick(quantity: int, lapsed: bool) -> ReturningUpdate[tuple[int, int]]:
    """Built once per (quantity, lapsed) with bind parameters: the hot path then skips rebuilding and
    re-keying the statement on every hold (a third of a hold's client CPU, measured by make bench)."""
    if lapsed:
        condition = and_(in_state(PlaceState.HELD), places.c.held_until <= bindparam("b_now"))
        order: ColumnElement[Any] = places.c.held_until
    else:
        condition = in_state(PlaceState.FREE)
        order = places.c.pick_order
    pick = (
        select(places.c.id)
        .where(
            places.c.concert_id == bindparam("b_concert"),
            places.c.section_id == bindparam("b_section"),
            condition,
        )
        .order_by(order, places.c.id)
        # The LIMIT is SQL too: under a generic plan an unknown $n makes PostgreSQL expect many rows and join
        # them to a sequential scan of places. One prepared statement per quantity (1..max per order) is fine.
        .limit(literal_column(str(int(quantity))))
        .with_for_update(skip_locked=True)
    )
    return (
        update(places)
        .where(places.c.id.in_(pick.scalar_subquery()))
        .values(state=PlaceState.HELD.value, hold_id=bindparam("b_hold"), held_until=bindparam("b_until"))
        .returning(*_RETURNING)
    )


def pick_params(
    concert_id: ConcertId,
    section_id: SectionId,
    hold_id: HoldId,
    held_until: datetime,
    now: datetime,
    *,
    lapsed: bool,
) -> dict[str, Any]:
    params: dict[str, Any] = {
        "b_concert": concert_id,
        "b_section": section_id,
        "b_hold": hold_id,
        "b_until": held_until,
    }
    if lapsed:
        params["b_now"] = now
    return params


def standing_hold_statement(quantity: int, *, lapsed: bool) -> ReturningUpdate[tuple[int, int]]:
    """The standing pick, to run with ``pick_params``: free places in (pick_order, id) order
    (``lapsed=False``), or places of lapsed holds, oldest first.

    ``ORDER BY pick_order, id`` keeps it on the partial index (no other index gives that order); without it
    PostgreSQL may walk the primary key past every sold place, 10-30x slower.
    SKIP LOCKED never waits, so the order of this pick cannot take part in a deadlock.
    """
    return _standing_pick(quantity, lapsed)


async def hold_any(
    conn: AsyncConnection,
    concert_id: ConcertId,
    section_id: SectionId,
    quantity: int,
    hold_id: HoldId,
    held_until: datetime,
    now: datetime,
) -> list[TakenPlace]:
    """Hold ``quantity`` takeable places of a standing section: free ones first, then lapsed holds."""
    taken: list[TakenPlace] = []
    for lapsed in (False, True):
        wanted = quantity - len(taken)
        if wanted <= 0:
            break
        params = pick_params(concert_id, section_id, hold_id, held_until, now, lapsed=lapsed)
        rows = (await conn.execute(_standing_pick(wanted, lapsed), params)).all()
        taken.extend(TakenPlace(PlaceId(r.id), CategoryId(r.category_id)) for r in rows)
    return taken


async def lock_hold_places(conn: AsyncConnection, hold_id: HoldId) -> list[PlaceDetail]:
    """The places still held by this hold, with labels and prices, locked in id order (lapsed or not: nobody
    else took them)."""
    stmt = (
        _details_query()
        .where(places.c.hold_id == hold_id, in_state(PlaceState.HELD))
        .with_for_update(of=places)
    )
    return [_detail(r) for r in (await conn.execute(stmt)).all()]


async def extend(conn: AsyncConnection, place_ids: Sequence[PlaceId], held_until: datetime) -> None:
    """New held-until for places the caller has locked (lock_hold_places)."""
    stmt = (
        update(places)
        .where(places.c.id.in_(list(place_ids)), in_state(PlaceState.HELD))
        .values(held_until=held_until)
    )
    await conn.execute(stmt)


async def release(conn: AsyncConnection, place_ids: Sequence[PlaceId]) -> None:
    """Free places the caller has locked (lock_hold_places)."""
    stmt = (
        update(places)
        .where(places.c.id.in_(list(place_ids)), in_state(PlaceState.HELD))
        .values(state=PlaceState.FREE.value, hold_id=None, held_until=None)
    )
    await conn.execute(stmt)


async def mark_sold(conn: AsyncConnection, sold: Sequence[tuple[PlaceId, TicketId]]) -> None:
    stmt = (
        update(places)
        .where(places.c.id == bindparam("b_place"))
        .values(state=PlaceState.SOLD.value, hold_id=None, held_until=None, ticket_id=bindparam("b_ticket"))
    )
    await conn.execute(stmt, [{"b_place": p, "b_ticket": t} for p, t in sold])


async def free_sold(conn: AsyncConnection, ticket_ids: Sequence[TicketId]) -> list[TakenPlace]:
    stmt = (
        update(places)
        .where(_in_id_order(places.c.ticket_id.in_(list(ticket_ids))), in_state(PlaceState.SOLD))
        .values(state=PlaceState.FREE.value, ticket_id=None)
        .returning(*_RETURNING)
    )
    return [TakenPlace(PlaceId(r.id), CategoryId(r.category_id)) for r in (await conn.execute(stmt)).all()]


async def held_by(conn: AsyncConnection, hold_id: HoldId) -> list[PlaceDetail]:
    """The places still held by this hold, with prices, unlocked: what a payment for it must cover."""
    stmt = _details_query().where(places.c.hold_id == hold_id, in_state(PlaceState.HELD))
    return [_detail(r) for r in (await conn.execute(stmt)).all()]


def _details_query() -> Select[Any]:
    return (
        select(
            places.c.id,
            places.c.concert_id,
            places.c.section_id,
            places.c.category_id,
            places.c.state,
            places.c.held_until,
            sections.c.name.label("section"),
            sections.c.translations.label("section_names"),
            seats.c.row_label,
            seats.c.number,
            seats.c.accessible,
            price_categories.c.name.label("category"),
            price_categories.c.translations.label("category_names"),
            price_categories.c.price_minor,
            price_categories.c.currency,
        )
        .join(sections, sections.c.id == places.c.section_id)
        .join(price_categories, price_categories.c.id == places.c.category_id)
        .outerjoin(seats, seats.c.id == places.c.seat_id)
        .order_by(places.c.id)
    )


def _detail(r: Any) -> PlaceDetail:
    return PlaceDetail(
        id=PlaceId(r.id),
        concert_id=ConcertId(r.concert_id),
        section_id=SectionId(r.section_id),
        section=r.section,
        row=r.row_label,
        number=r.number,
        category_id=CategoryId(r.category_id),
        category=r.category,
        price=Money(r.price_minor, r.currency),
        state=PlaceState(r.state),
        accessible=bool(r.accessible),
        held_until=r.held_until,
        section_names=translations_from(r.section_names),
        category_names=translations_from(r.category_names),
    )


_DETAILS = _details_query().where(places.c.id.in_(bindparam("b_ids", expanding=True)))


async def details(conn: AsyncConnection, place_ids: Sequence[PlaceId]) -> list[PlaceDetail]:
    """Labels, categories and prices of some places, in id order."""
    return [_detail(r) for r in (await conn.execute(_DETAILS, {"b_ids": list(place_ids)})).all()]


async def availability(
    conn: AsyncConnection, concert_ids: Sequence[ConcertId], now: datetime
) -> dict[ConcertId, dict[CategoryId, int]]:
    """Takeable places per concert and price category."""
    stmt = (
        select(places.c.concert_id, places.c.category_id, func.count())
        .where(places.c.concert_id.in_(list(concert_ids)), takeable(now))
        .group_by(places.c.concert_id, places.c.category_id)
    )
    result: dict[ConcertId, dict[CategoryId, int]] = {c: {} for c in concert_ids}
    for concert_id, category_id, count in (await conn.execute(stmt)).all():
        result[ConcertId(concert_id)][CategoryId(category_id)] = int(count)
    return result


def changes(
    taken: Sequence[TakenPlace | PlaceDetail], state: PlaceState, held_until: datetime | None = None
) -> tuple[PlaceChange, ...]:
    return tuple(PlaceChange(t.id, state, held_until) for t in taken)
