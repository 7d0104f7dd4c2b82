"""What the scheduler tidies and queues: lapsed holds' places, concerts whose sales end, reminder mails."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.places import in_state
from core.db.tables import concerts, mail_outbox, orders, places, venues
from core.domain.concerts import ConcertStatus
from core.domain.ids import CategoryId, ConcertId, OrderId, PlaceId
from core.domain.places import PlaceState

REMINDER = "reminder"


@dataclass(frozen=True, slots=True)
class FreedPlace:
    id: PlaceId
    concert_id: ConcertId
    category_id: CategoryId


def _lapsed(lapsed_by: datetime) -> ColumnElement[bool]:
    return and_(in_state(PlaceState.HELD), places.c.held_until <= lapsed_by)


async def lock_lapsed(conn: AsyncConnection, lapsed_by: datetime, limit: int) -> list[FreedPlace]:
    """Up to ``limit`` places whose hold lapsed by ``lapsed_by``, locked in id order (as every multi-row write
    locks). SKIP LOCKED passes over places a checkout or an extension has in hand: it decides them, and a place
    it leaves lapsed is freed by the next run. An extension that comes after waits for our commit, then finds
    its places gone and says so."""
    locked = (
        select(places.c.id, places.c.concert_id, places.c.category_id)
        .where(_lapsed(lapsed_by))
        .order_by(places.c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    rows = (await conn.execute(locked)).all()
    return [FreedPlace(PlaceId(r.id), ConcertId(r.concert_id), CategoryId(r.category_id)) for r in rows]


async def free(conn: AsyncConnection, locked: Sequence[FreedPlace], lapsed_by: datetime) -> None:
    """Free the places lock_lapsed returned (still lapsed: the condition is checked again, SQLite locks none)."""
    if locked:
        await conn.execute(
            update(places)
            .where(places.c.id.in_([p.id for p in locked]), _lapsed(lapsed_by))
            .values(state=PlaceState.FREE.value, hold_id=None, held_until=None)
        )


async def free_lapsed(conn: AsyncConnection, lapsed_by: datetime, limit: int) -> list[FreedPlace]:
    locked = await lock_lapsed(conn, lapsed_by, limit)
    await free(conn, locked, lapsed_by)
    return locked


async def close_due_sales(conn: AsyncConnection, now: datetime) -> list[tuple[ConcertId, str]]:
    """Close the sales of every concert on sale whose sales end has come: (id, title) of each closed."""
    rows = (
        await conn.execute(
            update(concerts)
            .where(
                concerts.c.status == ConcertStatus.ON_SALE.value,
                concerts.c.sales_close_at <= now,
            )
            .values(status=ConcertStatus.SALES_CLOSED.value)
            .returning(concerts.c.id, concerts.c.title)
        )
    ).all()
    return [(ConcertId(r.id), r.title) for r in sorted(rows, key=lambda r: r.id)]


@dataclass(frozen=True, slots=True)
class ReminderDue:
    order_id: OrderId
    to_address: str
    details: dict[str, Any]


async def reminders_due(conn: AsyncConnection, now: datetime, until: datetime) -> list[ReminderDue]:
    """Orders with an address for a concert starting in (now, until] that have no reminder queued yet."""
    queued = exists().where(mail_outbox.c.order_id == orders.c.id, mail_outbox.c.kind == REMINDER)
    stmt = (
        select(
            orders.c.id,
            orders.c.code,
            orders.c.buyer_email,
            orders.c.demo,
            orders.c.language,
            concerts.c.artist,
            concerts.c.title,
            concerts.c.starts_at,
            venues.c.name.label("venue_name"),
            venues.c.timezone,
        )
        .join(concerts, concerts.c.id == orders.c.concert_id)
        .join(venues, venues.c.id == concerts.c.venue_id)
        .where(
            concerts.c.starts_at > now,
            concerts.c.starts_at <= until,
            concerts.c.status != ConcertStatus.CANCELLED.value,
            orders.c.status != "refunded",
            orders.c.buyer_email.is_not(None),
            orders.c.buyer_email != "",
            ~queued,
        )
        .order_by(orders.c.id)
    )
    return [
        ReminderDue(
            OrderId(r.id),
            r.buyer_email,
            {
                "order_code": r.code,
                "artist": r.artist,
                "concert_title": r.title,
                "venue_name": r.venue_name,
                "venue_timezone": r.timezone,
                "starts_at": r.starts_at.isoformat(),
                "demo": bool(r.demo),
                "language": r.language,
            },
        )
        for r in (await conn.execute(stmt)).all()
    ]


async def queue_reminders(conn: AsyncConnection, due: list[ReminderDue], now: datetime) -> int:
    """Queue the reminders; one an order already has (another scheduler's, queued since the look) is skipped
    by the database's one-reminder-per-order index. Returns how many were queued."""
    if not due:
        return 0
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(mail_outbox).on_conflict_do_nothing().returning(mail_outbox.c.id)
    rows = [
        {
            "kind": REMINDER,
            "order_id": d.order_id,
            "to_address": d.to_address,
            "details": d.details,
            "status": "pending",
            "attempts": 0,
            "next_attempt_at": now,
            "created_at": now,
        }
        for d in due
    ]
    queued = 0
    for row in rows:  # one by one: RETURNING with executemany is not portable across the two drivers
        queued += len((await conn.execute(stmt.values(**row))).all())
    return queued
