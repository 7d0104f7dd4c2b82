"""What places' indexes cost and serve (migration 0010, tests/benchmarks/place_indexes.py for the figures):
ix_places_hold_id carries held places only, so a sale or a release writes no entry into it, and the lookups
by hold still use it, under custom and generic plans."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import event, text

from core.db import places as places_db
from core.domain.money import Money
from core.domain.orders import Payment
from core.services import checkout, sales
from tests.builders import build_stage

pytestmark = pytest.mark.postgres


async def _autocommit(ctx, *statements: str) -> None:
    async with ctx.db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for statement in statements:
            await conn.exec_driver_sql(statement)


async def _scalar(ctx, sql: str) -> Any:
    return await ctx.db.read(lambda conn: _one(conn, sql))


async def _one(conn, sql: str) -> Any:
    return (await conn.execute(text(sql))).scalar_one()


async def test_the_hold_id_index_carries_held_places_only(pg_ctx):
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=5, seats_per_row=20, standing=300, max_per_order=4)
    holds = [await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4) for _ in range(6)]
    for n, hold in enumerate(holds[:2]):
        total = Money.total([p.price for p in hold.places], "EUR")
        await checkout.checkout_hold(
            ctx, stage.kiosk, hold.id, idempotency_key=f"k{n}", payment=Payment("card", f"r{n}", total)
        )
    await sales.release_hold(ctx, stage.kiosk, holds[2].id)
    # VACUUM counts each index's live entries exactly (and drops the dead versions the updates left).
    await _autocommit(ctx, "VACUUM places")
    entries = await _scalar(ctx, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'ix_places_hold_id'")
    held = await _scalar(ctx, "SELECT count(*) FROM places WHERE state = 'held'")
    places = await _scalar(ctx, "SELECT count(*) FROM places")
    assert held == 3 * 4
    # Control: the primary key carries every place, as a full index on hold_id did before 0010.
    assert await _scalar(ctx, "SELECT reltuples::bigint FROM pg_class WHERE relname = 'pk_places'") == places
    assert entries == held, (entries, held, places)


def _nodes(plan: dict) -> list[dict]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(_nodes(child))
    return found


def _literal(value: Any) -> str:
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
async def test_lookups_by_hold_use_the_hold_id_index(pg_ctx, plan_mode):
    """The statements checkout, payment, extend and release send to find a hold's places, captured as asyncpg
    sends them ($n parameters) and EXPLAINed prepared: hold_id = $1 implies the index's hold_id IS NOT NULL,
    so even the generic plan can use it."""
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=5, seats_per_row=20, standing=2_000, max_per_order=4)
    holds = [await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4) for _ in range(40)]
    await _autocommit(ctx, "ANALYZE places")
    sent: list[tuple[str, tuple[Any, ...]]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:
        sent.append((statement, tuple(parameters or ())))

    hold_id = holds[7].id
    event.listen(ctx.db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        assert len(await ctx.db.read(lambda conn: places_db.held_by(conn, hold_id))) == 4
        assert len(await ctx.db.write(lambda conn: places_db.lock_hold_places(conn, hold_id))) == 4
    finally:
        event.remove(ctx.db.engine.sync_engine, "before_cursor_execute", capture)
    lookups = [(sql, params) for sql, params in sent if "places" in sql and hold_id in params]
    assert len(lookups) == 2, sent

    async def explain(conn, sql: str, params: tuple[Any, ...]) -> list[str | None]:
        await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_mode}")
        await conn.exec_driver_sql(f"PREPARE lookup AS {sql}")
        args = ", ".join(_literal(p) for p in params)
        raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE lookup({args})")).scalar_one()
        await conn.exec_driver_sql("DEALLOCATE lookup")
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        return [
            n.get("Index Name")
            for n in _nodes(plan)
            if n.get("Relation Name") == "places" or "Index Name" in n
        ]

    for sql, params in lookups:
        indexes = await ctx.db.read(lambda conn, sql=sql, params=params: explain(conn, sql, params))
        assert "ix_places_hold_id" in indexes, (sql, indexes)
