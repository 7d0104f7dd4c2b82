"""The checkout's look and sale statements reach a hold's places by index (EXPLAIN), as a custom plan and as the
generic plan PostgreSQL switches a prepared statement to after five runs."""

from __future__ import annotations

import json

import pytest
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from core.db import checkout as checkout_db
from core.services import checkout, sales
from core.services.signing_keys import ticket_signer
from tests.builders import build_stage
from tests.core.db.test_query_plans import _as_sql_literal, _nodes

pytestmark = pytest.mark.postgres


def _as_sql_arg(value) -> str:
    """An EXECUTE argument for a prepared text() statement (its CASTs give each parameter its type)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return f"'\\x{value.hex()}'::bytea"
    if isinstance(value, list):
        return "ARRAY[" + ", ".join(_as_sql_arg(v) for v in value) + "]"
    return _as_sql_literal(value)


async def _explain_text(ctx, stmt, params: dict, plan_mode: str) -> list[tuple[str, str | None, str | None]]:
    compiled = stmt.compile(dialect=asyncpg_dialect())
    args = ", ".join(_as_sql_arg(params[name]) for name in compiled.positiontup)

    async def work(conn):
        await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_mode}")
        await conn.exec_driver_sql(f"PREPARE sale AS {compiled}")
        raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE sale({args})")).scalar_one()
        await conn.exec_driver_sql("DEALLOCATE sale")
        return json.loads(raw) if isinstance(raw, str) else raw

    nodes = _nodes((await ctx.db.read(work))[0]["Plan"])
    return [
        (n["Node Type"], n.get("Relation Name"), n.get("Index Name"))
        for n in nodes
        if "Scan" in n["Node Type"]
    ]


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
async def test_the_checkout_statements_find_the_holds_places_by_index(pg_ctx, plan_mode):
    """The look and the sale (core.db.checkout) reach a hold's places through ix_places_hold_id, never by
    reading the concert's places, as a custom plan and as the generic plan a prepared statement goes to."""
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=2, seats_per_row=10, standing=5_000, max_per_order=4)
    for _ in range(50):
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4)
    hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 2)
    await ctx.db.write(lambda conn: conn.exec_driver_sql("ANALYZE places"))
    look_params = checkout_db.look_params(stage.kiosk, hold.id, "plan-key")
    seen = await checkout.look(ctx, stage.kiosk, hold.id, "plan-key")
    assert seen is not None
    sale = checkout_db.Sale(
        code="PLAN0001", concert_id=stage.id, hold_id=hold.id, idempotency_key="plan-key", actor=stage.kiosk,
        device_id=stage.kiosk.device_id, total=hold.total, method="card", reference="r", buyer_email=None,
        demo=False, language="en", now=ctx.clock.now(), places=seen.places, ticket_ids=seen.ticket_ids,
        serials=["S1", "S2"], signatures=[b"x", b"y"], key_id=(await ticket_signer(ctx)).key_id,
    )  # fmt: skip
    for stmt, params in ((checkout_db.LOOK, look_params), (checkout_db.SELL, checkout_db.sell_params(sale))):
        scans = await _explain_text(ctx, stmt, params, plan_mode)
        assert ("Seq Scan", "places", None) not in scans, scans
        assert ("Index Scan", "places", "ix_places_hold_id") in scans or (
            "Bitmap Index Scan",
            None,
            "ix_places_hold_id",
        ) in scans, scans
