"""Outgoing mail: message building (tickets, reminders, sign-in notices), the SMTP adapter and retries."""

from typing import TYPE_CHECKING, Any

from core.mail.messages import (
    ReminderMail,
    SignInNotice,
    TicketMail,
    reminder_mail,
    sign_in_notice_mail,
    ticket_mail,
)
from core.mail.protocol import Mailer, MailError, MailRejected, MailUnavailable
from core.mail.retry import Delivery, DeliveryOutcome, backoff_delay, deliver, send_with_retry

if TYPE_CHECKING:
    from core.mail.smtp import SmtpMailer

__all__ = [
    "Delivery",
    "DeliveryOutcome",
    "MailError",
    "MailRejected",
    "MailUnavailable",
    "Mailer",
    "ReminderMail",
    "SignInNotice",
    "SmtpMailer",
    "TicketMail",
    "backoff_delay",
    "deliver",
    "reminder_mail",
    "send_with_retry",
    "sign_in_notice_mail",
    "ticket_mail",
]


def __getattr__(name: str) -> Any:
    # SmtpMailer (aiosmtplib) loads on first use: building messages or a kiosk's start-up do not need it.
    if name == "SmtpMailer":
        from core.mail.smtp import SmtpMailer

        return SmtpMailer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
