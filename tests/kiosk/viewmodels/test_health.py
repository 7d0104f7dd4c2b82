"""The kiosk's health reaches MQTT `encore/devices/<id>/health` at start, on every change and every interval."""

from __future__ import annotations

import json
import secrets
from dataclasses import replace

from core.domain.health import DeviceHealth
from core.domain.ids import DeviceId
from core.services import health
from kiosk.viewmodels.health import HealthLoop
from tests.conftest import CLOCK_START
from tests.core.iot.conftest import collect, subscribed


async def test_health_is_sent_at_start_on_change_and_every_interval(ctx, mqtt_url):
    # Health is retained on the broker: a device id of its own, so no earlier run's message arrives first.
    device = DeviceId(secrets.randbelow(10**9) + 10**9)
    ctx.settings = replace(ctx.settings, mqtt_url=mqtt_url)
    reporter = await health.open_health_reporter(ctx, device)
    assert reporter is not None
    current = DeviceHealth(device, "sales", True, True, "ok", None, CLOCK_START)
    loop = HealthLoop(reporter, lambda: current, interval_s=0.6, check_s=0.05)
    topic = f"encore/devices/{device}/health"
    async with subscribed(mqtt_url, topic) as listener:
        loop.start()
        first = await collect(listener, topic, window_s=0.4)
        current = replace(current, printer="out_of_paper")  # a change goes out at once...
        changed = await collect(listener, topic, window_s=0.3)
        later = await collect(listener, topic, window_s=0.8)  # ...and the same again after the interval
        await loop.aclose()
        await listener.publish(topic, b"", qos=1, retain=True)  # clear the retained message
    assert [json.loads(m.payload)["printer"] for m in first] == ["ok"]
    assert [json.loads(m.payload)["printer"] for m in changed] == ["out_of_paper"]
    assert [json.loads(m.payload)["printer"] for m in later] == ["out_of_paper"]


async def test_no_broker_configured_means_no_reporter(ctx):
    assert ctx.settings.mqtt_url == ""
    assert await health.open_health_reporter(ctx, DeviceId(1)) is None
