"""hold_ceiling's chosen-seat harness, small: both variants hold exactly the seats they count, and the least
SQL it compares against holds chosen seats all or none, as ours does."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy import text

from core.domain.staff import describe
from tests.benchmarks import _chosen_ceiling as chosen
from tests.benchmarks import hold_ceiling
from tests.benchmarks._common import Env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def _held(env: Env, concert_id: int) -> tuple[int, int, int]:
    async with env.context(pool_size=1, bus="null") as (ctx, _):

        async def counts(conn):
            row = await conn.execute(
                text(
                    "SELECT (SELECT count(*) FROM holds WHERE concert_id = :c),"
                    " (SELECT coalesce(sum(place_count), 0) FROM holds WHERE concert_id = :c),"
                    " (SELECT count(*) FROM places WHERE concert_id = :c AND state = 'held')"
                ),
                {"c": concert_id},
            )
            return tuple(row.one())

        return await ctx.db.read(counts)


async def test_the_chosen_seat_variants_hold_what_they_count_and_the_ceiling_is_all_or_none(
    pg_server_url, monkeypatch
) -> None:
    monkeypatch.setattr(chosen, "ROWS", 40)
    monkeypatch.setattr(chosen, "SEATS_PER_ROW", 100)
    monkeypatch.setattr(hold_ceiling, "TASKS", 4)
    monkeypatch.setattr(hold_ceiling, "POOL", 2)
    monkeypatch.setattr(hold_ceiling, "WARM_RUNS", 2)
    env = Env(admin_url=pg_server_url, pg_source="test", redis_url=None, redis_source="none")
    await env.create()
    try:
        bench = chosen.ChosenBench(env, 0.2)
        for go in (lambda: bench.ours_chosen("null"), bench.least_chosen):
            out = await go()
            concert_id = env.concert_ids[-1]
            holds, places, held = await _held(env, concert_id)
            # warm-up and round-trip holds are not counted in out; every hold is whole, no seat twice
            assert out.holds > 0
            assert holds >= out.holds
            assert places == held
            assert out.round_trips == 1

        # All or none: a block with one seat already held writes nothing.
        stage = await bench.seated_stage()
        pool = await asyncpg.create_pool(min_size=1, max_size=1, **hold_ceiling._asyncpg_kwargs(env))
        try:
            hold_once = chosen._least(pool, stage, chosen._Cursor(stage.seats))
            assert await hold_once(2) == 2  # seats[0], seats[1]
            now = datetime.now(UTC)
            async with pool.acquire() as con:
                rows = await con.fetch(
                    chosen._LEAST_CHOSEN_SQL,
                    [int(stage.seats[1]), int(stage.seats[2])],
                    stage.id,
                    uuid.uuid4().hex,
                    describe(stage.kiosk),
                    stage.kiosk.device_id,
                    now,
                    now + timedelta(minutes=5),
                )
        finally:
            await pool.close()
        assert rows == []
        assert await _held(env, int(stage.id)) == (1, 2, 2)
    finally:
        await env.drop()


async def test_the_warm_up_stops_at_its_count_of_holds_not_its_time_cap() -> None:
    """Every variant warms up by count (each task and quantity WARM_RUNS times), so a slow start is passed
    whatever the machine's speed; the time cap only ends a warm-up that would never get there."""
    made: list[int] = []

    async def hold_once(q: int) -> int:
        made.append(q)
        return q

    out = hold_ceiling.Outcome()
    started = asyncio.get_running_loop().time()
    await hold_ceiling._run_tasks(hold_once, 30.0, out, tasks=4, until=100)
    assert asyncio.get_running_loop().time() - started < 5.0  # not the 30 s cap
    assert 100 <= out.holds < 100 + 4  # each task stops after the hold that reached the count
    assert out.holds == len(made)
    assert out.places == sum(made)

    capped = hold_ceiling.Outcome()
    await hold_ceiling._run_tasks(hold_once, 0.05, capped, tasks=1, until=10**9)  # the cap ends it
    assert 0 < capped.holds < 10**9
