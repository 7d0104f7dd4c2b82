"""The checkout benchmark's harness, small: every variant sells what it counts, one order per hold, and the
round trips it reports are the ones the checkout makes (2 ours and raw; more on the transaction path)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.benchmarks import checkout_ceiling
from tests.benchmarks._common import Env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


async def test_the_checkout_benchmark_sells_each_hold_once_in_the_round_trips_it_reports(
    pg_server_url, monkeypatch
) -> None:
    monkeypatch.setattr(checkout_ceiling, "HOLDS", 120)
    monkeypatch.setattr(checkout_ceiling, "TASKS", 4)
    monkeypatch.setattr(checkout_ceiling, "POOL", 2)
    env = Env(admin_url=pg_server_url, pg_source="test", redis_url=None, redis_source="none")
    await env.create()
    try:
        bench = checkout_ceiling.Bench(env, 0.3)
        outcomes = {
            "ours": await bench.ours("null"),
            "transaction": await bench.ours("null", fallback=True),
            "raw": await bench.raw(),
        }
        async with env.context(pool_size=1, bus="null") as (ctx, _):

            async def counts(conn):
                return (
                    await conn.execute(
                        text(
                            "SELECT (SELECT count(*) FROM orders), (SELECT count(DISTINCT hold_id) FROM orders),"
                            " (SELECT count(*) FROM tickets), (SELECT count(*) FROM places WHERE state = 'sold'),"
                            " (SELECT count(*) FROM tickets WHERE signature IS NULL)"
                        )
                    )
                ).one()

            orders, holds, tickets, sold, unsigned = await ctx.db.read(counts)
    finally:
        await env.drop()
    rounds = checkout_ceiling.RT_CHECKOUTS + 3  # the counted ones and their warm-up
    assert orders == holds == sum(o.checkouts for o in outcomes.values()) + 3 * rounds
    assert tickets == sold == 2 * orders
    assert unsigned == 0
    assert outcomes["ours"].round_trips == 2
    assert outcomes["raw"].round_trips == 2
    assert outcomes["transaction"].round_trips > 2
