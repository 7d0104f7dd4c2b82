"""Two admins giving two staff members the same PIN at once on PostgreSQL: the unique index lets exactly one
through; a look-then-write check without the index (the control below) lets both through."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import staff as staff_db
from core.db.tables import staff as staff_table
from core.domain.errors import Conflict, ErrorCode
from core.domain.ids import StaffId
from core.domain.staff import Role
from core.services import staff
from core.services.context import ServiceContext
from core.services.pin_key import pin_key
from tests.builders import ROOT
from tests.support.together import together

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

PIN = "246810"
HOLD_S = 0.1
"""How long each admin's transaction stays open after its write: long enough that both overlap."""

Step = Callable[[AsyncConnection, StaffId, str], Awaitable[object]]


async def _members(ctx: ServiceContext) -> list[StaffId]:
    made = [
        await staff.create_staff(ctx, ROOT, email=f"{n}@venue.test", display_name=n, role=Role.BOX_OFFICE)
        for n in ("ada", "bo")
    ]
    return [m.id for m in made]


async def _race(ctx: ServiceContext, step: Step) -> tuple[list[object], int]:
    """Both members given PIN at once through ``step``: the outcomes, and how many members then have it."""
    members = await _members(ctx)
    fingerprint = (await pin_key(ctx)).fingerprint(PIN)

    async def attempt(i: int) -> object:
        async def work(conn: AsyncConnection) -> object:
            done = await step(conn, members[i], fingerprint)
            await asyncio.sleep(HOLD_S)
            return done

        return await ctx.db.write(work)

    outcomes = await together(2, attempt)

    async def holders(conn: AsyncConnection) -> int:
        query = select(func.count()).where(staff_table.c.pin_fingerprint == fingerprint)
        return int((await conn.execute(query)).scalar_one())

    return outcomes, await ctx.db.read(holders)


async def _unsafe_set(conn: AsyncConnection, staff_id: StaffId, fingerprint: str) -> object:
    """Look whether anyone has the PIN, think, then write. Kept here, never in production code."""
    query = select(func.count()).where(
        staff_table.c.pin_fingerprint == fingerprint, staff_table.c.id != staff_id
    )
    if (await conn.execute(query)).scalar_one():
        raise Conflict("taken", code=ErrorCode.STAFF_PIN_TAKEN)
    await asyncio.sleep(HOLD_S)
    return await staff_db.set_pin_fingerprint(conn, staff_id, fingerprint)


async def test_the_unique_index_lets_exactly_one_through(race_ctx: ServiceContext) -> None:
    outcomes, holders = await _race(race_ctx, staff_db.set_pin_fingerprint)
    assert [o for o in outcomes if o == "staff_pin_taken"] == ["staff_pin_taken"], outcomes
    assert holders == 1


async def test_control_without_the_index_a_look_first_lets_both_through(race_ctx: ServiceContext) -> None:
    await race_ctx.db.write(lambda conn: conn.execute(text("DROP INDEX uq_staff_pin_fingerprint")))
    outcomes, holders = await _race(race_ctx, _unsafe_set)
    assert "staff_pin_taken" not in outcomes, outcomes
    assert holders == 2, "two members now share one PIN"


async def test_two_admins_at_once_through_the_service_leave_one_with_the_pin(
    race_ctx: ServiceContext,
) -> None:
    members = await _members(race_ctx)
    outcomes = await together(2, lambda i: staff.set_pin(race_ctx, ROOT, members[i], PIN))
    assert [o for o in outcomes if o == "staff_pin_taken"] == ["staff_pin_taken"], outcomes
