"""The Audit log's Action filter lists each action in the log once, in order, on both engines (a recursive
skip scan down the action index; test_query_plans shows it reads one entry per action on PostgreSQL)."""

from __future__ import annotations

from core.db import audit
from core.services.context import ServiceContext
from tests.builders import ROOT


async def test_each_action_once_in_order(ctx: ServiceContext) -> None:
    before = await ctx.db.read(audit.actions)
    logged = ["venue_created", "concert_created", "venue_created", "a_first", "zz_last", "concert_created"]

    async def work(conn):
        for action in logged:
            await audit.record(conn, at=ctx.clock.now(), actor=ROOT, action=action, subject="test")

    await ctx.db.write(work)
    assert await ctx.db.read(audit.actions) == sorted(set(before) | set(logged))
