"""The SMTP adapter (aiosmtplib): STARTTLS, implicit TLS or plain, bounded in time, errors typed."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import ssl
from email.message import EmailMessage
from email.utils import format_datetime

import aiosmtplib

from core.config import Settings
from core.domain.clock import Clock, SystemClock
from core.domain.errors import ConfigError
from core.mail.protocol import MailError, MailRejected, MailUnavailable

log = logging.getLogger(__name__)

_SOURCE = "settings"
_REPLY_CHARS = 200  # a relay's reply goes into our message; keep it short


class SmtpMailer:
    """Sends one message per connection: mail is rare here, and a fresh connection never goes stale.

    ``password`` is the resolved smtp_password_ref. The composition root resolves it with
    core.security.secret_store.resolve_secret: core.mail may not import core.security (sibling layers).
    """

    def __init__(
        self, settings: Settings, password: str | None = None, *, clock: Clock | None = None
    ) -> None:
        if not settings.smtp_host:
            raise ConfigError(_SOURCE, "smtp_host", "is empty; set it to send mail")
        if bool(settings.smtp_username) != bool(password):
            raise ConfigError(
                _SOURCE,
                "smtp_password_ref" if settings.smtp_username else "smtp_username",
                "smtp_username and the password (smtp_password_ref) go together: set both or neither",
            )
        if password and settings.smtp_security == "none" and not _is_loopback(settings.smtp_host):
            # A password sent in clear over a network is a password given away.
            raise ConfigError(
                _SOURCE, "smtp_security", "is 'none' with a password to a remote relay; use starttls or tls"
            )
        self._settings = settings
        self._password = password
        self._clock = clock or SystemClock()
        self._tls = _tls_context(settings) if settings.smtp_security != "none" else None

    def __repr__(self) -> str:  # never the password
        s = self._settings
        return f"SmtpMailer({s.smtp_host}:{s.smtp_port}, {s.smtp_security}, user={s.smtp_username or None!r})"

    async def send(self, msg: EmailMessage) -> None:
        s = self._settings
        if "Date" not in msg:  # set on the first attempt and kept, so a retry is the same message
            msg["Date"] = format_datetime(self._clock.now())
        task = asyncio.current_task()
        cancels_before = task.cancelling() if task is not None else 0
        error: MailError | None = None
        try:
            # aiosmtplib times each step; the outer deadline bounds the whole exchange, whatever happens.
            async with asyncio.timeout(s.smtp_timeout_s * 3):
                await aiosmtplib.send(
                    msg,
                    hostname=s.smtp_host,
                    port=s.smtp_port,
                    username=s.smtp_username or None,
                    password=self._password,
                    use_tls=s.smtp_security == "tls",
                    start_tls=s.smtp_security == "starttls",  # True: required, never silently skipped
                    tls_context=self._tls,
                    timeout=s.smtp_timeout_s,
                )
        except (aiosmtplib.SMTPException, OSError) as exc:  # OSError covers TimeoutError and ssl errors
            error = _map_error(exc, s)
        if task is not None and task.cancelling() > cancels_before:
            # aiosmtplib waits for each reply with asyncio.wait_for, which on Python 3.11 drops a cancel that
            # arrives together with the reply and lets the exchange run on. The caller asked us to stop (a
            # closing LocalClient awaits its mail loop): a lost cancel kept that loop, and the close, going.
            raise asyncio.CancelledError
        if error is not None:
            raise error from None
        log.debug("mail %s handed to %s", msg.get("Message-ID", "?"), s.smtp_host)


def _map_error(exc: aiosmtplib.SMTPException | OSError, s: Settings) -> MailError:
    """Driver errors → ours. Messages name the relay and its reply, never the password or the body."""
    where = f"the mail relay {s.smtp_host}:{s.smtp_port}"
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        replies = "; ".join(f"{r.code} {r.message[:_REPLY_CHARS]}" for r in exc.recipients)
        cls: type[MailError] = MailRejected if codes and min(codes) >= 500 else MailUnavailable
        return cls(f"{where} refused the recipient ({replies})", smtp_code=max(codes, default=None))
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        reply = f"{exc.code} {exc.message[:_REPLY_CHARS]}"
        if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
            return MailRejected(
                f"{where} refused the sign-in ({reply}); check smtp_username and the password"
            )
        if 500 <= exc.code < 600:
            return MailRejected(f"{where} refused the message ({reply})", smtp_code=exc.code)
        return MailUnavailable(
            f"{where} deferred the message ({reply}); it will be retried", smtp_code=exc.code
        )
    if isinstance(exc, TimeoutError):  # also aiosmtplib's SMTPTimeoutError
        return MailUnavailable(f"{where} did not answer within {s.smtp_timeout_s:g} s")
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return MailUnavailable(f"{where} cannot do what smtp_security={s.smtp_security!r} needs: {exc}")
    if isinstance(exc, ssl.SSLError):
        return MailUnavailable(f"{where}: TLS failed ({exc.reason or exc}); check smtp_tls_ca_file")
    if isinstance(exc, OSError):
        return MailUnavailable(f"{where} cannot be reached: {exc}")
    return MailUnavailable(f"{where} failed: {exc}")


def _tls_context(s: Settings) -> ssl.SSLContext:
    # System CAs plus, optionally, the venue's own: verification is never switched off.
    context = ssl.create_default_context()
    if s.smtp_tls_ca_file:
        try:
            context.load_verify_locations(cafile=s.smtp_tls_ca_file)
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(
                _SOURCE, "smtp_tls_ca_file", f"cannot be loaded as PEM certificates: {exc}"
            ) from None
    return context


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
