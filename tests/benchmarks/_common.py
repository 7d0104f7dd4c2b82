"""Shared benchmark helpers (pytest-free): results, percentiles, the benchmark database, contexts, meters."""

from __future__ import annotations

import itertools
import os
import random
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from core.config import Settings
from core.db.engine import create_engine
from core.db.migrate import upgrade
from core.db.transaction import Database
from core.domain.clock import SystemClock
from core.domain.events import PlacesChanged
from core.events.protocol import EventBus
from core.events.publisher import BackgroundPublisher
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.support import pgdb
from tests.support.context import memory_signer, pin_key_ref
from tests.support.round_trips import RoundTrips  # noqa: F401  (re-exported: the benchmarks import it from here)

# --- results ---------------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    value: float | int | str
    unit: str = ""
    ceiling: str = ""
    """The comparison: a ceiling, a baseline or a must-be value, as text."""
    note: str = ""


@dataclass(frozen=True)
class Headline:
    """One figure of the run's summary table (tests.benchmarks.summary names and orders them)."""

    value: float | int | str
    unit: str
    compared: str = ""
    """What it is measured against: a ceiling of the same run, pretix's rate, a bare-Qt floor."""


@dataclass
class Result:
    name: str
    title: str
    setup: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    headlines: dict[str, Headline] = field(default_factory=dict)
    """By key (summary.FIGURES): what this benchmark gives the summary table."""

    def headline(self, key: str, value: float | int | str, unit: str, compared: str = "") -> None:
        self.headlines[key] = Headline(value, unit, compared)

    def add(
        self, name: str, value: float | int | str, unit: str = "", ceiling: str = "", note: str = ""
    ) -> None:
        self.rows.append(Row(name, value, unit, ceiling, note))


