"""The standing pick stays on the partial index of free places, however full the section is (EXPLAIN), both as a
custom plan and as the generic plan PostgreSQL switches a prepared statement to after five runs; the other
one-statement holds and the Audit log's filters read through indexes too."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from core.db import audit, hold_batch, hold_statements
from core.db.places import pick_params, standing_hold_statement
from core.domain.ids import HoldId
from core.domain.reports import AuditQuery
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
    return await _scans(ctx, f"pick AS {compiled}", f"pick({args})", plan_mode)


async def _scans(ctx, prepare: str, execute: str, plan_mode: str) -> list[tuple[str, str | None, str | None]]:
    """PREPARE ``prepare``, EXPLAIN EXECUTE ``execute`` under ``plan_mode``: each scan's node type, table and
    index. EXPLAIN alone runs no write."""
    name = prepare.split(None, 1)[0].split("(", 1)[0]

    async def work(conn):
        await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_mode}")
        await conn.exec_driver_sql(f"PREPARE {prepare}")
        raw = (await conn.exec_driver_sql(f"EXPLAIN (FORMAT JSON) EXECUTE {execute}")).scalar_one()
        await conn.exec_driver_sql(f"DEALLOCATE {name}")
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


# --- the one-statement holds, extend and release (core/db/hold_statements.py) -----------------------


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, list):  # an array: of ids, or of text (a batch of holds)
        items = ("NULL" if v is None else str(v) if isinstance(v, int) else f'"{v}"' for v in value)
        return "'{" + ",".join(items) + "}'"
    return _as_sql_literal(value)


async def _explain_text(ctx, stmt, params: dict, plan_mode: str) -> list[tuple[str, str | None, str | None]]:
    """EXPLAIN a text statement as asyncpg runs it: prepared with $n parameters (EXPLAIN alone runs no write)."""
    compiled = stmt.compile(dialect=asyncpg_dialect())
    args = ", ".join(_literal(params[name]) for name in compiled.positiontup)
    return await _scans(ctx, f"one AS {compiled}", f"one({args})", plan_mode)


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
@pytest.mark.parametrize("name", ["standing", "chosen", "extend", "release", "free seats"])
async def test_one_statement_holds_use_indexes_not_a_scan_of_places(pg_ctx, name, plan_mode):
    if name == "free seats" and plan_mode == "force_generic_plan":
        # It reads a whole section; with one concert in the database the generic estimate (half of places)
        # makes a scan the cheaper plan, and only a database of several concerts shows what a venue gets.
        pytest.skip("best available's seat read: the generic plan depends on how many concerts there are")
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=20, seats_per_row=50, standing=10_000, max_per_order=4)
    held = [await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4) for _ in range(50)]
    now = ctx.clock.now()
    params = {
        "actor_id": stage.kiosk.device_id,
        "device": stage.kiosk.device_id,
        "actor": f"device:{stage.kiosk.device_id}",
        "concert": stage.id,
        "section": stage.seated if name == "free seats" else stage.standing,
        "hold": held[0].id if name in ("extend", "release") else uuid.uuid4().hex,
        "request_key": "explain-1",
        "now": now,
        "ids": list(stage.seats[:2]),
        "count": 2,
    }
    scans = await _explain_text(ctx, hold_statements.statements(2)[name], params, plan_mode)
    # Every read of places goes through an index: the primary key, the hold's, or a partial index.
    assert not [s for s in scans if s[0] == "Seq Scan" and s[1] in ("places", "holds")], scans
    wanted = {
        "standing": {"ix_places_free", "ix_places_held"},  # free places first, then lapsed holds
        "chosen": {"pk_places"},
        "extend": {"pk_holds", "ix_places_hold_id"},
        "release": {"pk_holds", "ix_places_hold_id"},
        "free seats": {"ix_places_free", "ix_places_held"},
    }[name]
    assert wanted <= {index for _, _, index in scans}, scans


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
async def test_a_batch_of_standing_holds_picks_on_the_free_index_and_finds_the_rest_by_key(pg_ctx, plan_mode):
    """core/db/hold_batch.py: the free places on their partial index, everything else by primary key."""
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=20, seats_per_row=50, standing=10_000, max_per_order=4)
    for _ in range(50):
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4)
    device, n = stage.kiosk.device_id, 16  # a full batch (hold_lanes.MAX_HOLDS): nothing is read per request
    params = {
        "concert": stage.id,
        "section": stage.standing,
        "now": ctx.clock.now(),
        "holds": [uuid.uuid4().hex for _ in range(n)],
        "keys": [f"explain-{k}" for k in range(n)],
        "actors": [f"device:{device}"] * n,
        "actor_ids": [device] * n,
        "devices": [device] * n,
        "quantities": [4] * n,
    }
    scans = await _explain_text(ctx, hold_batch.batch_statement("device", 64), params, plan_mode)
    assert not [s for s in scans if s[0] == "Seq Scan" and s[1] in ("places", "holds")], scans
    assert {"ix_places_free", "pk_places"} <= {index for _, _, index in scans}, scans
    # The pick on the free index; the changed-row count and the update find each place by its key.
    assert [s for s in scans if s[1] == "places"] == [
        ("Index Scan", "places", "ix_places_free"),
        ("Index Scan", "places", "pk_places"),
        ("Index Scan", "places", "pk_places"),
    ], scans


# --- the Audit log screen's filters (core/db/audit.py) --------------------------------------------


async def _fill_audit_log(ctx, entries: int) -> None:
    """A venue's log after a year or so, an entry every ten minutes, as skewed as a real one: most entries from
    a few busy actors doing a few things (prints, sign-ins), the rest spread over 41 more devices, 97 staff
    members and 53 actions: a filter asks for one of those. Then ANALYZE, as autovacuum would have by then.
    (With every value equally common, walking the primary key newest first and skipping non-matches is as
    cheap for a page as any index, and PostgreSQL rightly takes it.)"""

    async def work(conn):
        await conn.exec_driver_sql(
            "INSERT INTO audit_log (at, actor, action, subject, details) "
            "SELECT timestamptz '2025-01-01 00:00+00' + g * interval '10 minutes', "
            "CASE WHEN g % 20 < 12 THEN 'device:' || (g % 4 + 1) WHEN g % 20 < 16 THEN 'system:sign-in' "
            "WHEN g % 20 < 18 THEN 'device:' || (g % 41 + 10) ELSE 'staff:' || (g % 97 + 1) END, "
            "CASE WHEN g % 20 < 12 THEN 'ticket_printed' WHEN g % 20 < 16 THEN 'staff_signed_in' "
            "WHEN g % 20 < 18 THEN 'device_renamed' ELSE 'action_' || (g % 53) END, "
            "'venue:' || (g % 7), '{}'::json "
            f"FROM generate_series(1, {entries}) AS g"
        )
        await conn.exec_driver_sql("ANALYZE audit_log")

    await ctx.db.write(work)


_WEEK = (datetime(2025, 6, 2, tzinfo=UTC), datetime(2025, 6, 9, tzinfo=UTC))
_AUDIT_FILTERS = {
    "staff": (AuditQuery(staff_id=7), {"ix_audit_log_actor_id"}),
    "device": (AuditQuery(device_id=12), {"ix_audit_log_actor_id"}),
    "action": (AuditQuery(action="action_4"), {"ix_audit_log_action_id"}),
    "days": (AuditQuery(since=_WEEK[0], until=_WEEK[1]), {"ix_audit_log_at"}),
    "staff and days": (
        AuditQuery(staff_id=7, since=_WEEK[0], until=_WEEK[1]),
        {"ix_audit_log_actor_id", "ix_audit_log_at"},
    ),
}


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
@pytest.mark.parametrize("statement", ["first page", "older page", "count"])
@pytest.mark.parametrize("name", list(_AUDIT_FILTERS))
async def test_audit_log_filters_use_an_index_not_a_scan_of_the_log(pg_ctx, name, statement, plan_mode):
    await _fill_audit_log(pg_ctx, 60_000)
    query, indexes = _AUDIT_FILTERS[name]
    stmt = {
        "first page": audit.page_statement(query, before=None, limit=51),
        "older page": audit.page_statement(query, before=40_000, limit=51),
        "count": audit.count_statement(query),
    }[statement]
    if (name, statement, plan_mode) == ("action", "older page", "force_generic_plan"):
        # Not knowing the action, the generic plan guesses 1 entry in 55 (the log's distinct actions) and walks
        # the primary key back from the page's id, skipping other actions: cheap for a common action, longer
        # for a rare one on an old page; the custom plan uses the action's index.
        indexes = indexes | {"pk_audit_log"}
    scans = await _explain(pg_ctx, stmt, {}, plan_mode)
    assert ("Seq Scan", "audit_log", None) not in scans, scans
    assert indexes & {index for _, _, index in scans}, scans


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
async def test_the_audit_logs_action_list_steps_down_its_index_not_every_entry(pg_ctx, plan_mode):
    """The Action filter's list: SELECT DISTINCT read all 60,000 entries of the index (an Index Only Scan
    without a condition); the skip scan takes one step per action."""
    await _fill_audit_log(pg_ctx, 60_000)

    async def index_reads(sql: str) -> tuple[int, set[str | None]]:
        """Entries of audit_log the statement read (EXPLAIN ANALYZE), and through which indexes."""

        async def work(conn):
            await conn.exec_driver_sql(f"SET LOCAL plan_cache_mode = {plan_mode}")
            raw = (await conn.exec_driver_sql(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")).scalar_one()
            return json.loads(raw) if isinstance(raw, str) else raw

        nodes = [
            n
            for n in _nodes((await pg_ctx.db.read(work))[0]["Plan"])
            if n.get("Relation Name") == "audit_log"
        ]
        return sum(n["Actual Rows"] * n["Actual Loops"] for n in nodes), {n.get("Index Name") for n in nodes}

    compiled = str(audit.actions_statement().compile(dialect=asyncpg_dialect()))
    read, indexes = await index_reads(compiled)
    assert indexes == {"ix_audit_log_action_id"}
    assert read < 500  # about two entries per action (56 of them)
    control, _ = await index_reads("SELECT DISTINCT action FROM audit_log ORDER BY action")
    assert control >= 60_000
    distinct = await pg_ctx.db.read(
        lambda conn: conn.exec_driver_sql("SELECT DISTINCT action FROM audit_log ORDER BY action")
    )
    assert await pg_ctx.db.read(audit.actions) == [a for (a,) in distinct.all()]
    assert len(await pg_ctx.db.read(audit.actions)) >= 56


# --- why a hold made nothing (encore_hold_report, migrations 0021 and 0022) ------------------------

_REPORT_ARGS = (
    "concert", "section", "actor_kind", "actor_id", "request_key", "now", "q", "standing", "picked", "changed",
    "attempted",
)  # fmt: skip
_REPORT_TYPES = "bigint, bigint, text, bigint, text, timestamptz, integer, boolean, bigint, bigint, boolean"


async def _report_query(ctx) -> str:
    """The report's query as the database holds it (the rows the function returns as JSON), its arguments as
    $n."""

    async def work(conn):
        source = await conn.exec_driver_sql("SELECT prosrc FROM pg_proc WHERE proname = 'encore_hold_report'")
        return source.scalar_one()

    query = (await ctx.db.read(work)).split("json_agg(report) FROM (", 1)[1].rsplit(") report);", 1)[0]
    for n, name in enumerate(_REPORT_ARGS, start=1):
        query = re.sub(rf"\bin_{name}\b", f"${n}", query)
    return query


@pytest.mark.parametrize("plan_mode", ["force_custom_plan", "force_generic_plan"])
async def test_the_standing_report_reads_places_and_holds_by_index(pg_ctx, plan_mode):
    """The report runs only when a hold made nothing; its plan (PL/pgSQL keeps a generic one after five calls)
    reads the crowded counts, the prior hold and its places through indexes, as the statement did."""
    ctx = pg_ctx
    stage = await build_stage(ctx, rows=20, seats_per_row=50, standing=10_000, max_per_order=4)
    held = [
        await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, 4, request_key=f"k-{n}")
        for n in range(50)
    ]
    values = (
        stage.id,
        stage.standing,
        "device",
        stage.kiosk.device_id,
        "k-7",
        ctx.clock.now(),
        4,
        "true",
        2,
        0,
    )
    args = ", ".join(_as_sql_literal(v) for v in (*values, "false"))
    query = await _report_query(ctx)
    assert held
    scans = await _scans(ctx, f"report({_REPORT_TYPES}) AS {query}", f"report({args})", plan_mode)
    assert not [s for s in scans if s[0] == "Seq Scan" and s[1] in ("places", "holds")], scans
    wanted = {"ix_places_free", "ix_places_held", "ix_places_hold_id", "uq_holds_request_key"}
    assert wanted <= {index for _, _, index in scans}, scans


async def test_the_reports_keys_are_the_ones_the_statements_read(pg_ctx):
    """The report's JSON has an object per row with exactly the keys hold_statements reads, in its order."""

    async def work(conn):
        result = await conn.exec_driver_sql(
            "SELECT encore_hold_report(0, 0, 'system', NULL, 'none', now(), 1, true, 0, 0, false)::text"
        )
        return result.scalar_one()

    rows = json.loads(await pg_ctx.db.read(work))
    assert len(rows) == 1  # no such concert: one row, every fact NULL
    assert tuple(rows[0]) == hold_statements.REPORT_COLUMNS
    assert rows[0]["id"] is None


async def test_the_reports_times_come_back_in_utc_whatever_the_sessions_time_zone(pg_ctx):
    """JSON writes a timestamptz in the session's time zone; the report's times are read back as UTC, as the
    driver hands over every other timestamp (a retried request gets the same expiry it got the first time)."""
    stage = await build_stage(pg_ctx, standing=10, max_per_order=4)

    async def work(conn):
        await conn.exec_driver_sql("SET LOCAL TIME ZONE 'Europe/Berlin'")
        report = await conn.exec_driver_sql(
            f"SELECT encore_hold_report({stage.id}, {stage.standing}, 'system', NULL, 'none', now(), 1, true, "
            "0, 0, false)::text"
        )
        return report.scalar_one()

    text_ = await pg_ctx.db.read(work)
    assert "+01:00" in text_  # the control: Berlin in December, as the session's zone wrote it
    facts = hold_statements._report_rows(text_)[0]
    for key in ("doors_at", "starts_at", "sales_open_at", "sales_close_at"):
        assert facts[key].tzinfo is UTC, key
    assert facts["starts_at"] == stage.concert.starts_at
