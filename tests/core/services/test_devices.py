"""Devices on both engines: register pending, approve, revoke, act only when approved."""

from __future__ import annotations

import pytest

from core.domain.devices import DeviceKind, DeviceStatus
from core.domain.errors import Conflict, DeviceNotApproved, InputError, NotAllowed, NotFound
from core.domain.ids import DeviceId
from core.domain.staff import DeviceActor, Role
from core.security.device_keys import DeviceKey
from core.services import devices
from core.services.context import ServiceContext
from tests.core.services.admin_support import audit_entries, make_actor, snapshot


async def test_register_is_pending_until_approved(ctx: ServiceContext) -> None:
    kiosk = await devices.register_device(
        ctx, name=" Kiosk foyer 1 ", kind=DeviceKind.KIOSK, public_key=bytes(32)
    )
    assert (kiosk.name, kiosk.kind, kiosk.status) == ("Kiosk foyer 1", DeviceKind.KIOSK, DeviceStatus.PENDING)
    assert (await audit_entries(ctx))[-1][:3] == (
        "system:enrolment",
        "device_registered",
        f"device:{kiosk.id}",
    )
    with pytest.raises(DeviceNotApproved) as pending:
        await devices.device_actor(ctx, kiosk.id)
    assert pending.value.code == "device_not_approved"
    assert "waiting for approval" in pending.value.message

    manager = await make_actor(ctx, Role.MANAGER)
    approved = await devices.approve_device(ctx, manager, kiosk.id)
    assert approved.status is DeviceStatus.APPROVED
    assert (await audit_entries(ctx))[-1][:3] == (
        f"staff:{manager.staff_id}",
        "device_approved",
        f"device:{kiosk.id}",
    )
    assert await devices.device_actor(ctx, kiosk.id) == DeviceActor(
        kiosk.id, "Kiosk foyer 1", DeviceKind.KIOSK
    )
    assert await devices.list_devices(ctx, manager) == (approved,)

    before = await snapshot(ctx)
    assert await devices.approve_device(ctx, manager, kiosk.id) == approved, "approving twice changes nothing"
    assert await snapshot(ctx) == before

    revoked = await devices.revoke_device(ctx, manager, kiosk.id)
    assert revoked.status is DeviceStatus.REVOKED
    assert (await audit_entries(ctx))[-1][1] == "device_revoked"
    with pytest.raises(DeviceNotApproved) as gone:
        await devices.device_actor(ctx, kiosk.id)
    assert "revoked" in gone.value.message


async def test_revoked_device_cannot_be_approved_again(ctx: ServiceContext) -> None:
    manager = await make_actor(ctx, Role.MANAGER)
    door = await devices.register_device(ctx, name="Door 1", kind=DeviceKind.DOOR)
    await devices.revoke_device(ctx, manager, door.id)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as info:
        await devices.approve_device(ctx, manager, door.id)
    assert info.value.code == "device_revoked"
    assert await snapshot(ctx) == before


async def test_register_errors_change_nothing(ctx: ServiceContext) -> None:
    await devices.register_device(ctx, name="Door 1", kind=DeviceKind.DOOR)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as dup:
        await devices.register_device(ctx, name="Door 1", kind=DeviceKind.KIOSK)
    assert dup.value.code == "device_exists"
    with pytest.raises(InputError) as unnamed:
        await devices.register_device(ctx, name="  ", kind=DeviceKind.KIOSK)
    assert unnamed.value.code == "device_name_invalid"
    with pytest.raises(InputError) as key:
        await devices.register_device(ctx, name="Door 2", kind=DeviceKind.DOOR, public_key=b"short")
    assert key.value.code == "public_key_invalid"
    assert await snapshot(ctx) == before


async def test_a_key_another_device_has_is_refused_typed(ctx: ServiceContext) -> None:
    # The unique key index decides (the race of two enrolments with one key ends here): a typed Conflict,
    # never a raw integrity error, whether registering or rotating to that key.
    taken = DeviceKey.generate().public_key_bytes
    await devices.register_device(ctx, name="Kiosk 1", kind=DeviceKind.KIOSK, public_key=taken)
    other = await devices.register_device(
        ctx, name="Kiosk 2", kind=DeviceKind.KIOSK, public_key=DeviceKey.generate().public_key_bytes
    )
    other = await devices.approve_device(ctx, await make_actor(ctx, Role.MANAGER), other.id)
    before = await snapshot(ctx)
    with pytest.raises(Conflict) as registering:
        await devices.register_device(ctx, name="Kiosk 3", kind=DeviceKind.KIOSK, public_key=taken)
    assert registering.value.code == "device_exists"
    actor = DeviceActor(device_id=other.id, name=other.name, kind=other.kind)
    with pytest.raises(Conflict) as rotating:
        await devices.rotate_device_key(ctx, actor, taken)
    assert rotating.value.code == "device_exists"
    assert await snapshot(ctx) == before


async def test_permissions_and_unknown_devices(ctx: ServiceContext) -> None:
    door_staff = await make_actor(ctx, Role.DOOR)
    manager = await make_actor(ctx, Role.MANAGER)
    kiosk = await devices.register_device(ctx, name="Kiosk", kind=DeviceKind.KIOSK)
    before = await snapshot(ctx)
    for decide in (devices.approve_device, devices.revoke_device):
        with pytest.raises(NotAllowed) as denied:
            await decide(ctx, door_staff, kiosk.id)
        assert denied.value.code == "not_allowed"
        with pytest.raises(NotFound) as missing:
            await decide(ctx, manager, DeviceId(999))
        assert missing.value.code == "device_not_found"
    with pytest.raises(NotAllowed):
        await devices.list_devices(ctx, door_staff)
    with pytest.raises(NotFound) as unknown:
        await devices.device_actor(ctx, DeviceId(999))
    assert unknown.value.code == "device_not_found"
    assert await snapshot(ctx) == before
