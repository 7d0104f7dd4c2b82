"""The admin app's staff client over the real app (in-process ASGI): sign in for a session, act as that staff
member, sign out; every refusal raises the same EncoreError class and code as in-process, and changes nothing."""

from __future__ import annotations

import pytest

from core.client.staff_remote import RemoteStaffClient
from core.config import Settings
from core.domain.api_bodies import StaffSummary
from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import InputError, NotAllowed, NotAuthenticated, SessionInvalid, SignInLockedOut
from core.domain.staff import Role
from core.services import devices
from core.services.staff import PASSWORD_LOCKOUT
from tests.dbstate import snapshot
from tests.support.staff_api import PASSWORD, make_staff


def _client(served) -> RemoteStaffClient:
    return RemoteStaffClient(Settings(server_url="http://encore.test"), transport=served.transport())


async def test_an_admin_signs_in_runs_devices_and_staff_and_signs_out(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN, number=7)
    pending = await devices.register_device(served.ctx, name="Foyer kiosk", kind=DeviceKind.KIOSK)
    async with _client(served) as client:
        session = await client.sign_in(admin.email, PASSWORD)
        summary = StaffSummary(admin.id, admin.display_name, Role.ADMIN, 7)
        assert session.staff == summary
        assert session._token not in repr(session)
        assert await session.me() == summary

        assert [(d.id, d.status) for d in await session.list_devices()] == [
            (pending.id, DeviceStatus.PENDING)
        ]
        approved = await session.approve_device(pending.id)
        assert (approved.id, approved.status) == (pending.id, DeviceStatus.APPROVED)
        revoked = await session.revoke_device(pending.id, keep_tickets_valid=False)
        assert revoked.status is DeviceStatus.REVOKED

        created = await session.create_staff(
            email="door@venue.test", display_name="Door One", role=Role.DOOR, pin="135791", staff_number=40
        )
        assert (created.email, created.role, created.staff_number, created.active) == (
            "door@venue.test",
            Role.DOOR,
            40,
            True,
        )
        assert [(m.email, m.staff_number) for m in await session.list_staff()] == [
            (admin.email, 7),
            ("door@venue.test", 40),
        ]

        await session.sign_out()
        with pytest.raises(SessionInvalid) as ended:
            await session.me()
        assert ended.value.code == "session_invalid"


async def test_refusals_are_the_same_typed_errors_and_change_nothing(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with _client(served) as client:
        before = await snapshot(served.ctx)
        with pytest.raises(NotAuthenticated) as failed:
            await client.sign_in(manager.email, "not the password")
        assert failed.value.code == "sign_in_failed"
        session = await client.sign_in(manager.email, PASSWORD)
        before = await snapshot(served.ctx)
        with pytest.raises(NotAllowed) as refused:  # managers run devices; only admins run staff accounts
            await session.create_staff(
                email="x@venue.test", display_name="X", role=Role.ADMIN, password=PASSWORD
            )
        assert refused.value.code == "not_allowed"
        with pytest.raises(NotAllowed):
            await session.list_staff()
        assert await snapshot(served.ctx) == before


async def test_bad_input_is_an_input_error_naming_the_field(served) -> None:
    admin = await make_staff(served.ctx, Role.ADMIN)
    async with _client(served) as client:
        session = await client.sign_in(admin.email, PASSWORD)
        before = await snapshot(served.ctx)
        with pytest.raises(InputError) as bad:
            await session.create_staff(email="y@venue.test", display_name="Y", role=Role.DOOR, pin="12")
        assert (bad.value.code, bad.value.field) == ("pin_invalid", "pin")
        assert await snapshot(served.ctx) == before


async def test_wrong_passwords_lock_the_address_and_the_client_says_until_when(served) -> None:
    manager = await make_staff(served.ctx, Role.MANAGER)
    async with _client(served) as client:
        for _ in range(PASSWORD_LOCKOUT.max_failures - 1):
            with pytest.raises(NotAuthenticated):
                await client.sign_in(manager.email, "not the password")
        with pytest.raises(SignInLockedOut) as locked:
            await client.sign_in(manager.email, "not the password")
        assert locked.value.code == "sign_in_locked_out"
        assert locked.value.until > served.ctx.clock.now()
        with pytest.raises(SignInLockedOut):  # even the right password, while locked
            await client.sign_in(manager.email, PASSWORD)
