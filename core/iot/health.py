"""Device health over MQTT: one retained QoS-1 JSON document per device, sent without ever failing the caller."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from core.config import Settings
from core.domain.clock import Clock
from core.domain.errors import EncoreError
from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId

if TYPE_CHECKING:
    from core.iot.mqtt import MqttGate

__all__ = ["HealthReporter", "health_document"]

log = logging.getLogger(__name__)


def health_document(health: DeviceHealth) -> dict[str, object]:
    """The JSON body; MqttGate adds "device" and "at" (the time of publishing) itself."""
    return {
        "mode": health.mode,
        "online": health.online,
        "live_updates": health.live_updates,
        "printer": health.printer,
        "last_sale_at": None if health.last_sale_at is None else health.last_sale_at.isoformat(),
    }


class HealthReporter:
    """Publishes one device's health to encore/devices/<id>/health, retained, so a dashboard that starts later
    sees the last report. A report that cannot be sent returns False; the next one connects afresh."""

    def __init__(self, client: MqttGate, device_id: DeviceId, *, timeout: float = 2.0) -> None:
        self._client = client
        self.device_id = device_id
        # MqttGate bounds each attempt (about twice its own timeout); this is the belt to its braces.
        self._limit = 3 * timeout

    def __repr__(self) -> str:
        return f"HealthReporter(device {self.device_id}, {self._client!r})"

    async def report(self, health: DeviceHealth) -> bool:
        """True once the broker has the report; False when it could not be sent (never raises)."""
        if health.device_id != self.device_id:
            log.warning(
                "health of device %s not sent by the reporter of device %s", health.device_id, self.device_id
            )
            return False
        try:
            async with asyncio.timeout(self._limit):
                await self._client.publish_health(int(self.device_id), health_document(health))
        except (EncoreError, TimeoutError):
            return False  # MqttGate has logged why; telemetry must never disturb a sale or a scan
        except Exception:
            log.exception("health report of device %s failed unexpectedly", self.device_id)
            return False
        return True

    async def aclose(self) -> None:
        await self._client.aclose()


REPORT_TIMEOUT_S = 2.0


def open_reporter(
    settings: Settings, device_id: DeviceId, clock: Clock, *, password: str | None
) -> HealthReporter | None:
    """A reporter for this device, or None when no MQTT broker is configured (health is then not sent).
    It connects on the first report with the device's own MQTT user (``password`` resolved from
    settings.mqtt_password_ref by the caller); aclose() it when the app stops."""
    if not settings.mqtt_url:
        return None
    from core.iot.mqtt import MqttGate  # aiomqtt/paho only when a broker is configured (start-up time)

    client = MqttGate(
        settings.mqtt_url,
        client_id=f"encore-device-{device_id}-health",
        password=password,
        clock=clock,
        timeout=REPORT_TIMEOUT_S,
        ca_file=settings.broker_ca_file,
    )
    return HealthReporter(client, device_id, timeout=REPORT_TIMEOUT_S)
