"""Build the outside-world adapters from the settings, with their secrets from the secret store."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from core.config import Settings
from core.domain.clock import Clock, SystemClock
from core.domain.errors import ConfigError
from core.iot.gate_commands import GateCommandSigner
from core.security.secret_store import resolve_secret
from core.security.server_secrets import gate_master_ref, load_gate_master

if TYPE_CHECKING:
    from core.iot.mqtt import MqttGate
    from core.mail.smtp import SmtpMailer

__all__ = ["open_gate", "open_mailer"]


async def open_mailer(settings: Settings) -> SmtpMailer | None:
    """The SMTP mailer, or None when no mail server is configured (tickets are then only printed)."""
    if not settings.smtp_host:
        return None
    from core.mail.smtp import SmtpMailer  # aiosmtplib only where mail is sent (start-up time)

    password = await asyncio.to_thread(resolve_secret, settings.smtp_password_ref)
    return SmtpMailer(settings, password)


async def open_gate(settings: Settings, *, client_id: str, clock: Clock | None = None) -> MqttGate | None:
    """The turnstile link, or None when gates are not to be opened (or no broker is configured). Its commands
    are signed with keys derived from the gate master secret (gate_key_ref; embedded mode keeps one beside
    the database); a server database with no gate_key_ref is a ConfigError, never unsigned commands."""
    if not settings.gate_open_enabled or not settings.mqtt_url:
        return None
    ref = gate_master_ref(settings)
    if ref is None:
        raise ConfigError(
            "settings",
            "gate_key_ref",
            "gate_open_enabled needs the gate master secret: set gate_key_ref to a secret-store reference "
            "(env:, file: or keyring:) holding at least 32 random bytes, base64",
        )
    master = await asyncio.to_thread(load_gate_master, ref)
    password = await asyncio.to_thread(resolve_secret, settings.mqtt_password_ref)
    from core.iot.mqtt import MqttGate  # aiomqtt/paho only where a broker is used (start-up time)

    clock = clock or SystemClock()
    return MqttGate(
        settings.mqtt_url,
        client_id=client_id,
        password=password,
        clock=clock,
        commands=GateCommandSigner(master, clock),
        ca_file=settings.broker_ca_file,
    )
