"""Encore behind PgBouncer in transaction pooling (server-stack/pgbouncer): with database_pooler = "pgbouncer"
many concurrent transactions share a few server connections; without it, SQLAlchemy's asyncpg prepared
statements collide on PgBouncer's shared server connections (the control)."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from core.db.engine import create_engine
from core.db.transaction import Database
from core.domain.errors import StorageUnavailable
from tests.support import stack

pytestmark = pytest.mark.postgres

PASSWORD = secrets.token_urlsafe(16)


@pytest.fixture
def bouncer(pg_database_url):
    stack.require("pgbouncer", apt="pgbouncer")
    user = make_url(pg_database_url).username or "postgres"
    with stack.pgbouncer(pg_database_url, {user: PASSWORD}) as daemon:
        yield f"postgresql+asyncpg://{user}@127.0.0.1:{daemon.port}/encore"


async def _many_transactions(
    engine: AsyncEngine, *, tasks: int = 30, each: int = 10, single: bool = False, db: Database | None = None
) -> set[int]:
    """``tasks`` at once, each running ``each`` parameterised transactions (``single``: one-statement units,
    as holds are, through Database.statement); the server backends they met."""
    db = db or Database(engine)
    seen: set[int] = set()

    async def one(n: int) -> None:
        async def work(conn):
            # Parameterised: SQLAlchemy prepares each statement (asyncpg's extended protocol).
            count = await conn.scalar(text("SELECT count(*) FROM places WHERE concert_id = :c"), {"c": n})
            pid = await conn.scalar(text("SELECT pg_backend_pid() + :zero"), {"zero": 0 * count})
            return int(pid)

        async def one_statement(conn):
            return int(await conn.scalar(text("SELECT pg_backend_pid() + :n"), {"n": 0 * n}))

        for _ in range(each):
            seen.add(await (db.statement(one_statement, writes=False) if single else db.read(work)))

    try:
        # Every task finishes before the engine goes, failed or not; then the first failure is raised.
        results = await asyncio.gather(*(one(n) for n in range(tasks)), return_exceptions=True)
    finally:
        await engine.dispose()
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]
    return seen


async def test_encore_runs_behind_pgbouncer_in_transaction_pooling(bouncer) -> None:
    engine = create_engine(bouncer, password=PASSWORD, pooler="pgbouncer", pool_size=30)
    backends = await _many_transactions(engine)
    # 30 client connections, served by PgBouncer's pool of at most 25 server connections: they were shared.
    assert 1 <= len(backends) <= 25

    async def timeouts(conn):
        return [await conn.scalar(text(f"SHOW {name}")) for name in ("statement_timeout", "lock_timeout")]

    async def prepared(conn):
        # Reading it prepares one statement itself; the 300 transactions' were DEALLOCATEd as each ended.
        return await conn.scalar(
            text("SELECT count(*) FROM pg_prepared_statements WHERE name <> :n"), {"n": ""}
        )

    engine = create_engine(bouncer, password=PASSWORD, pooler="pgbouncer")
    try:
        # Set by PgBouncer's connect_query, as Encore cannot send them through it.
        assert await Database(engine).read(timeouts) == ["5s", "2500ms"]
        assert await Database(engine).read(prepared) <= 1
    finally:
        await engine.dispose()


async def test_one_statement_units_run_in_a_transaction_behind_pgbouncer(bouncer) -> None:
    engine = create_engine(bouncer, password=PASSWORD, pooler="pgbouncer", pool_size=30)
    assert Database(engine).transaction_pooled
    assert await _many_transactions(engine, single=True)


async def test_control_one_statement_units_in_autocommit_lose_their_statement(bouncer) -> None:
    # Outside a transaction PgBouncer may give asyncpg's execute a server connection other than its prepare's.
    engine = create_engine(bouncer, password=PASSWORD, pooler="pgbouncer", pool_size=30)
    db = Database(engine)
    db.transaction_pooled = False
    with pytest.raises(Exception, match="prepared statement"):
        await _many_transactions(engine, single=True, db=db)


async def test_control_without_the_switch_pgbouncer_refuses_the_timeouts(bouncer) -> None:
    engine = create_engine(bouncer, password=PASSWORD, pool_size=30)
    with pytest.raises(StorageUnavailable) as refused:
        await _many_transactions(engine)
    assert "unsupported startup parameter" in repr(refused.value.__cause__ or refused.value.__context__)


async def test_control_with_the_driver_caches_on_prepared_statements_collide(bouncer) -> None:
    # What the switch turns off, with only the startup parameter PgBouncer accepts: the statements SQLAlchemy
    # prepares (and caches) on one server connection are looked for on another, or named twice on one.
    engine = create_async_engine(
        make_url(bouncer).set(password=PASSWORD),
        pool_size=30,
        connect_args={"server_settings": {"application_name": "encore"}},
    )
    with pytest.raises(Exception, match="prepared statement"):
        await _many_transactions(engine)


async def _many_hot_statements(
    db: Database, *, tasks: int = 30, each: int = 10
) -> tuple[set[int], set[bool]]:
    """As _many_transactions(single=True), through Database.hot (asyncpg alone on a pooled connection): the
    backends met, and whether each unit ran in one transaction (a SET LOCAL lasts to its next statement)."""
    seen: set[int] = set()
    begun: set[bool] = set()

    async def one(n: int) -> None:
        async def work(hot):
            await hot.command("SET LOCAL application_name = 'encore-unit'")
            sql = "SELECT pg_backend_pid() + $1::int AS p, current_setting('application_name') = 'encore-unit' AS begun"
            return (await hot.fetch(sql, (0 * n,)))[0]

        for _ in range(each):
            row = await db.hot(work, writes=False)
            seen.add(int(row["p"]))
            begun.add(bool(row["begun"]))

    try:
        results = await asyncio.gather(*(one(n) for n in range(tasks)), return_exceptions=True)
    finally:
        await db.dispose()
    failures = [r for r in results if isinstance(r, BaseException)]
    if failures:
        raise failures[0]
    return seen, begun


async def test_hot_statements_run_in_a_transaction_behind_pgbouncer(bouncer) -> None:
    db = Database(create_engine(bouncer, password=PASSWORD, pooler="pgbouncer", pool_size=30))
    backends, begun = await _many_hot_statements(db)
    assert 1 <= len(backends) <= 25
    assert begun == {True}


async def test_control_hot_statements_without_the_switch_run_in_autocommit(bouncer) -> None:
    db = Database(create_engine(bouncer, password=PASSWORD, pooler="pgbouncer", pool_size=30))
    db.transaction_pooled = False
    _, begun = await _many_hot_statements(db)
    assert begun == {False}
