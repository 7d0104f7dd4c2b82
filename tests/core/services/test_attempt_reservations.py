"""A try whose check never settled (its request died between reserving and settling) on both engines: it
takes one of the tries left while it may still settle, then counts as a wrong try; it never buys a free one."""

from __future__ import annotations

import pytest

from core.db import guards
from core.domain.clock import ManualClock
from core.domain.devices import DeviceKind
from core.domain.errors import RateLimited, StaffPinLockedOut, WrongPin
from core.domain.staff import DeviceActor, Role
from core.services import attempts, devices, staff
from core.services.context import ServiceContext
from core.services.pins import ACCOUNT_PIN
from tests.builders import ROOT
from tests.dbstate import snapshot
from tests.support.argon2 import count_verifies

PIN = "246810"
WRONG = "000000"


async def _setup(ctx: ServiceContext) -> tuple[DeviceActor, int]:
    device = await devices.register_device(ctx, name="Foyer", kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    member = await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin=PIN
    )
    return DeviceActor(device.id, device.name), member.staff_number


async def _abandon_checks(ctx: ServiceContext, number: int, n: int) -> None:
    """``n`` tries of the staff number's PIN reserved and never settled, as a request killed mid-verify."""
    counter = attempts.account(guards.pin_key(number), ACCOUNT_PIN)
    for _ in range(n):
        taken = await ctx.db.write(lambda conn: attempts.reserve(conn, [counter], ctx.clock.now()))
        assert isinstance(taken, attempts.Reserved)


async def test_an_unsettled_check_counts_as_a_wrong_try_once_it_lapses(
    ctx: ServiceContext, clock: ManualClock
) -> None:
    kiosk, number = await _setup(ctx)
    await _abandon_checks(ctx, number, 2)
    clock.advance(attempts.RESERVATION_TTL.total_seconds())
    with pytest.raises(WrongPin) as wrong:
        await staff.unlock_with_pin(ctx, kiosk, number, WRONG)
    assert wrong.value.tries_left == ACCOUNT_PIN.max_failures - 3, "both lapsed checks counted, and this one"
    after = await snapshot(ctx)
    assert after["attempt_reservations"] == []


async def test_checks_under_way_take_the_tries_left_until_they_settle(
    ctx: ServiceContext, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk, number = await _setup(ctx)
    await _abandon_checks(ctx, number, ACCOUNT_PIN.max_failures)
    monkeypatch.setattr(attempts, "MAX_WAIT_S", 0.2)
    verifies = count_verifies(monkeypatch)
    before = await snapshot(ctx)
    with pytest.raises(RateLimited) as busy:  # even the right PIN: the five under way may all be wrong
        await staff.unlock_with_pin(ctx, kiosk, number, PIN)
    assert busy.value.code == "rate_limited"
    assert verifies.calls == 0
    after = await snapshot(ctx)
    # Nothing counted: only the device's guard row now exists, with no wrong try on it.
    assert after["pin_attempts"] == [(f"device:{kiosk.device_id}", 0, None, clock.now())]
    assert {name for name in after if after[name] != before[name]} == {"pin_attempts"}
    clock.advance(attempts.RESERVATION_TTL.total_seconds())
    with pytest.raises(StaffPinLockedOut):  # lapsed, the five counted as wrong: they locked the number
        await staff.unlock_with_pin(ctx, kiosk, number, PIN)
    assert verifies.calls == 0
    clock.advance(ACCOUNT_PIN.first.total_seconds())
    assert (await staff.unlock_with_pin(ctx, kiosk, number, PIN)).staff_id is not None
