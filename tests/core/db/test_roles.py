"""`encore-ops db upgrade` creates the server and reporting roles and grants exactly least privilege, twice alike;
passwords come from secret references as SCRAM verifiers; unsafe roles are refused and nothing changes."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db import roles
from core.db.engine import create_engine
from core.db.tables import metadata
from core.domain.errors import Conflict, NotAllowed
from core.ops import cli
from tests.support.pgroles import PgRoles, role_settings, write_config

PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
DML = {"SELECT", "INSERT", "UPDATE", "DELETE"}
# Written out here, not taken from core.db.roles: the test says what least privilege is.
SERVER_SPECIAL = {
    "site": {"SELECT"},
    "audit_log": {"SELECT", "INSERT"},
    "alembic_version": {"SELECT"},
    "signing_keys": {"SELECT", "INSERT", "UPDATE"},  # a key that signed tickets is never deleted
    "pin_key_check": {"SELECT", "INSERT", "UPDATE"},  # the PIN key's check value is replaced, never removed
}


async def _query(url: str, sql: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return list((await conn.execute(text(sql), params)).all())
    finally:
        await engine.dispose()


async def _table_privileges(url: str, role: str) -> dict[str, set[str]]:
    rows = await _query(
        url,
        "SELECT tablename, p FROM pg_tables, unnest(CAST(:ps AS text[])) AS p"
        " WHERE schemaname = 'public' AND has_table_privilege(:r, 'public.' || tablename, p)",
        ps=list(PRIVILEGES),
        r=role,
    )
    found: dict[str, set[str]] = {}
    for table, privilege in rows:
        found.setdefault(table, set()).add(privilege)
    return found


async def _acls(url: str) -> list[Any]:
    return await _query(
        url,
        "SELECT c.relname, CAST(c.relacl AS text) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
        " WHERE n.nspname = 'public' ORDER BY 1",
    )


async def _upgrade(tmp_path: Path, url: str, **settings: str) -> int:
    # In a thread: the command line runs its own event loop (asyncio.run), as it does in a shell.
    return await asyncio.to_thread(_upgrade_now, tmp_path, url, **settings)


def _upgrade_now(tmp_path: Path, url: str, **settings: str) -> int:
    return cli.main(
        ["--config", write_config(tmp_path / "encore.toml", database_url=url, **settings), "db", "upgrade"]
    )


async def test_db_upgrade_grants_least_privilege_and_twice_gives_the_same(
    pg_roles: PgRoles, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = pg_roles.database_url
    assert await _upgrade(tmp_path, url, **role_settings(pg_roles)) == 0
    out = capsys.readouterr().out
    assert f"Created role(s): {pg_roles.server}, {pg_roles.reporting}." in out
    assert f"{pg_roles.server} may SELECT/INSERT/UPDATE/DELETE" in out

    tables = set(metadata.tables) | {"alembic_version"}
    expected = {t: SERVER_SPECIAL.get(t, DML) for t in tables}
    assert await _table_privileges(url, pg_roles.server) == expected
    assert await _table_privileges(url, pg_roles.reporting) == {t: {"SELECT"} for t in tables}
    sequences = await _query(
        url,
        "SELECT sequencename, has_sequence_privilege(:s, 'public.' || sequencename, 'USAGE'),"
        " has_sequence_privilege(:s, 'public.' || sequencename, 'UPDATE'),"
        " has_sequence_privilege(:r, 'public.' || sequencename, 'USAGE')"
        " FROM pg_sequences WHERE schemaname = 'public'",
        s=pg_roles.server,
        r=pg_roles.reporting,
    )
    assert sequences, "the tables have id sequences"
    assert {tuple(row[1:]) for row in sequences} == {(True, False, False)}  # nextval only; no setval
    for role in (pg_roles.server, pg_roles.reporting):
        (facts,) = await _query(
            url,
            "SELECT rolsuper, rolcreatedb, rolcreaterole, has_schema_privilege(:r, 'public', 'CREATE'),"
            " has_schema_privilege(:r, 'public', 'USAGE'), has_database_privilege(:r, current_database(), 'CREATE'),"
            " (SELECT count(*) FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles WHERE rolname = :r))"
            " FROM pg_roles WHERE rolname = :r",
            r=role,
        )
        assert tuple(facts) == (False, False, False, False, True, False, 0), role

    before = await _acls(url)
    assert await _upgrade(tmp_path, url, **role_settings(pg_roles)) == 0
    again = capsys.readouterr().out
    assert "Created role(s)" not in again
    assert await _acls(url) == before, "a second run grants exactly the same"


async def test_the_server_may_run_the_hold_report_where_public_may_not(
    pg_roles: PgRoles, tmp_path: Path
) -> None:
    """A hardened database takes EXECUTE on functions from PUBLIC; the server role keeps the one a refused hold
    calls (migration 0021), granted by name, and the reporting role gets none."""
    url = pg_roles.database_url
    assert await _upgrade(tmp_path, url, **role_settings(pg_roles)) == 0
    function = f"public.{roles.SERVER_FUNCTION}"
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC"))
    finally:
        await engine.dispose()
    allowed = "SELECT has_function_privilege(:r, :f, 'EXECUTE')"
    assert [r[0] for r in await _query(url, allowed, r=pg_roles.reporting, f=function)] == [
        False
    ]  # the control
    assert [r[0] for r in await _query(url, allowed, r=pg_roles.server, f=function)] == [True]


async def test_role_passwords_come_from_secret_references_as_scram_verifiers(
    pg_roles: PgRoles, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    password = "Correct-Horse-Battery-42"
    monkeypatch.setenv("T_ENCORE_SERVER_PASSWORD", password)
    settings = role_settings(pg_roles) | {"database_server_password_ref": "env:T_ENCORE_SERVER_PASSWORD"}
    assert await _upgrade(tmp_path, pg_roles.database_url, **settings) == 0
    out = capsys.readouterr().out
    assert f"Set the password of: {pg_roles.server}." in out
    assert password not in out

    async def stored() -> dict[str, str | None]:
        rows = await _query(
            pg_roles.database_url,
            "SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN (:s, :r)",
            s=pg_roles.server,
            r=pg_roles.reporting,
        )
        return dict(rows)  # type: ignore[arg-type]

    verifiers = await stored()
    assert verifiers[pg_roles.reporting] is None, "no reference: login is left to pg_hba.conf"
    verifier = verifiers[pg_roles.server]
    assert verifier is not None
    assert password not in verifier
    iterations, salt = _salt(verifier)
    assert roles.scram_verifier(password, salt=salt, iterations=iterations) == verifier

    assert await _upgrade(tmp_path, pg_roles.database_url, **role_settings(pg_roles)) == 0
    assert "Set the password" not in capsys.readouterr().out
    assert (await stored())[pg_roles.server] == verifier, "without a reference the password stays as it was"


async def test_the_scram_verifier_is_the_one_postgresql_makes(pg_roles: PgRoles, tmp_path: Path) -> None:
    """Control for the check above: PostgreSQL hashes a password itself; ours, with its salt, is identical."""
    assert await _upgrade(tmp_path, pg_roles.database_url, **role_settings(pg_roles)) == 0
    password = "plain ASCII, with spaces & symbols: ~!"
    engine = create_engine(pg_roles.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL password_encryption = 'scram-sha-256'"))
            made = await conn.scalar(
                text("SELECT format('ALTER ROLE %I PASSWORD %L', CAST(:r AS text), CAST(:p AS text))"),
                {"r": pg_roles.reporting, "p": password},
            )
            await conn.exec_driver_sql(str(made))
            verifier = str(
                await conn.scalar(
                    text("SELECT rolpassword FROM pg_authid WHERE rolname = :r"), {"r": pg_roles.reporting}
                )
            )
    finally:
        await engine.dispose()
    iterations, salt = _salt(verifier)
    assert roles.scram_verifier(password, salt=salt, iterations=iterations) == verifier
    assert roles.scram_verifier(password + "x", salt=salt, iterations=iterations) != verifier


def _salt(verifier: str) -> tuple[int, bytes]:
    method, _, rest = verifier.partition("$")
    assert method == "SCRAM-SHA-256"
    iterations, salt = rest.split("$")[0].split(":")
    return int(iterations), base64.b64decode(salt)


async def test_a_password_that_cannot_be_hashed_here_is_refused_before_anything_changes(
    pg_roles: PgRoles, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("T_ENCORE_SERVER_PASSWORD", "pässwörd")
    settings = role_settings(pg_roles) | {"database_server_password_ref": "env:T_ENCORE_SERVER_PASSWORD"}
    assert await _upgrade(tmp_path, pg_roles.database_url, **settings) == 2
    err = capsys.readouterr().err
    assert "database_server_password_ref: the password must be printable ASCII" in err
    assert "pässwörd" not in err
    assert (
        _run(_query(pg_roles.database_url, "SELECT 1 FROM pg_roles WHERE rolname = :r", r=pg_roles.server))
        == []
    )


def _run(coro: Any) -> Any:
    from tests.support import aio

    return aio.run(coro)


@pytest.mark.parametrize("setup", ["owns_a_table", "member_of_owner", "is_the_owner", "may_create_databases"])
async def test_an_unsafe_role_is_refused_and_nothing_changes(pg_roles: PgRoles, setup: str) -> None:
    server = pg_roles.server
    prepare = {
        "owns_a_table": [
            f'CREATE ROLE "{server}" LOGIN',
            "CREATE TABLE probe_owned (id integer)",
            f'ALTER TABLE probe_owned OWNER TO "{server}"',
        ],
        "member_of_owner": [f'CREATE ROLE "{server}" LOGIN', f'GRANT "{pg_roles.owner}" TO "{server}"'],
        "is_the_owner": [],
        "may_create_databases": [f'CREATE ROLE "{server}" LOGIN CREATEDB'],
    }[setup]
    if setup == "is_the_owner":
        server = pg_roles.owner
    engine = create_engine(pg_roles.database_url)
    try:
        async with engine.begin() as conn:
            for statement in prepare:
                await conn.execute(text(statement))
        before = await _acls(pg_roles.database_url)
        with pytest.raises(Conflict) as info:
            async with engine.begin() as conn:
                await roles.apply_roles(conn, roles.RolePlan(server, pg_roles.reporting))
    finally:
        await engine.dispose()
    assert info.value.code == "database_role_unsafe"
    assert server in info.value.message
    what = {
        "owns_a_table": "owns table probe_owned",
        "member_of_owner": f"is a member of {pg_roles.owner}",
        "is_the_owner": "is the owner that runs migrations",
        "may_create_databases": "may create databases",
    }[setup]
    assert what in info.value.message
    assert await _acls(pg_roles.database_url) == before
    reporting = await _query(
        pg_roles.database_url, "SELECT 1 FROM pg_roles WHERE rolname = :r", r=pg_roles.reporting
    )
    assert reporting == [], "the whole upgrade was one transaction: the reporting role was not left behind"


async def test_the_audit_log_refuses_truncate_even_for_the_owner(pg_ctx: Any) -> None:
    """The statement-level trigger (migration 0004): row triggers never fire for TRUNCATE."""
    from sqlalchemy.exc import DBAPIError

    from core.db import audit
    from tests.builders import ROOT

    before = await pg_ctx.db.read(_audit_count)  # the context's start may have audited its signing key
    await pg_ctx.db.write(
        lambda conn: audit.record(conn, at=pg_ctx.clock.now(), actor=ROOT, action="t", subject="s")
    )
    with pytest.raises(DBAPIError, match="append-only; it cannot be truncated"):
        async with pg_ctx.db.engine.begin() as conn:
            await conn.execute(text("TRUNCATE audit_log"))
    assert await pg_ctx.db.read(_audit_count) == before + 1


async def _audit_count(conn: AsyncConnection) -> int:
    return int((await conn.execute(text("SELECT count(*) FROM audit_log"))).scalar_one())


async def test_sqlite_has_no_roles_and_says_so(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert await _upgrade(tmp_path, sqlite_url) == 0
    assert "SQLite has no database roles: nothing to grant" in capsys.readouterr().out


async def test_create_on_the_schema_granted_to_everyone_is_taken_away(
    pg_roles: PgRoles, tmp_path: Path
) -> None:
    """PostgreSQL before 15 let every role (PUBLIC) create tables in the public schema; db upgrade revokes it."""
    engine = create_engine(pg_roles.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("GRANT CREATE ON SCHEMA public TO PUBLIC"))
            await conn.execute(text("GRANT CREATE ON DATABASE " + f'"{pg_roles.database}"' + " TO PUBLIC"))
    finally:
        await engine.dispose()
    assert await _upgrade(tmp_path, pg_roles.database_url, **role_settings(pg_roles)) == 0
    (row,) = await _query(
        pg_roles.database_url,
        "SELECT has_schema_privilege(:r, 'public', 'CREATE'), has_database_privilege(:r, current_database(), 'CREATE')",
        r=pg_roles.server,
    )
    assert tuple(row) == (False, False)


async def test_an_owner_that_may_not_create_roles_is_told_what_to_run(pg_roles: PgRoles) -> None:
    # This test's reporting role name stands in for a plain owner without CREATEROLE (it is dropped after).
    plain_owner = pg_roles.reporting
    engine = create_engine(pg_roles.database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE ROLE "{plain_owner}" LOGIN NOCREATEROLE'))
    finally:
        await engine.dispose()
    engine = create_engine(pg_roles.url_as(plain_owner))
    try:
        with pytest.raises(NotAllowed) as info:
            async with engine.begin() as conn:
                await roles.apply_roles(conn, roles.RolePlan(pg_roles.server, pg_roles.server + "_r"))
    finally:
        await engine.dispose()
    assert info.value.code == "database_role_missing"
    assert f"CREATE ROLE {pg_roles.server} LOGIN" in info.value.message
    assert (
        await _query(pg_roles.database_url, "SELECT 1 FROM pg_roles WHERE rolname = :r", r=pg_roles.server)
        == []
    )
