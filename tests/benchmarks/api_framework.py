"""FastAPI + pydantic vs Litestar + msgspec on the standing-hold endpoint, over real HTTP, on PostgreSQL.

``python -m tests.benchmarks.api_framework [--scale F] [--servers uvicorn,granian] [--json PATH]``

Each run serves one app of tests/benchmarks/_api_apps.py (same endpoint, same token check, same service call)
with one ASGI server (uvicorn with uvloop + httptools, or granian) and 1 or 2 worker processes, on a fresh
concert of 100,000 standing places. Two load-generator processes (tests/benchmarks/_api_load.py: httpx
AsyncClient, keep-alive, 32 tasks each) drive GET /v1/ping (no database: the framework's own cost), then
POST /v1/holds/standing, each for a fixed time, on loopback. The in-process rate (64 tasks calling
sales.hold_standing on the same database) is measured in the same run as the reference. Server CPU is the
whole server process tree's CPU time over the measured window, per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from core.config import Settings
from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.clock import SystemClock
from core.domain.errors import EncoreError
from core.services import sales
from core.services.context import ServiceContext
from tests.benchmarks import _api_apps
from tests.benchmarks._api_apps import CONFIG_ENV, make_token
from tests.benchmarks._api_asgi import cpu_per_request
from tests.benchmarks._api_http import FRAMEWORKS, LOADERS, TASKS, Load, command, drive, free_port, serving
from tests.benchmarks._common import CpuMeter, Env, NullBus, Result, ms, pct, warm_pool
from tests.builders import Stage

NAME = "api_framework"
TITLE = "API framework: FastAPI+pydantic vs Litestar+msgspec, standing hold over HTTP"

ROOT = Path(__file__).resolve().parents[2]
STANDING = 100_000
DURATION_S = 5.0
PING_S = 3.0
POOL_PER_SERVER = 20  # + the same overflow, split over the workers: at most 40 connections of a shared server


async def _build(env: Env) -> Stage:
    """A fresh concert; expanding 100,000 places may outlast the product's 5 s statement timeout on a busy
    shared machine, so the builder's engine allows two minutes."""
    db = Database(create_engine(env.url, pool_size=2, statement_timeout_s=120))
    bus = NullBus()
    try:
        ctx = ServiceContext(settings=Settings(database_url=env.url), db=db, bus=bus, clock=SystemClock())
        return await env.stage(ctx, rows=1, seats_per_row=10, standing=STANDING)
    finally:
        await db.dispose()


async def _settle(env: Env) -> None:
    await env.sql("VACUUM ANALYZE places", "VACUUM ANALYZE holds", "CHECKPOINT")
    await env.need_connections(POOL_PER_SERVER * 2 + 5, wait_s=60)


async def _in_process(env: Env, duration: float) -> tuple[Load, dict[str, float]]:
    """The reference: the same service call, 64 tasks in this process, no HTTP."""
    stage = await _build(env)
    async with env.context(pool_size=POOL_PER_SERVER) as (ctx, _):
        await _settle(env)
        await warm_pool(ctx.db.engine, POOL_PER_SERVER)
        lat: list[float] = []
        errors: dict[str, int] = {}
        places = 0

        async def one(n: int) -> None:
            nonlocal places
            i = 0
            while time.perf_counter() < deadline:
                i += 1
                t0 = time.perf_counter()
                try:
                    hold = await sales.hold_standing(
                        ctx,
                        stage.kiosk,
                        stage.id,
                        stage.standing,
                        1 + (n + i) % 4,
                        request_key=f"ip-{stage.id}-{n}-{i}",
                    )
                except EncoreError as exc:
                    errors[exc.code] = errors.get(exc.code, 0) + 1
                    continue
                lat.append(time.perf_counter() - t0)
                places += len(hold.places)

        meter = CpuMeter().start()
        cpu0 = time.process_time()
        deadline = time.perf_counter() + duration
        await asyncio.gather(*(one(n) for n in range(LOADERS * TASKS)))
        cpu = meter.stop()
        server_cpu = time.process_time() - cpu0
    load = Load(len(lat), places, lat, errors, duration, 0.0, 0.0, server_cpu)
    return load, cpu


