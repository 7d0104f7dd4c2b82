"""Under a load above the pool's size, every caller gets its turn (core/db/turns.py); without turns, the callers
that just gave a connection back take it again and the others starve. Real PostgreSQL, a real pool, the hot path
(Database.hot: holds, extends, releases), where the control shows it: there a connection goes back to the pool
and is taken again without the event loop running anyone else in between."""

from __future__ import annotations

import asyncio
import time

import pytest

from core.db.driver import Hot
from core.db.engine import create_engine
from core.db.transaction import Database
from core.db.turns import Turns
from core.domain.errors import ErrorCode, StorageBusy

pytestmark = pytest.mark.postgres

TASKS = 12
RUN_S = 1.5


async def _load(db: Database) -> tuple[list[int], float]:
    """TASKS tasks run one short hot statement after another for RUN_S; each one's count, and the longest any
    statement waited and ran."""
    counts = [0] * TASKS
    longest = 0.0
    deadline = time.perf_counter() + RUN_S

    async def work(conn: Hot) -> None:
        await conn.fetch("SELECT pg_sleep(0.002)", ())

    async def task(n: int) -> None:
        nonlocal longest
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            await db.hot(work, writes=False)
            longest = max(longest, time.perf_counter() - started)
            counts[n] += 1

    await asyncio.gather(*(task(n) for n in range(TASKS)))
    return counts, longest


@pytest.mark.parametrize("in_turn", [True, False], ids=["in turn", "control: the pool alone"])
async def test_every_caller_gets_a_connection_in_turn_when_the_pool_is_too_small(
    pg_server_url, in_turn
) -> None:
    engine = create_engine(pg_server_url, pool_size=1)  # 2 connections for 12 callers
    db = Database(engine, in_turn=in_turn)
    try:
        assert isinstance(db.turns, Turns) == in_turn
        counts, longest = await _load(db)
    finally:
        await db.dispose()
    mean = sum(counts) / TASKS
    assert mean > 10  # the load ran
    if in_turn:
        # Each waits behind at most the other eleven: 6 statements per connection, ~20 ms, never a second.
        assert min(counts) >= mean / 2
        assert longest < RUN_S / 3
    else:
        # The control pins SQLAlchemy's pool as it is (2.0): two callers keep the two connections, the rest
        # wait out the run (measured: 641 and 642 statements against 1 each). Should a release of SQLAlchemy
        # serve waiters in turn, this fails, and Turns may go.
        assert sorted(counts)[-3] <= 1
        assert longest >= RUN_S * 0.9


async def test_a_caller_that_waits_longer_than_the_pool_timeout_hears_busy() -> None:
    turns = Turns(1, timeout_s=0.05)
    async with turns:
        started = time.perf_counter()
        with pytest.raises(StorageBusy) as refused:
            async with turns:
                pytest.fail("two at once in a single turn")
        assert refused.value.code == ErrorCode.STORAGE_BUSY
        assert 0.05 <= time.perf_counter() - started < 1.0
    async with turns:  # the turn given back, and the timed-out waiter took none
        pass


async def test_every_database_on_one_engine_queues_in_the_same_line(pg_server_url) -> None:
    engine = create_engine(pg_server_url, pool_size=1)
    try:
        first, second = Database(engine), Database(engine)
        assert first.turns is second.turns
        assert isinstance(first.turns, Turns)
        assert first.turns.size == 2  # create_engine's pool: twice pool_size, no overflow
    finally:
        await engine.dispose()


async def test_a_cancelled_caller_loses_no_turn_waiting_or_working() -> None:
    turns = Turns(1, timeout_s=5.0)
    holder_in, holder_go = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with turns:
            holder_in.set()
            await holder_go.wait()

    async def waiter() -> None:
        async with turns:
            pytest.fail("the waiter was cancelled before its turn")

    working = asyncio.create_task(holder())
    await holder_in.wait()
    waiting = asyncio.create_task(waiter())
    await asyncio.sleep(0.01)
    waiting.cancel()  # cancelled while it waits
    working.cancel()  # cancelled while it holds the turn
    for task in (waiting, working):
        with pytest.raises(asyncio.CancelledError):
            await task
    async with asyncio.timeout(1.0):  # the one turn is free again
        async with turns:
            pass
