"""IoT over MQTT: turnstile (gate) commands and device health telemetry."""

from core.iot.gate_commands import (
    GateCommand,
    GateCommandRefused,
    GateCommandSigner,
    GateCommandVerifier,
    derive_gate_key,
)
from core.iot.mqtt import MqttGate
from core.iot.protocol import (
    GateController,
    GateUnavailable,
    HealthPublisher,
    device_health_topic,
    gate_open_topic,
)

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
