"""Devices enrol, sign in by signing the server's challenge, and act only as what the server says they are."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest

from core.config import Settings, enrolment_name
from core.db import device_keys
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import DeviceNotApproved, NotAllowed, NotFound, SalesClosed
from core.domain.ids import ConcertId
from core.domain.reports import AuditQuery
from core.security.device_keys import DeviceKey
from core.security.tokens import challenge_message
from core.services import concerts, devices, reports
from tests.builders import ROOT, build_stage
from tests.dbstate import snapshot


async def test_a_kiosk_enrols_waits_for_approval_then_sells(served, tmp_path) -> None:
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "kiosk") as client:
        first = await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
        assert not first.approved
        assert first.device.status is DeviceStatus.PENDING
        again = await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
        assert again.device.id == first.device.id  # found by its key, not registered twice
        with pytest.raises(DeviceNotApproved) as refused:
            await client.list_on_sale()
        assert refused.value.code == "device_not_approved"
        await devices.approve_device(served.ctx, ROOT, first.device.id)
        enrolled = await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
        assert enrolled.approved
        on_sale = await client.list_on_sale()
        assert [s.concert.id for s in on_sale] == [stage.id]
        hold = await client.hold_places(stage.id, stage.seats[:2], request_key="k1")
        assert [p.place_id for p in hold.places] == list(stage.seats[:2])


async def test_a_revoked_kiosk_is_refused_on_its_next_request(served, tmp_path) -> None:
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "kiosk") as client:
        device = (await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")).device
        await devices.approve_device(served.ctx, ROOT, device.id)
        await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
        await client.get_seat_map(stage.id)
        await devices.revoke_device(served.ctx, ROOT, device.id)
        before = await snapshot(served.ctx)
        with pytest.raises(DeviceNotApproved) as refused:
            await client.hold_places(stage.id, stage.seats[:1], request_key="k2")
        assert refused.value.code == "device_not_approved"
        assert await snapshot(served.ctx) == before


async def _approved_kiosk(served, client, stage) -> int:
    device = (await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")).device
    await devices.approve_device(served.ctx, ROOT, device.id)
    await client.enrol(DeviceKind.KIOSK, "Foyer kiosk")
    await client.get_seat_map(stage.id)  # signed in: the client holds a token from before the revocation
    return device.id


async def test_every_hold_of_a_revoked_kiosk_is_refused_by_the_hold_itself(served, tmp_path) -> None:
    """The hold routes take the device from its token alone (KIOSK_HOLD): the hold's statement refuses a device
    revoked after its token was issued, and writes nothing."""
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "kiosk") as client:
        device_id = await _approved_kiosk(served, client, stage)
        await devices.revoke_device(served.ctx, ROOT, device_id)
        before = await snapshot(served.ctx)
        attempts = {
            "seats": client.hold_places(stage.id, stage.seats[:2], request_key="r1"),
            "standing": client.hold_standing(stage.id, stage.standing, 2, request_key="r2"),
            "best seats": client.hold_best_available(stage.id, stage.seated, 2, request_key="r3"),
            "best standing": client.hold_best_available(stage.id, stage.standing, 1, request_key="r4"),
        }
        for what, attempt in attempts.items():
            with pytest.raises(DeviceNotApproved) as refused:
                await attempt
            assert refused.value.code == "device_not_approved", what
            assert "revoked" in refused.value.message, what
        assert await snapshot(served.ctx) == before


async def _refused_once_revoked(served, device_id: int, hold) -> None:  # type: ignore[no-untyped-def]
    """Revoke the device; then ``hold()`` is refused as not approved, and nothing changes."""
    await devices.revoke_device(served.ctx, ROOT, device_id)
    before = await snapshot(served.ctx)
    with pytest.raises(DeviceNotApproved) as refused:
        await hold()
    assert refused.value.code == "device_not_approved"
    assert await snapshot(served.ctx) == before


async def test_a_revoked_kiosk_hears_it_is_revoked_before_that_sales_are_closed(served, tmp_path) -> None:
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "kiosk") as client:
        device_id = await _approved_kiosk(served, client, stage)
        await concerts.close_sales(served.ctx, ROOT, stage.id)
        with pytest.raises(SalesClosed):  # the control: approved, it hears that sales are closed
            await client.hold_standing(stage.id, stage.standing, 1, request_key="c1")
        await _refused_once_revoked(
            served, device_id, lambda: client.hold_standing(stage.id, stage.standing, 1, request_key="c2")
        )


async def test_a_revoked_kiosk_retrying_a_hold_does_not_get_it_back(served, tmp_path) -> None:
    """A request key's hold is answered again to a retry, but only while its device may still act."""
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "kiosk") as client:
        device_id = await _approved_kiosk(served, client, stage)
        first = await client.hold_standing(stage.id, stage.standing, 2, request_key="same")
        again = await client.hold_standing(stage.id, stage.standing, 2, request_key="same")
        assert again.id == first.id  # the control: the retry gets the same hold
        await _refused_once_revoked(
            served, device_id, lambda: client.hold_standing(stage.id, stage.standing, 2, request_key="same")
        )


