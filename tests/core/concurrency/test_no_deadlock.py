"""500 holds of overlapping seat sets, each listed in a random order: never a deadlock, never a retry."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import text

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.errors import SeatsTaken
from core.events.factory import open_bus
from core.services import sales
from core.services.context import ServiceContext
from tests.builders import build_stage

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

HOLDS = 500
WORKERS = 32


async def test_overlapping_holds_in_random_order_never_deadlock(pg_database_url, clock):
    settings = Settings(database_url=pg_database_url)
    db = Database(
        create_engine(pg_database_url, pool_size=WORKERS // 2, statement_timeout_s=30), max_attempts=1
    )
    bus = await open_bus(settings)
    ctx = ServiceContext(settings=settings, db=db, bus=bus, clock=clock)
    try:
        stage = await build_stage(ctx, rows=2, seats_per_row=10, max_per_order=8)
        rnd = random.Random(3)
        # Every request overlaps others: 3-8 seats out of 20, shuffled so lock order would differ if we let it.
        requests = [rnd.sample(stage.seats, rnd.randint(3, 8)) for _ in range(HOLDS)]
        queue: asyncio.Queue[list] = asyncio.Queue()
        for request in requests:
            queue.put_nowait(request)
        held = taken = 0

        async def worker(n: int) -> None:
            nonlocal held, taken
            actor = stage.kiosk if n % 2 else stage.other_kiosk
            while not queue.empty():
                request = queue.get_nowait()
                try:
                    hold = await sales.hold_places(ctx, actor, stage.id, request)
                except SeatsTaken:
                    taken += 1
                    continue
                held += 1
                await asyncio.sleep(0)
                await sales.release_hold(ctx, actor, hold.id)  # keep the seats contended

        await asyncio.gather(*(worker(n) for n in range(WORKERS)))
        assert held + taken == HOLDS
        assert held > 0
        assert taken > 0
        assert db.retries == 0  # max_attempts=1: a deadlock would have raised, not been retried

        async def deadlocks(conn):
            return (
                await conn.execute(
                    text("SELECT deadlocks FROM pg_stat_database WHERE datname = current_database()")
                )
            ).scalar_one()

        assert await db.read(deadlocks) == 0
    finally:
        await bus.close()
        await db.dispose()
