"""PostgreSQL least privilege: the venue server's DML-only role and a read-only reporting role, idempotently."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from core.domain.errors import Conflict, ErrorCode, NotAllowed

SERVER_DML = ("SELECT", "INSERT", "UPDATE", "DELETE")
SERVER_EXCEPTIONS: dict[str, tuple[str, ...]] = {
    # The demo marker switches on free payments: only `encore-ops` (the owner) may write it.
    "site": ("SELECT",),
    # Append-only for the server by grants; the triggers (0001, 0004) refuse UPDATE, DELETE and TRUNCATE too.
    "audit_log": ("SELECT", "INSERT"),
    "alembic_version": ("SELECT",),
    # The server registers and retires its ticket-signing keys; a key that signed tickets is never deleted.
    "signing_keys": ("SELECT", "INSERT", "UPDATE"),
    # The first PIN key a database sees becomes its own; `forget-pins` replaces it. Never without one again.
    "pin_key_check": ("SELECT", "INSERT", "UPDATE"),
}
"""Tables the server may not fully write; every other table of the schema gets SERVER_DML (and no TRUNCATE,
REFERENCES or TRIGGER anywhere)."""


@dataclass(frozen=True, slots=True)
class RolePlan:
    server: str
    reporting: str
    server_verifier: str | None = None
    """scram_verifier(the password); None: the password is left as it is (pg_hba.conf decides how to log in)."""
    reporting_verifier: str | None = None


@dataclass(frozen=True, slots=True)
class RolesApplied:
    owner: str
    schema: str
    created: tuple[str, ...]
    passwords_set: tuple[str, ...]
    tables: tuple[str, ...]


def _q(name: str) -> str:
    """An identifier for SQL. Role names are checked by config (lower-case letters, digits, _); table names
    come from the catalogue; quoting still keeps any surprise from becoming SQL."""
    return '"' + name.replace('"', '""') + '"'


SERVER_FUNCTION = (
    "encore_hold_report(bigint, bigint, text, bigint, text, timestamptz, integer, boolean, bigint, bigint, "
    "boolean)"
)
"""The one function the server calls (hold_statements: a hold's refusal report, migration 0021)."""


async def apply_roles(conn: AsyncConnection, plan: RolePlan) -> RolesApplied:
    """Create the roles if missing, check that they are safe, and set their grants to exactly the plan.

    Run as the schema owner, in one transaction (GRANT and CREATE ROLE are transactional in PostgreSQL): the
    grants are revoked and granted again, so running it twice gives the same grants.
    """
    owner = str(await conn.scalar(text("SELECT current_user")))
    schema = str(await conn.scalar(text("SELECT current_schema()")))
    created = []
    for role in (plan.server, plan.reporting):
        if role == owner:
            raise Conflict(
                f"The role {role} is the owner that runs migrations; the venue server and reports need their "
                "own roles. Set database_server_role / database_reporting_role to other names.",
                code=ErrorCode.DATABASE_ROLE_UNSAFE,
            )
        if await _ensure_role(conn, role, owner):
            created.append(role)
        await _check_role(conn, role, owner)
    tables = tuple(
        await conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"), {"s": schema}
        )
    )
    both = f"{_q(plan.server)}, {_q(plan.reporting)}"
    s = _q(schema)
    for statement in (
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {both}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {both}",
        f"REVOKE ALL ON SCHEMA {s} FROM {both}",
        f"GRANT USAGE ON SCHEMA {s} TO {both}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {_q(plan.reporting)}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA {s} TO {_q(plan.server)}",
    ):
        await conn.execute(text(statement))
    for table in tables:
        privileges = ", ".join(SERVER_EXCEPTIONS.get(table, SERVER_DML))
        await conn.execute(text(f"GRANT {privileges} ON TABLE {s}.{_q(table)} TO {_q(plan.server)}"))
    # What a hold calls when it made nothing (migration 0021): granted by name, not left to PUBLIC's default,
    # which a hardened database takes away (every refusal would then fail, at the busiest moment of a sale).
    await conn.execute(text(f"GRANT EXECUTE ON FUNCTION {s}.{SERVER_FUNCTION} TO {_q(plan.server)}"))
    for role in (plan.server, plan.reporting):
        await _no_ddl(conn, role, schema)
    passwords = []
    for role, verifier in ((plan.server, plan.server_verifier), (plan.reporting, plan.reporting_verifier)):
        if verifier is not None:
            # A SCRAM verifier, never the password: the statement may end up in the server's log. Checked
            # before it goes into SQL; exec_driver_sql because base64 text may look like ":name" to text().
            if not _VERIFIER.fullmatch(verifier):
                raise ValueError("not a SCRAM-SHA-256 verifier; make it with scram_verifier()")
            await conn.exec_driver_sql(f"ALTER ROLE {_q(role)} PASSWORD '{verifier}'")
            passwords.append(role)
    return RolesApplied(owner, schema, tuple(created), tuple(passwords), tables)


