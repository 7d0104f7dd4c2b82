"""The venue server's ear for device health: subscribe to every device's health topic and keep the latest."""

from __future__ import annotations

import asyncio
import logging
import ssl
from urllib.parse import unquote, urlsplit

import aiomqtt

from core.domain.clock import Clock
from core.iot.health_board import HEALTH_TOPICS, HealthBoard, parse_report

__all__ = ["listen_for_health"]

log = logging.getLogger(__name__)

RETRY_S = 5.0


async def listen_for_health(
    mqtt_url: str,
    board: HealthBoard,
    clock: Clock,
    *,
    client_id: str,
    password: str | None = None,
    ca_file: str = "",
    retry_s: float = RETRY_S,
) -> None:
    """Runs until cancelled: subscribes (QoS 1, so retained reports arrive at once), notes each report on the
    board, and reconnects after ``retry_s`` when the broker goes away. Health is telemetry: a lost broker is
    logged, never raised."""
    parts = urlsplit(mqtt_url)
    # mqtts: the broker's certificate checked against the venue CA (settings.broker_ca_file), else the system's.
    tls = ssl.create_default_context(cafile=ca_file or None) if parts.scheme == "mqtts" else None
    port = parts.port or (8883 if tls else 1883)
    username = unquote(parts.username) if parts.username else None
    while True:
        try:
            async with aiomqtt.Client(
                parts.hostname or "localhost",
                port,
                identifier=client_id,
                username=username,
                password=password,
                tls_context=tls,
                keepalive=30,
            ) as client:
                await client.subscribe(HEALTH_TOPICS, qos=1)
                board.listening = True
                async for message in client.messages:
                    payload = message.payload if isinstance(message.payload, bytes) else b""
                    health = parse_report(str(message.topic), payload, clock.now())
                    if health is not None:
                        board.note(health, clock.now())
        except aiomqtt.MqttError as exc:
            log.warning("device health: MQTT broker %s:%s lost (%s); again in %.0f s", parts.hostname, port, exc,
                        retry_s)  # fmt: skip
        finally:
            board.listening = False
        await asyncio.sleep(retry_s)
