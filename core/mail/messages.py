"""Build the mails Encore sends: tickets (with the PDF), concert reminders and sign-in notices."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import getaddresses, make_msgid
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.domain.codes import is_email
from core.domain.errors import ErrorCode, InputError
from core.domain.local_formats import date_text, money_text, time_text
from core.domain.money import Money
from core.domain.validation import has_control_characters
from core.mail.words import ENGLISH, MailWords, mail_words

_ORDER_CODE = re.compile(r"[A-Z0-9]{4,32}")  # it ends up in a file name: nothing else may get in
_MAX_TEXT = 300


@dataclass(frozen=True, slots=True)
class TicketMail:
    to: str
    order_code: str
    artist: str
    concert_title: str
    venue_name: str
    venue_timezone: str
    starts_at: datetime
    """Timezone-aware (UTC in the database); shown in the venue's timezone."""
    ticket_count: int
    total: Money
    pdf: bytes
    demo: bool = False
    language: str = "en"
    """The order's language, the one its tickets print in: the mail's words, dates and money follow it."""


@dataclass(frozen=True, slots=True)
class ReminderMail:
    to: str
    order_code: str
    artist: str
    concert_title: str
    venue_name: str
    venue_timezone: str
    starts_at: datetime
    demo: bool = False
    language: str = "en"
    """The order's language."""


@dataclass(frozen=True, slots=True)
class SignInNotice:
    to: str
    staff_name: str
    signed_in_at: datetime
    timezone: str
    method: str
    """How, in words: 'password', 'Google sign-in'."""
    where: str
    """Which device or app, in words: 'admin on box-office-1'."""


def ticket_mail(mail: TicketMail, *, sender: str) -> EmailMessage:
    """The 'your tickets' mail: plain text + HTML alternatives and the tickets PDF attached."""
    if not _ORDER_CODE.fullmatch(mail.order_code):
        raise InputError(
            "order_code", "must be 4 to 32 capital letters and digits.", code=ErrorCode.MAIL_INVALID
        )
    if mail.ticket_count < 1:
        raise InputError("ticket_count", "must be at least 1.", code=ErrorCode.MAIL_INVALID)
    if not mail.pdf.startswith(b"%PDF-"):
        raise InputError("pdf", "is not a PDF document.", code=ErrorCode.MAIL_INVALID)
    artist, title, venue = (
        _line("artist", mail.artist),
        _line("concert_title", mail.concert_title),
        _line("venue_name", mail.venue_name),
    )
    words, language = mail_words(mail.language), mail.language
    when = _venue_time(mail.starts_at, mail.venue_timezone, language)
    count = words.count(mail.ticket_count)
    filename = f"tickets-{mail.order_code}.pdf"
    facts = [
        (words.concert, f"{artist}: {title}"),
        (words.venue, venue),
        (words.date, when),
        (words.tickets, count),
        (words.total_paid, money_text(mail.total, language)),
        (words.order_code, mail.order_code),
    ]
    intro = words.ticket_intro.format(count=count, artist=artist, filename=filename)
    msg = _message(
        sender,
        mail.to,
        _subject(words.ticket_subject.format(artist=artist, when=when), mail.demo),
        _paragraphs(words, mail.demo, intro, facts, words.ticket_outro),
    )
    msg.add_attachment(mail.pdf, maintype="application", subtype="pdf", filename=filename)
    return msg


def reminder_mail(mail: ReminderMail, *, sender: str) -> EmailMessage:
    """A short 'your concert is coming up' mail; the tickets were sent with the order."""
    artist, title, venue = (
        _line("artist", mail.artist),
        _line("concert_title", mail.concert_title),
        _line("venue_name", mail.venue_name),
    )
    order = _line("order_code", mail.order_code)
    words = mail_words(mail.language)
    when = _venue_time(mail.starts_at, mail.venue_timezone, mail.language)
    facts = [
        (words.concert, f"{artist}: {title}"),
        (words.venue, venue),
        (words.date, when),
        (words.order_code, order),
    ]
    body = _paragraphs(
        words, mail.demo, words.reminder_intro.format(artist=artist), facts, words.reminder_outro
    )
    subject = _subject(words.reminder_subject.format(artist=artist, when=when), mail.demo)
    return _message(sender, mail.to, subject, body)


