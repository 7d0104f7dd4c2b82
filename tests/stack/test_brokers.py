"""The real brokers started from server-stack/redis and server-stack/mosquitto, TLS only: the server publishes
seat events and gate commands; a device only subscribes to events and reports its own health; anonymous
clients, wrong passwords and plain TCP are refused. Each refusal has its control (the same act by the user
who may, arriving)."""

from __future__ import annotations

import asyncio
import base64
import secrets
import ssl
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiomqtt
import pytest
import trustme
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import AuthenticationError, NoPermissionError, ResponseError
from redis.exceptions import ConnectionError as RedisConnectionError

from core.config import Settings
from core.domain.clock import SystemClock
from core.domain.events import PlaceChange, PlacesChanged
from core.domain.ids import CategoryId, ConcertId, DeviceId, PlaceId
from core.domain.places import PlaceState
from core.events import acl
from core.events.factory import open_bus
from core.events.protocol import channel
from core.events.redis_bus import _PUBLISH_LUA, RedisBus, seq_key
from core.iot.gate_commands import GateCommandSigner, GateCommandVerifier, derive_gate_key
from core.iot.mqtt import MqttGate
from core.iot.protocol import device_health_topic, gate_open_topic
from core.services.adapters import open_gate
from tests.support import stack

NAMESPACE = "venue1"
CONCERT = ConcertId(7)


# --- Redis ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RedisStack:
    broker: stack.Broker
    passwords: dict[str, str]

    def client(self, user: str | None, password: str | None = None, *, tls: bool = True) -> Redis:
        return Redis(
            host="127.0.0.1",
            port=self.broker.port,
            username=user,
            password=password if password is not None else self.passwords.get(user or ""),
            ssl=tls,
            ssl_ca_certs=str(self.broker.ca_file) if tls else None,
            socket_timeout=3 if tls else 1,
            socket_connect_timeout=3,
            retry=Retry(NoBackoff(), 0),  # a refusal is the answer, not a fault to retry
        )


@pytest.fixture(scope="module")
def redis_stack() -> Iterator[RedisStack]:
    stack.require("redis-server", apt="redis-server")
    passwords = {name: secrets.token_urlsafe(16) for name in ("admin", "server", "device")}
    with stack.redis_tls(trustme.CA(), "admin", passwords["admin"]) as broker:
        made = RedisStack(broker, passwords)
        asyncio.run(_create_users(made))
        yield made


async def _create_users(redis: RedisStack) -> None:
    """What `encore-ops redis-acl` does through the admin user: the two users, saved into the ACL file."""
    admin = redis.client("admin")
    try:
        await acl.apply(admin, acl.server_user(NAMESPACE, "server"), redis.passwords["server"])
        await acl.apply(admin, acl.device_user(NAMESPACE, "device"), redis.passwords["device"])
        assert await acl.save(admin)
    finally:
        await admin.aclose()


async def _publish_event(client: Redis) -> object:
    """A seat event as the server sends it: the Lua script INCRs the sequence and PUBLISHes."""
    return await client.eval(  # type: ignore[misc]
        _PUBLISH_LUA, 1, seq_key(CONCERT, NAMESPACE), channel(CONCERT, NAMESPACE), "payload"
    )


async def test_redis_a_device_subscribes_but_cannot_publish_a_seat_event(redis_stack) -> None:
    device, server = redis_stack.client("device"), redis_stack.client("server")
    pubsub = device.pubsub()
    try:
        await pubsub.subscribe(channel(CONCERT, NAMESPACE))
        assert (await pubsub.get_message(timeout=2))["type"] == "subscribe"
        with pytest.raises(NoPermissionError):
            await device.publish(channel(CONCERT, NAMESPACE), b"1|forged seat event")
        with pytest.raises(NoPermissionError):
            await _publish_event(device)
        with pytest.raises(NoPermissionError):
            await device.set(seq_key(CONCERT, NAMESPACE), 999)
        # Control: the server's publish arrives, over the same TLS, and the device hears only that.
        await _publish_event(server)
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=2)
        assert message is not None
        assert message["data"].endswith(b"payload")
        assert await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.3) is None
    finally:
        await pubsub.aclose()  # type: ignore[no-untyped-call]
        await device.aclose()
        await server.aclose()