async def _asgi(env: Env, result: Result, tmp: Path, secret: str, rounds: int, scale: float) -> list[Any]:
    """Both apps in this process, called straight through ASGI, alternating: CPU per request."""
    config = tmp / "asgi.json"
    settings = {"database_url": env.url, "redis_url": env.redis_url or "", "token_secret": secret}
    config.write_text(json.dumps({**settings, "pool_size": 2}))
    os.environ[CONFIG_ENV] = str(config)
    stage = await _build(env)
    token = make_token(secret, int(stage.kiosk.device_id), stage.kiosk.name)
    apps = {name: getattr(_api_apps, factory)() for name, factory in FRAMEWORKS.items()}
    got: dict[str, list[dict[str, float]]] = {name: [] for name in apps}
    for rnd in range(rounds * 2):
        for name in list(apps) if rnd % 2 == 0 else reversed(list(apps)):
            got[name].append(
                await cpu_per_request(
                    apps[name],
                    token,
                    int(stage.id),
                    int(stage.standing),
                    pings=int(3000 * scale),
                    holds=int(400 * scale),
                    seed=f"asgi-{name}-{rnd}",
                )
            )
    for name, samples in got.items():
        med = {k: round(statistics.median(s[k] for s in samples), 4) for k in samples[0]}
        result.add(
            f"{name} CPU/ping (ASGI)",
            round(1000 * med["ping_cpu_ms"], 1),
            "us",
            note=f"median of {len(samples)}: " + ", ".join(f"{1000 * s['ping_cpu_ms']:.0f}" for s in samples),
        )
        result.add(
            f"{name} CPU/hold (ASGI)",
            med["hold_cpu_ms"],
            "ms",
            note=f"sequential, incl. the service's own CPU; wall {med['hold_wall_ms']} ms/hold",
        )
    return [{"framework": k, "samples": v} for k, v in got.items()]


async def run(
    env: Env,
    scale: float = 1.0,
    servers: tuple[str, ...] = ("uvicorn", "granian"),
    rounds: int = 1,
    parts: tuple[str, ...] = ("asgi", "http"),
) -> Result:
    result = Result(NAME, TITLE)
    duration, ping_s = DURATION_S * scale, PING_S * scale
    secret = secrets.token_hex(32)
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="encore-apibench-") as tmp:
        if "asgi" in parts:
            runs += await _asgi(env, result, Path(tmp), secret, max(rounds, 2), scale)
        for rnd in range(1, rounds + 1 if "http" in parts else 1):
            # Each round starts with the reference, and alternates the order, so drift on a shared machine
            # (other processes' load) shows up instead of favouring whichever framework runs first.
            reference, ref_cpu = await _in_process(env, duration)
            result.add(
                f"in-process holds/s (round {rnd})",
                round(reference.rate, 1),
                "/s",
                "reference",
                f"p50 {ms(pct(reference.lat, 50))} ms, p99 {ms(pct(reference.lat, 99))} ms, "
                f"{reference.server_ms_per_request():.2f} ms CPU/hold, machine {ref_cpu['machine_busy_pct']}%"
                + (f", errors {reference.errors}" if reference.errors else ""),
            )
            order = list(FRAMEWORKS) if rnd % 2 else list(reversed(FRAMEWORKS))
            for workers in (1, 2):
                for server in servers:
                    for framework in order:
                        label = f"{framework} {server} {workers}w" + (f" r{rnd}" if rounds > 1 else "")
                        print(f"  {label} ...", file=sys.stderr, flush=True)
                        ping, holds = await _one(
                            env, Path(tmp), secret, server, framework, workers, label, ping_s, duration
                        )
                        runs.append(_report(result, label, ping, holds, reference))
    result.setup = {
        "concert": f"a fresh one per run: {STANDING:,} standing places, quantities 1-4, hold 300 s",
        "load": f"{LOADERS} processes x {TASKS} httpx tasks (keep-alive), ping {ping_s:.0f} s then hold "
        f"{duration:.0f} s, loopback; request_key per request",
        "servers": "uvicorn (uvloop, httptools), granian (asgi, uvloop); database pool "
        f"{POOL_PER_SERVER}+{POOL_PER_SERVER} per server, split over the workers",
        "bus": "RedisBus" if env.redis_url else "LocalBus (Redis unreachable)",
        "cores": os.cpu_count(),
    }
    result.runs = runs  # type: ignore[attr-defined]  # the raw figures, for the JSON
    return result


