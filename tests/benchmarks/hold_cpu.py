"""CPU per standing hold, server and client, one connection at a time: what the holds/s ratio is made of.

hold_ceiling's ratios move with whatever else runs on the machine (other engineers share its two cores). CPU
time per hold moves much less: each variant makes HOLDS holds in a row on one connection (quantities 1-4 in
turn) and this reads the PostgreSQL backend's own CPU time from /proc (so it needs the server on this machine)
and the client's process time around them.

  ours (service)               sales.hold_standing, no publish, pool of one
  our statement, raw asyncpg   the statement hold_standing sends (hold_ceiling.capture), on one asyncpg connection
  least SQL (ceiling)          hold_ceiling's least SQL on one asyncpg connection

On a machine where the client and PostgreSQL share the cores, holds/s under load is bounded by the sum of the
two: least (server + client) / ours (server + client) is the ratio the CPU allows.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

import asyncpg

from core.domain.staff import describe
from core.services import sales
from tests.benchmarks import hold_ceiling as hc
from tests.benchmarks._common import Env, Result
from tests.builders import Stage

NAME = "hold_cpu"
TITLE = "CPU per standing hold (server backend and client), one connection: ours vs the least SQL"

HOLDS = 1500
WARM = 40

Hold = Callable[[int], Awaitable[object]]


def _backend_cpu(pid: int) -> float | None:
    """Seconds of CPU the PostgreSQL backend ``pid`` used (user + system), or None when it is not ours to read."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _measure(hold: Hold, pid: int) -> tuple[float | None, float]:
    """(server, client) CPU microseconds per hold over HOLDS holds, after WARM unmeasured ones."""
    for n in range(WARM):
        await hold(n % hc.MAX_Q + 1)
    server0, client0 = _backend_cpu(pid), time.process_time()
    for n in range(HOLDS):
        await hold(n % hc.MAX_Q + 1)
    server1, client1 = _backend_cpu(pid), time.process_time()
    server = None if server0 is None or server1 is None else (server1 - server0) / HOLDS * 1e6
    return server, (client1 - client0) / HOLDS * 1e6


async def _ours(env: Env, stage: Stage) -> tuple[float | None, float]:
    async with env.context(pool_size=1, bus="null") as (ctx, _):
        async with ctx.db.engine.connect() as conn:  # the pool's one connection, which the holds use
            raw = await conn.get_raw_connection()
            pid = raw.driver_connection.get_server_pid()  # type: ignore[union-attr]

        async def hold(q: int) -> object:
            return await sales.hold_standing(ctx, stage.kiosk, stage.id, stage.standing, q)

        return await _measure(hold, pid)


async def _raw(env: Env, make: Callable[[asyncpg.Connection], Hold]) -> tuple[float | None, float]:
    con = await asyncpg.connect(**hc._asyncpg_kwargs(env))
    try:
        return await _measure(make(con), con.get_server_pid())
    finally:
        await con.close()


def _ours_raw(captured: dict[int, list[hc.Captured]]) -> Callable[[asyncpg.Connection], Hold]:
    def make(con: asyncpg.Connection) -> Hold:
        async def hold(q: int) -> object:
            now = datetime.now(UTC)
            until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
            for c in captured[q]:
                await con.fetch(c.sql, *hc._values(c, hold_id, until, now, q, []))
            return None

        return hold

    return make


def _least(stage: Stage) -> Callable[[asyncpg.Connection], Hold]:
    actor, device = describe(stage.kiosk), stage.kiosk.device_id

    def make(con: asyncpg.Connection) -> Hold:
        async def hold(q: int) -> object:
            now = datetime.now(UTC)
            until, hold_id = now + timedelta(minutes=5), uuid.uuid4().hex
            return await con.fetch(
                hc._LEAST_SQL.format(n=q), stage.id, stage.standing, hold_id, actor, device, now, until
            )

        return hold

    return make


def _us(value: float | None) -> float | str:
    return "n/a" if value is None else round(value)


async def run(env: Env, scale: float = 1.0) -> Result:
    result = Result(NAME, TITLE)
    bench = hc.Bench(env, 0.0)
    stage = await bench.fresh_stage()
    variants = {
        "ours (service, no publish)": lambda: _ours(env, stage),
        "our statement, raw asyncpg": lambda: _raw(env, _ours_raw(bench.captured)),
        "least SQL, raw asyncpg (ceiling)": lambda: _raw(env, _least(stage)),
    }
    cpu: dict[str, tuple[float | None, float]] = {}
    for label, go in variants.items():
        cpu[label] = await go()
        await env.settle()
    result.setup = {
        "concert": f"{hc.STANDING:,} standing places, VACUUM ANALYZE between variants",
        "load": f"{HOLDS:,} holds in a row on one connection, quantities 1-{hc.MAX_Q} in turn, after {WARM} warm-up",
        "server CPU": "the backend's utime + stime from /proc (n/a when PostgreSQL is not on this machine)",
    }
    least_server, least_client = cpu["least SQL, raw asyncpg (ceiling)"]
    for label, (server, client) in cpu.items():
        ratio = ""
        if server is not None and least_server is not None and label != "least SQL, raw asyncpg (ceiling)":
            least_total = least_server + least_client
            ratio = f"ceiling's {least_total:.0f} us = {least_total / (server + client):.2f}"
        result.add(f"{label}: server CPU/hold", _us(server), "us")
        result.add(f"{label}: client CPU/hold", _us(client), "us")
        if server is not None:
            result.add(f"{label}: total CPU/hold", round(server + client), "us", ratio)
    return result
