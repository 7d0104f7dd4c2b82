"""Storage faults on a real PostgreSQL: each one becomes a typed error with a stable code, and the ones that say
"nothing was changed" really changed nothing.

- a lost reply to a commit (a hold is one statement in autocommit: its reply) is "outcome_unknown"; a retry with
  the hold's request key gets the same hold;
- an unreachable server is "storage_unavailable" as soon as it refuses, for reads and writes;
- a row lock held elsewhere is "storage_busy" after the lock timeout, not a hang;
- pooled connections killed between two calls cost one retry on a fresh connection, not an error.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from core.config import Settings
from core.db.engine import create_engine
from core.db.errors import sqlstate
from core.db.tables import holds, places
from core.db.transaction import Database
from core.domain.clock import Clock
from core.domain.errors import InputError, SeatsTaken, StorageBusy, StorageUnavailable
from core.domain.ids import PlaceId
from core.events.factory import open_bus
from core.services import catalog, sales
from core.services.context import ServiceContext
from tests.builders import Stage, build_stage
from tests.dbstate import snapshot
from tests.support.probes import free_port
from tests.support.tcp_proxy import TcpProxy

pytestmark = pytest.mark.postgres

TIMEOUT_S = 2.0
"""statement_timeout_s of the contexts under test: lock_timeout 1 s, client command timeout 4 s."""
HANG_GUARD_S = 30
"""Fails only a call that hangs. The slowest case here is about 8 s (a command timeout, a hard close and a connect
timeout); which timer ended a call is asserted from its error, never from the clock."""
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE when lock_timeout ends a wait (statement_timeout: 57014)


def causes(error: BaseException) -> list[BaseException]:
    """``error``'s chain of causes, outermost first."""
    chain: list[BaseException] = []
    cause = error.__cause__ or error.__context__
    while cause is not None and cause not in chain:
        chain.append(cause)
        cause = cause.__cause__ or cause.__context__
    return chain


@asynccontextmanager
async def context_at(
    url: str, clock: Clock, *, statement_timeout_s: float = TIMEOUT_S
) -> AsyncIterator[ServiceContext]:
    """A ServiceContext like ServiceContext.open builds, over ``url`` with a short statement timeout."""
    settings = Settings(database_url=url, statement_timeout_s=statement_timeout_s)
    db = Database(create_engine(url, pool_size=4, statement_timeout_s=statement_timeout_s))
    bus = await open_bus(settings)
    ctx = ServiceContext(settings=settings, db=db, bus=bus, clock=clock)
    try:
        yield ctx
    finally:
        await bus.close()
        await db.dispose()


async def held_by(ctx: ServiceContext, place_ids: list[PlaceId]) -> dict[PlaceId, str | None]:
    async def work(conn: AsyncConnection) -> dict[PlaceId, str | None]:
        rows = await conn.execute(
            select(places.c.id, places.c.hold_id).where(places.c.id.in_(place_ids), places.c.state == "held")
        )
        return {PlaceId(r.id): r.hold_id for r in rows}

    return await ctx.db.read(work)


async def hold_ids(ctx: ServiceContext) -> list[str]:
    async def work(conn: AsyncConnection) -> list[str]:
        return list((await conn.execute(select(holds.c.id).order_by(holds.c.id))).scalars())

    return await ctx.db.read(work)


# --- a: the reply to COMMIT is lost ---------------------------------------------------------------


async def _hold_while_commit_reply_is_lost(
    pg_database_url: str, clock: Clock, stage: Stage, wanted: list[PlaceId], request_key: str | None
) -> StorageUnavailable:
    proxy = await TcpProxy.to(pg_database_url).start()
    try:
        async with context_at(proxy.url_for(pg_database_url), clock) as flaky:
            await catalog.get_seat_map(flaky, stage.id)  # the way there works
            # The same statement once, refused (a place of no concert), so the connection has it prepared: the
            # next flight that commits is the hold itself, not a type lookup the driver makes on first use.
            with pytest.raises(InputError):
                await sales.hold_places(
                    flaky, stage.kiosk, stage.id, [PlaceId(10**12)], request_key="warm-up"
                )
            proxy.drop_replies_after_commit()
            commits = proxy.commits_forwarded
            with pytest.raises(StorageUnavailable) as caught:
                async with asyncio.timeout(HANG_GUARD_S):
                    await sales.hold_places(flaky, stage.kiosk, stage.id, wanted, request_key=request_key)
            assert proxy.frozen, "the proxy never saw the commit: the test broke nothing"
            assert proxy.bytes_dropped > 0, "no reply was lost: the test broke nothing"
            assert proxy.commits_forwarded == commits + 1, "the statement was sent again: a retry"
            await proxy.close()  # the flaky engine's connections die with it, so dispose does not wait
    finally:
        await proxy.close()
    return caught.value


