"""PINs are kept as keyed fingerprints (HMAC-SHA256 under the PIN key, never in the database), on both engines;
a PIN set before fingerprints (argon2id) still works and becomes a fingerprint at its first right use."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select, update

from core.config import Settings
from core.db.tables import staff as staff_table
from core.domain.devices import DeviceKind
from core.domain.errors import ConfigError, WrongPin
from core.domain.ids import StaffId
from core.domain.staff import DeviceActor, Role
from core.security.passwords import hash_secret_async
from core.security.pin_keys import PinKey
from core.services import devices, staff
from core.services.context import ServiceContext
from core.services.pin_key import pin_key
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.argon2 import count_pin_checks, count_verifies
from tests.support.logfail import ExpectLog

PIN = "246810"
OTHER = "135791"
WRONG = "000000"


async def _stored(ctx: ServiceContext, staff_id: StaffId) -> tuple[str | None, str | None]:
    """(pin_fingerprint, pin_hash)."""

    async def read(conn):  # type: ignore[no-untyped-def]
        query = select(staff_table.c.pin_fingerprint, staff_table.c.pin_hash).where(
            staff_table.c.id == staff_id
        )
        return tuple((await conn.execute(query)).one())

    return await ctx.db.read(read)  # type: ignore[no-any-return]


async def _argon2_pin(ctx: ServiceContext, staff_id: StaffId, pin: str) -> str:
    """Give a member a PIN as it was kept before fingerprints."""
    old = await hash_secret_async(pin)

    async def put(conn):  # type: ignore[no-untyped-def]
        await conn.execute(
            update(staff_table).where(staff_table.c.id == staff_id).values(pin_hash=old, pin_fingerprint=None)
        )

    await ctx.db.write(put)
    return old


async def _setup(ctx: ServiceContext) -> tuple[DeviceActor, StaffId, int]:
    device = await devices.register_device(ctx, name="Foyer", kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    member = await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN
    )
    return DeviceActor(device.id, device.name), member.id, member.staff_number


async def test_a_pin_is_kept_as_its_fingerprint_under_the_key(ctx: ServiceContext) -> None:
    _, staff_id, _ = await _setup(ctx)
    fingerprint, old = await _stored(ctx, staff_id)
    key = await pin_key(ctx)
    assert old is None
    assert fingerprint == key.fingerprint(PIN)
    assert fingerprint is not None
    assert len(fingerprint) == 64
    assert PIN not in fingerprint
    # The control: without the key the database's copy says nothing (another key, another fingerprint).
    assert PinKey.generate().fingerprint(PIN) != fingerprint
    assert key.fingerprint(OTHER) != fingerprint
    assert repr(key) == "PinKey(<secret>)"


async def test_an_argon2_pin_still_works_and_becomes_a_fingerprint_at_its_first_right_use(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk, staff_id, number = await _setup(ctx)
    old = await _argon2_pin(ctx, staff_id, PIN)
    verifies, checks = count_verifies(monkeypatch), count_pin_checks(monkeypatch)
    with pytest.raises(WrongPin):  # a wrong PIN leaves the old hash alone
        await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
    assert await _stored(ctx, staff_id) == (None, old)
    assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)).staff_id == staff_id
    assert (verifies.calls, checks.calls) == (2, 0)
    assert await _stored(ctx, staff_id) == ((await pin_key(ctx)).fingerprint(PIN), None)
    assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)).staff_id == staff_id
    assert (verifies.calls, checks.calls) == (2, 1), "from then on a fingerprint, no argon2"


async def test_an_argon2_pin_another_member_has_keeps_working_as_argon2(
    ctx: ServiceContext, expect_log: ExpectLog
) -> None:
    kiosk, staff_id, number = await _setup(ctx)
    old = await _argon2_pin(ctx, staff_id, OTHER)  # Bo's old PIN is the one the new member gets below
    other = await staff.create_staff(
        ctx, ROOT, email="cy@venue.test", display_name="Cy", role=Role.BOX_OFFICE, pin=OTHER
    )
    with expect_log("core.services.pins", "another member also has"):
        assert (await staff.unlock_with_pin(ctx, kiosk, number, OTHER)).staff_id == staff_id
    assert await _stored(ctx, staff_id) == (None, old), "the unique index refused it; the unlock went through"
    assert (await staff.unlock_with_pin(ctx, kiosk, other.staff_number, OTHER)).staff_id == other.id
    await staff.set_pin(ctx, ROOT, staff_id, PIN)  # a new PIN of their own ends it
    assert await _stored(ctx, staff_id) == ((await pin_key(ctx)).fingerprint(PIN), None)


async def test_setting_a_pin_replaces_an_argon2_one(ctx: ServiceContext) -> None:
    kiosk, staff_id, number = await _setup(ctx)
    await _argon2_pin(ctx, staff_id, PIN)
    await staff.set_pin(ctx, ROOT, staff_id, OTHER)
    assert await _stored(ctx, staff_id) == ((await pin_key(ctx)).fingerprint(OTHER), None)
    with pytest.raises(WrongPin):
        await staff.unlock_with_pin(ctx, kiosk, number, PIN)
    assert (await staff.unlock_with_pin(ctx, kiosk, number, OTHER)).staff_id == staff_id


async def test_an_embedded_database_keeps_its_key_beside_it(sqlite_url: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=sqlite_url)
    async with ServiceContext.open(settings) as first:
        assert first.pin_key is not None
        fingerprint = first.pin_key.fingerprint(PIN)
    async with ServiceContext.open(settings) as again:  # a restart, or the admin app beside the kiosk
        assert again.pin_key is not None
        assert again.pin_key.fingerprint(PIN) == fingerprint
    keys = [p.name for p in (tmp_path.rglob("*-pin.key"))]
    assert len(keys) == 1, keys


async def test_a_server_without_a_pin_key_refuses_pins_and_changes_nothing(ctx: ServiceContext) -> None:
    kiosk, staff_id, number = await _setup(ctx)
    server = replace(
        ctx,
        settings=replace(ctx.settings, database_url="postgresql+asyncpg://x@db/e", pin_key_ref=""),
        pin_key=None,
    )
    before = await snapshot(ctx)
    for attempt in (
        staff.unlock_with_pin(server, kiosk, number, PIN),
        staff.set_pin(server, ROOT, staff_id, OTHER),
    ):
        with pytest.raises(ConfigError) as refused:
            await attempt
        assert (refused.value.code, refused.value.key) == ("config_invalid", "pin_key_ref")
    assert await snapshot(ctx) == before
