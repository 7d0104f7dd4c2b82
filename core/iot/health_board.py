"""The latest health report of every device, as the venue server hears them on MQTT (kept in memory: a
report is retained by the broker, so a server that starts later gets the last one of each device at once)."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import datetime

from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId

__all__ = ["HEALTH_TOPICS", "HealthBoard", "Heard", "parse_report"]

log = logging.getLogger(__name__)

HEALTH_TOPICS = "encore/devices/+/health"
"""What the server subscribes to: every device's health topic (core.iot.protocol.device_health_topic)."""
_TOPIC = re.compile(r"encore/devices/([1-9][0-9]{0,17})/health")
_MAX_TEXT = 64


@dataclass(frozen=True, slots=True)
class Heard:
    health: DeviceHealth
    received_at: datetime
    """By the server's clock: a device's own clock may be off."""


def _text(value: object, default: str) -> str:
    return value[:_MAX_TEXT] if isinstance(value, str) and value.isprintable() else default


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def parse_report(topic: str, payload: bytes, received_at: datetime) -> DeviceHealth | None:
    """A report as core.iot.health publishes it, or None (logged) for anything else. The device is the one the
    topic names: the broker's ACL lets each device publish its own topic only, whatever its body says."""
    match = _TOPIC.fullmatch(topic)
    if match is None or not payload:
        return None  # an empty payload clears a retained report: nothing to note
    try:
        body = json.loads(payload)
    except ValueError:
        log.warning("health report on %s is not JSON; ignored", topic)
        return None
    if not isinstance(body, dict):
        log.warning("health report on %s is not a JSON object; ignored", topic)
        return None
    return DeviceHealth(
        device_id=DeviceId(int(match.group(1))),
        mode=_text(body.get("mode"), "unknown"),
        online=body.get("online") is True,
        live_updates=body.get("live_updates") is True,
        printer=_text(body.get("printer"), "unknown"),
        last_sale_at=_moment(body.get("last_sale_at")),
        at=_moment(body.get("at")) or received_at,
    )


class HealthBoard:
    """Latest report per device. One per server process; reads are a copy."""

    def __init__(self) -> None:
        self._latest: dict[DeviceId, Heard] = {}
        self.listening = False
        """True while a listener is subscribed (the dashboard says when health is not being collected)."""

    def note(self, health: DeviceHealth, received_at: datetime) -> None:
        self._latest[health.device_id] = Heard(health, received_at)

    def latest(self) -> dict[DeviceId, Heard]:
        return dict(self._latest)
