"""Standing holds/s: our service against the least SQL that can make the same hold, same run, same tasks.

Every variant gets a fresh concert (100,000 standing places; VACUUM ANALYZE after each is built), its own pool
of SLICE_POOL connections with a task on each, every task with the same sequence of quantities (1-4). All four
are opened and warmed up first (WARM_RUNS); then they are measured in turns, SLICE_S each, CYCLES times, the
order reversed every other cycle, ours and the least SQL next to each other in the middle of every cycle
(VACUUM places runs before each cycle: vacuum_places). A ratio is
the median of its cycles' ratios: the machine's speed drifts (other work, autovacuum, checkpoints), and slices
a second apart see nearly the same machine, where rounds seconds apart did not (see sliced()).

  ours                         sales.hold_standing with the real bus (RedisBus when Redis is up). Under load
                               the requests waiting for a section are made together, one statement for many
                               holds (core/services/hold_lanes.py, core/db/hold_batch.py); its note says how
                               many holds a batch carried
  ours, no publish             the same with a bus that publishes nowhere
  our statement, raw asyncpg   the one statement hold_standing sends alone (captured at run time from a real hold, so
                               it follows core: checks, idempotency key, labels and prices in the reply)
                               through an asyncpg pool: what SQLAlchemy and the service layer cost
  least SQL (ceiling)          the least SQL that makes the same hold on Encore's schema, one autocommit
                               statement through an asyncpg pool:
                               WITH picked AS (SELECT id ... ORDER BY pick_order, id LIMIT n FOR UPDATE SKIP
                               LOCKED), h AS (INSERT INTO holds ... RETURNING id, expires_at)
                               UPDATE places ... FROM picked, h RETURNING id, category_id

Chosen-seat holds are measured the same way (tests/benchmarks/_chosen_ceiling.py): sales.hold_places against
the least SQL that holds chosen seats all or none, on a fresh concert of numbered seats.

The headline is ours / ceiling. Round trips per hold are counted on the sockets (see RoundTrips).
"""

from __future__ import annotations

import asyncio
import random
import statistics
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from core.domain.errors import NotEnoughPlaces
from core.domain.staff import describe
from core.services import sales
from core.services.context import ServiceContext
from core.services.hold_lanes import HoldLanes
from tests.benchmarks._common import CpuMeter, Env, Result, RoundTrips, ms, pct, warm_pool
from tests.builders import Stage

NAME = "hold_ceiling"
TITLE = "Standing and chosen-seat holds/s: ours vs the least SQL that makes the same hold (one statement, raw asyncpg)"

TASKS = 64
POOL = 32
"""The pool of the variants measured alone (round trips, one connection) and of the other benchmarks built on
this one (api_flash_sale's ceiling)."""
STANDING = 100_000
"""Each variant holds on one concert through its warm-up and every slice (100,000 is a standing section's largest
capacity): ours without the publish, at ~4,000 holds/s of ~2.5 places for ten SLICE_S slices, uses ~80,000. A
machine fast enough to use them up ends the cycles early, and the setup says the section ran short and how many
cycles ran."""
DURATION_S = 4.0
SLICE_POOL = 20
"""Connections of each variant while all are open at once (4 x 20 within PostgreSQL's default max_connections of
100), and its tasks: one per connection, so no variant's figure depends on how its pool queues waiters. (Before
core/db/turns.py, with more tasks than connections, SQLAlchemy's pool let a task that gave a connection back take
it again before a waiting task woke: some tasks waited out whole slices, p99 1 s, p50 10 ms.)"""
CYCLES = 10
SLICE_S = 0.8
"""Each variant runs SLICE_S per cycle (0.8 s: ours, gathered, used ~95,000 of 100,000 places in ten 1-second
slices). Medians of three 3-second rounds per variant, each round on its own new
concert, put the same code 0.14 apart (ours with the Redis publish 1.14x ours without it, in one run): rounds
of different variants ran 10-30 s apart. Neighbouring 1-second slices do not drift that far."""
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
    gathered: tuple[int, int] | None = None
    """Ours: batch statements its lanes ran and the holds they carried (warm-up included)."""
    slices: list[Outcome] = field(default_factory=list)
    """Each slice, in the order they ran (sliced()); this Outcome is their sum."""

    @property
    def rate(self) -> float:
        return self.holds / self.elapsed if self.elapsed else 0.0