async def _one(
    env: Env,
    tmp: Path,
    secret: str,
    server: str,
    framework: str,
    workers: int,
    label: str,
    ping_s: float,
    duration: float,
) -> tuple[Load, Load]:
    """One server on a fresh concert: ping for ping_s, then hold for duration."""
    config = tmp / f"{label}.json"
    settings = {"database_url": env.url, "redis_url": env.redis_url or "", "token_secret": secret}
    config.write_text(json.dumps({**settings, "pool_size": POOL_PER_SERVER // workers}))
    stage = await _build(env)
    await _settle(env)
    port = free_port()
    spec = {
        "url": f"http://127.0.0.1:{port}",
        "token": make_token(secret, int(stage.kiosk.device_id), stage.kiosk.name),
        "concert_id": int(stage.id),
        "section_id": int(stage.standing),
        "seed": label.replace(" ", "-"),
    }
    argv = command(server, framework, port, workers)
    async with serving(argv, config, port, tmp / f"{label}.log") as pid:
        ping = await drive(pid, {**spec, "mode": "ping"}, ping_s)
        holds = await drive(pid, {**spec, "mode": "hold"}, duration)
    return ping, holds


def _report(result: Result, label: str, ping: Load, holds: Load, reference: Load) -> dict[str, Any]:
    errors = {**{f"ping {k}": v for k, v in ping.errors.items()}, **holds.errors}
    note = (
        f"p50 {ms(pct(holds.lat, 50))} ms, p99 {ms(pct(holds.lat, 99))} ms; "
        f"server {holds.server_ms_per_request():.2f} ms CPU/hold; "
        f"{100 * holds.rate / reference.rate:.0f}% of in-process"
    )
    if errors:
        note += f"; errors {errors}"
    if max(ping.late_s, holds.late_s) > 0:
        note += f"; a loader started {max(ping.late_s, holds.late_s):.2f} s late"
    result.add(f"{label} holds/s", round(holds.rate, 1), "/s", note=note)
    result.add(
        f"{label} ping/s",
        round(ping.rate, 1),
        "/s",
        note=f"p50 {ms(pct(ping.lat, 50))} ms, p99 {ms(pct(ping.lat, 99))} ms; "
        f"server {ping.server_ms_per_request():.3f} ms CPU/ping",
    )
    return {
        "label": label,
        "holds_per_s": round(holds.rate, 1),
        "hold_p50_ms": ms(pct(holds.lat, 50)),
        "hold_p99_ms": ms(pct(holds.lat, 99)),
        "hold_server_cpu_ms": round(holds.server_ms_per_request(), 3),
        "ping_per_s": round(ping.rate, 1),
        "ping_p50_ms": ms(pct(ping.lat, 50)),
        "ping_p99_ms": ms(pct(ping.lat, 99)),
        "ping_server_cpu_ms": round(ping.server_ms_per_request(), 3),
        "client_cpu_s": round(holds.client_cpu_s, 1),
        "errors": errors,
    }


def main(argv: list[str] | None = None) -> int:
    from tests.benchmarks.__main__ import render
    from tests.support.servers import discover

    parser = argparse.ArgumentParser(prog="python -m tests.benchmarks.api_framework", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every measuring duration")
    parser.add_argument("--servers", default="uvicorn,granian", help="comma-separated: uvicorn, granian")
    parser.add_argument("--parts", default="asgi,http", help="comma-separated: asgi (CPU per request), http")
    parser.add_argument("--rounds", type=int, default=1, help="repeat, alternating the frameworks' order")
    parser.add_argument("--json", default=str(ROOT / ".bench" / "api_framework.json"))
    args = parser.parse_args(argv)
    pg, stop_pg = discover("postgres")
    redis, stop_redis = discover("redis")
    env = Env(admin_url=pg.url, pg_source=pg.source, redis_url=redis.url, redis_source=redis.source)

    async def go() -> Result:
        await env.create()
        try:
            return await run(
                env, args.scale, tuple(args.servers.split(",")), args.rounds, tuple(args.parts.split(","))
            )
        finally:
            await env.drop()

    started = time.perf_counter()
    try:
        result = asyncio.run(go())
    finally:
        for stop in (stop_redis, stop_pg):
            if stop:
                stop()
    result.seconds = round(time.perf_counter() - started, 1)
    meta = {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "cores": os.cpu_count(),
        "python": sys.version.split()[0],
        "pg_source": pg.source,
        "redis_source": redis.source,
    }
    print(render([result], meta))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "meta": meta,
        "setup": result.setup,
        "rows": [vars(r) for r in result.rows],
        "runs": getattr(result, "runs", []),
    }
    out.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"JSON: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
