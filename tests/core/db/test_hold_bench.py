"""hold_ceiling's harness, small: both chosen-seat variants hold exactly the seats they count, the least SQL it
compares against holds chosen seats all or none, as ours does, and the slices run and pair as they say."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager
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
    monkeypatch.setattr(hold_ceiling, "SLICE_POOL", 2)
    monkeypatch.setattr(hold_ceiling, "WARM_RUNS", 2)
    monkeypatch.setattr(hold_ceiling, "CYCLES", 2)
    env = Env(admin_url=pg_server_url, pg_source="test", redis_url=None, redis_source="none")
    await env.create()
    try:
        bench = chosen.ChosenBench(env, 0.2)
        outcomes, stages = await bench.measure("ours", "least", "null")
        for label, out in outcomes.items():
            holds, places, held = await _held(env, int(stages[label].id))
            # warm-up and round-trip holds are not counted in out; every hold is whole, no seat twice
            assert len(out.slices) == 2
            assert all(s.holds > 0 for s in out.slices)
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


async def test_the_variants_are_measured_in_turns_the_order_reversed_every_other_cycle(monkeypatch) -> None:
    """Each variant is opened and warmed up first, then measured once per cycle: A B C, C B A, A B C, so the
    first two are neighbours in every cycle; paired() is the median of the cycles' ratios."""
    monkeypatch.setattr(hold_ceiling, "WARM_RUNS", 1)
    monkeypatch.setattr(hold_ceiling, "SLICE_POOL", 2)
    events: list[str] = []
    names: dict[object, str] = {}

    def variant(label: str, pause_s: float):
        @asynccontextmanager
        async def open_variant():
            events.append(f"open {label}")

            async def hold_once(q: int) -> int:
                if events[-1] != f"warm {label}" and not events[-1].startswith("slice"):
                    events.append(f"warm {label}")
                await asyncio.sleep(pause_s)
                return q

            names[hold_once] = label
            yield hold_once
            events.append(f"close {label}")

        return label, open_variant

    measure = hold_ceiling._measure

    async def measured(hold_once, duration, tasks):
        events.append(f"slice {names[hold_once]}")
        return await measure(hold_once, duration, tasks)

    monkeypatch.setattr(hold_ceiling, "_measure", measured)
    out = await hold_ceiling.sliced(
        [variant("A", 0.002), variant("B", 0.004), variant("C", 0.001)], slice_s=0.05, cycles=3
    )
    opening = ["open A", "warm A", "open B", "warm B", "open C", "warm C"]
    assert events[:6] == opening
    assert [e.split()[1] for e in events[6:15]] == ["A", "B", "C", "C", "B", "A", "A", "B", "C"]
    assert all(e.startswith("slice") for e in events[6:15])
    assert sorted(events[15:]) == ["close A", "close B", "close C"]
    assert [len(o.slices) for o in out.values()] == [3, 3, 3]
    assert 1.2 < hold_ceiling.paired(out["A"], out["B"]) < 2.5  # A pauses half as long as B per hold


def test_a_paired_ratio_is_the_median_of_the_cycles_ratios_not_the_ratio_of_the_totals() -> None:
    def sliced(*rates: float) -> hold_ceiling.Outcome:
        return hold_ceiling.Outcome(slices=[hold_ceiling.Outcome(holds=int(r), elapsed=1.0) for r in rates])

    a, b = sliced(100, 1000, 300), sliced(100, 100, 100)
    assert hold_ceiling.paired(a, b) == 3.0  # cycles 1, 10 and 3; the totals would say 4.67
    assert hold_ceiling.paired(sliced(100, 200), sliced(100)) == 1.0  # only the cycles both ran
