"""The standing pick stays on the partial index of free places, however full the section is (EXPLAIN)."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from core.db.places import standing_hold_statement
from core.domain.ids import HoldId
from core.services import sales
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


def _nodes(plan: dict) -> list[dict]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(_nodes(child))
    return found


async def _explain(ctx, stmt) -> list[dict]:
    sql = str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))

    async def work(conn):
        result = await conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + sql)
        raw = result.scalar_one()
        return json.loads(raw) if isinstance(raw, str) else raw

    return _nodes((await ctx.db.read(work))[0]["Plan"])


@pytest.mark.parametrize("lapsed", [False, True], ids=["free", "lapsed"])
async def test_standing_pick_uses_the_partial_index(pg_ctx, lapsed):
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=20, seats_per_row=50, standing=10_000, max_per_order=4)
    for _ in range(50):  # some places held, as in a sale under way
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4)
    now = ctx.clock.now()
    stmt = standing_hold_statement(
        stage.id, stage.standing, 4, HoldId(uuid.uuid4().hex), now + timedelta(minutes=5), now, lapsed=lapsed
    )
    nodes = await _explain(ctx, stmt)
    scans = [
        (n["Node Type"], n.get("Relation Name"), n.get("Index Name"))
        for n in nodes
        if "Scan" in n["Node Type"]
    ]
    assert ("Seq Scan", "places", None) not in scans, scans
    expected = "ix_places_held" if lapsed else "ix_places_free"
    assert any(index == expected for _, _, index in scans), scans
    assert any(n["Node Type"] == "LockRows" for n in nodes)


def _as_sql_literal(value) -> str:
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


@pytest.mark.parametrize("lapsed", [False, True], ids=["free", "lapsed"])
async def test_standing_pick_keeps_the_index_as_a_generic_prepared_plan(pg_ctx, lapsed):
    """asyncpg prepares statements and PostgreSQL switches to a generic plan after five runs. A generic plan
    cannot prove a partial index's ``WHERE state = 'free'`` from a bound ``$n``, so the state must be SQL."""
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=20, seats_per_row=50, standing=10_000, max_per_order=4)
    now = ctx.clock.now()
    stmt = standing_hold_statement(
        stage.id, stage.standing, 4, HoldId(uuid.uuid4().hex), now + timedelta(minutes=5), now, lapsed=lapsed
    )
    compiled = stmt.compile(dialect=asyncpg_dialect())
    params = compiled.construct_params()
    args = ", ".join(_as_sql_literal(params[name]) for name in compiled.positiontup)

    async def work(conn):
        await conn.exec_driver_sql("SET LOCAL plan_cache_mode = force_generic_plan")
        await conn.exec_driver_sql(f"PREPARE pick AS {compiled}")
        raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE pick({args})")).scalar_one()
        await conn.exec_driver_sql("DEALLOCATE pick")
        return json.loads(raw) if isinstance(raw, str) else raw

    nodes = _nodes((await ctx.db.read(work))[0]["Plan"])
    scans = [
        (n["Node Type"], n.get("Relation Name"), n.get("Index Name"))
        for n in nodes
        if "Scan" in n["Node Type"]
    ]
    assert ("Seq Scan", "places", None) not in scans, scans
    assert any(index == ("ix_places_held" if lapsed else "ix_places_free") for _, _, index in scans), scans
