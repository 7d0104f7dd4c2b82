"""The probes at the top of issue 9, through the venue server's API: each one worked while devices held the
database and acted as whoever they named, and each is refused now, with its code, and changes nothing."""

from __future__ import annotations

import base64
from dataclasses import replace

import httpx
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from sqlalchemy import delete, select

from core.client.remote import RemoteClient
from core.config import Settings
from core.db import site as site_db
from core.db.tables import site, tickets
from core.domain.checkin import ScanResult
from core.domain.devices import DeviceKind
from core.domain.payments import StaffPin
from core.domain.staff import Role
from core.domain.tickets import Layout
from core.security.device_keys import DeviceKey
from core.services import devices
from core.services import tickets as tickets_service
from core.services.signing_keys import ServerSigner
from tests.builders import ROOT, build_stage, decode_qr_texts, sell, signing_kiosk
from tests.dbstate import snapshot
from tests.support.staff_api import bearer, device_token, make_staff, session_for

DOORS_OPEN = 7 * 24 * 3600  # build_stage's doors open a week after the clock's start
PIN = "482913"
NOT_SOLD = ("orders", "tickets", "places", "holds")
PIN_BOOKKEEPING = {"audit_log", "pin_attempts", "attempt_guards"}
ADMIN_ACTOR = {"staff_id": 1, "role": "admin", "name": "Root"}


def _changed(before: dict, after: dict) -> set[str]:  # type: ignore[type-arg]
    return {table for table in after if after[table] != before[table]}


async def _hold(http: httpx.AsyncClient, token: str, stage, key: str) -> str:  # type: ignore[no-untyped-def]
    body = {"concert_id": stage.id, "place_ids": list(stage.seats[:2]), "request_key": key}
    response = await http.post("/v1/holds/places", headers=bearer(token), json=body)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_a_device_token_cannot_create_staff_or_approve_or_revoke_devices(served) -> None:
    """Probe: StaffActor(<door staff id>, ADMIN) created an admin without a password; approve_device(SystemActor)
    approved a rogue device. A device has no staff session, and an actor or device id in the body is ignored."""
    await build_stage(served.ctx)
    door_staff = await make_staff(served.ctx, Role.DOOR, number=3)
    async with served.http() as http:
        kiosk, kiosk_id = await device_token(served.ctx, http, DeviceKind.KIOSK, "Stolen kiosk")
        rogue_key = base64.b64encode(DeviceKey.generate().public_key_bytes).decode()
        enrolled = await http.post(
            "/v1/devices/enrol", json={"kind": "door", "name": "Rogue", "public_key": rogue_key}
        )
        rogue = enrolled.json()["device"]["id"]
        door_session = await session_for(http, door_staff)
        before = await snapshot(served.ctx)
        new_admin = {"email": "evil@api.test", "display_name": "Evil", "role": "admin", "password": "x" * 12}
        attempts = [
            ("/v1/staff", new_admin | {"actor": ADMIN_ACTOR}),
            (f"/v1/devices/{rogue}/approve", {"actor": ADMIN_ACTOR, "device_id": kiosk_id}),
            (f"/v1/devices/{kiosk_id}/revoke", {"keep_tickets_valid": False, "actor": ADMIN_ACTOR}),
        ]
        for path, body in attempts:
            as_device = await http.post(path, headers=bearer(kiosk), json=body)
            assert (as_device.status_code, as_device.json()["code"]) == (401, "session_invalid"), path
            as_door_staff = await http.post(path, headers=bearer(door_session), json=body)
            assert (as_door_staff.status_code, as_door_staff.json()["code"]) == (403, "not_allowed"), path
        assert await snapshot(served.ctx) == before
    assert (await devices.device_actor(served.ctx, kiosk_id)).device_id == kiosk_id  # still approved


async def test_a_door_token_cannot_sell_and_a_kiosk_token_cannot_scan(served) -> None:
    """Probe: every device could do everything; now each kind has its scope."""
    stage = await build_stage(served.ctx)
    async with served.http() as http:
        door, _ = await device_token(served.ctx, http, DeviceKind.DOOR, "Door")
        kiosk, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk")
        before = await snapshot(served.ctx)
        body = {"concert_id": stage.id, "place_ids": [stage.seats[0]], "request_key": "door-sells"}
        sold = await http.post("/v1/holds/places", headers=bearer(door), json=body | {"kind": "kiosk"})
        assert (sold.status_code, sold.json()["code"]) == (403, "not_allowed")
        scan = {"concert_id": stage.id, "gate": "North", "text": "NOT A TICKET"}
        scanned = await http.post("/v1/door/scans", headers=bearer(kiosk), json=scan)
        assert (scanned.status_code, scanned.json()["code"]) == (403, "not_allowed")
        assert await snapshot(served.ctx) == before