WARM_RUNS = 12
WARM_CAP_S = 15.0
"""Each variant first holds, unmeasured, until it has made WARM_RUNS holds per task and quantity (64 x 4 x 12;
at most WARM_CAP_S), so every pooled connection has run each of its statements well past PostgreSQL's start:
a prepared statement is planned afresh on each of its first five runs on a connection, and only then is a
generic plan made and kept. For our statement a fresh plan costs ~0.7 ms, more than running it (~0.5 ms); for
the least SQL far less. Measured after the one second of warm-up this used to be, ours was still climbing from
~550 to ~1,500 holds/s through its first two seconds: the figure caught a start-up that a server's connection
goes through once in its life (the pool recycles it after 30 minutes), not the sale."""


async def _drive(hold_once: HoldOnce, duration: float, tasks: int = TASKS) -> Outcome:
    """``tasks`` tasks warm up unmeasured (WARM_RUNS), then hold ``duration`` seconds measured; task n draws
    its quantities from Random(n) every time."""
    await _warm(hold_once, tasks)
    return await _measure(hold_once, duration, tasks)


async def _warm(hold_once: HoldOnce, tasks: int = TASKS) -> None:
    await _run_tasks(hold_once, WARM_CAP_S, Outcome(), tasks, until=tasks * MAX_Q * WARM_RUNS)


async def _measure(hold_once: HoldOnce, duration: float, tasks: int = TASKS) -> Outcome:
    out = Outcome()
    meter = CpuMeter().start()
    start = time.perf_counter()
    await _run_tasks(hold_once, duration, out, tasks)
    out.elapsed = time.perf_counter() - start
    out.cpu = meter.stop()
    return out


async def _run_tasks(
    hold_once: HoldOnce, duration: float, out: Outcome, tasks: int, until: int | None = None
) -> None:
    """``tasks`` tasks hold for ``duration`` seconds, or until they have made ``until`` holds between them."""
    stop = asyncio.Event()
    deadline = time.perf_counter() + duration

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
            if time.perf_counter() >= deadline or (until is not None and out.holds >= until):
                stop.set()

    await asyncio.gather(*(task(n) for n in range(tasks)))


async def _round_trips(hold_once: HoldOnce, counter: RoundTrips) -> float:
    for _ in range(3):  # warm: prepared statements, pool
        await hold_once(2)
    counter.count, counter.enabled = 0, True
    for _ in range(RT_HOLDS):
        await hold_once(2)
    counter.enabled = False
    return counter.count / RT_HOLDS


# --- the SQL a standing hold sends, captured from a real one ---------------------------------------


@dataclass(frozen=True)
class Captured:
    """One statement of a captured hold, with its parameters as roles: ("v", value) kept as is, ("hold",),
    ("key",) the hold's own request key, ("until",), ("now",), ("q",), ("taken", i) the i-th place the pick
    returned."""

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
                    elif v == f"auto:{hold.id}":
                        roles.append(("key",))
                    elif isinstance(v, datetime):
                        roles.append(("until",) if v == hold.expires_at else ("now",))
                    elif isinstance(v, int) and not isinstance(v, bool) and v in taken:
                        roles.append(("taken", taken.index(v)))
                    elif isinstance(v, int) and not isinstance(v, bool) and v == q:
                        roles.append(("q",))
                    else:
                        roles.append(("v", v))
                pick = ("hold",) in roles
                statements.append(Captured(sql, tuple(roles), pick))
            captured[q] = statements
    return captured


