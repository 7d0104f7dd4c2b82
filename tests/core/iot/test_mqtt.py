"""The MQTT gate against a real broker: one QoS-1 message per open, names refused, broker gone and back."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import UTC, datetime

import aiomqtt
import pytest

from core.domain.clock import ManualClock
from core.domain.errors import ConfigError, InputError
from core.iot import GateCommandSigner, GateCommandVerifier, GateUnavailable, MqttGate, derive_gate_key
from tests.core.iot.conftest import Proxy, collect, subscribed
from tests.support.logfail import ExpectLog
from tests.support.probes import free_port

LOGGER = "core.iot.mqtt"
AT = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


MASTER = bytes(range(32))


def gate_for(url: str, token: str, **kwargs: object) -> MqttGate:
    clock = ManualClock(AT)
    return MqttGate(
        url,
        client_id=f"encore-test-{token}",
        clock=clock,
        commands=GateCommandSigner(MASTER, clock),
        **kwargs,  # type: ignore[arg-type]
    )


async def test_one_qos1_message_per_open(mqtt_url: str, token: str) -> None:
    gates = [f"north-{token}", f"south-{token}"]
    async with subscribed(mqtt_url, "encore/gates/+/open") as sub, gate_for(mqtt_url, token) as gate:
        await gate.open(gates[0], ticket_serial="K7P2XQ9MABCD")
        await gate.open(gates[1])
        await gate.open(gates[0], ticket_serial="Q2W3E4R5T6Y7")
        got = await collect(sub, token, window_s=1.0)
    assert [m.topic.value for m in got] == [f"encore/gates/{g}/open" for g in (gates[0], gates[1], gates[0])]
    assert [m.qos for m in got] == [1, 1, 1]
    assert all(not m.retain for m in got)
    assert isinstance(got[0].payload, bytes)
    first = json.loads(got[0].payload)
    assert {k: first[k] for k in ("v", "gate", "ticket", "at", "exp")} == {
        "v": 1,
        "gate": gates[0],
        "ticket": "K7P2XQ9MABCD",
        "at": int(AT.timestamp() * 1000),
        "exp": int(AT.timestamp() * 1000) + 10_000,
    }
    verifier = GateCommandVerifier(derive_gate_key(MASTER, gates[0]), gates[0], ManualClock(AT))
    assert verifier.accept(got[0].payload).ticket == "K7P2XQ9MABCD"
    assert isinstance(got[1].payload, bytes)
    assert json.loads(got[1].payload)["ticket"] is None


async def test_a_link_without_a_gate_key_sends_no_command(mqtt_url: str, token: str) -> None:
    async with (
        subscribed(mqtt_url, "encore/gates/+/open") as sub,
        MqttGate(mqtt_url, client_id=f"encore-test-{token}") as unsigned,
    ):
        with pytest.raises(GateUnavailable) as info:
            await unsigned.open(f"g-{token}")
        got = await collect(sub, token, window_s=0.5)
    assert info.value.code == "gate_unavailable"
    assert "gate_key_ref" in info.value.message
    assert got == []


@pytest.mark.parametrize(
    "pattern",
    [
        "{t}/open",
        "{t}+",
        "{t}#",
        "a/{t}",
        " {t}",
        "{t}" + "x" * 60,
        "",
        "{t}\x00",
        "$SYS{t}",
        "{t}\t",
        "{t}ü",
    ],
)
async def test_bad_gate_names_are_refused_and_nothing_is_sent(
    mqtt_url: str, token: str, pattern: str
) -> None:
    bad = pattern.format(t=token)
    async with subscribed(mqtt_url, "encore/gates/#") as sub, gate_for(mqtt_url, token) as gate:
        with pytest.raises(InputError) as info:
            await gate.open(bad)
        got = await collect(sub, token, window_s=0.5)
    assert info.value.field == "gate"
    assert info.value.code == "topic_name_invalid"
    assert got == []


async def test_bad_ticket_serial_is_refused(mqtt_url: str, token: str) -> None:
    async with gate_for(mqtt_url, token) as gate:
        with pytest.raises(InputError) as info:
            await gate.open(f"g-{token}", ticket_serial="A\nB")
    assert info.value.field == "ticket_serial"


async def test_broker_unreachable_is_a_quick_typed_error(token: str, expect_log: ExpectLog) -> None:
    gate = gate_for(f"mqtt://127.0.0.1:{free_port()}", token)
    started = time.monotonic()
    with (
        expect_log(LOGGER, "MQTT publish to encore/gates/.*/open failed"),
        pytest.raises(GateUnavailable) as info,
    ):
        await gate.open(f"g-{token}")
    assert time.monotonic() - started < 3
    assert info.value.code == "gate_unavailable"
    assert "by hand" in info.value.message
    await gate.aclose()


async def test_silent_broker_times_out(token: str, expect_log: ExpectLog) -> None:
    # Accepts TCP and never answers CONNECT: only our timeout ends the wait.
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    gate = gate_for(f"mqtt://127.0.0.1:{port}", token, timeout=0.5)
    started = time.monotonic()
    try:
        with expect_log(LOGGER, "timed out"), pytest.raises(GateUnavailable):
            await gate.open(f"g-{token}")
        assert time.monotonic() - started < 3
    finally:
        await gate.aclose()
        server.close()


async def test_reconnects_after_the_link_drops(
    mqtt_url: str, token: str, proxy: Proxy, expect_log: ExpectLog
) -> None:
    name = f"east-{token}"
    async with subscribed(mqtt_url, "encore/gates/+/open") as sub, gate_for(proxy.url, token) as gate:
        await gate.open(name, ticket_serial="ONE")
        await proxy.cut()  # the kept connection is dead now
        await gate.open(name, ticket_serial="TWO")
        await proxy.stop()  # broker unreachable: typed error, nothing hangs
        with expect_log(LOGGER, "failed"), pytest.raises(GateUnavailable):
            await gate.open(name, ticket_serial="LOST")
        await proxy.start()  # back again: the next open just works
        await gate.open(name, ticket_serial="THREE")
        got = await collect(sub, token, window_s=1.0)
    assert [json.loads(bytes(m.payload))["ticket"] for m in got] == ["ONE", "TWO", "THREE"]  # type: ignore[arg-type]


async def test_health_is_retained_qos1(mqtt_url: str, token: str) -> None:
    device = f"kiosk-{token}"
    async with gate_for(mqtt_url, token) as gate:
        await gate.publish_health(device, {"printer": "ok", "paper": 0.4, "device": "spoofed"})
        # A subscriber that comes later still gets the last health: it was retained.
        async with subscribed(mqtt_url, f"encore/devices/{device}/health") as sub:
            [message] = await collect(sub, token, window_s=0.7)
        # Clear the retained message, so the shared broker keeps nothing of ours.
        async with aiomqtt.Client("127.0.0.1", int(mqtt_url.rsplit(":", 1)[1])) as raw:
            await raw.publish(f"encore/devices/{device}/health", b"", qos=1, retain=True)
    assert message.retain is True
    assert message.qos == 1
    assert json.loads(bytes(message.payload)) == {  # type: ignore[arg-type]
        "printer": "ok",
        "paper": 0.4,
        "device": device,
        "at": "2026-12-01T18:00:00+00:00",
    }


async def test_health_payload_must_be_json(mqtt_url: str, token: str) -> None:
    async with gate_for(mqtt_url, token) as gate:
        with pytest.raises(InputError) as info:
            await gate.publish_health(7, {"when": datetime(2026, 1, 1, tzinfo=UTC)})
        assert info.value.field == "payload"
        with pytest.raises(InputError):
            await gate.publish_health(0, {})
        with pytest.raises(InputError):
            await gate.publish_health("a/b", {})


@pytest.mark.parametrize("url", ["http://broker:1883", "mqtt://", "mqtt://user:s3cret@broker:1883"])
def test_bad_urls_are_config_errors(url: str) -> None:
    with pytest.raises(ConfigError) as info:
        MqttGate(url, client_id="x")
    assert info.value.key == "mqtt_url"
    assert "s3cret" not in str(info.value)


def test_repr_hides_the_password() -> None:
    assert "pw-9" not in repr(MqttGate("mqtt://gate@broker:1883", client_id="x", password="pw-9"))