async def test_a_revoked_kiosk_naming_another_concert_does_not_get_its_hold_back_either(
    served, tmp_path
) -> None:
    """The actor's status comes with the concert's facts: a "retry" naming a concert that does not exist is
    refused as not found, never answered with the hold (it was, for a revoked device: found in review)."""
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "kiosk") as client:
        device_id = await _approved_kiosk(served, client, stage)
        await client.hold_standing(stage.id, stage.standing, 2, request_key="mine")
        await devices.revoke_device(served.ctx, ROOT, device_id)
        before = await snapshot(served.ctx)
        with pytest.raises(NotFound) as refused:
            await client.hold_standing(ConcertId(10**9), stage.standing, 2, request_key="mine")
        assert refused.value.code == "concert_not_found"
        assert await snapshot(served.ctx) == before


async def test_a_token_from_before_names_were_in_tokens_is_checked_against_the_database(served) -> None:
    """A token without the device's name (issued by the server before this one, for at most its TTL) is not
    trusted alone on a hold: the guard looks the device up as on every other route."""
    stage = await build_stage(served.ctx)
    key = DeviceKey.generate()
    kiosk = await devices.register_device(
        served.ctx, name="Old kiosk", kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
    )
    await devices.approve_device(served.ctx, ROOT, kiosk.id)
    old = served.token_key.issue(
        "device-access", {"d": kiosk.id, "k": "kiosk"}, now=served.ctx.clock.now(), ttl=timedelta(minutes=5)
    )
    body = {"concert_id": stage.id, "section_id": stage.standing, "quantity": 1, "request_key": "old-1"}
    async with served.http() as http:
        made = await http.post("/v1/holds/standing", headers={"authorization": f"Bearer {old}"}, json=body)
        assert made.status_code == 201, made.text
        await devices.revoke_device(served.ctx, ROOT, kiosk.id)
        before = await snapshot(served.ctx)
        body["request_key"] = "old-2"
        refused = await http.post("/v1/holds/standing", headers={"authorization": f"Bearer {old}"}, json=body)
    assert refused.status_code == 403, refused.text
    assert refused.json()["code"] == "device_not_approved"
    # The guard's words: it read the device.
    assert "Old kiosk has been revoked and can no longer sell" in refused.json()["detail"]
    assert await snapshot(served.ctx) == before


async def test_a_door_may_not_sell_and_a_kiosk_may_not_scan(served, tmp_path) -> None:
    stage = await build_stage(served.ctx)
    async with served.client(tmp_path, "door") as door, served.client(tmp_path, "kiosk") as kiosk:
        for client, kind in ((door, DeviceKind.DOOR), (kiosk, DeviceKind.KIOSK)):
            device = (await client.enrol(kind, f"{kind.value} 1")).device
            await devices.approve_device(served.ctx, ROOT, device.id)
            await client.enrol(kind, f"{kind.value} 1")
        before = await snapshot(served.ctx)
        with pytest.raises(NotAllowed) as sold:
            await door.hold_places(stage.id, stage.seats[:1], request_key="k3")
        assert sold.value.code == "not_allowed"
        with pytest.raises(NotAllowed) as scanned:
            await kiosk.scan(stage.id, "main", "NOT A TICKET")
        assert scanned.value.code == "not_allowed"
        assert await snapshot(served.ctx) == before


async def _token_for(served, key: DeviceKey) -> dict:
    async with served.http() as http:
        public = base64.b64encode(key.public_key_bytes).decode()
        challenge = (await http.post("/v1/auth/challenge", json={"public_key": public})).json()["challenge"]
        signature = base64.b64encode(key.sign(challenge_message(challenge))).decode()
        response = await http.post(
            "/v1/auth/token", json={"public_key": public, "challenge": challenge, "signature": signature}
        )
        return {"status": response.status_code, "body": response.json(), "challenge": challenge}


async def test_a_signature_by_another_key_gets_no_token(served) -> None:
    real = DeviceKey.generate()
    device = await devices.register_device(
        served.ctx, name="Kiosk", kind=DeviceKind.KIOSK, public_key=real.public_key_bytes
    )
    await devices.approve_device(served.ctx, ROOT, device.id)
    assert (await _token_for(served, real))["status"] == 200
    thief = DeviceKey.generate()
    async with served.http() as http:
        public = base64.b64encode(real.public_key_bytes).decode()
        challenge = (await http.post("/v1/auth/challenge", json={"public_key": public})).json()["challenge"]
        forged = base64.b64encode(thief.sign(challenge_message(challenge))).decode()
        response = await http.post(
            "/v1/auth/token", json={"public_key": public, "challenge": challenge, "signature": forged}
        )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "unauthenticated"