def _values(c: Captured, hold_id: str, until: datetime, now: datetime, q: int, taken: list[int]) -> list[Any]:
    out = []
    for role in c.roles:
        kind = role[0]
        out.append(
            role[1] if kind == "v" else hold_id if kind == "hold" else f"auto:{hold_id}" if kind == "key"
            else until if kind == "until"
            else now if kind == "now" else q if kind == "q" else taken[role[1]]
        )  # fmt: skip
    return out


# --- the variants ----------------------------------------------------------------------------------


def _ours_hold(ctx: ServiceContext, stage: Stage) -> HoldOnce:
    async def hold_once(q: int) -> int:
        hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q)
        return len(hold.places)

    return hold_once


def _ours_raw_hold(pool: asyncpg.Pool, captured: dict[int, list[Captured]]) -> HoldOnce:
    """Our captured statement straight through asyncpg: no SQLAlchemy, no service layer."""

    async def hold_once(q: int) -> int:
        now = datetime.now(UTC)
        until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
        got = 0
        async with pool.acquire() as con:
            for c in captured[q]:
                rows = await con.fetch(c.sql, *_values(c, hold_id, until, now, q, []))
                if c.is_pick:
                    got = sum(1 for r in rows if r["p_kind"] == "held")
        if got < q:
            raise Short
        return got

    return hold_once


_LEAST_SQL = """
WITH picked AS (
    SELECT id FROM places WHERE concert_id = $1 AND section_id = $2 AND state = 'free'
    ORDER BY pick_order, id LIMIT {n} FOR UPDATE SKIP LOCKED
), h AS (
    INSERT INTO holds (id, concert_id, actor, device_id, created_at, expires_at, place_count, extensions, state)
    VALUES ($3, $1, $4, $5, $6, $7, {n}, 0, 'active') RETURNING id, expires_at
)
UPDATE places SET state = 'held', hold_id = h.id, held_until = h.expires_at
FROM picked, h WHERE places.id = picked.id
RETURNING places.id, places.category_id"""
"""The least SQL that makes a standing hold: no checks, no idempotency key, no labels or prices in the reply,
and a hold row even when the section is short (the ceiling, not a product). State and LIMIT written in, as
ours are, so both run on the partial index under a generic plan."""


def _least_hold(pool: asyncpg.Pool, stage: Stage) -> HoldOnce:
    """The least SQL through asyncpg: the ceiling."""
    actor, device = describe(stage.kiosk), stage.kiosk.device_id

    async def hold_once(q: int) -> int:
        now = datetime.now(UTC)
        until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
        async with pool.acquire() as con:
            rows = await con.fetch(
                _LEAST_SQL.format(n=q), stage.id, stage.standing, hold_id, actor, device, now, until
            )
        if len(rows) < q:
            raise Short
        return len(rows)

    return hold_once


