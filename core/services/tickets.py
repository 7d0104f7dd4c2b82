"""Ticket documents: the PDF of an order's tickets (80 mm stock or a sheet), and the print count."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import audit
from core.db import tickets as tickets_db
from core.db.actors import ensure_active
from core.domain.codes import is_order_code, normalise_code
from core.domain.errors import ErrorCode, InputError, NotAllowed, NotFound
from core.domain.ids import TicketId
from core.domain.names import name_in
from core.domain.orders import TicketState
from core.domain.staff import Actor, DeviceActor, Permission
from core.domain.tickets import Layout
from core.domain.validation import check_ids, clean_text
from core.security.permissions import require
from core.services.context import ServiceContext
from core.tickets.batch import render_pdf_async
from core.tickets.document import TicketDocument
from core.tickets.issuer import qr_text

__all__ = ["Layout", "order_documents", "record_print", "render_order"]


KIOSK_PRINT_WINDOW = timedelta(minutes=30)
"""How long after the sale a kiosk may print its own order (again, after a jam) without staff."""


def _may_print(actor: Actor, rows: Sequence[tickets_db.PrintRow], now: datetime) -> None:
    """A kiosk prints what it sold itself, soon after the sale; anything else is a reprint, for staff with the
    reprint permission (an unattended kiosk must not hand out copies to whoever knows an order code)."""
    if isinstance(actor, DeviceActor) and all(
        r.order_device_id == actor.device_id and now - r.sold_at <= KIOSK_PRINT_WINDOW for r in rows
    ):
        return
    require(actor, Permission.REPRINT)


def _document(row: tickets_db.PrintRow) -> TicketDocument:
    if row.key_id is None or row.signature is None:
        raise NotAllowed(
            f"Ticket {row.serial} was sold without a signing device, so it has no QR code to print.",
            code=ErrorCode.TICKET_UNSIGNED,
        )
    return TicketDocument(
        concert_title=row.concert_title,
        artist=row.artist,
        venue_name=row.venue_name,
        venue_timezone=row.timezone,
        doors_at=row.doors_at,
        starts_at=row.starts_at,
        section=name_in(row.section, row.section_names, row.language),
        row=row.row,
        seat=row.seat,
        category=name_in(row.category, row.category_names, row.language),
        price=row.price,
        order_code=row.order_code,
        serial=row.serial,
        qr_text=qr_text(row.ticket_id, row.concert_id, row.issued_at, row.key_id, row.signature),
        demo=row.demo,
        language=row.language,
    )


async def order_documents(ctx: ServiceContext, actor: Actor, order_code: str) -> list[TicketDocument]:
    """The printable face of every valid ticket of an order."""
    code = normalise_code(order_code) if isinstance(order_code, str) else ""
    if not is_order_code(code):
        raise InputError(
            "order code", "an order code has 8 letters and digits.", code=ErrorCode.ORDER_CODE_INVALID
        )

    async def work(conn: AsyncConnection) -> list[tickets_db.PrintRow]:
        await ensure_active(conn, actor)
        return await tickets_db.print_rows(conn, code)

    rows = await ctx.db.read(work)
    if not rows:
        raise NotFound(f"No order has the code {code}.", code=ErrorCode.ORDER_NOT_FOUND)
    _may_print(actor, rows, ctx.clock.now())
    return [_document(r) for r in rows if r.state is TicketState.VALID]


async def render_order(
    ctx: ServiceContext, actor: Actor, order_code: str, layout: Layout = Layout.TICKET80
) -> bytes:
    """The order's tickets as one PDF, rendered off the event loop."""
    documents = await order_documents(ctx, actor, order_code)
    if not documents:
        raise NotFound(
            "Every ticket of this order was refunded; there is nothing to print.",
            code=ErrorCode.NOTHING_TO_PRINT,
        )
    return await render_pdf_async(documents, layout)


async def record_print(
    ctx: ServiceContext, actor: Actor, ticket_ids: Sequence[TicketId], *, ok: bool, reason: str = ""
) -> None:
    """A print (or reprint) happened, or failed: counted when it succeeded, audited either way. A failed print
    leaves the tickets issued and printable again."""
    ids = [TicketId(t) for t in check_ids("tickets", list(ticket_ids))]
    why = clean_text("reason", reason, limit=200, code=ErrorCode.REASON_INVALID, required=False)

    async def work(conn: AsyncConnection) -> None:
        await ensure_active(conn, actor)
        now = ctx.clock.now()
        sellers = await tickets_db.selling_devices(conn, ids)
        if not (isinstance(actor, DeviceActor) and sellers == {actor.device_id}):
            require(actor, Permission.REPRINT)
        if ok:
            await tickets_db.count_print(conn, ids)
        await audit.record(
            conn,
            at=now,
            actor=actor,
            action="tickets_printed" if ok else "print_failed",
            subject=f"tickets:{','.join(str(t) for t in ids)}",
            reason=why,
        )

    await ctx.db.write(work)
