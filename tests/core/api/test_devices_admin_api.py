"""Devices for the admin app over the API: the list carries each device's key fingerprint and when it last signed
in; a manager renames a device (audited); bad names, a taken name and other roles change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.tables import audit_log
from core.domain.checkin import key_fingerprint
from core.domain.devices import DeviceKind
from core.domain.staff import Role
from core.security.device_keys import DeviceKey
from core.services import devices
from tests.dbstate import snapshot
from tests.support.staff_api import bearer, device_token, make_staff, session_for


async def test_the_list_shows_fingerprints_and_last_seen_and_a_rename_is_audited(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    key = DeviceKey.generate()
    pending = await devices.register_device(
        served.ctx, name="Foyer kiosk", kind=DeviceKind.KIOSK, public_key=key.public_key_bytes
    )
    async with served.http() as http:
        _, door_id = await device_token(served.ctx, http, DeviceKind.DOOR, "Door A")
        token = await session_for(http, manager)
        listed = {d["name"]: d for d in (await http.get("/v1/devices", headers=bearer(token))).json()}
        assert (
            listed["Foyer kiosk"]["fingerprint"] == key_fingerprint(key.public_key_bytes) == key.fingerprint
        )
        assert listed["Foyer kiosk"]["last_seen_at"] is None  # pending: never signed in
        assert listed["Door A"]["last_seen_at"] is not None  # it got a token just now
        renamed = await http.post(
            f"/v1/devices/{pending.id}/rename", json={"name": "  Kiosk by the bar "}, headers=bearer(token)
        )
        assert (renamed.status_code, renamed.json()["name"]) == (200, "Kiosk by the bar")
        same = await http.post(
            f"/v1/devices/{door_id}/rename", json={"name": "Door A"}, headers=bearer(token)
        )
        assert same.status_code == 200

    async def work(conn):  # type: ignore[no-untyped-def]
        rows = await conn.execute(
            select(audit_log.c.actor, audit_log.c.subject, audit_log.c.details).where(
                audit_log.c.action == "device_renamed"
            )
        )
        return [tuple(r) for r in rows]

    assert await served.ctx.db.read(work) == [
        (f"staff:{manager.id}", f"device:{pending.id}", {"name": "Kiosk by the bar", "was": "Foyer kiosk"})
    ]


@pytest.mark.parametrize(
    ("name", "status", "code"),
    [
        ("", 422, "device_name_invalid"),
        ("x" * 101, 422, "device_name_invalid"),
        ("Door A", 409, "device_exists"),
    ],
)
async def test_a_bad_or_taken_name_changes_nothing(served, name: str, status: int, code: str) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    kiosk = await devices.register_device(served.ctx, name="Kiosk", kind=DeviceKind.KIOSK)
    await devices.register_device(served.ctx, name="Door A", kind=DeviceKind.DOOR)
    async with served.http() as http:
        token = await session_for(http, manager)
        await http.get("/v1/me", headers=bearer(token))
        before = await snapshot(served.ctx)
        answer = await http.post(f"/v1/devices/{kiosk.id}/rename", json={"name": name}, headers=bearer(token))
        assert (answer.status_code, answer.json()["code"]) == (status, code)
        missing = await http.post("/v1/devices/999/rename", json={"name": "New"}, headers=bearer(token))
        assert (missing.status_code, missing.json()["code"]) == (404, "device_not_found")
        assert await snapshot(served.ctx) == before


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR])
async def test_box_office_and_door_may_not_touch_devices(served, role: Role) -> None:
    member = await make_staff(served.ctx, role)
    kiosk = await devices.register_device(served.ctx, name="Kiosk", kind=DeviceKind.KIOSK)
    async with served.http() as http:
        token = await session_for(http, member)
        await http.get("/v1/me", headers=bearer(token))
        before = await snapshot(served.ctx)
        for method, path, body in (
            ("GET", "/v1/devices", None),
            ("POST", f"/v1/devices/{kiosk.id}/approve", None),
            ("POST", f"/v1/devices/{kiosk.id}/revoke", {"keep_tickets_valid": True}),
            ("POST", f"/v1/devices/{kiosk.id}/rename", {"name": "Mine now"}),
        ):
            answer = await http.request(method, path, json=body, headers=bearer(token))
            assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed"), path
        assert await snapshot(served.ctx) == before