async def _no_reset(_con: asyncpg.Connection) -> None:
    return None


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
        self.captured_on: Stage | None = None
        self.lanes: dict[int, HoldLanes] = {}
        """The lanes of each of ours' contexts, by concert: how many holds a batch carried."""

    async def fresh_stage(self) -> Stage:
        async with self.env.context(pool_size=2, bus="null", statement_timeout_s=60) as (ctx, _):
            stage = await self.env.stage(ctx, rows=1, seats_per_row=2, standing=STANDING, max_per_order=MAX_Q)
        if not self.captured:
            self.captured = await capture(self.env, stage)
            self.captured_on = stage
        await self.env.settle()
        return stage

    @asynccontextmanager
    async def ours_open(self, stage: Stage, bus: str) -> AsyncIterator[HoldOnce]:
        """sales.hold_standing on a context of its own, its SLICE_POOL connections opened up front."""
        async with self.env.context(pool_size=SLICE_POOL // 2, bus=bus) as (ctx, _):
            await warm_pool(ctx.db.engine, SLICE_POOL)
            self.lanes[stage.id] = ctx.hold_lanes
            yield _ours_hold(ctx, stage)

    async def ours_round_trips(self, stage: Stage, bus: str) -> float:
        async with self.env.context(pool_size=1, bus=bus) as (ctx, _):
            counter = RoundTrips()
            counter.attach(ctx.db.engine)
            return await _round_trips(_ours_hold(ctx, stage), counter)

    @asynccontextmanager
    async def raw_open(
        self, make: Callable[[asyncpg.Pool], HoldOnce], size: int | None = None
    ) -> AsyncIterator[HoldOnce]:
        """``make``'s hold through an asyncpg pool of ``size`` (SLICE_POOL) connections, all opened up front."""
        # No reset query when a connection goes back to the pool (asyncpg's default sends one: a round trip
        # per hold that SQLAlchemy's pool, and so ours, does not make).
        kwargs = _asyncpg_kwargs(self.env) | {"reset": _no_reset}
        size = SLICE_POOL if size is None else size
        pool = await asyncpg.create_pool(min_size=size, max_size=size, **kwargs)
        try:
            yield make(pool)
        finally:
            await pool.close()

    async def raw_round_trips(self, make: Callable[[asyncpg.Pool], HoldOnce]) -> float:
        counter = RoundTrips()

        async def init(con: asyncpg.Connection) -> None:
            counter.wrap(con)

        kwargs = _asyncpg_kwargs(self.env) | {"reset": _no_reset}
        pool = await asyncpg.create_pool(min_size=1, max_size=1, init=init, **kwargs)
        try:
            return await _round_trips(make(pool), counter)
        finally:
            await pool.close()

    async def _raw_pool(self, make: Callable[[asyncpg.Pool], HoldOnce]) -> Outcome:
        """``make``'s hold alone: a pool of TASKS, warmed up, for ``duration``; then its round trips."""
        async with self.raw_open(make, TASKS) as hold_once:
            out = await _drive(hold_once, self.duration)
        out.round_trips = await self.raw_round_trips(make)
        return out

    async def ours_alone(self, duration: float) -> Outcome:
        """Ours (no publish) one hold at a time on one connection: what the statement costs without others."""
        stage = await self.fresh_stage()
        async with self.env.context(pool_size=1, bus="null") as (ctx, _):
            return await _drive(_ours_hold(ctx, stage), duration, tasks=1)

    async def raw_alone(self, duration: float) -> Outcome:
        """The least SQL one hold at a time on one connection."""
        stage = await self.fresh_stage()
        async with self.raw_open(lambda pool: _least_hold(pool, stage), 1) as hold_once:
            return await _drive(hold_once, duration, tasks=1)

    def ours_raw_hold(self, stage: Stage) -> Callable[[asyncpg.Pool], HoldOnce]:
        """Our captured statement through raw asyncpg, on ``stage`` (the capture named the first stage's
        concert: replayed as captured, it ran on a section another variant was selling)."""
        assert self.captured_on is not None
        swap = {self.captured_on.id: stage.id, self.captured_on.standing: stage.standing}
        captured = {
            q: [
                replace(c, roles=tuple(("v", swap.get(r[1], r[1])) if r[0] == "v" else r for r in c.roles))
                for c in statements
            ]
            for q, statements in self.captured.items()
        }
        return lambda pool: _ours_raw_hold(pool, captured)

    async def raw(self) -> Outcome:
        """The least SQL through raw asyncpg, alone: the ceiling other benchmarks compare with."""
        stage = await self.fresh_stage()
        return await self._raw_pool(lambda pool: _least_hold(pool, stage))


# --- the benchmark ---------------------------------------------------------------------------------

Opener = Callable[[], AbstractAsyncContextManager[HoldOnce]]
"""Sets a variant up (its pool, its concert) and gives its hold while open."""


async def sliced(
    variants: list[tuple[str, Opener]],
    slice_s: float,
    cycles: int | None = None,
    between: Callable[[], Awaitable[None]] | None = None,
) -> dict[str, Outcome]:
    """Every variant opened at once and warmed up (WARM_RUNS), then measured in turns: ``slice_s`` each,
    ``cycles`` (CYCLES) times, the order reversed every other cycle (neighbours stay neighbours both ways).
    ``between`` runs before each cycle (a VACUUM: see vacuum_places), so whatever follows it differs from cycle
    to cycle: give the two to compare the middle places. Each variant's Outcome is the sum of its slices
    (``slices`` keeps each); a variant that runs short ends the cycles there. Compare two with paired()."""
    runs: dict[str, list[Outcome]] = {label: [] for label, _ in variants}
    async with AsyncExitStack() as stack:
        holds: dict[str, HoldOnce] = {}
        for label, open_variant in variants:
            holds[label] = await stack.enter_async_context(open_variant())
            await _warm(holds[label], SLICE_POOL)
        for cycle in range(CYCLES if cycles is None else cycles):
            if between is not None:
                await between()
            for label in list(holds) if cycle % 2 == 0 else list(holds)[::-1]:
                runs[label].append(await _measure(holds[label], slice_s, SLICE_POOL))
            if any(outs[-1].short for outs in runs.values()):
                break
    return {label: _summed(outs) for label, outs in runs.items()}


def vacuum_places(env: Env) -> Callable[[], Awaitable[None]]:
    """VACUUM places: between cycles, so each variant picks from an index like the one a vacuumed server has.
    A held place leaves a dead entry in the index of free places until VACUUM removes it, and every pick
    walks past the entries of the places held before it: on 100,000 standing places, the free pick read 8
    buffers in 0.02 ms fresh, 309 in 0.11 ms with 50,000 held and 490 in 0.29 ms with 80,000 held; 14 after a
    VACUUM. Unvacuumed, whichever variant sold more slowed more: the least SQL's slices fell from ~4,200 to
    ~2,700 holds/s through a run and the cycles' ratios climbed with them (0.54 to 0.70).

    The sections are not refilled between cycles: freeing every held place again before each cycle (tried, so
    a fast variant could not use its section up) slowed both raw asyncpg variants cycle after cycle (the least
    SQL from 4,115 to 2,835 holds/s), the places re-freed at the head of the index they pick from, and flattered
    ours (cycles 0.88 to 1.22; 0.83 to 1.00 without it). SLICE_S is short enough instead."""

    async def vacuum() -> None:
        await env.sql("VACUUM places")

    return vacuum


def _summed(slices: list[Outcome]) -> Outcome:
    keys = {key for o in slices for key in o.cpu}
    return Outcome(
        holds=sum(o.holds for o in slices),
        places=sum(o.places for o in slices),
        latencies=[lat for o in slices for lat in o.latencies],
        elapsed=sum(o.elapsed for o in slices),
        short=any(o.short for o in slices),
        cpu={key: round(statistics.fmean(o.cpu.get(key, 0.0) for o in slices), 1) for key in keys},
        slices=slices,
    )


def paired(a: Outcome, b: Outcome) -> float:
    """a's holds/s over b's: the median of the ratios of the slices they ran in the same cycle."""
    ratios = [x.rate / y.rate for x, y in zip(a.slices, b.slices, strict=False) if y.rate]
    return statistics.median(ratios) if ratios else float("nan")


RAW = "least SQL, raw asyncpg (ceiling)"
OURS_RAW = "our statement, raw asyncpg"
NO_PUBLISH = "ours, no publish"
AIM = 0.7


async def _standing(bench: Bench, ours_label: str) -> dict[str, Outcome]:
    """The four standing variants, each on its own fresh concert, sliced (ours and the least SQL neighbours in
    the middle of every cycle, so neither ever runs first after the VACUUM); then each one's round trips per
    hold."""
    ours, least, no_publish, ours_raw = [await bench.fresh_stage() for _ in range(4)]
    makes = {RAW: lambda pool: _least_hold(pool, least), OURS_RAW: bench.ours_raw_hold(ours_raw)}
    await bench.env.need_connections(4 * SLICE_POOL + 2)
    outcomes = await sliced(
        [
            (NO_PUBLISH, lambda: bench.ours_open(no_publish, "null")),
            (ours_label, lambda: bench.ours_open(ours, "real")),
            (RAW, lambda: bench.raw_open(makes[RAW])),
            (OURS_RAW, lambda: bench.raw_open(makes[OURS_RAW])),
        ],
        bench.duration,
        between=vacuum_places(bench.env),
    )
    for label, stage in ((ours_label, ours), (NO_PUBLISH, no_publish)):
        lanes = bench.lanes[stage.id]
        outcomes[label].gathered = (lanes.batches, lanes.batched)
    outcomes[ours_label].round_trips = await bench.ours_round_trips(ours, "real")
    outcomes[NO_PUBLISH].round_trips = await bench.ours_round_trips(no_publish, "null")
    for label, make in makes.items():
        outcomes[label].round_trips = await bench.raw_round_trips(make)
    return outcomes


def _rates(outcome: Outcome) -> str:
    return ", ".join(f"{o.rate:,.0f}" for o in outcome.slices)


async def run(env: Env, scale: float = 1.0) -> Result:
    result = Result(NAME, TITLE)
    bench = Bench(env, SLICE_S * scale)
    probe, bus_name = env.bus("real")
    await probe.close()
    ours_label = f"ours, {bus_name.split(' ')[0]}"
    outcomes = await _standing(bench, ours_label)
    ours, raw, nopub, ours_raw = (
        outcomes[ours_label],
        outcomes[RAW],
        outcomes[NO_PUBLISH],
        outcomes[OURS_RAW],
    )
    cycles = len(raw.slices)
    result.setup = {
        "concert": f"fresh per variant: {STANDING:,} standing places, VACUUM ANALYZE after each is built, "
        "VACUUM places before each cycle",
        "load": f"{SLICE_POOL} tasks on {SLICE_POOL} connections per variant (all open at once), 1-4 places per hold; "
        f"{cycles} cycles of {bench.duration:.1f} s per variant, the order reversed every other cycle, ours "
        "next to the least SQL in the middle of each; a ratio is the median of its cycles' ratios",
        "bus (ours)": bus_name,
        "ceiling": " ".join(_LEAST_SQL.format(n="n").split()),
        "round trips": f"client->server flights counted on the socket, {RT_HOLDS} sequential 2-place holds",
        **{
            label: f"{o.holds:,} holds in {o.elapsed:.2f} s{' (section ran short)' if o.short else ''}, "
            f"client CPU {o.cpu.get('client_cpu_pct')}%, machine {o.cpu.get('machine_busy_pct')}%; "
            f"slices {_rates(o)} /s"
            for label, o in outcomes.items()
        },
    }
    for label, o in outcomes.items():
        ceiling = f"{paired(o, raw):.2f} of ceiling" if o is not raw else ""
        note = f"{o.places / o.elapsed:,.0f} places/s; p50 {ms(pct(o.latencies, 50))} ms, "
        note += f"p99 {ms(pct(o.latencies, 99))} ms; {o.round_trips:.0f} PG round trips/hold"
        if label == ours_label and bus_name.startswith("RedisBus"):
            note += " + the Redis publish (off the path: one script call per concert per batch)"
        if o.gathered is not None and o.gathered[0]:
            batches, carried = o.gathered
            note += (
                f"; {carried / batches:.1f} holds per batch statement ({batches:,} batches; the rest alone)"
            )
        result.add(f"{label}: holds/s", round(o.rate, 1), "/s", ceiling, note)
    if raw.rate:
        result.headline(
            "holds", round(ours.rate, 1), "/s", f"{paired(ours, raw):.2f} of the least SQL, {raw.rate:,.0f}/s"
        )
        result.add(
            "ours / ceiling", round(paired(ours, raw), 2), "ratio", f">= {AIM} aimed (issue 11)",
            f"standing holds; cycles {_ratios(ours, raw)}",
        )  # fmt: skip
        result.add(
            "ours no publish / ceiling", round(paired(nopub, raw), 2), "ratio", "", "without the publish"
        )
        result.add(
            "our statement raw / ceiling", round(paired(ours_raw, raw), 2), "ratio", "",
            "the checks, idempotency and labels in our one statement",
        )  # fmt: skip
    await _alone_rows(result, bench, ALONE_S * scale)
    await _chosen_rows(result, env, bench.duration, ours_label)
    result.add("ours / ours without publish", round(paired(ours, nopub), 2), "ratio", "", "the event publish")
    result.add(
        "ours no publish / our statement raw", round(paired(nopub, ours_raw), 2), "ratio", "",
        "SQLAlchemy, pool and service layer",
    )  # fmt: skip
    return result


def _ratios(a: Outcome, b: Outcome) -> str:
    return ", ".join(f"{x.rate / y.rate:.2f}" for x, y in zip(a.slices, b.slices, strict=False) if y.rate)


ALONE_S = 1.5


async def _alone_rows(result: Result, bench: Bench, duration: float) -> None:
    """The same two with no other buyer: one connection, one hold at a time. The tasks above cost ours more
    than the least SQL (its statement is longer, so more picked places are locked at any moment for the others
    to skip, and more backends wait for the two cores); this is the statement alone."""
    ours, least = await bench.ours_alone(duration), await bench.raw_alone(duration)
    if not (ours.holds and least.holds):
        return
    ours_us, least_us = 1e6 * ours.elapsed / ours.holds, 1e6 * least.elapsed / least.holds
    result.add(
        "one connection, ours (no publish): us/hold", round(ours_us), "us", f"least SQL {least_us:,.0f} us"
    )
    result.add(
        "one connection: ours / ceiling", round(least_us / ours_us, 2), "ratio", f">= {AIM} aimed (issue 11)",
        "holds/s, one hold at a time: the statement without contention",
    )  # fmt: skip


async def _chosen_rows(result: Result, env: Env, duration: float, ours_label: str) -> None:
    """Chosen-seat holds the same way: ours (real bus) against the least SQL that holds chosen seats."""
    from tests.benchmarks import _chosen_ceiling as chosen  # it builds on this module

    chosen_label, least_label = f"chosen seats, {ours_label}", "chosen seats, least SQL (ceiling)"
    outcomes, _stages = await chosen.ChosenBench(env, duration).measure(chosen_label, least_label, "real")
    ours, least = outcomes[chosen_label], outcomes[least_label]
    result.setup["chosen seats"] = (
        f"fresh per variant: {chosen.ROWS * chosen.SEATS_PER_ROW:,} numbered seats; each hold asks for the next "
        "1-4 seats of one shared cursor (no two requests ask for the same seat); ceiling: "
        + " ".join(chosen._LEAST_CHOSEN_SQL.split())
    )
    for label, o in ((chosen_label, ours), (least_label, least)):
        result.setup[label] = f"slices {_rates(o)} /s"
        note = f"{o.places / o.elapsed:,.0f} places/s; p50 {ms(pct(o.latencies, 50))} ms, "
        note += f"p99 {ms(pct(o.latencies, 99))} ms; {o.round_trips:.0f} PG round trips/hold"
        note += " (seats ran short)" if o.short else ""
        ceiling = f"{paired(o, least):.2f} of ceiling" if o is not least else ""
        result.add(f"{label}: holds/s", round(o.rate, 1), "/s", ceiling, note)
    if least.rate:
        result.add(
            "chosen seats: ours / ceiling", round(paired(ours, least), 2), "ratio", f">= {AIM} aimed (issue 11)",
            f"chosen-seat holds, all or none; cycles {_ratios(ours, least)}",
        )  # fmt: skip
