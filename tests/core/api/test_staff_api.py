"""Staff over the API: sign in for a session, who am I, sign out; the admin routes act as the session's staff
member, checked by role in core and audited there; every refusal changes nothing."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from sqlalchemy import select

from core.api.app import create_app
from core.db.tables import audit_log
from core.domain.devices import DeviceKind
from core.domain.staff import Role
from core.security.device_keys import DeviceKey
from core.services import devices, staff
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, bearer, device_token, make_staff, session_for


async def _audit(ctx, action: str) -> list[tuple[str, str]]:
    async def work(conn):  # type: ignore[no-untyped-def]
        rows = await conn.execute(
            select(audit_log.c.actor, audit_log.c.subject).where(audit_log.c.action == action)
        )
        return [tuple(r) for r in rows]

    return await ctx.db.read(work)


async def test_sign_in_who_am_i_and_sign_out(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER, number=12)
    async with served.http() as http:
        response = await http.post("/v1/auth/sign-in", json={"email": manager.email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["staff"] == {
            "id": manager.id,
            "name": manager.display_name,
            "role": "manager",
            "staff_number": 12,
        }
        assert "password" not in response.text
        assert "hash" not in response.text
        token = body["session_token"]
        me = await http.get("/v1/me", headers=bearer(token))
        assert (me.status_code, me.json()) == (200, body["staff"])
        assert await _audit(served.ctx, "session_opened") == [(f"staff:{manager.id}", "session:1")]
        out = await http.post("/v1/auth/sign-out", headers=bearer(token))
        assert out.status_code == 204
        after = await http.get("/v1/me", headers=bearer(token))
        assert (after.status_code, after.json()["code"]) == (401, "session_invalid")
        again = await http.post("/v1/auth/sign-out", headers=bearer(token))
        assert (again.status_code, again.json()["code"]) == (401, "session_invalid")


async def test_a_wrong_password_opens_no_session(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    before = await snapshot(served.ctx)
    async with served.http() as http:
        wrong = await http.post("/v1/auth/sign-in", json={"email": manager.email, "password": "not the one!"})
        unknown = await http.post("/v1/auth/sign-in", json={"email": "nobody@api.test", "password": PASSWORD})
    for response in (wrong, unknown):
        assert (response.status_code, response.json()["code"]) == (401, "sign_in_failed")
        assert response.json()["detail"] == wrong.json()["detail"]  # an unknown address looks the same
    after = await snapshot(served.ctx)
    assert after["staff_sessions"] == before["staff_sessions"] == []
    assert {t for t in after if after[t] != before[t]} <= {"audit_log", "attempt_guards"}


async def test_sign_in_is_rate_limited_per_client_address(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    settings = replace(served.ctx.settings, server_rate_limits="sign_in=2/60")
    app = create_app(settings, token_key=served.token_key, ctx=served.ctx)
    body = {"email": manager.email, "password": PASSWORD}

    def client(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=app, client=(address, 5555))
        return httpx.AsyncClient(transport=transport, base_url="http://encore.test")

    async with client("10.0.0.1") as first, client("10.0.0.2") as second:
        for _ in range(2):
            assert (await first.post("/v1/auth/sign-in", json=body)).status_code == 200
        before = await snapshot(served.ctx)
        refused = await first.post("/v1/auth/sign-in", json=body)
        assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
        assert int(refused.headers["retry-after"]) >= 1
        assert await snapshot(served.ctx) == before
        assert (await second.post("/v1/auth/sign-in", json=body)).status_code == 200


async def test_a_device_token_is_no_staff_session_and_a_session_is_no_device_token(served) -> None:
    manager = await make_staff(served.ctx, Role.ADMIN)
    async with served.http() as http:
        kiosk, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk")
        session = await session_for(http, manager)
        before = await snapshot(served.ctx)
        as_staff = await http.get("/v1/devices", headers=bearer(kiosk))
        assert (as_staff.status_code, as_staff.json()["code"]) == (401, "session_invalid")
        as_device = await http.post(
            "/v1/holds/places",
            headers=bearer(session),
            json={"concert_id": 1, "place_ids": [1], "request_key": "k-1"},
        )
        assert (as_device.status_code, as_device.json()["code"]) == (401, "unauthenticated")
        nobody = await http.get("/v1/me")
        assert (nobody.status_code, nobody.json()["code"]) == (401, "unauthenticated")
        assert "staff session" in nobody.json()["detail"]
        assert await snapshot(served.ctx) == before


async def test_a_manager_approves_and_revokes_devices_and_it_is_audited(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    key = DeviceKey.generate()
    pending = await devices.register_device(
        served.ctx, name="Foyer kiosk", kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
    )
    async with served.http() as http:
        headers = bearer(await session_for(http, manager))
        listed = await http.get("/v1/devices", headers=headers)
        assert [(d["id"], d["status"]) for d in listed.json()] == [(pending.id, "pending")]
        approved = await http.post(f"/v1/devices/{pending.id}/approve", headers=headers)
        assert (approved.status_code, approved.json()["status"]) == (200, "approved")
        revoked = await http.post(
            f"/v1/devices/{pending.id}/revoke", headers=headers, json={"keep_tickets_valid": False}
        )
        assert (revoked.status_code, revoked.json()["status"]) == (200, "revoked")
    who = f"staff:{manager.id}"
    assert await _audit(served.ctx, "device_approved") == [(who, f"device:{pending.id}")]
    assert await _audit(served.ctx, "device_revoked") == [(who, f"device:{pending.id}")]


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_staff_without_the_role_manage_no_devices_and_see_no_staff(served, role: Role) -> None:
    member = await make_staff(served.ctx, role)
    manager = await make_staff(served.ctx, Role.MANAGER, number=2)
    pending = await devices.register_device(served.ctx, name="Rogue", kind=DeviceKind.KIOSK)
    approved = await devices.register_device(served.ctx, name="Foyer", kind=DeviceKind.KIOSK)
    await devices.approve_device(served.ctx, ROOT, approved.id)
    async with served.http() as http:
        headers = bearer(await session_for(http, member))
        manager_headers = bearer(await session_for(http, manager))
        before = await snapshot(served.ctx)
        new_admin = {"email": "new@api.test", "display_name": "New", "role": "admin", "password": PASSWORD}
        for method, path, who, body in (
            ("GET", "/v1/devices", headers, None),
            ("POST", f"/v1/devices/{pending.id}/approve", headers, None),
            ("POST", f"/v1/devices/{approved.id}/revoke", headers, {"keep_tickets_valid": False}),
            ("GET", "/v1/staff", headers, None),
            ("POST", "/v1/staff", headers, new_admin),
            # managers run devices; only admins run staff accounts
            ("GET", "/v1/staff", manager_headers, None),
            ("POST", "/v1/staff", manager_headers, new_admin),
        ):
            response = await http.request(method, path, headers=who, json=body)
            assert (response.status_code, response.json()["code"]) == (403, "not_allowed"), path
        assert await snapshot(served.ctx) == before


async def test_an_admin_lists_staff_without_secrets(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=1)
    await make_staff(served.ctx, Role.DOOR, number=5, pin="135790")
    async with served.http() as http:
        response = await http.get("/v1/staff", headers=bearer(await session_for(http, admin)))
    assert response.status_code == 200
    assert [(s["staff_number"], s["role"]) for s in response.json()] == [(1, "admin"), (5, "door")]
    assert "argon2" not in response.text
    assert "hash" not in response.text


async def test_an_admin_creates_staff_who_then_sign_in(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=1)
    async with served.http() as http:
        headers = bearer(await session_for(http, admin))
        body = {"email": "Bo@API.test", "display_name": "Bo", "role": "box_office", "password": PASSWORD}
        created = await http.post("/v1/staff", headers=headers, json=body)
        assert created.status_code == 201, created.text
        assert (created.json()["email"], created.json()["staff_number"]) == ("bo@api.test", 2)
        signed_in = await http.post("/v1/auth/sign-in", json={"email": "bo@api.test", "password": PASSWORD})
        assert signed_in.json()["staff"]["role"] == "box_office"
        before = await snapshot(served.ctx)
        taken = await http.post("/v1/staff", headers=headers, json=body | {"role": "manager"})
        assert taken.status_code == 409, taken.text
        assert await snapshot(served.ctx) == before
    assert await _audit(served.ctx, "staff_created") == [
        ("system:tests", f"staff:{admin.id}"),
        (f"staff:{admin.id}", f"staff:{created.json()['id']}"),
    ]


async def test_unknown_and_revoked_devices_are_refused_and_change_nothing(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    gone = await devices.register_device(served.ctx, name="Lost kiosk", kind=DeviceKind.KIOSK)
    await devices.revoke_device(served.ctx, ROOT, gone.id)
    async with served.http() as http:
        headers = bearer(await session_for(http, manager))
        before = await snapshot(served.ctx)
        unknown = await http.post("/v1/devices/9999/approve", headers=headers)
        assert (unknown.status_code, unknown.json()["code"]) == (404, "device_not_found")
        unrevoked = await http.post(f"/v1/devices/{gone.id}/approve", headers=headers)
        assert (unrevoked.status_code, unrevoked.json()["code"]) == (409, "device_revoked")
        assert await snapshot(served.ctx) == before


async def test_a_deactivated_members_session_stops_at_once(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with served.http() as http:
        headers = bearer(await session_for(http, manager))
        assert (await http.get("/v1/devices", headers=headers)).status_code == 200
        await staff.set_staff_active(served.ctx, ROOT, manager.id, False)
        before = await snapshot(served.ctx)
        refused = await http.get("/v1/devices", headers=headers)
        assert (refused.status_code, refused.json()["code"]) == (401, "session_invalid")
        assert await snapshot(served.ctx) == before
