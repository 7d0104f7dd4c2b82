"""Leaving kiosk mode with a staff number and PIN, on both engines: who may, the per-device guard, audit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest

from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.errors import DeviceNotApproved, InputError, NotAllowed, PinLockedOut, WrongPin
from core.domain.money import Money
from core.domain.staff import DeviceActor, Role, StaffActor
from core.services import devices, payments, staff
from core.services.context import ServiceContext
from core.services.payments import StaffPin
from tests.builders import ROOT
from tests.core.services.admin_support import audit_entries
from tests.dbstate import snapshot

BOX_PIN = "331700"
MANAGER_PIN = "271828"
DOOR_PIN = "444400"
LATE_PIN = "808080"
DOOR2_PIN = "818181"  # PINs are unique among staff (test_staff_pin_unique)
GONE_PIN = "555500"


@dataclass(frozen=True)
class Kiosk:
    device: DeviceActor
    other: DeviceActor
    box_office: StaffActor
    manager: StaffActor
    door: StaffActor
    late_box_office: StaffActor
    gone: StaffActor


NUMBERS: dict[StaffActor, int] = {}


def no(member: StaffActor) -> int:
    return NUMBERS[member]


async def _staff(ctx: ServiceContext, role: Role, email: str, pin: str) -> StaffActor:
    member = await staff.create_staff(ctx, ROOT, email=email, display_name=email, role=role, pin=pin)
    actor = StaffActor(member.id, member.role, member.display_name)
    NUMBERS[actor] = member.staff_number
    return actor


async def _kiosk(ctx: ServiceContext, name: str, *, approve: bool = True) -> DeviceActor:
    device = await devices.register_device(ctx, name=name, kind=DeviceKind.KIOSK)
    if approve:
        await devices.approve_device(ctx, ROOT, device.id)
    return DeviceActor(device.id, device.name)


@pytest.fixture
async def kiosk(ctx: ServiceContext) -> Kiosk:
    door = await _staff(ctx, Role.DOOR, "door@venue.test", DOOR_PIN)
    await _staff(ctx, Role.DOOR, "door2@venue.test", DOOR2_PIN)
    gone = await _staff(ctx, Role.BOX_OFFICE, "gone@venue.test", GONE_PIN)
    await staff.set_staff_active(ctx, ROOT, gone.staff_id, False)
    return Kiosk(
        device=await _kiosk(ctx, "Foyer kiosk"),
        other=await _kiosk(ctx, "Bar kiosk"),
        box_office=await _staff(ctx, Role.BOX_OFFICE, "bo@venue.test", BOX_PIN),
        manager=await _staff(ctx, Role.MANAGER, "mgr@venue.test", MANAGER_PIN),
        door=door,
        late_box_office=await _staff(ctx, Role.BOX_OFFICE, "late@venue.test", LATE_PIN),
        gone=gone,
    )


def _without_guard(state: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        name: rows
        for name, rows in state.items()
        if name not in ("pin_attempts", "attempt_guards", "audit_log")
    }


async def _wrong(
    ctx: ServiceContext, device: DeviceActor, pin: str = "999999", number: int = 777
) -> WrongPin:
    with pytest.raises(WrongPin) as info:
        await staff.unlock_with_pin(ctx, device, number, pin)
    assert info.value.code == "wrong_pin"
    return info.value


async def test_the_right_pin_names_the_staff_member_and_is_audited(ctx: ServiceContext, kiosk: Kiosk) -> None:
    assert await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.box_office), BOX_PIN) == kiosk.box_office
    actor, action, subject, details = (await audit_entries(ctx))[-1]
    device = f"device:{kiosk.device.device_id}"
    assert (actor, action, subject) == (f"staff:{kiosk.box_office.staff_id}", "kiosk_unlocked", device)
    assert details["terminal"] == device
    assert BOX_PIN not in repr(details)
    assert details["staff_number"] == no(kiosk.box_office)
    assert await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.manager), MANAGER_PIN) == kiosk.manager
    assert await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.late_box_office), LATE_PIN) == (
        kiosk.late_box_office
    )
    # A PIN is checked against its staff number's account only: another member's PIN is wrong.
    await _wrong(ctx, kiosk.device, MANAGER_PIN, no(kiosk.box_office))


async def test_a_wrong_pin_counts_down_and_changes_nothing_else(ctx: ServiceContext, kiosk: Kiosk) -> None:
    before = await snapshot(ctx)
    error = await _wrong(ctx, kiosk.device)
    assert error.tries_left == 4
    assert "4 more tries" in error.message
    assert _without_guard(await snapshot(ctx)) == _without_guard(before)
    deactivated = await _wrong(ctx, kiosk.device, GONE_PIN, no(kiosk.gone))
    assert deactivated.tries_left == 3, "a deactivated account's PIN is wrong"
    wrong = [e for e in await audit_entries(ctx) if e[1] == "kiosk_unlock_pin_wrong"]
    device = f"device:{kiosk.device.device_id}"
    assert [(e[0], e[3]["tries_left"]) for e in wrong] == [(device, 4), (device, 3)]
    assert (await _wrong(ctx, kiosk.other, number=778)).tries_left == 4, "each device counts its own"


async def test_five_wrong_pins_lock_the_kiosk_until_the_time_is_up(
    ctx: ServiceContext, clock: ManualClock, kiosk: Kiosk
) -> None:
    for _ in range(4):
        await _wrong(ctx, kiosk.device)
    with pytest.raises(PinLockedOut) as locked:
        await staff.unlock_with_pin(ctx, kiosk.device, 777, "999999")
    assert locked.value.code == "pin_locked_out"
    assert locked.value.until == clock.now() + timedelta(minutes=5)
    assert "about 5 minutes" in locked.value.message
    assert (await audit_entries(ctx))[-1][1] == "kiosk_unlock_pin_locked"

    clock.advance(4 * 60 + 30)
    with pytest.raises(PinLockedOut):  # even the right PIN: it is not tried at all
        await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.box_office), BOX_PIN)
    assert (await audit_entries(ctx))[-1][1] == "kiosk_unlock_pin_refused"
    assert await staff.unlock_with_pin(ctx, kiosk.other, no(kiosk.box_office), BOX_PIN) == kiosk.box_office

    clock.advance(31)
    assert await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.box_office), BOX_PIN) == kiosk.box_office
    assert (await _wrong(ctx, kiosk.device)).tries_left == 4, "the lockout and the right PIN start afresh"


async def test_payment_and_unlock_pins_share_one_guard_per_device(ctx: ServiceContext, kiosk: Kiosk) -> None:
    terminal = payments.AttendedTerminal(ctx)
    amount = Money(1000, "EUR")
    for expected in (4, 3, 2):
        with pytest.raises(WrongPin) as paid:
            await terminal.charge(kiosk.device, amount, "sale-1", StaffPin(no(kiosk.box_office), "999999"))
        assert paid.value.tries_left == expected
    assert (await _wrong(ctx, kiosk.device)).tries_left == 1
    with pytest.raises(PinLockedOut):
        await staff.unlock_with_pin(ctx, kiosk.device, 778, "999999")
    with pytest.raises(PinLockedOut):  # the lock holds for payments too
        await terminal.charge(kiosk.device, amount, "sale-1", StaffPin(no(kiosk.manager), MANAGER_PIN))
    assert (await audit_entries(ctx))[-1][1] == "payment_pin_refused"


async def test_door_staff_may_not_leave_kiosk_mode(ctx: ServiceContext, kiosk: Kiosk) -> None:
    before = await snapshot(ctx)
    with pytest.raises(NotAllowed) as refused:
        await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.door), DOOR_PIN)
    assert refused.value.code == "pin_not_allowed"
    assert "may not leave kiosk mode" in refused.value.message
    assert _without_guard(await snapshot(ctx)) == _without_guard(before)
    actor, action, _, details = (await audit_entries(ctx))[-1]
    assert (actor, action, details["tries_left"]) == (
        f"staff:{kiosk.door.staff_id}",
        "kiosk_unlock_not_allowed",
        4,
    )
    # It counts as a wrong PIN, so a known door PIN can never reset the count between guesses.
    assert (await _wrong(ctx, kiosk.device)).tries_left == 3
    # The payment terminal does not say whose a door PIN is: there it is just wrong.
    with pytest.raises(WrongPin):
        await payments.AttendedTerminal(ctx).charge(
            kiosk.device, Money(1, "EUR"), "s", StaffPin(no(kiosk.door), DOOR_PIN)
        )


@pytest.mark.parametrize(
    "pin", ["", "123", "1234567890123", "12a456", " 123456", "123456\n", "١٢٣٤٥٦", 123456, None]
)
async def test_a_pin_of_the_wrong_form_changes_nothing(
    ctx: ServiceContext, kiosk: Kiosk, pin: object
) -> None:
    before = await snapshot(ctx)
    with pytest.raises(InputError) as info:
        await staff.unlock_with_pin(ctx, kiosk.device, no(kiosk.box_office), pin)  # type: ignore[arg-type]
    assert (info.value.code, info.value.field) == ("pin_invalid", "pin")
    assert await snapshot(ctx) == before


async def test_a_kiosk_not_approved_cannot_be_unlocked_and_changes_nothing(ctx: ServiceContext) -> None:
    member = await _staff(ctx, Role.BOX_OFFICE, "bo@venue.test", BOX_PIN)
    pending = await _kiosk(ctx, "New kiosk", approve=False)
    before = await snapshot(ctx)
    with pytest.raises(DeviceNotApproved):
        await staff.unlock_with_pin(ctx, pending, no(member), BOX_PIN)
    assert await snapshot(ctx) == before
