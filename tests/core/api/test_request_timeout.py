"""A request that outlasts server_request_timeout_s is answered 503 request_timeout instead of hanging, and the
server goes on serving: a deliberately slow route added only here, and a seat whose row the test keeps locked."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
from litestar import get
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from core.api.app import create_app
from core.domain.devices import DeviceKind
from core.security.tokens import TokenKey
from tests.builders import build_stage
from tests.dbstate import snapshot
from tests.support.staff_api import bearer, device_token

DEADLINE_S = 0.5


HANG_GUARD_S = 30
"""Fails only a request nobody cut off; a loaded machine stays well inside it."""


def _never_ending_route(seen: list[str]):  # type: ignore[no-untyped-def]
    @get("/v1/test/slow", include_in_schema=False)
    async def slow() -> dict[str, str]:
        seen.append("started")
        try:
            await asyncio.Event().wait()  # never set: only the request deadline can end this
        except asyncio.CancelledError:
            seen.append("cancelled")
            raise
        return {"status": "too late"}

    return slow


def _app(ctx):  # type: ignore[no-untyped-def]
    settings = replace(ctx.settings, server_request_timeout_s=DEADLINE_S)
    return create_app(settings, token_key=TokenKey.generate(), ctx=ctx)


def _http(app) -> httpx.AsyncClient:  # type: ignore[no-untyped-def]
    transport = httpx.ASGITransport(app=app, client=("10.1.2.3", 4321))
    return httpx.AsyncClient(transport=transport, base_url="http://encore.test")


async def test_a_slow_request_gets_a_503_problem_and_the_server_goes_on(ctx, expect_log) -> None:
    app = _app(ctx)
    seen: list[str] = []
    app.register(_never_ending_route(seen))
    async with _http(app) as http:
        with expect_log("core.api.timeouts", f"took over {DEADLINE_S:g} s"):
            async with asyncio.timeout(HANG_GUARD_S):
                response = await http.get("/v1/test/slow")
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "request_timeout"
        assert f"within {DEADLINE_S:g} s" in response.json()["detail"]  # the request deadline ended it
        assert "check, then try again" in response.json()["detail"]
        assert response.headers["retry-after"] == "1"
        assert seen == ["started", "cancelled"]  # the work was stopped, not left running behind the answer
        assert (await http.get("/v1/health")).status_code == 200  # a fast request is untouched


async def test_a_seat_locked_by_someone_else_times_out_and_sells_nothing(
    pg_ctx, pg_database_url, expect_log
) -> None:
    """The test holds the seat's row lock in its own transaction, as a stuck writer would: the kiosk's hold
    waits on it, is cut off at the deadline (before the database's own statement timeout), and is rolled back."""
    stage = await build_stage(pg_ctx)
    app = _app(pg_ctx)
    engine = create_async_engine(pg_database_url)
    try:
        async with _http(app) as http:
            token, _ = await device_token(pg_ctx, http, DeviceKind.KIOSK, "Kiosk")
            hold = {"concert_id": stage.id, "place_ids": [stage.seats[0]], "request_key": "locked-1"}
            before = await snapshot(pg_ctx)
            async with engine.connect() as locker:
                await locker.execute(
                    text("SELECT id FROM places WHERE id = :id FOR UPDATE"), {"id": stage.seats[0]}
                )
                with expect_log("core.api.timeouts", f"took over {DEADLINE_S:g} s"):
                    async with asyncio.timeout(HANG_GUARD_S):
                        response = await http.post("/v1/holds/places", headers=bearer(token), json=hold)
                await locker.rollback()
            # The request deadline cut it off, not the database: its lock timeout (half the statement timeout)
            # would have answered storage_busy.
            assert pg_ctx.settings.statement_timeout_s / 2 > DEADLINE_S
            assert (response.status_code, response.json()["code"]) == (503, "request_timeout")
            assert f"within {DEADLINE_S:g} s" in response.json()["detail"]
            assert await snapshot(pg_ctx) == before
            again = await http.post("/v1/holds/places", headers=bearer(token), json=hold)
            assert again.status_code == 201, again.text  # the connection pool came back whole
    finally:
        await engine.dispose()
