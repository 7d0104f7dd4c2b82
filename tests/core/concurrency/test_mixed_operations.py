"""Every kind of sale operation at once, while time passes and holds lapse: no deadlock, no retry, no untyped
error, and the database still adds up afterwards.

40 workers run 600 operations drawn from hold_places, hold_standing, extend_hold, release_hold, checkout_hold
and refund_tickets, often on the same holds and orders; a separate task moves the ManualClock on, so holds
lapse mid-run and their places are taken by others. ``Database(max_attempts=1)``: a deadlock or serialization
failure would surface as "storage_busy" instead of being retried away, and pg_stat_database counts deadlocks.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import ManualClock
from core.domain.errors import EncoreError
from core.domain.holds import Hold
from core.domain.orders import Order, Payment
from core.domain.staff import DeviceActor
from core.events.factory import open_bus
from core.services import checkout, orders, sales
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.support.context import memory_signer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

WORKERS = 40
OPS_PER_WORKER = 15
HOLD_SECONDS = 60
CLOCK_STEP_S = 4  # every 10 ms: a hold lapses after about 150 ms of the run
MAX_PER_ORDER = 6
ROWS, SEATS_PER_ROW, STANDING = 3, 10, 60

# What losing a race looks like. Anything else (storage_busy above all: a deadlock) fails the test.
EXPECTED_LOSSES = {
    "seats_taken",
    "not_enough_places",
    "hold_expired",
    "hold_released",
    "hold_checked_out",
    "extension_limit",
    "ticket_already_void",
}


@dataclass
class Run:
    given: dict[str, int] = field(default_factory=dict)
    """hold id -> how many places were asked for (and handed out)."""
    holds: list[tuple[DeviceActor, Hold]] = field(default_factory=list)
    paid: list[Order] = field(default_factory=list)
    done: Counter[str] = field(default_factory=Counter)
    losses: Counter[str] = field(default_factory=Counter)
    untyped: list[str] = field(default_factory=list)
    short: list[str] = field(default_factory=list)


@pytest.fixture
async def mix_ctx(pg_database_url: str, clock: ManualClock) -> AsyncIterator[ServiceContext]:
    settings = Settings(database_url=pg_database_url)
    db = Database(create_engine(pg_database_url, pool_size=16, statement_timeout_s=30), max_attempts=1)
    bus = await open_bus(settings)
    ctx = ServiceContext(
        settings=settings, db=db, bus=bus, clock=clock, signer=await memory_signer(db, clock)
    )
    try:
        yield ctx
    finally:
        await bus.close()
        await db.dispose()


async def deadlocks(server_url: str, database_url: str) -> int:
    """pg_stat_database.deadlocks for the test database, read on a fresh connection."""
    engine = create_async_engine(server_url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            found = await conn.execute(
                text("SELECT deadlocks FROM pg_stat_database WHERE datname = :db"),
                {"db": make_url(database_url).database},
            )
            return int(found.scalar_one())
    finally:
        await engine.dispose()


async def invariant_problems(ctx: ServiceContext, stage: Stage, given: dict[str, int]) -> list[str]:
    """Every way the concert's places, holds, orders and tickets could disagree; empty when they add up."""
    checks = {
        "place with two valid tickets": """
            SELECT place_id FROM tickets WHERE concert_id = :c AND state = 'valid'
            GROUP BY place_id HAVING count(*) > 1""",
        "sold place without its valid ticket": """
            SELECT p.id FROM places p LEFT JOIN tickets t ON t.id = p.ticket_id
            WHERE p.concert_id = :c AND p.state = 'sold'
              AND (t.id IS NULL OR t.state <> 'valid' OR t.place_id <> p.id)""",
        "valid ticket whose place is not sold to it": """
            SELECT t.id FROM tickets t JOIN places p ON p.id = t.place_id
            WHERE t.concert_id = :c AND t.state = 'valid' AND (p.state <> 'sold' OR p.ticket_id <> t.id)""",
        "held place not in an active hold": """
            SELECT p.id FROM places p LEFT JOIN holds h ON h.id = p.hold_id
            WHERE p.concert_id = :c AND p.state = 'held' AND (h.id IS NULL OR h.state <> 'active')""",
        "hold holding more places than it was given": """
            SELECT h.id FROM holds h JOIN places p ON p.hold_id = h.id AND p.state = 'held'
            WHERE h.concert_id = :c GROUP BY h.id, h.place_count HAVING count(*) > h.place_count""",
        "checked-out hold whose order has another number of tickets": """
            SELECT h.id FROM holds h JOIN orders o ON o.hold_id = h.id JOIN tickets t ON t.order_id = o.id
            WHERE h.concert_id = :c GROUP BY h.id, h.place_count HAVING count(*) <> h.place_count""",
        "order for a hold that is not checked out": """
            SELECT o.id FROM orders o JOIN holds h ON h.id = o.hold_id
            WHERE o.concert_id = :c AND h.state <> 'checked_out'""",
    }

    async def work(conn: AsyncConnection) -> tuple[dict[str, list[Any]], list[Any], list[Any]]:
        found = {}
        for problem, sql in checks.items():
            found[problem] = [r[0] for r in await conn.execute(text(sql), {"c": stage.id})]
        by_section = (
            await conn.execute(
                text(
                    "SELECT section_id, count(*), count(*) FILTER (WHERE state IN ('sold', 'held')) "
                    "FROM places WHERE concert_id = :c GROUP BY section_id"
                ),
                {"c": stage.id},
            )
        ).all()
        counts = (
            await conn.execute(
                text("SELECT id, place_count FROM holds WHERE concert_id = :c"), {"c": stage.id}
            )
        ).all()
        return found, by_section, counts

    found, by_section, counts = await ctx.db.read(work)
    problems = [f"{problem}: {ids[:5]}" for problem, ids in found.items() if ids]
    capacity = {stage.seated: len(stage.seats), stage.standing: len(stage.standing_places)}
    for section, places_, taken in by_section:
        if places_ != capacity[section] or taken > places_:
            problems.append(
                f"section {section}: {taken} sold or held of {places_} places, capacity {capacity[section]}"
            )
    for hold_id, place_count in counts:
        if hold_id not in given:
            problems.append(f"hold {hold_id} was made by nobody")
        elif place_count != given[hold_id]:
            problems.append(f"hold {hold_id}: {place_count} places recorded, {given[hold_id]} given")
    problems += [
        f"hold {h} was handed out but is not in the database" for h in set(given) - {h for h, _ in counts}
    ]
    return problems


