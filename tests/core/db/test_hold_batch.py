"""The batch statement's changed-row guard (core/db/hold_batch.py), with its control.

A place picked FOR UPDATE whose newest version is not the one the statement's snapshot sees (it changed after the
snapshot was taken) makes the statement write nothing; the request then makes its own hold. The statement is
slowed (pg_sleep in its first CTE) so another connection can change a place between its snapshot and its pick.
"""

from __future__ import annotations

import asyncio
import uuid

import asyncpg
import pytest
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect
from sqlalchemy.engine import make_url

from core.db import hold_batch
from core.db.driver import positional
from tests.builders import build_stage

pytestmark = pytest.mark.postgres

GUARD = "AND tally.changed = 0"


async def _connect(url: str) -> asyncpg.Connection:
    u = make_url(url)
    return await asyncpg.connect(
        host=u.host, port=u.port or 5432, user=u.username, password=u.password, database=u.database
    )


@pytest.mark.parametrize("guard", ["with the guard", "control: without it"])
async def test_a_place_changed_after_the_snapshot_makes_the_batch_write_nothing(
    pg_ctx, pg_database_url, guard
):
    ctx = pg_ctx
    stage = await build_stage(ctx, standing=10, max_per_order=4)
    sql, order = positional(hold_batch.batch_statement("device", 4), asyncpg_dialect())
    sql = sql.replace(
        " AND c.status = 'on_sale'", " AND pg_sleep(0.5) IS NOT NULL AND c.status = 'on_sale'", 1
    )
    assert "pg_sleep" in sql
    if guard != "with the guard":
        assert GUARD in sql
        sql = sql.replace(GUARD, "")
    device = stage.kiosk.device_id
    keys = [f"guard-{uuid.uuid4().hex}", f"guard-{uuid.uuid4().hex}"]
    params = {
        "concert": stage.id,
        "section": stage.standing,
        "now": ctx.clock.now(),
        "holds": [uuid.uuid4().hex, uuid.uuid4().hex],
        "keys": keys,
        "actors": [f"device:{device}"] * 2,
        "actor_ids": [device] * 2,
        "devices": [device] * 2,
        "quantities": [2, 2],
    }
    batch, other = await _connect(pg_database_url), await _connect(pg_database_url)
    try:
        first = await other.fetchval(
            "SELECT id FROM places WHERE concert_id = $1 AND section_id = $2 ORDER BY pick_order, id LIMIT 1",
            stage.id,
            stage.standing,
        )
        running = asyncio.create_task(batch.fetch(sql, *[params[name] for name in order]))
        await asyncio.sleep(0.15)  # the batch has its snapshot and sleeps
        await other.execute("UPDATE places SET held_until = NULL WHERE id = $1", first)  # a newer version
        rows = await running
        made = await other.fetchval("SELECT count(*) FROM holds WHERE request_key = ANY($1)", keys)
        held = await other.fetchval(
            "SELECT count(*) FROM places WHERE concert_id = $1 AND state = 'held'", stage.id
        )
    finally:
        await batch.close()
        await other.close()
    if guard == "with the guard":
        assert (rows, made, held) == ([], 0, 0)
    else:  # the control: the same race, unguarded, writes
        assert made == 2
        assert held == 4
        assert len(rows) == 4
