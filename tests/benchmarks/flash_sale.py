"""Flash sale on PostgreSQL: 64 buyers loop hold -> checkout on one hot concert until time is up or it sells out.

Mix per attempt: ~70% standing (sales.hold_standing), ~15% best available seats (sales.hold_best_available),
~15% random seats we have not sold yet (sales.hold_places; conflicts are expected typed losses). Every hold
goes straight to checkout.checkout_hold with its own idempotency key. Afterwards the database is checked:
OVERSOLD counts places sold/held beyond capacity, places with more than one valid ticket, valid tickets their
place does not point back to, and places the buyers were sold twice. It must be 0.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.errors import EncoreError, NotEnoughPlaces
from core.domain.holds import Hold
from core.domain.ids import PlaceId
from core.domain.money import Money
from core.domain.orders import Payment
from core.services import checkout, sales
from tests.benchmarks._api_flash_report import PRETIX_GA
from tests.benchmarks._common import CpuMeter, Env, Result, ms, pct, warm_pool

NAME = "flash_sale"
TITLE = "Flash sale on PostgreSQL: hold -> checkout, mixed standing/seats"

BUYERS = 64
POOL = 32  # + the same overflow: 64 connections
ROWS, SEATS_PER_ROW, STANDING, MAX_PER_ORDER = 40, 50, 10_000, 4
DURATION_S = 10.0


@dataclass
class Stock:
    """What the buyers know: the largest quantity still worth trying per kind, and seats not yet sold by us."""

    standing_q: int = MAX_PER_ORDER
    free_seats: set[PlaceId] = field(default_factory=set)

    @property
    def sold_out(self) -> bool:
        return self.standing_q == 0 and not self.free_seats


@dataclass
class Tally:
    hold_lat: list[float] = field(default_factory=list)
    checkout_lat: list[float] = field(default_factory=list)
    holds_by_kind: Counter[str] = field(default_factory=Counter)
    losses: Counter[str] = field(default_factory=Counter)
    untyped: Counter[str] = field(default_factory=Counter)
    orders: int = 0
    tickets: int = 0
    bought: Counter[PlaceId] = field(default_factory=Counter)


async def run(env: Env, scale: float = 1.0) -> Result:
    result = Result(NAME, TITLE)
    duration = DURATION_S * scale
    async with env.context(pool_size=POOL) as (ctx, bus_name):
        started = time.perf_counter()
        stage = await env.stage(
            ctx, rows=ROWS, seats_per_row=SEATS_PER_ROW, standing=STANDING, max_per_order=MAX_PER_ORDER
        )
        build_s = time.perf_counter() - started
        await env.settle()
        await warm_pool(ctx.db.engine, BUYERS)
        stock = Stock(free_seats=set(stage.seats))
        tally = Tally()
        deadline = 0.0
        run_id = f"{int(time.time())}-{stage.id}"

        async def buyer(n: int) -> None:
            rnd = random.Random(n)
            i = 0
            while time.perf_counter() < deadline and not stock.sold_out:
                i += 1
                hold = await _hold(ctx, stage, stock, tally, rnd)
                if hold is None:
                    continue
                total = Money.total([p.price for p in hold.places], stage.concert.currency)
                t0 = time.perf_counter()
                try:
                    order = await checkout.checkout_hold(
                        ctx,
                        stage.kiosk,
                        hold.id,
                        idempotency_key=f"bench-{run_id}-{n}-{i}",
                        payment=Payment("card", f"term-{n}-{i}", total),
                    )
                except EncoreError as exc:
                    tally.losses[f"checkout:{exc.code}"] += 1
                    continue
                except Exception as exc:  # reported, never hidden
                    tally.untyped[f"checkout:{type(exc).__name__}"] += 1
                    continue
                tally.checkout_lat.append(time.perf_counter() - t0)
                tally.orders += 1
                tally.tickets += len(order.tickets)
                tally.bought.update(t.place_id for t in order.tickets)

        meter = CpuMeter().start()
        t_start = time.perf_counter()
        deadline = t_start + duration
        await asyncio.gather(*(buyer(n) for n in range(BUYERS)))
        elapsed = time.perf_counter() - t_start
        cpu = meter.stop()
        check = await ctx.db.read(lambda conn: _verify(conn, int(stage.id), int(stage.concert.plan_id)))
        retries = ctx.db.retries

    capacity = check["capacity"]
    oversold_parts = {
        "sold+held beyond capacity": max(0, check["sold"] + check["held"] - capacity),
        "places with >1 valid ticket": check["multi_ticket_places"],
        "valid tickets their place does not carry": check["orphan_tickets"],
        "places sold twice to the buyers": sum(n - 1 for n in tally.bought.values() if n > 1),
        "place rows beyond capacity": max(0, check["rows"] - capacity),
    }
    oversold = sum(oversold_parts.values())
    holds = sum(tally.holds_by_kind.values())
    result.setup = {
        "concert": f"{capacity:,} places: {ROWS * SEATS_PER_ROW:,} seats ({ROWS}x{SEATS_PER_ROW})"
        f" + {STANDING:,} standing",
        "buyers": f"{BUYERS} asyncio tasks, pool {POOL}+{POOL}, max {MAX_PER_ORDER} per order, 1-4 places per hold",
        "mix": "70% standing / 15% best available / 15% random seats",
        "bus": bus_name,
        "duration": f"limit {duration:.1f} s, ran {elapsed:.2f} s ({'sold out' if stock.sold_out else 'time up'})",
        "build": f"{build_s:.1f} s (admin services, put_on_sale expands the places)",
        "cpu": f"client {cpu['client_cpu_pct']}% of a core, machine {cpu['machine_busy_pct']}% busy",
        "holds by kind": dict(tally.holds_by_kind),
        "sold at the end": f"{check['sold']:,} sold, {check['held']:,} held, {check['valid_tickets']:,} valid tickets",
        "transaction retries": retries,
        "oversold parts": oversold_parts,
    }
    result.add("holds/s", round(holds / elapsed, 1), "/s", note=f"{holds:,} holds")
    result.add("checkouts/s", round(tally.orders / elapsed, 1), "/s", note=f"{tally.orders:,} orders")
    result.add("places sold/s", round(tally.tickets / elapsed, 1), "/s")
    result.add("hold p50", ms(pct(tally.hold_lat, 50)), "ms")
    result.add("hold p99", ms(pct(tally.hold_lat, 99)), "ms")
    result.add("checkout p50", ms(pct(tally.checkout_lat, 50)), "ms")
    result.add("checkout p99", ms(pct(tally.checkout_lat, 99)), "ms")
    result.add(
        "typed losses",
        sum(tally.losses.values()),
        "",
        note=", ".join(f"{k} {v}" for k, v in tally.losses.most_common()),
    )
    result.add(
        "untyped errors",
        sum(tally.untyped.values()),
        "",
        "0",
        ", ".join(f"{k} {v}" for k, v in tally.untyped.items()),
    )
    result.add("OVERSOLD", oversold, "places", "must be 0", "from the database afterwards")
    rate = round(tally.orders / elapsed, 1)
    result.headline(
        "orders",
        rate,
        "/s",
        f"{rate / PRETIX_GA:.1f}x pretix GA ({PRETIX_GA:.0f}/s); OVERSOLD {oversold} places",
    )
    return result


async def _hold(ctx, stage, stock: Stock, tally: Tally, rnd: random.Random) -> Hold | None:  # type: ignore[no-untyped-def]
    """One hold attempt of the mix; None after a typed loss."""
    roll = rnd.random()
    q = rnd.randint(1, MAX_PER_ORDER)
    if stock.standing_q == 0:
        roll = 0.7 + roll * 0.3  # standing is gone: only seats
    elif not stock.free_seats:
        roll = 0.0  # seats are gone
    if 0.7 <= roll < 0.85 and len(stock.free_seats) < q:
        roll = 0.9  # too few seats left for a block: choose them
    kind = "standing" if roll < 0.7 else "best available" if roll < 0.85 else "chosen seats"
    t0 = time.perf_counter()
    try:
        if roll < 0.7:
            q = min(q, stock.standing_q)
            try:
                hold = await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q)
            except NotEnoughPlaces:
                stock.standing_q = min(stock.standing_q, q - 1)
                raise
        elif roll < 0.85:
            # NotEnoughPlaces here usually means "every retry collided with other buyers who picked the
            # same best block", not "no block left": a typed loss, not the end of the seats.
            hold = await sales.hold_best_available(ctx, stage.kiosk, stage.id, stage.seated, q)
        else:
            pool = tuple(stock.free_seats)
            if not pool:
                return None
            chosen = rnd.sample(pool, min(q, len(pool)))
            hold = await sales.hold_places(ctx, stage.kiosk, stage.id, chosen)
    except EncoreError as exc:
        tally.losses[f"{kind}:{exc.code}"] += 1
        return None
    except Exception as exc:  # reported, never hidden
        tally.untyped[f"{kind}:{type(exc).__name__}"] += 1
        return None
    tally.hold_lat.append(time.perf_counter() - t0)
    tally.holds_by_kind[kind] += 1
    stock.free_seats.difference_update(p.place_id for p in hold.places)
    return hold


async def _verify(conn: AsyncConnection, concert_id: int, plan_id: int) -> dict[str, int]:
    p = {"c": concert_id}
    one = await conn.execute(
        text(
            "SELECT count(*) FILTER (WHERE state = 'sold'), count(*) FILTER (WHERE state = 'held'), count(*) "
            "FROM places WHERE concert_id = :c"
        ),
        p,
    )
    sold, held, rows = one.one()
    capacity = await conn.scalar(
        text("SELECT coalesce(sum(capacity), 0) FROM sections WHERE plan_id = :p"), {"p": plan_id}
    )
    multi = await conn.scalar(
        text(
            "SELECT count(*) FROM (SELECT place_id FROM tickets WHERE concert_id = :c AND state = 'valid' "
            "GROUP BY place_id HAVING count(*) > 1) d"
        ),
        p,
    )
    orphan = await conn.scalar(
        text(
            "SELECT count(*) FROM tickets t JOIN places pl ON pl.id = t.place_id WHERE t.concert_id = :c "
            "AND t.state = 'valid' AND (pl.ticket_id IS DISTINCT FROM t.id OR pl.state <> 'sold')"
        ),
        p,
    )
    valid = await conn.scalar(
        text("SELECT count(*) FROM tickets WHERE concert_id = :c AND state = 'valid'"), p
    )
    return {
        "sold": int(sold),
        "held": int(held),
        "rows": int(rows),
        "capacity": int(capacity or 0),
        "multi_ticket_places": int(multi or 0),
        "orphan_tickets": int(orphan or 0),
        "valid_tickets": int(valid or 0),
    }
