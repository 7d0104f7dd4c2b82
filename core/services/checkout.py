"""Checkout: a live hold and a payment become an order with tickets, exactly once per idempotency key."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import actors as actors_db
from core.db import holds as holds_db
from core.db import orders as orders_db
from core.db import places as places_db
from core.db.errors import is_unique_violation
from core.db.rows import load_concert
from core.domain.codes import is_email, new_order_code, new_ticket_serial
from core.domain.concerts import ConcertStatus
from core.domain.errors import Conflict, HoldExpired, InputError, SalesClosed
from core.domain.events import PlacesChanged
from core.domain.holds import HoldState
from core.domain.ids import HoldId
from core.domain.money import Money
from core.domain.orders import Order, Payment
from core.domain.places import PlaceState
from core.domain.staff import Actor, DeviceActor, Permission, describe
from core.security.permissions import require
from core.services.context import ServiceContext
from core.services.sales import own_hold

__all__ = ["checkout_hold"]

_CODE_ATTEMPTS = 3


def _validate(idempotency_key: str, payment: Payment, buyer_email: str | None) -> str | None:
    if not idempotency_key or len(idempotency_key) > 100:
        raise InputError("idempotency_key", "must be 1 to 100 characters.", code="idempotency_key_invalid")
    if not payment.method or len(payment.method) > 32:
        raise InputError(
            "payment.method", "must name the payment method (1 to 32 characters).", code="payment_invalid"
        )
    if len(payment.reference) > 200:
        raise InputError("payment.reference", "is longer than 200 characters.", code="payment_invalid")
    if buyer_email is None or not buyer_email.strip():
        return None
    email = buyer_email.strip()
    if not is_email(email):
        raise InputError(
            "email", f"{email!r} is not an e-mail address. Check it, or leave it empty.", code="email_invalid"
        )
    return email


async def checkout_hold(
    ctx: ServiceContext,
    actor: Actor,
    hold_id: HoldId,
    *,
    idempotency_key: str,
    payment: Payment,
    buyer_email: str | None = None,
) -> Order:
    """Turn the hold into an order. Retrying with the same key returns the same order, never a second one.

    A hold that lapsed is still good if nobody took its places meanwhile; otherwise HoldExpired, and the
    caller voids the payment.
    """
    require(actor, Permission.SELL)
    email = _validate(idempotency_key, payment, buyer_email)
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            order, event = await ctx.db.write(
                lambda conn: _checkout(ctx, conn, actor, hold_id, idempotency_key, payment, email)
            )
        except IntegrityError as exc:
            if is_unique_violation(exc, "orders", "idempotency_key"):
                continue  # a concurrent retry with this key won; the next attempt returns its order
            if is_unique_violation(exc, "orders", "code") or is_unique_violation(exc, "tickets", "serial"):
                continue  # a random code collided: draw again
            raise
        await ctx.publish(event)
        return order
    raise Conflict("The order could not be saved. Please try again.", code="checkout_retry_exhausted")


async def _checkout(
    ctx: ServiceContext,
    conn: AsyncConnection,
    actor: Actor,
    hold_id: HoldId,
    idempotency_key: str,
    payment: Payment,
    email: str | None,
) -> tuple[Order, PlacesChanged | None]:
    now = ctx.clock.now()
    # Lock the hold first, then look for the key: a concurrent retry of this checkout waits here and then
    # finds the order the first one committed.
    row = await holds_db.lock(conn, hold_id)
    existing = await orders_db.order_id_for_key(conn, idempotency_key)
    if existing is not None:
        order_id, key_hold = existing
        if key_hold != hold_id:
            raise Conflict(
                "This payment reference was already used for another order.", code="idempotency_key_reused"
            )
        order = await orders_db.load(conn, order_id)
        assert order is not None
        return order, None
    row = own_hold(row, actor)
    if row.state is HoldState.RELEASED:
        raise HoldExpired(
            "This hold was cancelled, so nothing was sold. Please choose again.", code="hold_released"
        )
    await actors_db.ensure_active(conn, actor)
    concert = await load_concert(conn, row.concert_id)
    assert concert is not None
    if concert.status is ConcertStatus.CANCELLED:
        raise SalesClosed(f"{concert.title} has been cancelled; nothing was sold.")
    mine = await places_db.lock_hold_places(conn, hold_id)
    if len(mine) < row.place_count:
        raise HoldExpired(
            "Your time ran out and some of your places went to another buyer, so nothing was "
            "sold and the payment will be cancelled. Please choose again."
        )
    placed = await places_db.details(conn, [t.id for t in mine])
    total = Money.total([p.price for p in placed], concert.currency)
    if payment.amount != total:
        raise InputError(
            "payment.amount",
            f"is {payment.amount.format()}, but the places cost {total.format()}.",
            code="payment_amount_mismatch",
        )
    new_tickets = [orders_db.NewTicket(new_ticket_serial(), p.id, p.category_id, p.price) for p in placed]
    device_id = actor.device_id if isinstance(actor, DeviceActor) else None
    order_id, sold = await orders_db.insert_order(
        conn,
        code=new_order_code(),
        concert_id=concert.id,
        hold_id=hold_id,
        idempotency_key=idempotency_key,
        actor=describe(actor),
        device_id=device_id,
        payment=payment,
        buyer_email=email,
        demo=ctx.settings.demo_mode,
        now=now,
        new_tickets=new_tickets,
    )
    await places_db.mark_sold(conn, sold)
    await holds_db.set_state(conn, hold_id, HoldState.CHECKED_OUT)
    order = await orders_db.load(conn, order_id)
    assert order is not None
    event = PlacesChanged(concert.id, places_db.changes(mine, PlaceState.SOLD), origin_device=device_id)
    return order, event
