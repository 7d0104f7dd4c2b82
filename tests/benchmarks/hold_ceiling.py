"""Standing holds/s: our service against the same statements with less in between.

Each variant gets a fresh concert (100,000 standing places), the same 64 tasks and the same per-task
sequence of quantities (1-4), and runs for a fixed time (or until the section runs short). In between, VACUUM
ANALYZE, so each starts on a clean partial index.

  ours                         sales.hold_standing with the real bus (RedisBus when Redis is up)
  ours, no publish             the same with a bus that publishes nowhere
  core.db functions            the storage calls hold_standing makes (concert_and_actor, holds.insert,
                               section_of_concert, places.hold_any, places.details) in one Database.write:
                               SQLAlchemy Core compile + execute and our row mapping, no service layer, no event
  SQLAlchemy, same SQL         the SQL text hold_standing sends (captured at run time from a real hold, so it
                               follows core), through engine.connect()/begin()/exec_driver_sql: SQLAlchemy's
                               pool, connection and result layers without compiling, on core's engine (pre-ping on)
  ... pre-ping off             the same on an otherwise identical engine without pool_pre_ping
  raw asyncpg (ceiling)        the same captured SQL text through asyncpg.create_pool, one transaction per hold

Per transaction (as captured): SELECT concert; SELECT device status; INSERT hold; SELECT section; UPDATE places
... WHERE id IN (SELECT ... ORDER BY ... LIMIT n FOR UPDATE SKIP LOCKED) RETURNING; SELECT details.
Round trips per hold are counted on the sockets (see RoundTrips).
"""

from __future__ import annotations

import asyncio
import random
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from core.db import actors as actors_db
from core.db import holds as holds_db
from core.db import places as places_db
from core.db.transaction import Database
from core.domain.errors import NotEnoughPlaces
from core.domain.ids import HoldId, PlaceId
from core.domain.staff import describe
from core.services import sales
from core.services.context import ServiceContext
from tests.benchmarks._common import CpuMeter, Env, Result, RoundTrips, ms, pct, warm_pool
from tests.builders import Stage

NAME = "hold_ceiling"
TITLE = "Standing holds/s: ours vs the same statements through less (SQLAlchemy, raw asyncpg)"

TASKS = 64
POOL = 32
STANDING = 100_000
DURATION_S = 4.0
MAX_Q = 4
RT_HOLDS = 30  # sequential holds on one connection for the round-trip count


class Short(Exception):
    """The section ran short: stop this variant."""


HoldOnce = Callable[[int], Awaitable[int]]
"""Hold ``quantity`` standing places in one transaction; returns how many were taken."""


@dataclass
class Outcome:
    holds: int = 0
    places: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    short: bool = False
    cpu: dict[str, float] = field(default_factory=dict)
    round_trips: float = float("nan")

    @property
    def rate(self) -> float:
        return self.holds / self.elapsed if self.elapsed else 0.0


async def _drive(hold_once: HoldOnce, duration: float) -> Outcome:
    """TASKS tasks hold for ``duration`` seconds; task n draws its quantities from Random(n) every time."""
    out = Outcome()
    stop = asyncio.Event()

    async def task(n: int) -> None:
        rnd = random.Random(1000 + n)
        while not stop.is_set():
            q = rnd.randint(1, MAX_Q)
            t0 = time.perf_counter()
            try:
                got = await hold_once(q)
            except (Short, NotEnoughPlaces):
                out.short = True
                stop.set()
                return
            out.latencies.append(time.perf_counter() - t0)
            out.holds += 1
            out.places += got
            if time.perf_counter() >= deadline:
                stop.set()

    meter = CpuMeter().start()
    start = time.perf_counter()
    deadline = start + duration
    await asyncio.gather(*(task(n) for n in range(TASKS)))
    out.elapsed = time.perf_counter() - start
    out.cpu = meter.stop()
    return out


async def _round_trips(hold_once: HoldOnce, counter: RoundTrips) -> float:
    for _ in range(3):  # warm: prepared statements, pool
        await hold_once(2)
    counter.count, counter.enabled = 0, True
    for _ in range(RT_HOLDS):
        await hold_once(2)
    counter.enabled = False
    return counter.count / RT_HOLDS


