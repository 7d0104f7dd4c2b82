"""The SMTP adapter against a real aiosmtpd server: STARTTLS + AUTH, implicit TLS, plain, and typed errors."""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from core.config import Settings
from core.domain.clock import ManualClock
from core.domain.errors import ConfigError
from core.domain.money import Money
from core.mail import MailRejected, MailUnavailable, SmtpMailer, TicketMail, ticket_mail
from tests.core.mail.conftest import SMTP_PASSWORD, StartServer, small_pdf
from tests.support.probes import free_port

PDF = small_pdf()
CLOCK = ManualClock(datetime(2026, 12, 1, 18, 0, tzinfo=UTC))


def tickets(to: str = "fan@example.org") -> EmailMessage:
    mail = TicketMail(
        to=to,
        order_code="K7P2XQ9M",
        artist="Nina & the Echoes",
        concert_title="Winter Tour",
        venue_name="Hall 1",
        venue_timezone="Europe/Berlin",
        starts_at=datetime(2026, 12, 12, 19, 0, tzinfo=UTC),
        ticket_count=2,
        total=Money(9000, "EUR"),
        pdf=PDF,
    )
    return ticket_mail(mail, sender="Encore Box Office <tickets@venue.example>")


def received(content: bytes | str | None) -> EmailMessage:
    assert isinstance(content, bytes)
    msg = message_from_bytes(content, policy=policy.default)
    assert isinstance(msg, EmailMessage)
    return msg


@pytest.mark.parametrize("mode", ["starttls", "tls"])
async def test_delivers_over_tls_with_auth(start_smtp: StartServer, mode: str) -> None:
    server = start_smtp(secure=mode == "starttls", implicit_tls=mode == "tls")
    assert server.settings.smtp_security == mode
    await SmtpMailer(server.settings, SMTP_PASSWORD, clock=CLOCK).send(tickets())

    [envelope] = server.recorder.envelopes
    assert server.recorder.tls_seen == [True]
    assert envelope.mail_from == "tickets@venue.example"
    assert envelope.rcpt_tos == ["fan@example.org"]
    msg = received(envelope.content)
    assert msg["Subject"].startswith("Your tickets for Nina & the Echoes – Sat, 12 Dec 2026, 20:00")
    assert msg["To"] == "fan@example.org"
    assert msg["Date"] == "Tue, 01 Dec 2026 18:00:00 +0000"
    assert msg.get_body(("plain",)) is not None
    assert msg.get_body(("html",)) is not None
    [pdf] = list(msg.iter_attachments())
    assert (pdf.get_content_type(), pdf.get_filename()) == ("application/pdf", "tickets-K7P2XQ9M.pdf")
    assert pdf.get_content() == PDF


async def test_plain_localhost_relay_without_auth(start_smtp: StartServer) -> None:
    server = start_smtp()
    await SmtpMailer(server.settings).send(tickets())
    assert len(server.recorder.envelopes) == 1
    assert server.recorder.tls_seen == [False]


async def test_wrong_password_is_a_permanent_rejection_without_the_password(
    start_smtp: StartServer, caplog: pytest.LogCaptureFixture
) -> None:
    server = start_smtp(secure=True)
    caplog.set_level(logging.DEBUG)
    with pytest.raises(MailRejected) as info:
        await SmtpMailer(server.settings, "wrong-Zq81-password").send(tickets())
    assert info.value.code == "mail_rejected"
    assert "sign-in" in info.value.message
    assert "wrong-Zq81-password" not in str(info.value)
    assert "wrong-Zq81-password" not in caplog.text
    assert server.recorder.envelopes == []


async def test_untrusted_certificate_is_refused(start_smtp: StartServer) -> None:
    # Without our CA file the relay's certificate is not trusted: never a silent downgrade.
    server = start_smtp(secure=True)
    mailer = SmtpMailer(replace(server.settings, smtp_tls_ca_file=""), SMTP_PASSWORD)
    with pytest.raises(MailUnavailable) as info:
        await mailer.send(tickets())
    assert "certificate" in info.value.message.lower()
    assert server.recorder.envelopes == []


async def test_starttls_required_but_not_offered(start_smtp: StartServer) -> None:
    server = start_smtp()  # a plain server: no STARTTLS in its EHLO
    with pytest.raises(MailUnavailable) as info:
        await SmtpMailer(replace(server.settings, smtp_security="starttls")).send(tickets())
    assert info.value.code == "mail_unavailable"
    assert server.recorder.envelopes == []


async def test_recipient_refused_550_is_permanent(start_smtp: StartServer) -> None:
    server = start_smtp()
    server.recorder.rcpt_reply = "550 5.1.1 No such mailbox"
    with pytest.raises(MailRejected) as info:
        await SmtpMailer(server.settings).send(tickets())
    assert info.value.smtp_code == 550
    assert "No such mailbox" in info.value.message


async def test_4xx_is_transient(start_smtp: StartServer) -> None:
    server = start_smtp()
    server.recorder.data_replies = ["451 4.3.0 Try again later"]
    with pytest.raises(MailUnavailable) as info:
        await SmtpMailer(server.settings).send(tickets())
    assert (info.value.code, info.value.smtp_code) == ("mail_unavailable", 451)


async def test_server_down_is_a_quick_typed_error() -> None:
    settings = Settings(smtp_host="127.0.0.1", smtp_port=free_port(), smtp_security="none", smtp_timeout_s=5)
    started = time.monotonic()
    with pytest.raises(MailUnavailable) as info:
        await SmtpMailer(settings).send(tickets())
    assert time.monotonic() - started < 2
    assert "cannot be reached" in info.value.message


@pytest.mark.parametrize(
    ("changes", "password", "key"),
    [
        ({"smtp_host": ""}, None, "smtp_host"),
        ({"smtp_username": "box"}, None, "smtp_password_ref"),
        ({}, "pw", "smtp_username"),
        (
            {"smtp_username": "box", "smtp_host": "mail.example.org", "smtp_security": "none"},
            "pw",
            "smtp_security",
        ),
        ({"smtp_tls_ca_file": "/nonexistent/ca.pem"}, None, "smtp_tls_ca_file"),
    ],
)
def test_misconfiguration_is_refused_up_front(
    changes: dict[str, object], password: str | None, key: str
) -> None:
    settings = replace(Settings(smtp_host="127.0.0.1"), **changes)  # type: ignore[arg-type]
    with pytest.raises(ConfigError) as info:
        SmtpMailer(settings, password)
    assert info.value.key == key
    assert "pw" not in info.value.problem.split()


def test_repr_hides_the_password() -> None:
    mailer = SmtpMailer(Settings(smtp_host="127.0.0.1", smtp_username="box"), "s3cret-pw")
    assert "s3cret-pw" not in repr(mailer)
