"""core.db.driver: a statement sent straight to asyncpg fails as SQLAlchemy would have made it fail, and
listeners still hear it (the hold statements rely on both: Database's error mapping, the benchmarks' capture)."""

from __future__ import annotations

from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, exc

from core.db import driver
from core.db.engine import create_engine
from core.db.errors import is_unique_violation

pytestmark = pytest.mark.postgres

_TABLE = "CREATE TEMP TABLE t (k text CONSTRAINT uq_t_k UNIQUE)"
_INSERT = "INSERT INTO t (k) VALUES ($1) RETURNING k"


async def test_a_unique_violation_is_sqlalchemys_integrity_error_and_the_connection_stays(pg_database_url):
    engine = create_engine(pg_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql(_TABLE)
            assert [r.k for r in await driver.fetch(conn, _INSERT, ("a",))] == ["a"]
            with pytest.raises(exc.IntegrityError) as caught:
                await driver.fetch(conn, _INSERT, ("a",))
            assert is_unique_violation(caught.value, "t", "k")
            assert not caught.value.connection_invalidated
            assert "'a'" not in str(caught.value)  # hide_parameters: values never reach the message
            # Nothing was written by the failed statement, and the connection is still the same one.
            rows = await driver.fetch(conn, "SELECT count(*) AS n FROM t", ())
            assert rows[0].n == 1
    finally:
        await engine.dispose()


async def test_control_the_driver_alone_raises_what_the_error_mapping_does_not_know(pg_database_url):
    engine = create_engine(pg_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql(_TABLE)
            apg = (await conn.get_raw_connection()).driver_connection
            await apg.fetch(_INSERT, "a")
            with pytest.raises(asyncpg.UniqueViolationError) as caught:
                await apg.fetch(_INSERT, "a")
            assert not is_unique_violation(caught.value, "t", "k")
    finally:
        await engine.dispose()


async def test_a_killed_connection_is_invalidated(pg_database_url):
    engine = create_engine(pg_database_url, pool_size=1)
    try:
        async with engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            with pytest.raises(exc.DBAPIError) as caught:
                await driver.fetch(conn, "SELECT pg_terminate_backend(pg_backend_pid())", ())
            assert caught.value.connection_invalidated
            assert conn.invalidated
        async with engine.connect() as conn:  # the pool hands out a new one
            assert (await conn.exec_driver_sql("SELECT 1")).scalar_one() == 1
    finally:
        await engine.dispose()


async def test_listeners_hear_the_statement_and_its_parameters(pg_database_url):
    engine = create_engine(pg_database_url, pool_size=1)
    heard: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _heard(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        heard.append((statement, parameters))

    try:
        async with engine.connect() as conn:
            rows = await driver.fetch(conn, "SELECT $1::int + 1 AS n", (41,))
        assert rows[0].n == 42
        assert heard == [("SELECT $1::int + 1 AS n", (41,))]
    finally:
        await engine.dispose()


# --- Hot: a pooled connection through the driver alone (Database.hot) ------------------------------


async def test_hot_a_unique_violation_is_sqlalchemys_integrity_error_and_the_connection_goes_back(
    pg_database_url,
):
    engine = create_engine(pg_database_url, pool_size=1)
    try:
        hot = await driver.Hot.open(engine)
        await hot.fetch("CREATE TEMP TABLE t (k text CONSTRAINT uq_t_k UNIQUE)", ())
        assert [r["k"] for r in await hot.fetch(_INSERT, ("a",))] == ["a"]  # autocommit: no transaction
        with pytest.raises(exc.IntegrityError) as caught:
            await hot.fetch(_INSERT, ("a",))
        assert is_unique_violation(caught.value, "t", "k")
        assert not caught.value.connection_invalidated
        assert "'a'" not in str(caught.value)
        pid = (await hot.fetch("SELECT pg_backend_pid() AS p", ()))[0]["p"]
        await hot.close()
        assert engine.sync_engine.pool.checkedout() == 0
        again = await driver.Hot.open(engine)  # the same connection, its temp table and its one row
        assert (await again.fetch("SELECT pg_backend_pid() AS p", ()))[0]["p"] == pid
        assert (await again.fetch("SELECT count(*) AS n FROM t", ()))[0]["n"] == 1
        await again.close()
    finally:
        await engine.dispose()


async def test_hot_a_killed_connection_is_invalidated_and_the_pool_replaces_it(pg_database_url):
    engine = create_engine(pg_database_url, pool_size=1)
    try:
        hot = await driver.Hot.open(engine)
        pid = (await hot.fetch("SELECT pg_backend_pid() AS p", ()))[0]["p"]
        with pytest.raises(exc.DBAPIError) as caught:
            await hot.fetch("SELECT pg_terminate_backend(pg_backend_pid())", ())
        assert caught.value.connection_invalidated
        await hot.close()
        assert engine.sync_engine.pool.checkedout() == 0
        again = await driver.Hot.open(engine)
        assert (await again.fetch("SELECT pg_backend_pid() AS p", ()))[0]["p"] != pid
        await again.close()
    finally:
        await engine.dispose()


async def test_hot_listeners_hear_the_statement_and_a_compiled_one_binds_by_name(pg_database_url):
    from sqlalchemy import text

    engine = create_engine(pg_database_url, pool_size=1)
    heard: list[tuple[str, Any]] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _heard(_c: Any, _cur: Any, statement: str, parameters: Any, _ctx: Any, _many: bool) -> None:
        heard.append((statement, parameters))

    try:
        hot = await driver.Hot.open(engine)
        rows = await hot.query(text("SELECT CAST(:b AS int) - CAST(:a AS int) AS n"), {"a": 1, "b": 43})
        await hot.close()
        assert rows[0]["n"] == 42
        assert len(heard) == 1
        assert sorted(heard[0][1]) == [1, 43]
    finally:
        await engine.dispose()
