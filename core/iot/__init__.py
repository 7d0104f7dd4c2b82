"""IoT over MQTT: turnstile (gate) commands and device health telemetry."""

from core.iot.mqtt import MqttGate
from core.iot.protocol import (
    GateController,
    GateUnavailable,
    HealthPublisher,
    device_health_topic,
    gate_open_topic,
)

__all__ = [
    "GateController",
    "GateUnavailable",
    "HealthPublisher",
    "MqttGate",
    "device_health_topic",
    "gate_open_topic",
]
