"""The standing pick stays on the partial index of free places, however full the section is (EXPLAIN), both as a
custom plan and as the generic plan PostgreSQL switches a prepared statement to after five runs."""

from __future__ import annotations

import json
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from core.db.places import pick_params, standing_hold_statement
from core.domain.ids import HoldId
from core.services import sales
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


def _nodes(plan: dict) -> list[dict]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(_nodes(child))
    return found


def _as_sql_literal(value) -> str:
    if isinstance(value, datetime):
        return f"'{value.isoformat()}'"
    if isinstance(value, int | float):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


async def _explain(ctx, stmt, params: dict, plan_mode: str) -> list[tuple[str, str | None, str | None]]:
    """EXPLAIN the statement as asyncpg runs it: prepared, with $n parameters."""
    compiled = stmt.compile(dialect=asyncpg_dialect())
    values = compiled.construct_params(params)
    args = ", ".join(_as_sql_literal(values[name]) for name in compiled.positiontup)

    async def work(conn):
        await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_mode}")
        await conn.exec_driver_sql(f"PREPARE pick AS {compiled}")
        raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE pick({args})")).scalar_one()
        await conn.exec_driver_sql("DEALLOCATE pick")
        return json.loads(raw) if isinstance(raw, str) else raw

    nodes = _nodes((await ctx.db.read(work))[0]["Plan"])
    return [
        (n["Node Type"], n.get("Relation Name"), n.get("Index Name"))
        for n in nodes
        if "Scan" in n["Node Type"]
    ]


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
@pytest.mark.parametrize("lapsed", [False, True], ids=["free", "lapsed"])
async def test_standing_pick_uses_the_partial_index(pg_ctx, lapsed, plan_mode):
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=20, seats_per_row=50, standing=10_000, max_per_order=4)
    for _ in range(50):  # some places held, as in a sale under way
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4)
    now = ctx.clock.now()
    params = pick_params(
        stage.id, stage.standing, HoldId(uuid.uuid4().hex), now + timedelta(minutes=5), now, lapsed=lapsed
    )
    scans = await _explain(ctx, standing_hold_statement(4, lapsed=lapsed), params, plan_mode)
    # Without the literal state and LIMIT, the generic plan was two sequential scans of places; without
    # ORDER BY pick_order the custom plan walked the primary key.
    assert ("Seq Scan", "places", None) not in scans, scans
    assert any(index == ("ix_places_held" if lapsed else "ix_places_free") for _, _, index in scans), scans
