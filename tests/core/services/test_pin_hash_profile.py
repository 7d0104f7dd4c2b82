"""PINs are hashed with the PIN profile of argon2id (core.security.passwords); a PIN hashed with the older
password profile still works and moves to the PIN profile at its first right PIN, on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db import staff as staff_db
from core.db.tables import staff as staff_table
from core.domain.devices import DeviceKind
from core.domain.errors import WrongPin
from core.domain.ids import StaffId
from core.domain.staff import DeviceActor, Role
from core.security.passwords import hash_secret_async, needs_pin_rehash, verify_secret
from core.services import devices, staff
from core.services.context import ServiceContext
from tests.builders import ROOT

PIN = "246810"
WRONG = "000000"


async def _stored(ctx: ServiceContext, staff_id: StaffId) -> str:
    async def read(conn):  # type: ignore[no-untyped-def]
        return (
            await conn.execute(select(staff_table.c.pin_hash).where(staff_table.c.id == staff_id))
        ).scalar()

    stored = await ctx.db.read(read)
    assert isinstance(stored, str)
    return stored


async def _setup(ctx: ServiceContext) -> tuple[DeviceActor, StaffId, int]:
    device = await devices.register_device(ctx, name="Foyer", kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    member = await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN
    )
    return DeviceActor(device.id, device.name), member.id, member.staff_number


async def test_a_new_pin_is_hashed_with_the_pin_profile(ctx: ServiceContext) -> None:
    _, staff_id, _ = await _setup(ctx)
    stored = await _stored(ctx, staff_id)
    assert stored.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in stored
    assert not needs_pin_rehash(stored)
    old_profile = await hash_secret_async(PIN)
    assert needs_pin_rehash(old_profile)  # the control: the password profile is told apart


async def test_an_old_profile_pin_still_works_and_is_rehashed_at_its_first_right_pin(
    ctx: ServiceContext,
) -> None:
    kiosk, staff_id, number = await _setup(ctx)
    old = await hash_secret_async(PIN)
    await ctx.db.write(lambda conn: staff_db.set_pin_hash(conn, staff_id, old))
    with pytest.raises(WrongPin):  # a wrong PIN leaves the old hash alone
        await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
    assert await _stored(ctx, staff_id) == old
    assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)).staff_id == staff_id
    new = await _stored(ctx, staff_id)
    assert new != old
    assert not needs_pin_rehash(new)
    assert verify_secret(new, PIN)
    assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)).staff_id == staff_id
    assert await _stored(ctx, staff_id) == new  # rehashed once, not at every right PIN


async def test_a_pin_changed_during_the_check_is_not_overwritten_by_the_rehash(ctx: ServiceContext) -> None:
    _, staff_id, _ = await _setup(ctx)
    old = await hash_secret_async(PIN)
    changed = await _stored(ctx, staff_id)
    await ctx.db.write(lambda conn: staff_db.rehash_pin(conn, staff_id, old, "$argon2id$never"))
    assert await _stored(ctx, staff_id) == changed
