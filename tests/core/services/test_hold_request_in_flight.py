"""The same hold request arriving while its first run has not committed yet (a retry after a lost reply, racing
the first): the retry's insert waits for the first on the request key's unique index, then inserts nothing; its
snapshot predates the first hold, so it runs again and answers with that hold. One hold, no second set of
places."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import event, func, select, text

from core.db import hold_statements
from core.db.tables import holds, places
from core.domain.ids import HoldId
from core.services import sales
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


async def _until_waiting_on_a_lock(ctx, within: float = 10.0) -> None:
    waiting = text(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
    )
    async with asyncio.timeout(within), ctx.db.engine.connect() as conn:
        while (await conn.execute(waiting)).scalar_one() == 0:  # noqa: ASYNC110 (polled: another backend)
            await asyncio.sleep(0.02)


async def test_a_retry_racing_its_uncommitted_first_run_gets_the_first_hold(pg_ctx):
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=20, max_per_order=4)
    first_id = HoldId(uuid.uuid4().hex)
    _kind, params = hold_statements.Ask(stage.kiosk, stage.id, first_id, ctx.clock.now(), "tap-7").params()
    runs: list[str] = []

    @event.listens_for(ctx.db.engine.sync_engine, "before_cursor_execute")
    def _count(_c, _cur, statement: str, *_rest) -> None:
        if "INSERT INTO holds" in statement:
            runs.append(statement)

    async with ctx.db.engine.connect() as first, first.begin():
        await first.execute(hold_statements.statements(2)["standing"], params | {"section": stage.standing})
        retry = asyncio.create_task(
            sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2, request_key="tap-7")
        )
        await _until_waiting_on_a_lock(ctx)  # the retry's insert, on the key the first run inserted
        assert not retry.done()
    # the first run has committed
    hold = await asyncio.wait_for(retry, 10)

    assert hold.id == first_id
    assert len(hold.places) == 2
    # The race happened: the retry's statement ran twice (nothing written by the first of its runs).
    assert len(runs) == 3  # the first run, and the retry's two
    async with ctx.db.engine.connect() as conn:
        assert (await conn.execute(select(func.count()).select_from(holds))).scalar_one() == 1
        held = select(func.count()).select_from(places).where(places.c.state == "held")
        assert (await conn.execute(held)).scalar_one() == 2
