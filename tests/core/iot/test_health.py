"""Device health against the real broker: retained QoS-1 JSON, False while the broker is gone, back after."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiomqtt
import pytest

from core.domain.clock import ManualClock
from core.domain.ids import DeviceId
from core.services import health
from core.services.context import ServiceContext
from core.services.health import DeviceHealth
from tests.core.iot.conftest import Proxy, collect, host_port, subscribed
from tests.support.logfail import ExpectLog
from tests.support.probes import free_port

AT = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    """Health touches no table: one engine is enough for the ctx these tests take their settings from."""
    return sqlite_url


@pytest.fixture
def device_id() -> DeviceId:
    # Device ids are numbers: a random high one keeps parallel runs on a shared broker apart.
    return DeviceId(random.randrange(10**9, 2 * 10**9))


def _health(device_id: DeviceId, **changes: object) -> DeviceHealth:
    base = DeviceHealth(
        device_id=device_id,
        mode="sales",
        online=True,
        live_updates=False,
        printer="ok",
        last_sale_at=AT - timedelta(minutes=3),
        at=AT,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def _with_broker(ctx: ServiceContext, url: str) -> ServiceContext:
    return replace(ctx, settings=replace(ctx.settings, mqtt_url=url), clock=ManualClock(AT))


async def _clear(mqtt_url: str, topic: str) -> None:
    # Retained messages outlive the test: leave nothing of ours on a shared broker.
    host, port = host_port(mqtt_url)
    async with aiomqtt.Client(host, port) as raw:
        await raw.publish(topic, b"", qos=1, retain=True)


async def test_no_broker_configured_means_no_reporter(ctx: ServiceContext) -> None:
    assert await health.open_health_reporter(ctx, DeviceId(7)) is None


async def test_a_report_is_retained_json_at_qos1(
    ctx: ServiceContext, mqtt_url: str, device_id: DeviceId
) -> None:
    topic = f"encore/devices/{device_id}/health"
    reporter = await health.open_health_reporter(_with_broker(ctx, mqtt_url), device_id)
    assert reporter is not None
    try:
        assert await reporter.report(_health(device_id, printer="out_of_paper")) is True
        assert await reporter.report(_health(device_id, last_sale_at=None, live_updates=True)) is True
    finally:
        await reporter.aclose()
    # A dashboard that subscribes later still sees the last report: it was retained.
    async with subscribed(mqtt_url, topic) as sub:
        [message] = await collect(sub, str(device_id), window_s=0.7)
    await _clear(mqtt_url, topic)
    assert (message.qos, message.retain) == (1, True)
    assert json.loads(bytes(message.payload)) == {  # type: ignore[arg-type]
        "device": device_id,
        "mode": "sales",
        "online": True,
        "live_updates": True,
        "printer": "ok",
        "last_sale_at": None,
        "at": "2026-12-01T18:00:00+00:00",
    }


async def test_broker_gone_is_false_and_the_next_report_reconnects(
    ctx: ServiceContext, mqtt_url: str, device_id: DeviceId, proxy: Proxy, expect_log: ExpectLog
) -> None:
    topic = f"encore/devices/{device_id}/health"
    reporter = await health.open_health_reporter(_with_broker(ctx, proxy.url), device_id)
    assert reporter is not None
    try:
        async with subscribed(mqtt_url, topic) as sub:
            assert await reporter.report(_health(device_id, mode="sales")) is True
            await proxy.stop()  # the broker is unreachable: a quick False, never an exception
            with expect_log("core.iot.mqtt", f"MQTT publish to {topic} failed"):
                assert await reporter.report(_health(device_id, mode="lost")) is False
            await proxy.start()
            assert await reporter.report(_health(device_id, mode="door")) is True
            got = await collect(sub, str(device_id), window_s=1.0)
    finally:
        await reporter.aclose()
        await _clear(mqtt_url, topic)
    assert [json.loads(bytes(m.payload))["mode"] for m in got] == ["sales", "door"]  # type: ignore[arg-type]


async def test_a_broker_that_never_was_is_false(ctx: ServiceContext, expect_log: ExpectLog) -> None:
    reporter = await health.open_health_reporter(
        _with_broker(ctx, f"mqtt://127.0.0.1:{free_port()}"), DeviceId(9)
    )
    assert reporter is not None
    with expect_log("core.iot.mqtt", "failed"):
        assert await reporter.report(_health(DeviceId(9))) is False
    await reporter.aclose()


async def test_another_devices_health_is_not_sent(
    ctx: ServiceContext, mqtt_url: str, device_id: DeviceId, expect_log: ExpectLog
) -> None:
    reporter = await health.open_health_reporter(_with_broker(ctx, mqtt_url), device_id)
    assert reporter is not None
    async with subscribed(mqtt_url, f"encore/devices/{device_id + 1}/health") as sub:
        with expect_log("core.iot.health", "not sent"):
            assert await reporter.report(_health(DeviceId(device_id + 1))) is False
        assert await collect(sub, str(device_id + 1), window_s=0.5) == []
    await reporter.aclose()
