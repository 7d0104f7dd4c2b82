"""Build the outside-world adapters from the settings, with their secrets from the secret store."""

from __future__ import annotations

import asyncio

from core.config import Settings
from core.iot.mqtt import MqttGate
from core.mail.smtp import SmtpMailer
from core.security.secret_store import resolve_secret

__all__ = ["open_gate", "open_mailer"]


async def open_mailer(settings: Settings) -> SmtpMailer | None:
    """The SMTP mailer, or None when no mail server is configured (tickets are then only printed)."""
    if not settings.smtp_host:
        return None
    password = await asyncio.to_thread(resolve_secret, settings.smtp_password_ref)
    return SmtpMailer(settings, password)


async def open_gate(settings: Settings, *, client_id: str) -> MqttGate | None:
    """The turnstile controller, or None when gates are not to be opened (or no broker is configured)."""
    if not settings.gate_open_enabled or not settings.mqtt_url:
        return None
    password = await asyncio.to_thread(resolve_secret, settings.mqtt_password_ref)
    return MqttGate(settings.mqtt_url, client_id=client_id, password=password)