async def test_redis_cores_own_bus_publishes_and_subscribes_over_tls_with_the_venue_ca(redis_stack) -> None:
    """The server's and a device's RedisBus as open_bus builds them from settings (rediss, broker_ca_file)."""

    async def bus(user: str) -> RedisBus:
        settings = Settings(
            redis_url=f"rediss://{user}:{redis_stack.passwords[user]}@127.0.0.1:{redis_stack.broker.port}/0",
            redis_namespace=NAMESPACE,
            broker_ca_file=str(redis_stack.broker.ca_file),
        )
        made = await open_bus(settings)
        assert isinstance(made, RedisBus)
        return made

    server, device = await bus("server"), await bus("device")
    event = PlacesChanged(
        concert_id=CONCERT,
        changes=(PlaceChange(PlaceId(1), PlaceState.SOLD),),
        availability_delta={CategoryId(1): -1},
        origin_device=DeviceId(7),
    )
    try:
        async with device.subscribe(CONCERT) as messages:
            sent = await server.publish(event)
            assert sent.seq >= 1
            async with asyncio.timeout(2):
                assert await anext(messages) == sent
    finally:
        await device.close()
        await server.close()


async def test_redis_control_without_the_venue_ca_the_broker_is_not_trusted(redis_stack) -> None:
    user = "device"
    url = f"rediss://{user}:{redis_stack.passwords[user]}@127.0.0.1:{redis_stack.broker.port}/0"
    untrusting, trusting = RedisBus(url), RedisBus(url, ca_file=str(redis_stack.broker.ca_file))
    try:
        assert not await untrusting.ping()
        assert await trusting.ping()
    finally:
        await untrusting.close()
        await trusting.close()


async def test_redis_refuses_anonymous_and_wrong_passwords(redis_stack) -> None:
    anonymous = redis_stack.client(None)
    wrong = redis_stack.client("device", "not-the-password")
    stranger = redis_stack.client("nobody", "whatever")
    try:
        with pytest.raises((AuthenticationError, ResponseError), match=r"(?i)noauth|authenticat"):
            await anonymous.ping()
        for client in (wrong, stranger):
            with pytest.raises(AuthenticationError):
                await client.ping()
        assert await redis_stack.client("device").ping()  # control: the right password gets in
    finally:
        for client in (anonymous, wrong, stranger):
            await client.aclose()


async def test_redis_refuses_plain_tcp(redis_stack) -> None:
    plain = redis_stack.client("device", tls=False)
    try:
        with pytest.raises((RedisConnectionError, TimeoutError)):
            await plain.ping()
    finally:
        await plain.aclose()


async def test_redis_users_are_saved_into_the_acl_file_for_a_restart(redis_stack) -> None:
    # ACL SAVE wrote them into users.acl beside the template's admin line.
    saved = (redis_stack.broker.folder / "users.acl").read_text()
    assert "user device on" in saved
    assert "user server on" in saved
    assert redis_stack.passwords["device"] not in saved  # only its SHA-256


# --- Mosquitto -----------------------------------------------------------------------------------------

SERVER, DEVICE, OTHER_DEVICE, GATE = "encore-server", "17", "18", "north"
MASTER = secrets.token_bytes(32)


@dataclass(frozen=True)
class MqttStack:
    broker: stack.Broker
    passwords: dict[str, str]

    def context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.broker.ca_file))

    def client(self, user: str | None, password: str | None = None, *, tls: bool = True) -> aiomqtt.Client:
        return aiomqtt.Client(
            "127.0.0.1",
            self.broker.port,
            identifier=f"test-{uuid.uuid4().hex[:8]}",
            username=user,
            password=password if password is not None else self.passwords.get(user or ""),
            tls_context=self.context() if tls else None,
            timeout=3 if tls else 1,
        )

    def gate(self, user: str, **kwargs: object) -> MqttGate:
        """core's own MQTT client, as the server or a device runs it."""
        return MqttGate(
            f"mqtts://{user}@127.0.0.1:{self.broker.port}",
            client_id=f"test-{user}-{uuid.uuid4().hex[:8]}",
            password=self.passwords[user],
            ca_file=str(self.broker.ca_file),  # as settings.broker_ca_file gives it
            **kwargs,  # type: ignore[arg-type]
        )


