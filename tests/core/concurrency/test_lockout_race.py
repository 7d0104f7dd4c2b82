"""Wrong PINs and passwords at once on PostgreSQL never get more tries checked than the limit; without the row
lock on the guard (the control below) they do."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import Settings
from core.db import guards
from core.db.engine import create_engine
from core.db.tables import attempt_guards
from core.db.transaction import Database
from core.domain.devices import DeviceKind
from core.domain.errors import EncoreError
from core.domain.lockout import Guard, LockoutPolicy
from core.domain.staff import DeviceActor, Role
from core.events.factory import open_bus
from core.services import devices, staff
from core.services.context import ServiceContext
from core.services.staff import PASSWORD_LOCKOUT
from tests.builders import ROOT
from tests.support.argon2 import count_verifies

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

TRIES = 12
HOLD_S = 0.05
"""How long each counting transaction stays open: long enough that all of them overlap."""

Step = Callable[[AsyncConnection, str, LockoutPolicy, datetime], Awaitable[tuple[Guard, bool]]]


@pytest.fixture
async def race_ctx(pg_database_url: str, clock) -> AsyncIterator[ServiceContext]:
    settings = Settings(database_url=pg_database_url)
    db = Database(create_engine(pg_database_url, pool_size=TRIES + 2, statement_timeout_s=30))
    bus = await open_bus(settings)
    yield ServiceContext(settings=settings, db=db, bus=bus, clock=clock)
    await bus.close()
    await db.dispose()


async def _together(n: int, attempt: Callable[[int], Awaitable[object]]) -> list[object]:
    start = asyncio.Event()

    async def one(i: int) -> object:
        await start.wait()
        try:
            return await attempt(i)
        except EncoreError as error:
            return error.code

    tasks = [asyncio.create_task(one(i)) for i in range(n)]
    await asyncio.sleep(0.05)
    start.set()
    return list(await asyncio.gather(*tasks))


async def _checked(ctx: ServiceContext, step: Step) -> int:
    """TRIES tries at once through ``step``, each in its own transaction: how many were let through."""
    key = "password:race@example.org"
    # The row exists before the race, for both variants: inserting it at once would queue them on the key.
    await ctx.db.write(lambda conn: guards.lock(conn, key, ctx.clock.now()))

    async def attempt(_: int) -> bool:
        async def work(conn: AsyncConnection) -> bool:
            _, refused = await step(conn, key, PASSWORD_LOCKOUT, ctx.clock.now())
            await asyncio.sleep(HOLD_S)
            return not refused

        return await ctx.db.write(work)

    return sum(bool(r) for r in await _together(TRIES, attempt))


async def _unsafe_count_try(
    conn: AsyncConnection, key: str, policy: LockoutPolicy, now: datetime
) -> tuple[Guard, bool]:
    """count_try without FOR UPDATE: read, think, write. Kept here, never in production code."""
    row = (
        await conn.execute(
            select(attempt_guards.c.failures, attempt_guards.c.lockouts, attempt_guards.c.locked_until).where(
                attempt_guards.c.key == key
            )
        )
    ).one()
    guard = Guard(row.failures, row.lockouts, row.locked_until)
    if guard.locked(now):
        return guard, True
    await asyncio.sleep(HOLD_S)
    counted = guard.fail(policy, now)
    await guards.save(conn, key, counted, now)
    return counted, False


async def test_tries_at_once_are_let_through_no_more_often_than_the_limit(race_ctx: ServiceContext) -> None:
    assert await _checked(race_ctx, guards.count_try) == PASSWORD_LOCKOUT.max_failures


async def test_control_without_the_row_lock_more_tries_get_through(race_ctx: ServiceContext) -> None:
    assert await _checked(race_ctx, _unsafe_count_try) > PASSWORD_LOCKOUT.max_failures


async def test_wrong_pins_at_once_for_one_staff_number_cost_five_argon2_verifies(
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
    verifies = count_verifies(monkeypatch)
    codes = await _together(
        TRIES, lambda i: staff.unlock_with_pin(ctx, kiosks[i], member.staff_number, "000000")
    )
    assert Counter(codes) == {"wrong_pin": 4, "staff_pin_locked_out": TRIES - 4}
    assert verifies.calls == 5, "the tries past the limit were refused before any argon2 ran"


async def test_wrong_passwords_at_once_cost_five_argon2_verifies(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx = race_ctx
    await staff.create_staff(
        ctx, ROOT, email="m@venue.test", display_name="M", role=Role.MANAGER, password="correct horse battery"
    )
    verifies = count_verifies(monkeypatch)
    codes = await _together(TRIES, lambda _: staff.sign_in(ctx, email="m@venue.test", password="wrong one!!"))
    assert Counter(codes) == {"sign_in_failed": 4, "sign_in_locked_out": TRIES - 4}
    assert verifies.calls == 5
