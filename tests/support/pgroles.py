"""PostgreSQL roles for tests: cluster-wide, so named per test session (pid) and per test, and dropped after."""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from tests.support.pgdb import _admin, _pid_alive, url_for

# encore_server_t<pid>_<n> / encore_reporting_t<pid>_<n>: one test's roles.
_OURS = re.compile(r"^encore_(?:server|reporting)_t(\d+)_\d+$")


@dataclass(frozen=True)
class PgRoles:
    server: str
    reporting: str
    database_url: str
    """The test database, as the owner (the admin user of the test server)."""

    def url_as(self, role: str) -> str:
        return (
            make_url(self.database_url)
            .set(username=role, password=None)
            .render_as_string(hide_password=False)
        )

    @property
    def server_url(self) -> str:
        return self.url_as(self.server)

    @property
    def database(self) -> str:
        return str(make_url(self.database_url).database)

    @property
    def owner(self) -> str:
        return str(make_url(self.database_url).username)


def roles_for(pid: int, n: int, database_url: str) -> PgRoles:
    return PgRoles(f"encore_server_t{pid}_{n}", f"encore_reporting_t{pid}_{n}", database_url)


async def drop_roles(admin_url: str, database: str, *roles: str) -> None:
    """Revoke what the roles hold in the test database, end their sessions, drop them. Idempotent."""
    quoted = ", ".join(f'"{r}"' for r in roles)
    names = ", ".join(f"'{r}'" for r in roles)
    engine = _admin(url_for(admin_url, database))
    try:
        async with engine.connect() as conn:
            await conn.execute(
                text(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename IN ({names})")
            )
            existing = list(
                await conn.scalars(text(f"SELECT rolname FROM pg_roles WHERE rolname IN ({names})"))
            )
            if existing:
                # DROP OWNED revokes their grants in this database (DROP ROLE refuses while any remain).
                await conn.execute(text("DROP OWNED BY " + ", ".join(f'"{r}"' for r in existing)))
            await conn.execute(text(f"DROP ROLE IF EXISTS {quoted}"))
    finally:
        await engine.dispose()


async def drop_stale_roles(admin_url: str) -> list[str]:
    """Drop the test roles of killed runs (their pid is gone; their databases went with pgdb.drop_stale)."""
    engine = _admin(admin_url)
    try:
        async with engine.connect() as conn:
            names = list(
                await conn.scalars(text("SELECT rolname FROM pg_roles WHERE rolname LIKE 'encore\\_%'"))
            )
            stale = [n for n in names if (m := _OURS.match(n)) and not _pid_alive(int(m.group(1)))]
            for name in list(stale):
                try:
                    await conn.execute(text(f'DROP ROLE IF EXISTS "{name}"'))
                except DBAPIError:  # still granted in a database another live run holds: next time
                    stale.remove(name)
    finally:
        await engine.dispose()
    return stale


def write_config(path: Path, **settings: str) -> str:
    """A TOML config file with these settings (text values) and quiet logs; returns its path for --config."""
    lines = ['log_level = "WARNING"'] + [f'{k} = "{v}"' for k, v in settings.items()]
    path.write_text("[encore]\n" + "\n".join(lines) + "\n")
    return str(path)


def role_settings(roles: PgRoles) -> dict[str, str]:
    return {"database_server_role": roles.server, "database_reporting_role": roles.reporting}


async def db_upgrade(roles: PgRoles, folder: Path, *, split: bool = False, **settings: str) -> int:
    """`encore-ops db upgrade` on the test database as its owner, with this test's role names. ``split``: the
    config of a venue server, database_url as the server role and the owner's connection in database_owner_url.

    In a thread: the command line runs its own event loop (asyncio.run), as it does in a shell."""
    from core.ops import cli

    urls = {"database_url": roles.database_url}
    if split:
        urls = {"database_url": roles.server_url, "database_owner_url": roles.database_url}
    config = write_config(folder / "encore-owner.toml", **urls, **role_settings(roles), **settings)
    return await asyncio.to_thread(cli.main, ["--config", config, "db", "upgrade"])
