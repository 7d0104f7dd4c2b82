"""Two admins demoting each other at once on PostgreSQL leave one admin; the same race against a check that does
not lock the admins leaves none.

The harness holds each transaction just after it has read the admins, until the other has read them too (or a
moment has passed: with the lock, the other is waiting for it). That is the worst interleaving, made every time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import staff as staff_db
from core.db.tables import staff as staff_table
from core.domain.ids import StaffId
from core.domain.staff import Role, StaffActor
from core.services import staff
from core.services.context import ServiceContext
from tests.builders import ROOT
from tests.support.together import together

pytestmark = pytest.mark.postgres

Reader = Callable[[AsyncConnection], Awaitable[frozenset[StaffId]]]


async def _unlocked_admins(conn: AsyncConnection) -> frozenset[StaffId]:
    """The unsafe variant: the same read without FOR UPDATE; each transaction counts from its own snapshot."""
    rows = await conn.execute(
        select(staff_table.c.id).where(staff_table.c.role == Role.ADMIN.value, staff_table.c.active.is_(True))
    )
    return frozenset(StaffId(r) for r in rows.scalars())


def _paused(read: Reader) -> Reader:
    """``read``, then wait until both transactions have read (at most a moment: a locked one never will)."""
    arrived: list[asyncio.Event] = []
    both = asyncio.Event()

    async def paused(conn: AsyncConnection) -> frozenset[StaffId]:
        found = await read(conn)
        arrived.append(asyncio.Event())
        if len(arrived) == 2:
            both.set()
        try:
            async with asyncio.timeout(0.5):
                await both.wait()
        except TimeoutError:
            pass  # the other transaction is waiting for our lock: go on
        return found

    return paused


async def _race(
    ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch, read: Reader, *, disable: bool = False
) -> tuple[list[object], set]:
    first, second = [
        await staff.create_staff(
            ctx, ROOT, email=f"a{i}@race.test", display_name=f"Admin {i}", role=Role.ADMIN
        )
        for i in (1, 2)
    ]
    actors = [StaffActor(m.id, m.role, m.display_name) for m in (first, second)]
    targets = [second.id, first.id]  # each demotes the other
    monkeypatch.setattr(staff_db, "lock_active_admins", _paused(read))

    async def demote(i: int) -> object:
        if disable:
            return (
                "disabled"
                if not (await staff.set_staff_active(ctx, actors[i], targets[i], False)).active
                else "?"
            )
        return (await staff.set_staff_role(ctx, actors[i], targets[i], Role.MANAGER)).role

    outcome = await together(2, demote)
    monkeypatch.undo()
    left = {m.id for m in await staff.list_staff(ctx, ROOT) if m.role is Role.ADMIN and m.active}
    return outcome, left


async def test_two_admins_demoting_each_other_leave_one_admin(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome, left = await _race(race_ctx, monkeypatch, staff_db.lock_active_admins)
    assert sorted(map(str, outcome)) == ["manager", "not_allowed"]  # the second finds itself demoted
    assert len(left) == 1


async def test_control_without_the_lock_both_win_and_no_admin_is_left(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome, left = await _race(race_ctx, monkeypatch, _unlocked_admins)
    assert outcome == [Role.MANAGER, Role.MANAGER]
    assert left == set()


async def test_two_admins_disabling_each_other_leave_one_admin(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome, left = await _race(race_ctx, monkeypatch, staff_db.lock_active_admins, disable=True)
    assert sorted(map(str, outcome)) == ["disabled", "not_allowed"]
    assert len(left) == 1


async def test_control_disabling_without_the_lock_leaves_no_admin(
    race_ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    outcome, left = await _race(race_ctx, monkeypatch, _unlocked_admins, disable=True)
    assert outcome == ["disabled", "disabled"]
    assert left == set()
