"""Facts about this database itself (the site table)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import site

DEMO = "demo"


async def get(conn: AsyncConnection, key: str) -> str | None:
    value = (await conn.execute(select(site.c.value).where(site.c.key == key))).scalar()
    return None if value is None else str(value)


async def put(conn: AsyncConnection, key: str, value: str) -> None:
    await conn.execute(site.delete().where(site.c.key == key))
    await conn.execute(site.insert().values(key=key, value=value))
