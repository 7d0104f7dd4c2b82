"""PostgreSQL test databases: check the admin URL, build the migrated template once, clone it per test."""

from __future__ import annotations

import os
import re

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from core.db.engine import create_engine
from core.db.migrate import upgrade

# encore_tpl_<pid> is a session's template, encore_t_<pid>_<n> one test's database.
_OURS = re.compile(r"^encore_(?:tpl|t)_(\d+)(?:_\d+)?$")


def url_for(admin_url: str, database: str) -> str:
    return make_url(admin_url).set(database=database).render_as_string(hide_password=False)


def _admin(admin_url: str) -> AsyncEngine:
    # CREATE/DROP DATABASE cannot run inside a transaction block, hence AUTOCOMMIT.
    return create_async_engine(
        admin_url, poolclass=NullPool, isolation_level="AUTOCOMMIT", connect_args={"timeout": 3}
    )


async def _execute(admin_url: str, *statements: str) -> None:
    engine = _admin(admin_url)
    try:
        async with engine.connect() as conn:
            for statement in statements:
                await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def check_admin(admin_url: str) -> str | None:
    """None if we can connect and create databases there, else why not."""
    engine = _admin(admin_url)
    try:
        async with engine.connect() as conn:
            allowed = await conn.scalar(
                text("SELECT rolcreatedb OR rolsuper FROM pg_roles WHERE rolname = current_user")
            )
    except Exception as exc:  # any driver or OS error means "not usable"; say which
        return f"cannot connect: {type(exc).__name__}: {exc}".strip()
    finally:
        await engine.dispose()
    return None if allowed else "the role may not create databases (needs CREATEDB)"


def _terminate(name: str) -> str:
    return (
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        f" WHERE datname = '{name}' AND pid <> pg_backend_pid()"
    )


async def drop(admin_url: str, name: str) -> None:
    # Terminate first: a test that leaked a connection must not make the drop fail or hang.
    await _execute(admin_url, _terminate(name), f'DROP DATABASE IF EXISTS "{name}"')


async def create_template(admin_url: str, name: str) -> None:
    await drop(admin_url, name)
    await _execute(admin_url, f'CREATE DATABASE "{name}"')
    engine = create_engine(url_for(admin_url, name))
    try:
        await upgrade(engine)
    finally:
        # No connection may remain on a template, or CREATE DATABASE ... TEMPLATE fails.
        await engine.dispose()


async def create_empty(admin_url: str, name: str) -> None:
    await drop(admin_url, name)
    await _execute(admin_url, f'CREATE DATABASE "{name}"')


async def clone(admin_url: str, template: str, name: str) -> None:
    await _execute(admin_url, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def drop_stale(admin_url: str) -> list[str]:
    """Drop test databases that killed runs on this machine left (their pid is gone). Local server only."""
    engine = _admin(admin_url)
    try:
        async with engine.connect() as conn:
            names = list(
                await conn.scalars(text("SELECT datname FROM pg_database WHERE datname LIKE 'encore\\_%'"))
            )
    finally:
        await engine.dispose()
    stale = [n for n in names if (m := _OURS.match(n)) and not _pid_alive(int(m.group(1)))]
    for name in stale:
        await drop(admin_url, name)
    return stale
