"""Wrong PINs and passwords at once on PostgreSQL never get more tries checked than the limit; without the row
lock on the guard (the control below) they do. (Right ones at once all pass: test_right_secrets_at_once.)"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import guards
from core.db.tables import attempt_guards
from core.domain.devices import DeviceKind
from core.domain.lockout import Guard
from core.domain.staff import DeviceActor, Role
from core.services import attempts, devices, staff
from core.services.context import ServiceContext
from core.services.staff import PASSWORD_LOCKOUT
from tests.builders import ROOT
from tests.support.argon2 import count_pin_checks, count_verifies
from tests.support.together import together

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TRIES = 12
HOLD_S = 0.05
"""How long each reserving transaction stays open: long enough that all of them overlap."""

Step = Callable[[AsyncConnection, attempts.Counter, datetime], Awaitable[bool]]
"""One try's reservation, in its own transaction: whether the try may be checked."""


async def _reserve(conn: AsyncConnection, counter: attempts.Counter, now: datetime) -> bool:
    return isinstance(await attempts.reserve(conn, [counter], now), attempts.Reserved)


async def _checked(ctx: ServiceContext, step: Step) -> int:
    """TRIES tries at once through ``step``, none settled: how many were let through to be checked."""
    counter = attempts.account("password:race@example.org", PASSWORD_LOCKOUT)
    # The row exists before the race, for both variants: inserting it at once would queue them on the key.
    await ctx.db.write(lambda conn: counter.lock(conn, ctx.clock.now()))

    async def attempt(_: int) -> bool:
        async def work(conn: AsyncConnection) -> bool:
            through = await step(conn, counter, ctx.clock.now())
            await asyncio.sleep(HOLD_S)
            return through

        return await ctx.db.write(work)

    return sum(bool(r) for r in await together(TRIES, attempt))


async def _unsafe_reserve(conn: AsyncConnection, counter: attempts.Counter, now: datetime) -> bool:
    """reserve without FOR UPDATE: read, think, write. Kept here, never in production code."""
    row = (
        await conn.execute(
            select(attempt_guards.c.failures, attempt_guards.c.lockouts, attempt_guards.c.locked_until).where(
                attempt_guards.c.key == counter.key
            )
        )
    ).one()
    guard = Guard(row.failures, row.lockouts, row.locked_until)
    checking, _ = await guards.pending(conn, counter.key, now)
    await asyncio.sleep(HOLD_S)
    if guard.locked(now) or not guard.admits(counter.policy, checking):
        return False
    await guards.reserve(conn, counter.key, now + attempts.RESERVATION_TTL)
    return True


async def test_tries_at_once_are_let_through_no_more_often_than_the_limit(race_ctx: ServiceContext) -> None:
    assert await _checked(race_ctx, _reserve) == PASSWORD_LOCKOUT.max_failures


async def test_control_without_the_row_lock_more_tries_get_through(race_ctx: ServiceContext) -> None:
    assert await _checked(race_ctx, _unsafe_reserve) > PASSWORD_LOCKOUT.max_failures


async def test_wrong_pins_at_once_for_one_staff_number_cost_five_pin_checks(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = race_ctx
    kiosks = []
    for i in range(TRIES):  # one try per kiosk: only the staff number's limit applies
        device = await devices.register_device(ctx, name=f"Kiosk {i}", kind=DeviceKind.KIOSK)
        await devices.approve_device(ctx, ROOT, device.id)
        kiosks.append(DeviceActor(device.id, device.name))
    member = await staff.create_staff(
        ctx, ROOT, email="bo@venue.test", display_name="Bo", role=Role.BOX_OFFICE, pin="246810"
    )
    checks = count_pin_checks(monkeypatch)
    codes = await together(
        TRIES, lambda i: staff.unlock_with_pin(ctx, kiosks[i], member.staff_number, "000000")
    )
    assert Counter(codes) == {"wrong_pin": 4, "staff_pin_locked_out": TRIES - 4}
    assert checks.calls == 5, "the tries past the limit were refused before any PIN was checked"


async def test_wrong_passwords_at_once_cost_five_argon2_verifies(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = race_ctx
    await staff.create_staff(
        ctx, ROOT, email="m@venue.test", display_name="M", role=Role.MANAGER, password="correct horse battery"
    )
    verifies = count_verifies(monkeypatch)
    codes = await together(TRIES, lambda _: staff.sign_in(ctx, email="m@venue.test", password="wrong one!!"))
    assert Counter(codes) == {"sign_in_failed": 4, "sign_in_locked_out": TRIES - 4}
    assert verifies.calls == 5


async def test_wrong_pins_at_once_at_one_device_cost_five_pin_checks(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = race_ctx
    device = await devices.register_device(ctx, name="Foyer", kind=DeviceKind.KIOSK)
    await devices.approve_device(ctx, ROOT, device.id)
    kiosk = DeviceActor(device.id, device.name)
    checks = count_pin_checks(monkeypatch)
    # A different staff number each (nobody's: as wrong as a wrong PIN): only the device's limit applies.
    codes = await together(TRIES, lambda i: staff.unlock_with_pin(ctx, kiosk, 100 + i, "000000"))
    assert Counter(codes) == {"wrong_pin": 4, "pin_locked_out": TRIES - 4}
    assert checks.calls == 5, "the tries past the limit were refused before any PIN was checked"
