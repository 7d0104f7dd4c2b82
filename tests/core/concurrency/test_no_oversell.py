"""200 concurrent buyers on real PostgreSQL cannot oversell; the same crowd against check-then-write does.

Each buyer's transaction runs on its own pooled connection (the pool is as large as the server allows beside
the rest of the suite: PostgreSQL's default max_connections is 100), released together by one event.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.config import Settings
from core.db.engine import create_engine
from core.db.tables import places
from core.db.transaction import Database
from core.domain.ids import PlaceId
from core.domain.money import Money
from core.domain.orders import Payment
from core.domain.places import PlaceState
from core.events.factory import open_bus
from core.services import checkout, sales
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.core.concurrency.harness import crowd, database_counts
from tests.support.context import memory_signer

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BUYERS = 200
STANDING = 500
SEATS = 50  # 5 rows of 10
LOSSES = {"not_enough_places", "seats_taken"}


@pytest.fixture
async def crowd_ctx(pg_database_url: str, clock) -> AsyncIterator[ServiceContext]:
    settings = Settings(database_url=pg_database_url)
    db = Database(create_engine(pg_database_url, pool_size=20, statement_timeout_s=30))
    bus = await open_bus(settings)
    yield ServiceContext(
        settings=settings, db=db, bus=bus, clock=clock, signer=await memory_signer(db, clock)
    )
    await bus.close()
    await db.dispose()


async def _stage(ctx: ServiceContext) -> Stage:
    return await build_stage(ctx, rows=5, seats_per_row=10, standing=STANDING, max_per_order=4)


def _pay(hold) -> Payment:
    return Payment("card", "t", Money(hold.total.minor, "EUR"))


async def test_standing_crowd_never_oversells(crowd_ctx):
    ctx = crowd_ctx
    stage = await _stage(ctx)
    rnd = random.Random(1)
    wants = [rnd.randint(2, 4) for _ in range(BUYERS)]  # ~600 wanted for 500 places

    async def buy(n: int) -> list[PlaceId]:
        actor = stage.kiosk if n % 2 else stage.other_kiosk
        hold = await sales.hold_standing(ctx, actor, stage.id, stage.standing, wants[n])
        assert len(hold.places) == wants[n]  # exactly what was asked for, never more or fewer
        if n % 3:  # two in three pay; the rest keep their hold
            await checkout.checkout_hold(ctx, actor, hold.id, idempotency_key=f"s{n}", payment=_pay(hold))
        return [p.place_id for p in hold.places]

    outcome = await crowd(BUYERS, buy)
    counts = await database_counts(ctx, stage.id)
    assert not outcome.untyped, outcome.untyped[:3]
    assert outcome.double_claims == 0
    assert set(outcome.typed_losses) <= LOSSES
    assert outcome.typed_losses  # demand exceeds supply, so some lost
    claimed = sum(outcome.claimed.values())
    assert claimed <= STANDING
    assert counts.get("sold", 0) + counts.get("held", 0) == claimed
    assert counts["places_in_two_orders"] == 0
    # Nothing lost either: only losers who could not be served went away empty-handed.
    assert STANDING - claimed < 4
    assert ctx.db.retries == 0


async def test_seat_crowd_never_oversells(crowd_ctx):
    ctx = crowd_ctx
    stage = await _stage(ctx)
    rnd = random.Random(2)
    picks = [rnd.sample(stage.seats, rnd.randint(1, 4)) for _ in range(BUYERS)]

    async def buy(n: int) -> list[PlaceId]:
        actor = stage.kiosk if n % 2 else stage.other_kiosk
        hold = await sales.hold_places(ctx, actor, stage.id, picks[n])
        assert sorted(p.place_id for p in hold.places) == sorted(picks[n])
        await checkout.checkout_hold(ctx, actor, hold.id, idempotency_key=f"p{n}", payment=_pay(hold))
        return [p.place_id for p in hold.places]

    outcome = await crowd(BUYERS, buy)
    counts = await database_counts(ctx, stage.id)
    assert not outcome.untyped, outcome.untyped[:3]
    assert outcome.double_claims == 0
    assert set(outcome.typed_losses) == {"seats_taken"}
    assert sum(outcome.claimed.values()) == counts.get("sold", 0) <= SEATS
    assert counts["places_in_two_orders"] == 0
    assert ctx.db.retries == 0


async def _unsafe_hold_standing(ctx: ServiceContext, stage: Stage, quantity: int) -> list[PlaceId]:
    """The classic bug: read free places, then write them, with nothing tying the write to what was read."""

    async def read(conn: AsyncConnection) -> list[PlaceId]:
        rows = await conn.execute(
            select(places.c.id)
            .where(
                places.c.section_id == stage.standing,
                places.c.concert_id == stage.id,
                places.c.state == PlaceState.FREE.value,
            )
            .order_by(places.c.id)
            .limit(quantity)
        )
        return [PlaceId(r.id) for r in rows]

    chosen = await ctx.db.read(read)
    if len(chosen) < quantity:
        from core.domain.errors import NotEnoughPlaces

        raise NotEnoughPlaces(quantity, "Floor")
    await asyncio.sleep(0)  # the network round trip between check and write

    async def write(conn: AsyncConnection) -> None:
        # Rows locked in id order, as the real code does: the variant is unsafe only by its missing re-check,
        # not by deadlocks, whose 1 s detection waits would make the control slow and flaky on a busy machine.
        await conn.execute(
            select(places.c.id).where(places.c.id.in_(chosen)).order_by(places.c.id).with_for_update()
        )
        await conn.execute(
            update(places)
            .where(places.c.id.in_(chosen))
            .values(state=PlaceState.HELD.value, hold_id="unsafe", held_until=ctx.clock.now())
        )

    await ctx.db.write(write)
    return chosen


@pytest.mark.allow_log  # the crowd's retries log
async def test_control_check_then_write_does_oversell(crowd_ctx):
    """The same crowd and checks against the unsafe variant: the harness must see the race."""
    ctx = crowd_ctx
    stage = await _stage(ctx)
    rnd = random.Random(1)
    wants = [rnd.randint(2, 4) for _ in range(BUYERS)]

    async def buy(n: int) -> list[PlaceId]:
        return await _unsafe_hold_standing(ctx, stage, wants[n])

    outcome = await crowd(BUYERS, buy)
    assert not outcome.untyped
    assert outcome.double_claims > 0  # places handed to two buyers
    assert sum(outcome.claimed.values()) > STANDING  # more handed out than exist
