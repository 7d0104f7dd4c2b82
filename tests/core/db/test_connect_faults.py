"""Faults at connection time on a real PostgreSQL: a database that takes no connections is "storage_unavailable"
and a pool with no free connection is "storage_busy", through Database.read/write, never a raw driver error.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest
from sqlalchemy import exc as sa_exc
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from core.db.engine import create_engine
from core.db.errors import map_storage_errors
from core.db.tables import places
from core.db.transaction import Database
from core.domain.errors import ErrorCode, StorageBusy, StorageUnavailable
from core.services.context import ServiceContext
from tests.builders import build_stage
from tests.dbstate import snapshot

pytestmark = pytest.mark.postgres

Work = Callable[[AsyncConnection], Awaitable[int]]


async def count_places(conn: AsyncConnection) -> int:
    return int(await conn.scalar(select(func.count()).select_from(places)) or 0)


async def sell_everything(conn: AsyncConnection) -> int:
    return (await conn.execute(update(places).values(state="sold"))).rowcount


OPERATIONS: dict[str, Callable[[Database], Awaitable[int]]] = {
    "read": lambda db: db.read(count_places),
    "write": lambda db: db.write(sell_everything),
}


async def admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(server_url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def connections_refused(server_url: str, database_url: str) -> AsyncIterator[None]:
    """ALTER DATABASE ... ALLOW_CONNECTIONS false: new sessions get SQLSTATE 55000 ("not currently accepting
    connections"); sessions already open carry on, which is why the callers below use a fresh engine."""
    name = make_url(database_url).database
    await admin(server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
    try:
        yield
    finally:
        await admin(server_url, f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_database_that_takes_no_connections_is_storage_unavailable(
    pg_ctx: ServiceContext, pg_server_url: str, pg_database_url: str, operation: str
) -> None:
    await build_stage(pg_ctx)
    before = await snapshot(pg_ctx)
    db = Database(create_engine(pg_database_url, pool_size=2, statement_timeout_s=2))
    try:
        async with connections_refused(pg_server_url, pg_database_url):
            started = time.monotonic()
            with pytest.raises(StorageUnavailable) as caught:
                await OPERATIONS[operation](db)
            elapsed = time.monotonic() - started
        assert await OPERATIONS["read"](db) > 0  # control: the same handle works once connections are allowed
    finally:
        await db.dispose()

    assert type(caught.value) is StorageUnavailable
    assert caught.value.code is ErrorCode.STORAGE_UNAVAILABLE
    assert "cannot be reached" in caught.value.message
    assert "Nothing was changed" in caught.value.message
    assert elapsed < 2
    assert await snapshot(pg_ctx) == before


@pytest.mark.parametrize("operation", OPERATIONS)
async def test_a_pool_with_no_free_connection_is_storage_busy(
    pg_ctx: ServiceContext, pg_database_url: str, operation: str
) -> None:
    await build_stage(pg_ctx)
    before = await snapshot(pg_ctx)
    engine = create_async_engine(pg_database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    db = Database(engine)
    try:
        async with engine.connect() as held:  # the pool's only connection, checked out elsewhere
            await held.execute(select(1))
            started = time.monotonic()
            with pytest.raises(StorageBusy) as caught:
                await OPERATIONS[operation](db)
            elapsed = time.monotonic() - started
        assert await OPERATIONS["read"](db) > 0  # control: with the connection back, the same call works
    finally:
        await db.dispose()

    assert type(caught.value) is StorageBusy
    assert caught.value.code is ErrorCode.STORAGE_BUSY
    assert "nothing was changed" in caught.value.message
    assert isinstance(caught.value.__cause__, sa_exc.TimeoutError)  # kept for the log, never shown
    assert elapsed < 1.5  # the pool timeout, not a retry loop
    assert await snapshot(pg_ctx) == before


class _StartingUp(Exception):
    sqlstate = "57P03"


def test_a_server_that_is_starting_up_is_storage_unavailable() -> None:
    # 57P03 cannot be produced on demand on a shared server; this is the driver error asyncpg gives for it.
    starting = sa_exc.DBAPIError("connect", None, _StartingUp("the database system is starting up"))
    with pytest.raises(StorageUnavailable) as caught, map_storage_errors():
        raise starting
    assert caught.value.code is ErrorCode.STORAGE_UNAVAILABLE
