"""Liveness and readiness: /v1/health says the process is up, /v1/health/ready that its database answers through
the pool. A replica cut off from PostgreSQL stays alive but is not ready (503, naming the database), and comes
back by itself; however many probes ask at once, the database sees at most one check per second from it."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import event

from core.api.app import create_app
from core.api.readiness import Readiness
from core.domain.clock import SystemClock
from core.security.tokens import TokenKey
from tests.support.context import open_context
from tests.support.tcp_proxy import RestartableProxy

pytestmark = pytest.mark.postgres


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _pings(engine) -> list[str]:
    """Every SELECT 1 the engine sends (the readiness check's statement), as the database receives them."""
    seen: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def count(_conn, _cursor, statement, *_rest) -> None:
        if statement.strip().upper().startswith("SELECT $1") or "AS ANON_1" in statement.upper():
            seen.append(statement)

    return seen


async def test_a_replica_cut_off_from_its_database_is_alive_but_not_ready_until_it_answers_again(
    pg_database_url,
) -> None:
    proxy = RestartableProxy.to(pg_database_url)
    await proxy.start()
    async with open_context(proxy.url_for(pg_database_url), SystemClock()) as ctx:
        app = create_app(ctx.settings, token_key=TokenKey.generate(), ctx=ctx)
        clock = FakeClock()
        app.state["api"].readiness = Readiness(ctx.db, timeout_s=0.5, clock=clock)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://e.test"
        ) as http:
            answer = await http.get("/v1/health/ready")
            assert answer.status_code == 200, answer.text
            assert answer.json()["status"] == "ready"

            proxy.freeze()  # black-holed: the check's SELECT 1 never comes back
            clock.now += 1.0
            answer = await http.get("/v1/health/ready")
            assert answer.status_code == 503
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["code"] == "storage_unavailable"
            assert "Not ready: the database did not answer SELECT 1 within 0.5 s" in answer.json()["detail"]
            assert (await http.get("/v1/health")).status_code == 200  # alive all the same

            await proxy.close()  # now refused outright
            clock.now += 1.0
            answer = await http.get("/v1/health/ready")
            assert answer.status_code == 503
            assert answer.json()["code"] == "storage_unavailable"
            assert "Not ready: the database cannot be reached" in answer.json()["detail"]

            proxy.thaw()
            await proxy.start()  # back on the same port: ready again without a restart
            clock.now += 1.0
            answer = await http.get("/v1/health/ready")
            assert answer.status_code == 200, answer.text
    await proxy.close()


async def test_probes_within_a_second_share_one_check(pg_database_url) -> None:
    async with open_context(pg_database_url, SystemClock()) as ctx:
        app = create_app(ctx.settings, token_key=TokenKey.generate(), ctx=ctx)
        clock = FakeClock()
        readiness = app.state["api"].readiness = Readiness(ctx.db, clock=clock)
        pings = _pings(ctx.db.engine)
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://e.test"
        ) as http:
            answers = await asyncio.gather(*(http.get("/v1/health/ready") for _ in range(20)))
            assert {a.status_code for a in answers} == {200}
            assert len(pings) == readiness.checks == 1  # twenty probes at once, one round trip
            clock.now += 0.9
            assert (await http.get("/v1/health/ready")).status_code == 200
            assert len(pings) == 1
            # Control: once the answer is a second old, the next probe asks the database again.
            clock.now += 0.1
            assert (await http.get("/v1/health/ready")).status_code == 200
            assert len(pings) == readiness.checks == 2
