"""Staff PINs at a device on both engines: exactly what a wrong PIN changes, the staff number's growing lock
across devices, and one PIN check per try (no argon2) however many staff hold a PIN."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core.db import staff as staff_db
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.errors import NotAllowed, PinLockedOut, StaffPinLockedOut, WrongPin
from core.domain.staff import DeviceActor, Role, StaffActor
from core.services import devices, staff
from core.services.context import ServiceContext
from core.services.pin_key import pin_key
from tests.builders import ROOT
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot
from tests.support.argon2 import count_pin_checks, count_verifies

PIN = "246810"
OTHER_PIN = "135791"
WRONG = "000000"


async def _kiosk(ctx: ServiceContext, name: str) -> DeviceActor:
    device = await devices.register_device(ctx, name=name, kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    return DeviceActor(device.id, device.name)


async def _member(ctx: ServiceContext, email: str, pin: str) -> tuple[StaffActor, int]:
    member = await staff.create_staff(
        ctx, ROOT, email=email, display_name=email, role=Role.BOX_OFFICE, pin=pin
    )
    return StaffActor(member.id, member.role, member.display_name), member.staff_number


async def test_a_wrong_pin_changes_exactly_its_two_counters_and_one_audit_entry(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    kiosk = await _kiosk(ctx, "Foyer")
    _, number = await _member(ctx, "bo@venue.test", PIN)
    before = await snapshot(ctx)
    with pytest.raises(WrongPin) as wrong:
        await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
    assert (wrong.value.code, wrong.value.tries_left) == ("wrong_pin", 4)
    after = await snapshot(ctx)
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {"pin_attempts", "attempt_guards", "audit_log"}
    now = clock.now()
    assert after["pin_attempts"] == [(f"device:{kiosk.device_id}", 1, None, now)]
    assert after["attempt_guards"] == [(f"pin:{number}", 1, 0, None, now)]
    (entry,) = [row for row in after["audit_log"] if row not in before["audit_log"]]
    assert entry[2:5] == (f"device:{kiosk.device_id}", "kiosk_unlock_pin_wrong", f"device:{kiosk.device_id}")
    assert entry[5] == {"terminal": f"device:{kiosk.device_id}", "staff_number": number, "tries_left": 4}


async def test_wrong_pins_for_one_staff_number_lock_it_on_every_device_for_a_growing_time(
    ctx: ServiceContext, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosks = [await _kiosk(ctx, f"Kiosk {i}") for i in range(5)]
    member, number = await _member(ctx, "bo@venue.test", PIN)
    colleague, colleague_number = await _member(ctx, "bo2@venue.test", OTHER_PIN)

    async def five_wrong() -> StaffPinLockedOut:
        # One try per kiosk: no device reaches its own limit, only the staff number does.
        for kiosk in kiosks[:4]:
            with pytest.raises(WrongPin):
                await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
        with pytest.raises(StaffPinLockedOut) as locked:
            await staff.unlock_with_pin(ctx, kiosks[4], number, WRONG)
        return locked.value

    first = await five_wrong()
    assert first.code == "staff_pin_locked_out"
    assert isinstance(first, PinLockedOut), "the kiosk shows any PIN lock the same way"
    assert first.until == clock.now() + timedelta(minutes=1)
    assert "about a minute" in first.message
    assert "another member of staff" in first.message
    assert (await audit_entries(ctx))[-1][1:3] == ("kiosk_unlock_pin_locked", f"device:{kiosks[4].device_id}")
    assert (await audit_entries(ctx))[-1][3]["scope"] == "staff_number"

    checks = count_pin_checks(monkeypatch)
    with pytest.raises(StaffPinLockedOut):  # the right PIN, on a fresh device: not even tried
        await staff.unlock_with_pin(ctx, kiosks[0], number, PIN)
    assert checks.calls == 0
    assert (await audit_entries(ctx))[-1][1] == "kiosk_unlock_pin_refused"
    # Another member of staff is not locked out, on the same kiosk.
    assert await staff.unlock_with_pin(ctx, kiosks[4], colleague_number, OTHER_PIN) == colleague

    clock.advance(61)
    second = await five_wrong()
    assert second.until == clock.now() + timedelta(minutes=2), "the second lock lasts twice as long"
    clock.advance(119)
    with pytest.raises(StaffPinLockedOut):
        await staff.unlock_with_pin(ctx, kiosks[1], number, PIN)
    clock.advance(1)
    assert await staff.unlock_with_pin(ctx, kiosks[1], number, PIN) == member
    third = await five_wrong()
    assert third.until == clock.now() + timedelta(minutes=1), "the right PIN starts the growth afresh"


async def test_a_refused_pin_changes_only_its_audit_entry(ctx: ServiceContext) -> None:
    kiosk = await _kiosk(ctx, "Foyer")
    _, number = await _member(ctx, "bo@venue.test", PIN)
    for _ in range(4):
        with pytest.raises(WrongPin):
            await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
    with pytest.raises(PinLockedOut):
        await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
    before = await snapshot(ctx)
    with pytest.raises(PinLockedOut) as refused:
        await staff.unlock_with_pin(ctx, kiosk, number, PIN)
    assert refused.value.code == "pin_locked_out"
    after = await snapshot(ctx)
    assert {name for name in after if after[name] != before[name]} == {"audit_log"}
    assert len(after["audit_log"]) == len(before["audit_log"]) + 1


async def test_one_wrong_pin_costs_one_pin_check_however_many_staff_hold_a_pin(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk = await _kiosk(ctx, "Foyer")
    key = await pin_key(ctx)

    async def twenty(conn):  # type: ignore[no-untyped-def]
        for i in range(20):
            await staff_db.insert_staff(
                conn,
                email=f"s{i}@venue.test",
                display_name=f"S{i}",
                role=Role.BOX_OFFICE,
                password_hash=None,
                pin_fingerprint=key.fingerprint(f"{200000 + i}"),
                staff_number=None,
                now=ctx.clock.now(),
            )

    await ctx.db.write(twenty)

    # Every PIN check goes through PinKey.matches, so the count is the cost: a loop over the 20 holders would
    # count 20. No argon2 runs at all.
    checks, verifies = count_pin_checks(monkeypatch), count_verifies(monkeypatch)
    with pytest.raises(WrongPin):
        await staff.unlock_with_pin(ctx, kiosk, 20, WRONG)
    assert checks.calls == 1, "only the staff number's own PIN is checked"
    with pytest.raises(WrongPin):  # a number nobody has: one check too, against no PIN's fingerprint
        await staff.unlock_with_pin(ctx, kiosk, 999, WRONG)
    assert checks.calls == 2
    assert (await staff.unlock_with_pin(ctx, kiosk, 20, "200019")).name == "S19"
    assert (checks.calls, verifies.calls) == (3, 0)


async def test_the_right_pin_of_a_role_that_may_not_counts_as_wrong(ctx: ServiceContext) -> None:
    kiosk = await _kiosk(ctx, "Foyer")
    door = await staff.create_staff(
        ctx, ROOT, email="d@venue.test", display_name="D", role=Role.DOOR, pin=PIN
    )
    with pytest.raises(NotAllowed) as refused:
        await staff.unlock_with_pin(ctx, kiosk, door.staff_number, PIN)
    assert refused.value.code == "pin_not_allowed"
    with pytest.raises(WrongPin) as wrong:
        await staff.unlock_with_pin(ctx, kiosk, door.staff_number, WRONG)
    assert wrong.value.tries_left == 3, "the refused right PIN did not reset either count"
