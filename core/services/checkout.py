"""Checkout: a live hold and a payment become an order with tickets, exactly once per idempotency key."""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import actors as actors_db
from core.db import holds as holds_db
from core.db import orders as orders_db
from core.db import outbox as outbox_db
from core.db import places as places_db
from core.db import site as site_db
from core.db.errors import is_unique_violation
from core.domain.codes import is_email, new_order_code, new_ticket_serial
from core.domain.concerts import ConcertStatus
from core.domain.errors import Conflict, ErrorCode, HoldExpired, InputError, NotAllowed, SalesClosed
from core.domain.events import PlacesChanged
from core.domain.holds import HoldState
from core.domain.ids import HoldId
from core.domain.money import Money
from core.domain.orders import Order, OrderStatus, Payment, Ticket, TicketState
from core.domain.payments import DEMO_METHOD
from core.domain.places import PlaceState
from core.domain.staff import Actor, Permission, describe
from core.domain.validation import check_language, clean_text
from core.security.permissions import require
from core.services.common import origin_of
from core.services.context import ServiceContext
from core.services.sales import check_hold_id, lapsed_delta, own_hold
from core.services.signing_keys import KeyedSigner, ticket_signer
from core.tickets.issuer import sign_ticket

__all__ = ["checkout_hold"]

_CODE_ATTEMPTS = 3


def _validate(idempotency_key: str, payment: Payment, buyer_email: str | None) -> str | None:
    clean_text(
        "idempotency_key",
        idempotency_key,
        limit=100,
        code=ErrorCode.IDEMPOTENCY_KEY_INVALID,
        hint="must be 1 to 100 characters.",
    )
    clean_text(
        "payment.method",
        payment.method,
        limit=32,
        code=ErrorCode.PAYMENT_INVALID,
        hint="must name the payment method (1 to 32 characters).",
    )
    clean_text(
        "payment.reference",
        payment.reference,
        limit=200,
        code=ErrorCode.PAYMENT_INVALID,
        required=False,
        hint="is longer than 200 characters.",
    )
    if buyer_email is None or not buyer_email.strip():
        return None
    email = buyer_email.strip()
    if not is_email(email):
        raise InputError(
            "email",
            "this is not an e-mail address. Check it, or leave it empty.",
            code=ErrorCode.EMAIL_INVALID,
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
    language: str = "en",
) -> Order:
    """Turn the hold into an order. Retrying with the same key returns the same order, never a second one.

    A hold that lapsed is still good if nobody took its places meanwhile; otherwise HoldExpired, and the
    caller voids the payment.
    """
    require(actor, Permission.SELL)
    hold_id = check_hold_id(hold_id)
    email = _validate(idempotency_key, payment, buyer_email)
    language = check_language(language)
    signer = await ticket_signer(ctx)  # the server's key: checked first, so a missing key sells nothing
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            order, event = await ctx.db.write(
                lambda conn: _checkout(
                    ctx, conn, actor, hold_id, idempotency_key, payment, (email, language), signer
                )
            )
        except IntegrityError as exc:
            if is_unique_violation(exc, "orders", "idempotency_key"):
                continue  # a concurrent retry with this key won; the next attempt returns its order
            if is_unique_violation(exc, "orders", "code") or is_unique_violation(exc, "tickets", "serial"):
                continue  # a random code collided: draw again
            raise
        await ctx.publish(event)
        return order
    raise Conflict("The order could not be saved. Please try again.", code=ErrorCode.CHECKOUT_RETRY_EXHAUSTED)


