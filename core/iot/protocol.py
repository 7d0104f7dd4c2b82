"""The IoT ports: turnstile commands and device health, their MQTT topics, and the typed error."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Protocol

from core.domain.errors import ErrorCode, InputError
from core.domain.errors import GateUnavailable as GateUnavailable

# Topic levels are names we choose, so an allow-list is easy: it keeps out the MQTT wildcards "+" and "#",
# the level separator "/", a leading "$" (broker topics), spaces and anything unprintable.
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_NAME_RULE = "must be 1 to 64 letters, digits, '-', '_' or '.', starting with a letter or digit"


def check_name(field: str, value: object) -> str:
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise InputError(field, f"{_NAME_RULE}.", code=ErrorCode.TOPIC_NAME_INVALID)
    return value


def gate_open_topic(gate: str) -> str:
    return f"encore/gates/{check_name('gate', gate)}/open"


def device_health_topic(device_id: int | str) -> str:
    if isinstance(device_id, int) and not isinstance(device_id, bool):
        if device_id < 1:
            raise InputError(
                "device_id",
                "must be a registered device number (1 or more).",
                code=ErrorCode.TOPIC_NAME_INVALID,
            )
        return f"encore/devices/{device_id}/health"
    return f"encore/devices/{check_name('device_id', device_id)}/health"


class GateController(Protocol):
    async def open(self, gate: str, *, ticket_serial: str | None = None) -> None:
        """Tell the turnstile at ``gate`` to let one person through. InputError for a bad name (nothing sent);
        GateUnavailable when the command did not reach the broker, in bounded time."""
        ...


class HealthPublisher(Protocol):
    async def publish_health(self, device_id: int | str, payload: Mapping[str, object]) -> None:
        """Publish a device's latest health (retained: a dashboard that starts later still sees it)."""
        ...
