"""The Orders screen's use cases: search orders, show one with its tickets, prints, check-ins and mails; refund,
reprint and resend its e-mail, each audited.

Who sees money is decided here: a role without VIEW_REPORTS (box office) gets the orders without prices, totals,
payment or the staff behind a change; the refusals of what a role may not do come from the services the routes
call (refund: REFUND; reprint and resend: REPRINT).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import order_desk as desk_db
from core.db import orders as orders_db
from core.db import outbox as outbox_db
from core.db import tickets as tickets_db
from core.domain.codes import ALPHABET, is_email, normalise_code
from core.domain.errors import Conflict, ErrorCode, InputError, NotFound
from core.domain.ids import TicketId
from core.domain.order_desk import (
    MAX_PAGE_SIZE,
    OrderDetails,
    OrderLine,
    OrderPage,
    OrderQuery,
    TicketLine,
)
from core.domain.orders import Order, TicketState
from core.domain.staff import Actor, Permission
from core.domain.tickets import Layout
from core.security.permissions import allowed, require
from core.services import orders, tickets
from core.services.context import ServiceContext

__all__ = ["order_details", "refund_order", "reprint_order", "resend_order_mail", "search_orders"]

_MIN_PREFIX = 3
_MAX_OFFSET = 14 * 60


def sees_money(actor: Actor) -> bool:
    """Prices, totals and payments are for the roles that see the takings, not for the box office."""
    return allowed(actor, Permission.VIEW_REPORTS)


def _bad(what: str) -> InputError:
    return InputError("search", what, code=ErrorCode.SEARCH_INVALID)


def _filter(query: OrderQuery) -> desk_db.SearchFilter:
    """What a person typed, cleaned; anything that cannot match is an error that says what to type."""
    code = normalise_code(query.code) if isinstance(query.code, str) else "?"
    if code and (len(code) > 8 or any(ch not in ALPHABET for ch in code)):
        raise _bad("an order code has 8 letters and digits, such as K7M2QX9P (no O, I, L, U, 0 or 1).")
    if 0 < len(code) < _MIN_PREFIX:
        raise _bad(f"type at least {_MIN_PREFIX} characters of the order code.")
    email = query.email.strip().casefold() if isinstance(query.email, str) else "\0"
    if email and (len(email) > 320 or not email.isprintable() or any(ch.isspace() for ch in email)):
        raise _bad("the e-mail address has spaces or characters that cannot be typed; check it.")
    if 0 < len(email) < _MIN_PREFIX:
        raise _bad(f"type at least {_MIN_PREFIX} characters of the e-mail address.")
    created_from, created_before = _day_range(query)
    if not 0 <= query.page <= 100_000 or not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise _bad(f"pages are numbered from 0 and hold 1 to {MAX_PAGE_SIZE} orders.")
    return desk_db.SearchFilter(
        code=code,
        code_is_whole=len(code) == 8,
        email_prefix=email,
        created_from=created_from,
        created_before=created_before,
    )


def _day_range(query: OrderQuery) -> tuple[datetime | None, datetime | None]:
    """The chosen days as moments: from the first day's start to the start of the day after the last, in the
    venue's zone (or at the offset given)."""
    zone = _days_zone(query)
    first, last = query.first_day, query.last_day
    if first is not None and last is not None and first > last:
        raise _bad("the first day comes after the last day; swap them.")
    start = None if first is None else datetime.combine(first, time.min, tzinfo=zone)
    end = None if last is None else datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)
    return start, end


def _days_zone(query: OrderQuery) -> tzinfo:
    if query.timezone:
        name = str(query.timezone)
        try:
            if len(name) > 64 or "localtime" in name.lower():  # the server's own zone is no venue's
                raise ValueError(name)
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(
                "timezone",
                f"{query.timezone!r} is not a time zone; use an IANA name such as Europe/Berlin.",
                code=ErrorCode.TIMEZONE_INVALID,
            ) from None
    if not -_MAX_OFFSET <= query.utc_offset_minutes <= _MAX_OFFSET:
        raise _bad("the time zone's offset from UTC must be within 14 hours.")
    return timezone(timedelta(minutes=query.utc_offset_minutes))


async def search_orders(ctx: ServiceContext, actor: Actor, query: OrderQuery) -> OrderPage:
    """One page of the orders that match, the latest first (an empty page when none does)."""
    require(actor, Permission.VIEW_ORDERS)
    wanted = _filter(query)

    async def work(conn: AsyncConnection) -> tuple[list[OrderLine], int]:
        return await desk_db.search(conn, wanted, offset=query.page * query.page_size, limit=query.page_size)

    lines, total = await ctx.db.read(work)
    if not sees_money(actor):
        lines = [replace(line, total=None) for line in lines]
    return OrderPage(tuple(lines), total, query.page, query.page_size)


def _not_found(code: str) -> NotFound:
    return NotFound(
        f"No order has the code {code}. Check the code on the ticket or receipt.",
        code=ErrorCode.ORDER_NOT_FOUND,
    )


def _whole_code(text: object) -> str:
    code = normalise_code(text) if isinstance(text, str) else ""
    if len(code) != 8 or any(ch not in ALPHABET for ch in code):
        raise InputError(
            "order code",
            "an order code has 8 letters and digits, such as K7M2QX9P.",
            code=ErrorCode.ORDER_CODE_INVALID,
        )
    return code


