"""The MQTT adapter (aiomqtt): signed gate commands and device health at QoS 1, one lazily (re)connected client."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections.abc import Mapping
from types import TracebackType
from typing import Self
from urllib.parse import unquote, urlsplit

import aiomqtt

from core.domain.clock import Clock, SystemClock
from core.domain.errors import ConfigError, InputError
from core.iot.gate_commands import GateCommandSigner
from core.iot.protocol import GateUnavailable, device_health_topic, gate_open_topic

log = logging.getLogger(__name__)

_MAX_SERIAL = 64
_MAX_HEALTH_BYTES = 16_384  # health is a small status document, not a log dump
_FAULTS = (aiomqtt.MqttError, OSError)  # OSError also covers TimeoutError


class MqttGate:
    """GateController and HealthPublisher over MQTT.

    Gate commands carry an expiry, a nonce and a MAC by ``commands`` (core.iot.gate_commands): without it this
    client publishes health only, and ``open`` refuses (a turnstile would refuse an unsigned command anyway).

    Connects on first use and keeps the connection. A publish that fails on a kept connection (broker
    restarted, link dropped) is tried once more on a fresh one; a failed fresh connect fails at once.
    Every call ends within about twice ``timeout`` seconds.
    """

    def __init__(
        self,
        mqtt_url: str,
        *,
        client_id: str,
        password: str | None = None,
        clock: Clock | None = None,
        timeout: float = 2.0,
        tls_context: ssl.SSLContext | None = None,
        commands: GateCommandSigner | None = None,
        ca_file: str = "",
    ) -> None:
        parts = urlsplit(mqtt_url)
        if parts.scheme not in {"mqtt", "mqtts"} or not parts.hostname:
            raise ConfigError("settings", "mqtt_url", "must look like mqtt://host:1883 or mqtts://host:8883")
        if parts.password:
            raise ConfigError("settings", "mqtt_url", "must not contain a password; use mqtt_password_ref")
        if not client_id:
            raise ValueError("client_id must not be empty: the broker tells clients apart by it")
        self._host = parts.hostname
        # mqtts: the broker's certificate checked against ca_file (settings.broker_ca_file), else the system CAs.
        secure = parts.scheme == "mqtts"
        self._tls = tls_context or (ssl.create_default_context(cafile=ca_file or None) if secure else None)
        self._port = parts.port or (8883 if self._tls else 1883)
        self._username = unquote(parts.username) if parts.username else None
        self._password = password
        self._client_id = client_id
        self._clock = clock or SystemClock()
        self._timeout = timeout
        self._commands = commands
        self._client: aiomqtt.Client | None = None
        self._connect_lock = asyncio.Lock()

    def __repr__(self) -> str:  # never the password
        return f"MqttGate({self._host}:{self._port}, client_id={self._client_id!r})"

    async def open(self, gate: str, *, ticket_serial: str | None = None) -> None:
        topic = gate_open_topic(gate)
        if ticket_serial is not None and not (
            0 < len(ticket_serial) <= _MAX_SERIAL and ticket_serial.isprintable()
        ):
            raise InputError("ticket_serial", f"must be 1 to {_MAX_SERIAL} printable characters.")
        if self._commands is None:
            raise GateUnavailable(
                "This station has no gate key, so it cannot send gate commands. Open the gate by hand; set "
                "gate_key_ref (the gate master secret) to send them."
            )
        await self._publish(topic, self._commands.command(gate, ticket_serial), retain=False)

    async def publish_health(self, device_id: int | str, payload: Mapping[str, object]) -> None:
        topic = device_health_topic(device_id)
        # Ours last: a payload cannot pretend to be another device or another time.
        document = {**payload, "device": device_id, "at": self._clock.now().isoformat()}
        try:
            body = _json(document)
        except (TypeError, ValueError) as exc:
            raise InputError("payload", f"cannot be sent as JSON: {exc}.") from None
        if len(body) > _MAX_HEALTH_BYTES:
            raise InputError("payload", f"is larger than {_MAX_HEALTH_BYTES} bytes as JSON.")
        await self._publish(topic, body, retain=True)

    async def aclose(self) -> None:
        await self._drop(self._client)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # --- connection ---------------------------------------------------------------------------

    async def _publish(self, topic: str, body: bytes, *, retain: bool) -> None:
        for attempt in (1, 2):
            reused = self._client is not None
            client: aiomqtt.Client | None = None
            try:
                async with asyncio.timeout(self._timeout):
                    client = await self._connected()
                    # QoS 1: returns once the broker has acknowledged (PUBACK), so success means it has it.
                    await client.publish(topic, body, qos=1, retain=retain)
                return
            except _FAULTS as exc:
                await self._drop(client or self._client)
                if reused and attempt == 1:
                    continue  # a stale kept connection: one more try on a fresh one
                problem = "timed out" if isinstance(exc, TimeoutError) else str(exc) or type(exc).__name__
                break
        log.warning("MQTT publish to %s failed (broker %s:%s): %s", topic, self._host, self._port, problem)
        raise GateUnavailable(
            f"The gate command could not be sent (MQTT broker {self._host}:{self._port}: {problem}). "
            "Open the gate by hand; the ticket's check-in stands."
        )

    async def _connected(self) -> aiomqtt.Client:
        async with self._connect_lock:  # one connect at a time; the others wait for it and share it
            if self._client is None:
                client = aiomqtt.Client(
                    self._host,
                    self._port,
                    identifier=self._client_id,
                    username=self._username,
                    password=self._password,
                    tls_context=self._tls,
                    timeout=self._timeout,
                    keepalive=30,
                )
                try:
                    await client.__aenter__()
                except BaseException:
                    await _close_quietly(client, self._timeout)
                    raise
                self._client = client
            return self._client

    async def _drop(self, client: aiomqtt.Client | None) -> None:
        if client is None:
            return
        if self._client is client:
            self._client = None
        await _close_quietly(client, self._timeout)


def _json(document: Mapping[str, object]) -> bytes:
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")


async def _close_quietly(client: aiomqtt.Client, limit_s: float) -> None:
    # A broken link may not answer DISCONNECT; closing must neither hang nor hide the original error.
    with contextlib.suppress(Exception):
        async with asyncio.timeout(limit_s):
            await client.__aexit__(None, None, None)
