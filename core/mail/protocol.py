"""The mail port: what any mailer must do, and the typed errors it raises."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol

from core.domain.errors import MailError as MailError
from core.domain.errors import MailRejected as MailRejected
from core.domain.errors import MailUnavailable as MailUnavailable


class Mailer(Protocol):
    async def send(self, msg: EmailMessage) -> None:
        """Hand ``msg`` to the relay, or raise MailUnavailable / MailRejected. Bounded in time."""
        ...