async def _ensure_role(conn: AsyncConnection, role: str, owner: str) -> bool:
    """True when the role was created now."""
    found = await conn.scalar(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role})
    if found:
        return False
    may = await conn.scalar(
        text("SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user")
    )
    if not may:
        raise NotAllowed(
            f"The role {role} does not exist and {owner} may not create roles. As a superuser, run "
            f"CREATE ROLE {role} LOGIN; (or give {owner} CREATEROLE), then run `encore-ops db upgrade` again.",
            code=ErrorCode.DATABASE_ROLE_MISSING,
        )
    await conn.execute(text(f"CREATE ROLE {_q(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE"))
    return True


async def _check_role(conn: AsyncConnection, role: str, owner: str) -> None:
    """Refuse a role that could do more than its grants: a superuser, a role that may create databases or
    roles, a member of the owner (SET ROLE), or an owner of anything in this database (DDL, TRUNCATE and
    DISABLE TRIGGER come with ownership)."""
    row = (
        await conn.execute(
            text(
                "SELECT rolsuper, rolcreatedb, rolcreaterole, pg_has_role(:r, :o, 'MEMBER') AS member_of_owner,"
                " (SELECT datdba = r.oid FROM pg_database WHERE datname = current_database()) AS owns_database"
                " FROM pg_roles r WHERE rolname = :r"
            ),
            {"r": role, "o": owner},
        )
    ).one()
    problems = [
        what
        for flag, what in (
            (row.rolsuper, "is a superuser"),
            (row.rolcreatedb, "may create databases"),
            (row.rolcreaterole, "may create roles"),
            (row.member_of_owner, f"is a member of {owner} (it could SET ROLE {owner})"),
            (row.owns_database, "owns this database"),
        )
        if flag
    ]
    owned = list(
        await conn.scalars(
            text(
                "SELECT pg_describe_object(classid, objid, objsubid) FROM pg_shdepend"
                " WHERE deptype = 'o' AND refclassid = 'pg_authid'::regclass"
                " AND refobjid = (SELECT oid FROM pg_roles WHERE rolname = :r)"
                " AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " ORDER BY 1"
            ),
            {"r": role},
        )
    )
    if owned:
        shown = ", ".join(owned[:5]) + (f" and {len(owned) - 5} more" if len(owned) > 5 else "")
        problems.append(f"owns {shown}")
    if problems:
        raise Conflict(
            f"The role {role} {'; '.join(problems)}: it must have its grants and nothing else. As a superuser, "
            f"fix it (ALTER ROLE {role} NOSUPERUSER NOCREATEDB NOCREATEROLE; REVOKE {owner} FROM {role}; "
            f"REASSIGN OWNED BY {role} TO {owner}), then run `encore-ops db upgrade` again.",
            code=ErrorCode.DATABASE_ROLE_UNSAFE,
        )


async def _no_ddl(conn: AsyncConnection, role: str, schema: str) -> None:
    """No CREATE on the schema or the database, whoever granted it: PostgreSQL before 15 gave every role
    (PUBLIC) CREATE on the public schema."""
    for what, check, revoke in (
        (
            f"schema {schema}",
            "has_schema_privilege(:r, :s, 'CREATE')",
            f"REVOKE CREATE ON SCHEMA {_q(schema)} FROM PUBLIC",
        ),
        (
            "this database",
            "has_database_privilege(:r, current_database(), 'CREATE')",
            "REVOKE CREATE ON DATABASE {db} FROM PUBLIC",
        ),
    ):
        query = text(f"SELECT {check}")
        if not await conn.scalar(query, {"r": role, "s": schema}):
            continue
        database = str(await conn.scalar(text("SELECT current_database()")))
        await conn.execute(text(revoke.format(db=_q(database))))
        await conn.execute(text(revoke.format(db=_q(database)).replace("PUBLIC", _q(role))))
        if await conn.scalar(query, {"r": role, "s": schema}):
            raise Conflict(
                f"The role {role} may create objects in {what} and this owner cannot take that away. As a "
                f"superuser, run {revoke.format(db=database)}; (and from {role}), then run "
                "`encore-ops db upgrade` again.",
                code=ErrorCode.DATABASE_ROLE_UNSAFE,
            )


SCRAM_ITERATIONS = 4096
_B64 = r"[A-Za-z0-9+/]+={0,2}"
_VERIFIER = re.compile(rf"SCRAM-SHA-256\$[0-9]+:{_B64}\${_B64}:{_B64}")


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """PostgreSQL's SCRAM-SHA-256 verifier for ``password`` (what ALTER ROLE ... PASSWORD stores), so the
    password itself never travels in a statement.

    Printable ASCII only: PostgreSQL normalises other passwords with SASLprep first, which this does not copy.
    """
    if not password or not all(" " <= ch <= "~" for ch in password):
        raise ValueError("must be printable ASCII (generate one with: openssl rand -base64 32)")
    salt = os.urandom(16) if salt is None else salt
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    stored_key = hashlib.sha256(hmac.digest(salted, b"Client Key", "sha256")).digest()
    server_key = hmac.digest(salted, b"Server Key", "sha256")

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"
