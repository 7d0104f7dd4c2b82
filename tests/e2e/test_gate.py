"""The turnstile: exactly one signed MQTT open command per ADMIT, none for a refused or repeated scan; a
controller on the real broker obeys the genuine command and refuses forged, expired and replayed ones."""

from __future__ import annotations

import asyncio
import contextlib
import json
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta

import aiomqtt

from core.domain.checkin import ScanResult
from core.domain.clock import ManualClock, SystemClock
from core.iot.gate_commands import GateCommandRefused, GateCommandSigner, GateCommandVerifier, derive_gate_key
from core.iot.mqtt import MqttGate
from core.services import checkin, tickets
from tests.builders import build_stage, decode_qr_texts, door_device, sell, signing_kiosk
from tests.core.iot.conftest import collect, host_port, subscribed

MASTER = bytes(range(100, 132))


def _server_link(mqtt_url: str, token: str, clock) -> MqttGate:
    """The server's link to the gates: commands signed with keys derived from the master secret."""
    return MqttGate(
        mqtt_url, client_id=f"encore-door-{token}", clock=clock, commands=GateCommandSigner(MASTER, clock)
    )


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
        _server_link(mqtt_url, token, clock) as turnstile,
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
    verifier = GateCommandVerifier(derive_gate_key(MASTER, gate), gate, clock)
    assert [verifier.accept(m.payload).ticket for m in received] == [t.serial for t in order.tickets]


class Controller:
    """A turnstile controller on the broker: it obeys (records) what its verifier accepts, refuses the rest."""

    def __init__(self, client: aiomqtt.Client, verifier: GateCommandVerifier) -> None:
        self.client = client
        self.verifier = verifier
        self.opened: list[str | None] = []
        self.refused: list[str] = []
        self.raw: list[bytes] = []
        self.seen = asyncio.Condition()

    async def run(self) -> None:
        async for message in self.client.messages:
            payload = bytes(message.payload)  # type: ignore[arg-type]
            self.raw.append(payload)
            try:
                self.opened.append(self.verifier.accept(payload).ticket)
            except GateCommandRefused as refusal:
                self.refused.append(refusal.code)
            async with self.seen:
                self.seen.notify_all()

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(5), self.seen:
            await self.seen.wait_for(lambda: len(self.opened) + len(self.refused) >= count)


@contextlib.asynccontextmanager
async def controller(mqtt_url: str, gate: str) -> AsyncIterator[Controller]:
    host, port = host_port(mqtt_url)
    key = derive_gate_key(MASTER, gate)  # provisioned with its own gate's key only
    async with aiomqtt.Client(host, port, identifier=f"encore-test-ctl-{uuid.uuid4().hex[:8]}") as client:
        await client.subscribe(f"encore/gates/{gate}/open", qos=1)
        ctl = Controller(client, GateCommandVerifier(key, gate, SystemClock()))
        task = asyncio.create_task(ctl.run())
        try:
            yield ctl
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)


async def _publish(mqtt_url: str, topic: str, payload: bytes) -> None:
    host, port = host_port(mqtt_url)
    async with aiomqtt.Client(host, port, identifier=f"encore-test-pub-{uuid.uuid4().hex[:8]}") as client:
        await client.publish(topic, payload, qos=1)


async def test_the_controller_obeys_the_genuine_command_and_refuses_forged_expired_and_replayed(
    ctx, clock, mqtt_url
):
    token = uuid.uuid4().hex[:12]
    gate = f"east-{token}"
    topic = f"encore/gates/{gate}/open"
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Verified gate kiosk")
    door = await door_device(ctx, "Verified gate door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "verified-gate")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    clock.advance(7 * 24 * 3600)
    async with controller(mqtt_url, gate) as ctl, _server_link(mqtt_url, token, SystemClock()) as link:
        ctx.gate = link
        assert (await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate=gate)).admitted
        await checkin.gate_commands_sent()
        await ctl.wait_for(1)
        assert ctl.opened == [order.tickets[0].serial]  # the genuine command opens the gate
        genuine = ctl.raw[0]

        # Forged: any MQTT client can publish, but without the gate's key the MAC is wrong.
        wrong_master = GateCommandSigner(b"\x01" * 32, SystemClock())
        await _publish(mqtt_url, topic, wrong_master.command(gate, order.tickets[0].serial))
        # Expired: the right key, but issued 30 s ago (10 s of life).
        old = ManualClock(SystemClock().now() - timedelta(seconds=30))
        await _publish(mqtt_url, topic, GateCommandSigner(MASTER, old).command(gate))
        # Replayed: the genuine command, captured and sent again.
        await _publish(mqtt_url, topic, genuine)
        await ctl.wait_for(4)
    assert ctl.opened == [order.tickets[0].serial], "nothing but the genuine command opened the gate"
    assert sorted(ctl.refused) == ["gate_command_bad_mac", "gate_command_expired", "gate_command_replayed"]


async def test_a_broken_gate_link_never_undoes_an_admit(ctx, clock, expect_log):
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Offline gate kiosk")
    door = await door_device(ctx, "Offline gate door")
    order = await sell(ctx, stage, kiosk, stage.seats[:1], "gate-down")
    text = decode_qr_texts(await tickets.render_order(ctx, kiosk, order.code))[0]
    clock.advance(7 * 24 * 3600)
    dead = MqttGate(
        "mqtt://127.0.0.1:9",
        client_id="encore-door-down",
        timeout=0.5,
        commands=GateCommandSigner(MASTER, clock),
    )
    async with dead:
        ctx.gate = dead
        with expect_log("core", "open it by hand|gate"):
            result = await checkin.scan_ticket(ctx, door, text, concert_id=stage.id, gate="south")
            assert result.admitted  # the verdict came before the gate command
            await checkin.gate_commands_sent()
    assert result.admitted
