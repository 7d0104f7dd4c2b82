"""Device health telemetry for the apps: report a kiosk's or door's state to the venue's MQTT broker."""

from __future__ import annotations

import asyncio

from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId
from core.domain.validation import check_id
from core.iot.health import HealthReporter, open_reporter
from core.security.secret_store import resolve_secret
from core.services.context import ServiceContext

__all__ = ["DeviceHealth", "HealthReporter", "open_health_reporter"]


async def open_health_reporter(ctx: ServiceContext, device_id: DeviceId) -> HealthReporter | None:
    """A reporter for this device, or None when no MQTT broker is configured (health is then not sent).
    It connects on the first report; aclose() it when the app stops."""
    device = DeviceId(check_id("device_id", device_id))
    password = await asyncio.to_thread(resolve_secret, ctx.settings.mqtt_password_ref)
    return open_reporter(ctx.settings, device, ctx.clock, password=password)
