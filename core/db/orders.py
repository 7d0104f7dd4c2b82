"""Orders, tickets and refunds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.places import details
from core.db.signing_keys import is_server_key
from core.db.tables import orders, refunds, tickets
from core.domain.ids import ConcertId, DeviceId, HoldId, OrderId, PlaceId, TicketId
from core.domain.money import Money
from core.domain.orders import Order, OrderStatus, Payment, Ticket, TicketState
from core.domain.payments import DEMO_METHOD


@dataclass(frozen=True, slots=True)
class NewTicket:
    serial: str
    place_id: PlaceId
    category_id: int
    price: Money


async def order_id_for_key(conn: AsyncConnection, idempotency_key: str) -> tuple[OrderId, HoldId] | None:
    row = (
        await conn.execute(
            select(orders.c.id, orders.c.hold_id).where(orders.c.idempotency_key == idempotency_key)
        )
    ).first()
    return None if row is None else (OrderId(row.id), HoldId(row.hold_id))


async def insert_order(
    conn: AsyncConnection,
    *,
    code: str,
    concert_id: ConcertId,
    hold_id: HoldId,
    idempotency_key: str,
    actor: str,
    device_id: DeviceId | None,
    payment: Payment,
    buyer_email: str | None,
    demo: bool,
    language: str = "en",
    now: datetime,
    new_tickets: Sequence[NewTicket],
) -> tuple[OrderId, list[tuple[PlaceId, TicketId]]]:
    order_id = (
        await conn.execute(
            orders.insert()
            .values(
                code=code,
                concert_id=concert_id,
                hold_id=hold_id,
                idempotency_key=idempotency_key,
                actor=actor,
                device_id=device_id,
                status=OrderStatus.PAID.value,
                total_minor=payment.amount.minor,
                currency=payment.amount.currency,
                payment_method=payment.method,
                payment_reference=payment.reference,
                buyer_email=buyer_email,
                # Sold on a demo database, or paid with a simulated card anywhere: a DEMO ticket (PDF, mail).
                demo=demo or payment.method == DEMO_METHOD,
                created_at=now,
                language=language,
            )
            .returning(orders.c.id)
        )
    ).scalar_one()
    rows = (
        await conn.execute(
            tickets.insert().returning(tickets.c.id, tickets.c.place_id, sort_by_parameter_order=True),
            [
                {
                    "serial": t.serial,
                    "order_id": order_id,
                    "concert_id": concert_id,
                    "place_id": t.place_id,
                    "category_id": t.category_id,
                    "price_minor": t.price.minor,
                    "currency": t.price.currency,
                    "state": TicketState.VALID.value,
                    "print_count": 0,
                    "issued_at": now,
                }
                for t in new_tickets
            ],
        )
    ).all()
    return OrderId(order_id), [(PlaceId(r.place_id), TicketId(r.id)) for r in rows]


async def load(
    conn: AsyncConnection, order_id: OrderId | None = None, *, code: str | None = None, lock: bool = False
) -> Order | None:
    stmt = select(orders).where(orders.c.id == order_id if order_id is not None else orders.c.code == code)
    if lock:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    if row is None:
        return None
    tstmt = select(tickets).where(tickets.c.order_id == row.id).order_by(tickets.c.id)
    if lock:
        tstmt = tstmt.with_for_update()
    trows = (await conn.execute(tstmt)).all()
    labels = {d.id: d for d in await details(conn, [PlaceId(t.place_id) for t in trows])}
    return Order(
        id=OrderId(row.id),
        code=row.code,
        concert_id=ConcertId(row.concert_id),
        hold_id=HoldId(row.hold_id),
        status=OrderStatus(row.status),
        total=Money(row.total_minor, row.currency),
        payment_method=row.payment_method,
        payment_reference=row.payment_reference,
        buyer_email=row.buyer_email,
        created_at=row.created_at,
        language=row.language,
        tickets=tuple(
            Ticket(
                id=TicketId(t.id),
                serial=t.serial,
                concert_id=ConcertId(t.concert_id),
                place_id=PlaceId(t.place_id),
                label=labels[PlaceId(t.place_id)].label,
                category_id=t.category_id,
                category=labels[PlaceId(t.place_id)].category,
                price=Money(t.price_minor, t.currency),
                state=TicketState(t.state),
                print_count=t.print_count,
                issued_at=t.issued_at,
                key_id=t.signing_key_id if t.signing_key_id is not None else t.key_id,
                signature=None if t.signature is None else bytes(t.signature),
            )
            for t in trows
        ),
    )


async def void_tickets(conn: AsyncConnection, ticket_ids: Sequence[TicketId]) -> None:
    await conn.execute(
        update(tickets).where(tickets.c.id.in_(list(ticket_ids))).values(state=TicketState.VOID.value)
    )


async def insert_refunds(
    conn: AsyncConnection,
    order_id: OrderId,
    refunded: Sequence[Ticket],
    *,
    actor: str,
    reason: str,
    now: datetime,
) -> None:
    await conn.execute(
        refunds.insert(),
        [
            {
                "order_id": order_id,
                "ticket_id": t.id,
                "amount_minor": t.price.minor,
                "currency": t.price.currency,
                "actor": actor,
                "reason": reason,
                "created_at": now,
            }
            for t in refunded
        ],
    )


async def set_status(conn: AsyncConnection, order_id: OrderId, status: OrderStatus) -> None:
    await conn.execute(update(orders).where(orders.c.id == order_id).values(status=status.value))


async def set_signatures(conn: AsyncConnection, signed: Sequence[tuple[TicketId, int, bytes]]) -> None:
    """Store each ticket's signature with the key that made it: a server key, or (older tickets, tests) a
    device key, each in its own column so that both stay foreign keys."""
    for server in (True, False):
        rows = [(t, k, s) for t, k, s in signed if is_server_key(k) is server]
        if not rows:
            continue
        column = "signing_key_id" if server else "key_id"
        stmt = (
            update(tickets)
            .where(tickets.c.id == bindparam("b_ticket"))
            .values({column: bindparam("b_key"), "signature": bindparam("b_signature")})
        )
        await conn.execute(stmt, [{"b_ticket": t, "b_key": k, "b_signature": s} for t, k, s in rows])
