"""Device health telemetry for the apps: report a kiosk's or door's state to the venue's MQTT broker."""

from __future__ import annotations

import asyncio

from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId
from core.domain.validation import check_id
from core.iot.health import HealthReporter
from core.iot.mqtt import MqttGate
from core.security.secret_store import resolve_secret
from core.services.context import ServiceContext

__all__ = ["DeviceHealth", "HealthReporter", "open_health_reporter"]

REPORT_TIMEOUT_S = 2.0


async def open_health_reporter(ctx: ServiceContext, device_id: DeviceId) -> HealthReporter | None:
    """A reporter for this device, or None when no MQTT broker is configured (health is then not sent).
    It connects on the first report; aclose() it when the app stops."""
    if not ctx.settings.mqtt_url:
        return None
    device = DeviceId(check_id("device_id", device_id))
    password = await asyncio.to_thread(resolve_secret, ctx.settings.mqtt_password_ref)
    client = MqttGate(
        ctx.settings.mqtt_url,
        client_id=f"encore-device-{device}-health",
        password=password,
        clock=ctx.clock,
        timeout=REPORT_TIMEOUT_S,
    )
    return HealthReporter(client, device, timeout=REPORT_TIMEOUT_S)