def pct(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


# --- meters ----------------------------------------------------------------------------------------


def _proc_stat() -> tuple[int, int]:
    try:
        with open("/proc/stat") as f:
            parts = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0, 0
    idle = parts[3] + (parts[4] if len(parts) > 4 else 0)
    return sum(parts), idle


@dataclass
class CpuMeter:
    """Client process CPU (one Python process, one event loop) and whole-machine CPU over an interval."""

    wall: float = 0.0
    cpu: float = 0.0
    total: int = 0
    idle: int = 0

    def start(self) -> CpuMeter:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        self.total, self.idle = _proc_stat()
        return self

    def stop(self) -> dict[str, float]:
        wall = time.perf_counter() - self.wall
        cpu = time.process_time() - self.cpu
        total, idle = _proc_stat()
        dt, di = total - self.total, idle - self.idle
        return {
            "client_cpu_pct": round(100 * cpu / wall, 1) if wall else 0.0,
            "machine_busy_pct": round(100 * (dt - di) / dt, 1) if dt else float("nan"),
        }


# --- the benchmark database ------------------------------------------------------------------------

_OURS = re.compile(r"^encore_bench_(\d+)$")
_stage_numbers = itertools.count(1)


class NullBus:
    """A bus that publishes nowhere: to take the publish cost out of a measurement."""

    async def publish(self, event: PlacesChanged, *, gap: bool = False) -> PlacesChanged:
        return event

    async def publish_many(self, events: Any, *, gaps: Any = ()) -> list[PlacesChanged]:
        return list(events)

    def subscribe(self, concert_id: Any) -> Any:  # pragma: no cover - never subscribed to
        raise NotImplementedError

    def note_own_commit(self) -> None:
        return None

    async def close(self) -> None:
        return None


@dataclass
class Env:
    """The servers and the one database a run uses; every benchmark builds its own concerts in it."""

    admin_url: str
    pg_source: str
    redis_url: str | None
    redis_source: str
    database: str = ""
    url: str = ""
    concert_ids: list[int] = field(default_factory=list)

    async def create(self) -> None:
        if self.pg_source.startswith("localhost"):
            await drop_stale(self.admin_url)
        self.database = f"encore_bench_{os.getpid()}"
        await pgdb.drop(self.admin_url, self.database)
        await pgdb._execute(self.admin_url, f'CREATE DATABASE "{self.database}"')
        self.url = pgdb.url_for(self.admin_url, self.database)
        engine = create_engine(self.url)
        try:
            await upgrade(engine)
            # Concert ids pick the Redis channel (encore:concert:<id>) and the Redis server is shared: start
            # ours far from anything a test database hands out, so our events never reach another subscriber.
            async with engine.begin() as conn:
                # Every other id sequence starts far out too (its own range), so a small number such as a
                # quantity never equals an id: hold_ceiling recognises captured parameters by their values.
                seqs = list(
                    await conn.scalars(text("SELECT oid::regclass::text FROM pg_class WHERE relkind = 'S'"))
                )
                for k, seq in enumerate(sorted(seqs)):
                    base = (k + 1) * 10**12 + random.randrange(10**11)
                    await conn.execute(text("SELECT setval(:seq, :base)"), {"seq": seq, "base": base})
        finally:
            await engine.dispose()

    async def drop(self) -> None:
        if self.redis_url and self.concert_ids:
            from redis.asyncio import Redis

            from core.config import DEFAULT_REDIS_NAMESPACE
            from core.db import site
            from core.events.redis_bus import seq_key
            from core.services.context import namespace_of

            # Buses made here use the default namespace; contexts opened by ServiceContext.open (servers,
            # kiosk apps) the database's own.
            db = Database(self.engine(pool_size=1))
            try:
                instance = await db.read(lambda conn: site.get(conn, site.INSTANCE))
            finally:
                await db.dispose()
            spaces = {DEFAULT_REDIS_NAMESPACE, namespace_of(instance)}
            r = Redis.from_url(self.redis_url)
            try:
                await r.delete(*[seq_key(c, ns) for c in self.concert_ids for ns in spaces])  # type: ignore[arg-type]
            finally:
                await r.aclose()
        if self.database:
            await pgdb.drop(self.admin_url, self.database)

    def engine(self, *, pool_size: int = 32, statement_timeout_s: float = 5.0) -> AsyncEngine:
        """The engine the product makes (core.db.engine.create_engine): pool_size + the same overflow."""
        return create_engine(self.url, pool_size=pool_size, statement_timeout_s=statement_timeout_s)

    def bus(self, kind: str = "real") -> tuple[EventBus, str]:
        """('real') RedisBus when Redis is reachable, else the in-process LocalBus; ('null') no publishing."""
        if kind == "null":
            return NullBus(), "none (NullBus)"
        if self.redis_url:
            from core.events.redis_bus import RedisBus

            return RedisBus(self.redis_url), f"RedisBus ({self.redis_source})"
        from core.events.local_bus import LocalBus

        return LocalBus(None), "LocalBus (Redis unreachable)"

    @asynccontextmanager
    async def context(
        self,
        *,
        pool_size: int = 32,
        bus: str = "real",
        wrap_bus: Callable[[EventBus], EventBus] | None = None,
        statement_timeout_s: float = 5.0,
    ) -> AsyncIterator[tuple[ServiceContext, str]]:
        """A context as ServiceContext.open makes one: the real bus behind a background publisher (the 'null'
        bus publishes nothing, so it gets none). ``wrap_bus`` puts something between the two (live_latency's
        stamps). ``statement_timeout_s``: the product's 5 s, longer only to build a stage (a concert of 100,000
        places on a machine busy with other work can take longer to put on sale)."""
        db = Database(self.engine(pool_size=pool_size, statement_timeout_s=statement_timeout_s))
        the_bus, bus_name = self.bus(bus)
        if wrap_bus is not None:
            the_bus = wrap_bus(the_bus)
        settings = Settings(
            database_url=self.url,
            redis_url=self.redis_url or "",
            database_pool_size=pool_size,
            pin_key_ref=pin_key_ref(self.url),
        )
        try:
            signer = await memory_signer(db, SystemClock())
            async with AsyncExitStack() as stack:
                publisher = None
                if bus != "null":
                    publisher = await stack.enter_async_context(BackgroundPublisher.running(the_bus))
                ctx = ServiceContext(
                    settings=settings,
                    db=db,
                    bus=the_bus,
                    clock=SystemClock(),
                    signer=signer,
                    publisher=publisher,
                )
                yield ctx, bus_name
        finally:
            await the_bus.close()
            await db.dispose()

    async def stage(
        self, ctx: ServiceContext, *, rows: int, seats_per_row: int, standing: int, max_per_order: int = 4
    ) -> Stage:
        stage = await build_stage(
            ctx,
            rows=rows,
            seats_per_row=seats_per_row,
            standing=standing,
            max_per_order=max_per_order,
            name=f"Bench Hall {next(_stage_numbers)}",
        )
        self.concert_ids.append(int(stage.id))
        return stage

    async def sql(self, *statements: str) -> None:
        """Statements outside a transaction (VACUUM) on our database."""
        engine = create_async_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        try:
            async with engine.connect() as conn:
                for statement in statements:
                    await conn.execute(text(statement))
        finally:
            await engine.dispose()

    async def free_connections(self) -> int:
        engine = create_async_engine(self.url, poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                used = await conn.scalar(text("SELECT count(*) FROM pg_stat_activity"))
                limit = await conn.scalar(text("SHOW max_connections"))
        finally:
            await engine.dispose()
        return int(limit) - int(used) - 3  # superuser_reserved_connections

    async def need_connections(self, n: int, *, wait_s: float = 20.0) -> int:
        """Wait (a while) until the shared server has n free connections; returns how many are free."""
        import asyncio

        deadline = time.monotonic() + wait_s
        free = await self.free_connections()
        while free < n and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
            free = await self.free_connections()
        if free < n:
            raise RuntimeError(
                f"PostgreSQL has only {free} free connections (other sessions hold the rest); this needs {n}"
            )
        return free

    async def settle(self) -> None:
        """Between measurements: clear dead rows and refresh statistics so each one starts alike."""
        await self.sql("VACUUM ANALYZE places", "VACUUM ANALYZE holds", "CHECKPOINT")
        await self.need_connections(70)


async def drop_stale(admin_url: str) -> list[str]:
    """Drop benchmark databases left by killed runs on this machine (their pid is gone)."""
    engine = create_async_engine(admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            names = list(
                await conn.scalars(
                    text("SELECT datname FROM pg_database WHERE datname LIKE 'encore_bench_%'")
                )
            )
    finally:
        await engine.dispose()
    stale = [n for n in names if (m := _OURS.match(n)) and not _pid_alive(int(m.group(1)))]
    for name in stale:
        await pgdb.drop(admin_url, name)
    return stale


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def warm_pool(engine: AsyncEngine, n: int) -> None:
    """Open n pooled connections up front, so a measurement does not include connecting."""
    import asyncio

    gate = asyncio.Event()

    async def one() -> None:
        async with engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            await gate.wait()

    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await asyncio.sleep(0)
    while sum(1 for _ in tasks if not _.done()) and engine.pool.checkedout() < n:  # type: ignore[attr-defined]  # noqa: ASYNC110
        await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