async def _mix(ctx: ServiceContext, stage: Stage, clock: ManualClock, run: Run) -> None:
    start = asyncio.Event()

    def note_hold(actor: DeviceActor, hold: Hold, wanted: int) -> None:
        if len(hold.places) != wanted:
            run.short.append(f"asked for {wanted}, got {len(hold.places)}")
        run.given[hold.id] = len(hold.places)
        run.holds.append((actor, hold))

    async def one(r: random.Random, actor: DeviceActor) -> str:
        op = r.random()
        if op < 0.25:
            wanted = r.randint(1, MAX_PER_ORDER)
            note_hold(actor, await sales.hold_standing(ctx, actor, stage.id, stage.standing, wanted), wanted)
            return "hold_standing"
        if op < 0.5 or not run.holds:
            seats = r.sample(stage.seats, r.randint(1, MAX_PER_ORDER))
            note_hold(actor, await sales.hold_places(ctx, actor, stage.id, seats), len(seats))
            return "hold_places"
        owner, hold = run.holds[r.randrange(len(run.holds))]
        if op < 0.62:
            await sales.extend_hold(ctx, owner, hold.id)
            return "extend_hold"
        if op < 0.72:
            await sales.release_hold(ctx, owner, hold.id)
            return "release_hold"
        if op < 0.88 or not run.paid:
            payment = Payment("card", f"mix-{hold.id[:8]}", hold.total)
            # The hold id as idempotency key: two workers paying for one hold get one order.
            run.paid.append(
                await checkout.checkout_hold(ctx, owner, hold.id, idempotency_key=hold.id, payment=payment)
            )
            return "checkout_hold"
        order = run.paid[r.randrange(len(run.paid))]
        if r.random() < 0.5:
            await orders.refund_tickets(ctx, stage.manager, order.code, reason="mixed run")
        else:
            ticket = r.choice(order.tickets)
            await orders.refund_tickets(
                ctx, stage.manager, order.code, reason="mixed run", ticket_ids=[ticket.id]
            )
        return "refund_tickets"

    async def worker(n: int) -> None:
        actor = stage.kiosk if n % 2 else stage.other_kiosk
        r = random.Random(n)
        await start.wait()
        for _ in range(OPS_PER_WORKER):
            try:
                run.done[await one(r, actor)] += 1
            except EncoreError as exc:
                run.losses[exc.code] += 1
            except Exception as exc:  # an untyped failure is a defect the test reports
                run.untyped.append(repr(exc)[:300])

    async def time_passes() -> None:
        await start.wait()
        while True:
            await asyncio.sleep(0.01)
            clock.advance(CLOCK_STEP_S)

    workers = [asyncio.create_task(worker(n)) for n in range(WORKERS)]
    ticking = asyncio.create_task(time_passes())
    await asyncio.sleep(0.05)
    start.set()
    try:
        await asyncio.gather(*workers)
    finally:
        ticking.cancel()
        await asyncio.gather(ticking, return_exceptions=True)


