"""The venue server hears device health on the real broker: a report retained before it started arrives at once,
later reports replace it, a report that is not one is ignored (logged), and the topic names the device."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import aiomqtt
import pytest

from core.api.health_collector import collecting_health
from core.domain.clock import ManualClock
from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId
from core.iot.health_board import parse_report
from core.services import health
from core.services.context import ServiceContext
from tests.core.iot.conftest import host_port
from tests.support.logfail import ExpectLog

AT = datetime(2026, 12, 1, 18, 0, tzinfo=UTC)


@pytest.fixture
def database_url(sqlite_url: str) -> str:
    return sqlite_url


def _report(device_id: DeviceId, printer: str) -> DeviceHealth:
    return DeviceHealth(device_id, "sales", True, False, printer, AT - timedelta(minutes=3), AT)


async def _heard(ctx: ServiceContext, device_id: DeviceId, printer: str) -> DeviceHealth:
    for _ in range(200):
        heard = ctx.health.latest().get(device_id)
        if heard is not None and heard.health.printer == printer:
            return heard.health
        await asyncio.sleep(0.05)
    raise AssertionError(f"no report with printer {printer!r} from device {device_id}")


async def test_the_server_keeps_each_devices_latest_report(
    ctx: ServiceContext, mqtt_url: str, expect_log: ExpectLog
) -> None:
    device_id = DeviceId(random.randrange(10**9, 2 * 10**9))
    served = replace(ctx, settings=replace(ctx.settings, mqtt_url=mqtt_url), clock=ManualClock(AT))
    reporter = await health.open_health_reporter(served, device_id)
    assert reporter is not None
    host, port = host_port(mqtt_url)
    topic = f"encore/devices/{device_id}/health"
    try:
        assert await reporter.report(_report(device_id, "ok"))  # retained, before the server listens
        async with collecting_health(served):
            first = await _heard(served, device_id, "ok")
            assert (first.mode, first.online, first.live_updates, first.last_sale_at) == (
                "sales", True, False, AT - timedelta(minutes=3),
            )  # fmt: skip
            assert await reporter.report(_report(device_id, "out_of_paper"))
            await _heard(served, device_id, "out_of_paper")
            assert served.health.listening
            with expect_log("core.iot.health_board", "not JSON"):
                async with aiomqtt.Client(host, port) as raw:
                    await raw.publish(topic, b"{broken", qos=1)
                for _ in range(20):
                    await asyncio.sleep(0.05)
            assert served.health.latest()[device_id].health.printer == "out_of_paper"
        assert not served.health.listening
    finally:
        await reporter.aclose()
        async with aiomqtt.Client(host, port) as raw:
            await raw.publish(topic, b"", qos=1, retain=True)  # leave nothing retained on a shared broker


def test_a_report_names_the_device_of_its_topic_whatever_its_body_says() -> None:
    body = b'{"device": 99, "mode": "door", "online": true, "printer": "none", "at": "2026-12-01T18:00:00+00:00"}'
    parsed = parse_report("encore/devices/7/health", body, AT)
    assert parsed is not None
    assert (parsed.device_id, parsed.mode, parsed.online, parsed.live_updates) == (7, "door", True, False)
    assert parse_report("encore/devices/+/health", body, AT) is None
    assert parse_report("encore/devices/7/health", b"", AT) is None
    odd = parse_report("encore/devices/7/health", b'{"online": "yes", "mode": 5, "at": "soon"}', AT)
    assert odd is not None
    assert (odd.online, odd.mode, odd.at) == (False, "unknown", AT)
