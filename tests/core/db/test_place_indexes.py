"""What places' indexes cost and serve (migrations 0010 and 0013, tests/benchmarks/place_indexes.py for the
figures): ix_places_hold_id carries held places only, so a sale or a release writes no entry into it; the
lookups by hold use it, under custom and generic plans; and with statistics taken before the sale (as
put_on_sale leaves them) no statement of checkout, extend or release walks the held places' index."""

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


def _arg(value: Any) -> str:
    """An EXECUTE argument for a captured statement (core's text() statements CAST their parameters)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, bytes):
        return f"'\\x{value.hex()}'::bytea"
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(_arg(v) for v in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    if hasattr(value, "isoformat"):
        return f"'{value.isoformat()}'"
    return "'" + str(value).replace("'", "''") + "'"


_OLD_HELD = "CREATE INDEX ix_places_held ON places (concert_id, section_id, held_until) WHERE state = 'held'"


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
@pytest.mark.parametrize("held_index", ["0013", "0010 (control)"])
async def test_no_hold_lookup_walks_the_held_index_on_stale_statistics(pg_ctx, plan_mode, held_index):
    """Statistics from put_on_sale (nothing held), then a sale under way: 1,200 places held. Every statement
    that checkout, extend and release send about places is captured as sent and EXPLAINed prepared. With
    0010's predicate (state = 'held' only) the planner took ix_places_held for them, counted empty, and walked
    every held place; the control shows that it still does with that index."""
    ctx = pg_ctx
    if held_index != "0013":
        await _autocommit(ctx, "DROP INDEX ix_places_held", _OLD_HELD)
    stage = await build_stage(ctx, rows=5, seats_per_row=20, standing=3_000, max_per_order=4)  # ANALYZEs
    holds = [await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4) for _ in range(300)]
    sent: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, many) -> None:
        if "places" in statement.lower():
            sent.append((statement, parameters[0] if many else parameters))

    event.listen(ctx.db.engine.sync_engine, "before_cursor_execute", capture)
    try:
        await sales.extend_hold(ctx, stage.kiosk, holds[10].id)
        await sales.release_hold(ctx, stage.kiosk, holds[11].id)
        hold = holds[12]
        total = Money.total([p.price for p in hold.places], "EUR")
        await checkout.checkout_hold(
            ctx, stage.kiosk, hold.id, idempotency_key="stale", payment=Payment("card", "r", total)
        )
    finally:
        event.remove(ctx.db.engine.sync_engine, "before_cursor_execute", capture)
    assert sent

    async def explain(conn, sql: str, params: Any) -> list[str]:
        await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_mode}")
        await conn.exec_driver_sql(f"PREPARE look AS {sql}")
        args = ", ".join(_arg(p) for p in (params or ()))
        execute = f"EXECUTE look({args})" if args else "EXECUTE look"
        raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {execute}")).scalar_one()
        await conn.exec_driver_sql("DEALLOCATE look")
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        return [
            n.get("Index Name") or n.get("Relation Name") or ""
            for n in _nodes(plan)
            if "Scan" in n["Node Type"]
        ]

    walks = []
    for sql, params in sent:
        scans = await ctx.db.read(lambda conn, sql=sql, params=params: explain(conn, sql, params))
        if "ix_places_held" in scans:
            walks.append(" ".join(sql.split())[:120])
    if held_index == "0013":
        assert walks == []
    else:
        assert walks, "the control no longer shows the planner taking ix_places_held for a lookup by hold"
