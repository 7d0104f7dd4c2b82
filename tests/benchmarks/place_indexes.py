"""What each write costs PostgreSQL on ``places``: index sets and fillfactors, holds/s and checkouts/s.

Each variant gets its own database (migrated schema, then the variant's DDL, then a fresh concert of 100,000
standing places and a 20,000-seat plan, so fillfactor applies to every row), VACUUM ANALYZE, then:

  raw holds       the one-statement hold (pick ... FOR UPDATE SKIP LOCKED, INSERT hold, UPDATE places)
                  through an asyncpg pool, autocommit: the least SQL, where index maintenance shows most
  ours            sales.hold_standing then checkout.checkout_hold, no publish: holds/s and checkouts/s
  per statement   EXPLAIN (ANALYZE, WAL, BUFFERS) of sequential 2-place holds, releases and sales: WAL records,
                  bytes and buffers per place, which load on a shared machine does not blur (the rates above
                  it does)
  pg_stat         n_tup_upd / n_tup_hot_upd of places, and its index sizes afterwards

Run: ``python -m tests.benchmarks --only place_indexes [--scale F]`` (not part of ``make bench``).
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from core.config import Settings
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.db.transaction import Database
from core.domain.clock import SystemClock
from core.domain.errors import EncoreError
from core.domain.money import Money
from core.domain.orders import Payment
from core.services import checkout, sales
from core.services.context import ServiceContext
from tests.benchmarks._common import Env, NullBus, Result, warm_pool
from tests.builders import Stage
from tests.support import pgdb
from tests.support.context import memory_signer

NAME = "place_indexes"
TITLE = "places: index sets and fillfactor against holds/s, checkouts/s, WAL per write, HOT updates"

TASKS = 32
DURATION_S = 3.0
STANDING = 100_000
ROWS, SEATS_PER_ROW = 100, 200  # 20,000 seats
PER_STATEMENT = 60

# Index sets as DDL from the schema at head (0013).
_HOLD_ID_FULL = ("DROP INDEX ix_places_hold_id", "CREATE INDEX ix_places_hold_id ON places (hold_id)")
_HELD_0010 = (
    "DROP INDEX ix_places_held",
    "CREATE INDEX ix_places_held ON places (concert_id, section_id, held_until) WHERE state = 'held'",
)
INDEX_SETS: dict[str, tuple[str, ...]] = {
    "0009": (
        "CREATE INDEX ix_places_concert_id_category_id ON places (concert_id, category_id)",
        *_HOLD_ID_FULL,
        *_HELD_0010,
    ),
    "0009 - concert_category": (*_HOLD_ID_FULL, *_HELD_0010),
    "0010": _HELD_0010,
    # 0013 writes what 0010 writes (same entries); it changes which statements can use ix_places_held.
    "0013": (),
    # Not taken: on SQLite the inline UNIQUE cannot become partial without rebuilding places.
    "0013 + ticket_id partial": (
        "ALTER TABLE places DROP CONSTRAINT uq_places_ticket_id",
        "CREATE UNIQUE INDEX uq_places_ticket_id ON places (ticket_id) WHERE ticket_id IS NOT NULL",
    ),
    # A control, not a candidate: no index names state, hold_id or held_until, so a hold can be HOT; the
    # pick then walks past every held and sold place in (pick_order, id) order.
    "HOT-able control": (
        "DROP INDEX ix_places_hold_id",
        "DROP INDEX ix_places_held",
        "DROP INDEX ix_places_free",
        "CREATE INDEX ix_places_pick ON places (concert_id, section_id, pick_order, id)",
    ),
}
VARIANTS: tuple[tuple[str, int], ...] = (
    ("0009", 100),
    ("0009 - concert_category", 100),
    ("0010", 100),
    ("0013", 100),
    ("0013 + ticket_id partial", 100),
    ("HOT-able control", 80),
    ("0013", 90),
    ("0013", 80),
    ("0013", 70),
)

_HOLD = """
WITH picked AS (
  SELECT id FROM places WHERE concert_id = $1 AND section_id = $2 AND state = 'free'
  ORDER BY pick_order, id LIMIT {q} FOR UPDATE SKIP LOCKED
), h AS (
  INSERT INTO holds (id, concert_id, actor, device_id, created_at, expires_at, place_count, extensions, state)
  VALUES ($3, $1, $4, $5, $6, $7, {q}, 0, 'active')
)
UPDATE places SET state = 'held', hold_id = $3, held_until = $7 FROM picked WHERE places.id = picked.id
RETURNING places.id
"""
_SELL = "UPDATE places SET state = 'sold', hold_id = NULL, held_until = NULL, ticket_id = $2 WHERE id = $1"
_RELEASE = "UPDATE places SET state = 'free', hold_id = NULL, held_until = NULL WHERE hold_id = $1"
# How checkout, payment, extend and release find a hold's places (core.db.places / core.db.checkout).
_LOOKUP = "SELECT id FROM places WHERE hold_id = $1 AND state = 'held' ORDER BY id FOR UPDATE"
_WRITES = ("hold", "lookup", "release", "sell")


@dataclass
class Measured:
    variant: str
    raw_holds_s: float = 0.0
    ours_holds_s: float = 0.0
    ours_checkouts_s: float = 0.0
    writes: dict[str, dict[str, float]] = field(default_factory=dict)
    upd: int = 0
    hot: int = 0
    sizes: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def _asyncpg_kwargs(url: str) -> dict[str, Any]:
    u = make_url(url)
    return {"host": u.host, "port": u.port or 5432, "user": u.username, "password": u.password,
            "database": u.database, "command_timeout": 10.0}  # fmt: skip


async def _raw_holds(url: str, stage: Stage, duration: float) -> float:
    pool = await asyncpg.create_pool(min_size=TASKS, max_size=TASKS, **_asyncpg_kwargs(url))
    count = 0
    actor = f"device:{stage.kiosk.device_id}"

    async def task(n: int) -> None:
        nonlocal count
        rnd = random.Random(n)
        while time.perf_counter() < deadline:
            q = rnd.randint(1, 4)
            now = datetime.now(UTC)
            async with pool.acquire() as con:
                rows = await con.fetch(
                    _HOLD.format(q=q), stage.id, stage.standing, uuid.uuid4().hex, actor,
                    stage.kiosk.device_id, now, now + timedelta(minutes=5),
                )  # fmt: skip
            assert len(rows) == q
            count += 1

    try:
        start = time.perf_counter()
        deadline = start + duration
        await asyncio.gather(*(task(n) for n in range(TASKS)))
        return count / (time.perf_counter() - start)
    finally:
        await pool.close()


async def _ours(env: Env, url: str, stage: Stage, duration: float) -> tuple[float, float, list[str]]:
    holds = orders = 0
    errors: list[str] = []
    async with _context(url) as ctx:
        await warm_pool(ctx.db.engine, TASKS)

        async def buyer(n: int) -> None:
            nonlocal holds, orders
            rnd = random.Random(n)
            i = 0
            while time.perf_counter() < deadline:
                i += 1
                try:
                    hold = await sales.hold_standing(
                        ctx, stage.kiosk, stage.id, stage.standing, rnd.randint(1, 4)
                    )
                    holds += 1
                    total = Money.total([p.price for p in hold.places], stage.concert.currency)
                    await checkout.checkout_hold(
                        ctx, stage.kiosk, hold.id, idempotency_key=f"pi-{n}-{i}-{uuid.uuid4().hex[:8]}",
                        payment=Payment("card", f"t-{n}-{i}", total),
                    )  # fmt: skip
                    orders += 1
                except EncoreError as exc:
                    errors.append(exc.code)

        start = time.perf_counter()
        deadline = start + duration
        await asyncio.gather(*(buyer(n) for n in range(TASKS)))
        elapsed = time.perf_counter() - start
    return holds / elapsed, orders / elapsed, errors


async def _per_statement(url: str, stage: Stage) -> dict[str, dict[str, float]]:
    """Per place: WAL records, WAL bytes of statements that wrote no full-page image (so a checkpoint in
    between does not blur them) and buffers touched. PER_STATEMENT 2-place holds, each looked up by hold as
    checkout does (statistics from before the sale, thousands held since); half of them released, the other
    half's places sold one by one (as checkout's sale does)."""
    con = await asyncpg.connect(**_asyncpg_kwargs(url))
    actor = f"device:{stage.kiosk.device_id}"
    totals = {k: {"places": 0, "records": 0, "bytes": 0, "bytes_n": 0, "buffers": 0} for k in _WRITES}

    async def explain(kind: str, places: int, sql: str, *args: Any) -> None:
        raw = await con.fetchval(f"EXPLAIN (ANALYZE, WAL, BUFFERS, FORMAT JSON) {sql}", *args)
        plan = (json.loads(raw) if isinstance(raw, str) else raw)[0]["Plan"]
        t = totals[kind]
        t["places"] += places
        t["records"] += plan.get("WAL Records", 0)
        t["buffers"] += plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
        if not plan.get("WAL FPI", 0):
            t["bytes"] += plan.get("WAL Bytes", 0)
            t["bytes_n"] += places

    try:
        holds = []
        for _ in range(PER_STATEMENT):
            now = datetime.now(UTC)
            hold_id = uuid.uuid4().hex
            await explain("hold", 2, _HOLD.format(q=2), stage.id, stage.standing, hold_id, actor,
                          stage.kiosk.device_id, now, now + timedelta(minutes=5))  # fmt: skip
            holds.append(hold_id)
        for hold_id in holds:
            await explain("lookup", 2, _LOOKUP, hold_id)
        for hold_id in holds[::2]:
            await explain("release", 2, _RELEASE, hold_id)
        places = await con.fetchval(
            "SELECT array_agg(id) FROM places WHERE hold_id = ANY($1::text[])", holds[1::2]
        )
        for k, place in enumerate(places):
            await explain("sell", 1, _SELL, place, -1 - k)
    finally:
        await con.close()
    return {
        kind: {
            "records": t["records"] / t["places"],
            "bytes": t["bytes"] / t["bytes_n"] if t["bytes_n"] else float("nan"),
            "buffers": t["buffers"] / t["places"],
        }
        for kind, t in totals.items()
    }


async def _stats(url: str) -> tuple[int, int, dict[str, int]]:
    con = await asyncpg.connect(**_asyncpg_kwargs(url))
    try:
        await asyncio.sleep(1.2)  # backends flush their counters on exit or within a second
        upd, hot = await con.fetchrow(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'places'"
        )
        rows = await con.fetch(
            "SELECT c.relname, pg_relation_size(c.oid) AS size FROM pg_class c "
            "WHERE c.oid = 'places'::regclass OR c.oid IN "
            "(SELECT indexrelid FROM pg_index WHERE indrelid = 'places'::regclass)"
        )
    finally:
        await con.close()
    return int(upd), int(hot), {r["relname"]: int(r["size"]) for r in rows}


@asynccontextmanager
async def _context(url: str, *, statement_timeout_s: float = 5.0) -> AsyncIterator[ServiceContext]:
    """A service context on one variant's database (no publishing). Building 120,000 places on a busy shared
    machine can take longer than the product's 5 s statement timeout, hence the patient engine for that."""
    db = Database(create_engine(url, pool_size=TASKS, statement_timeout_s=statement_timeout_s))
    try:
        signer = await memory_signer(db, SystemClock())
        settings = Settings(database_url=url, database_pool_size=TASKS)
        yield ServiceContext(settings=settings, db=db, bus=NullBus(), clock=SystemClock(), signer=signer)
    finally:
        await db.dispose()


