"""Pay and check out in one call: the charge on this venue's terminal, the order, and the void if it fails.

The kiosk (in this process) and encore-server (for remote kiosks) run the same function, so a payment is taken,
sold and, on any refusal after the charge, voided by core, never by the device.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import checkout as checkout_db
from core.db import holds as holds_db
from core.db import orders as orders_db
from core.db import places as places_db
from core.db.actors import check_status, ensure_active
from core.domain.codes import is_email
from core.domain.errors import Conflict, EncoreError, ErrorCode, HoldExpired, InputError, StorageUnavailable
from core.domain.holds import HoldState
from core.domain.ids import HoldId, OrderId
from core.domain.money import Money
from core.domain.orders import Order
from core.domain.payments import PaymentInput
from core.domain.staff import Actor, Permission
from core.domain.validation import check_language, clean_text
from core.security.permissions import require
from core.services import checkout
from core.services.context import ServiceContext
from core.services.payments import open_terminal
from core.services.sales import check_hold_id, own_hold

__all__ = ["pay_and_checkout"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Due:
    order: Order | None
    """The order this key already made (a retry after a lost reply): nothing more to charge."""
    amount: Money | None


async def pay_and_checkout(
    ctx: ServiceContext,
    actor: Actor,
    hold_id: HoldId,
    payment: PaymentInput,
    *,
    idempotency_key: str,
    buyer_email: str | None = None,
    language: str = "en",
) -> Order:
    """Take the payment for the hold on this venue's terminal (a staff PIN, or the demo card on a demo
    database), then turn the hold into an order whose tickets print in ``language`` (the buyer's).

    The same key returns the same order without charging again. Anything refused before the charge (a lapsed
    and re-taken hold, a bad e-mail address) charges nothing; a refusal after the charge voids it (audited, so
    staff hand the money back) and is raised. StorageUnavailable after the charge is raised without a void:
    the order may exist, and the caller retries with the same key.
    """
    require(actor, Permission.SELL)
    hold_id = check_hold_id(hold_id)
    key = clean_text(
        "idempotency_key",
        idempotency_key,
        limit=100,
        code=ErrorCode.IDEMPOTENCY_KEY_INVALID,
        hint="must be 1 to 100 characters.",
    )
    if buyer_email is not None and buyer_email.strip() and not is_email(buyer_email.strip()):
        raise InputError(
            "email",
            "this is not an e-mail address. Check it, or leave it empty.",
            code=ErrorCode.EMAIL_INVALID,
        )
    language = check_language(language)
    terminal = open_terminal(ctx)  # a refused configuration charges nothing
    seen = await checkout.look(ctx, actor, hold_id, key)  # PostgreSQL: the checkout's look serves both
    if seen is None:
        due = await ctx.db.read(lambda conn: _due(conn, actor, hold_id, key))
    else:
        due = await _due_seen(ctx, seen, actor, hold_id)
    if due.order is not None:
        return due.order
    assert due.amount is not None
    demo_database = None if seen is None else seen.demo_database
    charged = await terminal.charge(actor, due.amount, key, payment, demo_database=demo_database)
    try:
        return await checkout.checkout_seen(
            ctx,
            actor,
            hold_id,
            seen,
            idempotency_key=key,
            payment=charged,
            buyer_email=buyer_email,
            language=language,
        )
    except StorageUnavailable:
        log.warning("checkout of hold %s after payment %s not answered; retry with its key", hold_id, key)
        raise
    except EncoreError as error:
        await terminal.void(actor, charged, error.code)
        raise


async def _due(conn: AsyncConnection, actor: Actor, hold_id: HoldId, key: str) -> _Due:
    await ensure_active(conn, actor)
    existing = await orders_db.order_id_for_key(conn, key)
    if existing is not None:
        return _Due(await _existing(conn, existing, hold_id), None)
    row = await holds_db.get(conn, hold_id)
    return _Due(None, _amount(row, actor, await places_db.held_by(conn, hold_id)))


async def _due_seen(ctx: ServiceContext, seen: checkout_db.Look, actor: Actor, hold_id: HoldId) -> _Due:
    """_due's checks, in its order, on what the checkout's look read."""
    check_status(actor, seen.actor_status)
    if seen.existing is not None:
        existing = seen.existing
        return _Due(await ctx.db.read(lambda conn: _existing(conn, existing, hold_id)), None)
    return _Due(None, _amount(seen.hold, actor, list(seen.places)))


async def _existing(conn: AsyncConnection, existing: tuple[OrderId, HoldId], hold_id: HoldId) -> Order:
    """The order this key already made (a retry after a lost reply), if it was for this hold."""
    order_id, key_hold = existing
    if key_hold != hold_id:
        raise Conflict(
            "This payment reference was already used for another order.",
            code=ErrorCode.IDEMPOTENCY_KEY_REUSED,
        )
    order = await orders_db.load(conn, order_id)
    assert order is not None
    return order


def _amount(row: holds_db.HoldRow | None, actor: Actor, placed: list[places_db.PlaceDetail]) -> Money:
    row = own_hold(row, actor)
    if row.state is HoldState.RELEASED:
        raise HoldExpired(
            "This hold was cancelled, so nothing was sold. Please choose again.", code=ErrorCode.HOLD_RELEASED
        )
    if not placed or len(placed) < row.place_count:
        raise HoldExpired(
            "Your time ran out and some of your places went to another buyer, so nothing was sold and nothing "
            "was charged. Please choose again."
        )
    return Money.total([p.price for p in placed], placed[0].price.currency)
