"""Right PINs and passwords entered at once on PostgreSQL all pass and lock nothing: only wrong tries count
toward a lock-out (the controls in test_lockout_race show wrong ones at once still lock after the limit)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.db.tables import attempt_guards, audit_log, pin_attempts
from core.domain.devices import DeviceKind
from core.domain.staff import DeviceActor, Role, StaffActor
from core.services import devices, staff
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.support.argon2 import count_pin_checks
from tests.support.together import together

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

AT_ONCE = 8
"""More than any lock-out's limit (5)."""
PIN = 246810
"""Member i's PIN is PIN + i (PINs are unique among staff)."""
PASSWORD = "correct horse battery"


async def _kiosk(ctx: ServiceContext, name: str) -> DeviceActor:
    device = await devices.register_device(ctx, name=name, kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    return DeviceActor(device.id, device.name)


def _pin(i: int) -> str:
    return str(PIN + i)


async def _member(ctx: ServiceContext, i: int) -> tuple[StaffActor, int]:
    member = await staff.create_staff(
        ctx, ROOT, email=f"bo{i}@venue.test", display_name=f"Bo {i}", role=Role.BOX_OFFICE, pin=_pin(i)
    )
    return StaffActor(member.id, member.role, member.display_name), member.staff_number


async def _nothing_counted(ctx: ServiceContext) -> None:
    """No guard holds a failure or a lock, and no PIN or sign-in was refused, wrong or locked."""

    async def work(conn):  # type: ignore[no-untyped-def]
        guards = (await conn.execute(select(attempt_guards))).all()
        devices_ = (await conn.execute(select(pin_attempts))).all()
        actions = (await conn.execute(select(audit_log.c.action))).scalars().all()
        return guards, devices_, actions

    guards, devices_, actions = await ctx.db.read(work)
    assert [(g.key, g.failures, g.lockouts, g.locked_until) for g in guards] == [
        (g.key, 0, 0, None) for g in guards
    ]
    assert [(d.failures, d.locked_until) for d in devices_] == [(0, None)] * len(devices_)
    assert not [a for a in actions if a.endswith(("_wrong", "_locked", "_refused", "sign_in_failed"))]


async def test_right_pins_at_once_for_one_staff_number_all_pass(
    race_ctx: ServiceContext, monkeypatch
) -> None:
    ctx = race_ctx
    kiosks = [
        await _kiosk(ctx, f"Kiosk {i}") for i in range(AT_ONCE)
    ]  # one try per kiosk: the number's guard
    person, number = await _member(ctx, 1)
    checks = count_pin_checks(monkeypatch)
    results = await together(AT_ONCE, lambda i: staff.unlock_with_pin(ctx, kiosks[i], number, _pin(1)))
    assert results == [person] * AT_ONCE
    assert checks.calls == AT_ONCE
    await _nothing_counted(ctx)


async def test_right_pins_at_once_at_one_device_all_pass(race_ctx: ServiceContext) -> None:
    ctx = race_ctx
    kiosk = await _kiosk(ctx, "Foyer")
    members = [await _member(ctx, i) for i in range(AT_ONCE)]  # one try per staff number: the device's guard
    results = await together(AT_ONCE, lambda i: staff.unlock_with_pin(ctx, kiosk, members[i][1], _pin(i)))
    assert results == [person for person, _ in members]
    await _nothing_counted(ctx)


async def test_the_same_right_pin_at_once_at_one_device_all_pass(race_ctx: ServiceContext) -> None:
    ctx = race_ctx
    kiosk = await _kiosk(ctx, "Foyer")
    person, number = await _member(ctx, 1)
    results = await together(AT_ONCE, lambda _: staff.unlock_with_pin(ctx, kiosk, number, _pin(1)))
    assert results == [person] * AT_ONCE
    await _nothing_counted(ctx)


async def test_right_passwords_at_once_all_sign_in(race_ctx: ServiceContext) -> None:
    ctx = race_ctx
    member = await staff.create_staff(
        ctx, ROOT, email="m@venue.test", display_name="M", role=Role.MANAGER, password=PASSWORD
    )
    results = await together(AT_ONCE, lambda _: staff.sign_in(ctx, email="m@venue.test", password=PASSWORD))
    assert results == [StaffActor(member.id, member.role, member.display_name)] * AT_ONCE
    await _nothing_counted(ctx)
