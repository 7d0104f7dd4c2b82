"""Checkouts/s: our service against the least SQL that does its job, same run, same tasks.

Each variant gets a fresh concert whose standing places are already held, two per hold (made in one statement,
not measured), and TASKS tasks check holds out for a fixed time with a card payment (no PIN: the attended
terminal's PIN check and its bookkeeping are the payment's cost, measured by the round-trip count of
tests/core/db/test_checkout_round_trips.py, not the checkout's).
  ours                     checkout.checkout_hold with the real bus (RedisBus when Redis is up)
  ours, no publish         the same with a bus that publishes nowhere
  ours, transaction path   the same service without the look: the one-transaction checkout it falls back to
                           (lock hold, key, site, concert, places; insert order, tickets; update places, hold,
                           signatures), which was every checkout before
  raw asyncpg (ceiling)    the look and the sale statement (core.db.checkout) through asyncpg.create_pool (no
                           reset query on release), the tickets signed between them: two statements, two round
                           trips, no BEGIN/COMMIT
Round trips per checkout are counted on the sockets (tests/support/round_trips.py).
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.dialects.postgresql.asyncpg import dialect as asyncpg_dialect

from core.db import checkout as checkout_db
from core.domain.codes import new_order_code, new_ticket_serial
from core.domain.ids import HoldId, TicketId
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.staff import describe
from core.services import checkout
from core.services.context import ServiceContext
from core.services.signing_keys import KeyedSigner, ticket_signer
from core.tickets.issuer import sign_ticket
from tests.benchmarks._common import CpuMeter, Env, Result, ms, pct, warm_pool
from tests.benchmarks.hold_ceiling import _asyncpg_kwargs
from tests.builders import Stage
from tests.support.round_trips import RoundTrips

NAME = "checkout_ceiling"
TITLE = "Checkouts/s: ours vs the least SQL that does the job (raw asyncpg, same two statements)"
TASKS = 32
POOL = 16
HOLDS = 6_000
DURATION_S = 4.0
RT_CHECKOUTS = 20

CheckoutOnce = Callable[[HoldId, int], Awaitable[None]]


@dataclass
class Outcome:
    checkouts: int = 0
    latencies: list[float] = field(default_factory=list)
    elapsed: float = 0.0
    short: bool = False
    cpu: dict[str, float] = field(default_factory=dict)
    round_trips: float = float("nan")

    @property
    def rate(self) -> float:
        return self.checkouts / self.elapsed if self.elapsed else 0.0


@dataclass
class Held:
    stage: Stage
    holds: list[HoldId]
    price: Money
    """Of one hold (two places)."""


_HOLD_ALL = text("""
WITH ids AS (SELECT * FROM unnest(CAST(:ids AS varchar[])) WITH ORDINALITY AS i(id, n)),
h AS (
    INSERT INTO holds (id, concert_id, actor, device_id, created_at, expires_at, place_count, extensions, state)
    SELECT id, :concert, :actor, :device, :now, :until, 2, 0, 'active' FROM ids RETURNING id
),
pl AS (
    SELECT id, row_number() OVER (ORDER BY id) AS r FROM places
    WHERE concert_id = :concert AND section_id = :section AND state = 'free'
)
UPDATE places SET state = 'held', hold_id = ids.id, held_until = :until
FROM pl JOIN ids ON ids.n = (pl.r + 1) / 2
WHERE places.id = pl.id
""")

_PRICE = text("""
SELECT pc.price_minor, pc.currency FROM places p JOIN price_categories pc ON pc.id = p.category_id
WHERE p.concert_id = :concert AND p.section_id = :section LIMIT 1
""")


async def _held(env: Env, n: int) -> Held:
    """A fresh concert with n holds of two standing places each, for an hour."""
    async with env.context(pool_size=2, bus="null", statement_timeout_s=60) as (ctx, _):
        stage = await env.stage(ctx, rows=1, seats_per_row=2, standing=2 * n)
        holds = [HoldId(uuid.uuid4().hex) for _ in range(n)]
        now = datetime.now(UTC)
        params = {
            "ids": list(holds),
            "concert": stage.id,
            "section": stage.standing,
            "actor": describe(stage.kiosk),
            "device": stage.kiosk.device_id,
            "now": now,
            "until": now + timedelta(hours=1),
        }

        async def work(conn: Any) -> Money:
            await conn.execute(_HOLD_ALL, params)
            row = (await conn.execute(_PRICE, {"concert": stage.id, "section": stage.standing})).one()
            return Money(2 * row.price_minor, row.currency)

        price = await ctx.db.write(work)
    await env.settle()
    return Held(stage, holds, price)


async def _drive(once: CheckoutOnce, holds: list[HoldId], duration: float) -> Outcome:
    out = Outcome()
    queue = iter(holds)
    deadline = time.perf_counter() + duration

    async def task() -> None:
        for hold_id in queue:
            t0 = time.perf_counter()
            await once(hold_id, out.checkouts)
            out.latencies.append(time.perf_counter() - t0)
            out.checkouts += 1
            if time.perf_counter() >= deadline:
                return
        out.short = True

    meter = CpuMeter().start()
    start = time.perf_counter()
    await asyncio.gather(*(task() for _ in range(TASKS)))
    out.elapsed = time.perf_counter() - start
    out.cpu = meter.stop()
    return out


async def _count(once: CheckoutOnce, holds: list[HoldId], counter: RoundTrips) -> float:
    for i, hold_id in enumerate(holds[:3]):  # warm: prepared statements, pool
        await once(hold_id, -1 - i)
    with counter.counting():
        for n, hold_id in enumerate(holds[3 : 3 + RT_CHECKOUTS]):
            await once(hold_id, n)
    return counter.count / RT_CHECKOUTS


def _ours(ctx: ServiceContext, held: Held, *, fallback: bool) -> CheckoutOnce:
    actor = held.stage.kiosk
    prefix = uuid.uuid4().hex[:8]

    async def once(hold_id: HoldId, n: int) -> None:
        key = f"{prefix}-{hold_id}"
        payment = Payment("card", f"bench-{n}", held.price)
        if not fallback:
            await checkout.checkout_hold(ctx, actor, hold_id, idempotency_key=key, payment=payment)
            return
        signer = await ticket_signer(ctx)
        await checkout._complete(ctx, actor, hold_id, key, payment, (None, "en"), signer, None)

    return once


def _positional(stmt: Any) -> tuple[str, tuple[str, ...]]:
    compiled = stmt.compile(dialect=asyncpg_dialect())
    return str(compiled), tuple(compiled.positiontup)


def _raw(pool: asyncpg.Pool, held: Held, signer: KeyedSigner) -> CheckoutOnce:
    """The look and the sale through asyncpg: what the checkout needs the database for, and no more."""
    look_sql, look_names = _positional(checkout_db.LOOK)
    sell_sql, sell_names = _positional(checkout_db.SELL)
    actor = held.stage.kiosk
    concert = held.stage.id
    prefix = uuid.uuid4().hex[:8]

    async def once(hold_id: HoldId, n: int) -> None:
        key = f"{prefix}-{hold_id}"
        params = checkout_db.look_params(actor, hold_id, key)
        async with pool.acquire() as con:
            rows = await con.fetch(look_sql, *(params[name] for name in look_names))
        now = datetime.now(UTC)
        ticket_ids = sorted(TicketId(r["ticket_id"]) for r in rows)
        sale = {
            **checkout_db.look_params(actor, hold_id, key),
            "actor": describe(actor),
            "place_ids": [r["place_id"] for r in rows],
            "category_ids": [r["category_id"] for r in rows],
            "prices": [r["price_minor"] for r in rows],
            "ticket_ids": ticket_ids,
            "serials": [new_ticket_serial() for _ in rows],
            "signatures": [sign_ticket(signer, t, concert, now) for t in ticket_ids],
            "currency": held.price.currency,
            "method": "card",
            "code": new_order_code(),
            "device_id": actor.device_id,
            "total": held.price.minor,
            "reference": f"bench-{n}",
            "email": None,
            "demo": False,
            "now": now,
            "language": "en",
            "signing_key_id": signer.key_id,
            "device_key_id": None,
        }
        async with pool.acquire() as con:
            sold = await con.fetch(sell_sql, *(sale[name] for name in sell_names))
        if not sold:
            raise RuntimeError(f"raw checkout of {hold_id} sold nothing")

    return once


async def _no_reset(_con: asyncpg.Connection) -> None:
    return None


class Bench:
    def __init__(self, env: Env, duration: float) -> None:
        self.env = env
        self.duration = duration

    async def ours(self, bus: str, *, fallback: bool = False) -> Outcome:
        held = await _held(self.env, HOLDS)
        cut = HOLDS - RT_CHECKOUTS - 3
        async with self.env.context(pool_size=POOL, bus=bus) as (ctx, _):
            await warm_pool(ctx.db.engine, TASKS)
            out = await _drive(_ours(ctx, held, fallback=fallback), held.holds[:cut], self.duration)
        async with self.env.context(pool_size=1, bus=bus) as (ctx, _):
            counter = RoundTrips()
            counter.attach(ctx.db.engine)
            out.round_trips = await _count(_ours(ctx, held, fallback=fallback), held.holds[cut:], counter)
        return out

    async def raw(self) -> Outcome:
        held = await _held(self.env, HOLDS)
        cut = HOLDS - RT_CHECKOUTS - 3
        async with self.env.context(pool_size=1, bus="null") as (ctx, _):
            signer = await ticket_signer(ctx)
        # No reset query when a connection goes back to the pool (asyncpg's default sends one): the statements
        # leave nothing behind, so the ceiling is the two statements alone.
        kwargs = {**_asyncpg_kwargs(self.env), "reset": _no_reset}
        pool = await asyncpg.create_pool(min_size=TASKS, max_size=TASKS, **kwargs)
        try:
            out = await _drive(_raw(pool, held, signer), held.holds[:cut], self.duration)
        finally:
            await pool.close()
        counter = RoundTrips()

        async def init(con: asyncpg.Connection) -> None:
            counter.wrap(con)

        pool = await asyncpg.create_pool(min_size=1, max_size=1, init=init, **kwargs)
        try:
            out.round_trips = await _count(_raw(pool, held, signer), held.holds[cut:], counter)
        finally:
            await pool.close()
        return out


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
        ("ours, transaction path, no publish", lambda: bench.ours("null", fallback=True)),
        (RAW, bench.raw),
    ]
    outcomes: dict[str, Outcome] = {}
    for label, go in variants:
        outcomes[label] = await go()
    raw = outcomes[RAW]
    result.setup = {
        "concert": f"fresh per variant: {HOLDS:,} holds of 2 standing places, VACUUM ANALYZE before each",
        "load": f"{TASKS} tasks, pool {POOL}+{POOL} (raw: asyncpg pool of {TASKS}), card payment, "
        f"{bench.duration:.1f} s per variant",
        "bus (ours)": bus_name,
        "round trips": f"client->server flights counted on the socket, {RT_CHECKOUTS} sequential checkouts",
        **{
            label: f"{o.checkouts:,} checkouts in {o.elapsed:.2f} s{' (ran out of holds)' if o.short else ''}, "
            f"client CPU {o.cpu.get('client_cpu_pct')}%, machine {o.cpu.get('machine_busy_pct')}%"
            for label, o in outcomes.items()
        },
    }
    for label, o in outcomes.items():
        ceiling = f"{o.rate / raw.rate:.2f} of raw" if raw.rate and o is not raw else ""
        note = f"p50 {ms(pct(o.latencies, 50))} ms, p99 {ms(pct(o.latencies, 99))} ms; "
        note += f"{o.round_trips:.0f} PG round trips/checkout"
        result.add(f"{label}: checkouts/s", round(o.rate, 1), "/s", ceiling, note)
    ours = outcomes[ours_label]
    if raw.rate:
        result.headline(
            "checkouts", round(ours.rate, 1), "/s",
            f"{ours.rate / raw.rate:.2f} of the same 2 statements through raw asyncpg, {raw.rate:,.0f}/s",
        )  # fmt: skip
    nopub = outcomes["ours, no publish"]
    if raw.rate and nopub.rate:
        result.add(
            "ours no publish / ceiling", round(nopub.rate / raw.rate, 2), "ratio", ">= 0.7", "checkouts"
        )
    before = outcomes["ours, transaction path, no publish"]
    if before.rate and nopub.rate:
        result.add("ours no publish / transaction path", round(nopub.rate / before.rate, 2), "ratio", "", "")
    return result