async def test_lost_commit_reply_is_outcome_unknown_and_a_keyed_retry_gets_the_same_hold(
    pg_ctx, pg_database_url, clock
):
    stage = await build_stage(pg_ctx)
    wanted = list(stage.seats[2:4])

    error = await _hold_while_commit_reply_is_lost(
        pg_database_url, clock, stage, wanted, request_key="kiosk-1/req-42"
    )

    assert type(error) is StorageUnavailable
    assert error.code == "outcome_unknown"
    assert "nothing was changed" not in error.message.lower()  # it may well have been
    # The client's command timer ended the wait for the lost reply (no hang, and no retry: see the helper).
    assert any(isinstance(c, TimeoutError) for c in causes(error)), causes(error)
    # The server did commit: the seats are held by the one hold the request made.
    (made,) = await hold_ids(pg_ctx)
    assert await held_by(pg_ctx, wanted) == dict.fromkeys(wanted, made)

    before = await snapshot(pg_ctx)
    again = await sales.hold_places(pg_ctx, stage.kiosk, stage.id, wanted, request_key="kiosk-1/req-42")

    assert again.id == made
    assert sorted(p.place_id for p in again.places) == sorted(wanted)
    assert await snapshot(pg_ctx) == before  # held exactly once: no second hold, nothing else touched


async def test_control_lost_commit_reply_without_request_key_makes_the_retry_fail(
    pg_ctx, pg_database_url, clock
):
    """Without a request key the retry is a new request, and the first one already took the seats."""
    stage = await build_stage(pg_ctx)
    wanted = list(stage.seats[2:4])

    error = await _hold_while_commit_reply_is_lost(pg_database_url, clock, stage, wanted, request_key=None)
    assert error.code == "outcome_unknown"

    before = await snapshot(pg_ctx)
    with pytest.raises(SeatsTaken) as caught:
        await sales.hold_places(pg_ctx, stage.kiosk, stage.id, wanted)
    assert caught.value.code == "seats_taken"
    assert await snapshot(pg_ctx) == before


# --- b: the server cannot be reached ------------------------------------------------------------


def _closed_port_url(url: str) -> str:
    closed = make_url(url).difference_update_query(["host"]).set(host="127.0.0.1", port=free_port())
    return closed.render_as_string(hide_password=False)


@pytest.mark.parametrize("operation", ["read", "write"])
async def test_unreachable_database_is_storage_unavailable_within_seconds(
    pg_ctx, pg_database_url, clock, operation
):
    stage = await build_stage(pg_ctx)
    before = await snapshot(pg_ctx)
    async with context_at(_closed_port_url(pg_database_url), clock) as down:
        calls = {
            "read": lambda: catalog.get_seat_map(down, stage.id),
            "write": lambda: sales.hold_places(down, stage.kiosk, stage.id, [stage.seats[0]]),
        }
        with pytest.raises(StorageUnavailable) as caught:
            async with asyncio.timeout(HANG_GUARD_S):
                await calls[operation]()

    assert type(caught.value) is StorageUnavailable
    assert caught.value.code == "storage_unavailable"
    assert "nothing was changed" in caught.value.message.lower()
    # The refusal ended it at once: no timer ran out, no retry loop went on.
    chain = causes(caught.value)
    assert any(isinstance(c, ConnectionRefusedError) for c in chain), chain
    assert not any(isinstance(c, TimeoutError) for c in chain), chain
    assert await snapshot(pg_ctx) == before


async def test_network_that_goes_silent_is_outcome_unknown_not_a_hang(
    pg_ctx, pg_database_url, clock, monkeypatch
):
    """The server stays up but its replies stop arriving (a black-holed network). A hold is one statement in
    autocommit, so the server may have made it: the error says the outcome is unknown, the client does not send
    it again (a timed-out statement may still be running there), and a retry with its request key gets the one
    hold, made or not."""
    stage = await build_stage(pg_ctx)
    proxy = await TcpProxy.to(pg_database_url).start()
    try:
        async with context_at(proxy.url_for(pg_database_url), clock) as flaky:
            await catalog.get_seat_map(flaky, stage.id)
            proxy.freeze()
            attempts = _record_attempts(flaky.db, monkeypatch)
            with pytest.raises(StorageUnavailable) as caught:
                async with asyncio.timeout(HANG_GUARD_S):
                    await sales.hold_places(
                        flaky, stage.kiosk, stage.id, [stage.seats[0]], request_key="silent-1"
                    )
            assert proxy.bytes_dropped > 0, "no reply was lost: the test broke nothing"
            await proxy.close()
    finally:
        await proxy.close()

    assert type(caught.value) is StorageUnavailable
    assert caught.value.code == "outcome_unknown"
    assert "nothing was changed" not in caught.value.message.lower()
    # The client's command timeout ended the one attempt: no hang, and no second run of a statement that may
    # still be running on the server.
    assert len(attempts) == 1, attempts
    assert any(isinstance(c, TimeoutError) for c in causes(attempts[0])), attempts
    assert attempts[-1] is caught.value
    await _wait_for_no_backends(pg_ctx)
    again = await sales.hold_places(pg_ctx, stage.kiosk, stage.id, [stage.seats[0]], request_key="silent-1")
    assert await hold_ids(pg_ctx) == [again.id]
    assert await held_by(pg_ctx, [stage.seats[0]]) == {stage.seats[0]: again.id}


