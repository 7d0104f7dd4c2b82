"""The mail outbox: tickets to e-mail (written with the order) and staff notices, sent and retried later."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import mail_outbox, orders
from core.domain.ids import OrderId


@dataclass(frozen=True, slots=True)
class OutboxItem:
    id: int
    order_id: OrderId | None
    order_code: str
    """Empty for a staff notice."""
    to_address: str
    attempts: int
    kind: str = "tickets"
    details: dict[str, Any] = field(default_factory=dict)


async def enqueue(conn: AsyncConnection, order_id: OrderId, to_address: str, now: datetime) -> None:
    await conn.execute(
        mail_outbox.insert().values(
            order_id=order_id,
            to_address=to_address,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


async def enqueue_notice(
    conn: AsyncConnection, kind: str, to_address: str, details: dict[str, Any], now: datetime
) -> None:
    await conn.execute(
        mail_outbox.insert().values(
            kind=kind,
            order_id=None,
            to_address=to_address,
            details=details,
            status="pending",
            attempts=0,
            next_attempt_at=now,
            created_at=now,
        )
    )


async def claim_due(conn: AsyncConnection, now: datetime, limit: int) -> list[OutboxItem]:
    """Due items, locked (SKIP LOCKED: two workers never send the same mail) until the caller's commit."""
    stmt = (
        select(
            mail_outbox.c.id,
            mail_outbox.c.order_id,
            orders.c.code,
            mail_outbox.c.to_address,
            mail_outbox.c.attempts,
            mail_outbox.c.kind,
            mail_outbox.c.details,
        )
        .outerjoin(orders, orders.c.id == mail_outbox.c.order_id)
        .where(mail_outbox.c.status == "pending", mail_outbox.c.next_attempt_at <= now)
        .order_by(mail_outbox.c.next_attempt_at, mail_outbox.c.id)
        .limit(limit)
        .with_for_update(of=mail_outbox, skip_locked=True)
    )
    return [
        OutboxItem(
            int(r.id),
            None if r.order_id is None else OrderId(r.order_id),
            r.code or "",
            r.to_address,
            int(r.attempts),
            r.kind,
            dict(r.details or {}),
        )
        for r in (await conn.execute(stmt)).all()
    ]


async def lease(conn: AsyncConnection, item_id: int, *, token: str, until: datetime, attempts: int) -> None:
    """Take the item for one attempt: counted now (a worker that dies still counts), due again at ``until``."""
    await conn.execute(
        update(mail_outbox)
        .where(mail_outbox.c.id == item_id)
        .values(lease_token=token, next_attempt_at=until, attempts=attempts)
    )


async def record(
    conn: AsyncConnection,
    item_id: int,
    *,
    token: str,
    status: str,
    next_attempt_at: datetime,
    error: str | None,
    sent_at: datetime | None,
) -> bool:
    """The outcome of this worker's attempt; False (nothing written) when the lease went to another worker."""
    result = await conn.execute(
        update(mail_outbox)
        .where(
            mail_outbox.c.id == item_id, mail_outbox.c.lease_token == token, mail_outbox.c.status != "sent"
        )
        .values(
            status=status,
            next_attempt_at=next_attempt_at,
            last_error=error,
            sent_at=sent_at,
            lease_token=None,
        )
    )
    return result.rowcount == 1


async def status_of(conn: AsyncConnection, order_id: OrderId) -> list[tuple[str, int]]:
    rows = await conn.execute(
        select(mail_outbox.c.status, mail_outbox.c.attempts).where(mail_outbox.c.order_id == order_id)
    )
    return [(r.status, int(r.attempts)) for r in rows.all()]
