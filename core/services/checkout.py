"""Checkout: a live hold and a payment become an order with tickets, exactly once per idempotency key."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import actors as actors_db
from core.db import checkout as checkout_db
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

__all__ = ["checkout_hold"]  # look and checkout_seen are for pay_and_checkout (purchase)

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
    return await checkout_seen(
        ctx,
        actor,
        hold_id,
        None,
        idempotency_key=idempotency_key,
        payment=payment,
        buyer_email=buyer_email,
        language=language,
    )


async def checkout_seen(
    ctx: ServiceContext,
    actor: Actor,
    hold_id: HoldId,
    seen: checkout_db.Look | None,
    *,
    idempotency_key: str,
    payment: Payment,
    buyer_email: str | None = None,
    language: str = "en",
) -> Order:
    """checkout_hold after a look the caller already made (pay_and_checkout's, before the charge); None: look
    now (on PostgreSQL)."""
    require(actor, Permission.SELL)
    hold_id = check_hold_id(hold_id)
    email = _validate(idempotency_key, payment, buyer_email)
    language = check_language(language)
    signer = await ticket_signer(ctx)  # the server's key: checked first, so a missing key sells nothing
    if seen is None:
        seen = await look(ctx, actor, hold_id, idempotency_key)
    return await _complete(ctx, actor, hold_id, idempotency_key, payment, (email, language), signer, seen)


async def look(
    ctx: ServiceContext, actor: Actor, hold_id: HoldId, idempotency_key: str
) -> checkout_db.Look | None:
    """On PostgreSQL, what the sale will check and its tickets' ids, in one round trip (None elsewhere: SQLite
    sells in its transaction, correct rather than fast)."""
    if not ctx.db.is_postgres:
        return None
    return await ctx.db.hot(
        lambda conn: checkout_db.look(conn, actor, hold_id, idempotency_key), writes=False
    )


async def _complete(
    ctx: ServiceContext,
    actor: Actor,
    hold_id: HoldId,
    idempotency_key: str,
    payment: Payment,
    buyer: tuple[str | None, str],
    signer: KeyedSigner,
    seen: checkout_db.Look | None,
) -> Order:
    """The sale after the look: one statement when the look says it will go through (the tickets signed
    before it), else, or when it wrote nothing, the transaction below, which gives every refusal its error."""
    if seen is not None and _looks_sellable(seen, actor, payment):
        sold = await _sell(ctx, actor, hold_id, idempotency_key, payment, buyer, signer, seen)
        if sold is not None:
            order, event = sold
            await ctx.publish(event)
            return order
    for _attempt in range(_CODE_ATTEMPTS):
        try:
            order, maybe_event = await ctx.db.write(
                lambda conn: _checkout(ctx, conn, actor, hold_id, idempotency_key, payment, buyer, signer)
            )
        except IntegrityError as exc:
            if is_unique_violation(exc, "orders", "idempotency_key"):
                continue  # a concurrent retry with this key won; the next attempt returns its order
            if is_unique_violation(exc, "orders", "code") or is_unique_violation(exc, "tickets", "serial"):
                continue  # a random code collided: draw again
            raise
        await ctx.publish(maybe_event)
        return order
    raise Conflict("The order could not be saved. Please try again.", code=ErrorCode.CHECKOUT_RETRY_EXHAUSTED)


def _looks_sellable(seen: checkout_db.Look, actor: Actor, payment: Payment) -> bool:
    """Everything _checkout checks, as the look saw it (the sale checks it all again under its locks)."""
    hold = seen.hold
    return (
        seen.existing is None
        and seen.actor_status == "active"
        and hold is not None
        and hold.actor == describe(actor)
        and hold.state is HoldState.ACTIVE
        and 0 < hold.place_count == len(seen.places) == len(seen.ticket_ids)
        and seen.currency is not None
        and (payment.method != DEMO_METHOD or seen.demo_database)
        and payment.amount == Money.total([p.price for p in seen.places], seen.currency)
    )


async def _sell(
    ctx: ServiceContext,
    actor: Actor,
    hold_id: HoldId,
    idempotency_key: str,
    payment: Payment,
    buyer: tuple[str | None, str],
    signer: KeyedSigner,
    seen: checkout_db.Look,
) -> tuple[Order, PlacesChanged] | None:
    """The order in one statement, or None when it wrote nothing (something changed since the look, or a
    random code collided)."""
    assert seen.hold is not None
    email, language = buyer
    concert_id = seen.hold.concert_id
    now = ctx.clock.now()
    # Signed before the statement, by the ids the look drew: no signing while the hold and places are locked.
    signatures = [sign_ticket(signer, t, concert_id, now) for t in seen.ticket_ids]
    sale = checkout_db.Sale(
        code=new_order_code(),
        concert_id=concert_id,
        hold_id=hold_id,
        idempotency_key=idempotency_key,
        actor=actor,
        device_id=origin_of(actor),
        total=payment.amount,
        method=payment.method,
        reference=payment.reference,
        buyer_email=email,
        # Sold on a demo database, or paid with a simulated card anywhere: a DEMO ticket (PDF, mail).
        demo=ctx.settings.demo_mode or payment.method == DEMO_METHOD,
        language=language,
        now=now,
        places=seen.places,
        ticket_ids=seen.ticket_ids,
        serials=[new_ticket_serial() for _ in seen.places],
        signatures=signatures,
        key_id=signer.key_id,
    )
    try:
        written = await ctx.db.hot(lambda conn: checkout_db.sell(conn, sale), writes=True)
    except IntegrityError as exc:
        if any(
            is_unique_violation(exc, table, column)
            for table, column in (("orders", "idempotency_key"), ("orders", "code"), ("tickets", "serial"))
        ):
            return None  # the transaction tells a reused key from a retry, and draws codes again
        raise
    if written is None:
        return None
    order_id, held_until = written
    placed = [replace(p, held_until=held_until[p.id]) for p in seen.places]
    tickets = tuple(
        Ticket(
            id=ticket_id,
            serial=serial,
            concert_id=concert_id,
            place_id=p.id,
            label=p.label,
            category_id=p.category_id,
            category=p.category,
            price=p.price,
            state=TicketState.VALID,
            print_count=0,
            issued_at=now,
            key_id=signer.key_id,
            signature=signature,
        )
        for p, ticket_id, serial, signature in zip(
            placed, sale.ticket_ids, sale.serials, signatures, strict=True
        )
    )
    order = Order(
        id=order_id,
        code=sale.code,
        concert_id=concert_id,
        hold_id=hold_id,
        status=OrderStatus.PAID,
        total=payment.amount,
        payment_method=payment.method,
        payment_reference=payment.reference,
        buyer_email=email,
        created_at=now,
        language=language,
        tickets=tickets,
    )
    event = PlacesChanged(
        concert_id,
        places_db.changes(placed, PlaceState.SOLD),
        availability_delta=lapsed_delta(placed, now),
        origin_device=origin_of(actor),
    )
    return order, event


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