@pytest.fixture(scope="module")
def mqtt_stack() -> Iterator[MqttStack]:
    if stack.missing("mosquitto", "mosquitto_passwd"):
        pytest.skip(
            "mosquitto is not installed here (Debian: apt-get install -y mosquitto mosquitto-clients)"
        )
    passwords = {name: secrets.token_urlsafe(16) for name in (SERVER, DEVICE, OTHER_DEVICE, GATE)}
    with stack.mosquitto_tls(trustme.CA(), passwords, SERVER) as broker:
        yield MqttStack(broker, passwords)


@asynccontextmanager
async def _hearing(client: aiomqtt.Client, topic: str) -> AsyncIterator[list[aiomqtt.Message]]:
    """Messages on ``topic`` heard by ``client`` while the block runs, and a moment after."""
    heard: list[aiomqtt.Message] = []
    async with client:
        await client.subscribe(topic, qos=1)

        async def listen() -> None:
            async for message in client.messages:
                heard.append(message)

        task = asyncio.create_task(listen())
        try:
            yield heard
            await asyncio.sleep(0.5)
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def test_mqtt_only_the_server_sends_gate_commands(mqtt_stack, monkeypatch) -> None:
    clock = SystemClock()
    verifier = GateCommandVerifier(derive_gate_key(MASTER, GATE), GATE, clock)
    async with _hearing(mqtt_stack.client(GATE), gate_open_topic(GATE)) as heard:
        # A device (even one that had somehow got a gate key) publishes an open command: the broker drops it.
        async with mqtt_stack.client(DEVICE) as device:
            forged = GateCommandSigner(MASTER, clock).command(GATE)
            await device.publish(gate_open_topic(GATE), forged, qos=1)
        await asyncio.sleep(0.5)
        assert heard == []
        # Control: the server's command arrives, and the turnstile obeys it. The server's link as it opens it
        # from its settings: mqtts with the venue CA, its password and the gate master from the secret store.
        monkeypatch.setenv("ENCORE_TEST_MQTT_PASSWORD", mqtt_stack.passwords[SERVER])
        monkeypatch.setenv("ENCORE_TEST_GATE_MASTER", base64.b64encode(MASTER).decode())
        settings = Settings(
            mqtt_url=f"mqtts://{SERVER}@127.0.0.1:{mqtt_stack.broker.port}",
            mqtt_password_ref="env:ENCORE_TEST_MQTT_PASSWORD",
            broker_ca_file=str(mqtt_stack.broker.ca_file),
            gate_open_enabled=True,
            gate_key_ref="env:ENCORE_TEST_GATE_MASTER",
        )
        server = await open_gate(settings, client_id=f"test-server-{uuid.uuid4().hex[:8]}", clock=clock)
        assert server is not None
        async with server:
            await server.open(GATE, ticket_serial="K7P2XQ9MABCD")
    assert len(heard) == 1
    assert verifier.accept(heard[0].payload).ticket == "K7P2XQ9MABCD"


async def test_mqtt_a_device_reports_its_own_health_and_no_one_elses(mqtt_stack) -> None:
    async with (
        _hearing(mqtt_stack.client(SERVER), "encore/devices/+/health") as heard,
        mqtt_stack.gate(DEVICE) as device,
    ):
        await device.publish_health(int(OTHER_DEVICE), {"printer": "out of paper"})  # dropped
        await device.publish_health(int(DEVICE), {"printer": "ok"})  # control: its own arrives
    assert [str(m.topic) for m in heard] == [device_health_topic(int(DEVICE))]


@pytest.mark.parametrize(
    ("user", "password"),
    [(None, ""), (DEVICE, "not-the-password"), ("nobody", "whatever")],
    ids=["anonymous", "wrong-password", "unknown-user"],
)
async def test_mqtt_refuses_anonymous_and_wrong_passwords(mqtt_stack, user, password) -> None:
    with pytest.raises(aiomqtt.MqttError, match=r"(?i)not authori[sz]ed|bad user name or password"):
        async with mqtt_stack.client(user, password):
            pass
    async with mqtt_stack.client(DEVICE):  # control: the right password gets in
        pass


async def test_mqtt_refuses_plain_tcp(mqtt_stack) -> None:
    with pytest.raises(aiomqtt.MqttError):
        async with mqtt_stack.client(DEVICE, tls=False):
            pass
