"""A sales kiosk's start-up loads no more than its first screen needs: the PDF, QR drawing, keyring, SMTP and
door modules load on first use, Redis and MQTT only when configured (tests/benchmarks/kiosk_app.py measures
what that saves)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
NOT_AT_START = (
    "reportlab",
    "qrcode",
    "PIL",
    "keyring",
    "aiosmtplib",
    "core.tickets.pdf",
    "core.mail.smtp",
    "core.client.door_station",
    "core.db.door_local",
    "redis",
    "core.events.redis_bus",
    "aiomqtt",
    "paho",
    "core.iot.mqtt",
)
_PROBE = """
import asyncio, json, sys
watched = json.loads(sys.argv[1])
loaded = lambda: sorted(m for m in watched if m in sys.modules)
import core.client.local, core.client.remote
from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.ids import DeviceId
from core.events import open_bus
from core.iot.health import open_reporter

async def open_close(settings):
    bus = await open_bus(settings)
    await bus.close()
    return type(bus).__name__

# What an embedded kiosk opens: the local bus, and no health reporter without a broker.
embedded = Settings(database_url="sqlite+aiosqlite:///:memory:")
local_bus = asyncio.run(open_close(embedded))
no_reporter = open_reporter(embedded, DeviceId(1), SystemClock(), password=None) is None
at_start = loaded()
from core.client import DoorStation
from core.mail import SmtpMailer
from core.tickets.qr import qr_version
from core.events import RedisBus
from core.iot import MqttGate
version = qr_version("ENCORE")
redis_bus = asyncio.run(open_close(Settings(redis_url="redis://127.0.0.1:1/0")))  # refused at once
with_broker = Settings(mqtt_url="mqtt://127.0.0.1:1883")
reporter = open_reporter(with_broker, DeviceId(1), SystemClock(), password=None)
print(json.dumps({"at_start": at_start, "after_use": loaded(), "door": DoorStation.__module__,
                  "smtp": SmtpMailer.__module__, "qr": version, "local_bus": local_bus,
                  "no_reporter": no_reporter, "redis_bus": redis_bus, "redis_cls": RedisBus.__module__,
                  "mqtt_cls": MqttGate.__module__, "reporter_client": type(reporter._client).__module__}))
"""


def _probe() -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(NOT_AT_START)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def test_the_clients_load_without_pdf_qr_keyring_smtp_door_redis_or_mqtt_modules() -> None:
    found = _probe()
    assert found["at_start"] == []
    assert found["local_bus"] == "LocalBus"
    assert found["no_reporter"] is True
    # Each still loads when it is used, under the names the apps and tests import.
    assert found["door"] == "core.client.door_station"
    assert found["smtp"] == "core.mail.smtp"
    assert found["qr"] == 1
    # Redis and MQTT load when configured, and the packages still export their adapters.
    assert found["redis_bus"] == "RedisBus"
    assert found["redis_cls"] == "core.events.redis_bus"
    assert found["mqtt_cls"] == found["reporter_client"] == "core.iot.mqtt"
    assert set(found["after_use"]) >= {
        "core.client.door_station",
        "core.db.door_local",
        "aiosmtplib",
        "qrcode",
        "redis",
        "core.events.redis_bus",
        "aiomqtt",
        "paho",
        "core.iot.mqtt",
    }
