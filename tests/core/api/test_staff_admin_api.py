"""Staff and roles over the API: an admin assigns roles, disables, resets a password and sets a PIN, each
audited; box office and door credentials are refused; bad input and the last admin change nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.tables import audit_log
from core.domain.devices import DeviceKind
from core.domain.staff import Role
from tests.dbstate import snapshot
from tests.support.staff_api import bearer, device_token, make_staff, session_for

NEW_PASSWORD = "a new long password"


async def _actions(ctx) -> list[tuple[str, str, str]]:
    async def work(conn):  # type: ignore[no-untyped-def]
        rows = await conn.execute(
            select(audit_log.c.actor, audit_log.c.action, audit_log.c.subject).order_by(audit_log.c.id)
        )
        return [tuple(r) for r in rows]

    return await ctx.db.read(work)


async def test_an_admin_manages_a_member_and_every_change_is_audited(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=1)
    member = await make_staff(served.ctx, Role.BOX_OFFICE, number=2)
    async with served.http() as http:
        token = await session_for(http, admin)
        theirs = await session_for(http, member)
        base = f"/v1/staff/{member.id}"
        role = await http.post(f"{base}/role", json={"role": "manager"}, headers=bearer(token))
        assert (role.status_code, role.json()["role"]) == (200, "manager")
        pin = await http.post(f"{base}/pin", json={"pin": "246802"}, headers=bearer(token))
        assert pin.status_code == 200, pin.text
        reset = await http.post(f"{base}/password", json={"password": NEW_PASSWORD}, headers=bearer(token))
        assert reset.status_code == 200, reset.text
        assert "hash" not in reset.text
        # Whoever knew the old password is signed out; the new one works.
        gone = await http.get("/v1/me", headers=bearer(theirs))
        assert (gone.status_code, gone.json()["code"]) == (401, "session_invalid")
        fresh = await session_for(http, member, NEW_PASSWORD)
        me = await http.get("/v1/me", headers=bearer(fresh))
        assert me.json()["role"] == "manager"
        off = await http.post(f"{base}/active", json={"active": False}, headers=bearer(token))
        assert (off.status_code, off.json()["active"]) == (200, False)
        refused = await http.post("/v1/auth/sign-in", json={"email": member.email, "password": NEW_PASSWORD})
        assert refused.json()["code"] == "sign_in_failed"
        on = await http.post(f"{base}/active", json={"active": True}, headers=bearer(token))
        assert on.json()["active"] is True
    changes = [
        (actor, action)
        for actor, action, subject in await _actions(served.ctx)
        if subject == f"staff:{member.id}" and action.startswith("staff_") and actor != "system:tests"
    ]
    assert changes == [
        (f"staff:{admin.id}", "staff_role_changed"),
        (f"staff:{admin.id}", "staff_pin_set"),
        (f"staff:{admin.id}", "staff_password_reset"),
        (f"staff:{admin.id}", "staff_deactivated"),
        (f"staff:{admin.id}", "staff_activated"),
    ]


@pytest.mark.parametrize("role", [Role.BOX_OFFICE, Role.DOOR, Role.MANAGER])
async def test_other_roles_and_devices_are_refused_and_nothing_changes(served, role: Role) -> None:
    await make_staff(served.ctx, Role.ADMIN, number=1)
    target = await make_staff(served.ctx, Role.DOOR, number=3)
    caller = await make_staff(served.ctx, role, number=2) if role is not Role.DOOR else target
    async with served.http() as http:
        token = await session_for(http, caller)
        kiosk, _ = await device_token(served.ctx, http, DeviceKind.KIOSK, "Kiosk")
        before = await snapshot(served.ctx)
        base = f"/v1/staff/{target.id}"
        for path, body in (
            ("role", {"role": "admin"}),
            ("active", {"active": False}),
            ("password", {"password": NEW_PASSWORD}),
        ):
            answer = await http.post(f"{base}/{path}", json=body, headers=bearer(token))
            assert (answer.status_code, answer.json()["code"]) == (403, "not_allowed"), path
            as_device = await http.post(f"{base}/{path}", json=body, headers=bearer(kiosk))
            assert (as_device.status_code, as_device.json()["code"]) == (401, "session_invalid")
        listed = await http.get("/v1/staff", headers=bearer(token))
        assert (listed.status_code, listed.json()["code"]) == (403, "not_allowed")
        after = await snapshot(served.ctx)
    # Reading a session slides it (staff_sessions); nothing else moves.
    assert {t for t in after if after[t] != before[t]} <= {"staff_sessions"}


@pytest.mark.parametrize(
    ("path", "body", "status", "code"),
    [
        ("role", {"role": "superuser"}, 422, "request_invalid"),
        ("active", {"active": "no"}, 422, "request_invalid"),
        ("password", {"password": "short"}, 422, "password_too_short"),
        ("pin", {"pin": "12ab56"}, 422, "pin_invalid"),
        ("pin", {"pin": "123"}, 422, "pin_invalid"),
    ],
)
async def test_bad_input_is_refused_with_its_code_and_changes_nothing(
    served, path: str, body: dict[str, object], status: int, code: str
) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=1)
    member = await make_staff(served.ctx, Role.DOOR, number=2)
    async with served.http() as http:
        token = await session_for(http, admin)
        await http.get("/v1/me", headers=bearer(token))
        before = await snapshot(served.ctx)
        answer = await http.post(f"/v1/staff/{member.id}/{path}", json=body, headers=bearer(token))
        assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
        assert await snapshot(served.ctx) == before


async def test_an_unknown_account_is_not_found(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=1)
    async with served.http() as http:
        token = await session_for(http, admin)
        before = await snapshot(served.ctx)
        for path, body in (
            ("role", {"role": "door"}),
            ("active", {"active": False}),
            ("pin", {"pin": "135790"}),
        ):
            answer = await http.post(f"/v1/staff/9999/{path}", json=body, headers=bearer(token))
            assert (answer.status_code, answer.json()["code"]) == (404, "staff_not_found"), path
        assert await snapshot(served.ctx) == before


async def test_the_last_admin_cannot_be_demoted_or_disabled(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=1)
    async with served.http() as http:
        token = await session_for(http, admin)
        await http.get("/v1/me", headers=bearer(token))
        before = await snapshot(served.ctx)
        for role in ("manager", "box_office", "door"):
            demote = await http.post(f"/v1/staff/{admin.id}/role", json={"role": role}, headers=bearer(token))
            assert (demote.status_code, demote.json()["code"]) == (409, "last_admin")
            assert "last active admin" in demote.json()["detail"]
        assert await snapshot(served.ctx) == before
        # With a second admin, the first may step down; then the second is the last one.
        second = await make_staff(served.ctx, Role.ADMIN, number=2)
        down = await http.post(f"/v1/staff/{admin.id}/role", json={"role": "manager"}, headers=bearer(token))
        assert (down.status_code, down.json()["role"]) == (200, "manager")
        again = await http.post(f"/v1/staff/{second.id}/role", json={"role": "door"}, headers=bearer(token))
        assert (again.status_code, again.json()["code"]) == (403, "not_allowed")  # no longer an admin
        theirs = await session_for(http, second)
        before = await snapshot(served.ctx)
        for path, body, code in (
            ("role", {"role": "manager"}, "last_admin"),
            ("active", {"active": False}, "cannot_deactivate_self"),
        ):
            answer = await http.post(f"/v1/staff/{second.id}/{path}", json=body, headers=bearer(theirs))
            assert answer.json()["code"] == code
        assert await snapshot(served.ctx) == before
