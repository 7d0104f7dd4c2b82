"""The turnstile: exactly one MQTT open command per ADMIT, none for a refused or repeated scan."""

from __future__ import annotations

import json
import uuid

from core.domain.checkin import ScanResult
from core.iot.mqtt import MqttGate
from core.services import checkin, tickets
from tests.builders import build_stage, decode_qr_texts, door_device, sell, signing_kiosk
from tests.core.iot.conftest import collect, subscribed


async def test_gate_opens_once_per_admit_and_never_for_a_refusal(ctx, clock, mqtt_url):
    token = uuid.uuid4().hex[:12]
    gate = f"north-{token}"
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Gate kiosk")
    door = await door_device(ctx, "Gate door")
    order = await sell(ctx, stage, kiosk, stage.seats[:2], "gate")
    texts = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))
    clock.advance(7 * 24 * 3600)
    async with (
        subscribed(mqtt_url, "encore/gates/+/open") as listener,
        MqttGate(mqtt_url, client_id=f"encore-door-{token}") as turnstile,
    ):
        ctx.gate = turnstile
        results = [
            await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate=gate),  # ADMIT
            await checkin.scan_ticket(ctx, door, texts[0], concert_id=stage.id, gate=gate),  # ALREADY USED
            await checkin.scan_ticket(ctx, door, "FORGED", concert_id=stage.id, gate=gate),  # NOT VALID
            await checkin.scan_ticket(ctx, door, texts[1], concert_id=stage.id, gate=gate),  # ADMIT
        ]
        await checkin.gate_commands_sent()
        received = await collect(listener, token, window_s=1.0)
    assert [r.result for r in results] == [
        ScanResult.ADMIT,
        ScanResult.ALREADY_USED,
        ScanResult.NOT_VALID,
        ScanResult.ADMIT,
    ]
    assert len(received) == 2
    assert all(str(m.topic) == f"encore/gates/{gate}/open" and m.qos == 1 for m in received)
    assert [json.loads(m.payload)["ticket"] for m in received] == [
        order.tickets[0].serial,
        order.tickets[1].serial,
    ]


async def test_a_broken_gate_link_never_undoes_an_admit(ctx, clock, expect_log):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Offline gate kiosk")
    door = await door_device(ctx, "Offline gate door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "gate-down")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    clock.advance(7 * 24 * 3600)
    async with MqttGate("mqtt://127.0.0.1:9", client_id="encore-door-down", timeout=0.5) as dead:
        ctx.gate = dead
        with expect_log("core", "open it by hand|gate"):
            result = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="south")
            assert result.admitted  # the verdict came before the gate command
            await checkin.gate_commands_sent()
    assert result.admitted