async def order_details(ctx: ServiceContext, actor: Actor, code: str) -> OrderDetails:
    require(actor, Permission.VIEW_ORDERS)
    wanted = _whole_code(code)

    async def work(conn: AsyncConnection) -> OrderDetails:
        order = await orders_db.load(conn, code=wanted)
        if order is None:
            raise _not_found(wanted)
        return await _details(conn, order, money=sees_money(actor))

    return await ctx.db.read(work)


async def _details(conn: AsyncConnection, order: Order, *, money: bool) -> OrderDetails:
    head = await desk_db.head(conn, order.id)
    ids = [int(t.id) for t in order.tickets]
    scans = await desk_db.check_ins(conn, ids)
    refunded = await desk_db.refunds_of(conn, order.id)
    lines = []
    for t in order.tickets:
        refund = refunded.get(int(t.id))
        lines.append(
            TicketLine(
                id=int(t.id),
                serial=t.serial,
                place=t.label,
                category=t.category,
                price=t.price if money else None,
                state=t.state,
                print_count=t.print_count,
                check_ins=tuple(scans.get(int(t.id), ())),
                refunded_at=None if refund is None else refund.at,
                refund_reason="" if refund is None else refund.reason,
            )
        )
    seller = head.device_name or ("staff" if head.actor.startswith("staff:") else head.actor)
    return OrderDetails(
        code=order.code,
        status=order.status,
        concert_id=int(order.concert_id),
        concert_title=head.concert_title,
        artist=head.artist,
        venue_name=head.venue_name,
        timezone=head.timezone,
        starts_at=head.starts_at,
        created_at=order.created_at,
        buyer_email=order.buyer_email,
        sold_by=seller if money else "",
        total=order.total if money else None,
        payment_method=order.payment_method if money else "",
        tickets=tuple(lines),
        mails=tuple(await desk_db.mails_of(conn, order.id)),
        sees_money=money,
    )


async def refund_order(
    ctx: ServiceContext,
    actor: Actor,
    code: str,
    *,
    reason: str,
    ticket_ids: Sequence[int] | None = None,
) -> OrderDetails:
    """Refund every valid ticket (``ticket_ids`` None) or the chosen ones with a reason (orders.refund_tickets:
    tickets void, places free and published to the kiosks, audited); the order as it is then."""
    require(actor, Permission.REFUND)
    if ticket_ids is None:
        # "All" means every ticket still valid; refund_tickets checks them again under its lock.
        found = await orders.find_order(ctx, actor, code)
        ids = [t.id for t in found.tickets if t.state is TicketState.VALID]
        if not ids:
            raise Conflict(
                f"Every ticket of order {found.code} was already refunded; nothing was changed.",
                code=ErrorCode.TICKET_ALREADY_VOID,
            )
    else:
        ids = [TicketId(t) for t in ticket_ids]
    order = await orders.refund_tickets(ctx, actor, code, reason=reason, ticket_ids=ids)
    return await order_details(ctx, actor, order.code)


async def reprint_order(ctx: ServiceContext, actor: Actor, code: str, layout: Layout = Layout.A4) -> bytes:
    """The valid tickets of an order as one PDF, rendered here off the event loop (tickets.render_order checks
    REPRINT); each ticket's print count goes up and the reprint is audited."""
    wanted = _whole_code(code)
    pdf = await tickets.render_order(ctx, actor, wanted, layout)

    async def work(conn: AsyncConnection) -> None:
        order = await orders_db.load(conn, code=wanted)
        if order is None:  # pragma: no cover - orders are never deleted
            raise _not_found(wanted)
        valid = [t for t in order.tickets if t.state is TicketState.VALID]
        await tickets_db.count_print(conn, [t.id for t in valid])
        await audit.record(
            conn,
            at=ctx.clock.now(),
            actor=actor,
            action="tickets_reprinted",
            subject=f"order:{wanted}",
            tickets=[t.serial for t in valid],
            layout=layout.value,
        )

    await ctx.db.write(work)
    return pdf


async def resend_order_mail(ctx: ServiceContext, actor: Actor, code: str, *, to: str = "") -> OrderDetails:
    """Queue the order's tickets by mail again (the mail outbox sends it, with retries), to the buyer or to
    ``to``; audited."""
    require(actor, Permission.REPRINT)
    wanted = _whole_code(code)
    address = to.strip() if isinstance(to, str) else "\0"
    if address and not is_email(address):
        raise InputError(
            "to", "this is not an e-mail address; check it, or leave it empty.", code=ErrorCode.EMAIL_INVALID
        )

    async def work(conn: AsyncConnection) -> OrderDetails:
        now: datetime = ctx.clock.now()
        order = await orders_db.load(conn, code=wanted, lock=True)
        if order is None:
            raise _not_found(wanted)
        target = address or order.buyer_email or ""
        if not target:
            raise InputError(
                "to",
                "this order has no buyer address: type the address to send the tickets to.",
                code=ErrorCode.EMAIL_INVALID,
            )
        if not any(t.state is TicketState.VALID for t in order.tickets):
            raise NotFound(
                "Every ticket of this order was refunded; there is nothing to send.",
                code=ErrorCode.NOTHING_TO_SEND,
            )
        await outbox_db.enqueue(conn, order.id, target, now)
        await audit.record(
            conn, at=now, actor=actor, action="tickets_mail_resent", subject=f"order:{wanted}", to=target
        )
        return await _details(conn, order, money=sees_money(actor))

    return await ctx.db.write(work)