def _count_engine(engine: AsyncEngine, counter: RoundTrips) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        counter.wrap(dbapi_connection.driver_connection)


# --- the SQL a standing hold sends, captured from a real one ---------------------------------------


@dataclass(frozen=True)
class Captured:
    """One statement of a captured hold, with its parameters as roles: ("v", value) kept as is, ("hold",),
    ("until",), ("now",), ("q",), ("taken", i) the i-th place the pick returned."""

    sql: str
    roles: tuple[tuple[Any, ...], ...]
    is_pick: bool


async def capture(env: Env, stage: Stage) -> dict[int, list[Captured]]:
    """Run hold_standing once per quantity with a cursor listener; turn its parameters into roles. Every id in
    the benchmark database is >= 10**12 (Env.create), so a small int is the quantity and nothing else."""
    captured: dict[int, list[Captured]] = {}
    async with env.context(pool_size=1, bus="null") as (ctx, _):
        log: list[tuple[str, Any]] = []

        @event.listens_for(ctx.db.engine.sync_engine, "before_cursor_execute")
        def _on_execute(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
            log.append((statement, parameters))

        for q in range(1, MAX_Q + 1):
            log.clear()
            hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q)
            taken = [int(p.place_id) for p in hold.places]
            statements = []
            for sql, params in log:
                roles: list[tuple[Any, ...]] = []
                for v in params or ():
                    if v == hold.id:
                        roles.append(("hold",))
                    elif isinstance(v, datetime):
                        roles.append(("until",) if v == hold.expires_at else ("now",))
                    elif isinstance(v, int) and not isinstance(v, bool) and v in taken:
                        roles.append(("taken", taken.index(v)))
                    elif isinstance(v, int) and not isinstance(v, bool) and v == q:
                        roles.append(("q",))
                    else:
                        roles.append(("v", v))
                pick = sql.lstrip().upper().startswith("UPDATE PLACES") and ("hold",) in roles
                statements.append(Captured(sql, tuple(roles), pick))
            captured[q] = statements
    return captured


def _values(c: Captured, hold_id: str, until: datetime, now: datetime, q: int, taken: list[int]) -> list[Any]:
    out = []
    for role in c.roles:
        kind = role[0]
        out.append(
            role[1] if kind == "v" else hold_id if kind == "hold" else until if kind == "until"
            else now if kind == "now" else q if kind == "q" else taken[role[1]]
        )  # fmt: skip
    return out


# --- the variants ----------------------------------------------------------------------------------


def _ours_hold(ctx: ServiceContext, stage: Stage) -> HoldOnce:
    async def hold_once(q: int) -> int:
        hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q)
        return len(hold.places)

    return hold_once


def _db_layer_hold(db: Database, stage: Stage) -> HoldOnce:
    """The storage calls hold_standing makes, in its order, without the service around them."""
    actor = stage.kiosk

    async def work(conn: AsyncConnection, q: int) -> int:
        now = datetime.now(UTC)
        found = await actors_db.concert_and_actor(conn, stage.id, actor, section_id=stage.standing)
        assert found is not None
        actors_db.check_status(actor, found.actor_status)
        concert = found.concert
        hold_id = HoldId(uuid.uuid4().hex)
        until = now + timedelta(seconds=concert.hold_seconds)
        await holds_db.insert(
            conn, hold_id=hold_id, concert_id=stage.id, actor=describe(actor), device_id=actor.device_id,
            now=now, expires_at=until, place_count=q,
        )  # fmt: skip
        taken = await places_db.hold_any(conn, stage.id, stage.standing, q, hold_id, until, now)
        if len(taken) < q:
            raise Short
        return len(await places_db.details(conn, [PlaceId(t.id) for t in taken]))

    async def hold_once(q: int) -> int:
        return await db.write(lambda conn: work(conn, q))

    return hold_once


def _sa_text_hold(engine: AsyncEngine, captured: dict[int, list[Captured]]) -> HoldOnce:
    """The captured SQL through SQLAlchemy's connection/transaction/result layers, no compilation."""

    async def hold_once(q: int) -> int:
        now = datetime.now(UTC)
        until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
        taken: list[int] = []
        rows = 0
        async with engine.connect() as conn, conn.begin():
            for c in captured[q]:
                result = await conn.exec_driver_sql(c.sql, tuple(_values(c, hold_id, until, now, q, taken)))
                if c.is_pick:
                    taken = [r[0] for r in result.all()]
                    if len(taken) < q:
                        raise Short
                elif result.returns_rows:
                    rows = len(result.all())
        return rows

    return hold_once


