"""The standing pick stays on the partial index of free places, however full the section is (EXPLAIN)."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from sqlalchemy.dialects import postgresql

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
