"""E-mailing tickets: the order queues the mail in its own transaction; a worker sends it with retries,
so a slow or broken mail server never blocks or loses a sale."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import outbox as outbox_db
from core.domain.errors import EncoreError, ErrorCode, NotFound
from core.domain.money import Money
from core.domain.staff import SystemActor
from core.domain.tickets import Layout
from core.mail.messages import ReminderMail, TicketMail, reminder_mail, ticket_mail
from core.mail.protocol import Mailer
from core.mail.retry import DeliveryOutcome, backoff_delay, deliver
from core.services.context import ServiceContext
from core.services.staff_devices import sign_in_notice_message
from core.services.tickets import order_documents
from core.tickets.batch import render_pdf_async

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


@dataclass(frozen=True, slots=True)
class _Leased:
    item: outbox_db.OutboxItem
    token: str
    attempts: int


async def _lease(ctx: ServiceContext, conn: AsyncConnection) -> _Leased | None:
    """Take one due item for LEASE with a token of our own: only we may record its outcome, so a worker slower
    than the lease cannot undo another's "sent" (a resend at worst after a crash, never a loss). The attempt
    counts now, so an item whose mail always crashes the worker still runs out of attempts. The transaction is
    short: no database lock is held while the mail server is talked to."""
    now = ctx.clock.now()
    due = await outbox_db.claim_due(conn, now, 1)
    if not due:
        return None
    item, token = due[0], secrets.token_hex(16)
    attempts = item.attempts + 1
    await outbox_db.lease(conn, item.id, token=token, until=now + LEASE, attempts=attempts)
    return _Leased(item, token, attempts)


async def _send(ctx: ServiceContext, mailer: Mailer, leased: _Leased) -> str:
    item = leased.item
    if leased.attempts > MAX_ATTEMPTS:
        await _record(ctx, leased, status="failed", error="gave up: too many attempts")
        return "failed"
    try:
        message = await _message(ctx, item)
    except EncoreError as exc:
        log.warning("%s cannot be built: %s", _what(item), exc.message)
        await _record(ctx, leased, status="failed", error=exc.message)
        return "failed"
    delivery = await deliver(mailer, message, attempts=1)
    if delivery.outcome is DeliveryOutcome.SENT:
        await _record(ctx, leased, status="sent", error=None)
        return "sent"
    give_up = delivery.outcome is DeliveryOutcome.REJECTED or leased.attempts >= MAX_ATTEMPTS
    status = "failed" if give_up else "pending"
    await _record(ctx, leased, status=status, error=delivery.error_message or "")
    return status


async def _record(ctx: ServiceContext, leased: _Leased, *, status: str, error: str | None) -> None:
    async def work(conn: AsyncConnection) -> bool:
        now = ctx.clock.now()
        wait = timedelta(seconds=backoff_delay(leased.attempts, base_delay=30, max_delay=3600))
        return await outbox_db.record(
            conn,
            leased.item.id,
            token=leased.token,
            status=status,
            next_attempt_at=now + wait,
            error=None if error is None else error[:500],
            sent_at=now if status == "sent" else None,
        )

    if not await ctx.db.write(work):
        log.warning(
            "%s: the lease ran out before this attempt ended; its outcome was not recorded",
            _what(leased.item),
        )


def _what(item: outbox_db.OutboxItem) -> str:
    if item.kind == "tickets":
        return f"mail for order {item.order_code}"
    if item.kind == "reminder":
        return f"reminder mail for order {item.order_code}"
    return f"{item.kind} mail {item.id}"


def _reminder(ctx: ServiceContext, item: outbox_db.OutboxItem) -> EmailMessage:
    """The reminder from what was queued with it (the concert's facts as they stood the day before)."""
    d = item.details
    mail = ReminderMail(
        to=item.to_address,
        order_code=item.order_code,
        artist=str(d["artist"]),
        concert_title=str(d["concert_title"]),
        venue_name=str(d["venue_name"]),
        venue_timezone=str(d["venue_timezone"]),
        starts_at=datetime.fromisoformat(str(d["starts_at"])),
        demo=bool(d.get("demo", False)),
        language=str(d.get("language", "en")),
    )
    return reminder_mail(mail, sender=ctx.settings.mail_from)


async def _message(ctx: ServiceContext, item: outbox_db.OutboxItem) -> EmailMessage:
    if item.kind == "sign_in_notice":
        return sign_in_notice_message(item.to_address, item.details, sender=ctx.settings.mail_from)
    if item.kind == "reminder":
        return _reminder(ctx, item)
    documents = await order_documents(ctx, _WORKER, item.order_code)
    if not documents:
        raise NotFound(
            "Every ticket of this order was refunded; nothing to send.", code=ErrorCode.NOTHING_TO_SEND
        )
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
        language=first.language,  # the mail reads in the language its tickets print in
    )
    return ticket_mail(mail, sender=ctx.settings.mail_from)