async def measure(
    env: Env, template: str, k: int, index_set: str, fillfactor: int, duration: float
) -> Measured:
    name = f"{template}_{k}"
    await pgdb.drop(env.admin_url, name)
    await pgdb.clone(env.admin_url, template, name)
    url = pgdb.url_for(env.admin_url, name)
    out = Measured(f"{index_set}, ff {fillfactor}")
    try:
        ddl = [*INDEX_SETS[index_set], f"ALTER TABLE places SET (fillfactor = {fillfactor})"]
        await pgdb._execute(url, *ddl)
        async with _context(url, statement_timeout_s=120.0) as ctx:
            stage = await env.stage(ctx, rows=ROWS, seats_per_row=SEATS_PER_ROW, standing=STANDING)
        saved, env.url = env.url, url
        try:
            await env.sql(
                "VACUUM ANALYZE places", "VACUUM ANALYZE holds", "SELECT pg_stat_reset()", "CHECKPOINT"
            )
        finally:
            env.url = saved
        out.raw_holds_s = await _raw_holds(url, stage, duration)
        out.ours_holds_s, out.ours_checkouts_s, out.errors = await _ours(env, url, stage, duration)
        out.writes = await _per_statement(url, stage)
        out.upd, out.hot, out.sizes = await _stats(url)
    finally:
        await pgdb.drop(env.admin_url, name)
    return out