async def _checkout(
    ctx: ServiceContext,
    conn: AsyncConnection,
    actor: Actor,
    hold_id: HoldId,
    idempotency_key: str,
    payment: Payment,
    buyer: tuple[str | None, str],
    signer: KeyedSigner,
) -> tuple[Order, PlacesChanged | None]:
    now = ctx.clock.now()
    email, language = buyer  # the e-mail address, and the language the tickets print in
    # Lock the hold first, then look for the key: a concurrent retry of this checkout waits here and then
    # finds the order the first one committed.
    row = await holds_db.lock(conn, hold_id)
    existing = await orders_db.order_id_for_key(conn, idempotency_key)
    if existing is not None:
        order_id, key_hold = existing
        if key_hold != hold_id:
            raise Conflict(
                "This payment reference was already used for another order.",
                code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
            )
        order = await orders_db.load(conn, order_id)
        assert order is not None
        return order, None
    if payment.method == DEMO_METHOD and await site_db.get(conn, site_db.DEMO) != "true":
        # A simulated card takes no money: on a real database it would hand out free tickets that admit.
        raise NotAllowed(
            "Simulated (demo) payments are refused on a real database; take a real payment.",
            code=ErrorCode.DEMO_PAYMENT_REFUSED,
        )
    row = own_hold(row, actor)
    if row.state is HoldState.RELEASED:
        raise HoldExpired(
            "This hold was cancelled, so nothing was sold. Please choose again.", code=ErrorCode.HOLD_RELEASED
        )
    found = await actors_db.concert_and_actor(conn, row.concert_id, actor)
    assert found is not None
    actors_db.check_status(actor, found.actor_status)
    concert = found.concert
    if concert.status is ConcertStatus.CANCELLED:
        raise SalesClosed(
            f"{concert.title} has been cancelled; nothing was sold.", key=SalesClosed.CANCELLED_KEY
        )
    placed = await places_db.lock_hold_places(conn, hold_id)
    if len(placed) < row.place_count:
        raise HoldExpired(
            "Your time ran out and some of your places went to another buyer, so nothing was sold and the "
            "payment will be cancelled. Please choose again."
        )
    total = Money.total([p.price for p in placed], concert.currency)
    if payment.amount != total:
        raise InputError(
            "payment.amount",
            f"is {payment.amount.format()}, but the places cost {total.format()}.",
            code=ErrorCode.PAYMENT_AMOUNT_MISMATCH,
        )
    new_tickets = [orders_db.NewTicket(new_ticket_serial(), p.id, p.category_id, p.price) for p in placed]
    code = new_order_code()
    order_id, sold = await orders_db.insert_order(
        conn,
        code=code,
        concert_id=concert.id,
        hold_id=hold_id,
        idempotency_key=idempotency_key,
        actor=describe(actor),
        device_id=origin_of(actor),
        payment=payment,
        buyer_email=email,
        demo=ctx.settings.demo_mode,
        language=language,
        now=now,
        new_tickets=new_tickets,
    )
    await places_db.mark_sold(conn, sold)
    await holds_db.set_state(conn, hold_id, HoldState.CHECKED_OUT)
    if email is not None:  # queued with the order, sent later by the mail worker: never blocks the sale
        await outbox_db.enqueue(conn, order_id, email, now)
    ticket_ids = dict(sold)
    # The QR code's signature, by the server's key, stored with the ticket: any station can print it again.
    signatures = {t: sign_ticket(signer, t, concert.id, now) for t in ticket_ids.values()}
    await orders_db.set_signatures(conn, [(t, signer.key_id, sig) for t, sig in signatures.items()])
    order = Order(
        id=order_id,
        code=code,
        concert_id=concert.id,
        hold_id=hold_id,
        status=OrderStatus.PAID,
        total=total,
        payment_method=payment.method,
        payment_reference=payment.reference,
        buyer_email=email,
        created_at=now,
        language=language,
        tickets=tuple(
            Ticket(
                id=ticket_ids[p.id],
                serial=t.serial,
                concert_id=concert.id,
                place_id=p.id,
                label=p.label,
                category_id=p.category_id,
                category=p.category,
                price=p.price,
                state=TicketState.VALID,
                print_count=0,
                issued_at=now,
                key_id=signer.key_id,
                signature=signatures[ticket_ids[p.id]],
            )
            for p, t in zip(placed, new_tickets, strict=True)
        ),
    )
    event = PlacesChanged(
        concert.id,
        places_db.changes(placed, PlaceState.SOLD),
        availability_delta=lapsed_delta(placed, now),
        origin_device=origin_of(actor),
    )
    return order, event
