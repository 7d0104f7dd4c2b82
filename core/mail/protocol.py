"""The mail port: what any mailer must do, and the typed errors it raises."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from core.domain.errors import EncoreError


class MailError(EncoreError):
    """A message was not handed over to the relay. ``smtp_code`` is the relay's reply code, if it gave one."""

    code = "mail_error"

    def __init__(self, message: str, *, smtp_code: int | None = None) -> None:
        super().__init__(message)
        self.smtp_code = smtp_code


class MailUnavailable(MailError):
    """A transient failure (relay down, timeout, 4xx): the same message may well go through later."""

    code = "mail_unavailable"


class MailRejected(MailError):
    """A permanent 5xx refusal (bad recipient, policy, failed sign-in): sending it again will not help."""

    code = "mail_rejected"


class Mailer(Protocol):
    async def send(self, msg: EmailMessage) -> None:
        """Hand ``msg`` to the relay, or raise MailUnavailable / MailRejected. Bounded in time."""
        ...