async def run(env: Env, scale: float = 1.0, variants: tuple[tuple[str, int], ...] = VARIANTS) -> Result:
    result = Result(NAME, TITLE)
    template = f"{env.database}_pi"
    await pgdb.drop(env.admin_url, template)
    await pgdb._execute(env.admin_url, f'CREATE DATABASE "{template}"')
    engine = create_engine(pgdb.url_for(env.admin_url, template))
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    try:
        for k, (index_set, ff) in enumerate(variants):
            m = await measure(env, template, k, index_set, ff, DURATION_S * scale)
            idx = sum(v for n, v in m.sizes.items() if n != "places")
            per_place = "; ".join(
                f"{kind} {w['records']:.1f} rec {w['bytes']:.0f} B {w['buffers']:.0f} buf"
                for kind, w in m.writes.items()
            )
            result.add(f"{m.variant}: raw holds/s", round(m.raw_holds_s, 1), "/s")
            result.add(f"{m.variant}: checkouts/s (ours)", round(m.ours_checkouts_s, 1), "/s")
            result.add(
                f"{m.variant}: WAL records per place held",
                round(m.writes["hold"]["records"], 2),
                "records",
                "",
                f"per place: {per_place}; n_tup_upd {m.upd:,}, n_tup_hot_upd {m.hot:,}; heap "
                f"{m.sizes.get('places', 0) // 1024:,} kB, indexes {idx // 1024:,} kB"
                + (f"; typed losses {len(m.errors)}" if m.errors else ""),
            )
            print(m.variant, json.dumps(m.__dict__, default=str), file=sys.stderr, flush=True)
    finally:
        await pgdb.drop(env.admin_url, template)
    result.setup = {
        "concert": f"fresh database per variant: {STANDING:,} standing places + {ROWS * SEATS_PER_ROW:,} seats",
        "load": f"{TASKS} tasks, {DURATION_S * scale:.1f} s per phase; per statement: {PER_STATEMENT} "
        "2-place holds, half released, half sold place by place",
    }
    return result
