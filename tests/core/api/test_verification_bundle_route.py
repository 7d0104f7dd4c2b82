"""GET /v1/door/verification-bundle: a door device takes the signed bundle for stateless verifiers; a kiosk or a
caller without a token is refused; what it gets opens with the server's key and lists what was sold and voided."""

from __future__ import annotations

from core.domain.devices import DeviceKind
from core.services import orders
from core.tickets.bundle import open_bundle
from tests.builders import build_stage, sell
from tests.support.staff_api import bearer, device_token


async def test_a_door_takes_the_signed_bundle_and_a_kiosk_is_refused(served) -> None:
    stage = await build_stage(served.ctx)
    order = await sell(served.ctx, stage, stage.kiosk, stage.seats[:2], "bundle-route-1")
    await orders.refund_tickets(
        served.ctx, stage.manager, order.code, reason="Cannot come", ticket_ids=[order.tickets[0].id]
    )
    async with served.http() as http:
        door, _ = await device_token(served.ctx, http, DeviceKind.DOOR, "Door")
        kiosk, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk")
        got = await http.get("/v1/door/verification-bundle", headers=bearer(door))
        assert got.status_code == 200, got.text
        assert got.headers["content-type"].startswith("application/json")
        as_kiosk = await http.get("/v1/door/verification-bundle", headers=bearer(kiosk))
        assert (as_kiosk.status_code, as_kiosk.json()["code"]) == (403, "not_allowed")
        anonymous = await http.get("/v1/door/verification-bundle")
        assert anonymous.status_code == 401
    assert served.ctx.signer is not None
    bundle = open_bundle(got.content, [served.ctx.signer.key.public_key_bytes], served.ctx.clock.now())
    assert bundle.void == {order.tickets[0].id}
    assert stage.id in bundle.concerts
    assert bundle.concerts[stage.id].artist == stage.concert.artist
    assert served.ctx.signer.key_id in bundle.keys