async def test_an_attended_checkout_without_a_sellers_pin_sells_nothing(served) -> None:
    """Probe: a checkout with an attended Payment and no PIN produced a paid EUR 118 order. Now the server takes
    the payment: no PIN is refused, and a door staff member's right PIN is just a wrong PIN."""
    stage = await build_stage(served.ctx)
    await make_staff(served.ctx, Role.DOOR, pin=PIN, number=8)
    async with served.http() as http:
        kiosk, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk")
        hold = await _hold(http, kiosk, stage, "no-pin")
        before = await snapshot(served.ctx)
        no_pin = {
            "payment": {"method": "attended", "staff_number": 8},
            "idempotency_key": "pay-1",
            "actor": ADMIN_ACTOR,
            "confirmed_by": 1,
        }
        refused = await http.post(f"/v1/holds/{hold}/checkout", headers=bearer(kiosk), json=no_pin)
        assert (refused.status_code, refused.json()["code"]) == (422, "payment_input_invalid")
        assert await snapshot(served.ctx) == before
        door_pin = {
            "payment": {"method": "attended", "staff_number": 8, "pin": PIN},
            "idempotency_key": "pay-2",
        }
        wrong = await http.post(f"/v1/holds/{hold}/checkout", headers=bearer(kiosk), json=door_pin)
        assert (wrong.status_code, wrong.json()["code"]) == (403, "wrong_pin")
        after = await snapshot(served.ctx)
        assert _changed(before, after) <= PIN_BOOKKEEPING
        assert all(after[table] == before[table] for table in NOT_SOLD)


async def test_the_demo_card_is_refused_on_a_real_database(served) -> None:
    """Probe: a demo row made a real kiosk's terminal the simulated card reader (a free EUR 59 ticket). A kiosk
    asking for the demo card is refused, and so is a server whose config says demo on a real database."""
    stage = await build_stage(served.ctx)
    async with served.http() as http:
        kiosk, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk")
        hold = await _hold(http, kiosk, stage, "demo-card")
        before = await snapshot(served.ctx)
        demo = {"payment": {"method": "demo", "approve": True}, "idempotency_key": "free-1"}
        refused = await http.post(f"/v1/holds/{hold}/checkout", headers=bearer(kiosk), json=demo)
        assert (refused.status_code, refused.json()["code"]) == (403, "demo_terminal_refused")
        served.ctx.settings = replace(served.ctx.settings, demo_mode=True)  # ENCORE_DEMO_MODE on a real venue
        misconfigured = await http.post(f"/v1/holds/{hold}/checkout", headers=bearer(kiosk), json=demo)
        assert (misconfigured.status_code, misconfigured.json()["code"]) == (403, "demo_terminal_refused")
        assert await snapshot(served.ctx) == before


