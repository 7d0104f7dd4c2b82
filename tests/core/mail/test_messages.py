"""Mail building: structure, local time, escaping, and header injection refused."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest

from core.domain.errors import InputError
from core.domain.money import Money
from core.mail import ReminderMail, SignInNotice, TicketMail, reminder_mail, sign_in_notice_mail, ticket_mail
from tests.core.mail.conftest import small_pdf

SENDER = "Encore Box Office <tickets@venue.example>"
MAIL = TicketMail(
    to="fan@example.org",
    order_code="K7P2XQ9M",
    artist="Nina & the <Echoes>",
    concert_title="Winter Tour",
    venue_name="Großer Saal",
    venue_timezone="Europe/Berlin",
    starts_at=datetime(2026, 12, 12, 19, 0, tzinfo=UTC),
    ticket_count=2,
    total=Money(9000, "EUR"),
    pdf=small_pdf(),
)


def roundtrip(msg: EmailMessage) -> EmailMessage:
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def bodies(msg: EmailMessage) -> tuple[str, str]:
    text, page = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text is not None
    assert page is not None
    return str(text.get_content()), str(page.get_content())


def test_ticket_mail_structure_and_headers() -> None:
    msg = roundtrip(ticket_mail(MAIL, sender=SENDER))
    assert msg["To"] == "fan@example.org"
    assert msg["From"] == SENDER
    # 19:00 UTC is 20:00 in Berlin in December.
    assert msg["Subject"] == "Your tickets for Nina & the <Echoes> – Sat, 12 Dec 2026, 20:00 CET"
    assert msg["Message-ID"].endswith("@venue.example>")
    assert msg.get_content_type() == "multipart/mixed"
    text, page = bodies(msg)
    assert "K7P2XQ9M" in text
    assert "2 tickets" in text
    assert "€90.00" in text  # Babel's English, not "EUR 90.00"
    assert "Großer Saal" in text
    assert "Großer Saal" in page
    assert "DEMO" not in text
    [attachment] = list(msg.iter_attachments())
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == "tickets-K7P2XQ9M.pdf"
    assert attachment.get_content() == MAIL.pdf


def test_html_escapes_what_people_typed() -> None:
    hostile = replace(MAIL, artist="<script>alert(1)</script>", venue_name='"><img src=x onerror=alert(1)>')
    _, page = bodies(roundtrip(ticket_mail(hostile, sender=SENDER)))
    assert "<script>" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in page


def test_demo_tickets_say_so() -> None:
    msg = roundtrip(ticket_mail(replace(MAIL, demo=True, ticket_count=1), sender=SENDER))
    assert msg["Subject"].startswith("[DEMO] Your tickets for")
    text, page = bodies(msg)
    assert "not valid for entry" in text
    assert "not valid for entry" in page
    assert "1 ticket " in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"to": "fan@example.org\r\nBcc: all@example.org"}, "to"),
        ({"to": "fan@example.org, other@example.org"}, "to"),
        ({"to": "x,evil@example.org"}, "to"),
        ({"to": "not-an-address"}, "to"),
        ({"artist": "Nina\r\nBcc: all@example.org"}, "artist"),
        ({"artist": "Nina\nX-Spam: yes"}, "artist"),
        ({"artist": "   "}, "artist"),
        ({"concert_title": "a" * 301}, "concert_title"),
        ({"venue_name": "Hall\x00"}, "venue_name"),
        ({"order_code": "../../etc"}, "order_code"),
        ({"venue_timezone": "Mars/Olympus"}, "venue_timezone"),
        ({"starts_at": datetime(2026, 12, 12, 19, 0)}, "starts_at"),
        ({"ticket_count": 0}, "ticket_count"),
        ({"pdf": b"\x89PNG..."}, "pdf"),
    ],
)
def test_bad_input_is_refused(change: dict[str, object], field: str) -> None:
    with pytest.raises(InputError) as info:
        ticket_mail(replace(MAIL, **change), sender=SENDER)  # type: ignore[arg-type]
    assert info.value.field == field


@pytest.mark.parametrize(
    "sender", ["tickets@venue.example\r\nBcc: x@y.z", "a@b.example, c@d.example", "nobody"]
)
def test_bad_sender_is_refused(sender: str) -> None:
    with pytest.raises(InputError) as info:
        ticket_mail(MAIL, sender=sender)
    assert info.value.field == "mail_from"
    assert info.value.code == "email_invalid"


def test_reminder_is_short_without_attachment() -> None:
    reminder = ReminderMail(
        to="fan@example.org",
        order_code="K7P2XQ9M",
        artist="Nina <b>",
        concert_title="Winter Tour",
        venue_name="Hall",
        venue_timezone="America/New_York",
        starts_at=datetime(2026, 7, 4, 23, 30, tzinfo=UTC),
    )
    msg = roundtrip(reminder_mail(reminder, sender=SENDER))
    assert msg["Subject"] == "Reminder: Nina <b> – Sat, 4 Jul 2026, 19:30 EDT"
    assert msg.get_content_type() == "multipart/alternative"
    assert not list(msg.iter_attachments())
    text, page = bodies(msg)
    assert "K7P2XQ9M" in text
    assert "Nina &lt;b&gt;" in page


def test_sign_in_notice() -> None:
    notice = SignInNotice(
        to="dora@venue.example",
        staff_name="Dora",
        signed_in_at=datetime(2026, 12, 1, 18, 0, tzinfo=UTC),
        timezone="Europe/London",
        method="Google sign-in",
        where="admin on box-office-1",
    )
    msg = roundtrip(sign_in_notice_mail(notice, sender=SENDER))
    assert msg["Subject"] == "New sign-in to your Encore account"
    text, _ = bodies(msg)
    assert "Tue, 1 Dec 2026, 18:00 GMT" in text
    assert "admin on box-office-1" in text
    assert "not you" in text


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        (
            "de",
            "Ihre Tickets für Nina & the <Echoes> – Sa., 12. Dez. 2026, 20:00 CET",
            ("Vielen Dank", "2 Tickets", "90,00 €", "Bestellnummer: K7P2XQ9M", "Encore Ticketkasse"),
        ),
        (
            "es",
            "Sus entradas para Nina & the <Echoes> – sáb, 12 dic 2026, 20:00 CET",
            ("Gracias", "2 entradas", "90,00 €", "Código de pedido: K7P2XQ9M", "Taquilla Encore"),
        ),
        ("de_AT", "Ihre Tickets für", ("Vielen Dank",)),
        ("xx", "Your tickets for", ("Thank you", "€90.00")),  # a language without words falls back to English
    ],
)
def test_the_ticket_mail_reads_in_the_orders_language(
    language: str, subject: str, words: tuple[str, ...]
) -> None:
    msg = roundtrip(ticket_mail(replace(MAIL, language=language, demo=True), sender=SENDER))
    assert msg["Subject"].startswith(f"[DEMO] {subject}")
    text, page = (b.replace("\xa0", " ") for b in bodies(msg))
    for word in words:
        assert word in text, text
    if language in {"de", "es"}:
        for english in ("Thank you", "Total paid", "Order code", "EUR", "not valid for entry", "Sat"):
            assert english not in text, text
        assert "DEMO" in page
        assert "Vielen Dank" in page if language == "de" else "Gracias" in page


def test_a_reminder_reads_in_the_orders_language() -> None:
    reminder = ReminderMail(
        to="fan@example.org",
        order_code="K7P2XQ9M",
        artist="Nina",
        concert_title="Winter Tour",
        venue_name="Hall",
        venue_timezone="Europe/Berlin",
        starts_at=datetime(2026, 12, 12, 19, 0, tzinfo=UTC),
        language="de",
    )
    msg = roundtrip(reminder_mail(reminder, sender=SENDER))
    assert msg["Subject"] == "Erinnerung: Nina – Sa., 12. Dez. 2026, 20:00 CET"
    text, _ = bodies(msg)
    assert "Bestellnummer: K7P2XQ9M" in text