async def test_the_actor_comes_from_the_token_never_from_the_body(served, tmp_path) -> None:
    """A door's token with a kiosk's device id in the body still acts as the door (and is refused)."""
    stage = await build_stage(served.ctx)
    door_key = DeviceKey.generate()
    door = await devices.register_device(
        served.ctx, name="Door", kind=DeviceKind.DOOR, public_key=door_key.public_key_bytes
    )
    await devices.approve_device(served.ctx, ROOT, door.id)
    token = (await _token_for(served, door_key))["body"]["access_token"]
    async with served.http() as http:
        response = await http.post(
            "/v1/holds/places",
            headers={"authorization": f"Bearer {token}"},
            json={
                "concert_id": stage.id,
                "place_ids": [stage.seats[0]],
                "request_key": "k4",
                "device_id": stage.kiosk.device_id,
                "actor": {"staff_id": 1, "role": "admin"},
            },
        )
    assert response.status_code == 403
    assert response.json()["code"] == "not_allowed"


async def test_enrolment_floods_are_rate_limited_per_client_and_change_nothing(served) -> None:
    async with served.http() as http:
        for n in range(10):
            key = base64.b64encode(DeviceKey.generate().public_key_bytes).decode()
            ok = await http.post(
                "/v1/devices/enrol", json={"kind": "kiosk", "name": f"K{n}", "public_key": key}
            )
            assert ok.status_code == 200
        before = await snapshot(served.ctx)
        key = base64.b64encode(DeviceKey.generate().public_key_bytes).decode()
        refused = await http.post(
            "/v1/devices/enrol", json={"kind": "kiosk", "name": "K11", "public_key": key}
        )
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["retry-after"]) >= 1
    assert await snapshot(served.ctx) == before


async def test_garbage_keys_and_signatures_are_input_errors(served) -> None:
    async with served.http() as http:
        bad_key = await http.post("/v1/auth/challenge", json={"public_key": "not base64!"})
        assert (bad_key.status_code, bad_key.json()["code"]) == (422, "public_key_invalid")
        short = base64.b64encode(b"x" * 31).decode()
        too_short = await http.post(
            "/v1/devices/enrol", json={"kind": "kiosk", "name": "K", "public_key": short}
        )
        assert (too_short.status_code, too_short.json()["field"]) == (422, "public_key")
        wrong_kind = await http.post(
            "/v1/devices/enrol", json={"kind": "toaster", "name": "K", "public_key": short}
        )
        assert wrong_kind.status_code == 422
        assert wrong_kind.headers["content-type"].startswith("application/problem+json")


async def test_two_kiosks_with_default_settings_both_wait_visibly_for_approval(served, tmp_path) -> None:
    # Two machines of one image enrol under the same default name (one hostname here, as on cloned PCs).
    name = enrolment_name(Settings(), "Kiosk")
    async with served.client(tmp_path, "kiosk-a") as a, served.client(tmp_path, "kiosk-b") as b:
        first = await a.enrol(DeviceKind.KIOSK, name)
        second = await b.enrol(DeviceKind.KIOSK, name)
        again = await b.enrol(DeviceKind.KIOSK, name)
    assert (first.device.name, second.device.name) == (name, f"{name} (2)")
    assert again.device.id == second.device.id
    listed = await devices.list_devices(served.ctx, ROOT)
    assert {(d.name, d.status) for d in listed} == {
        (name, DeviceStatus.PENDING),
        (f"{name} (2)", DeviceStatus.PENDING),
    }


@pytest.mark.postgres
async def test_one_key_enrolling_twice_at_once_gets_its_device_twice(served_pg, monkeypatch) -> None:
    # The same machine asks twice at the same moment (a retry after a timeout, two processes of one image).
    # Both look-ups are held until both have looked, so both go on to register the key and the unique key
    # index decides between them.
    real = device_keys.device_for_key
    looked: list[object] = []
    both_looked = asyncio.Event()

    async def look_up_together(conn, public_key):
        found = await real(conn, public_key)
        if len(looked) < 2:
            looked.append(found)
            if len(looked) == 2:
                both_looked.set()
            async with asyncio.timeout(10):
                await both_looked.wait()
        return found

    monkeypatch.setattr(device_keys, "device_for_key", look_up_together)
    key = base64.b64encode(DeviceKey.generate().public_key_bytes).decode()
    body = {"kind": "kiosk", "name": "Kiosk twice", "public_key": key}
    async with served_pg.http() as http:
        answers = await asyncio.gather(*(http.post("/v1/devices/enrol", json=body) for _ in range(2)))
        again = await http.post("/v1/devices/enrol", json=body)  # a repeat afterwards: what both must get
    # Control: both requests found no device for the key, so both reached the unique constraint.
    assert looked == [None, None]
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    assert again.status_code == 200
    assert answers[0].json() == answers[1].json() == again.json()
    assert again.json()["device"]["status"] == "pending"
    listed = await devices.list_devices(served_pg.ctx, ROOT)
    assert [(d.name, d.status) for d in listed] == [("Kiosk twice", DeviceStatus.PENDING)]
    registered = await reports.search_audit(served_pg.ctx, ROOT, AuditQuery(action="device_registered"))
    assert registered.total == 1
