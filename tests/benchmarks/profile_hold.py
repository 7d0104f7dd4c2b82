"""Where the time of a standing hold goes (not run by ``make bench``).

    .venv/bin/python -m tests.benchmarks.profile_hold [--seconds 6] [--bus real|null] [--cprofile]
    .venv/bin/py-spy record -f speedscope -o hold.json -- .venv/bin/python -m tests.benchmarks.profile_hold

Drives sales.hold_standing with 64 tasks on a fresh 100,000-place concert, like hold_ceiling's "ours". With
--cprofile it prints the top functions by own time and a breakdown by package (sqlalchemy, asyncpg, redis,
core, asyncio, other), counting each function's own time once.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import sys
from collections import defaultdict

from tests.benchmarks import hold_ceiling as hc
from tests.benchmarks._common import Env, warm_pool
from tests.support.servers import Unavailable, discover


def _package(filename: str) -> str:
    for key in (
        "sqlalchemy",
        "asyncpg",
        "redis",
        "/core/",
        "asyncio",
        "uuid",
        "json",
        "dataclasses",
        "tests/",
    ):
        if key in filename:
            return key.strip("/")
    return "other" if filename not in ("~",) else "builtins (C)"


async def main(seconds: float, bus: str, profiler: cProfile.Profile | None) -> None:
    pg, _ = await asyncio.to_thread(discover, "postgres")
    try:
        redis, _ = await asyncio.to_thread(discover, "redis")
        redis_url, redis_source = redis.url, redis.source
    except Unavailable:
        redis_url, redis_source = None, "none"
    env = Env(admin_url=pg.url, pg_source=pg.source, redis_url=redis_url, redis_source=redis_source)
    await env.create()
    try:
        bench = hc.Bench(env, seconds)
        stage = await bench.fresh_stage()
        async with env.context(pool_size=hc.POOL, bus=bus) as (ctx, bus_name):
            await warm_pool(ctx.db.engine, hc.TASKS)
            if profiler:
                profiler.enable()
            out = await hc._drive(hc._ours_hold(ctx, stage), seconds)
            if profiler:
                profiler.disable()
        print(f"{out.holds:,} holds in {out.elapsed:.2f} s = {out.rate:,.0f}/s, bus {bus_name}, {out.cpu}")
    finally:
        await env.drop()


def report(profiler: cProfile.Profile, holds_hint: str = "") -> None:
    stats = pstats.Stats(profiler)
    by_pkg: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_pkg[_package(filename)] += tt
        total += tt
    print("\nown time by package:")
    for pkg, t in sorted(by_pkg.items(), key=lambda kv: -kv[1]):
        print(f"  {pkg:<14} {t:7.2f} s  {100 * t / total:5.1f}%")
    print("\ntop functions by own time:")
    stats.sort_stats("tottime").print_stats(25)
    print("top functions by cumulative time (core and sqlalchemy entry points):")
    stats.sort_stats("cumulative").print_stats(
        r"core/|sqlalchemy/(engine|sql)/(base|default|compiler|elements)", 30
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=6.0)
    parser.add_argument("--bus", choices=("real", "null"), default="real")
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()
    prof = cProfile.Profile() if args.cprofile else None
    asyncio.run(main(args.seconds, args.bus, prof))
    if prof:
        report(prof)
    sys.exit(0)
