"""The buyer's tickets by e-mail: queued with the order, sent over STARTTLS by the worker; the PDF attachment's
QR code checks in at the door. A broken mail server leaves the order alone and the mail queued."""

from __future__ import annotations

import asyncio
import html
from dataclasses import replace
from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from core.db.tables import mail_outbox
from core.domain.checkin import ScanResult
from core.domain.money import Money
from core.domain.orders import Payment
from core.mail.smtp import SmtpMailer
from core.services import checkin, checkout, mail, sales
from tests.builders import build_stage, decode_qr_texts, door_device, signing_kiosk
from tests.core.mail.conftest import SMTP_PASSWORD, Recorder
from tests.core.tickets.test_pdf import page_texts


async def _sell_to(ctx, stage, kiosk, email: str, **language):
    hold = await sales.hold_places(ctx, kiosk, stage.id, stage.seats[:2])
    payment = Payment("card", "m", Money(hold.total.minor, "EUR"))
    return await checkout.checkout_hold(
        ctx, kiosk, hold.id, idempotency_key=email, payment=payment, buyer_email=email, **language
    )


async def _outbox(ctx):
    async def work(conn):
        return (await conn.execute(select(mail_outbox.c.status, mail_outbox.c.attempts))).all()

    return await ctx.db.read(work)


async def test_mailed_tickets_arrive_and_check_in(ctx, clock, start_smtp):
    server = start_smtp(secure=True)
    ctx.settings = replace(ctx.settings, mail_from=server.settings.mail_from)
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Mail kiosk")
    door = await door_device(ctx, "Mail door")
    order = await _sell_to(ctx, stage, kiosk, "fan@example.org")
    assert [tuple(r) for r in await _outbox(ctx)] == [("pending", 0)]

    run = await mail.send_due_mail(ctx, SmtpMailer(server.settings, SMTP_PASSWORD))
    assert (run.sent, run.retry_later, run.failed) == (1, 0, 0)
    assert [tuple(r) for r in await _outbox(ctx)] == [("sent", 1)]
    assert server.recorder.tls_seen == [True]
    received = message_from_bytes(server.recorder.envelopes[0].content, policy=policy.default)
    assert received["To"] == "fan@example.org"
    assert order.code in received["Subject"] or order.code in received.get_body(("plain",)).get_content()
    attachment = next(received.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    texts = decode_qr_texts(attachment.get_content())
    assert len(texts) == 2
    clock.advance(7 * 24 * 3600)
    scan = await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate="Main")
    assert scan.result is ScanResult.ADMIT
    # Nothing left to send.
    assert (await mail.send_due_mail(ctx, SmtpMailer(server.settings, SMTP_PASSWORD))).sent == 0


async def test_a_failing_mail_server_never_blocks_or_loses_the_order(ctx, clock, start_smtp, expect_log):
    server = start_smtp(Recorder(data_replies=["451 4.3.0 try later"]))
    ctx.settings = replace(ctx.settings, mail_from=server.settings.mail_from)
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Mail kiosk 2")
    order = await _sell_to(ctx, stage, kiosk, "late@example.org")
    assert len(order.tickets) == 2  # the sale is complete before any mail is attempted
    with expect_log("core.mail", "deferred the message"):
        first = await mail.send_due_mail(ctx, SmtpMailer(server.settings))
    assert (first.sent, first.retry_later) == (0, 1)
    assert [tuple(r) for r in await _outbox(ctx)] == [("pending", 1)]
    assert (await mail.send_due_mail(ctx, SmtpMailer(server.settings))).sent == 0  # not due yet: back-off
    clock.advance(3600)
    second = await mail.send_due_mail(ctx, SmtpMailer(server.settings))
    assert second.sent == 1
    assert len(server.recorder.envelopes) == 1


@pytest.mark.parametrize(
    ("language", "subject", "words", "translated"),
    [
        ("de", "Ihre Tickets für The Testers – ", ("Vielen Dank", "2 Tickets", "Bezahlt:", "90,00 €"), True),
        (
            "es",
            "Sus entradas para The Testers – ",
            ("Gracias", "2 entradas", "Total pagado:", "90,00 €"),
            True,
        ),
        (None, "Your tickets for The Testers – ", ("Thank you", "2 tickets", "Total paid:", "€90.00"), False),
    ],
)
async def test_the_mail_reads_in_the_language_of_the_sale_like_its_tickets(
    ctx, start_smtp, language, subject, words, translated
):
    server = start_smtp()
    ctx.settings = replace(ctx.settings, mail_from=server.settings.mail_from)
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, f"Mail kiosk {language}")
    order = await _sell_to(
        ctx, stage, kiosk, "fan@example.org", **({"language": language} if language else {})
    )
    assert (await mail.send_due_mail(ctx, SmtpMailer(server.settings))).sent == 1
    received = message_from_bytes(server.recorder.envelopes[0].content, policy=policy.default)
    assert received["Subject"].startswith(subject), received["Subject"]
    text = received.get_body(("plain",)).get_content().replace("\xa0", " ")
    page = received.get_body(("html",)).get_content().replace("\xa0", " ")
    for word in words:
        assert word in text, text
        assert html.escape(word.rstrip(":")) in page, page
    assert order.code in text
    if translated:  # nothing of the English mail is left, and the attached tickets speak the same language
        for word in ("Thank you", "Total paid", "EUR", "Order code"):
            assert word not in text, text
        pdf = next(received.iter_attachments()).get_content()
        printed = " ".join(page_texts(pdf)).replace("\xa0", " ")
        assert "45,00 €" in printed, printed


class _SlowThenSend:
    """A real SMTP mailer whose first send waits for the test: a worker slower than its lease."""

    def __init__(self, inner: SmtpMailer) -> None:
        self.inner = inner
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def send(self, msg) -> None:
        self.started.set()
        await self.release.wait()
        await self.inner.send(msg)


async def test_a_worker_slower_than_its_lease_never_sends_twice_or_undoes_sent(
    ctx, clock, start_smtp, expect_log
):
    server = start_smtp()
    ctx.settings = replace(ctx.settings, mail_from=server.settings.mail_from)
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Lease kiosk")
    await _sell_to(ctx, stage, kiosk, "lease@example.org")
    slow = _SlowThenSend(SmtpMailer(server.settings))
    first = asyncio.create_task(mail.send_due_mail(ctx, slow))
    await slow.started.wait()
    clock.advance(mail.LEASE.total_seconds() + 1)  # worker A's lease runs out while it hangs
    second = await mail.send_due_mail(ctx, SmtpMailer(server.settings))  # worker B takes over and sends
    assert second.sent == 1
    with expect_log("core.services.mail", "lease ran out"):
        slow.release.set()
        await first
    assert [tuple(r) for r in await _outbox(ctx)] == [("sent", 2)]  # A's late outcome did not undo "sent"
    clock.advance(24 * 3600)
    assert (await mail.send_due_mail(ctx, SmtpMailer(server.settings))).sent == 0
    assert len(server.recorder.envelopes) == 2  # A's slow send went out too: a resend at worst, never a loss