def sign_in_notice_mail(notice: SignInNotice, *, sender: str) -> EmailMessage:
    """Tells a staff member their account was just signed in to, so a stolen password shows."""
    name = _line("staff_name", notice.staff_name)
    method, where = _line("method", notice.method), _line("where", notice.where)
    when = _venue_time(notice.signed_in_at, notice.timezone, "en")  # staff mail: the venue's English
    intro = f"Hello {name}, your Encore account was just signed in to."
    facts = [("When", when), ("How", method), ("Where", where)]
    outro = "If this was not you, tell your venue's administrator at once and change your password."
    return _message(
        sender,
        notice.to,
        "New sign-in to your Encore account",
        _paragraphs(ENGLISH, False, intro, facts, outro),
    )


# --- helpers --------------------------------------------------------------------------------------

_Body = tuple[str, str]


def _paragraphs(words: MailWords, demo: bool, intro: str, facts: list[tuple[str, str]], outro: str) -> _Body:
    """The same content as plain text and as escaped HTML (every value may come from a person)."""
    notes = [words.demo_note] if demo else []
    width = max(len(k) for k, _ in facts) + 1
    text_lines = [*notes, intro, "", *(f"{k + ':':<{width}} {v}" for k, v in facts), "", outro]
    text = "\n".join([*text_lines, "", "-- ", words.signature, ""])
    e = html.escape
    rows = "".join(f"<tr><th align='left'>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts)
    demo_html = f"<p><strong>{e(words.demo_note)}</strong></p>" if demo else ""
    page = (
        "<!DOCTYPE html><html><body style='font-family:sans-serif;line-height:1.5'>"
        f"{demo_html}<p>{e(intro)}</p><table cellpadding='4'>{rows}</table>"
        f"<p>{e(outro)}</p><p>{e(words.signature)}</p></body></html>\n"
    )
    return text, page


def _message(sender: str, to: str, subject: str, body: _Body) -> EmailMessage:
    from_addr = _sender(sender)
    to_addr = _recipient(to)
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to_addr
    msg["Subject"] = subject
    # Set once here, so a retried send keeps its id and receivers can drop a duplicate.
    msg["Message-ID"] = make_msgid(domain=from_addr.rpartition("@")[2])
    text, page = body
    msg.set_content(text)
    msg.add_alternative(page, subtype="html")
    return msg


def _subject(subject: str, demo: bool) -> str:
    return f"[DEMO] {subject}" if demo else subject


def _line(field: str, value: str) -> str:
    """One line of text for a header or a table cell: CR/LF here could smuggle in headers."""
    cleaned = value.strip()
    if not cleaned or len(cleaned) > _MAX_TEXT or has_control_characters(cleaned):
        raise InputError(
            field,
            f"must be 1 to {_MAX_TEXT} characters on one line, without control characters.",
            code=ErrorCode.MAIL_INVALID,
        )
    return cleaned


def _recipient(to: str) -> str:
    # is_email refuses CR, LF and every unprintable character; the parse refuses "a@b.c,evil@x.y", which
    # is_email would pass and the To header would read as two recipients.
    if not is_email(to) or getaddresses([to]) != [("", to)]:
        raise InputError("to", "is not a valid e-mail address.", code=ErrorCode.EMAIL_INVALID)
    return to


def _sender(sender: str) -> str:
    parsed = getaddresses([sender])
    addr = parsed[0][1] if len(parsed) == 1 else ""
    if has_control_characters(sender) or not is_email(addr):
        raise InputError(
            "mail_from",
            "is not a valid sender address (name <address@domain>).",
            code=ErrorCode.EMAIL_INVALID,
        )
    return addr


def _venue_time(at: datetime, timezone: str, language: str) -> str:
    """'Sat, 12 Dec 2026, 20:00 CET', 'Sa., 12. Dez. 2026, 20:00 CET': the venue's time in the mail's language
    (CLDR, never the server's locale)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InputError("starts_at", "must carry a timezone (UTC).", code=ErrorCode.MAIL_INVALID)
    try:
        local = at.astimezone(ZoneInfo(timezone))
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            "venue_timezone", f"{timezone!r} is not a known timezone.", code=ErrorCode.MAIL_INVALID
        ) from None
    zone = local.tzname() or timezone
    return f"{date_text(local, language)}, {time_text(local, language)} {zone}"
