"""E-mailing tickets: the order queues the mail in its own transaction; a worker sends it with retries,
so a slow or broken mail server never blocks or loses a sale."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import outbox as outbox_db
from core.domain.errors import EncoreError, NotFound
from core.domain.money import Money
from core.domain.staff import SystemActor
from core.mail.messages import TicketMail, ticket_mail
from core.mail.protocol import Mailer
from core.mail.retry import DeliveryOutcome, backoff_delay, deliver
from core.services.context import ServiceContext
from core.services.tickets import order_documents
from core.tickets.batch import render_pdf_async
from core.tickets.pdf import Layout

__all__ = ["MailRun", "send_due_mail"]

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=5)
_WORKER = SystemActor("mail")


@dataclass(frozen=True, slots=True)
class MailRun:
    sent: int
    retry_later: int
    failed: int


async def send_due_mail(ctx: ServiceContext, mailer: Mailer, *, limit: int = 20) -> MailRun:
    """Send the ticket mails that are due, one attempt each; a failure is rescheduled with back-off."""
    sent = retry = failed = 0
    for _ in range(limit):
        item = await ctx.db.write(lambda conn: _lease(ctx, conn))
        if item is None:
            break
        status = await _send(ctx, mailer, item)
        sent += status == "sent"
        retry += status == "pending"
        failed += status == "failed"
    return MailRun(sent, retry, failed)


async def _lease(ctx: ServiceContext, conn: AsyncConnection) -> outbox_db.OutboxItem | None:
    """Take one due item for LEASE: its next attempt moves past the lease, so no other worker sends it, and a
    worker that dies mid-send leaves it to be retried when the lease ends (a resend at worst, never a loss).
    The transaction is short: no database lock is held while the mail server is talked to."""
    now = ctx.clock.now()
    due = await outbox_db.claim_due(conn, now, 1)
    if not due:
        return None
    item = due[0]
    await outbox_db.record(
        conn,
        item.id,
        status="pending",
        attempts=item.attempts,
        next_attempt_at=now + LEASE,
        error=None,
        sent_at=None,
    )
    return item


async def _send(ctx: ServiceContext, mailer: Mailer, item: outbox_db.OutboxItem) -> str:
    attempts = item.attempts + 1
    try:
        message = await _message(ctx, item)
    except EncoreError as exc:
        log.warning("ticket mail for order %s cannot be built: %s", item.order_code, exc.message)
        await _record(ctx, item, status="failed", attempts=attempts, error=exc.message)
        return "failed"
    delivery = await deliver(mailer, message, attempts=1)
    if delivery.outcome is DeliveryOutcome.SENT:
        await _record(ctx, item, status="sent", attempts=attempts, error=None)
        return "sent"
    give_up = delivery.outcome is DeliveryOutcome.REJECTED or attempts >= MAX_ATTEMPTS
    status = "failed" if give_up else "pending"
    await _record(ctx, item, status=status, attempts=attempts, error=delivery.error_message or "")
    return status


async def _record(
    ctx: ServiceContext, item: outbox_db.OutboxItem, *, status: str, attempts: int, error: str | None
) -> None:
    async def work(conn: AsyncConnection) -> None:
        now = ctx.clock.now()
        wait = timedelta(seconds=backoff_delay(attempts, base_delay=30, max_delay=3600))
        await outbox_db.record(
            conn,
            item.id,
            status=status,
            attempts=attempts,
            next_attempt_at=now + wait,
            error=None if error is None else error[:500],
            sent_at=now if status == "sent" else None,
        )

    await ctx.db.write(work)


async def _message(ctx: ServiceContext, item: outbox_db.OutboxItem) -> EmailMessage:
    documents = await order_documents(ctx, _WORKER, item.order_code)
    if not documents:
        raise NotFound("Every ticket of this order was refunded; nothing to send.", code="nothing_to_send")
    pdf = await render_pdf_async(documents, Layout.A4)
    first = documents[0]
    mail = TicketMail(
        to=item.to_address,
        order_code=item.order_code,
        artist=first.artist,
        concert_title=first.concert_title,
        venue_name=first.venue_name,
        venue_timezone=first.venue_timezone,
        starts_at=first.starts_at,
        ticket_count=len(documents),
        total=Money.total([d.price for d in documents], first.price.currency),
        pdf=pdf,
        demo=first.demo,
    )
    return ticket_mail(mail, sender=ctx.settings.mail_from)
