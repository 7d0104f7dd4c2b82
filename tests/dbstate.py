"""A snapshot of every table, to assert that a refused request changed nothing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from core.db.tables import metadata
from core.services.context import ServiceContext


async def snapshot(ctx: ServiceContext) -> dict[str, list[tuple[Any, ...]]]:
    async def work(conn: AsyncConnection) -> dict[str, list[tuple[Any, ...]]]:
        result = {}
        for table in metadata.sorted_tables:
            rows = (await conn.execute(select(table))).all()
            result[table.name] = sorted((tuple(r) for r in rows), key=repr)
        return result

    return await ctx.db.read(work)