def _raw_hold(pool: asyncpg.Pool, captured: dict[int, list[Captured]]) -> HoldOnce:
    """The captured SQL straight through asyncpg: the ceiling."""

    async def hold_once(q: int) -> int:
        now = datetime.now(UTC)
        until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
        taken: list[int] = []
        rows = 0
        async with pool.acquire() as con, con.transaction():
            for c in captured[q]:
                result = await con.fetch(c.sql, *_values(c, hold_id, until, now, q, taken))
                if c.is_pick:
                    taken = [r[0] for r in result]
                    if len(taken) < q:
                        raise Short
                else:
                    rows = len(result)
        return rows

    return hold_once


def _plain_engine(env: Env, pool_size: int, *, pre_ping: bool) -> AsyncEngine:
    """core.db.engine.create_engine's PostgreSQL engine, with pool_pre_ping switchable."""
    if pre_ping:
        return env.engine(pool_size=pool_size)
    return create_async_engine(
        env.url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=False,
        pool_recycle=1800,
        connect_args={
            "timeout": 5.0,
            "command_timeout": 5.0,
            "server_settings": {"application_name": "encore", "lock_timeout": "5000"},
        },
    )


def _asyncpg_kwargs(env: Env) -> dict[str, Any]:
    url = make_url(env.url)
    return {
        "host": url.host, "port": url.port or 5432, "user": url.username, "password": url.password,
        "database": url.database, "command_timeout": 5.0,
        "server_settings": {"application_name": "encore-bench-raw", "lock_timeout": "5000"},
    }  # fmt: skip


class Bench:
    def __init__(self, env: Env, duration: float) -> None:
        self.env = env
        self.duration = duration
        self.captured: dict[int, list[Captured]] = {}

    async def fresh_stage(self) -> Stage:
        async with self.env.context(pool_size=2, bus="null") as (ctx, _):
            stage = await self.env.stage(ctx, rows=1, seats_per_row=2, standing=STANDING, max_per_order=MAX_Q)
        if not self.captured:
            self.captured = await capture(self.env, stage)
        await self.env.settle()
        return stage

    async def ours(self, bus: str) -> Outcome:
        stage = await self.fresh_stage()
        async with self.env.context(pool_size=POOL, bus=bus) as (ctx, _):
            await warm_pool(ctx.db.engine, TASKS)
            out = await _drive(_ours_hold(ctx, stage), self.duration)
        async with self.env.context(pool_size=1, bus=bus) as (ctx, _):
            counter = RoundTrips()
            _count_engine(ctx.db.engine, counter)
            out.round_trips = await _round_trips(_ours_hold(ctx, stage), counter)
        return out

    async def db_layer(self) -> Outcome:
        stage = await self.fresh_stage()
        db = Database(self.env.engine(pool_size=POOL))
        try:
            await warm_pool(db.engine, TASKS)
            out = await _drive(_db_layer_hold(db, stage), self.duration)
        finally:
            await db.dispose()
        db = Database(self.env.engine(pool_size=1))
        counter = RoundTrips()
        _count_engine(db.engine, counter)
        try:
            out.round_trips = await _round_trips(_db_layer_hold(db, stage), counter)
        finally:
            await db.dispose()
        return out

    async def sa_text(self, *, pre_ping: bool) -> Outcome:
        await self.fresh_stage()
        engine = _plain_engine(self.env, POOL, pre_ping=pre_ping)
        try:
            await warm_pool(engine, TASKS)
            out = await _drive(_sa_text_hold(engine, self.captured), self.duration)
        finally:
            await engine.dispose()
        engine = _plain_engine(self.env, 1, pre_ping=pre_ping)
        counter = RoundTrips()
        _count_engine(engine, counter)
        try:
            out.round_trips = await _round_trips(_sa_text_hold(engine, self.captured), counter)
        finally:
            await engine.dispose()
        return out

    async def raw(self) -> Outcome:
        await self.fresh_stage()
        kwargs = _asyncpg_kwargs(self.env)
        pool = await asyncpg.create_pool(min_size=TASKS, max_size=TASKS, **kwargs)
        try:
            out = await _drive(_raw_hold(pool, self.captured), self.duration)
        finally:
            await pool.close()
        counter = RoundTrips()

        async def init(con: asyncpg.Connection) -> None:
            counter.wrap(con)

        pool = await asyncpg.create_pool(min_size=1, max_size=1, init=init, **kwargs)
        try:
            out.round_trips = await _round_trips(_raw_hold(pool, self.captured), counter)
        finally:
            await pool.close()
        return out