async def test_mixed_operations_never_deadlock_and_keep_the_books_straight(
    mix_ctx, pg_server_url, pg_database_url, clock
):
    ctx = mix_ctx
    stage = await build_stage(
        ctx,
        rows=ROWS,
        seats_per_row=SEATS_PER_ROW,
        standing=STANDING,
        hold_seconds=HOLD_SECONDS,
        max_per_order=MAX_PER_ORDER,
    )
    deadlocks_before = await deadlocks(pg_server_url, pg_database_url)
    started_at = clock.now()
    run = Run()

    await _mix(ctx, stage, clock, run)

    assert not run.untyped, run.untyped[:5]
    assert set(run.losses) <= EXPECTED_LOSSES, run.losses  # storage_busy here would be a deadlock
    assert not run.short, run.short[:5]
    assert ctx.db.retries == 0
    assert sum(run.done.values()) + sum(run.losses.values()) == WORKERS * OPS_PER_WORKER
    # The mix really mixed: every operation succeeded sometimes, and holds lapsed while it ran.
    assert set(run.done) == {
        "hold_standing",
        "hold_places",
        "extend_hold",
        "release_hold",
        "checkout_hold",
        "refund_tickets",
    }, run.done
    assert (clock.now() - started_at).total_seconds() > 3 * HOLD_SECONDS
    assert await invariant_problems(ctx, stage, run.given) == []

    await ctx.db.dispose()  # backends flush their statistics when they exit
    assert await deadlocks(pg_server_url, pg_database_url) == deadlocks_before


# --- controls: the checks above can fail ------------------------------------------------------------


async def test_control_the_invariant_check_sees_broken_books(mix_ctx, clock):
    ctx = mix_ctx
    stage = await build_stage(ctx, hold_seconds=HOLD_SECONDS)
    sold = await sales.hold_places(ctx, stage.kiosk, stage.id, list(stage.seats[:2]))
    order = await checkout.checkout_hold(
        ctx, stage.kiosk, sold.id, idempotency_key="k1", payment=Payment("card", "r", sold.total)
    )
    released = await sales.hold_places(ctx, stage.kiosk, stage.id, [stage.seats[5]])
    await sales.release_hold(ctx, stage.kiosk, released.id)
    given = {sold.id: 2, released.id: 1}
    assert await invariant_problems(ctx, stage, given) == []

    async def corrupt(conn: AsyncConnection) -> None:
        # A released hold's place still held by it; a sold place's ticket voided without freeing the place.
        await conn.execute(
            text("UPDATE places SET state = 'held', hold_id = :h, held_until = :t WHERE id = :p"),
            {"h": released.id, "t": clock.now(), "p": stage.seats[5]},
        )
        await conn.execute(
            text("UPDATE tickets SET state = 'void' WHERE id = :t"), {"t": order.tickets[0].id}
        )

    await ctx.db.write(corrupt)
    problems = await invariant_problems(ctx, stage, {**given, sold.id: 3})
    assert any(p.startswith("held place not in an active hold") for p in problems), problems
    assert any(p.startswith("sold place without its valid ticket") for p in problems), problems
    assert any(f"hold {sold.id}: 2 places recorded, 3 given" in p for p in problems), problems


async def test_control_a_real_deadlock_is_counted(pg_server_url, pg_database_url, mix_ctx):
    """Two transactions locking two rows in opposite orders: PostgreSQL detects it, and the count shows it."""
    stage = await build_stage(mix_ctx)
    a, b = stage.seats[0], stage.seats[1]
    before = await deadlocks(pg_server_url, pg_database_url)
    engine = create_async_engine(pg_database_url, poolclass=NullPool)
    try:
        async with engine.connect() as one, engine.connect() as two:
            await one.begin()
            await two.begin()
            lock = "SELECT id FROM places WHERE id = :p FOR UPDATE"
            await one.execute(text(lock), {"p": a})
            await two.execute(text(lock), {"p": b})
            results = await asyncio.gather(
                one.execute(text(lock), {"p": b}), two.execute(text(lock), {"p": a}), return_exceptions=True
            )
            assert sum(isinstance(r, Exception) and "deadlock" in str(r) for r in results) == 1, results
    finally:
        await engine.dispose()
    await mix_ctx.db.dispose()
    assert await deadlocks(pg_server_url, pg_database_url) == before + 1
