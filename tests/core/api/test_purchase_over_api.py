"""A whole purchase and the door through the API, as devices: hold -> pay (staff PIN checked on the server) ->
PDF -> QR decoded -> door ADMIT, ALREADY USED; offline by signature, then replayed; nothing a device reads
rebuilds a QR code."""

from __future__ import annotations

import pytest

from core.domain.checkin import ScanResult
from core.domain.devices import DeviceKind
from core.domain.errors import WrongPin
from core.domain.payments import StaffPin
from core.domain.staff import Role
from core.domain.tickets import Layout
from core.services import devices, staff
from tests.builders import ROOT, build_stage, decode_qr_texts, signing_kiosk
from tests.dbstate import snapshot

PIN = "482913"
BO_NUMBER = 7


async def _approved(served, tmp_path, kind: DeviceKind, name: str):
    client = served.client(tmp_path, name)
    device = (await client.enrol(kind, name)).device
    await devices.approve_device(served.ctx, ROOT, device.id)
    assert (await client.enrol(kind, name)).approved
    return client


async def test_a_kiosk_sells_and_a_door_admits_through_the_api(served, tmp_path, clock) -> None:
    stage = await build_stage(served.ctx)
    await signing_kiosk(served.ctx, "Server signer")  # until the server signs with its own key
    await staff.create_staff(
        served.ctx,
        ROOT,
        email="bo@test.example",
        display_name="Bo Office",
        role=Role.BOX_OFFICE,
        pin=PIN,
        staff_number=BO_NUMBER,
    )
    kiosk = await _approved(served, tmp_path, DeviceKind.KIOSK, "kiosk")
    door = await _approved(served, tmp_path, DeviceKind.DOOR, "door")
    async with kiosk, door:
        hold = await kiosk.hold_places(stage.id, stage.seats[:2], request_key="api-1")
        before = await snapshot(served.ctx)
        with pytest.raises(WrongPin) as wrong:
            await kiosk.pay_and_checkout(hold.id, StaffPin(BO_NUMBER, "000000"), idempotency_key="pay-api-1")
        assert (wrong.value.code, wrong.value.tries_left) == ("wrong_pin", 4)
        after_wrong = await snapshot(served.ctx)
        assert {t for t in after_wrong if after_wrong[t] != before[t]} <= {
            "audit_log",
            "pin_attempts",
            "attempt_guards",
        }
        order = await kiosk.pay_and_checkout(hold.id, StaffPin(BO_NUMBER, PIN), idempotency_key="pay-api-1")
        again = await kiosk.pay_and_checkout(hold.id, StaffPin(BO_NUMBER, PIN), idempotency_key="pay-api-1")
        assert again.id == order.id  # a retry after a lost reply never sells twice
        assert all(t.signature is None for t in order.tickets)  # nothing a device reads rebuilds a QR code
        pdf = await kiosk.render_order(order.code, Layout.TICKET80)
        texts = decode_qr_texts(pdf)
        assert len(texts) == 2
        await kiosk.record_print([t.id for t in order.tickets], ok=True)

        clock.advance(7 * 24 * 3600)  # the concert night
        station = await door.open_door_station(stage.id, "North", tmp_path / "door.sqlite3")
        async with station:
            info = await station.refresh_snapshot()
            assert info.tickets == 2
            first = await station.scan(texts[0])
            assert first.result is ScanResult.ADMIT, first.message
            second = await station.scan(texts[0])
            assert second.result is ScanResult.ALREADY_USED
        undone = await door.undo_last_admit()
        assert undone.ticket_id == order.tickets[0].id
        concerts = await door.list_door_concerts()
        assert stage.id in [c.concert.id for c in concerts]