# --- the benchmark ---------------------------------------------------------------------------------

RAW = "raw asyncpg (ceiling)"


async def run(env: Env, scale: float = 1.0) -> Result:
    result = Result(NAME, TITLE)
    bench = Bench(env, DURATION_S * scale)
    probe, bus_name = env.bus("real")
    await probe.close()
    ours_label = f"ours, {bus_name.split(' ')[0]}"
    variants: list[tuple[str, Callable[[], Awaitable[Outcome]]]] = [
        (ours_label, lambda: bench.ours("real")),
        ("ours, no publish", lambda: bench.ours("null")),
        ("core.db functions", bench.db_layer),
        ("SQLAlchemy, same SQL", lambda: bench.sa_text(pre_ping=True)),
        ("SQLAlchemy, same SQL, no pre-ping", lambda: bench.sa_text(pre_ping=False)),
        (RAW, bench.raw),
    ]
    outcomes: dict[str, Outcome] = {}
    for label, go in variants:
        outcomes[label] = await go()
    ours, raw = outcomes[ours_label], outcomes[RAW]
    first = bench.captured.get(2, [])
    result.setup = {
        "concert": f"fresh per variant: {STANDING:,} standing places, VACUUM ANALYZE before each",
        "load": f"{TASKS} tasks, pool {POOL}+{POOL} (raw: asyncpg pool of {TASKS}), 1-4 places per hold, "
        f"{bench.duration:.1f} s per variant",
        "bus (ours)": bus_name,
        "statements per hold (captured)": " | ".join(" ".join(c.sql.split()[:3]) for c in first),
        "round trips": f"client->server flights counted on the socket, {RT_HOLDS} sequential 2-place holds",
        **{
            label: f"{o.holds:,} holds in {o.elapsed:.2f} s{' (section ran short)' if o.short else ''}, "
            f"client CPU {o.cpu.get('client_cpu_pct')}%, machine {o.cpu.get('machine_busy_pct')}%"
            for label, o in outcomes.items()
        },
    }
    for label, o in outcomes.items():
        ceiling = f"{o.rate / raw.rate:.2f} of raw" if raw.rate and o is not raw else ""
        note = f"{o.places / o.elapsed:,.0f} places/s; p50 {ms(pct(o.latencies, 50))} ms, "
        note += f"p99 {ms(pct(o.latencies, 99))} ms; {o.round_trips:.0f} PG round trips/hold"
        if label == ours_label and bus_name.startswith("RedisBus"):
            note += " + 1 Redis EVALSHA"
        result.add(f"{label}: holds/s", round(o.rate, 1), "/s", ceiling, note)
    if raw.rate:
        result.add(
            "ours / ceiling", round(ours.rate / raw.rate, 2), "ratio", ">= 0.5 is lean", "standing holds"
        )
    core_sa, db_layer = outcomes["SQLAlchemy, same SQL"], outcomes["core.db functions"]
    nopub = outcomes["ours, no publish"]
    if nopub.rate:
        result.add(
            "ours / ours without publish", round(ours.rate / nopub.rate, 2), "ratio", "", "the event publish"
        )
    if db_layer.rate and nopub.rate:
        result.add(
            "ours no publish / core.db", round(nopub.rate / db_layer.rate, 2), "ratio", "", "service layer"
        )
    if core_sa.rate and db_layer.rate:
        ratio = round(db_layer.rate / core_sa.rate, 2)
        result.add("core.db / SQLAlchemy same SQL", ratio, "ratio", "", "compile + row mapping")
    if raw.rate and core_sa.rate:
        ratio = round(core_sa.rate / raw.rate, 2)
        result.add("SQLAlchemy same SQL / raw", ratio, "ratio", "", "pool, pre-ping, result layer")
    return result
