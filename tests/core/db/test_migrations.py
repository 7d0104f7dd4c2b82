"""Migrations build exactly tables.py from an empty database, and downgrade/upgrade round-trips, on both engines."""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from core.db import migrate
from core.db.engine import create_engine
from core.db.tables import metadata, staff
from tests.support import aio, pgdb, sqlite


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite.url_for(tmp_path / "empty.sqlite3")
        return
    admin = request.getfixturevalue("pg_server_url")
    name = f"encore_t_{os.getpid()}_{900_000 + id(tmp_path) % 100_000}"
    aio.run(pgdb.create_empty(admin, name))
    yield pgdb.url_for(admin, name)
    aio.run(pgdb.drop(admin, name))


async def _tables(engine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names())) - {"alembic_version"}


async def _diff(engine) -> list:
    async with engine.connect() as conn:
        with warnings.catch_warnings():
            # SQLite cannot reflect an expression index (orders' lower(buyer_email)); PostgreSQL compares it.
            warnings.filterwarnings("ignore", message=".*expression-based index")
            return await conn.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), metadata)
            )


async def test_upgrade_builds_the_schema_and_round_trips(empty_url):
    engine = create_engine(empty_url)
    try:
        assert await migrate.current_revision(engine) is None
        await migrate.upgrade(engine)
        assert await migrate.current_revision(engine) == migrate.head_revision()
        assert await _tables(engine) == set(metadata.tables)
        assert await _diff(engine) == []  # the migrations and tables.py agree
        await migrate.downgrade(engine, "0001")  # one step back, then on to the start
        assert await migrate.current_revision(engine) == "0001"
        assert "device_keys" not in await _tables(engine)
        await migrate.downgrade(engine, "base")
        assert await migrate.current_revision(engine) is None
        assert await _tables(engine) == set()
        await migrate.upgrade(engine)
        assert await _tables(engine) == set(metadata.tables)
        assert await _diff(engine) == []
    finally:
        await engine.dispose()


async def test_the_audit_log_is_append_only(ctx):
    """Inserts work; UPDATE and DELETE are refused by the database itself, on both engines."""
    from sqlalchemy import delete, func, select, update
    from sqlalchemy.exc import DBAPIError

    from core.db import audit
    from core.db.tables import audit_log
    from tests.builders import ROOT

    def count_entries(conn):
        return _scalar(conn, select(func.count()).select_from(audit_log))

    before = await ctx.db.read(count_entries)  # the context's start may have audited its signing key
    await ctx.db.write(
        lambda conn: audit.record(conn, at=ctx.clock.now(), actor=ROOT, action="t", subject="s")
    )
    for statement in (update(audit_log).values(action="forged"), delete(audit_log)):
        with pytest.raises(DBAPIError, match="append-only"):
            await _run_raw(ctx, statement)
    assert await ctx.db.read(count_entries) == before + 1


async def _run_raw(ctx, statement):
    async with ctx.db.engine.begin() as conn:
        await conn.execute(statement)


async def _scalar(conn, statement):
    return (await conn.execute(statement)).scalar_one()


CREATED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def test_existing_staff_get_their_id_as_staff_number(empty_url):
    engine = create_engine(empty_url)
    try:
        await migrate.upgrade(engine, "0005")
        async with engine.begin() as conn:
            for n, email in ((1, "a@example.org"), (2, "b@example.org"), (7, "c@example.org")):
                # Only the columns revision 0005 has: tables.py's staff_number is left out.
                await conn.execute(
                    staff.insert().values(
                        id=n, email=email, display_name="X", role="door", active=True, created_at=CREATED
                    )
                )
        await migrate.upgrade(engine, "0006")
        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT id, staff_number FROM staff ORDER BY id"))).all()
        assert [tuple(r) for r in rows] == [(1, 1), (2, 2), (7, 7)]
        await migrate.downgrade(engine, "0005")  # and back, keeping the accounts
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM staff"))).scalar_one() == 3
    finally:
        await engine.dispose()


_REPORT = (
    "encore_hold_report(bigint, bigint, text, bigint, text, timestamptz, integer, boolean, bigint, bigint, "
    "boolean)"
)


@pytest.mark.postgres
async def test_replacing_the_hold_report_keeps_who_may_run_it(pg_server_url, tmp_path):
    """Migration 0022 drops and creates encore_hold_report: a hardened database's grants (the server role by name,
    PUBLIC's EXECUTE taken away) survive it both ways, in the migration's own transaction."""
    name = f"encore_t_{os.getpid()}_grants"
    server, other = f"encore_t_{os.getpid()}_srv", f"encore_t_{os.getpid()}_other"
    await pgdb.create_empty(pg_server_url, name)
    engine = create_engine(pgdb.url_for(pg_server_url, name))
    admin = create_engine(pg_server_url)
    try:
        async with admin.begin() as conn:
            for role in (server, other):
                await conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
                await conn.execute(text(f"CREATE ROLE {role}"))
        await migrate.upgrade(engine, "0021")
        async with engine.begin() as conn:
            await conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {_REPORT} FROM PUBLIC"))
            await conn.execute(text(f"GRANT EXECUTE ON FUNCTION {_REPORT} TO {server}"))

        async def may_run() -> tuple[bool, bool, str]:
            async with engine.connect() as conn:
                check = "SELECT has_function_privilege(:r, :f, 'EXECUTE')"
                return (
                    await _scalar_of(conn, check, r=server, f=_REPORT),
                    await _scalar_of(conn, check, r=other, f=_REPORT),
                    # Looked up when it runs: a cast in the text would be the dropped function's oid, planned once.
                    await _scalar_of(conn, "SELECT pg_get_function_result(to_regprocedure(:f))", f=_REPORT),
                )

        assert (await may_run())[:2] == (True, False)
        await migrate.upgrade(engine, "0022")
        assert await may_run() == (True, False, "json")
        await migrate.downgrade(engine, "0021")
        server_may, other_may, result = await may_run()
        assert (server_may, other_may) == (True, False)
        assert result.startswith("TABLE(")
    finally:
        await engine.dispose()
        await pgdb.drop(pg_server_url, name)
        async with admin.begin() as conn:
            for role in (server, other):
                await conn.execute(text(f"DROP ROLE IF EXISTS {role}"))
        await admin.dispose()


async def _scalar_of(conn, statement, **params):
    return (await conn.execute(text(statement), params)).scalar_one()
