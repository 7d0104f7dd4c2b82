"""Orders after the sale: look one up by its code, refund all or some of its tickets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import orders as orders_db
from core.db import places as places_db
from core.domain.codes import is_order_code, normalise_code
from core.domain.errors import Conflict, ErrorCode, InputError, NotFound
from core.domain.events import PlacesChanged
from core.domain.ids import TicketId
from core.domain.orders import Order, OrderStatus, TicketState
from core.domain.places import PlaceState
from core.domain.staff import Actor, Permission, describe
from core.domain.validation import check_ids, clean_text
from core.security.permissions import require
from core.services.common import origin_of
from core.services.context import ServiceContext

__all__ = ["find_order", "refund_tickets"]


def _not_found(code: str) -> NotFound:
    return NotFound(
        f"No order has the code {code}. Check the code on the ticket or receipt.",
        code=ErrorCode.ORDER_NOT_FOUND,
    )


def _order_code(text: object) -> str:
    """What a person typed, as a stored code; a malformed code is an input error, not a lookup."""
    code = normalise_code(text) if isinstance(text, str) else ""
    if not is_order_code(code):
        raise InputError(
            "order code",
            "an order code has 8 letters and digits, such as K7M2QX9P.",
            code=ErrorCode.ORDER_CODE_INVALID,
        )
    return code


async def find_order(ctx: ServiceContext, actor: Actor, code: str) -> Order:
    require(actor, Permission.VIEW_ORDERS)
    wanted = _order_code(code)

    async def work(conn: AsyncConnection) -> Order | None:
        return await orders_db.load(conn, code=wanted)

    order = await ctx.db.read(work)
    if order is None:
        raise _not_found(wanted)
    return order


async def refund_tickets(
    ctx: ServiceContext,
    actor: Actor,
    code: str,
    *,
    reason: str,
    ticket_ids: Sequence[TicketId] | None = None,
) -> Order:
    """Refund the whole order (``ticket_ids`` None) or some tickets: tickets void, places free, audited."""
    require(actor, Permission.REFUND)
    reason = clean_text(
        "reason",
        reason,
        limit=500,
        code=ErrorCode.REASON_MISSING,
        hint="say why the refund is made (it goes to the audit log).",
    )
    if ticket_ids is not None:
        ticket_ids = [TicketId(t) for t in check_ids("tickets", list(ticket_ids))]
    wanted = _order_code(code)

    async def work(conn: AsyncConnection) -> tuple[Order, PlacesChanged]:
        now = ctx.clock.now()
        order = await orders_db.load(conn, code=wanted, lock=True)
        if order is None:
            raise _not_found(wanted)
        by_id = {t.id: t for t in order.tickets}
        chosen = list(by_id) if ticket_ids is None else list(dict.fromkeys(ticket_ids))
        strangers = [t for t in chosen if t not in by_id]
        if strangers:
            raise InputError(
                "tickets",
                f"ticket(s) {strangers} are not part of order {wanted}.",
                code=ErrorCode.TICKET_NOT_IN_ORDER,
            )
        if not chosen:
            raise InputError(
                "tickets", "choose at least one ticket to refund.", code=ErrorCode.TICKETS_MISSING
            )
        already = [by_id[t].serial for t in chosen if by_id[t].state is TicketState.VOID]
        if already:
            raise Conflict(
                f"Ticket(s) {', '.join(already)} were already refunded; nothing was changed.",
                code=ErrorCode.TICKET_ALREADY_VOID,
            )
        refunded = [by_id[t] for t in chosen]
        await orders_db.void_tickets(conn, chosen)
        freed = await places_db.free_sold(conn, chosen)
        await orders_db.insert_refunds(
            conn, order.id, refunded, actor=describe(actor), reason=reason, now=now
        )
        left = sum(1 for t in order.tickets if t.state is TicketState.VALID) - len(chosen)
        status = OrderStatus.REFUNDED if left == 0 else OrderStatus.PARTLY_REFUNDED
        await orders_db.set_status(conn, order.id, status)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="refund",
            subject=f"order:{order.code}",
            tickets=[t.serial for t in refunded],
            reason=reason,
            amount_minor=sum(t.price.minor for t in refunded),
        )
        updated = await orders_db.load(conn, order.id)
        assert updated is not None
        delta = Counter(t.category_id for t in freed)
        event = PlacesChanged(
            order.concert_id,
            places_db.changes(freed, PlaceState.FREE),
            availability_delta=dict(delta),
            origin_device=origin_of(actor),
        )
        return updated, event

    order, event = await ctx.db.write(work)
    await ctx.publish(event)
    return order