class _Recording(httpx.AsyncBaseTransport):
    """Every response the server sends, kept whole, for a search through all of them."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.seen: list[tuple[str, str, bytes]] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        self.seen.append((request.url.path, response.headers.get("content-type", ""), body))
        return httpx.Response(response.status_code, headers=response.headers, content=body, request=request)


def _encodings(secret: bytes) -> set[str]:
    forms = {base64.b64encode(secret), base64.urlsafe_b64encode(secret)}
    return {f.decode().rstrip("=") for f in forms} | {secret.hex(), secret.hex().upper()}


async def test_nothing_a_device_reads_carries_a_signature_or_a_private_key(served, tmp_path, clock) -> None:
    """Probe: any ticket's QR code could be rebuilt from tickets.signature. Every JSON response of a whole
    purchase and check-in is searched for the stored signatures and the server's secrets, in base64 and hex."""
    stage = await build_stage(served.ctx)
    private = Ed25519PrivateKey.generate()
    served.ctx.signer = ServerSigner(DeviceKey(private), "")  # the server's key, registered at the first sale
    await make_staff(served.ctx, Role.BOX_OFFICE, pin=PIN, number=7)
    recording = _Recording(served.transport())

    def client(name: str) -> RemoteClient:
        settings = Settings(
            server_url="http://encore.test", device_key_ref=f"file:{tmp_path / f'{name}.key'}"
        )
        return RemoteClient(settings, transport=recording)

    async with client("kiosk") as kiosk, client("door") as door:
        for remote, kind in ((kiosk, DeviceKind.KIOSK), (door, DeviceKind.DOOR)):
            enrolled = await remote.enrol(kind, kind.value)
            await devices.approve_device(served.ctx, ROOT, enrolled.device.id)
            await remote.enrol(kind, kind.value)
        hold = await kiosk.hold_places(stage.id, stage.seats[:2], request_key="whole-1")
        order = await kiosk.pay_and_checkout(hold.id, StaffPin(7, PIN), idempotency_key="whole-pay-1")
        assert all(t.signature is None for t in order.tickets)
        texts = decode_qr_texts(await kiosk.render_order(order.code, Layout.TICKET80))
        clock.advance(DOORS_OPEN)
        station = await door.open_door_station(stage.id, "North", tmp_path / "door.sqlite3")
        async with station:
            await station.refresh_snapshot()
            assert (await station.scan(texts[0])).result is ScanResult.ADMIT
    stored = await served.ctx.db.read(lambda conn: conn.execute(select(tickets.c.signature)))
    signatures = [bytes(row[0]) for row in stored.all()]
    assert len(signatures) == 2
    assert all(signatures)
    secrets = [
        *signatures,
        private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()),
        served.token_key.secret,
    ]
    json_bodies = [(path, body.decode()) for path, kind, body in recording.seen if "json" in kind]
    assert any(path.endswith("/checkout") for path, _ in json_bodies)
    assert any("/door/snapshot/" in path for path, _ in json_bodies)
    for secret in secrets:
        for form in _encodings(secret):
            leaks = [path for path, text in json_bodies if form in text]
            assert not leaks, f"a secret left the server in {leaks}"


async def test_a_device_revoked_over_the_api_is_refused_on_its_next_request(served) -> None:
    """Probe: a lost kiosk kept selling; a manager's revocation now stops its very next request."""
    stage = await build_stage(served.ctx)
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with served.http() as http:
        kiosk, kiosk_id = await device_token(served.ctx, http, DeviceKind.KIOSK, "Lost kiosk")
        await _hold(http, kiosk, stage, "before-revoke")
        revoked = await http.post(
            f"/v1/devices/{kiosk_id}/revoke",
            headers=bearer(await session_for(http, manager)),
            json={"keep_tickets_valid": False},
        )
        assert revoked.status_code == 200
        before = await snapshot(served.ctx)
        body = {"concert_id": stage.id, "place_ids": [stage.seats[5]], "request_key": "after-revoke"}
        refused = await http.post("/v1/holds/places", headers=bearer(kiosk), json=body)
        assert (refused.status_code, refused.json()["code"]) == (403, "device_not_approved")
        assert await snapshot(served.ctx) == before


async def test_a_demo_ticket_is_not_valid_at_a_real_databases_door(served, clock) -> None:
    """Probe: seed-demo on a real venue's database made free DEMO tickets that the door admitted."""
    ctx = served.ctx
    await ctx.db.write(lambda conn: site_db.put(conn, site_db.DEMO, "true"))
    stage = await build_stage(ctx)
    kiosk = await signing_kiosk(ctx, "Demo kiosk")
    ctx.settings = replace(ctx.settings, demo_mode=True)
    order = await sell(ctx, stage, kiosk, stage.seats[:2], "demo-1")
    ctx.settings = replace(ctx.settings, demo_mode=False)
    documents = sorted(await tickets_service.order_documents(ctx, kiosk, order.code), key=lambda d: d.serial)
    clock.advance(DOORS_OPEN)
    async with served.http() as http:
        door, _ = await device_token(ctx, http, DeviceKind.DOOR, "Door")

        async def scan(text: str) -> httpx.Response:
            body = {"concert_id": stage.id, "gate": "North", "text": text}
            return await http.post("/v1/door/scans", headers=bearer(door), json=body)

        control = await scan(documents[0].qr_text)
        assert control.json()["result"] == "admit", "on the demo database its own DEMO tickets are admitted"
        await ctx.db.write(lambda conn: conn.execute(delete(site).where(site.c.key == site_db.DEMO)))
        before = await snapshot(ctx)
        refused = await scan(documents[1].qr_text)
        assert refused.json()["result"] == "not_valid", refused.text
        assert "DEMO" in refused.json()["message"]
        assert await snapshot(ctx) == before
