"""Standing holds/s and their latency straight to PostgreSQL and through PgBouncer in transaction pooling.

The same service call (sales.hold_standing, no publishing), the same 32 tasks and pool, one after the other on
fresh concerts. Behind PgBouncer (database_pooler = "pgbouncer", server-stack/pgbouncer/pgbouncer.ini) the hold's
one statement runs inside BEGIN/COMMIT and prepares a uniquely named statement each time (no statement cache),
where the direct path sends one autocommit statement prepared once per connection: this measures what that
costs, plus PgBouncer's own hop.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import replace

from sqlalchemy.engine import make_url

from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.errors import NotEnoughPlaces
from core.services import sales
from core.services.context import ServiceContext
from tests.benchmarks._common import CpuMeter, Env, Result, ms, pct
from tests.support import stack

NAME = "pgbouncer_holds"
TITLE = "Standing holds/s: straight to PostgreSQL vs through PgBouncer (transaction pooling)"

TASKS = 32
POOL = 32
STANDING = 15_000
WARM_S = 1.0
DURATION_S = 4.0


async def _measure(
    ctx: ServiceContext, env: Env, seconds: float
) -> tuple[int, list[float], dict[str, float]]:
    stage = await env.stage(ctx, rows=1, seats_per_row=2, standing=STANDING)
    latencies: list[float] = []
    holds = 0
    measuring = False
    stop_at = time.perf_counter() + WARM_S + seconds

    async def buyer(n: int) -> None:
        nonlocal holds
        q = 1 + n % 4
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            try:
                await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q)
            except NotEnoughPlaces:
                return
            if measuring:
                latencies.append(time.perf_counter() - started)
                holds += 1

    tasks = [asyncio.create_task(buyer(n)) for n in range(TASKS)]
    await asyncio.sleep(WARM_S)
    measuring = True
    meter = CpuMeter().start()
    started = time.perf_counter()
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return int(holds / elapsed), latencies, meter.stop()


async def run(env: Env, *, scale: float = 1.0) -> Result:
    result = Result(NAME, TITLE)
    if stack.missing("pgbouncer"):
        raise RuntimeError("pgbouncer is not installed (Debian: apt-get install -y pgbouncer)")
    seconds = DURATION_S * scale
    user = make_url(env.url).username or "postgres"
    password = secrets.token_urlsafe(16)
    result.setup = {"tasks": TASKS, "pool": POOL, "seconds": seconds, "quantities": "1-4"}
    async with env.context(pool_size=POOL, bus="null") as (ctx, _):
        direct = await _measure(ctx, env, seconds)
        with stack.pgbouncer(env.url, {user: password}) as bouncer:
            url = f"postgresql+asyncpg://{user}@127.0.0.1:{bouncer.port}/encore"
            db = Database(create_engine(url, password=password, pool_size=POOL, pooler="pgbouncer"))
            try:
                pooled = await _measure(replace(ctx, db=db), env, seconds)
            finally:
                await db.dispose()
    for label, (rate, latencies, cpu) in (("direct", direct), ("through PgBouncer", pooled)):
        result.add(f"holds/s, {label}", rate, "holds/s")
        result.add(f"p50 latency, {label}", ms(pct(latencies, 50)), "ms")
        result.add(f"p99 latency, {label}", ms(pct(latencies, 99)), "ms")
        result.add(f"client CPU, {label}", cpu["client_cpu_pct"], "%", note="one Python process")
        result.add(f"machine busy, {label}", cpu["machine_busy_pct"], "%")
    result.add("PgBouncer / direct", round(pooled[0] / direct[0], 2) if direct[0] else float("nan"), "x")
    return result
