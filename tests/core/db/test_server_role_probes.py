"""The stolen-configuration probes of issue 9, connected as the venue server's role: PostgreSQL itself refuses
each one and nothing changes. The control runs the very same statements as the owner, where they succeed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.db import audit
from core.db.engine import create_engine
from core.db.errors import sqlstate
from core.services.context import ServiceContext
from tests.builders import ROOT, build_stage
from tests.dbstate import snapshot
from tests.support.pgroles import PgRoles, db_upgrade

# (probe, statement, what PostgreSQL says). DISABLE TRIGGER comes first: the owner's control needs the
# append-only triggers off before it can empty the audit log, which is exactly the attack on today's main.
PROBES = [
    (
        "disable_audit_triggers",
        "ALTER TABLE audit_log DISABLE TRIGGER ALL",
        "must be owner of table audit_log",
    ),
    ("truncate_audit_log", "TRUNCATE audit_log", "permission denied for table audit_log"),
    ("delete_audit_log", "DELETE FROM audit_log", "permission denied for table audit_log"),
    ("update_audit_log", "UPDATE audit_log SET action = 'forged'", "permission denied for table audit_log"),
    (
        "insert_demo_row",
        "INSERT INTO site (key, value) VALUES ('demo', 'true')",
        "permission denied for table site",
    ),
    ("update_site", "UPDATE site SET value = 'x'", "permission denied for table site"),
    ("create_table", "CREATE TABLE probe (id integer)", "permission denied for schema public"),
    ("create_schema", "CREATE SCHEMA probe", "permission denied for database"),
    ("add_column", "ALTER TABLE orders ADD COLUMN probe integer", "must be owner of table orders"),
    ("truncate_places", "TRUNCATE places CASCADE", "permission denied for table places"),
    ("drop_places", "DROP TABLE places CASCADE", "must be owner of table places"),
]


@pytest.fixture
async def granted(pg_roles: PgRoles, pg_ctx: ServiceContext, tmp_path: Path) -> PgRoles:
    """A database with a concert, tickets' worth of data and audit entries, after `encore-ops db upgrade`."""
    await build_stage(pg_ctx)
    await pg_ctx.db.write(
        lambda conn: audit.record(conn, at=pg_ctx.clock.now(), actor=ROOT, action="t", subject="s")
    )
    assert await db_upgrade(pg_roles, tmp_path) == 0
    return pg_roles


async def _state(ctx: ServiceContext) -> tuple[Any, ...]:
    """Every row, plus what the rows cannot show: the tables, columns, schemas and trigger switches."""

    async def schema(conn: Any) -> list[Any]:
        return list(
            (
                await conn.execute(
                    text(
                        "SELECT 'column', table_name || '.' || column_name FROM information_schema.columns"
                        " WHERE table_schema = 'public' UNION ALL"
                        " SELECT 'trigger', tgname || '=' || CAST(tgenabled AS text) FROM pg_trigger"
                        " WHERE NOT tgisinternal"
                        " UNION ALL SELECT 'schema', nspname FROM pg_namespace ORDER BY 1, 2"
                    )
                )
            ).all()
        )

    return (await snapshot(ctx), await ctx.db.read(schema))


@pytest.mark.parametrize(("probe", "statement", "refusal"), PROBES, ids=[p[0] for p in PROBES])
async def test_the_server_role_is_refused_by_postgresql(
    granted: PgRoles, pg_ctx: ServiceContext, probe: str, statement: str, refusal: str
) -> None:
    before = await _state(pg_ctx)
    engine = create_engine(granted.server_url)
    try:
        async with engine.begin() as conn:
            assert await conn.scalar(text("SELECT current_user")) == granted.server
            with pytest.raises(DBAPIError) as info:
                await conn.execute(text(statement))
            await conn.rollback()
    finally:
        await engine.dispose()
    assert sqlstate(info.value) == "42501", probe  # insufficient_privilege
    assert refusal in str(info.value.orig)
    assert await _state(pg_ctx) == before


async def test_control_the_owner_can_do_every_probe(granted: PgRoles, pg_ctx: ServiceContext) -> None:
    """The harness can fail: the same statements, as the owner every device connected as on today's main,
    all go through (in a transaction rolled back at the end)."""
    before = await _state(pg_ctx)
    engine = create_engine(granted.database_url)
    try:
        async with engine.connect() as conn:
            transaction = await conn.begin()
            assert await conn.scalar(text("SELECT current_user")) == granted.owner
            for _, statement, _ in PROBES:
                await conn.execute(text(statement))
            assert await conn.scalar(text("SELECT to_regclass('places')")) is None
            await transaction.rollback()
    finally:
        await engine.dispose()
    assert await _state(pg_ctx) == before


async def test_the_server_role_may_not_become_the_owner(granted: PgRoles) -> None:
    engine = create_engine(granted.server_url)
    try:
        with pytest.raises(DBAPIError) as info:
            async with engine.begin() as conn:
                await conn.execute(text(f'SET ROLE "{granted.owner}"'))
    finally:
        await engine.dispose()
    assert sqlstate(info.value) == "42501"