def _record_attempts(db: Database, monkeypatch: pytest.MonkeyPatch) -> list[BaseException]:
    """Spy on Database's one-statement attempts (each still runs for real): the error that ended each one."""
    errors: list[BaseException] = []
    real = db._autocommit

    async def once(*args, **kwargs):  # type: ignore[no-untyped-def]
        try:
            return await real(*args, **kwargs)
        except Exception as exc:
            errors.append(exc)
            raise

    monkeypatch.setattr(db, "_autocommit", once)
    return errors


async def _wait_for_no_backends(ctx: ServiceContext) -> None:
    async def count(conn: AsyncConnection) -> int:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        return int((await conn.execute(text(sql))).scalar_one())

    for _ in range(100):
        if await ctx.db.read(count) <= 1:  # the pg_ctx's own pooled connection may be idle there
            return
        await asyncio.sleep(0.05)


# --- c: a row lock held elsewhere -------------------------------------------------------------------


async def test_row_lock_held_elsewhere_is_storage_busy_after_the_lock_timeout(pg_ctx, pg_database_url, clock):
    stage = await build_stage(pg_ctx)
    seat = stage.seats[0]
    other = create_async_engine(pg_database_url, poolclass=NullPool)
    try:
        async with context_at(pg_database_url, clock) as ctx, other.connect() as locker:
            lock = await locker.begin()
            await locker.execute(text("SELECT id FROM places WHERE id = :id FOR UPDATE"), {"id": seat})
            before = await snapshot(ctx)

            with pytest.raises(StorageBusy) as caught:
                async with asyncio.timeout(HANG_GUARD_S):
                    await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])

            assert type(caught.value) is StorageBusy
            assert caught.value.code == "storage_busy"
            # It waited for the lock and the lock timeout ended the wait (half the statement timeout: the
            # statement timeout, 57014, or the client's timer would have ended it later).
            assert [sqlstate(c) for c in causes(caught.value) if sqlstate(c)][:1] == [LOCK_NOT_AVAILABLE]
            assert await snapshot(ctx) == before
            assert ctx.db.retries == 0
            # Control: a seat nobody locked is held while the lock is still there.
            async with asyncio.timeout(HANG_GUARD_S):
                neighbour = await sales.hold_places(ctx, stage.kiosk, stage.id, [stage.seats[1]])
            await sales.release_hold(ctx, stage.kiosk, neighbour.id)

            await lock.rollback()
            hold = await sales.hold_places(ctx, stage.kiosk, stage.id, [seat])
            assert [p.place_id for p in hold.places] == [seat]
    finally:
        await other.dispose()


# --- d: pooled connections killed between two calls -------------------------------------------------


async def test_killed_pool_connections_cost_one_retry_not_an_error(
    pg_ctx, pg_server_url, pg_database_url, caplog
):
    stage = await build_stage(pg_ctx)
    # Several pooled connections, all idle in the pool when they are killed.
    await asyncio.gather(*(catalog.get_seat_map(pg_ctx, stage.id) for _ in range(4)))
    admin = create_async_engine(pg_server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    database = make_url(pg_database_url).database
    try:
        async with admin.connect() as conn:
            killed = (
                await conn.execute(
                    text(
                        "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = :db AND pid <> pg_backend_pid()"
                    ),
                    {"db": database},
                )
            ).scalar_one()
            for _ in range(100):
                left = (
                    await conn.execute(
                        text("SELECT count(*) FROM pg_stat_activity WHERE datname = :db"), {"db": database}
                    )
                ).scalar_one()
                if left == 0:
                    break
                await asyncio.sleep(0.05)
    finally:
        await admin.dispose()
    assert killed >= 2, "the pool should have had several connections to kill"

    with caplog.at_level(logging.INFO, logger="core.db.transaction"):
        hold = await sales.hold_places(pg_ctx, stage.kiosk, stage.id, [stage.seats[0]])
        seat_map = await catalog.get_seat_map(pg_ctx, stage.id)  # no second retry: the pool was renewed

    retried = [
        r for r in caplog.records if r.name == "core.db.transaction" and "trying once more" in r.message
    ]
    assert len(retried) == 1, "the first call should have met a dead connection and retried once"
    assert pg_ctx.db.retries == 0  # connection retries are not deadlock/serialization retries
    assert [p.place_id for p in hold.places] == [stage.seats[0]]
    assert {p.id: p.state.value for p in seat_map.places}[stage.seats[0]] == "held"
    assert await hold_ids(pg_ctx) == [hold.id]
