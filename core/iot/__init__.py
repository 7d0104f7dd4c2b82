"""IoT over MQTT: turnstile (gate) commands and device health telemetry."""

from typing import TYPE_CHECKING, Any

from core.iot.gate_commands import (
    GateCommand,
    GateCommandRefused,
    GateCommandSigner,
    GateCommandVerifier,
    derive_gate_key,
)
from core.iot.protocol import (
    GateController,
    GateUnavailable,
    HealthPublisher,
    device_health_topic,
    gate_open_topic,
)

if TYPE_CHECKING:
    from core.iot.mqtt import MqttGate

__all__ = [
    "GateCommand",
    "GateCommandRefused",
    "GateCommandSigner",
    "GateCommandVerifier",
    "GateController",
    "GateUnavailable",
    "HealthPublisher",
    "MqttGate",
    "derive_gate_key",
    "device_health_topic",
    "gate_open_topic",
]


def __getattr__(name: str) -> Any:
    # aiomqtt/paho load only when MQTT is used: a kiosk with no broker never needs them (cold start, issue 11).
    if name == "MqttGate":
        from core.iot.mqtt import MqttGate

        return MqttGate
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
